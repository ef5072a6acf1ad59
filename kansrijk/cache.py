"""A disk cache for what is costly to build and depends only on files: the loaded model with its
compiled engine (kansrijk.model), the labels (kansrijk.render) and the glossary.

An entry is one file per kind of object and Python environment, `<name>-<environment>.pickle` in
the cache folder, holding the key it was built for and the pickled object. The key is a hash of
everything the object was built from: the contents of its input files (their names too), of
kansrijk's own source code, and the versions of Python, kansrijk, pydantic (and experta). So an
entry is never used for other inputs or other code: when anything changes the key differs, the
entry is ignored and rebuilt. An entry that cannot be read, is not ours or does not unpickle is
ignored too (rebuilt, never an error); a new entry is written to a temporary file beside it and
renamed over it, so a reader sees the old entry or the new one, never half of one.

Compiled Jinja templates are kept there too (`template_cache`), checked by Jinja itself
against each template's source.

The folder: $KANSRIJK_CACHE_DIR, else $XDG_CACHE_HOME/kansrijk, else ~/.cache/kansrijk;
KANSRIJK_NO_CACHE=1 turns the cache off.

experta compiles rules into closures (its checks, and kansrijk's right-hand sides), which the
standard pickler refuses; `Pickler` stores a function that cannot be found by its name as its
code and closure, and a class that cannot be found (the compiled engine's) as its attributes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib
import io
import marshal
import os
import pickle
import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

DIR_ENV = "KANSRIJK_CACHE_DIR"  # the cache folder
OFF_ENV = "KANSRIJK_NO_CACHE"  # 1: build everything in the process, read and write nothing
FORMAT = b"kansrijk-cache 1\n"  # the first line of every entry; a new layout gets a new number

T = TypeVar("T")


def directory() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get(OFF_ENV, "").strip() not in ("", "0"):
        return None
    given = os.environ.get(DIR_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "kansrijk"


def fingerprint(files: Iterable[Path], versions: Iterable[str] = ()) -> str:
    """The key of an object built from files (and the code): sha256 over their names and contents,
    kansrijk's source, the environment and the versions given."""
    digest = hashlib.sha256(_code_digest().encode())
    for part in versions:
        digest.update(part.encode() + b"\0")
    for path in files:
        digest.update(str(path).encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """The environment and kansrijk's source, hashed once per process."""
    digest = hashlib.sha256()
    for part in _environment():
        digest.update(part.encode() + b"\0")
    for path in _source_files():
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached(name: str, files: Iterable[Path], build: Callable[[], T], versions: Iterable[str] = ()) -> T:
    """The object build() returns, from the cache when an entry for these files is there."""
    folder = directory()
    if folder is None:
        return build()
    try:
        key = fingerprint(sorted(files), versions)
    except OSError:  # an input that cannot be read: build() reports it with its own message
        return build()
    path = folder / f"{name}-{_environment_id()}.pickle"
    found = load(path, key)
    if found is not None:
        return found
    made = build()
    store(path, key, made)
    return made


def load(path: Path, key: str) -> Any | None:
    """The object stored at path for key; None when there is none, or it is for another key,
    unreadable, not the user's own, or does not unpickle."""
    try:
        with open(path, "rb") as file:
            if hasattr(os, "getuid") and os.fstat(file.fileno()).st_uid != os.getuid():
                return None  # somebody else's file: never unpickle it
            data = file.read()
    except OSError:
        return None
    header = FORMAT + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes many objects at once: cyclic collection only slows it down
    try:
        return pickle.loads(memoryview(data)[len(header):])
    except Exception:  # noqa: BLE001  a corrupt or outdated entry is rebuilt, whatever it raises
        return None
    finally:
        if collecting:
            gc.enable()


def store(path: Path, key: str, obj: Any) -> bool:
    """Write obj for key to path, atomically; False (and nothing written) when it cannot be."""
    buffer = io.BytesIO()
    buffer.write(FORMAT + key.encode() + b"\n")
    try:
        Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    except Exception:  # noqa: BLE001  something that does not pickle: the next run builds it again
        return False
    from kansrijk.output import open_atomic  # only when writing

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open_atomic(path) as file:
            file.write(buffer.getbuffer())
        return True
    except OSError:  # a read-only or full disk: run without the cache
        return False


def template_cache(name: str):
    """A Jinja bytecode cache in the cache folder for one environment's templates (None when the
    cache is off). Jinja checks each entry against its template's source, so an edited template
    is compiled again, but knows it by its name only: settings compiled into the code (autoescape)
    need a name of their own, also for an overlay, which otherwise shares its parent's."""
    folder = directory()
    if folder is None:
        return None
    import jinja2
    from jinja2.bccache import FileSystemBytecodeCache

    class TemplateCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket) -> None:  # a folder that cannot be written: no cache, no error
            with contextlib.suppress(OSError):
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
                super().dump_bytecode(bucket)

    return TemplateCache(str(folder / f"templates-{name}-jinja{jinja2.__version__}-{_environment_id()}"))


def _environment() -> tuple[str, ...]:
    """Python, its environment, and the versions of what the cached objects are made of."""
    import pydantic  # every entry holds pydantic models (imported already by whoever asks)

    from kansrijk import __version__

    return (sys.version, sys.prefix, f"kansrijk {__version__}", f"pydantic {pydantic.VERSION}",
            f"cache {FORMAT.decode().strip()}")


def _environment_id() -> str:
    """Short and stable per Python environment, so two environments keep their own entries."""
    return hashlib.sha256("\0".join(_environment()).encode()).hexdigest()[:12]


def _source_files() -> list[Path]:
    """kansrijk's Python source: the classes of a cached object and the code that built it."""
    import kansrijk
    import kansrijk.engine

    files = []
    for package in (kansrijk, kansrijk.engine):
        files += sorted(Path(package.__file__).parent.glob("*.py"))
    return files


# -- pickling what experta builds ------------------------------------------------------------


def _found_by_name(obj: Any) -> bool:
    """Whether the standard pickler can store obj by reference (module and qualified name)."""
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    if module is None:
        return False
    target: Any = module
    for part in getattr(obj, "__qualname__", "<").split("."):
        target = getattr(target, part, None)
        if target is None:
            return False
    return target is obj


def _function(code, module, name, qualname, defaults, kwdefaults, closure, attributes):
    function = types.FunctionType(code, importlib.import_module(module).__dict__, name, defaults, closure)
    function.__qualname__, function.__kwdefaults__ = qualname, kwdefaults
    function.__dict__.update(attributes)
    return function


def _fill_cell(cell: types.CellType, value: Any) -> types.CellType:
    cell.cell_contents = value
    return cell


def _fill_class(cls: type, namespace: dict) -> type:
    for attribute, value in namespace.items():
        setattr(cls, attribute, value)
    return cls


def _tuple(cls: type, items: tuple) -> tuple:
    return tuple.__new__(cls, items)


def _keys(mapping: dict):
    return mapping.keys()


class Pickler(pickle.Pickler):
    """The standard pickler, plus functions and classes that are not found by their name
    (closures, lambdas, a class made with type()), cells, modules, and tuple subclasses whose
    __new__ does not take their items (experta's field constraints)."""

    def reducer_override(self, obj: Any):
        kind = type(obj)
        if kind is types.FunctionType:
            if _found_by_name(obj):
                return NotImplemented
            return _function, (obj.__code__, obj.__module__, obj.__name__, obj.__qualname__, obj.__defaults__,
                               obj.__kwdefaults__, obj.__closure__, obj.__dict__)
        if kind is types.CodeType:
            return marshal.loads, (marshal.dumps(obj),)
        if kind is types.CellType:
            # the cell first, its contents after: a closure may refer to itself
            try:
                return types.CellType, (), obj.cell_contents, None, None, _fill_cell
            except ValueError:  # an empty cell
                return types.CellType, ()
        if kind is types.ModuleType:
            return importlib.import_module, (obj.__name__,)
        if obj is types.CellType:
            return getattr, (types, "CellType")
        if isinstance(obj, type):
            if _found_by_name(obj):
                return NotImplemented
            skip = ("__dict__", "__weakref__", "__module__", "__qualname__")
            namespace = {k: v for k, v in vars(obj).items() if k not in skip}
            return (kind, (obj.__name__, obj.__bases__, {"__module__": obj.__module__, "__qualname__": obj.__qualname__}),
                    namespace, None, None, _fill_class)
        if isinstance(obj, tuple) and kind is not tuple and kind.__reduce__ is object.__reduce__:
            return _tuple, (kind, tuple(obj)), getattr(obj, "__dict__", None) or None
        if kind.__name__ in ("dict_keys", "odict_keys"):  # inspect's Signature.parameters.keys()
            return _keys, (dict.fromkeys(obj),)
        return NotImplemented
