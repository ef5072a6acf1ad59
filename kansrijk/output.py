"""Where a command's output goes: standard output, or a file written safely.

A file is never overwritten without --force, never one of the command's own inputs (not even with
--force), and never half-written: the text goes to a temporary file that `tempfile` creates in the
target's folder (an unpredictable name, created exclusively, never through a symlink), is flushed
and synced to disk, and then renamed over the target. On any error or interruption (Ctrl-C,
SIGTERM) the temporary file is removed and the old target stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import click

from kansrijk.errors import InputError, Msg, Problem

STDOUT = "-"


def check_output(output: str | None, force: bool, inputs: Iterable[str | None] = ()) -> Path | None:
    """The file to write, or None for standard output; refuses (InputError, exit code 2) a target
    that is one of `inputs`, exists without `force`, is a folder or is in no folder. Commands call
    it before their work when that work is long; write_output calls it again."""
    if output is None or output == STDOUT:
        return None
    path = Path(output)
    for source in inputs:
        if source is not None and source != STDOUT and _same_file(path, Path(source)):
            raise InputError(output, [Problem("", Msg("output.is_input", input=source),
                                              allowed=Msg("output.allowed_not_input"))])
    if path.is_dir():
        raise InputError(output, [Problem("", Msg("output.is_folder"), allowed=Msg("output.allowed"))])
    if path.exists() and not force:
        raise InputError(output, [Problem("", Msg("output.exists_force"))])
    if not path.parent.is_dir():
        raise InputError(output, [Problem("", Msg("output.no_folder", folder=str(path.parent)),
                                          allowed=Msg("output.allowed"))])
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists() and os.path.samefile(a, b):
            return True
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a path too long: then they are not compared equal
        return False


def write_output(text: str, output: str | None, force: bool, inputs: Iterable[str | None] = ()) -> None:
    """Write text to standard output (output None or '-') or to the file output."""
    path = check_output(output, force, inputs)
    if path is None:
        click.echo(text, nl=False)
        return
    try:
        write_file(path, text)
    except OSError as exc:  # an unwritable folder, a full disk: said with the path, no traceback
        raise InputError(output, [Problem("", Msg("output.cannot_write", reason=exc.strerror or str(exc)),
                                          allowed=Msg("output.allowed_writable"))]) from None


def write_file(path: Path, text: str) -> None:
    """Write text (UTF-8) to path atomically, by way of a temporary file beside it."""
    with open_atomic(path) as file:
        _write(file, text.encode("utf-8"))


@contextlib.contextmanager
def open_atomic(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write path with, piece by piece (a long stream need not be held in memory):
    it is a temporary file beside path that takes path's place only when the block ends without
    an error; on an error or interruption it is removed and the old path stays as it was."""
    mode = _mode_for(path)
    # mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW, a random name, mode 0600 until chmod below
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with _signals_raise():
        try:
            with os.fdopen(fd, "wb") as file:
                yield file
                file.flush()
                os.fchmod(file.fileno(), mode)
                os.fsync(file.fileno())
            os.replace(temporary, path)  # replaces a symlink at path itself, never what it points to
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    _sync_folder(path.parent)


def _write(file, data: bytes) -> None:
    file.write(data)  # one place for the tests to interrupt a write midway


def _mode_for(path: Path) -> int:
    """The target's own permissions when it exists, else what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o7777 if path.is_file() else _default_mode()
    except OSError:
        return _default_mode()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk too, where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Interrupted(KeyboardInterrupt):
    """A signal during a write, raised so that the temporary file is removed as on Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """For the duration of a write, SIGTERM (and SIGINT, where it would end the process on the spot)
    raises instead of ending the process before the temporary file is removed. Afterwards the
    previous handlers come back, and the signal is sent again so that the process ends as it asked."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set in the main thread
        return

    def raise_interrupted(signum, frame):
        raise Interrupted(signum)

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(signum) in (signal.SIG_DFL, None):  # ignored or handled ones stay so
            signal.signal(signum, raise_interrupted)
            previous[signum] = signal.SIG_DFL
    try:
        yield
    except Interrupted as interrupted:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        previous = {}
        os.kill(os.getpid(), interrupted.signum)  # now with its own handler: the process ends as asked
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
