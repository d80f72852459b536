"""The campaign's long mode, for a nightly run: ``python -m tests.campaign [--rounds N]``.

Runs each fault more rounds than CI does (SIGKILL of serve on SQLite and on PostgreSQL, an
immediate PostgreSQL restart, a full disk, two writers on one SQLite file), then the CLI
fuzzer with ``SHOWCLEAR_CAMPAIGN=long``, and prints one table:
fault | runs | acknowledged writes lost | verify afterwards | clean error.
Exits 1 if any acknowledged write was lost, a ledger failed to verify or an answer was not
clean. PostgreSQL rows need its programs installed (a cluster of the run's own is started);
the full-disk row needs root (it mounts a tmpfs); a row that cannot run says why.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.campaign.faults import disk_full, kill_under_load, restart_under_load, two_writers
from tests.campaign.harness import Outcome, Site
from tests.postgres import Cluster, find_bindir

HEADER = (
    "| fault | runs | acknowledged writes lost | verify afterwards | clean error |\n"
    "|---|---|---|---|---|"
)


def _sqlite(work: Path) -> Site:
    site = Site(str(work / "showclear.db"), work)
    site.create(crew=4)
    return site


def _kill_sqlite(work: Path, rounds: int) -> Outcome:
    return kill_under_load(_sqlite(work), rounds=rounds)


def _with_cluster(work: Path, fault: Callable[[Site, Cluster], Outcome]) -> Outcome:
    if find_bindir() is None:
        raise RuntimeError("PostgreSQL is not installed")
    with Cluster.start_new() as cluster:
        site = Site(cluster.url(), work)
        site.create(crew=4)
        return fault(site, cluster)


def _kill_postgresql(work: Path, rounds: int) -> Outcome:
    return _with_cluster(work, lambda site, _: kill_under_load(site, rounds=rounds))


def _restart_postgresql(work: Path, rounds: int) -> Outcome:
    def fault(site: Site, cluster: Cluster) -> Outcome:
        return restart_under_load(site, lambda: cluster.restart("immediate"), rounds=rounds)

    return _with_cluster(work, fault)


def _disk_full(work: Path, rounds: int) -> Outcome:
    total = Outcome("full disk (SQLite on tmpfs)")
    for n in range(rounds):
        disk = work / f"disk-{n}"
        disk.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
            capture_output=True,
            text=True,
            check=False,
        )
        if mounted.returncode != 0:
            raise RuntimeError(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
        try:
            site = Site(str(disk / "showclear.db"), work / f"site-{n}")
            site.work.mkdir()
            site.create(crew=3)
            _merge(total, disk_full(site, disk))
        finally:
            subprocess.run(["umount", "-l", str(disk)], check=False)
    return total


def _two_writers(work: Path, rounds: int) -> Outcome:
    site = Site(str(work / "showclear.db"), work)
    site.create(crew=2)
    return two_writers(site, commands=rounds * 3)


def _merge(total: Outcome, one: Outcome) -> None:
    total.runs += one.runs
    total.acknowledged += one.acknowledged
    total.lost += one.lost
    total.verified &= one.verified
    total.clean &= one.clean
    total.notes += one.notes


FAULTS: list[tuple[str, Callable[[Path, int], Outcome]]] = [
    ("SIGKILL serve (SQLite)", _kill_sqlite),
    ("SIGKILL serve (PostgreSQL)", _kill_postgresql),
    ("PostgreSQL immediate restart", _restart_postgresql),
    ("full disk (SQLite on tmpfs)", _disk_full),
    ("two writers on one SQLite file (serve + CLI)", _two_writers),
]


def _fuzz() -> Outcome:
    """The CLI fuzzer's long run, as one row (runs: its examples)."""
    env = {**os.environ, "SHOWCLEAR_CAMPAIGN": "long"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/campaign/test_cli_fuzz.py"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    outcome = Outcome("CLI argument fuzzing (Hypothesis)", runs=2000)
    outcome.clean = done.returncode == 0
    if not outcome.clean:
        outcome.notes.append(done.stdout[-500:])
    return outcome


def main() -> int:
    """Run every fault ``--rounds`` times, print the table; 1 if anything did not hold."""
    parser = argparse.ArgumentParser(prog="python -m tests.campaign", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="times each fault strikes")
    parser.add_argument("--no-fuzz", action="store_true", help="skip the CLI fuzzer")
    args = parser.parse_args()
    rows: list[str] = []
    held = True
    for name, fault in FAULTS:
        with tempfile.TemporaryDirectory(prefix="showclear-campaign-") as work:
            try:
                outcome = fault(Path(work), args.rounds)
            except RuntimeError as e:
                rows.append(f"| {name} | 0 | not run: {e} | | |")
                continue
            except AssertionError as e:  # a scenario that could not go on (no progress)
                outcome = Outcome(name, clean=False, notes=[str(e)[:300]])
        held &= not outcome.lost and outcome.verified and outcome.clean
        rows.append(outcome.row())
        print(rows[-1], flush=True)
    if not args.no_fuzz:
        outcome = _fuzz()
        held &= outcome.clean
        rows.append(outcome.row())
    print()
    print(HEADER)
    print("\n".join(rows))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
