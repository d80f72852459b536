"""PostgreSQL round trips per append (issue 17 item 5): how often one command waits for
the server, BEGIN and COMMIT included, and what a command costs on loopback.

Prints figures and verdicts; it is not a test.

    python bench/pg_roundtrips.py --quick     # 50 commands on a PostgreSQL cluster of its own
    python bench/pg_roundtrips.py             # 500 commands
    python bench/pg_roundtrips.py --db postgresql://...   # your PostgreSQL (a fresh database)

Each command is ``App.submit`` of a new person (``TRUSTED``): one write transaction of
its own, through group commit, as a command from the API is. The round trips are
counted from libpq's protocol trace (``tests/pg/test_round_trips.py``): each turn from
what the client sent to what the server answered is one wait. Target: 1 to 2.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import Clock, load, verdict

from showclear.service import TRUSTED, MemoryKeyring, build_app

#: Commands before measuring: psycopg prepares a statement at its fifth execution.
WARM_UP = 8


def person(n: int) -> dict[str, Any]:
    return {
        "type": "PersonRegistered",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew {n}",
        "roles": ["crew"],
    }


def run(url: str, commands: int) -> None:
    from tests.pg.test_round_trips import count_round_trips

    app = build_app(url, keyring=MemoryKeyring())
    try:
        slug = app.init_production("Dust Creek").slug
        for n in range(WARM_UP):
            app.submit(slug, person(n), TRUSTED)
        conn = app.store._conn  # type: ignore[attr-defined]
        trips = []
        for n in range(WARM_UP, WARM_UP + commands):
            trips.append(count_round_trips(conn, lambda n=n: app.submit(slug, person(n), TRUSTED)))
        times = []
        clock = Clock().start()
        for n in range(WARM_UP + commands, WARM_UP + 2 * commands):
            t0 = time.perf_counter()
            app.submit(slug, person(n), TRUSTED)
            times.append(time.perf_counter() - t0)
        clock.stop()
        worst = max(trips)
        print(
            f"round trips per command (BEGIN and COMMIT included), {commands} commands: "
            f"mean {statistics.fmean(trips):.2f}, max {worst} (target 1-2) {verdict(worst <= 2)}"
        )
        print(
            f"command p50 {statistics.median(times) * 1000:.2f} ms, "
            f"{commands / clock.wall:.0f} commands/s ({clock}; {load()})"
        )
        if not app.verify(slug).ok:
            raise SystemExit("the ledger written does not verify")
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 commands (else 500)")
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a cluster of its own)")
    args = parser.parse_args()
    commands = args.commands or (50 if args.quick else 500)
    cluster = None
    url = args.db
    if url is None:
        from postgres import Cluster  # the tests' throw-away server

        cluster = Cluster.start_new()
        url = cluster.url()
    try:
        run(url, commands)
    finally:
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
