"""The documentation stays true: generated docs are fresh, and what the README shows works."""

import re
import shlex

import click
import pytest


from kansrijk.cli import main
from kansrijk.docs import basis_table, rules_markdown, section_table
from tests.conftest import ROOT, kansrijk

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rules_doc_is_generated_from_the_current_records(model):
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(model), "docs/rules.md is stale: run kansrijk docs -o docs/rules.md --force"


def test_section_table_covers_sections_2_to_5(model):
    sections = {s for s, _ in section_table(model)}
    for required in ["§2", "§3.1", "§3.2", "§3.3", "§3.4", "§3.5", "§4.1", "§4.2", "§4.3", "§4.4", "§4.5",
                     "§5.1", "§5.2", "§5.3", "§5.4"]:
        assert required in sections


def test_docs_list_the_rules_per_basis(model):
    table = dict(basis_table(model))
    assert list(table) == ["publication", "reading", "calibration"]
    assert sorted(i for ids in table.values() for i in ids) == sorted(r.id for r in model.book.records)
    doc = rules_markdown(model)
    section = doc.split("## Rules per basis", 1)[1].split("## Sections and their rules", 1)[0]
    for basis, ids in table.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{basis}` ({len(ids)})"))
        assert row.endswith(f"| {', '.join(ids)} |")
    assert "SCO-02" in table["calibration"] and "CHA-09" in table["reading"] and "AMB-01" in table["publication"]


def test_every_rule_shows_its_basis(model):
    doc = rules_markdown(model)
    for record in model.book.records:
        block = doc.split(f"### {record.id}\n", 1)[1].split("\n### ", 1)[0]
        assert f"- basis / grondslag: `{record.basis}`" in block, record.id
        if record.basis_note is not None:
            assert record.basis_note.en in block and record.basis_note.nl in block, record.id


def test_every_rule_is_documented(model):
    doc = rules_markdown(model)
    for record in model.book.records:
        assert f"### {record.id}\n" in doc


def test_readme_case_example_is_a_valid_case(tmp_path):
    block = README.split("## The case format", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "case.yaml"
    path.write_text(block, encoding="utf-8")
    result = kansrijk("advise", path, "--format", "json")
    assert result.exit_code == 0, result.output


def test_readme_lists_exactly_the_known_ids(model):
    section = README.split("## The case format", 1)[1].split("## The command line", 1)[0]
    listed = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", section))
    kb = model.kb
    assert set(kb.by_id["indicator"]) <= listed
    assert set(kb.by_id["characteristic"]) <= listed
    assert set(kb.by_id["signal"]) <= listed
    assert {d.id for d in kb.dynamics if d.polarity == "negative"} <= listed
    unknown = listed - set(kb.by_id["indicator"]) - set(kb.by_id["characteristic"]) - set(kb.observable_ids())
    assert not unknown


def test_quick_start_example_exists_and_runs():
    commands = re.findall(r"kansrijk advise (examples/\S+)", README)
    assert commands
    for example in commands:
        result = kansrijk("advise", example)
        assert result.exit_code == 0, result.output


def test_ci_runs_the_readme_test_command():
    command = re.search(r"```sh\n(python3 -m venv .venv && .venv/bin/pip install -q -e \"\.\[test\]\".*)\n```", README)
    assert command
    assert command.group(1) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_has_help_with_an_example():
    for name in main.list_commands(click.Context(main)):
        result = kansrijk(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output, name
        assert f"kansrijk {name}" in result.output, name


def readme_examples():
    """(command, shown output lines) for every `$ kansrijk ...` block in the README."""
    blocks = re.findall(r"```\n *\$ (kansrijk [^\n]+)\n(.*?)```", README, flags=re.S)
    return [(command, [line for line in shown.splitlines() if line.strip()]) for command, shown in blocks]


@pytest.mark.parametrize("command, shown", readme_examples(), ids=lambda x: x if isinstance(x, str) else "")
def test_readme_output_examples_are_real(command, shown):
    """Each line the README shows (up to a '...') appears in the command's real output."""
    result = kansrijk(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    output = result.output
    for line in shown:
        text = line.strip()
        if text == "...":
            continue
        text = text.removesuffix("...").rstrip()
        assert text in output, f"README shows a line `{command}` does not print: {text}"


def test_every_command_is_documented_in_the_readme():
    for name in main.list_commands(click.Context(main)):
        assert f"kansrijk {name}" in README, name
