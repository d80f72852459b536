"""Crash safety: an appender killed at any moment loses nothing it reported and breaks nothing.

A child process appends in a loop and prints the ledger size after every
``append`` returns; the parent kills it with SIGKILL at random moments, restarts
it on the same database, and checks after every kill that the ledger verifies
and holds every entry the child saw committed, byte for byte.
"""

from __future__ import annotations

import inspect
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from showclear.ledger import canonical_json
from showclear.service import App, FileKeyring, build_app

pytestmark = pytest.mark.slow

ROUNDS = 5


def event(n: int) -> dict[str, object]:
    """The entry at index ``n``: anyone can recompute what the child appended there."""
    return {
        "type": "PersonRegistered",
        "at": f"2026-11-25T{8 + n // 3600 % 12:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
        "actor": None,
        "person": f"probe-{n}",
        "name": f"Probe {n} " + "x" * (n % 50),
        "roles": ["crew"],
    }


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from showclear.service import build_app

    {event}

    db, key_dir, slug = sys.argv[1:4]
    app = build_app(db, key_dir=Path(key_dir))
    n = app.production(slug).size
    print("ready", flush=True)
    while True:
        batch = 1 + n % 3
        result = app.append_unchecked(slug, [event(i) for i in range(n, n + batch)])
        if result.first_index != n:
            sys.exit(f"appended at {{result.first_index}}, expected {{n}}")
        n = result.size
        print(n, flush=True)
    """
).format(event=inspect.getsource(event))


def committed_sizes(stdout: str) -> list[int]:
    # Only whole lines: a kill can land between the digits and the newline of the last one.
    return [int(line) for line in stdout.split("\n")[:-1]]


def check_ledger(app: App, slug: str, reported: int, context: str) -> int:
    report = app.verify(slug)
    assert report.ok, f"{context}: {report.problem}"
    size = app.production(slug).size
    assert size >= reported, f"{context}: the ledger lost entries the child saw committed"
    with app.store.read(slug) as session:
        for row in session.entries(1):
            assert row.data == canonical_json(event(row.index)), f"{context}: entry {row.index}"
    return size


def test_an_appender_killed_at_random_moments_loses_no_committed_entry(tmp_path: Path) -> None:
    """After every SIGKILL the ledger verifies and holds every entry whose append returned."""
    db, key_dir = tmp_path / "showclear.db", tmp_path / "keys"
    script = tmp_path / "appender.py"
    script.write_text(CHILD, encoding="utf-8")
    app = build_app(str(db), keyring=FileKeyring(key_dir))
    try:
        slug = app.init_production("Crash Creek").slug
        seed = random.randrange(2**32)
        rng = random.Random(seed)
        reported = 0
        for round_no in range(1, ROUNDS + 1):
            child = subprocess.Popen(
                [sys.executable, str(script), str(db), str(key_dir), slug],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # Kill it while it appends, not while Python starts up.
            assert child.stdout is not None
            if child.stdout.readline() != "ready\n":
                pytest.fail(f"the child did not start: {child.communicate()[1]}")
            time.sleep(rng.uniform(0.2, 1.0))
            child.send_signal(signal.SIGKILL)
            out, err = child.communicate()
            context = f"round {round_no} (seed {seed})"
            assert child.returncode == -signal.SIGKILL, f"{context}: the child died first: {err}"
            reported = max([reported, *committed_sizes(out)])
            check_ledger(app, slug, reported, context)
        assert reported > ROUNDS, f"the child hardly appended in {ROUNDS} rounds (seed {seed})"
    finally:
        app.close()
