"""Errors raised by the storage edge; driver errors are translated here.

The tree::

    StoreError                  the database cannot do what was asked
    ├── DatabaseNotFound        no database at that path (and none was to be created)
    ├── ProductionNotFound      no production with that slug
    ├── ProductionExists        a production with that slug or origin already exists
    ├── SchemaError             the database's schema is unknown or newer than this code
    └── StoreUnavailable        the database cannot be opened or is locked too long
"""

from __future__ import annotations

__all__ = [
    "DatabaseNotFound",
    "ProductionExists",
    "ProductionNotFound",
    "SchemaError",
    "StoreError",
    "StoreUnavailable",
]


class StoreError(Exception):
    """Root of every storage error."""


class ProductionNotFound(StoreError, LookupError):
    """No production with that slug exists in this database."""


class ProductionExists(StoreError):
    """A production with that slug or origin already exists."""


class SchemaError(StoreError):
    """The database schema is missing, unknown, or newer than this program."""


class StoreUnavailable(StoreError):
    """The database cannot be opened, or stayed locked too long."""


class DatabaseNotFound(StoreError, LookupError):
    """There is no database at the given path, and it was not to be created."""
