"""Soak (issue 15): a real ``showclear serve`` under a steady mix for minutes; does it grow?

Prints one row every 30 s and a verdict per target at the end; it is not a test.

    python bench/soak.py               # 9 minutes
    python bench/soak.py --quick       # 2 minutes
    python bench/soak.py --minutes 20 --clients 6

A production on a SQLite file (an armorer, a first AD and crew, one weapon per client) is
made in this process with cheap PIN hashes; ``showclear serve`` then runs as a subprocess on
a free loopback port, and each client signs in for an API token as a device would. Each
client thread loops: read the board (``GET /board``) and its weapon's page
(``GET /weapons/{w}/history``, its p50 shown as "page"), pause 0.1 s, and every 5 s raise a concern
(``POST /concerns``); the armorer adds a storage place (``POST /storage``) every 5 s and the
safety coordinator answers the open concerns every 2 s (``--unanswered``: nobody does, and
they pile up, as in the first soak). Refused requests (429) are counted, not timed.

Every 30 s: write latency p50/p99 and board latency p50/p99 over that interval, the
server's open files (``/proc/<pid>/fd``), its RSS and threads, its CPU-seconds and the load.
Targets at the end: open files flat (last <= first + 5), and the last interval's write p50
and board p50 at most 1.5x the first interval's, with the ledger's size beside them (it
grows with every write, so the board has more open concerns to list).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import cpu_of, load, revolver, verdict, wait_until

from showclear.service import TRUSTED, build_app
from showclear.service.auth import Argon2idHasher

SLUG = "soak"
#: argon2id at its cheapest: these PINs guard nothing, signing in is not what is measured.
CHEAP = Argon2idHasher(time_cost=1, memory_cost=8, parallelism=1)
PIN = "1357"
INTERVAL = 30.0
CONCERN_EVERY = 5.0
FILES_SLACK, GROWTH = 5, 1.5


def build(db: str, keys: Path, clients: int) -> None:
    """The production: armorer ``ava``, first AD ``dan``, crew ``c-i`` and weapons ``w-i``."""
    keys.mkdir(parents=True, exist_ok=True)
    app = build_app(db, key_dir=keys, hasher=CHEAP)
    try:
        slug = app.init_production("Soak", slug=SLUG).slug

        def add(event_type: str, actor: str | None, **fields: object) -> None:
            outcome = app.submit(slug, {"type": event_type, "actor": actor, **fields}, TRUSTED)
            if outcome.refused:
                raise SystemExit(f"building: {event_type} refused {outcome.rule_ids}")

        permit = [{"kind": "armorer", "number": "A-1", "expires": "2099-01-01"}]
        add("PersonRegistered", None, person="ava", name="Ava", roles=["armorer"], permits=permit)
        crew = [f"c-{i}" for i in range(clients)]
        add("PersonRegistered", "ava", person="sam", name="Sam", roles=["safety_coordinator"])
        for person in crew:
            add("PersonRegistered", "ava", person=person, name=person, roles=["crew"])
        add("StorageAdded", "ava", storage="safe", name="Safe", lockable=True)
        for i in range(clients):
            add("WeaponReceived", "ava", **revolver(f"w-{i}"))
        for person in ["ava", "sam", *crew]:
            app.set_pin(slug, person, PIN)
    finally:
        app.close()


@dataclass
class Interval:
    """What the clients saw since the last row."""

    writes: list[float] = field(default_factory=list)
    boards: list[float] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)  # weapon pages
    errors: list[str] = field(default_factory=list)


class Load:
    """The client threads; :meth:`take` hands over the samples so far and starts afresh."""

    def __init__(self, url: str, clients: int, *, answer: bool) -> None:
        self.url, self.clients = url, clients
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._now = Interval()
        self.threads = [
            threading.Thread(target=self._crew, args=(i,), daemon=True) for i in range(clients)
        ]
        self.threads.append(threading.Thread(target=self._armorer, daemon=True))
        if answer:
            self.threads.append(threading.Thread(target=self._coordinator, daemon=True))

    def take(self) -> Interval:
        with self._lock:
            taken, self._now = self._now, Interval()
        return taken

    def _note(self, kind: str, seconds: float, response: httpx.Response) -> None:
        with self._lock:
            if response.status_code >= 300:
                # A refused request (429 above all) is not a latency of the work measured.
                self._now.errors.append(f"{response.status_code} {response.text[:160]}")
                return
            {"write": self._now.writes, "board": self._now.boards, "read": self._now.reads}[
                kind
            ].append(seconds)

    def _token(self, http: httpx.Client, person: str) -> dict[str, str]:
        r = http.post(
            f"/productions/{SLUG}/tokens", json={"person": person, "pin": PIN, "label": "soak"}
        )
        if r.status_code != 201:
            raise SystemExit(f"{person} could not sign in: {r.status_code} {r.text}")
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def _timed(self, kind: str, http: httpx.Client, method: str, path: str, **kw: object) -> None:
        started = time.perf_counter()
        try:
            r = http.request(method, f"/productions/{SLUG}{path}", **kw)  # type: ignore[arg-type]
        except httpx.TransportError as e:
            with self._lock:
                self._now.errors.append(f"{path}: {e!r}")
            return
        self._note(kind, time.perf_counter() - started, r)

    def _crew(self, i: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            auth = self._token(http, f"c-{i}")
            n, next_concern = 0, time.monotonic() + i  # staggered
            while not self.stop.is_set():
                if time.monotonic() >= next_concern:
                    # One concern per person every CONCERN_EVERY s: sam answers them all
                    # within a person's commands per minute (limits).
                    n += 1
                    next_concern += CONCERN_EVERY
                    concern = {"text": f"soak {i}.{n}", "anonymous": False, "stop_work": False}
                    self._timed("write", http, "POST", "/concerns", json=concern, headers=auth)
                self._timed("board", http, "GET", "/board", headers=auth)
                self._timed("read", http, "GET", f"/weapons/w-{i}/history", headers=auth)
                self.stop.wait(0.1)

    def _armorer(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            auth = self._token(http, "ava")
            n = 0
            # Every 5 s: well under a person's commands per minute (limits).
            while not self.stop.wait(5.0):
                n += 1
                place = {"storage": f"s-{n}", "name": f"Cabinet {n}", "lockable": True}
                self._timed("write", http, "POST", "/storage", json=place, headers=auth)

    def _coordinator(self) -> None:
        """Sam answers every open concern the board lists, every 2 s, as a set would."""
        with httpx.Client(base_url=self.url, timeout=60) as http:
            auth = self._token(http, "sam")
            while not self.stop.wait(2.0):
                board = http.get(f"/productions/{SLUG}/board", headers=auth)
                for concern in board.json().get("open_concerns", [])[:50]:
                    path = f"/concerns/{concern['concern']}/answer"
                    body = {"answer": "Checked with the armorer; carry on."}
                    self._timed("write", http, "POST", path, json=body, headers=auth)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _process(pid: int) -> tuple[int, float, int]:
    """The server's open files, RSS (MB) and threads, from ``/proc``."""
    files = len(os.listdir(f"/proc/{pid}/fd"))
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return files, int(status["VmRSS"].split()[0]) / 1024, int(status["Threads"])


def _size(db: str) -> int:
    app = build_app(db, key_dir=Path(db).parent / "keys")
    try:
        return app.entries(SLUG, 0, 1)[0]
    finally:
        app.close()


@dataclass
class Row:
    elapsed: float
    w50: float
    w99: float
    b50: float
    b99: float
    files: int
    size: int

    @staticmethod
    def header() -> str:
        return (
            "  elapsed | writes  p50    p99 | boards  p50    p99 | page p50 | files  RSS MB threads"
            " | server CPU-s | entries | load"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=9.0, help="how long (default 9)")
    parser.add_argument("--quick", action="store_true", help="2 minutes")
    parser.add_argument("--clients", type=int, default=4, help="crew client threads (default 4)")
    parser.add_argument(
        "--unanswered",
        action="store_true",
        help="nobody answers the concerns: they pile up open (the first soak of issue 15)",
    )
    parser.add_argument("--start-timeout", type=float, default=600.0)
    args = parser.parse_args()
    minutes = 2.0 if args.quick else args.minutes
    print(
        f"showclear soak: {minutes:g} min, {args.clients} crew clients (board, weapon page,"
        f" 0.1 s pause; a concern every 5 s), the armorer adding storage every 5 s"
        f"{'' if args.unanswered else ', the coordinator answering concerns every 2 s'}; {load()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        db, keys = os.path.join(tmp, "soak.db"), Path(tmp) / "keys"
        build(db, keys, args.clients)
        port = _port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
        env |= {"SHOWCLEAR_KEY_DIR": str(keys)}
        log = open(os.path.join(tmp, "serve.log"), "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [
                *(sys.executable, "-c", "from showclear.cli import main; main()"),
                *("serve", "--db", db, "--port", str(port)),
            ],
            env=env,
            stdout=log,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            waited = wait_until(
                lambda: _answers(url),
                what=f"showclear serve on port {port}",
                timeout=args.start_timeout,
                alive=lambda: server.poll() is None,
            )
            print(f"  (server pid {server.pid} ready after {waited:.1f} s)", flush=True)
            rows = _soak(
                url,
                server.pid,
                db,
                Load(url, args.clients, answer=not args.unanswered),
                minutes * 60,
            )
        except BaseException:
            log.flush()
            print(Path(tmp, "serve.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(30)
            log.close()
    _verdicts(rows)


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/openapi.json", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _soak(url: str, pid: int, db: str, work: Load, seconds: float) -> list[Row]:
    for t in work.threads:
        t.start()
    began = time.monotonic()
    rows: list[Row] = []
    print(Row.header(), flush=True)
    try:
        while (elapsed := time.monotonic() - began) < seconds - 1:
            time.sleep(min(INTERVAL, seconds - elapsed))
            got = work.take()
            files, rss, threads = _process(pid)
            row = Row(
                time.monotonic() - began,
                _pct(got.writes, 0.5),
                _pct(got.writes, 0.99),
                _pct(got.boards, 0.5),
                _pct(got.boards, 0.99),
                files,
                _size(db),
            )
            rows.append(row)
            print(
                f"  {row.elapsed:5.0f} s | {len(got.writes):6d} {row.w50:5.1f} {row.w99:6.1f}"
                f" | {len(got.boards):6d} {row.b50:5.1f} {row.b99:6.1f}"
                f" | {_pct(got.reads, 0.5):8.1f}"
                f" | {files:5d} {rss:7.1f} {threads:7d} | {cpu_of(pid):12.1f}"
                f" | {row.size:7d} | {load()}",
                flush=True,
            )
            if got.errors:
                print(f"    {len(got.errors)} errors, e.g. {got.errors[0]}", flush=True)
    finally:
        work.stop.set()
        for t in work.threads:
            t.join(60)
    return rows


def _verdicts(rows: list[Row]) -> None:
    if len(rows) < 2:
        raise SystemExit("fewer than two intervals: run for at least a minute")
    first, last = rows[0], rows[-1]
    print(
        f"open files: {first.files} -> {last.files} (target <= first + {FILES_SLACK}):"
        f" {verdict(last.files <= first.files + FILES_SLACK)}"
    )
    for name, a, b in (("write p50", first.w50, last.w50), ("board p50", first.b50, last.b50)):
        print(
            f"{name}: {a:.1f} -> {b:.1f} ms ({b / a:.2f}x, target <= {GROWTH}x) at"
            f" {first.size} -> {last.size} entries: {verdict(b <= GROWTH * a)}"
        )
    print(f"({load()})")


if __name__ == "__main__":
    main()
