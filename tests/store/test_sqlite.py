"""What only the SQLite backend promises: durability settings, one transaction per append,
and rows read back whatever someone with the file wrote into them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from showclear.ledger import Ed25519Signer
from showclear.service.ledger import append_entries
from showclear.store import ProductionInfo, StoreUnavailable, open_store
from showclear.store.sqlite import SQLiteStore

ORIGIN = "showclear.example/productions/dust-creek"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "showclear.db")
    info = ProductionInfo("dust-creek", "Dust Creek", ORIGIN, f"{ORIGIN}+0+AA==", 0, "2026")
    with store.create_production(info):
        pass
    return store


def test_the_database_runs_in_wal_mode_with_full_synchronous_commits(
    sqlite_store: SQLiteStore,
) -> None:
    """A commit is on disk when it returns (WAL with NORMAL could lose the last ones)."""
    # The pragmas belong to the store's own connection: that is the one that writes.
    conn = sqlite_store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # 2 = FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_wal_mode_is_recorded_in_the_file_for_every_later_connection(
    sqlite_store: SQLiteStore,
) -> None:
    """Any other program opening the file also finds it in WAL mode."""
    other = sqlite3.connect(sqlite_store.path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        other.close()


def test_appending_many_entries_begins_and_commits_exactly_once(
    sqlite_store: SQLiteStore,
) -> None:
    """One write lock, one commit, one fsync point: however many entries are appended."""
    statements: list[str] = []
    sqlite_store._conn.set_trace_callback(statements.append)
    with sqlite_store.write("dust-creek") as session:
        append_entries(session, Ed25519Signer.generate(ORIGIN), [b"{}"] * 100)
    sqlite_store._conn.set_trace_callback(None)
    verbs = [s.split()[0].upper() for s in statements]
    assert verbs.count("BEGIN") == 1
    assert statements[0] == "BEGIN IMMEDIATE"
    assert verbs.count("COMMIT") == 1
    assert verbs[-1] == "COMMIT"


def test_text_written_into_a_blob_column_is_read_back_as_its_bytes(
    sqlite_store: SQLiteStore,
) -> None:
    """SQLite lets anyone store text where bytes belong; the store still hands out bytes."""
    with sqlite_store.write("dust-creek") as session:
        append_entries(session, Ed25519Signer.generate(ORIGIN), [b'{"n":1}'])
    with closing(sqlite3.connect(sqlite_store.path, isolation_level=None)) as raw:
        raw.execute("UPDATE entries SET data = CAST(data AS TEXT) || ' '")
    with sqlite_store.read("dust-creek") as session:
        assert [r.data for r in session.entries()] == [b'{"n":1} ']


def test_a_note_altered_into_invalid_utf8_is_read_back_replaced(
    sqlite_store: SQLiteStore,
) -> None:
    """Undecodable text becomes U+FFFD, so it reads (and later fails to verify) instead of
    crashing the reader."""
    with closing(sqlite3.connect(sqlite_store.path, isolation_level=None)) as raw:
        raw.execute(
            "INSERT INTO checkpoints (production, size, note) VALUES (?, ?, CAST(? AS TEXT))",
            ("dust-creek", 1, b"origin\n1\n\xff\n"),
        )
    with sqlite_store.read("dust-creek") as session:
        assert list(session.checkpoints()) == [(1, "origin\n1\n\ufffd\n")]


def test_a_sqlite_url_opens_the_file_it_names(tmp_path: Path) -> None:
    """``sqlite:///path`` and a bare path are the same database."""
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    store.close()
    assert (tmp_path / "x.db").exists()


def test_a_database_that_cannot_be_opened_raises_store_unavailable(tmp_path: Path) -> None:
    """A path in a missing directory is a clear error naming the path."""
    with pytest.raises(StoreUnavailable, match=r"cannot open the database .*nowhere"):
        open_store(str(tmp_path / "nowhere" / "x.db"))
