"""Witness benchmark (issue 14): what asking 1, 2 and 5 witnesses costs a production.

Prints figures; it is not a test and asserts nothing.

    python bench/witness.py            # 1, 2 and 5 witnesses; 10 rounds of 60 commands
    python bench/witness.py --quick    # 4 rounds of 30 commands (about two minutes)

For each count N, a fresh production (SQLite, ``synchronous=FULL``, key files) lists N
witnesses, each a real ``showclear witness serve`` process on a free loopback port.

- **Commit latency, with and without witnesses.** Rounds of commands (``App.submit`` of
  a ``StorageAdded``: rules, append, signed checkpoint, commit) alternate between the
  submitter thread running (each commit wakes it; it sends the latest checkpoint to the
  N witnesses at most once a second each, verifies and stores their cosignatures) and not
  running (the commit without witnesses). Both see the same database and disk. Target:
  p50 with witnesses at most 1.10x p50 without (the command path is not slowed by more
  than 10%), and the same for the mean.
- **Catch-up.** After the last round, how long until every witness has cosigned the
  latest checkpoint.
- **Cosigning throughput.** One entry appended, then one round to every witness at once
  (``WitnessSubmitter.push``, the pacing set to zero): request with its consistency
  proof, the witness's check and fsync, the cosignature verified and stored. Reported as
  cosignatures per second and the round's p50 (no target: the production asks each
  witness at most once a second).

CPU seconds of this process (the production and its submitter thread) are shown beside
the wall time of the same rounds, and the load average before and after, since the
machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from showclear.protocol.time import format_time
from showclear.service import TRUSTED, App, FileKeyring, build_app
from showclear.service.witnessing import WitnessSubmitter, witness_status
from showclear.witness import add_log, init_witness

SLUG = "bench"
TARGET_RATIO = 1.10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _witness(directory: Path, port: int) -> Iterator[None]:
    """``showclear witness serve`` in a process of its own, until the block ends."""
    command = [sys.executable, "-c", "from showclear.cli import main; main()"]
    command += ["witness", "serve", "--dir", str(directory), "--port", str(port)]
    with (directory / "serve.log").open("w") as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"witness serve did not start ({directory}/serve.log)"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(10)


@dataclass
class Rounds:
    """Per-command latencies (seconds) and the CPU and wall time of the rounds."""

    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0
    wall: float = 0.0


def _command(app: App, n: int) -> float:
    event: dict[str, object] = {"type": "StorageAdded", "actor": "ava", "storage": f"s-{n}"}
    event |= {"name": "Cart", "lockable": True}
    started = time.perf_counter()
    receipt = app.submit(SLUG, event, TRUSTED)
    took = time.perf_counter() - started
    assert not receipt.refused, receipt.rule_ids
    return took


def _production(directory: Path, count: int) -> tuple[App, list[tuple[str, Path, int, str]]]:
    app = build_app(str(directory / "bench.db"), keyring=FileKeyring(directory / "keys"))
    key = app.init_production("Bench", slug=SLUG).verifier_key
    permit = [{"kind": "armorer", "number": "A-1", "expires": "2099-01-01"}]
    person = {"type": "PersonRegistered", "actor": None, "person": "ava", "name": "Ava"}
    app.submit(SLUG, {**person, "roles": ["armorer"], "permits": permit}, TRUSTED)
    witnesses = []
    for i in range(count):
        where = directory / f"witness-{i}"
        cosigner = init_witness(where, f"w{i}.bench.example/witness")
        add_log(where, key)
        witnesses.append((f"w{i}", where, _free_port(), cosigner.verifier_key))
    listed = [
        {"name": name, "url": f"http://127.0.0.1:{port}", "key": vkey}
        for name, _, port, vkey in witnesses
    ]
    change = {"witnesses": listed, "witness_quorum": count}
    at = format_time(app.clock.now())
    app.append_unchecked(
        SLUG, [{"type": "PolicyChanged", "at": at, "actor": None, "changes": change}]
    )
    return app, witnesses


def _rounds(app: App, submitter: WitnessSubmitter, rounds: int, per_round: int) -> list[Rounds]:
    """Alternate rounds with the submitter off and on; return (off, on)."""
    off, on = Rounds(), Rounds()
    n = 0
    for r in range(2 * rounds):
        running = r % 2 == 1
        into = on if running else off
        if running:
            app.commit_listeners.append(submitter.notify)
            submitter.start()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(per_round):
            into.latencies.append(_command(app, n))
            n += 1
        into.cpu += time.process_time() - cpu
        into.wall += time.perf_counter() - wall
        if running and r < 2 * rounds - 1:
            submitter.stop()
            app.commit_listeners.remove(submitter.notify)
    return [off, on]


def _caught_up(app: App) -> bool:
    return all(lag.behind_entries == 0 for lag in witness_status(app, SLUG).lags)


def _throughput(app: App, pushes: int) -> tuple[float, float, int]:
    """Cosignatures per second and the p50 of a round, the pacing set to zero."""
    fast = WitnessSubmitter(app, interval=0.0)
    took: list[float] = []
    cosigned = 0
    for n in range(pushes):
        _command(app, 1_000_000 + n)
        started = time.perf_counter()
        outcomes = fast.push(SLUG)
        took.append(time.perf_counter() - started)
        cosigned += sum(o.status == "cosigned" for o in outcomes)
    return cosigned / sum(took), statistics.median(took), cosigned


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(count: int, rounds: int, per_round: int, pushes: int) -> list[str]:
    """The table rows for ``count`` witnesses."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        app, witnesses = _production(Path(tmp), count)
        stack.callback(app.close)
        for _, where, port, _ in witnesses:
            stack.enter_context(_witness(where, port))
        submitter = WitnessSubmitter(app)
        stack.callback(submitter.stop)
        for n in range(20):  # warm-up: caches, the first cosignatures
            _command(app, -1 - n)
        off, on = _rounds(app, submitter, rounds, per_round)
        last = time.perf_counter()
        while not _caught_up(app):
            time.sleep(0.05)
        catch_up = time.perf_counter() - last
        submitter.stop()
        app.commit_listeners.clear()
        rate, push_p50, cosigned = _throughput(app, pushes)
    # The witnesses have exited and been waited for: their CPU is the children's now.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    p50_ratio = _p(on.latencies, 0.5) / _p(off.latencies, 0.5)
    mean_ratio = statistics.fmean(on.latencies) / statistics.fmean(off.latencies)
    rows = []
    for label, rounds_ in (("without witnesses", off), (f"with {count} witness(es)", on)):
        rows.append(
            f"| {count} | commit {label} | {_ms(_p(rounds_.latencies, 0.5))} | "
            f"{_ms(_p(rounds_.latencies, 0.99))} | {_ms(statistics.fmean(rounds_.latencies))} | "
            f"{rounds_.cpu:.2f} / {rounds_.wall:.2f} | |"
        )
    verdict = "ok" if p50_ratio <= TARGET_RATIO and mean_ratio <= TARGET_RATIO else "MISSED"
    rows.append(
        f"| {count} | ratio with/without | {p50_ratio:.3f} | | {mean_ratio:.3f} | | "
        f"{verdict} (≤ {TARGET_RATIO:.2f}) |"
    )
    rows.append(f"| {count} | all cosigned after the last commit | {catch_up:.2f} s | | | | |")
    rows.append(
        f"| {count} | cosigning, unpaced: {cosigned} cosignatures | round p50 "
        f"{_ms(push_p50)} | | {rate:.0f}/s | witnesses' CPU, whole run {spent:.2f} s | |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a few minutes)")
    parser.add_argument("--counts", default="1,2,5", help="witness counts, comma-separated")
    args = parser.parse_args()
    rounds, per_round, pushes = (4, 30, 20) if args.quick else (10, 60, 60)
    counts = [int(c) for c in args.counts.split(",")]
    load_before = os.getloadavg()
    print(
        "| N | what | p50 ms | p99 ms | mean ms (or rate) | CPU s / wall s | target |",
        "|---|---|---|---|---|---|---|",
        sep="\n",
        flush=True,
    )
    for count in counts:
        print(f"measuring {count} witness(es)...", file=sys.stderr, flush=True)
        for row in measure(count, rounds, per_round, pushes):
            print(row, flush=True)
    load_after = os.getloadavg()
    print(
        f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f} "
        f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
        f"{load_after[2]:.2f} ({os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
