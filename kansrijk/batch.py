"""Many cases at once: which files the command line names, and the advice for each of them.

`case_paths` turns what the user typed (files, folders, globs) into the ordered list of case
files; `advise portfolio`-like commands use it as `advise` does. The rules:

- a file is taken as it is (any name; a missing one stays in the list, so that reading it reports
  it with its name, as for a single case); `-` is standard input;
- a folder gives the `*.yaml`, `*.yml` and `*.json` files directly inside it (not its subfolders;
  hidden files left out), sorted by name;
- a glob (`*`, `?`, `[...]`; `**` for any depth) gives the files it matches, sorted; a folder it
  matches counts as a folder;
- a folder or glob that gives no case is an error (most likely a typo), reported before any work;
- the order is the order of the arguments; a file named twice is taken once, where it first comes.

`run` gives the advice for each case, in the order of the cases whatever the number of worker
processes: each worker loads the model once, and only a few chunks of cases are under way at any
time, so a result is written as soon as its turn comes and memory does not grow with the number
of cases. A case that cannot be read or advised on is an `Outcome` with its error message; the
rest still run.
"""

from __future__ import annotations

import collections
import contextlib
import glob
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kansrijk.errors import InputError, Msg, Problem, file_problem, unexpected

CASE_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


def case_paths(sources: Iterable[str]) -> list[str]:
    """The case files that sources (files, folders, globs, or '-') name, in order, each once."""
    paths: list[str] = []
    seen: set[str] = set()
    for source in sources:
        for path in _expand(source):
            key = path if path == STDIN else os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                paths.append(path)
    return paths


def is_many(sources: Iterable[str]) -> bool:
    """Whether sources ask for a batch: more than one, or a folder or a glob (which may name any
    number of cases, so a script gets the same kind of output for one as for a hundred)."""
    sources = list(sources)
    return len(sources) > 1 or any(_is_pattern(s) or os.path.isdir(s) for s in sources)


def _expand(source: str) -> list[str]:
    if source == STDIN:
        return [STDIN]
    if os.path.isdir(source):
        found = _cases_in(source)
        if not found:
            raise InputError(source, [Problem("", Msg("batch.empty_folder"), allowed=Msg("batch.allowed_folder"))])
        return found
    if _is_pattern(source) and not os.path.exists(source):
        found = []
        for match in sorted(glob.glob(source, recursive=True)):
            if os.path.isdir(match):
                found.extend(_cases_in(match))
            elif os.path.isfile(match):
                found.append(match)
        if not found:
            raise InputError(source, [Problem("", Msg("batch.no_match"), allowed=Msg("batch.allowed_folder"))])
        return found
    return [source]


def _cases_in(folder: str) -> list[str]:
    names = sorted(entry.name for entry in os.scandir(folder)
                   if not entry.name.startswith(".") and entry.name.lower().endswith(CASE_SUFFIXES)
                   and entry.is_file())
    return [str(Path(folder) / name) for name in names]


def _is_pattern(source: str) -> bool:
    return glob.has_magic(source)


# -- the advice for one case, in any format ----------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How `kansrijk advise` renders a case: its options, as the command line gave them."""

    fmt: str = "text"  # text | markdown | json | html | jsonl
    lang: str | None = None
    top: int | None = None
    show_all: bool = False
    detail: bool = False
    audience: str = "adviser"


SUFFIX = {"text": ".txt", "markdown": ".md", "json": ".json", "html": ".html", "jsonl": ".jsonl"}


def advice_data(model, case, options: Options) -> dict[str, Any]:
    """The object `advise --format json` prints for a loaded case."""
    from kansrijk.advice_text import for_audience

    return for_audience(model.advise(case, options.lang), options.audience).model_dump(mode="json")


def advice_text(model, case, options: Options) -> str:
    """What `kansrijk advise` prints for a loaded case, in options.fmt (not jsonl)."""
    from kansrijk.advice_text import DEFAULT_TOP

    if options.fmt == "json":
        from kansrijk.render import to_json

        return to_json(advice_data(model, case, options))
    report = model.advise(case, options.lang)
    if options.fmt == "html":
        from kansrijk.report_html import render_html

        return render_html(report,
                           top=None if options.show_all else (options.top or DEFAULT_TOP),
                           audience=options.audience, detail=options.detail)
    from kansrijk.advice_text import render_advice

    # the summary shows the top five unless told otherwise; --detail traces every intervention
    # unless --top chose how many
    shown = None if options.show_all else (options.top or DEFAULT_TOP)
    traced = None if options.show_all or options.top is None else options.top
    return render_advice(report, model.kb, options.fmt, top=shown, detail=options.detail, traced=traced,
                         audience=options.audience)


def jsonl_line(path: str, data: dict[str, Any]) -> str:
    """One line of `--format jsonl`: the case's file, then the object `--format json` gives."""
    return json.dumps({"file": path, **data}, ensure_ascii=False, separators=(",", ":")) + "\n"


# -- many cases ----------------------------------------------------------------------------------


def advise_many(paths: list[str], options: Options, output: str | None, force: bool, jobs: int,
                lang: str) -> int:
    """Advice for each case: jsonl lines to standard output or the file output, or (other formats)
    one file per case in the folder output. Every target is checked before any work; a failed case
    is said on standard error and the rest still run. Returns the exit code: 0, 2 when a case was
    bad input, 1 when only unexpected errors stopped some."""
    import click

    from kansrijk.output import STDOUT, check_output, open_atomic

    if options.fmt == "jsonl":
        target = None if output in (None, STDOUT) else check_output(output, force, paths)
        if target is None:
            # no bar between the lines when they go to the same terminal
            return _report(run(paths, options, jobs), len(paths), lang, lambda o: click.echo(o.text, nl=False),
                           progress=not _is_terminal(sys.stdout))
        try:
            with open_atomic(target) as file:
                return _report(run(paths, options, jobs), len(paths), lang,
                               lambda o: file.write(o.text.encode("utf-8")))
        except OSError as exc:
            raise _cannot_write(output, exc) from None
    folder, targets = output_files(paths, output, options.fmt, force)
    folder.mkdir(exist_ok=True)

    def write(outcome: Outcome) -> None:
        from kansrijk.output import write_file

        try:
            write_file(targets[outcome.path], outcome.text)
        except OSError as exc:
            raise _cannot_write(str(targets[outcome.path]), exc) from None

    return _report(run(paths, options, jobs), len(paths), lang, write)


def output_files(paths: list[str], output: str | None, fmt: str, force: bool) -> tuple[Path, dict[str, Path]]:
    """The folder output and the file each case is written to in it (its name with the format's
    suffix), all checked before any work: none an input, none existing unless force, no two the
    same, the folder a folder (created when missing, in an existing folder)."""
    from kansrijk.output import check_output

    if output is None:
        raise InputError("-o", [Problem("", Msg("batch.needs_output"), allowed=Msg("batch.allowed_output"))])
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise InputError(output, [Problem("", Msg("batch.output_not_folder"), allowed=Msg("batch.allowed_output"))])
    if not folder.exists() and not folder.parent.is_dir():
        raise InputError(output, [Problem("", Msg("output.no_folder", folder=str(folder.parent)),
                                          allowed=Msg("batch.allowed_output"))])
    inputs = {os.path.realpath(path): path for path in paths}
    targets: dict[str, Path] = {}
    taken: dict[Path, str] = {}
    for path in paths:
        target = folder / (Path(path).stem + SUFFIX[fmt])
        if target in taken:
            raise InputError(str(target), [Problem("", Msg("batch.same_target", first=taken[target], second=path),
                                                   allowed=Msg("batch.allowed_same_target"))])
        taken[target] = path
        if folder.exists():  # a new folder holds no file yet
            same = inputs.get(os.path.realpath(target))
            check_output(str(target), force, [same] if same else [])
        targets[path] = target
    return folder, targets


def _cannot_write(output: str, exc: OSError) -> InputError:
    return InputError(output, [Problem("", Msg("output.cannot_write", reason=exc.strerror or str(exc)),
                                       allowed=Msg("output.allowed_writable"))])


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _report(outcomes: Iterator[Outcome], total: int, lang: str, write, progress: bool = True) -> int:
    """Write each outcome as it comes, its error on standard error; a progress bar when standard
    error is a terminal (and progress is wanted)."""
    import click

    from kansrijk.escape import plain_text

    failed = code = 0
    bar = click.progressbar(length=total, file=sys.stderr) if progress and _is_terminal(sys.stderr) else None
    with bar if bar is not None else contextlib.nullcontext():
        for outcome in outcomes:
            if outcome.error is None:
                write(outcome)
            else:
                failed += 1
                code = 2 if 2 in (code, outcome.code) else 1
                if bar is not None:
                    click.echo("\r\x1b[K", nl=False, err=True)  # the bar's line, cleared for the message
                # a file name from the user may hold control characters: none reaches the terminal raw
                click.echo(plain_text(Msg("error", message=outcome.error).render(outcome.lang)), err=True)
            if bar is not None:
                bar.update(1)
    if failed:
        click.echo(plain_text(Msg("batch.failed", failed=failed, total=total).render(lang)), err=True)
    return code



@dataclass(frozen=True)
class Outcome:
    """One case's result: its text (a jsonl line for jsonl), or the message why there is none.
    code: 0 done, 2 bad input, 1 an unexpected error (a bug)."""

    path: str
    text: str | None = None
    error: str | None = None
    lang: str = "en"  # the language the error is said in
    code: int = 0


def default_jobs() -> int:
    """The processor cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(paths: list[str], options: Options, jobs: int, work=None) -> Iterator[Outcome]:
    """The outcome of each case in paths, in that order; jobs worker processes (1: in this one).
    work(model, path, case, options) -> str makes each case's text; by default the advice in options'
    format (a module-level function, so that worker processes can be given it)."""
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:
        _start(options, work)
        yield from (_advise_one(path) for path in paths)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # chunks big enough to keep the pipes quiet, small enough to balance the workers; only a few
    # of them are under way at once, so results never pile up while the output is slow
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    chunks = (paths[i:i + chunk] for i in range(0, len(paths), chunk))
    with multiprocessing.get_context(method).Pool(jobs, initializer=_start, initargs=(options, work)) as pool:
        pending: collections.deque = collections.deque()
        for part in chunks:
            pending.append(pool.apply_async(_advise_chunk, (part,)))
            if len(pending) >= jobs * 3:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def advice_output(model, path: str, case, options: Options) -> str:
    """What `kansrijk advise` writes for one case among many: a jsonl line or the advice text."""
    if options.fmt == "jsonl":
        return jsonl_line(path, advice_data(model, case, options))
    return advice_text(model, case, options)


# each worker's own: the model, loaded once, the options and what to make of each case
_MODEL = None
_OPTIONS = Options()
_WORK = advice_output


def _start(options: Options, work=None) -> None:
    global _MODEL, _OPTIONS, _WORK
    from kansrijk.model import load_model

    if multiprocessing_child():
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process to handle
    _MODEL, _OPTIONS, _WORK = load_model(), options, work or advice_output


def multiprocessing_child() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _advise_chunk(paths: list[str]) -> list[Outcome]:
    return [_advise_one(path) for path in paths]


def _advise_one(path: str) -> Outcome:
    """One case through the model; any failure becomes the Outcome's message."""
    from kansrijk.case import load_case
    from kansrijk.errors import INPUT_LANGUAGE, error_language

    INPUT_LANGUAGE.set(None)  # errors in --lang, else this case's language (set when it is read)
    try:
        case = load_case(path, _MODEL.kb)
        return Outcome(path, text=_WORK(_MODEL, path, case, _OPTIONS))
    except InputError as error:
        lang = _OPTIONS.lang or error_language()
        return Outcome(path, error=error.render(lang), lang=lang, code=2)
    except OSError as error:  # a file that cannot be read: said as for one case
        lang = _OPTIONS.lang or error_language()
        return Outcome(path, error=InputError(path, [file_problem(error)]).render(lang), lang=lang, code=2)
    except Exception as error:  # noqa: BLE001  a bug, reported for this case; the others still run
        lang = _OPTIONS.lang or error_language()
        return Outcome(path, error=f"{path}: {unexpected(error).render(lang)}", lang=lang, code=1)
