"""Safe writes (kansrijk/output.py): every command with -o writes through one helper that never
follows a planted symlink, never leaves a half-written or temporary file, never overwrites one of
the command's own inputs and says why it cannot write instead of showing a traceback."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

import pytest
import yaml

from kansrijk import output
from kansrijk.errors import InputError
from tests.conftest import ROOT, kansrijk

SURVEY = ROOT / "examples" / "survey" / "zorgalliantie_enquete.csv"
MAPPING = ROOT / "examples" / "survey" / "mapping.yaml"
SPRING, AUTUMN = (ROOT / "examples" / "monitoring" / f"sociaal_domein_{s}.yaml" for s in ("voorjaar", "najaar"))


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# every command with -o, with its inputs (case files, survey, mapping)
COMMANDS = {
    "advise": lambda case, out: ["advise", case, "-o", out],
    "advise-markdown": lambda case, out: ["advise", case, "--format", "markdown", "-o", out],
    "explain": lambda case, out: ["explain", case, "-o", out],
    "why-not": lambda case, out: ["explain", case, "--why-not", "organise_encounters", "-o", out],
    "whatif": lambda case, out: ["whatif", case, "--set", "interests.real_dialogue=4", "-o", out],
    "compare": lambda case, out: ["compare", case, AUTUMN, "-o", out],
    "report": lambda case, out: ["report", case, "-o", out],
    "docs": lambda case, out: ["docs", "-o", out],
    "model": lambda case, out: ["model", "interests", "-o", out],
    "graph": lambda case, out: ["graph", "--condition", "interests", "-o", out],
    "import": lambda case, out: ["import", SURVEY, "--map", MAPPING, "-o", out],
}


@pytest.fixture
def case(tmp_path):
    """The spring assessment of the monitoring pair, in English (error messages follow the case)."""
    path = tmp_path / "case.yaml"
    path.write_text(SPRING.read_text(encoding="utf-8").replace("language: nl", "language: en", 1), encoding="utf-8")
    return path


# -- symlinks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symlink_at_the_old_temporary_name_is_not_followed(tmp_path, case, command):
    """The old writer wrote `.NAME.tmp` through whatever was there: a planted symlink redirected it."""
    out = tmp_path / "out.txt"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    planted = [tmp_path / ".out.txt.tmp", tmp_path / "out.txt.tmp", tmp_path / ".out.txt.swp"]
    for link in planted:
        link.symlink_to(victim)
    result = kansrijk(*COMMANDS[command](case, out))
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert out.is_file() and not out.is_symlink() and out.stat().st_size > 0
    assert all(link.is_symlink() and os.readlink(link) == str(victim) for link in planted)
    assert leftovers(tmp_path) == sorted(link.name for link in planted if link.name.endswith(".tmp"))


def test_the_report_symlink_of_the_issue(tmp_path, case):
    """`report -o report.html` with a symlink planted at `.report.html.tmp` (issue 8)."""
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / ".report.html.tmp").symlink_to(victim)
    result = kansrijk("report", case, "-o", tmp_path / "report.html")
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_symlink_at_the_temporary_name_it_picks_is_not_followed(tmp_path, monkeypatch):
    """Even when an attacker guesses the random name, the file is created exclusively (O_EXCL,
    which never follows a symlink): the guessed name is skipped, its target left alone."""
    names = iter(["guessed", "other", "free"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / ".out.txt.guessed.tmp").symlink_to(victim)
    dangling = tmp_path / "elsewhere"
    (tmp_path / ".out.txt.other.tmp").symlink_to(dangling)  # a dangling one is not followed either
    output.write_file(tmp_path / "out.txt", "advice")
    assert victim.read_text(encoding="utf-8") == "precious" and not dangling.exists()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "advice"
    assert leftovers(tmp_path) == [".out.txt.guessed.tmp", ".out.txt.other.tmp"]


def test_the_temporary_name_is_not_predictable(tmp_path, monkeypatch):
    seen = []
    replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (seen.append(os.path.basename(src)), replace(src, dst)))
    for _ in range(3):
        output.write_file(tmp_path / "out.txt", "x")
    assert len(set(seen)) == 3 and all(name.startswith(".out.txt.") and name.endswith(".tmp") for name in seen)


def test_a_symlink_as_the_target_is_replaced_not_written_through(tmp_path, case):
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "out.txt"
    out.symlink_to(victim)
    refused = kansrijk("advise", case, "-o", out)
    assert refused.exit_code == 2 and "exists; add --force to overwrite it" in refused.output
    forced = kansrijk("advise", case, "-o", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert out.is_file() and not out.is_symlink()


# -- interruptions and errors -----------------------------------------------------------------------


def half_then(exc):
    def write(file, data):
        file.write(data[: len(data) // 2])
        raise exc

    return write


def test_an_interrupted_write_leaves_the_old_target_and_no_temporary_file(tmp_path, case, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old advice", encoding="utf-8")
    monkeypatch.setattr(output, "_write", half_then(KeyboardInterrupt()))
    result = kansrijk("advise", case, "-o", out, "--force")
    assert result.exit_code == 1  # click's "Aborted!"
    assert out.read_text(encoding="utf-8") == "old advice"
    assert leftovers(tmp_path) == []
    with pytest.raises(KeyboardInterrupt):
        output.write_output("new advice", str(out), force=True)
    assert out.read_text(encoding="utf-8") == "old advice" and leftovers(tmp_path) == []


def test_a_failing_write_is_an_error_with_the_path_and_leaves_nothing(tmp_path, case, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old advice", encoding="utf-8")
    monkeypatch.setattr(output, "_write", half_then(OSError(28, "No space left on device")))
    result = kansrijk("advise", case, "-o", out, "--force")
    assert result.exit_code == 2
    assert f"{out}: cannot write here: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "old advice" and leftovers(tmp_path) == []


def test_sigterm_during_a_write_removes_the_temporary_file_and_ends_the_process(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old advice", encoding="utf-8")
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from kansrijk import output\n"
        "def write(file, data):\n"
        "    file.write(data[:10]); file.flush()\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    file.write(data[10:])\n"
        "output._write = write\n"
        "output.write_file(Path(sys.argv[1]), 'new advice, longer than the old one')\n"
        "print('not reached')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "not reached" not in done.stdout
    assert out.read_text(encoding="utf-8") == "old advice" and leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # this process's handler untouched


def test_the_signal_handlers_come_back_after_a_write(tmp_path):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    output.write_file(tmp_path / "out.txt", "x")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_an_unwritable_folder_is_an_error_with_the_path(tmp_path, case, monkeypatch):
    out = tmp_path / "locked" / "out.txt"
    out.parent.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(out.parent))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for args in (("advise", case), ("report", case), ("import", SURVEY, "--map", MAPPING, "--lang", "en")):
        result = kansrijk(*args, "-o", out)
        assert result.exit_code == 2, result.output
        assert f"{out}: cannot write here: Permission denied" in result.output
        assert "Traceback" not in result.output and not out.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write to a read-only folder")
def test_a_read_only_folder_is_an_error_with_the_path(tmp_path, case):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = kansrijk("advise", case, "-o", folder / "out.txt")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2 and f"{folder / 'out.txt'}: cannot write here" in result.output
    assert "Traceback" not in result.output and list(folder.iterdir()) == []


# -- what may be written where ------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("advise", "{case}", "-o", "{case}", "--force"),
    ("advise", "{case}", "--format", "json", "-o", "{case}", "--force"),
    ("report", "{case}", "-o", "{case}", "--force"),
    ("explain", "{case}", "-o", "{case}", "--force"),
    ("explain", "{case}", "--why-not", "organise_encounters", "-o", "{case}", "--force"),
    ("whatif", "{case}", "--set", "interests.real_dialogue=4", "-o", "{case}", "--force"),
    ("compare", SPRING, "{case}", "-o", "{case}", "--force"),
    ("compare", "{case}", AUTUMN, "-o", "{case}", "--lang", "en"),
])
def test_an_input_is_never_overwritten_even_with_force(case, args):
    before = case.read_bytes()
    result = kansrijk(*(str(a).format(case=case) for a in args))
    assert result.exit_code == 2, result.output
    assert f"{case}: this is an input file of this command ({case})" in result.output
    assert "not even with --force" in result.output
    assert case.read_bytes() == before


def test_an_input_under_another_name_is_recognised(tmp_path, case):
    """A symlink to the input, a hard link, a path with `..` in it: the same file."""
    before = case.read_bytes()
    (tmp_path / "link.yaml").symlink_to(case)
    os.link(case, tmp_path / "hard.yaml")
    (tmp_path / "sub").mkdir()
    for out in (tmp_path / "link.yaml", tmp_path / "hard.yaml", tmp_path / "sub" / ".." / "case.yaml"):
        result = kansrijk("advise", case, "-o", out, "--force")
        assert result.exit_code == 2 and "this is an input file of this command" in result.output, out
    assert case.read_bytes() == before


def test_import_never_overwrites_its_survey_or_mapping(tmp_path):
    survey, mapping = tmp_path / "s.csv", tmp_path / "m.yaml"
    shutil.copy(SURVEY, survey)
    shutil.copy(MAPPING, mapping)
    for target in (survey, mapping):
        before = target.read_bytes()
        result = kansrijk("import", survey, "--map", mapping, "-o", target, "--force")
        assert result.exit_code == 2, result.output
        assert f"this is an input file of this command ({target})" in result.output
        assert target.read_bytes() == before


def test_existing_refusals_stay(tmp_path, case):
    out = tmp_path / "out.txt"
    out.write_text("mine", encoding="utf-8")
    assert kansrijk("advise", case, "-o", out).exit_code == 2 and out.read_text(encoding="utf-8") == "mine"
    missing = kansrijk("advise", case, "-o", tmp_path / "nope" / "out.txt")
    assert missing.exit_code == 2 and "in a folder that does not exist" in missing.output
    folder = kansrijk("advise", case, "-o", tmp_path, "--force")
    assert folder.exit_code == 2 and "the output file is a folder" in folder.output
    with pytest.raises(InputError):
        output.check_output(str(out), force=False)


def test_permissions_of_a_new_file_follow_the_umask_and_an_overwritten_file_keeps_its_own(tmp_path):
    old = os.umask(0o022)
    try:
        output.write_file(tmp_path / "new.txt", "x")
        kept = tmp_path / "kept.txt"
        kept.write_text("y", encoding="utf-8")
        kept.chmod(0o600)
        output.write_file(kept, "z")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text(encoding="utf-8") == "z"


def test_commands_write_only_through_the_helper():
    """No command module writes a file itself."""
    modules = [ROOT / "kansrijk" / "cli.py", *sorted((ROOT / "kansrijk" / "commands").glob("*.py"))]
    for path in modules:
        module = path.relative_to(ROOT)
        source = path.read_text(encoding="utf-8")
        for call in ("write_text(", "write_bytes(", "os.replace(", ".rename(", "mkstemp("):
            assert call not in source, f"{module} calls {call}: write through kansrijk.output"
        assert not re.search(r"""\bopen\([^)]*['"][wax]""", source), f"{module} opens a file to write"


# -- what import writes -------------------------------------------------------------------------------


HOSTILE_NAMES = [
    "x\nmin_group: 1\n#",
    "x\rmin_group: 1\r#",
    "x\u2028min_group: 1\u2028#",
    "x\u0085min_group: 1\u0085#",
    "x\u2029min_group: 1 #",
    "\x1b[2Jx\" # 'quoted' {a: b} [c]",
]


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_survey_and_mapping_file_names_cannot_change_the_case(tmp_path, hostile):
    """A survey named `x⏎min_group: 1⏎#.csv` made the written case say min_group: 1 (issue 8)."""
    survey = tmp_path / f"{hostile}.csv"
    mapping = tmp_path / f"{hostile}.yaml"
    shutil.copy(SURVEY, survey)
    shutil.copy(MAPPING, mapping)
    out = tmp_path / "case.yaml"
    result = kansrijk("import", survey, "--map", mapping, "-o", out)
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    data = yaml.safe_load(written)
    assert data["min_group"] == 3
    assert not any(line.startswith("min_group: 1") for line in written.splitlines())  # every kind of line break
    assert set(data) <= {"name", "language", "min_group", "notes", "respondents", "date", "scores",
                         "observations", "characteristics"}
    comment, body = written.split("\n", 1)
    assert comment.startswith("# imported with `kansrijk import` from \"") and "(mapping: \"" in comment
    assert not any(c in comment for c in "\r\x85\u2028\u2029\x1b")
    # what the comment says is the names, as YAML reads them back
    quoted = comment.split(" from ", 1)[1].split(" (mapping: ")
    assert yaml.safe_load(quoted[0]) == survey.name and yaml.safe_load(quoted[1][:-1]) == mapping.name
    # and the case written is the case imported, whatever the names were
    again = tmp_path / "again.yaml"
    shutil.copy(SURVEY, tmp_path / "plain.csv")
    shutil.copy(MAPPING, tmp_path / "plain.yaml")
    assert kansrijk("import", tmp_path / "plain.csv", "--map", tmp_path / "plain.yaml", "-o", again).exit_code == 0
    assert data == yaml.safe_load(again.read_text(encoding="utf-8"))


def test_a_survey_name_becomes_the_case_name_through_the_emitter(tmp_path):
    """Without a name in the mapping the case is named after the survey: hostile text there too."""
    hostile = "x\nmin_group: 1\n#\u2028y\x85z\x1b[2J"
    survey = tmp_path / f"{hostile}.csv"
    survey.write_text("Organisatie,relationship.trust\nGemeente,4\nGGZ,2\n", encoding="utf-8")
    out = tmp_path / "case.yaml"
    result = kansrijk("import", survey, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data.get("min_group", 3) == 3 and data["name"] == hostile
    assert "\x1b" not in result.output  # the summary shows the names without control characters
