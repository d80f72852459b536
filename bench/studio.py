"""The studio view over 200 productions, and sync throughput from a set to the studio.

Prints figures and verdicts; it is not a test.

    python bench/studio.py                # 200 productions, 100 samples; sync of 100,000 entries
    python bench/studio.py --quick        # 200 productions, 30 samples; sync of 10,000 entries
    python bench/studio.py --postgres     # the studio on a PostgreSQL cluster of its own
    python bench/studio.py --db postgresql://...   # your PostgreSQL (a fresh database)

The studio's productions are built fast: one production replays the demo day up to its
safety meeting through the service (every rule decides), and the other productions get
the same decided entries appended directly (``App.append_unchecked``), then a grant to
the ``safety-office`` account (and ``insurer`` on every other one); one in ten is also in
trouble (a weapon out, an open incident and an unanswered stop-work concern) and two
carry a refused fork. Then, on a real server on loopback (uvicorn in this process):

- ``GET /studio`` (the page, signed in with the account's cookie) and
  ``GET /api/studio/productions`` (its Bearer token): p50 and p95 over the samples
  (target: page p50 < 200 ms, issue 18), with the process's CPU-seconds and the load;
- sync: a set database (SQLite) with one production of N entries (a checkpoint every 100)
  syncs to a mirror on the studio server over loopback HTTP (``service.sync``): entries/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from _common import Clock, load, revolver, verdict

from showclear.demo import western_day
from showclear.server import create_server
from showclear.service import TRUSTED, App, FixedClock, MemoryKeyring, build_app
from showclear.service.studio import add_account, cookie_for, studio_view

PRODUCTIONS = 200
#: The page's p50 target (issue 18): under 200 ms for 200 productions.
PAGE_TARGET_MS = 200.0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class _Server:
    """uvicorn serving the API and pages on a free loopback port, in a thread."""

    def __init__(self, asgi: Any) -> None:
        config = uvicorn.Config(asgi, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise SystemExit("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _decided(app: App, slug: str, start: int) -> list[dict[str, Any]]:
    size = app.production(slug).size
    _, rows = app.entries(slug, start, size - start)
    return [row.event() for row in rows]


def build_studio(app: App, count: int) -> None:
    """``count`` productions with grants, one in ten in trouble, two with a refused fork."""
    today = app.clock.now().date()
    template = app.init_production("Template").slug
    for step in western_day(today).steps:
        event = {key: value for key, value in step.event.items() if key != "at"}
        outcome = app.submit(template, event, TRUSTED)
        assert not outcome.refused, (event["type"], outcome.rule_ids)
        if event["type"] == "SafetyMeetingHeld":
            break
    day = _decided(app, template, 1)
    seeded = app.production(template).size
    for event in (
        {"type": "WeaponTakenOut", "actor": "maria", "weapon": "colt-1", "setup": "12B"},
        {
            "type": "IncidentReported",
            "actor": "ruth",
            "kind": "misfire",
            "description": "colt-1 misfired on take 3",
        },
        {
            "type": "ConcernRaised",
            "actor": "jack",
            "text": "the cart was left alone",
            "anonymous": False,
            "stop_work": True,
        },
    ):
        assert not app.submit(template, event, TRUSTED).refused
    trouble = _decided(app, template, seeded)
    at = day[-1]["at"]
    granted = {"type": "StudioAccessGranted", "at": at, "actor": "paul"}
    app.append_unchecked(
        template, [{**granted, "account": "safety-office", "role": "safety-office"}]
    )
    for n in range(count - 1):
        slug = app.init_production(f"Production {n:03d}").slug
        grants: list[dict[str, Any]] = [
            {**granted, "account": "safety-office", "role": "safety-office"}
        ]
        if n % 2:
            grants.append({**grants[0], "account": "insurer", "role": "insurer"})
        extra = [
            {
                "type": "WeaponReceived",
                "at": at,
                "actor": "maria",
                **revolver(f"rev-{k}", storage="safe"),
            }
            for k in range(4)
        ]
        app.append_unchecked(slug, [*day, *extra, *grants, *(trouble if n % 10 == 0 else [])])
        if n in (7, 150):
            with app.store.write(slug) as session:
                session.add_mirror_fork(_fork())
        if n % 50 == 0:
            _say(f"  {n + 2} productions")


def _fork() -> Any:
    from showclear.store.base import MirrorForkRow

    return MirrorForkRow("2026-11-25T09:00:00Z", "held", "offered", "benchmark fork")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def measure_view(app: App, samples: int) -> list[str]:
    """The page and the API over a real server: p50 and p95 in ms, with verdicts."""
    token = add_account(app, "safety-office").token
    _, cookie, _ = cookie_for(app, token)
    rows = len(studio_view(app, "safety-office").rows)
    lines = []
    clock = Clock().start()
    service = []
    for _ in range(samples):
        started = time.perf_counter()
        studio_view(app, "safety-office")
        service.append((time.perf_counter() - started) * 1000)
    clock.stop()
    p50, p95 = _percentiles(service)
    lines.append(
        f"studio_view() in-process, {rows} rows: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"({clock}; {load()})"
    )
    with (
        _Server(create_server(app, secure_cookies=False)) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        for what, path, headers, cookies in (
            ("GET /studio (page)", "/studio", {}, {"showclear_studio": cookie}),
            (
                "GET /api/studio/productions",
                "/api/studio/productions",
                {"Authorization": f"Bearer {token}"},
                {},
            ),
        ):
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies.set(name, value, path="/studio")
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
            times = []
            clock = Clock().start()
            for _ in range(samples):
                started = time.perf_counter()
                answer = client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
            clock.stop()
            p50, p95 = _percentiles(times)
            lines.append(
                f"{what}, {rows} productions, {len(answer.content):,} bytes: p50 {p50:.1f} ms, "
                f"p95 {p95:.1f} ms, target p50 < {PAGE_TARGET_MS:.0f} ms: "
                f"{verdict(p50 < PAGE_TARGET_MS)} ({clock}, server in this process; {load()})"
            )
    return lines


def measure_sync(studio: App, directory: Path, entries: int, batch: int) -> str:
    """Entries/s from a set (SQLite) to the studio's mirror over loopback HTTP."""
    try:
        from showclear.service.mirrors import add_mirror
        from showclear.service.sync import SyncTarget, sync
    except ImportError:
        return "sync: not measured: sync not built"
    set_app = build_app(str(directory / "set.db"), keyring=MemoryKeyring())
    try:
        info = set_app.init_production("On Location")
        now = set_app.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        done = 1
        while done < entries:
            chunk = min(100, entries - done)
            set_app.append_unchecked(
                info.slug,
                [
                    {
                        "type": "StorageAdded",
                        "at": now,
                        "actor": None,
                        "storage": f"s-{done + k}",
                        "name": "crate",
                        "lockable": True,
                    }
                    for k in range(chunk)
                ],
            )
            done += chunk
        added = add_mirror(
            studio,
            info.slug,
            name=info.name,
            origin=info.origin,
            verifier_key=info.verifier_key,
            source="set",
        )
        with _Server(create_server(studio, secure_cookies=False)) as url:
            clock = Clock().start()
            result = sync(set_app, info.slug, SyncTarget(url, added.token), batch=batch)
            clock.stop()
        rate = result.sent / clock.wall if clock.wall else 0.0
        return (
            f"sync set -> studio over loopback: {result.sent:,} entries in {result.batches} "
            f"batches, {rate:,.0f} entries/s ({clock}, studio server in this process; {load()})"
        )
    finally:
        set_app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 samples, sync 10,000 entries")
    parser.add_argument("--productions", type=int, default=PRODUCTIONS)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--sync-entries", type=int, default=None)
    parser.add_argument("--batch", type=int, default=1000, help="sync batch, in entries")
    parser.add_argument("--db", help="the studio's database (default: SQLite in a temp dir)")
    parser.add_argument(
        "--postgres", action="store_true", help="the studio on a PostgreSQL cluster of its own"
    )
    args = parser.parse_args()
    cluster = None
    if args.postgres and not args.db:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from postgres import Cluster  # the tests' throw-away server

        cluster = Cluster.start_new()
        args.db = cluster.url()
    try:
        run(args)
    finally:
        if cluster is not None:
            cluster.remove()


def run(args: argparse.Namespace) -> None:
    """Build the studio, then measure the view and the sync."""
    samples = args.samples or (30 if args.quick else 100)
    sync_entries = args.sync_entries or (10_000 if args.quick else 100_000)
    with tempfile.TemporaryDirectory(prefix="showclear-studio-") as tmp:
        directory = Path(tmp)
        clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
        studio = build_app(
            args.db or str(directory / "studio.db"), keyring=MemoryKeyring(), clock=clock
        )
        studio.sign_in_limiter.limit = 10**9
        try:
            _say(f"building {args.productions} productions on {studio.store.url[:30]} ({load()})")
            built = Clock().start()
            build_studio(studio, args.productions)
            built.stop()
            print(f"built {args.productions} productions: {built}")
            for line in measure_view(studio, samples):
                print(line, flush=True)
            _say(f"syncing {sync_entries:,} entries")
            print(measure_sync(studio, directory, sync_entries, args.batch), flush=True)
        finally:
            studio.close()


if __name__ == "__main__":
    main()
