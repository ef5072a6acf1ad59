"""Many cases at once: `kansrijk advise FILES|DIRS|GLOBS` gives each case what it gives alone, in
the order of the cases whatever the number of workers; a bad case is reported and the rest run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kansrijk.batch import case_paths, is_many
from kansrijk.errors import InputError
from tests.conftest import EXAMPLES, HEALTHCARE, ROOT, kansrijk

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_cases import generate, write  # noqa: E402

KANSRIJK = [sys.executable, "-m", "kansrijk"]


def alone(path: Path, *options) -> dict:
    result = kansrijk("advise", path, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> list[Path]:
    """The examples and generated cases (group cases among them), in one folder, in sorted order."""
    folder = tmp_path_factory.mktemp("cases")
    generated = write(generate(12, seed=7), folder)
    for example in EXAMPLES:
        (folder / example.name).write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    assert any("respondents" in case for case in generate(12, seed=7))
    return sorted([*generated, *(folder / e.name for e in EXAMPLES)])


@pytest.fixture(scope="module")
def expected(cases) -> list[dict]:
    return [{"file": str(path), **alone(path)} for path in cases]


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_in_process_is_each_case_alone_in_order(cases, expected):
    result = kansrijk("advise", *cases, "--format", "jsonl", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == expected
    assert result.stderr == ""


def test_jsonl_with_two_workers_is_each_case_alone_in_order(cases, expected):
    # a whole process, as a user runs it; standard error is a pipe, so no progress bar
    run = subprocess.run([*KANSRIJK, "advise", *map(str, cases), "--format", "jsonl", "--jobs", "2"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert lines(run.stdout) == expected
    assert run.stderr == ""


def test_the_options_of_one_case_hold_for_each(cases):
    result = kansrijk("advise", cases[0], HEALTHCARE, "--format", "jsonl", "--lang", "en", "--audience", "partners")
    assert result.exit_code == 0, result.output
    got = lines(result.stdout)
    assert [line.pop("file") for line in got] == [str(cases[0]), str(HEALTHCARE)]
    assert got == [alone(cases[0], "--lang", "en", "--audience", "partners"),
                   alone(HEALTHCARE, "--lang", "en", "--audience", "partners")]


def test_a_bad_case_is_reported_and_the_rest_still_run(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscores:\n  interests.real_dialog: 2\n", encoding="utf-8")
    for jobs in ("1", "2"):
        result = kansrijk("advise", HEALTHCARE, bad, tmp_path / "missing.yaml", EXAMPLES[0], "--jobs", jobs)
        assert result.exit_code == 2
        assert [line["file"] for line in lines(result.stdout)] == [str(HEALTHCARE), str(EXAMPLES[0])]
        assert f"{bad}:3: scores.interests.real_dialog" in result.stderr and "real_dialogue" in result.stderr
        assert f"{tmp_path / 'missing.yaml'}" in result.stderr
        assert "2 of 4 cases without advice" in result.stderr


def test_folders_and_globs_expand_in_order_each_file_once(tmp_path):
    for name in ("b.yaml", "a.json", "c.yml", "notes.txt", ".hidden.yaml"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yaml").write_text("{}", encoding="utf-8")
    folder = [str(tmp_path / n) for n in ("a.json", "b.yaml", "c.yml")]
    assert case_paths([str(tmp_path)]) == folder
    assert case_paths([str(tmp_path / "c.yml"), str(tmp_path)]) == [folder[2], *folder[:2]]
    assert case_paths([str(tmp_path / "*.y*ml")]) == folder[1:]
    assert case_paths([str(tmp_path / "**" / "*.yaml")]) == [folder[1], str(tmp_path / "sub" / "d.yaml")]
    assert case_paths([str(tmp_path / "notes.txt")]) == [str(tmp_path / "notes.txt")]  # a file as it is
    assert is_many([str(tmp_path)]) and is_many(["*.yaml"]) and is_many(["a", "b"]) and not is_many(["a.yaml"])
    for nothing in (str(tmp_path / "sub" / "*.json"), str(tmp_path / "sub" / "empty")):
        os.makedirs(tmp_path / "sub" / "empty", exist_ok=True)
        with pytest.raises(InputError):
            case_paths([nothing])


def test_a_folder_and_a_glob_through_the_command_line(tmp_path):
    result = kansrijk("advise", ROOT / "examples", str(ROOT / "examples" / "monitoring" / "*.yaml"))
    assert result.exit_code == 0, result.output
    files = [line["file"] for line in lines(result.stdout)]  # jsonl is the default for many cases
    assert files == [str(p) for p in EXAMPLES] + sorted(str(p) for p in (ROOT / "examples" / "monitoring").glob("*.yaml"))
    result = kansrijk("advise", str(tmp_path / "*.yaml"))
    assert result.exit_code == 2 and "no file matches" in result.stderr


def test_output_folder_one_file_per_case_never_overwritten_unasked(tmp_path):
    out = tmp_path / "advice"
    two = [HEALTHCARE, EXAMPLES[0]]
    result = kansrijk("advise", *two, "--format", "markdown", "-o", out, "--top", "3")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(p.stem + ".md" for p in two)
    single = kansrijk("advise", HEALTHCARE, "--format", "markdown", "--top", "3")
    assert (out / "zorgalliantie.md").read_text(encoding="utf-8") == single.stdout
    before = (out / "zorgalliantie.md").stat().st_mtime_ns
    again = kansrijk("advise", *two, "--format", "markdown", "-o", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert (out / "zorgalliantie.md").stat().st_mtime_ns == before
    assert kansrijk("advise", *two, "--format", "markdown", "-o", out, "--force").exit_code == 0
    # never onto an input, not even with --force
    case = out / "zorgalliantie.html"
    case.write_text(HEALTHCARE.read_text(encoding="utf-8"), encoding="utf-8")
    onto = kansrijk("advise", case, EXAMPLES[0], "--format", "html", "-o", out, "--force")
    assert onto.exit_code == 2 and "input file" in onto.stderr
    # two cases that would go to one file
    other = tmp_path / "zorgalliantie.json"
    other.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    same = kansrijk("advise", HEALTHCARE, other, "--format", "json", "-o", tmp_path / "new")
    assert same.exit_code == 2 and "both" in same.stderr and not (tmp_path / "new").exists()


def test_jsonl_to_a_file_and_text_needs_a_folder(tmp_path):
    target = tmp_path / "all.jsonl"
    result = kansrijk("advise", HEALTHCARE, EXAMPLES[0], "--format", "jsonl", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert [line["file"] for line in lines(target.read_text(encoding="utf-8"))] == [str(HEALTHCARE), str(EXAMPLES[0])]
    assert kansrijk("advise", HEALTHCARE, EXAMPLES[0], "--format", "jsonl", "-o", target).exit_code == 2
    text = kansrijk("advise", HEALTHCARE, EXAMPLES[0], "--format", "text")
    assert text.exit_code == 2 and "-o FOLDER" in text.stderr
    assert kansrijk("advise", HEALTHCARE, "-", "--format", "jsonl").exit_code == 2


def test_one_case_is_as_before():
    result = kansrijk("advise", HEALTHCARE)
    assert result.exit_code == 0 and result.stdout.startswith("kansrijk")
    assert not result.stdout.lstrip().startswith("{")


def on_terminal(args, stdout_too: bool = False) -> tuple[int, bytes, bytes]:
    """Run args with standard error (and, if asked, standard output) on a pseudo-terminal:
    (exit code, standard output when piped, what the terminal showed)."""
    primary, secondary = os.openpty()
    with tempfile.TemporaryFile() as stdout:
        try:
            process = subprocess.Popen(args, stdout=secondary if stdout_too else stdout, stderr=secondary)
            os.close(secondary)
            terminal = b""
            while True:  # read while it runs: a full terminal would stop it
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the terminal closed: the process has ended
                    break
                if not chunk:
                    break
                terminal += chunk
            code = process.wait(timeout=60)
        finally:
            os.close(primary)
        stdout.seek(0)
        return code, stdout.read(), terminal


def test_a_progress_bar_on_a_terminal_none_when_piped():
    args = [*KANSRIJK, "advise", *map(str, EXAMPLES[:3]), "--jobs", "1"]
    piped = subprocess.run(args, capture_output=True, check=False)
    assert piped.returncode == 0 and piped.stderr == b""
    code, stdout, terminal = on_terminal(args)
    assert code == 0
    assert b"100%" in terminal and b"#" in terminal
    assert len(lines(stdout.decode("utf-8"))) == 3
    # the lines themselves on the terminal: no bar between them
    code, _, terminal = on_terminal(args, stdout_too=True)
    assert code == 0 and b"100%" not in terminal and terminal.count(b'{"file":') == 3
