"""The database's own integrity check, and rebuilding its indexes (``showclear check``).

``verify`` checks the ledger's hashes and signatures; this asks the database engine
whether its own pages hold together, which ``verify`` cannot see: a damaged index makes
entries look missing that ``REINDEX`` brings back, a damaged table page loses rows.

* SQLite: ``PRAGMA integrity_check`` (https://sqlite.org/pragma.html#pragma_integrity_check)
  reads every page, every index against its table; ``REINDEX`` rebuilds the indexes.
* PostgreSQL checks a page's checksum when it reads it (if the cluster has
  ``data_checksums`` on); the ``amcheck`` extension, where installed, checks each B-tree
  index of showclear's tables (``bt_index_check``); ``REINDEX TABLE`` rebuilds them.
* Both: the entry index (``entry_refs``, schema 6) is showclear's own, derived from the
  entries; it is checked against what they name, and rebuilt from them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field

from showclear.store.base import Store
from showclear.store.errors import StoreUnavailable

__all__ = ["IntegrityReport", "integrity_check", "rebuild_entry_refs", "reindex"]

#: showclear's tables (those the schema has), whose indexes are checked and rebuilt on PostgreSQL.
TABLES = (
    "productions",
    "entries",
    "nodes",
    "checkpoints",
    "projection",
    "credentials",
    "sessions",
    "cosignatures",
    "witness_state",
    "witness_refusals",
    "entry_refs",
)

_INDEX_WORDS = ("index", "missing from index", "wrong # of entries")


@dataclass
class IntegrityReport:
    """What the database engine found: no problems, or each one in its own words."""

    engine: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def only_indexes(self) -> bool:
        """Every problem is in an index (REINDEX repairs it), none in a table's pages."""
        return bool(self.problems) and all(
            any(word in p for word in _INDEX_WORDS) for p in self.problems
        )


def integrity_check(store: Store) -> IntegrityReport:
    """Ask the store's database engine whether its pages and indexes hold together, and
    whether each production's entry index (schema 6) holds what its entries name.

    Raises:
        StoreUnavailable: the database cannot be opened at all.
    """
    from showclear.store.sqlite import SQLiteStore

    report = _sqlite_check(store) if isinstance(store, SQLiteStore) else _postgres_check(store)
    if report.ok:
        _check_entry_refs(store, report)
    return report


def _check_entry_refs(store: Store, report: IntegrityReport) -> None:
    """The entry index is derived from the entries: each production's must match them."""
    for info in store.productions():
        with store.read(info.slug) as session:
            differs = session.entry_refs_agree()
        if differs is not None:
            expected, stored = differs
            report.problems.append(
                f"the entry index of {info.slug!r} disagrees with its entries ({stored:,} "
                f"index rows where the entries name {expected:,} things)"
            )


def rebuild_entry_refs(store: Store) -> int:
    """Index every production's entries again from the entries themselves; rows written.

    Raises:
        StoreUnavailable: the database cannot be opened or is busy.
    """
    written = 0
    for info in store.productions():
        with store.write(info.slug) as session:
            written += session.rebuild_entry_refs()
    return written


def reindex(store: Store) -> None:
    """Rebuild every index of showclear's tables from the tables themselves.

    Raises:
        StoreUnavailable: the database cannot be opened or is busy.
    """
    from showclear.store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        try:
            with closing(sqlite3.connect(store.path, isolation_level=None, timeout=30)) as conn:
                conn.execute("REINDEX")
        except sqlite3.Error as e:
            raise StoreUnavailable(f"cannot rebuild the indexes of {store.path}: {e}") from e
        rebuild_entry_refs(store)
        return
    import psycopg

    try:
        with psycopg.connect(store.url, autocommit=True) as conn:
            for table in TABLES:
                found = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()
                if found and found[0] is not None:
                    conn.execute(f"REINDEX TABLE {table}")  # our own table names
    except psycopg.Error as e:
        raise StoreUnavailable(f"cannot rebuild the indexes: {e}") from e
    rebuild_entry_refs(store)


def _sqlite_check(store: Store) -> IntegrityReport:
    from showclear.store.sqlite import SQLiteStore

    assert isinstance(store, SQLiteStore)
    report = IntegrityReport("SQLite")
    try:
        with closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True, timeout=30)) as c:
            rows = c.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as e:
        report.problems.append(f"the file cannot be read as a database: {e}")
        return report
    report.problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return report


def _postgres_check(store: Store) -> IntegrityReport:
    import psycopg

    report = IntegrityReport("PostgreSQL")
    try:
        with psycopg.connect(store.url, autocommit=True) as conn:
            row = conn.execute("SHOW data_checksums").fetchone()
            if row and row[0] == "on":
                report.notes.append("data checksums are on: PostgreSQL checks every page read")
            else:
                report.notes.append(
                    "data checksums are off: PostgreSQL cannot notice a damaged page by itself"
                )
            has_amcheck = conn.execute(
                "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"
            ).fetchone()
            if not has_amcheck:
                report.notes.append(
                    "the amcheck extension is not installed, so indexes were not checked "
                    "(an administrator can run: CREATE EXTENSION amcheck)"
                )
                return report
            indexes = conn.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE t.relname = ANY(%s) AND a.amname = 'btree'",
                (list(TABLES),),
            ).fetchall()
            for (name,) in indexes:
                try:
                    conn.execute("SELECT bt_index_check(%s::regclass, true)", (name,))
                except psycopg.Error as e:
                    report.problems.append(f"index {name}: {e}")
            report.notes.append(f"amcheck checked {len(indexes)} indexes")
    except psycopg.Error as e:
        raise StoreUnavailable(f"cannot check the database: {e}") from e
    return report
