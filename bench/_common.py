"""What every benchmark prints beside its figures: verdicts, CPU-seconds and the load.

A figure taken on a busy machine (2 cores shared with other work) means little on its
own: CPU-seconds beside wall time say how much of the time was this work's, and the
load average says how busy the machine was. A row with a target ends in its verdict,
``ok`` or ``MISSED``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Clock", "cpu_of", "load", "verdict", "wait_until"]


def verdict(met: bool) -> str:
    """``ok`` if the target is met, else ``MISSED``."""
    return "ok" if met else "MISSED"


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, and the number of CPUs."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} CPUs"


def cpu_of(pid: int) -> float:
    """CPU-seconds (user + system) another process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Clock:
    """Wall time and this process's CPU time since :meth:`start` (plus other processes')."""

    wall: float = 0.0
    cpu: float = 0.0
    _wall0: float = 0.0
    _cpu0: float = 0.0

    def start(self) -> Clock:
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()
        return self

    def stop(self) -> Clock:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = time.process_time() - self._cpu0
        return self

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} CPU-s"


def wait_until(
    ready: Callable[[], bool], *, what: str, timeout: float, alive: Callable[[], bool]
) -> float:
    """Poll ``ready`` until it is true; the seconds it took.

    Gives up with a message naming ``what`` after ``timeout`` seconds, or at once if
    ``alive`` says the process being waited for has stopped.
    """
    started = time.monotonic()
    delay = 0.05
    while not ready():
        waited = time.monotonic() - started
        if not alive():
            raise SystemExit(f"{what} stopped before it was ready (after {waited:.1f} s)")
        if waited > timeout:
            raise SystemExit(
                f"{what} was not ready after {timeout:.0f} s ({load()}); the machine may be "
                "very busy: try again with a larger --start-timeout"
            )
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    return time.monotonic() - started


def revolver(weapon: str, storage: str = "safe") -> dict[str, object]:
    """The fields of a WeaponReceived for a six-shot blank-firing revolver kept in ``storage``:
    the weapon every benchmark's production receives."""
    return {
        "weapon": weapon,
        "serial": f"SN-{weapon}",
        "make": "Uberti",
        "model": "Cattleman",
        "category": "blank_firing",
        "caliber": ".45 Colt",
        "chambers": 6,
        "action": "revolver",
        "storage": storage,
        "personal": False,
    }


def raw_sqlite(path: Path) -> sqlite3.Connection:
    """The baseline a ledger append is held to: a bare table on the ledger's settings (WAL,
    ``synchronous=FULL``), in autocommit so that each insert gets its own transaction."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    return raw


def raw_inserts(raw: sqlite3.Connection, data: list[bytes], start: int) -> None:
    """Insert ``data`` as entries ``start`` onwards, one ``BEGIN IMMEDIATE … COMMIT`` each."""
    for i, d in enumerate(data, start):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO entries (idx, data) VALUES (?, ?)", (i, d))
        raw.execute("COMMIT")
