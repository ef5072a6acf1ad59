"""What the store refuses: an id it does not hold, a save over someone else's edit, or a value no
form or case file would have let through."""

from __future__ import annotations

from kansrijk.errors import Problem


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


class InvalidValue(StoreError, ValueError):
    """A value the forms and case files check before they store it (an empty name, an unknown
    language, a control character in a text), given anyway: refused before it reaches the database,
    said as the problem a form shows beside its field (problem.key names the field)."""

    def __init__(self, problem: Problem):
        super().__init__(f"{problem.key}: {problem.said('en')}")
        self.problem = problem


class NewerDatabase(StoreError):
    """The database is at a schema revision this kansrijk does not know: a newer one made it."""

    def __init__(self, revision: str, head: str):
        super().__init__(f"the database is at revision {revision}, made by a newer kansrijk; this one knows up to {head}")
        self.revision = revision
        self.head = head
