"""verify says when the database is older than what the witnesses hold (issue 14 item 4).

A backup restored whole (the database and the key directory, so the key's own memory of
what it signed agrees with it) passes every check that only looks at the production: only
a witness outside the production still holds the entries it lost.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from tests.cli.conftest import Cli
from tests.witnessing.conftest import WitnessProcess
from tests.witnessing.test_real_witnesses import Factory, _listed

from showclear.service import App
from showclear.store import ProductionInfo, WitnessStateRow


def test_a_witness_known_to_have_cosigned_more_than_the_database_fails_verify(
    app: App, production: ProductionInfo
) -> None:
    """The production once stored a witness's cosignature of size N: a database holding
    fewer entries fails, naming the witness and how many entries are missing."""
    size = app.production(production.slug).size
    assert app.verify(production.slug).ok
    with app.store.write(production.slug) as session:
        session.put_witness_state(WitnessStateRow("insurer", size + 3, size + 3))
    report = app.verify(production.slug)
    assert not report.ok
    assert f"witness insurer cosigned this ledger at size {size + 3:,}" in str(report.problem)
    assert "3 entries the witness saw are missing" in str(report.problem)


def test_a_size_a_witness_only_said_it_holds_is_reported_not_failed(
    app: App, production: ProductionInfo
) -> None:
    """A 409 carries no signature: a witness cannot fail a production's verify by saying
    so; the report says what it said and how to ask for its cosigned checkpoint."""
    size = app.production(production.slug).size
    with app.store.write(production.slug) as session:
        session.put_witness_state(WitnessStateRow("insurer", known_size=size + 3))
    report = app.verify(production.slug)
    assert report.ok, report.problem
    assert any(
        f"witness insurer said, unsigned, that it holds this ledger at size {size + 3:,}" in line
        and "--ask-witnesses" in line
        for line in report.unseen
    ), report.unseen


def _backup(cli: Cli, where: Path) -> None:
    """The database (SQLite's online backup) and the key directory, as operations.md says."""
    source = sqlite3.connect(cli.db)
    target = sqlite3.connect(where / "backup.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    shutil.copytree(cli.keys, where / "keys")


def _restore(cli: Cli, where: Path) -> None:
    for stale in (cli.db, f"{cli.db}-wal", f"{cli.db}-shm"):
        Path(stale).unlink(missing_ok=True)
    shutil.copy(where / "backup.db", cli.db)
    shutil.rmtree(cli.keys)
    shutil.copytree(where / "keys", cli.keys)


def test_an_older_backup_restored_whole_is_caught_by_asking_the_witnesses(
    stocked: Cli, witness_factory: Factory, tmp_path: Path
) -> None:
    """Restored database and keys agree with each other, so verify alone passes; asked, the
    witness that cosigned the lost entries names them, and verify fails."""
    if "://" in stocked.db:
        pytest.skip("a whole-file backup is SQLite's; PostgreSQL restores with pg_restore")
    insurer: WitnessProcess = witness_factory("insurer")
    _listed(stocked, insurer)
    assert stocked.main("witnesses", "push").code == 0
    before = stocked.main("verify", "--ask-witnesses")
    assert before.code == 0, before.text
    assert "Witnesses asked now: insurer.example/witness hold this history" in before.text
    backup = tmp_path / "backup"
    backup.mkdir()
    _backup(stocked, backup)
    for n in range(3):
        stocked.ok("storage", "add", f"cart-{n}", "--name", "Cart", "--lockable", "--as", "mo")
    assert stocked.main("witnesses", "push").code == 0
    _restore(stocked, backup)
    alone = stocked.main("verify")
    assert alone.code == 0, alone.text  # nothing inside the production can tell
    asked = stocked.main("verify", "--ask-witnesses")
    assert asked.code == 1, asked.text
    assert "witness insurer.example/witness cosigned this ledger at size" in asked.text
    assert "3 entries the witness saw are missing" in asked.text
