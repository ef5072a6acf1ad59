"""Make experta 1.9.4 importable on Python >= 3.10.

experta 1.9.4 pins frozendict 1.2, whose only class subclasses
``collections.Mapping``; that alias was removed from ``collections`` in
Python 3.10 (it lives in ``collections.abc``). Restoring the alias before the
first import of experta is all it takes: nothing else in either package uses
the removed names. Every module of kansrijk imports experta through here.
"""

import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "Callable", "Hashable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import experta  # noqa: E402  (must come after the alias is restored)

__all__ = ["experta"]
