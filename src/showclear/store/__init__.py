"""Storage: the port the service uses, and its SQLite backend.

``open_store(url)`` picks the backend from the URL: a file path (or
``sqlite:///path``) opens SQLite.
"""

from __future__ import annotations

from showclear.store.base import EntryRow, ProductionInfo, Session, Store
from showclear.store.errors import (
    ProductionExists,
    ProductionNotFound,
    SchemaError,
    StoreError,
    StoreUnavailable,
)

__all__ = [
    "EntryRow",
    "ProductionExists",
    "ProductionInfo",
    "ProductionNotFound",
    "SchemaError",
    "Session",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]


def open_store(url: str) -> Store:
    """Open the database at ``url`` (a SQLite file path or ``sqlite:///path``).

    Raises:
        StoreUnavailable: the database cannot be opened.
        SchemaError: its schema is newer than this program.
    """
    from showclear.store.sqlite import SQLiteStore

    if url.startswith(("postgresql://", "postgres://")):
        raise StoreUnavailable(
            "PostgreSQL databases are not supported by this version yet; use a SQLite file path"
        )
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    return SQLiteStore(path)
