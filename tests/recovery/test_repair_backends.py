"""check and repair on every backend (STYLE 9): the engine's own check of a healthy
database passes, REINDEX runs, and the state is rebuilt from the verified ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from showclear.service import FileKeyring, FixedClock, build_app
from showclear.service.repair import check_database, rebuild_index, rebuild_projection
from showclear.store import DatabaseDamaged

if TYPE_CHECKING:
    from tests.conftest import Backend


def test_a_healthy_database_checks_intact_and_its_indexes_rebuild(
    backend: Backend, key_dir: Path, clock: FixedClock
) -> None:
    """No problems; the advice says intact; REINDEX leaves it intact."""
    app = build_app(backend.url, keyring=FileKeyring(key_dir), clock=clock)
    try:
        app.init_production("Dust Creek")
        report, advice = check_database(app.store)
        assert report.ok and advice.ok, report.problems
        assert "intact" in advice.message
        if backend.name == "postgresql":
            assert any("data checksums" in note for note in report.notes)
        assert rebuild_index(app.store).ok
    finally:
        app.close()


def test_a_damaged_state_record_is_rebuilt_from_the_ledger(
    backend: Backend, key_dir: Path, clock: FixedClock
) -> None:
    """A record that is not JSON is DatabaseDamaged naming the repair; the rebuild fixes it."""
    app = build_app(backend.url, keyring=FileKeyring(key_dir), clock=clock)
    try:
        info = app.init_production("Dust Creek")
        keys = [row[0] for row in backend.execute("SELECT key FROM projection", ())]
        backend.execute("UPDATE projection SET value = ? WHERE key = ?", ("{", keys[0]))
        with pytest.raises(DatabaseDamaged, match="showclear repair projection"):
            app.board(info.slug)
        assert rebuild_projection(app.store, info.slug) == 1
        app.board(info.slug)
        assert app.verify(info.slug).ok
    finally:
        app.close()
