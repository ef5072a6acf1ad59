"""Collaborations and their dated assessments, with every part of a case in its own table.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(100)


def _stamps() -> list[sa.Column]:
    return [sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def _to(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{referred}.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_{column}_{referred}")


def upgrade() -> None:
    op.create_table(
        "collaboration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("language IN ('nl', 'en')", name="ck_collaboration_language"),
        sa.PrimaryKeyConstraint("id", name="pk_collaboration"),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("min_group", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("min_group >= 1", name="ck_assessment_min_group"),
        _to("assessment", "collaboration_id", "collaboration"),
        sa.PrimaryKeyConstraint("id", name="pk_assessment"),
    )
    op.create_index("ix_assessment_collaboration_id", "assessment", ["collaboration_id"])
    op.create_table(
        "assessment_score",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("indicator", ID, nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name="ck_assessment_score_value"),
        _to("assessment_score", "assessment_id", "assessment"),
        sa.PrimaryKeyConstraint("assessment_id", "indicator", name="pk_assessment_score"),
    )
    op.create_table(
        "assessment_characteristic",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("characteristic", ID, nullable=False),
        sa.Column("level", sa.String(6), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("level IN ('low', 'medium', 'high')", name="ck_assessment_characteristic_level"),
        _to("assessment_characteristic", "assessment_id", "assessment"),
        sa.PrimaryKeyConstraint("assessment_id", "characteristic", name="pk_assessment_characteristic"),
    )
    op.create_table(
        "assessment_observation",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("observation", ID, nullable=False),
        _to("assessment_observation", "assessment_id", "assessment"),
        sa.PrimaryKeyConstraint("assessment_id", "position", name="pk_assessment_observation"),
    )
    op.create_table(
        "respondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=False),
        _to("respondent", "assessment_id", "assessment"),
        sa.PrimaryKeyConstraint("id", name="pk_respondent"),
        sa.UniqueConstraint("assessment_id", "position", name="uq_respondent_assessment_id"),
    )
    op.create_table(
        "respondent_score",
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("indicator", ID, nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name="ck_respondent_score_value"),
        _to("respondent_score", "respondent_id", "respondent"),
        sa.PrimaryKeyConstraint("respondent_id", "indicator", name="pk_respondent_score"),
    )
    op.create_table(
        "respondent_observation",
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("observation", ID, nullable=False),
        _to("respondent_observation", "respondent_id", "respondent"),
        sa.PrimaryKeyConstraint("respondent_id", "position", name="pk_respondent_observation"),
    )


def downgrade() -> None:
    for table in ("respondent_observation", "respondent_score", "respondent", "assessment_observation",
                  "assessment_characteristic", "assessment_score"):
        op.drop_table(table)
    op.drop_index("ix_assessment_collaboration_id", table_name="assessment")
    op.drop_table("assessment")
    op.drop_table("collaboration")
