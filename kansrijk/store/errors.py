"""What the store refuses: an id it does not hold, or a save over someone else's edit."""

from __future__ import annotations


class StoreError(Exception):
    """Any refusal of the store."""


class NotFound(StoreError):
    """No collaboration or assessment with this id (the web app answers 404)."""

    def __init__(self, kind: str, ident: int):
        super().__init__(f"no {kind} with id {ident}")
        self.kind = kind
        self.ident = ident


class StaleEdit(StoreError):
    """The row changed since the form was loaded: its version is no longer the one given."""

    def __init__(self, kind: str = "row", ident: int | None = None):
        super().__init__(f"{kind} {ident} was changed meanwhile" if ident is not None else f"a {kind} was changed meanwhile")
        self.kind = kind
        self.ident = ident
