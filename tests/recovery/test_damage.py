"""A damaged database gives a clear answer naming the damage and the repair, never a
traceback, and what is derived from the ledger can be rebuilt from it (issue 15)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from api.world import START, Server, build_world
from showclear.server import create_server
from showclear.service import FileKeyring, FixedClock, build_app
from showclear.store import DatabaseDamaged, open_store

if TYPE_CHECKING:
    from tests.conftest import CliRun

Run = Callable[..., "CliRun"]


@pytest.fixture
def db(tmp_path: Path, showclear: Run, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite production with one person and a storage, made through the CLI."""
    path = str(tmp_path / "showclear.db")
    monkeypatch.setenv("SHOWCLEAR_DB", path)
    monkeypatch.setenv("SHOWCLEAR_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("SHOWCLEAR_NOW", "2026-11-25T08:00:00Z")
    monkeypatch.setenv("SHOWCLEAR_PIN_SAM", "4821")
    monkeypatch.setenv("SHOWCLEAR_PIN_AVA", "5937")
    assert showclear("init", "--production", "Dust Creek").code == 0
    made = showclear("person", "add", "sam", "--name", "Sam", "--role", "safety_coordinator")
    assert made.code == 0, made.err
    yield path


def _sql(path: str, sql: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(sql)


def _damage_page(path: str, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage, as a failing disk would."""
    with closing(sqlite3.connect(path)) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)


def test_a_corrupted_state_record_names_the_damage_and_repair_projection_rebuilds_it(
    db: str, showclear: Run
) -> None:
    """board, person add and verify say which record is damaged and what to run (exit 5);
    `showclear repair projection` rebuilds the state from the verified ledger."""
    _sql(db, "UPDATE projection SET value = '{broken' WHERE key = 'person:sam'")
    for args in (
        ("board",),
        ("person", "add", "ava", "--name", "Ava", "--role", "armorer", "--as", "sam"),
        ("verify",),
    ):
        result = showclear(*args)
        assert result.code == 5, (args, result.err)
        assert "'person:sam' cannot be read" in result.err_text, args
        assert "showclear repair projection" in result.err_text
        assert "Traceback" not in result.err
    repaired = showclear("repair", "projection")
    assert repaired.code == 0, repaired.err
    assert "from its 3 verified ledger entries" in repaired.out
    assert showclear("verify").code == 0
    assert showclear("board").code == 0


def test_repair_projection_refuses_a_ledger_that_does_not_verify(db: str, showclear: Run) -> None:
    """The state is rebuilt only from a ledger that verifies; otherwise nothing changes."""
    _sql(db, "UPDATE projection SET value = '{broken' WHERE key = 'person:sam'")
    _sql(db, "UPDATE entries SET data = CAST('{}' AS BLOB) WHERE idx = 1")
    result = showclear("repair", "projection")
    assert result.code == 1, result.err
    assert "does not verify" in result.err_text
    assert "the state is not rebuilt" in result.err_text
    with closing(sqlite3.connect(db)) as conn:
        (value,) = conn.execute("SELECT value FROM projection WHERE key = 'person:sam'").fetchone()
    assert value == "{broken"


def test_damage_to_the_productions_page_is_a_clear_error_and_check_says_restore(
    db: str, showclear: Run
) -> None:
    """A damaged table page is named as damage (exit 5) with the command to run, and
    `showclear check` says to restore the newest backup."""
    _damage_page(db, "productions")
    result = showclear("board")
    assert result.code == 5, result.err
    assert "is damaged" in result.err_text and "showclear check" in result.err_text
    assert "Traceback" not in result.err
    checked = showclear("check")
    assert checked.code == 5
    assert "restore the newest backup" in checked.err_text


def test_index_damage_is_found_by_check_and_repaired_by_repair_index(
    db: str, showclear: Run
) -> None:
    """One damaged byte in the entries' index makes verify claim an entry is missing;
    check names index damage and `repair index` (REINDEX) brings it back."""
    index = "sqlite_autoindex_entries_1"
    with closing(sqlite3.connect(db)) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        find = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        (root,) = conn.execute(find, (index,)).fetchone()
    data = bytearray(Path(db).read_bytes())
    start = (root - 1) * page_size
    at = data[start : start + page_size].rfind(b"dust-creek")
    data[start + at + len("dust-cree")] = ord("x")  # one key in the index: dust-creex
    Path(db).write_bytes(bytes(data))
    before = showclear("verify")
    assert before.code == 1 and "missing" in before.err_text
    checked = showclear("check")
    assert checked.code == 5, checked.out
    assert "missing from index sqlite_autoindex_entries_1" in checked.err_text
    assert "index damage" in checked.err_text and "showclear repair index" in checked.err_text
    repaired = showclear("repair", "index")
    assert repaired.code == 0, repaired.err
    assert showclear("check").code == 0
    assert showclear("verify").code == 0


def test_a_store_that_saw_damage_takes_no_more_writes(db: str) -> None:
    """Once SQLite reports a damaged page, the store refuses writes with a clear message."""
    store = open_store(db)
    try:
        _damage_page(db, "productions")
        with pytest.raises(DatabaseDamaged, match="is damaged"):
            store.productions()
        with pytest.raises(DatabaseDamaged, match="no write is taken"), store.write("dust-creek"):
            pass
    finally:
        store.close()


def test_the_api_answers_a_corrupted_state_record_with_503_damaged(tmp_path: Path) -> None:
    """No 500 and no traceback: the problem is `damaged`, naming the repair."""
    clock = FixedClock(START)
    app = build_app(str(tmp_path / "api.db"), keyring=FileKeyring(tmp_path / "keys"), clock=clock)
    world = build_world(app, clock, "Dust Creek")
    _sql(str(tmp_path / "api.db"), "UPDATE projection SET value = 'x' WHERE key = 'person:ava'")
    try:
        with (
            Server(create_server(app, secure_cookies=True)) as url,
            httpx.Client(base_url=url, timeout=30) as client,
        ):
            answer = client.get(world.path("/board"), headers=world.auth("sam"))
            assert answer.status_code == 503, answer.text
            problem = answer.json()
            assert problem["type"].endswith("/damaged")
            assert "damaged" in problem["detail"] and "showclear check" in problem["detail"]
    finally:
        app.close()


def test_check_on_a_file_that_is_no_database_says_to_restore(db: str, showclear: Run) -> None:
    """Even a file that cannot be opened at all gets check's advice, not a loop back to it."""
    Path(db).write_bytes(b"not a database at all " * 1000)
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    checked = showclear("check")
    assert checked.code == 5, checked.out
    assert "cannot be opened as a database" in checked.err_text
    assert "restore the newest backup" in checked.err_text
