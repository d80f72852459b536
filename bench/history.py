"""History benchmark (issue 17): questions about one weapon, and verify, on a long ledger.

Prints one table; it is not a test and asserts nothing. Each row with a target ends in
its verdict (``ok`` or ``MISSED``), with CPU-seconds beside wall time and the load.

    python bench/history.py            # a ledger of 1,000,000 entries
    python bench/history.py --quick    # 100,000 entries (under 5 minutes)
    python bench/history.py --checkpoints batch   # one checkpoint per 10,000 entries

The ledger is bench/protocol.py's history of shoot days (people, four weapons used every
day, refusals, incidents), decided and folded in memory and appended in batches, with one
checkpoint per command as ``App.submit`` signs them (``--checkpoints command``, the
default) or one per 10,000 entries. Then a fifth weapon is received on the last day and
handled a few times, so that it has a short history at the end of a long ledger.

What is measured:

1. ``App.history`` of that weapon (read through the entry index, schema 6), p50 of 30;
   beside it the same answer by scanning the whole ledger, as it was read before, and
   the history of the busiest weapon (its size grows with the ledger: it is the answer);
2. the weapon's custody chain (``Forensics.weapon_chain``), p50 of 3 (1 at 1M entries):
   it replays the ledger with the protocol's fold to derive the weapon's state after
   each entry;
3. ``verify_ledger`` (the ledger: entries, tree, every checkpoint, the chain) and
   ``App.verify`` (what ``showclear verify`` runs: that, and a replay of the projection),
   each in a process of its own, with its entries/s, CPU-seconds and peak RSS;
4. one entry per transaction through the store's append path against a raw ``sqlite3``
   insert of the same bytes, one per transaction, same pragmas (WAL, synchronous=FULL),
   alternating in rounds; and how many SQL statements one append sends.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import Clock, load, raw_inserts, raw_sqlite, revolver, verdict

from protocol import EMPTY6, Production, build
from showclear.ledger import canonical_json
from showclear.service import TRUSTED, App, FileKeyring, build_app
from showclear.service.forensics.replay import mentions_weapon
from showclear.service.ledger import append_entries
from showclear.service.verify import verify_ledger

TARGET_MS = 50.0  # history and chain p50 at 1M entries
TARGET_VERIFY = 300_000  # entries/s
TARGET_RSS_MB = 200.0
TARGET_RATIO = 0.7  # one entry per transaction vs raw SQLite
FRESH = "W9"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Row:
    what: str
    figure: str
    cpu: str
    target: str
    met: bool | None

    def line(self) -> str:
        mark = "" if self.met is None else verdict(self.met)
        return f"{self.what:<58} {self.figure:>26} {self.cpu:>12}  {self.target:<16} {mark}"


def timed(work: Callable[[], Any], samples: int) -> tuple[float, float, Any]:
    """p50 wall seconds and mean CPU-seconds of ``work`` over ``samples`` runs; its result."""
    walls, cpus, result = [], [], None
    for _ in range(samples):
        clock = Clock().start()
        result = work()
        clock.stop()
        walls.append(clock.wall)
        cpus.append(clock.cpu)
    return statistics.median(walls), statistics.fmean(cpus), result


# -- the fresh weapon at the end of the ledger --------------------------------------------


def fresh_weapon(production: Production) -> int:
    """Receive weapon W9 on the last day and handle it a few times; its entries."""
    app, slug, clock = production.app, production.slug, production.clock
    commands: list[dict[str, Any]] = [
        {"type": "WeaponReceived", "actor": "ana", **revolver(FRESH, "S1")},
    ]
    for _ in range(5):
        commands.append(
            {
                "type": "ShowClearInspected",
                "actor": "ana",
                "weapon": FRESH,
                "chambers": EMPTY6,
                "barrel_clear": True,
                "performer": None,
                "performer_confirmed": False,
            }
        )
    for command in commands:
        clock.advance(minutes=1)
        app.submit(slug, command, TRUSTED)
    return len(app.history(slug, FRESH))


def scanned_history(app: App, slug: str, weapon: str) -> list[dict[str, Any]]:
    """The history as it was read before the entry index: every entry decoded and tested."""
    with app.store.read(slug) as session:
        return [
            {"index": row.index, **event}
            for row in session.entries()
            if isinstance(event := row.event(), dict) and mentions_weapon(event, weapon)
        ]


def measure_reads(production: Production, *, chain_samples: int) -> list[Row]:
    app, slug, n = production.app, production.slug, production.entries
    rows: list[Row] = []
    wall, cpu, found = timed(lambda: app.history(slug, FRESH), 30)
    rows.append(
        Row(
            f"history of a weapon ({len(found)} entries) at {n:,} entries, p50",
            f"{wall * 1000:.2f} ms",
            f"{cpu * 1000:.2f} ms CPU",
            f"< {TARGET_MS:g} ms",
            wall * 1000 < TARGET_MS,
        )
    )
    wall, cpu, scanned = timed(lambda: scanned_history(app, slug, FRESH), 1)
    if scanned != found:
        raise SystemExit("the history read through the index differs from the scan")
    rows.append(
        Row(
            "  the same, scanning the whole ledger (before schema 6)",
            f"{wall * 1000:,.0f} ms",
            f"{cpu * 1000:,.0f} ms CPU",
            "",
            None,
        )
    )
    wall, cpu, busiest = timed(lambda: app.history(slug, "W2"), 3)
    rows.append(
        Row(
            f"  history of the busiest weapon ({len(busiest):,} entries)",
            f"{wall * 1000:,.0f} ms",
            f"{cpu * 1000:,.0f} ms CPU",
            "",
            None,
        )
    )

    def chain() -> int:
        with app.forensics(slug) as f:
            return len(f.weapon_chain(FRESH).entries)

    say(f"custody chain of {FRESH}: {chain_samples} sample(s), each replaying the ledger")
    wall, cpu, length = timed(chain, chain_samples)
    rows.append(
        Row(
            f"custody chain of that weapon ({length} entries), p50",
            f"{wall * 1000:,.0f} ms",
            f"{cpu * 1000:,.0f} ms CPU",
            f"< {TARGET_MS:g} ms",
            wall * 1000 < TARGET_MS,
        )
    )
    return rows


# -- verify, in a process of its own ------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM): unlike ``ru_maxrss``, which Linux carries
    across ``exec``, it counts nothing of the parent that started the process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verify_child(db: str, slug: str, keys: str, mode: str) -> None:
    """Run one verification and print its figures as JSON (the child process's side).

    The verifier needs no private key: an empty key directory of its own.
    """
    app = build_app(db, keyring=FileKeyring(Path(keys) / "verifier-keys"))
    clock = Clock().start()
    if mode == "ledger":
        with app.store.read(slug) as session:
            report = verify_ledger(session)
    else:
        report = app.verify(slug)
    clock.stop()
    out = {
        "ok": report.ok,
        "problem": report.problem,
        "entries": report.entries,
        "checkpoints": report.checkpoints,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "rss_mb": peak_rss_mb(),
    }
    print(json.dumps(out))


def measure_verify(production: Production, directory: Path, checkpoints: str) -> list[Row]:
    rows: list[Row] = []
    db = production.app.store.url
    for mode, label in (("ledger", "verify_ledger"), ("app", "App.verify (showclear verify)")):
        say(f"{label}, in a process of its own")
        done = subprocess.run(
            [sys.executable, __file__, "--verify-child", mode, db, production.slug, str(directory)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if not figures["ok"]:
            raise SystemExit(f"{label} failed: {figures['problem']}")
        rate = figures["entries"] / figures["wall"]
        per_cpu = figures["entries"] / max(figures["cpu"], 1e-9)
        rows.append(
            Row(
                f"{label}, {figures['entries']:,} entries, {checkpoints}",
                f"{rate:,.0f}/s ({per_cpu:,.0f}/CPU-s)",
                f"{figures['cpu']:.1f} CPU-s",
                f">= {TARGET_VERIFY:,}/s",
                rate >= TARGET_VERIFY,
            )
        )
        rows.append(
            Row(
                f"  its peak RSS ({figures['checkpoints']:,} checkpoints)",
                f"{figures['rss_mb']:.0f} MB",
                f"{figures['wall']:.1f} s wall",
                f"< {TARGET_RSS_MB:g} MB",
                figures["rss_mb"] < TARGET_RSS_MB,
            )
        )
    return rows


# -- writes: one entry per transaction -------------------------------------------------------


def measure_writes(directory: Path, count: int) -> list[Row]:
    """Appends of one entry per transaction against raw SQLite inserts, in rounds."""
    app = build_app(str(directory / "single.db"), keyring=FileKeyring(directory / "keys"))
    slug = app.init_production("Single").slug
    signer = app.keyring.signer_for(app.production(slug).verifier_key)
    raw = raw_sqlite(directory / "raw.db")
    data = [
        canonical_json(
            {"type": "WeaponHandedOver", "n": n, "weapon": "W2", "giver": "ana", "receiver": "kit"}
        )
        for n in range(count)
    ]
    statements: list[str] = []
    ours = theirs = ours_cpu = 0.0
    for start in range(0, count, 50):
        t0, c0 = time.perf_counter(), time.process_time()
        for d in data[start : start + 50]:
            with app.store.write(slug) as session:
                if start == 0 and not statements:
                    app.store._conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
                append_entries(session, signer, [d])
                app.store._conn.set_trace_callback(None)  # type: ignore[attr-defined]
        t1, c1 = time.perf_counter(), time.process_time()
        raw_inserts(raw, data[start : start + 50], start)
        t2 = time.perf_counter()
        ours += t1 - t0
        ours_cpu += c1 - c0
        theirs += t2 - t1
    app.close()
    raw.close()
    ratio = theirs / ours
    return [
        Row(
            f"append, 1 entry per transaction vs raw sqlite3 ({count:,})",
            f"{ratio:.2f}x ({count / ours:,.0f}/s)",
            f"{ours_cpu / count * 1e6:.0f} us CPU",
            f">= {TARGET_RATIO}x raw",
            ratio >= TARGET_RATIO,
        ),
        Row(
            "  SQL statements one append sends (BEGIN to COMMIT)",
            f"{len(statements) + 1}",
            "",
            "",
            None,
        ),
    ]


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100,000 entries (under 5 min)")
    parser.add_argument("--entries", type=int, help="entries of the ledger (default 1,000,000)")
    parser.add_argument(
        "--checkpoints",
        choices=("command", "batch"),
        default="command",
        help="one checkpoint per command (as App.submit signs them; the default) or one "
        "per 10,000 entries (quicker to build and to verify)",
    )
    parser.add_argument("--seed", type=int, default=3, help="seed of the day-to-day variations")
    parser.add_argument("--dir", type=Path, help="work directory, kept (default: a temporary one)")
    parser.add_argument("--verify-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.verify_child:
        mode, db, slug, keys = args.verify_child
        verify_child(db, slug, keys, mode)
        return
    size = args.entries or (100_000 if args.quick else 1_000_000)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="showclear-history-"))
    directory.mkdir(parents=True, exist_ok=True)
    total = Clock().start()
    per_command = args.checkpoints == "command"
    mode = "1 checkpoint per command" if per_command else "1 checkpoint per 10,000 entries"
    try:
        production = build(directory, "long", size, args.seed, per_command=per_command)
        say(f"{production.slug}: receiving {FRESH} on the last day")
        fresh_weapon(production)
        rows = measure_reads(production, chain_samples=1 if size >= 1_000_000 else 3)
        rows += measure_verify(production, directory, mode)
        production.app.close()
        rows += measure_writes(directory, 300 if args.quick else 1_000)
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    total.stop()
    print(f"\nbench/history.py: a ledger of {production.entries:,} entries, {mode}")
    print(f"{'measure':<58} {'figure':>26} {'CPU':>12}  {'target':<16} verdict")
    for row in rows:
        print(row.line())
    rss = peak_rss_mb()
    print(
        f"whole run: {total.wall / 60:.1f} min, {total.cpu / 60:.1f} CPU-min in this process "
        f"(peak RSS {rss:.0f} MB, the generation's); {load()}; pid {os.getpid()}"
    )


if __name__ == "__main__":
    main()
