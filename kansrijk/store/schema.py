"""The database schema: collaborations, their dated assessments, and everything a case file holds.

Every list and mapping of a case (scores, characteristics, observations, respondents and their
answers) is a child table with a `position`, so that a case read back is the very case that was
saved, in the same order (the order of the respondents and of the keys is the order of the output).
The migrations in kansrijk/store/migrations must create exactly this schema (a test compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# named constraints: Alembic's batch mode (SQLite) and PostgreSQL need a name to drop or alter one
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(100)  # an id of the knowledge base (indicator, characteristic, dynamic or signal)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Collaboration(Base):
    __tablename__ = "collaboration"
    __table_args__ = (CheckConstraint("language IN ('nl', 'en')", name="language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    notes: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="collaboration", cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}


class Assessment(Base):
    """One dated assessment of a collaboration: a case without its name and language."""

    __tablename__ = "assessment"
    __table_args__ = (CheckConstraint("min_group >= 1", name="min_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    min_group: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)

    collaboration: Mapped[Collaboration] = relationship(back_populates="assessments")
    scores: Mapped[list[Score]] = relationship(
        order_by="Score.position", cascade="all, delete-orphan", passive_deletes=True)
    characteristics: Mapped[list[CharacteristicLevel]] = relationship(
        order_by="CharacteristicLevel.position", cascade="all, delete-orphan", passive_deletes=True)
    observations: Mapped[list[Observation]] = relationship(
        order_by="Observation.position", cascade="all, delete-orphan", passive_deletes=True)
    respondents: Mapped[list[Respondent]] = relationship(
        order_by="Respondent.position", cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}


class Score(Base):
    """An indicator's score in an assessment; value NULL is "don't know"."""

    __tablename__ = "assessment_score"
    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 5", name="value"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(ID, primary_key=True)
    value: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class CharacteristicLevel(Base):
    __tablename__ = "assessment_characteristic"
    __table_args__ = (CheckConstraint("level IN ('low', 'medium', 'high')", name="level"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    characteristic: Mapped[str] = mapped_column(ID, primary_key=True)
    level: Mapped[str] = mapped_column(String(6))
    position: Mapped[int] = mapped_column(Integer)


class Observation(Base):
    """A dynamic or signal the adviser observed."""

    __tablename__ = "assessment_observation"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation: Mapped[str] = mapped_column(ID)


class Respondent(Base):
    """One partner's answers to a survey; the name is kept for the case file, never shown."""

    __tablename__ = "respondent"
    __table_args__ = (UniqueConstraint("assessment_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)

    scores: Mapped[list[RespondentScore]] = relationship(
        order_by="RespondentScore.position", cascade="all, delete-orphan", passive_deletes=True)
    observations: Mapped[list[RespondentObservation]] = relationship(
        order_by="RespondentObservation.position", cascade="all, delete-orphan", passive_deletes=True)


class RespondentScore(Base):
    __tablename__ = "respondent_score"
    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 5", name="value"),)

    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(ID, primary_key=True)
    value: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class RespondentObservation(Base):
    """A respondent may mark one observation twice in a hand-written case: keyed by position."""

    __tablename__ = "respondent_observation"

    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation: Mapped[str] = mapped_column(ID)
