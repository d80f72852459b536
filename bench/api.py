"""API benchmark: a show-clear + handover cycle beside a trivial authenticated read.

Prints figures; it is not a test and asserts nothing.

    python bench/api.py            # 1, 8 and 32 clients, 6 s per measurement
    python bench/api.py --quick    # 2 s per measurement (about two minutes)
    python bench/api.py --start-timeout 900   # a very busy machine: wait longer for the server

A real uvicorn server (``showclear.api.create_api`` over a SQLite file,
``synchronous=FULL``) runs in a child process on a free loopback port. N client
threads, each with its own keep-alive connection and bearer token, then either

- **read**: ``GET /productions/{slug}/me`` in a loop: the token is looked up and its
  person checked against the production (the cheapest signed-in request), or
- **cycle**: for its own weapon and performer, in a loop: the armorer's show-clear
  inspection confirmed with the performer's PIN, the handover confirmed with the
  performer's PIN, and the handover back confirmed with the armorer's PIN (so the
  cycle can repeat). Three commands, each deciding the rules and appending an entry;
  the commands queued at once are recorded by the production's group commit under one
  signed checkpoint and one fsync (``showclear.service.group``): the ``per ckpt``
  column says how many commands each checkpoint covered.

Every command confirms a person with their PIN: argon2id checks it the first time, then
the confirmation window accepts it from memory (``service/auth.py``), as on a set.
The figures are shown twice: with the service's own hasher
(``showclear.service.app.DEFAULT_PIN_HASHER``, imported, so the benchmark hashes as
the product does), and with cheap parameters (t=1, m=1 MiB, p=1) that show what the
rest of the request costs. The targets of issues 5 and 17: a command costs at most 3x
the read at N=32, p99 under 50 ms; the N=32 row says ``ok`` or ``MISSED``.

The server is ready when it answers ``GET /openapi.json``: it is polled (backing off to
once a second) for up to ``--start-timeout`` seconds (default 600), and the run stops
with a message at once if the server process dies. Each row gives the server's and the
clients' CPU-seconds beside the wall time, and the load average.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import cpu_of, load, revolver, verdict, wait_until

from showclear.limits import command_rate
from showclear.service import TRUSTED, App, FileKeyring, build_app
from showclear.service.app import DEFAULT_PIN_HASHER
from showclear.service.auth import Argon2idHasher, PinHasher
from showclear.store import open_store

SLUG = "bench"
ARMORER, ARMORER_PIN, PERFORMER_PIN = "ava", "1357", "2468"
CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
TARGET_RATIO, TARGET_P99_MS, TARGET_CLIENTS = 3.0, 50.0, 32


def _hasher(params: dict[str, int] | None) -> PinHasher:
    # Hashes carry their own parameters, so the PINs are set with the same hasher.
    return Argon2idHasher(**params) if params else DEFAULT_PIN_HASHER


def _describe(hasher: PinHasher) -> str:
    """The service hasher's parameters, read from the object itself (never copied here)."""
    if isinstance(hasher, Argon2idHasher):
        return f"t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, p={hasher.parallelism}"
    return repr(hasher)


# -- the production ------------------------------------------------------------------


def build(db: str, keys: Path, clients: int, hasher: PinHasher) -> dict[str, str]:
    """A production with one weapon and performer per client; returns tokens by person."""
    app = build_app(db, keyring=FileKeyring(keys), hasher=hasher)
    try:
        slug = app.init_production("Bench", slug=SLUG).slug
        performers = [f"perf-{i}" for i in range(clients)]
        weapons = [f"w-{i}" for i in range(clients)]

        def add(event_type: str, actor: str | None, **fields: object) -> None:
            event = {"type": event_type, "actor": actor, **fields}
            outcome = app.submit(slug, event, TRUSTED)
            assert not outcome.refused, (event_type, outcome.rule_ids)

        permit = [{"kind": "armorer", "number": "A-1", "expires": "2099-01-01"}]
        add("PersonRegistered", None, person=ARMORER, name="Ava", roles=["armorer"], permits=permit)
        add("PersonRegistered", ARMORER, person="dan", name="Dan", roles=["first_ad"])
        for p in performers:
            add(
                "PersonRegistered",
                ARMORER,
                person=p,
                name=p,
                roles=["performer"],
                trainings=["revolver"],
            )
        add("StorageAdded", ARMORER, storage="safe", name="Safe", lockable=True)
        for w in weapons:
            add("WeaponReceived", ARMORER, **revolver(w))
        sheet = [
            {"person": ARMORER, "duties": ["handler"]},
            {"person": "dan", "duties": ["first_ad"]},
        ]
        sheet += [{"person": p, "duties": ["performer"]} for p in performers]
        add("DayOpened", "dan", date=time.strftime("%Y-%m-%d", time.gmtime()), call_sheet=sheet)
        add(
            "SetupPlanned",
            "dan",
            setup="s1",
            scene="1",
            kind="take",
            weapons=[
                {"weapon": w, "performer": p, "load": "empty"}
                for w, p in zip(weapons, performers, strict=True)
            ],
            direction="north",
            people_near=[],
        )
        add(
            "SafetyMeetingHeld",
            "dan",
            setups=["s1"],
            attendees=[{"person": p, "confirmed": True} for p in [ARMORER, "dan", *performers]],
        )
        for w in weapons:
            add("WeaponTakenOut", ARMORER, weapon=w, setup="s1")
        tokens = {}
        for person in [ARMORER, *performers]:
            pin = ARMORER_PIN if person == ARMORER else PERFORMER_PIN
            app.set_pin(slug, person, pin)
            tokens[person] = app.create_token(slug, person, pin, label="bench", ttl=None).secret
        return tokens
    finally:
        app.close()


def _serve(db: str, keys: str, port: int, argon2: dict[str, int] | None) -> None:
    import uvicorn

    from showclear.api import create_api

    app: App = build_app(db, keyring=FileKeyring(Path(keys)), hasher=_hasher(argon2))
    # One armorer drives every client's cycle: far more than a person's commands per
    # minute (limits.COMMANDS_PER_MINUTE, a guard against a runaway tablet). Lifted here,
    # or the 32-client row measures 429 answers.
    command_rate(app).per_minute = sys.maxsize
    uvicorn.run(create_api(app), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- measuring -----------------------------------------------------------------------


@dataclass
class Samples:
    requests: list[float] = field(default_factory=list)  # seconds each
    cycles: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(
    url: str, clients: int, seconds: float, work: Callable[[httpx.Client, int, Samples], None]
) -> Samples:
    """Run ``work`` in ``clients`` threads until ``seconds`` have passed; merge their samples."""
    start = threading.Barrier(clients + 1)
    stop = threading.Event()
    per_thread = [Samples() for _ in range(clients)]

    def client(i: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            work(http, i, Samples())  # warm-up: connection, caches
            start.wait()
            while not stop.is_set():
                work(http, i, per_thread[i])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    merged = Samples(seconds=time.perf_counter() - began)
    for s in per_thread:
        merged.requests += s.requests
        merged.cycles += s.cycles
        merged.errors += s.errors
    return merged


def read_work(tokens: dict[str, str]) -> Callable[[httpx.Client, int, Samples], None]:
    def work(http: httpx.Client, i: int, out: Samples) -> None:
        headers = {"Authorization": f"Bearer {tokens[f'perf-{i}']}"}
        t0 = time.perf_counter()
        r = http.get(f"/productions/{SLUG}/me", headers=headers)
        out.requests.append(time.perf_counter() - t0)
        if r.status_code != 200:
            out.errors.append(r.text)

    return work


def cycle_work(tokens: dict[str, str]) -> Callable[[httpx.Client, int, Samples], None]:
    inspection = {"chambers": ["empty"] * 6, "barrel_clear": True, "performer_pin": PERFORMER_PIN}

    def work(http: httpx.Client, i: int, out: Samples) -> None:
        performer, weapon = f"perf-{i}", f"/productions/{SLUG}/weapons/w-{i}"
        armorer = {"Authorization": f"Bearer {tokens[ARMORER]}"}
        steps = [
            (armorer, "/inspect", {**inspection, "performer": performer}),
            (armorer, "/hand-over", {"receiver": performer, "receiver_pin": PERFORMER_PIN}),
            (
                {"Authorization": f"Bearer {tokens[performer]}"},
                "/hand-over",
                {"receiver": ARMORER, "receiver_pin": ARMORER_PIN},
            ),
        ]
        began = time.perf_counter()
        for headers, action, body in steps:
            t0 = time.perf_counter()
            r = http.post(weapon + action, json=body, headers=headers)
            out.requests.append(time.perf_counter() - t0)
            if r.status_code != 200:
                out.errors.append(f"{action}: {r.status_code} {r.text[:200]}")
                return
        out.cycles.append(time.perf_counter() - began)

    return work


def _ledger(db: str) -> tuple[int, int]:
    """The production's entries and signed checkpoints, read through the store."""
    store = open_store(db, create=False)
    try:
        with store.read(SLUG) as session:
            return session.size(), sum(1 for _ in session.checkpoints())
    finally:
        store.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/openapi.json", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def measure(
    argon2: dict[str, int] | None, seconds: float, counts: list[int], start_timeout: float
) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db, keys = os.path.join(tmp, "bench.db"), Path(tmp) / "keys"
        tokens = build(db, keys, max(counts), _hasher(argon2))
        port = _free_port()
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(db, str(keys), port, argon2), daemon=True
        )
        server.start()
        url = f"http://127.0.0.1:{port}"
        try:
            waited = wait_until(
                lambda: _answers(url),
                what=f"the API server on port {port}",
                timeout=start_timeout,
                alive=server.is_alive,
            )
            print(f"    (server ready after {waited:.1f} s)", flush=True)
            for n in counts:
                pid = server.pid
                assert pid is not None
                before = cpu_of(pid), time.process_time()
                read = run(url, n, seconds, read_work(tokens))
                entries, signed = _ledger(db)
                cycle = run(url, n, seconds, cycle_work(tokens))
                cpu = cpu_of(pid) - before[0], time.process_time() - before[1]
                grown = _ledger(db)
                per = (grown[0] - entries) / max(1, grown[1] - signed)
                for name, s in (("read", read), ("cycle", cycle)):
                    if s.errors:
                        print(f"  {name} N={n}: {len(s.errors)} errors, e.g. {s.errors[0]}")
                rows.append(_row(n, read, cycle, cpu, per))
        finally:
            server.terminate()
            server.join(10)
    return rows


def _row(n: int, read: Samples, cycle: Samples, cpu: tuple[float, float], per: float) -> str:
    reads, cmds = len(read.requests) / read.seconds, len(cycle.requests) / cycle.seconds
    r50, r99 = _pct(read.requests, 0.5), _pct(read.requests, 0.99)
    c50, c99 = _pct(cycle.requests, 0.5), _pct(cycle.requests, 0.99)
    y50, y99 = _pct(cycle.cycles, 0.5), _pct(cycle.cycles, 0.99)
    cycles = len(cycle.cycles) / cycle.seconds
    wall = read.seconds + cycle.seconds
    judged = ""
    if n == TARGET_CLIENTS:
        judged = verdict(c50 / r50 <= TARGET_RATIO and c99 < TARGET_P99_MS)
    return (
        f"{n:>3} | {reads:8.0f} {r50:7.1f} {r99:7.1f} | {cmds:8.0f} {c50:7.1f} {c99:7.1f}"
        f" | {cycles:7.1f} {y50:7.1f} {y99:7.1f}"
        f" | {c50 / r50:6.1f}x {c99 / r99:6.1f}x {reads / cmds:6.1f}x {per:8.1f}"
        f" | {wall:5.1f} {cpu[0]:6.1f} {cpu[1]:6.1f} | {os.getloadavg()[0]:4.1f} {judged}"
    )


HEADER = (
    "  N |   read/s     p50     p99 |  cmds/s     p50     p99 | cycles/s    p50     p99"
    " | cmd/read  p50    p99   rate per ckpt |  wall server client | load verdict\n"
    "    |          (ms)    (ms)    |          (ms)    (ms)    |           (ms)    (ms) |"
    "  (latency p50, p99; reads/s per cmd/s; cmds) |  (s)  (CPU-s) (CPU-s) |"
    f" (N={TARGET_CLIENTS}: cmd/read p50 <= {TARGET_RATIO:.0f}x"
    f" and cmd p99 < {TARGET_P99_MS:.0f} ms)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s per measurement")
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=600.0,
        help="seconds to wait for the server to answer (default 600)",
    )
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 6.0
    counts = [1, 8, 32]
    print(
        f"showclear API benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{seconds:.0f} s per measurement; a cycle = inspect + hand-over + hand-back; {load()}"
    )
    for label, params in (
        (f"argon2 as the service hashes ({_describe(DEFAULT_PIN_HASHER)})", None),
        (f"argon2 cheap (t={CHEAP['time_cost']}, m=1 MiB, p=1): the rest of the cost", CHEAP),
    ):
        print(f"\n{label}\n{HEADER}")
        for row in measure(params, seconds, counts, args.start_timeout):
            print(row)
        # Other work on the machine inflates every figure: say how busy it was.
        print(f"    ({load()})")


if __name__ == "__main__":
    main()
