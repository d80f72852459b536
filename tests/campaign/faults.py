"""The faults of the campaign, each a function over a :class:`~tests.campaign.harness.Site`
that returns an :class:`~tests.campaign.harness.Outcome`: the tests assert on it, the long
mode prints it. ``rounds`` is how many times the fault strikes in one run."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.campaign.harness import (
    CREW,
    Clients,
    Outcome,
    Served,
    Site,
    lost_acknowledged,
)

__all__ = ["disk_full", "kill_under_load", "restart_under_load", "two_writers"]


def _afterwards(site: Site, served: Served, clients: Clients, outcome: Outcome) -> None:
    """The checks after every fault: the server takes a new command (no hand edit), the ledger
    verifies, and every acknowledged command is in it, where the client was told."""
    token = served.token("sam")
    again = served.raise_concern(token, "after the fault")
    if again.status_code != 200:
        outcome.clean = False
        outcome.notes.append(f"after the fault the server answered {again.status_code}")
    verified = site.verify()
    if verified.returncode != 0:
        outcome.verified = False
        outcome.notes.append(f"verify exit {verified.returncode}: {verified.stderr[-300:]}")
    outcome.acknowledged += len(clients.acknowledged)
    outcome.lost += lost_acknowledged(clients.acknowledged, site.concerns())
    if clients.unclean:
        outcome.clean = False
        outcome.notes += clients.unclean[:3]


def kill_under_load(site: Site, *, rounds: int, clients: int = 4, per_round: int = 5) -> Outcome:
    """SIGKILL ``showclear serve`` ``rounds`` times while ``clients`` threads raise concerns;
    restart it on the same port each time."""
    outcome = Outcome(f"SIGKILL serve ({'PostgreSQL' if '://' in site.db else 'SQLite'})")
    with Served(site) as served, Clients(served, CREW[:clients]) as load:
        for _ in range(rounds):
            load.wait_for(per_round)
            served.kill()
            served.start()
            outcome.runs += 1
        load.wait_for(per_round)  # the clients go on against the restarted server
        load.stop()
        _afterwards(site, served, load, outcome)
    return outcome


def restart_under_load(
    site: Site, restart: Callable[[], None], *, rounds: int, clients: int = 4, per_round: int = 5
) -> Outcome:
    """Restart the database server (``restart``: ``pg_ctl -m immediate restart``) ``rounds``
    times under load; clients may see 503s, nothing else."""
    outcome = Outcome("PostgreSQL immediate restart")
    with Served(site) as served, Clients(served, CREW[:clients]) as load:
        for _ in range(rounds):
            load.wait_for(per_round)
            restart()
            outcome.runs += 1
        load.wait_for(per_round, timeout=90)  # the server reconnects by itself
        load.stop()
        if load.refused_connections:
            outcome.clean = False
            outcome.notes.append(f"the server dropped {load.refused_connections} connections")
        _afterwards(site, served, load, outcome)
    return outcome


def _fill(directory: Path, leave: int) -> Path:
    """Take all but ``leave`` bytes of the file system of ``directory`` with one file."""
    filler = directory / "filler"
    stat = os.statvfs(directory)
    size = max(stat.f_bavail * stat.f_frsize - leave, 0)
    with filler.open("wb") as f, contextlib.suppress(OSError):  # full already: good enough
        f.write(b"\0" * size)
    return filler


def disk_full(site: Site, directory: Path, *, clients: int = 3) -> Outcome:
    """The database on a small file system (``directory``) filled under load: clean 503s and
    CLI exit 5 naming the full disk; after freeing space the same server takes commands."""
    outcome = Outcome("full disk (SQLite on tmpfs)", runs=1)
    filler = _fill(directory, leave=640 * 1024)
    text = "x" * 1500  # large concerns fill the last of the disk quickly
    with Served(site) as served, Clients(served, CREW[:clients], text=text) as load:
        deadline = time.monotonic() + 60
        while len(load.unavailable) < clients and time.monotonic() < deadline:
            time.sleep(0.05)
        full = site.cli("concern", "raise", "--text", "on a full disk", "--as", "sam")
        load.stop()
        said = [" ".join(body.split()) for body in load.unavailable]
        if not said:
            outcome.clean = False
            outcome.notes.append("the disk never filled: no 503 in 60 s")
        elif not all("full" in body for body in said):
            outcome.clean = False
            outcome.notes.append(f"a 503 that does not name the full disk: {said[0][:300]}")
        cli_said = " ".join(full.stderr.split())
        if full.returncode != 5 or "is full" not in cli_said:
            outcome.clean = False
            outcome.notes.append(f"CLI on a full disk: exit {full.returncode}, {cli_said[:300]}")
        filler.unlink()
        _afterwards(site, served, load, outcome)
    return outcome


def two_writers(site: Site, *, commands: int, clients: int = 2) -> Outcome:
    """A server under load and ``showclear concern raise`` processes on one SQLite file at
    once: no "database is locked", both make progress, nothing written is lost."""
    outcome = Outcome("two writers on one SQLite file (serve + CLI)")
    written: dict[str, subprocess.CompletedProcess[str]] = {}
    with Served(site) as served, Clients(served, CREW[:clients]) as load:
        load.wait_for(4)
        before = load.count()
        for n in range(commands):
            text = f"from the command line {n}"
            written[text] = site.cli("concern", "raise", "--text", text, "--as", "sam")
            outcome.runs += 1
        during = load.count() - before
        load.stop()
        if during == 0:
            outcome.clean = False
            outcome.notes.append("the server took nothing while the CLI wrote (starved)")
        failed = {t: d for t, d in written.items() if d.returncode != 0}
        if failed:
            outcome.clean = False
            outcome.notes += [f"exit {d.returncode}: {d.stderr[-300:]}" for d in failed.values()]
        ledger = site.concerns()
        texts = set(ledger.values())
        outcome.acknowledged += len(written) - len(failed)
        outcome.lost += [i for i, t in enumerate(written) if t not in failed and t not in texts]
        _afterwards(site, served, load, outcome)
    return outcome
