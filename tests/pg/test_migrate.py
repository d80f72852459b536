"""``showclear migrate``: one set of migrations, applied in order, on either backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from showclear.store import open_store
from showclear.store.sql import LATEST_SCHEMA

if TYPE_CHECKING:
    from tests.conftest import Backend, CliRun

Run = Callable[..., "CliRun"]
ALL = ", ".join(str(v) for v in range(1, LATEST_SCHEMA + 1))


def test_migrate_applies_every_migration_to_an_empty_database_then_nothing(
    backend: Backend, showclear: Run
) -> None:
    """The first run applies 1..latest in order; the second finds the schema up to date."""
    first = showclear("--db", backend.url, "migrate")
    assert first.code == 0, first.err
    assert f"Applied migration(s) {ALL}" in " ".join(first.out.split())
    second = showclear("--db", backend.url, "migrate")
    assert second.code == 0
    assert f"up to date (schema {LATEST_SCHEMA})" in " ".join(second.out.split())
    versions = backend.execute("SELECT version FROM schema_migrations ORDER BY version", ())
    assert [v for (v,) in versions] == list(range(1, LATEST_SCHEMA + 1))


def test_migrate_refuses_a_database_with_a_newer_schema_and_leaves_it_alone(
    backend: Backend, showclear: Run
) -> None:
    """A database from a newer showclear: exit 5, the message says to upgrade, no change."""
    open_store(backend.url).close()
    backend.execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        (LATEST_SCHEMA + 1, "2030-01-01T00:00:00+00:00"),
    )
    refused = showclear("--db", backend.url, "migrate")
    assert refused.code == 5
    assert f"schema version {LATEST_SCHEMA + 1}, newer" in refused.err_text
    assert "upgrade showclear" in refused.err_text
    rows = backend.execute("SELECT COUNT(*) FROM schema_migrations", ())
    assert rows == [(LATEST_SCHEMA + 1,)]


def test_migrate_takes_the_database_from_showclear_db(
    backend: Backend, showclear: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, SHOWCLEAR_DB names the database (a postgresql:// URL works there too)."""
    monkeypatch.setenv("SHOWCLEAR_DB", backend.url)
    done = showclear("migrate")
    assert done.code == 0, done.err
    store = open_store(backend.url, migrate=False)
    try:
        assert store.schema_version() == LATEST_SCHEMA
    finally:
        store.close()
