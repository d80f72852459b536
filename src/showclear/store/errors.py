"""Errors raised by the storage edge; driver errors are translated here.

The tree, under :class:`showclear.errors.ShowclearError`, with each class's kind
(docs/errors.md)::

    StoreError              the database cannot do what was asked          unavailable
    ├── DatabaseNotFound    no database at that path (none to be created)  not-found
    ├── ProductionNotFound  no production with that slug                   not-found
    ├── ProductionExists    a production with that slug or origin exists   unavailable
    ├── SchemaError         the schema is unknown or newer than this code  unavailable
    ├── DatabaseDamaged     a damaged page or record; writes stop          damaged
    └── StoreUnavailable    cannot be opened, or locked too long           unavailable
        └── WritersBusy     too many writers queued ahead to wait          unavailable
        └── DiskFull        the disk is full; nothing was recorded         unavailable
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = [
    "DatabaseDamaged",
    "DatabaseNotFound",
    "DiskFull",
    "ProductionExists",
    "ProductionNotFound",
    "SchemaError",
    "StoreError",
    "StoreUnavailable",
    "WritersBusy",
]


class StoreError(ShowclearError):
    """Root of every storage error."""

    kind = ErrorKind.UNAVAILABLE


class ProductionNotFound(StoreError, LookupError):
    """No production with that slug exists in this database."""

    kind = ErrorKind.NOT_FOUND


class ProductionExists(StoreError):
    """A production with that slug or origin already exists."""


class SchemaError(StoreError):
    """The database schema is missing, unknown, or newer than this program."""


class StoreUnavailable(StoreError):
    """The database cannot be opened, or stayed locked too long."""


class DatabaseDamaged(StoreError):
    """A page or a record of the database is damaged: nothing was recorded, writes stop."""

    kind = ErrorKind.DAMAGED


class DiskFull(StoreUnavailable):
    """The disk holding the database is full: nothing was recorded."""


class WritersBusy(StoreUnavailable):
    """Writers queued ahead for longer than a write may wait; nothing was recorded.

    ``retry_after`` is how many seconds to wait before trying again (HTTP ``Retry-After``).
    """

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DatabaseNotFound(StoreError, LookupError):
    """There is no database at the given path, and it was not to be created."""

    kind = ErrorKind.NOT_FOUND
