"""The campaign's faults in CI (issue 15 item 3), a few rounds each; ``SHOWCLEAR_CAMPAIGN=long``
runs more (and ``python -m tests.campaign`` prints the table)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.campaign.faults import disk_full, kill_under_load, restart_under_load, two_writers
from tests.campaign.harness import Outcome, Site, lost_acknowledged

if TYPE_CHECKING:
    from tests.conftest import Backend
    from tests.postgres import Cluster

LONG = os.environ.get("SHOWCLEAR_CAMPAIGN") == "long"
ROUNDS = 10 if LONG else 2


def _held(outcome: Outcome) -> None:
    assert outcome.acknowledged > 0, outcome
    assert outcome.lost == [], f"acknowledged and lost: {outcome.lost}"
    assert outcome.verified, outcome.notes
    assert outcome.clean, outcome.notes


def test_a_killed_server_loses_no_acknowledged_command_and_serves_again(
    backend: Backend, tmp_path: Path
) -> None:
    """SIGKILL of ``showclear serve`` under four clients: every 200 is in the ledger at the
    index it named, verify passes, the restarted server takes commands."""
    site = Site(backend.url, tmp_path)
    site.create(crew=4)
    outcome = kill_under_load(site, rounds=ROUNDS)
    assert outcome.runs == ROUNDS
    _held(outcome)


def test_an_immediate_postgresql_restart_gives_503s_at_worst(
    postgresql_cluster: Cluster, tmp_path: Path
) -> None:
    """``pg_ctl -m immediate restart`` under load: clients see 200s and 503s only, nothing
    acknowledged is lost, and the server reconnects by itself."""
    site = Site(postgresql_cluster.url(), tmp_path)
    site.create(crew=4)
    outcome = restart_under_load(
        site, lambda: postgresql_cluster.restart("immediate"), rounds=ROUNDS
    )
    _held(outcome)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (skipped where it cannot be mounted: mounting needs root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()!r}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_is_answered_cleanly_and_the_server_recovers(
    small_disk: Path, tmp_path: Path
) -> None:
    """The database on a small tmpfs filled under load: 503s and exit 5 naming the full
    disk, nothing acknowledged lost, and once space is freed the same server writes again."""
    site = Site(str(small_disk / "showclear.db"), tmp_path / "site")
    site.work.mkdir()
    site.create(crew=3)
    _held(disk_full(site, small_disk))


def test_a_server_and_the_command_line_write_one_sqlite_file_together(tmp_path: Path) -> None:
    """Serve under load and CLI commands at once: no "database is locked", both progress,
    no write lost."""
    site = Site(str(tmp_path / "showclear.db"), tmp_path)
    site.create(crew=2)
    outcome = two_writers(site, commands=12 if LONG else 3)
    _held(outcome)


def test_the_check_counts_an_acknowledged_command_missing_or_moved_as_lost() -> None:
    """The clients' log is held to the ledger by index and text: the campaign can fail."""
    acknowledged = {3: "campaign ann 1", 4: "campaign bo 1", 5: "campaign ann 2"}
    ledger = {3: "campaign ann 1", 4: "campaign ann 2"}
    assert lost_acknowledged(acknowledged, ledger) == [4, 5]
    assert (
        lost_acknowledged(acknowledged, {**ledger, 4: "campaign bo 1", 5: "campaign ann 2"}) == []
    )
