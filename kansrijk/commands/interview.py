"""`kansrijk interview`: a guided intake in the terminal that writes a valid case file.

The questions go to standard error and the case to standard output or -o, so that
`kansrijk interview | kansrijk advise -` works. No answer is lost: Ctrl-C (or end of input before
the last question) offers to keep what was answered in `<target>.partial.yaml` beside the target;
end of input at the notes, the last and optional question, ends the interview and writes the case.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kansrijk.commands.common import LANG
from kansrijk.errors import INPUT_LANGUAGE, LANG_ENV, LANGUAGES

PARTIAL_SUFFIX = ".partial.yaml"
PARTIAL_STDOUT = "interview.partial.yaml"  # in the current folder, when the case goes to standard output


def _ask(prompt: str) -> str:
    """The prompt on standard error; one line from standard input. EOFError at end of input;
    Ctrl-C raises KeyboardInterrupt."""
    click.echo(prompt, nl=False, err=True)
    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:  # not text in the terminal's encoding: an answer no question accepts
        return "\ufffd"
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _say(text: str) -> None:
    click.echo(text, nl=False, err=True)


def partial_path(output: str | None) -> Path:
    """Where the answers of an interrupted interview go: beside the target, `casus.yaml` ->
    `casus.partial.yaml`; `interview.partial.yaml` here when the case was to go to standard output."""
    if output is None or output == "-":
        return Path(PARTIAL_STDOUT)
    path = Path(output)
    stem = path.name[: -len(path.suffix)] if path.suffix in (".yaml", ".yml", ".json") else path.name
    return path.with_name(stem + PARTIAL_SUFFIX)


def _yes(raw: str, default: bool, t: dict) -> bool | None:
    word = raw.strip().casefold()
    if not word:
        return default
    yes = {w.strip() for w in t["yes_words"].split(",")} | {"y", "yes", "j", "ja"}
    no = {w.strip() for w in t["no_words"].split(",")} | {"n", "no", "nee"}
    return True if word in yes else False if word in no else None


def _confirm(question: str, default: bool, t: dict) -> bool:
    """A yes/no question; end of input or an empty answer gives the default, Ctrl-C says no."""
    while True:
        try:
            answer = _yes(_ask(question + " "), default, t)
        except EOFError:
            _say("\n")
            return default
        except KeyboardInterrupt:
            _say("\n")
            return False
        if answer is not None:
            return answer
        _say(t["yes_no"] + "\n")


def _free(path: Path) -> Path:
    """path, or the first of path-2, path-3, ... that does not exist."""
    number = 2
    candidate = path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(path.name.replace(PARTIAL_SUFFIX, f".partial-{number}.yaml"))
        number += 1
    return candidate


def save_partial(answers: dict, kb, output: str | None, t: dict) -> Path | None:
    """Offer to keep the answers of an interrupted interview (default yes); never overwrites a
    file without asking (declined: the next free name). The path written, or None."""
    from kansrijk.interview import case_yaml, partial_case
    from kansrijk.output import write_file

    data = partial_case(answers, kb)
    if data is None:
        return None
    path = partial_path(output)
    if not _confirm(t["save"].format(path=path), True, t):
        return None
    if path.exists() or path.is_symlink():
        if path.is_dir() or not _confirm(t["overwrite"].format(path=path), False, t):
            path = _free(path)
    try:
        write_file(path, case_yaml(data))
    except OSError as exc:
        click.echo(f"{t['error']}: {path}: {exc.strerror or exc}", err=True)
        return None
    return path


@click.command()
@click.option("-o", "--output", help="The case file to write (YAML); default (or -): standard output.")
@click.option("--force", is_flag=True, help="Overwrite the case file if it exists.")
@click.option("--lang", type=LANG, help=f"Language of the questions; also the case's `language`. "
                                        f"Default: ${LANG_ENV} when set, else nl.")
@click.pass_context
def interview(ctx: click.Context, output: str | None, force: bool, lang: str | None) -> None:
    """A guided intake: asks for the case name, the five characteristics (§2), the twenty
    indicators of Table 1 (1..5 or an answer such as 'mee eens'; ? for don't know), the observed
    dynamics and signals and notes, and writes a case file for `kansrijk advise`.

    The questions go to standard error, the case to standard output or -o. An empty answer to a
    score is asked again once (Enter again for don't know). Ctrl-C offers to keep what was
    answered so far in a .partial.yaml beside the case file; Ctrl-D at the notes finishes.

    \b
    Example:
      kansrijk interview -o mijn-casus.yaml
      kansrijk interview -o my-case.yaml --lang en
      kansrijk interview | kansrijk advise -
    """
    from kansrijk.interview import case_yaml, run_interview  # here: only this command needs it
    from kansrijk.knowledgebase import load_knowledge
    from kansrijk.output import check_output, write_output
    from kansrijk.render import labels, render

    if lang is None:
        env = os.environ.get(LANG_ENV, "").strip().lower()
        lang = env if env in LANGUAGES else "nl"
    INPUT_LANGUAGE.set(lang)  # the language of the case being written is that of its errors
    # refuse before asking anything: a long interview must not end in an unwritable file
    check_output(output, force)
    t = labels().resolve(lang)["interview"]
    kb = load_knowledge()
    answers: dict = {}
    try:
        data = run_interview(kb, lang, _ask, _say, answers)
    except (KeyboardInterrupt, EOFError, click.Abort):
        _say("\n")
        saved = save_partial(answers, kb, output, t)
        click.echo(t["saved"].format(path=saved) if saved else t["aborted"], err=True)
        ctx.exit(1)
    write_output(case_yaml(data), output, force)
    if output is not None and output != "-":
        click.echo(render("interview_done.text.j2", lang, path=output,
                          scores=sum(v is not None for v in data["scores"].values()), total_scores=len(kb.indicators),
                          characteristics=len(data["characteristics"]), total_characteristics=len(kb.characteristics),
                          observations=len(data["observations"])), nl=False, err=True)
