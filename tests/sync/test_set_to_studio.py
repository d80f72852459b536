"""Issue 18, done when: a set server (SQLite) and a studio server (PostgreSQL) as processes.

The set plays the demo day and syncs; the studio is stopped mid-day (the network is cut)
and the set keeps recording; the studio comes back and the set's own server syncs it in
the background: the mirror has the set's size and root, and verifies. A forged entry and
a forked history (a copy of the set's database and key, recording something else) are
sent to the studio: both are refused, nothing is stored, and both show as forks.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from tests.serve_process import ServeProcess
from tests.sync.processes import run

if TYPE_CHECKING:
    from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow

SLUG = "dust-creek"


def _ok(done: Any) -> str:
    assert done.returncode == 0, f"exit {done.returncode}: {done.stdout}\n{done.stderr}"
    return str(done.stdout)


def _head(note: str) -> list[str]:
    """A checkpoint note's origin, size and root lines."""
    return note.splitlines()[:3]


@pytest.fixture
def studio_db(postgresql_server: PostgresServer) -> Iterator[str]:
    url = postgresql_server.fresh()
    yield url
    postgresql_server.drop(url)


def _entries(db: Path, start: int, end: int) -> list[bytes]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT data FROM entries WHERE production = ? AND idx >= ? AND idx < ? ORDER BY idx",
            (SLUG, start, end),
        ).fetchall()
    return [bytes(row[0]) for row in rows]


def _note(db: Path, size: int) -> str:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT note FROM checkpoints WHERE production = ? AND size = ?", (SLUG, size)
        ).fetchone()
    return str(row[0])


def _wait_for(studio: httpx.Client, token: str, size: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            held: dict[str, Any] = studio.get(
                f"/mirror/{SLUG}/state", headers={"Authorization": f"Bearer {token}"}
            ).json()
        except httpx.TransportError:
            held = {"size": None}
        if held["size"] == size:
            return held
        assert time.monotonic() < deadline, f"the studio holds {held['size']}, not {size}"
        time.sleep(0.5)


def test_a_set_syncs_to_the_studio_through_a_cut_and_forks_are_refused(
    studio_db: str, tmp_path: Path
) -> None:
    """The scripted day, the cut, the background sync, then a forged and a forked history."""
    set_db, set_keys, studio_keys = tmp_path / "set.db", tmp_path / "set-keys", tmp_path / "studio"
    # The set's day: the demo, played by the CLI.
    _ok(run(str(tmp_path / "demo.db"), set_keys, "demo", "--db", str(set_db)))
    key = _ok(run(str(set_db), set_keys, "key")).strip()
    origin = key.split("+")[0]
    # The studio makes an empty mirror of it, and serves.
    added = _ok(
        run(
            studio_db,
            studio_keys,
            *("mirror", "add", SLUG, "--name", "Dust Creek", "--origin", origin, "--key", key),
        )
    )
    token = next(line for line in added.splitlines() if line.startswith("scm_"))
    studio = ServeProcess(studio_db, studio_keys)
    studio.start()
    the_set = ServeProcess(str(set_db), set_keys)
    try:
        # The first sync, by hand, in batches; where to sync is saved for serve.
        synced = run(
            str(set_db), set_keys, "sync", "--to", studio.url, "--token", token, "--batch", "25"
        )
        _ok(synced)
        assert synced.stderr.count("the studio holds") >= 3  # progress, batch by batch
        _ok(run(str(set_db), set_keys, "sync", "--to", studio.url, "--token", token, "--save"))
        size = _size(set_db)
        with httpx.Client(base_url=studio.url, timeout=30) as client:
            _wait_for(client, token, size, timeout=5)
        # A copy of the set's database and key now, to fork from later.
        fork_db, fork_keys = tmp_path / "fork.db", tmp_path / "fork-keys"
        with closing(sqlite3.connect(set_db)) as src, closing(sqlite3.connect(fork_db)) as dst:
            src.backup(dst)
        shutil.copytree(set_keys, fork_keys)

        # The set's own server runs; the network to the studio is cut mid-day.
        the_set.start()
        with httpx.Client(base_url=the_set.url, timeout=30) as set_http:
            issued = set_http.post(
                f"/productions/{SLUG}/tokens",
                json={"person": "ken", "pin": "7666", "label": "tablet"},
            )
            assert issued.status_code == 201, issued.text
            bearer = {"Authorization": f"Bearer {issued.json()['token']}"}
            studio.stop()
            for n in range(5):
                started = time.monotonic()
                answer = set_http.post(
                    f"/productions/{SLUG}/concerns",
                    json={"text": f"note {n} from the set", "anonymous": False, "stop_work": False},
                    headers=bearer,
                )
                assert answer.status_code == 200, answer.text
                assert time.monotonic() - started < 5  # never held up by the studio
            assert set_http.get(f"/productions/{SLUG}/board", headers=bearer).status_code == 200
            set_note = set_http.get(f"/productions/{SLUG}/ledger/checkpoint", headers=bearer).text
            size = int(set_note.splitlines()[1])

            # The studio comes back: the set's server syncs it by itself.
            studio.start()
            with httpx.Client(base_url=studio.url, timeout=30) as client:
                held = _wait_for(client, token, size, timeout=120)
                assert _head(held["checkpoint"]) == _head(set_note)
                mirrored = client.get(f"/productions/{SLUG}/board")
                assert mirrored.headers["Showclear-Mirror"].startswith(f"as-of={size}; synced=")
                refused = client.post(
                    f"/productions/{SLUG}/tokens", json={"person": "ken", "pin": "7666"}
                )
                assert refused.status_code == 409
                assert "read-only mirror" in refused.json()["detail"]

                # A forged entry: the last entries sent again, one of them changed.
                entries = _entries(set_db, size - 3, size)
                entries[0] = entries[0].replace(b"note", b"nope", 1)
                forged = {
                    "from": size - 3,
                    "entries": [_b64(e) for e in entries],
                    "checkpoints": [_note(set_db, size)],
                }
                answer = client.post(
                    f"/mirror/{SLUG}/entries",
                    json=forged,
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert answer.status_code == 409, answer.text
                assert "differs from the one held" in answer.json()["detail"]

        # A forked history: the copy records something else, with the same key.
        fork = run(
            str(fork_db),
            fork_keys,
            *("concern", "raise", "--text", "a different history", "--as", "ken"),
            env={"SHOWCLEAR_PIN_KEN": "7666"},
        )
        _ok(fork)
        forked = run(str(fork_db), fork_keys, "sync", "--to", studio.url, "--token", token)
        assert forked.returncode != 0
        assert "refused the batch" in " ".join(forked.stderr.split())

        # Nothing of either was stored; both are kept as forks, with both checkpoints.
        with httpx.Client(base_url=studio.url, timeout=30) as client:
            assert _wait_for(client, token, size, timeout=5)["checkpoint"] == held["checkpoint"]
        status = json.loads(_ok(run(studio_db, studio_keys, "mirror", "status", "--json")))
        [mirror] = status
        assert (mirror["production"], mirror["synced_size"], mirror["forks"]) == (SLUG, size, 2)
        forged_kept, forked_kept = mirror["fork_evidence"]
        assert "differs from the one held" in forged_kept["detail"]  # under a genuine note
        assert forked_kept["held_note"] == held["checkpoint"]
        assert _head(forked_kept["offered_note"])[2] != _head(held["checkpoint"])[2]  # its root
        shown = _ok(run(studio_db, studio_keys, "mirror", "status"))
        assert shown.count("FORK refused") == 2
    finally:
        the_set.stop()
        studio.stop()
    # The mirror verifies against the production's key, given out of band.
    _ok(run(studio_db, studio_keys, "verify", "--key", key))


def _size(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT size FROM productions WHERE slug = ?", (SLUG,)).fetchone()
    return int(row[0])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
