"""Storage: the port the service uses, and its SQLite and PostgreSQL backends.

``open_store(url)`` picks the backend from the URL: a file path (or
``sqlite:///path``) opens SQLite, ``postgresql://...`` opens PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from showclear.store.base import (
    CredentialSession,
    EntryRow,
    LedgerSession,
    ProductionInfo,
    ProjectionSession,
    Session,
    Store,
    WitnessRefusalRow,
    WitnessSession,
    WitnessStateRow,
)
from showclear.store.errors import (
    DatabaseDamaged,
    DatabaseNotFound,
    DiskFull,
    ProductionExists,
    ProductionNotFound,
    SchemaError,
    StoreError,
    StoreUnavailable,
)

__all__ = [
    "CredentialSession",
    "DatabaseDamaged",
    "DatabaseNotFound",
    "DiskFull",
    "EntryRow",
    "LedgerSession",
    "ProductionExists",
    "ProductionInfo",
    "ProductionNotFound",
    "ProjectionSession",
    "SchemaError",
    "Session",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "WitnessRefusalRow",
    "WitnessSession",
    "WitnessStateRow",
    "open_store",
]


def open_store(url: str, *, migrate: bool = True, create: bool = True) -> Store:
    """Open the database at ``url``: a SQLite file path, ``sqlite:///path``, or
    ``postgresql://...``; bring its schema up to date unless ``migrate`` is False.
    With ``create`` False, a SQLite file that does not exist yet is an error.

    Raises:
        StoreUnavailable: the database cannot be opened, or is missing and not to be created.
        SchemaError: its schema is newer than this program.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from showclear.store.postgres import PostgresStore

        return PostgresStore(url, migrate=migrate)
    from showclear.store.sqlite import SQLiteStore

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if not create and path != ":memory:" and not Path(path).exists():
        raise DatabaseNotFound(
            f"there is no showclear database at {path}; create one with "
            "`showclear init --production NAME`, or point --db (or SHOWCLEAR_DB) at yours"
        )
    return SQLiteStore(path, migrate=migrate)
