"""Several writer processes on one SQLite file: does every writer progress (issue 17)?

Prints figures and verdicts; it is not a test.

    python bench/writers.py                 # 2, 4 and 8 writers, 2 s each, 3 runs
    python bench/writers.py --quick         # 2 and 4 writers, 1 run (under a minute)

Each writer is a process of its own with its own connection and its own production in
the one file, appending one entry per transaction (``Store.write`` + ``append_entries``,
as every command writes) for the same 2 s. Reported per writer count: appends of the
slowest and the busiest writer, the min/max ratio (target: at least 0.5, and no writer
at 0), the total appends/s, the longest wait for one write, the CPU-seconds of the
writers and the load average.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import load, verdict
from storage import entries, new_production

from showclear.service.ledger import append_entries
from showclear.store import open_store

SECONDS = 2.0

#: The slowest writer makes at least half the appends of the busiest.
FAIR_RATIO = 0.5


def _writer(url: str, slug: str, seconds: float, *, ready: Any, go: Any, results: Any) -> None:
    """One process: one-entry appends to its own production until time is up."""
    store = open_store(url)
    signer = new_production(store, slug)
    ready.wait()
    go.wait()
    cpu0 = time.process_time()
    count, longest, start = 0, 0.0, time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        with store.write(slug) as session:
            append_entries(session, signer, entries(count, 1))
        longest = max(longest, time.perf_counter() - now)
        count += 1
    store.close()
    results.put((count, longest, time.process_time() - cpu0))


def run(path: Path, writers: int, seconds: float) -> tuple[list[int], float, float]:
    """(appends of each writer, longest single write in s, writers' CPU-seconds)."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Barrier(writers + 1), ctx.Event(), ctx.Queue()
    tag = f"w{writers}-{time.monotonic_ns()}"
    processes = [
        ctx.Process(
            target=_writer,
            args=(str(path), f"{tag}-{i}", seconds),
            kwargs={"ready": ready, "go": go, "results": results},
        )
        for i in range(writers)
    ]
    for p in processes:
        p.start()
    ready.wait()
    go.set()
    done = [results.get() for _ in processes]
    for p in processes:
        p.join()
    return [d[0] for d in done], max(d[1] for d in done), sum(d[2] for d in done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2 and 4 writers, one run")
    parser.add_argument("--runs", type=int, help="runs per writer count (median ratio)")
    args = parser.parse_args()
    counts = (2, 4) if args.quick else (2, 4, 8)
    runs = args.runs or (1 if args.quick else 3)
    folder = Path(tempfile.mkdtemp(prefix="showclear-writers-"))
    print(f"writer processes on one SQLite file (WAL, synchronous=FULL), {SECONDS:g} s per run")
    print(f"{load()}\n")
    print(
        f"{'writers':>8}{'slowest':>9}{'busiest':>9}{'min/max':>9}{'total/s':>9}"
        f"{'longest':>10}{'CPU-s':>8}  verdict (min/max >= {FAIR_RATIO}, nobody at 0)"
    )
    try:
        for writers in counts:
            ratios: list[float] = []
            for n in range(runs):
                counts_, longest, cpu = run(folder / f"shared-{writers}-{n}.db", writers, SECONDS)
                ratio = min(counts_) / max(*counts_, 1)
                ratios.append(ratio)
                print(
                    f"{writers:>8}{min(counts_):>9}{max(counts_):>9}{ratio:>9.2f}"
                    f"{sum(counts_) / SECONDS:>9.0f}{longest * 1000:>8.0f}ms{cpu:>8.2f}  "
                    f"{verdict(ratio >= FAIR_RATIO and min(counts_) > 0)}"
                )
            if runs > 1:
                median = statistics.median(ratios)
                print(f"{'':>8}median min/max {median:.2f}  {verdict(median >= FAIR_RATIO)}")
        print(f"\n{load()}")
    finally:
        for item in folder.iterdir():
            item.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
