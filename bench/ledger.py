"""Ledger benchmarks: appends, proofs and full verification, each beside a baseline.

Prints one table of figures and ratios; it is not a test and asserts nothing.

    python bench/ledger.py            # the full run: a ledger of 1,000,000 entries
    python bench/ledger.py --quick    # 100,000 entries, for a fast look

What is measured (targets from issue 2; see bench/README.md):

1. one entry per transaction (``synchronous=FULL``) through the ledger append path, against
   a raw ``sqlite3`` insert of the same bytes, one per transaction, same pragmas;
2. batched appends, 1,000 entries per checkpoint: the ledger append path (events, encoded
   as canonical JSON) while building the big ledger, and ``append_entries`` on the
   same bytes against ``pymerkle.SqliteTree`` computing the root of each batch;
3. inclusion and consistency proof generation through ``App`` on the big ledger;
4. a full ``verify_ledger`` of the big ledger: its hashing part, its overall rate,
   and bare ``hashlib.sha256`` over the same leaf bytes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from _common import Clock, load, raw_inserts, raw_sqlite, verdict

from showclear.ledger import CompactRange, Ed25519Signer, canonical_json, leaf_hash
from showclear.service import App, FileKeyring, build_app
from showclear.service.ledger import append_entries
from showclear.service.verify import verify_ledger
from showclear.store import ProductionInfo, open_store

BATCH = 1_000


# -- workload -----------------------------------------------------------------------


def event(n: int) -> dict[str, object]:
    """A realistic custody event (about 300 bytes as canonical JSON), fixed by ``n``."""
    weapon = n % 37
    return {
        "type": "WeaponHandedOver",
        "at": f"2026-11-{25 + n // 86_400 % 5:02d}T{n // 3600 % 24:02d}:"
        f"{n // 60 % 60:02d}:{n % 60:02d}Z",
        "actor": f"armorer-{n % 3}",
        "weapon": f"W-{weapon:03d}",
        "from": f"armorer-{n % 3}",
        "to": f"performer-{n % 11}",
        "setup": f"SC-{n // 40:05d}",
        "confirmed_by": [f"armorer-{n % 3}", f"performer-{n % 11}"],
        "chambers": [{"n": c, "content": "dummy" if (n + c) % 4 else "empty"} for c in (1, 2)],
        "state": "DUMMY",
        "distance_cm": 150 + n % 400,
        "note": f"handover {n} at the marks for scene {n // 500}",
    }


def entries(start: int, count: int) -> list[bytes]:
    return [canonical_json(event(n)) for n in range(start, start + count)]


# -- measuring ----------------------------------------------------------------------


@dataclass
class Row:
    what: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    cost: str = ""  # the step's wall time, CPU-seconds and load (several rows may share it)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} /s"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def say(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ledger_append(app: App, slug: str, events: list[dict[str, object]]) -> None:
    """The ledger's own append path: canonical entries, tree nodes, one signed checkpoint.

    These benchmark events are ledger-shaped, not protocol commands, so they go
    below the rule engine (bench/protocol.py measures a whole command).
    """
    signer = app.keyring.signer_for(app.production(slug).verifier_key)
    data = [canonical_json(e) for e in events]
    with app.store.write(slug) as session:
        append_entries(session, signer, data)


def fresh_app(directory: Path, name: str) -> tuple[App, str]:
    app = build_app(str(directory / f"{name}.db"), keyring=FileKeyring(directory / "keys"))
    return app, app.init_production(name).slug


# -- 1. one entry per transaction ---------------------------------------------------------


def bench_single(directory: Path, count: int) -> list[Row]:
    app, slug = fresh_app(directory, "single")
    raw = raw_sqlite(directory / "raw.db")
    events = [event(n) for n in range(count)]
    data = [canonical_json(e) for e in events]
    ours = theirs = 0.0
    # Alternate in rounds, so that both see the same disk at the same moments.
    for start in range(0, count, 50):
        t0 = time.perf_counter()
        for e in events[start : start + 50]:
            ledger_append(app, slug, [e])
        t1 = time.perf_counter()
        raw_inserts(raw, data[start : start + 50], start)
        t2 = time.perf_counter()
        ours += t1 - t0
        theirs += t2 - t1
    app.close()
    raw.close()
    ratio = theirs / ours
    return [
        Row(
            f"append, 1 entry per transaction ({count:,})",
            rate(count, ours),
            f"raw sqlite3 {rate(count, theirs)}",
            f"{ratio:.2f}x",
            ">= 0.5x raw",
            ratio >= 0.5,
        )
    ]


# -- 2. batched appends ---------------------------------------------------------------


def build_big(directory: Path, size: int) -> tuple[App, str, list[Row]]:
    """The big ledger, through the ledger append path, 1,000 events per checkpoint."""
    app, slug = fresh_app(directory, "big")
    spent = encoding = 0.0
    for start in range(0, size, BATCH):
        batch = [event(n) for n in range(start, start + BATCH)]
        t0 = time.perf_counter()
        ledger_append(app, slug, batch)
        spent += time.perf_counter() - t0
        if start % (BATCH * 10) == 0:  # every tenth batch: what canonical JSON alone costs
            t0 = time.perf_counter()
            for e in batch:
                canonical_json(e)
            encoding += time.perf_counter() - t0
        if start % 100_000 == 0:
            say(f"built {start:,} entries")
    per_s = size / spent
    sampled = len(range(0, size, BATCH * 10)) * BATCH
    return (
        app,
        slug,
        [
            Row(
                f"ledger append, {BATCH:,} events per checkpoint ({size:,})",
                rate(size, spent),
                target=">= 100,000 /s",
                met=per_s >= 100_000,
            ),
            Row("  of which canonical_json alone", rate(sampled, encoding)),
        ],
    )


def bench_batched_vs_pymerkle(directory: Path, size: int) -> list[Row]:
    """The same bytes, 1,000 per transaction, into our store and into pymerkle's."""
    try:
        import pymerkle
    except ImportError:
        return [Row("pymerkle SqliteTree", "not installed")]
    origin = "bench.example/batched"
    signer = Ed25519Signer.generate(origin)
    store = open_store(str(directory / "batched.db"))
    info = ProductionInfo("batched", "Batched", origin, signer.verifier().verifier_key(), 0, "")
    with store.create_production(info):
        pass
    tree = pymerkle.SqliteTree(str(directory / "pymerkle.db"))
    # The same durability for both: WAL and a synced commit.
    tree.con.execute("PRAGMA journal_mode=WAL")
    tree.con.execute("PRAGMA synchronous=FULL")
    # The floor: the rows our store writes, inserted with bare sqlite3 into the same schema.
    open_store(str(directory / "floor.db")).close()
    floor_db = sqlite3.connect(directory / "floor.db", isolation_level=None)
    floor_db.execute("PRAGMA synchronous=FULL")
    edge = CompactRange()
    ours = theirs = floor = 0.0
    for start in range(0, size, BATCH):
        batch = entries(start, BATCH)
        t0 = time.perf_counter()
        with store.write("batched") as session:
            append_entries(session, signer, batch)
        t1 = time.perf_counter()
        tree.append_entries(batch)
        pymerkle_root = tree.get_root()
        t2 = time.perf_counter()
        ours += t1 - t0
        theirs += t2 - t1
        rows, nodes = [], []
        for data in batch:
            made = edge.append(leaf_hash(data))
            rows.append(("batched", made[0][1], data, made[0][2]))
            nodes += [("batched", *node) for node in made[1:]]
        t0 = time.perf_counter()
        floor_db.execute("BEGIN IMMEDIATE")
        floor_db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", rows)
        floor_db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", nodes)
        floor_db.execute("COMMIT")
        floor += time.perf_counter() - t0
    floor_db.close()
    with store.read("batched") as session:
        same = session.checkpoint()[1].split("\n")[2] == pymerkle_root_b64(pymerkle_root)
    store.close()
    tree.close()
    ratio = theirs / ours
    return [
        Row(
            f"append_entries, same bytes ({size:,})",
            rate(size, ours),
            f"pymerkle {rate(size, theirs)}",
            f"{ratio:.2f}x",
            ">= 1x pymerkle",
            ratio >= 1,
        ),
        Row("  same final root as pymerkle", "yes" if same else "NO", met=same),
        Row(
            "  bare sqlite3 inserting the same rows",
            rate(size, floor),
            ratio=f"ours {floor / ours:.2f}x",
            target="(the floor)",
        ),
    ]


def pymerkle_root_b64(root: bytes) -> str:
    return base64.b64encode(root).decode()


# -- 3. proofs -----------------------------------------------------------------------------


def bench_proofs(app: App, slug: str, samples: int) -> list[Row]:
    size = app.production(slug).size
    sizes = [1, *range(1 + BATCH, size + 1, BATCH)]
    rng = random.Random(2)
    inclusion: list[float] = []
    for _ in range(samples):
        at = rng.choice(sizes) if rng.random() < 0.5 else None
        index = rng.randrange(at or size)
        t0 = time.perf_counter()
        app.prove_inclusion(slug, index, at)
        inclusion.append(time.perf_counter() - t0)
    consistency: list[float] = []
    for _ in range(samples):
        old, new = sorted(rng.sample(sizes, 2))
        t0 = time.perf_counter()
        app.prove_consistency(slug, old, new).format()
        consistency.append(time.perf_counter() - t0)
    rows = []
    for name, taken in (("inclusion", inclusion), ("consistency", consistency)):
        p50, p99 = percentile(taken, 50), percentile(taken, 99)
        rows.append(
            Row(
                f"{name} proof at {size:,} (p50 / p99)",
                f"{ms(p50)} / {ms(p99)}",
                f"mean {ms(statistics.fmean(taken))}",
                target="p50 < 0.5 ms",
                met=p50 < 0.0005,
            )
        )
    return rows


# -- 4. verification ---------------------------------------------------------------------


def chunks(app: App, slug: str) -> Iterator[list[bytes]]:
    with app.store.read(slug) as session:
        batch: list[bytes] = []
        for row in session.entries():
            batch.append(row.data)
            if len(batch) == 10_000:
                yield batch
                batch = []
        if batch:
            yield batch


def bare_sha256(app: App, slug: str) -> tuple[int, float]:
    """Bare hashlib over the same leaf bytes (read from the database untimed)."""
    sha256, prefix = hashlib.sha256, b"\x00"
    count, spent = 0, 0.0
    for batch in chunks(app, slug):
        t0 = time.perf_counter()
        for data in batch:
            sha256(prefix + data).digest()
        spent += time.perf_counter() - t0
        count += len(batch)
    return count, spent


def bench_verify(app: App, slug: str) -> list[Row]:
    with app.store.read(slug) as session:
        report = verify_ledger(session)
    if not report.ok:
        return [Row("verify", f"FAILED: {report.problem}", met=False)]
    n = report.entries
    hashing = n / report.hashing_seconds
    count, bare = bare_sha256(app, slug)
    return [
        Row(
            f"verify {n:,}: hashing part",
            rate(n, report.hashing_seconds),
            f"bare sha256 {rate(count, bare)}",
            f"{bare / report.hashing_seconds:.2f}x",
            ">= 300,000 /s",
            hashing >= 300_000,
        ),
        Row(f"verify {n:,}: overall", f"{rate(n, report.seconds)} ({report.seconds:.1f} s)"),
    ]


# -- the table --------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = Row("measure", "figure", "baseline", "ratio", "target", cost="step: wall, CPU, load")
    cells = [
        (
            r.what,
            r.figure,
            r.baseline,
            r.ratio,
            r.target,
            "" if r.met is None else verdict(r.met),
            r.cost,
        )
        for r in [head, *rows]
    ]
    cells[0] = (*cells[0][:5], "", cells[0][6])
    widths = [max(len(c[i]) for c in cells) for i in range(7)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(7)).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100,000 entries, fewer samples")
    parser.add_argument("--size", type=int, help="entries in the big ledger (default 1,000,000)")
    parser.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    args = parser.parse_args(argv)
    size = args.size or (100_000 if args.quick else 1_000_000)
    size -= size % BATCH
    single = 300 if args.quick else 1_000
    compared = min(size, 100_000 if args.quick else 200_000)
    samples = 1_000 if args.quick else 5_000

    directory = Path(args.dir or tempfile.mkdtemp(prefix="showclear-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("single-entry appends", lambda: bench_single(directory, single)),
        (
            "batched appends against pymerkle",
            lambda: bench_batched_vs_pymerkle(directory, compared),
        ),
    ]
    rows: list[Row] = []
    started = time.perf_counter()

    def costed(made: list[Row], clock: Clock) -> list[Row]:
        cost = f"{clock.wall:.1f} s, {clock.cpu:.1f} CPU-s, load {os.getloadavg()[0]:.1f}"
        return [replace(r, cost=cost) for r in made]

    try:
        for name, step in steps:
            say(name)
            clock = Clock().start()
            rows += costed(step(), clock.stop())
        say(f"building a ledger of {size:,} entries")
        clock = Clock().start()
        app, slug, built = build_big(directory, size)
        rows[1:1] = costed(built, clock.stop())
        say("proofs")
        clock = Clock().start()
        rows += costed(bench_proofs(app, slug, samples), clock.stop())
        say("verify")
        clock = Clock().start()
        rows += costed(bench_verify(app, slug), clock.stop())
        app.close()
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    print(
        f"showclear ledger bench: {size:,} entries, SQLite {sqlite3.sqlite_version}, "
        f"Python {sys.version.split()[0]}, {time.perf_counter() - started:.0f} s in all; {load()}"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
