"""Issue 15: read-only commands take no write lock, and bad input is refused before one.

A CLI start used to run ``migrate()`` under ``BEGIN IMMEDIATE`` whatever the command, so a
long writer (or a stuck one) made every other command, read-only ones included, fail
"database is locked"; and ``--chambers 1-99999999`` was expanded in full (957 MB for
1-10000000) before anything could say no.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, register_cast

from showclear.cli.parse import parse_chambers
from showclear.protocol.schema import MAX_CHAMBERS
from showclear.store.sqlite import SQLiteStore


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A SQLite database with a production and its people (the CLI's own file backend)."""
    cli = Cli(str(tmp_path / "showclear.db"), tmp_path / "keys")
    register_cast(cli)
    return cli


@pytest.fixture
def held_write_lock(cli: Cli) -> Iterator[sqlite3.Connection]:
    """Another process's writer, holding SQLite's write lock for the whole test."""
    with closing(sqlite3.connect(cli.db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        yield other
        other.execute("ROLLBACK")


@pytest.mark.parametrize(
    "command", [("board",), ("rounds",), ("verify",), ("checkpoint",), ("refusals",)]
)
def test_read_only_commands_answer_while_another_process_holds_the_write_lock(
    cli: Cli, held_write_lock: sqlite3.Connection, command: tuple[str, ...]
) -> None:
    """board, rounds, verify and log read a snapshot: no migrate lock, no busy wait."""
    started = time.monotonic()
    ran = cli.main(*command)
    assert ran.code == 0, ran.text
    assert time.monotonic() - started < 5, "a read waited for the writer"


def test_opening_an_up_to_date_database_takes_no_write_lock(cli: Cli) -> None:
    """migrate() reads the schema version first and locks only when a migration is due."""
    with closing(sqlite3.connect(cli.db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        store = SQLiteStore(cli.db)  # migrate=True, as every CLI start
        try:
            assert store.migrate() == []
        finally:
            store.close()
        other.execute("ROLLBACK")
    assert time.monotonic() - started < 5


def test_a_chamber_range_past_the_largest_weapon_is_refused_without_expanding_it() -> None:
    """--chambers 1-99999999 is answered at once, naming the limit, with no huge list built."""
    started = time.monotonic()
    with pytest.raises(Exception, match=f"at most {MAX_CHAMBERS} chambers"):
        parse_chambers("1-99999999")
    with pytest.raises(Exception, match=f"at most {MAX_CHAMBERS} chambers"):
        parse_chambers(f"1-{MAX_CHAMBERS},{MAX_CHAMBERS + 1}")
    assert time.monotonic() - started < 1
    assert parse_chambers(f"1-3,{MAX_CHAMBERS}").numbers == (1, 2, 3, MAX_CHAMBERS)


def test_the_cli_refuses_a_huge_chamber_range_with_a_usage_error(cli: Cli) -> None:
    """Exit 2 and the limit, before any PIN is asked or any transaction begun."""
    ran = cli.main("load", "colt-1", "--lot", "D-1", "--chambers", "1-99999999", "--as", "mo")
    assert ran.code == 2
    assert f"at most {MAX_CHAMBERS} chambers" in ran.text
