"""Storage benchmark: appends per second on SQLite and PostgreSQL, alone and in parallel.

Prints figures; it is not a test and asserts nothing.

    python bench/storage.py                    # ~1 minute
    python bench/storage.py --quick            # about 1.5 minutes on a busy machine
    python bench/storage.py --pg postgresql://...   # a server of yours instead of our own

What is measured, at the storage port (``Store.write`` + ``append_entries``: the
entries, their tree nodes and one signed checkpoint per transaction, as every
command writes them; no rule evaluation):

1. appends per second with one entry per transaction, and entries per second
   with 1,000 entries per transaction, on SQLite (WAL, ``synchronous=FULL``) and
   PostgreSQL (``fsync=on``, ``synchronous_commit=on``), in one run;
2. one-entry appends with 1, 4 and 16 productions written at once, one writer
   process (its own connection) per production, on PostgreSQL, and on SQLite
   (productions in one file share its single writer) for comparison.

Without ``--pg``, PostgreSQL is a throw-away cluster in a temporary directory,
durable like a production server (fsync on), started and removed by this script.
Both databases live on the same disk.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import load

from showclear.ledger import Ed25519Signer, canonical_json
from showclear.service.ledger import append_entries
from showclear.store import ProductionInfo, Store, open_store

ROOT = Path(__file__).resolve().parents[1]
BATCH = 1_000


def event(n: int) -> bytes:
    """A custody event of about 300 bytes, as canonical JSON."""
    return canonical_json(
        {
            "type": "WeaponHandedOver",
            "at": f"2026-11-25T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
            "actor": f"armorer-{n % 3}",
            "weapon": f"W-{n % 37:03d}",
            "from": f"armorer-{n % 3}",
            "to": f"performer-{n % 11}",
            "setup": f"SC-{n // 40:05d}",
            "confirmed_by": [f"armorer-{n % 3}", f"performer-{n % 11}"],
            "chambers": [{"n": c, "content": "dummy" if (n + c) % 4 else "empty"} for c in (1, 2)],
            "state": "DUMMY",
            "distance_cm": 150 + n % 400,
            "note": f"handover {n} at the marks for scene {n // 500}",
        }
    )


#: Entries are encoded once, before timing: this measures storage, not JSON.
POOL = [event(n) for n in range(2 * BATCH)]


def entries(start: int, count: int) -> list[bytes]:
    return [POOL[(start + i) % len(POOL)] for i in range(count)]


def new_production(store: Store, slug: str) -> Ed25519Signer:
    origin = f"bench.example/productions/{slug}"
    signer = Ed25519Signer.generate(origin)
    key = signer.verifier().verifier_key()
    with store.create_production(ProductionInfo(slug, slug, origin, key, 0, "2026-11-25")):
        pass
    return signer


def for_seconds(seconds: float, step: Callable[[int], int]) -> tuple[int, float]:
    """Run ``step(n)`` (it returns how many entries it appended) for ``seconds``."""
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += step(done)
    return done, elapsed


def single_and_batched(url: str, seconds: float) -> tuple[float, float]:
    """(appends/s one per transaction, entries/s 1,000 per transaction) on one production."""
    store = open_store(url)
    try:
        signer = new_production(store, "alone")

        def one(n: int) -> int:
            with store.write("alone") as session:
                append_entries(session, signer, entries(n, 1))
            return 1

        def batch(n: int) -> int:
            with store.write("alone") as session:
                append_entries(session, signer, entries(n, BATCH))
            return BATCH

        singles, t1 = for_seconds(seconds, one)
        batched, t2 = for_seconds(seconds, batch)
    finally:
        store.close()
    return singles / t1, batched / t2


def _writer(url: str, slug: str, seconds: float, *, ready: Any, go: Any, results: Any) -> None:
    """One process, one connection, one production: one-entry appends until time is up."""
    store = open_store(url)
    signer = new_production(store, slug)
    ready.wait()
    go.wait()

    def one(n: int) -> int:
        with store.write(slug) as session:
            append_entries(session, signer, entries(n, 1))
        return 1

    count, elapsed = for_seconds(seconds, one)
    store.close()
    results.put((count, elapsed))


def parallel(url: str, productions: int, seconds: float) -> tuple[float, float]:
    """(total appends/s, slowest production's appends/s) with one writer per production."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Barrier(productions + 1), ctx.Event(), ctx.Queue()
    tag = f"p{productions}-{time.monotonic_ns()}"
    processes = [
        ctx.Process(
            target=_writer,
            args=(url, f"{tag}-{i}", seconds),
            kwargs={"ready": ready, "go": go, "results": results},
        )
        for i in range(productions)
    ]
    for p in processes:
        p.start()
    ready.wait()
    go.set()
    rates = [count / elapsed for count, elapsed in (results.get() for _ in processes)]
    for p in processes:
        p.join()
    return sum(rates), min(rates)


def _cpu() -> float:
    """CPU-seconds of this process and of its children that ended (the writers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier figures)")
    parser.add_argument("--pg", help="a PostgreSQL URL to use instead of a cluster of our own")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 5.0

    cluster = None
    pg = args.pg
    if pg is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres import Cluster  # the tests' throw-away server, made durable

        cluster = Cluster.start_new(durable=True)
        pg = cluster.url()
    folder = Path(tempfile.mkdtemp(prefix="showclear-bench-"))
    began, cpu = time.perf_counter(), _cpu()
    try:
        print(f"showclear storage benchmark: {seconds:g} s per figure; {load()}")
        print("SQLite: WAL, synchronous=FULL · PostgreSQL: fsync=on, synchronous_commit=on\n")
        print(f"{'':38}{'SQLite':>14}{'PostgreSQL':>14}")
        lite = single_and_batched(str(folder / "alone.db"), seconds)
        post = single_and_batched(pg, seconds)
        print(f"{'appends/s, 1 entry per transaction':38}{lite[0]:>14,.0f}{post[0]:>14,.0f}")
        print(f"{f'entries/s, {BATCH:,} per transaction':38}{lite[1]:>14,.0f}{post[1]:>14,.0f}")
        print("\none-entry appends, one writer process per production, all at once:")
        columns = ("total/s", "slowest/s") * 2
        print(f"{'':16}{'PostgreSQL':^24}{'SQLite, one file':^24}")
        print(f"{'productions':>12}{'':4}" + "".join(f"{c:>12}" for c in columns))
        for n in (1, 4, 16):
            figures = (*parallel(pg, n, seconds), *parallel(str(folder / "shared.db"), n, seconds))
            print(f"{n:>12}{'':4}" + "".join(f"{f:>12,.0f}" for f in figures))
        print(
            f"\nwhole run: {time.perf_counter() - began:.1f} s wall, {_cpu() - cpu:.1f} CPU-s "
            f"(this process and its writers; not the PostgreSQL server); {load()}"
        )
    finally:
        if cluster is not None:
            cluster.remove()
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
