"""Writers in several processes: one production's ledger never forks, productions never wait
for each other.

Each writer is a separate process (tests/pg/appender.py) with its own connections,
submitting one command per transaction and printing each one acknowledged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.service import App, FileKeyring, build_app
from showclear.store.postgres import PostgresStore

if TYPE_CHECKING:
    from tests.conftest import Backend

APPENDER = Path(__file__).with_name("appender.py")

#: SQLite has one writer per file, by design: productions in one file take turns.
only_postgresql = pytest.mark.parametrize("engine", ["postgresql"], indirect=True, scope="session")


@dataclass
class Writer:
    """One appender process and the file its acknowledgements go to."""

    process: subprocess.Popen[bytes]
    out: Path

    def lines(self) -> list[dict[str, Any]]:
        parsed = []
        for line in self.out.read_text().splitlines():
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:  # the last line, half written
                break
        return parsed

    def acks(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if "person" in line]

    def finish(self, timeout: float = 240) -> list[dict[str, Any]]:
        assert self.process.wait(timeout) == 0, self.out.read_text()[-2000:]
        return self.acks()


def start_writer(
    db: str, keys: Path, slug: str, tag: str, count: int, *, out_dir: Path, outages: bool = False
) -> Writer:
    """Start an appender registering ``count`` people ``tag-N`` on production ``slug``."""
    out = out_dir / f"{tag}.jsonl"
    extra = ["--through-outages"] if outages else []
    args = [db, str(keys), slug, tag, str(count), str(out_dir / "go"), *extra]
    with out.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, str(APPENDER), *args],
            stdout=sink,
        )
    return Writer(process, out)


def go(*writers: Writer, timeout: float = 60) -> None:
    """Start the writers at one moment, once each is connected."""
    deadline = time.monotonic() + timeout
    while not all(w.lines() for w in writers):
        for w in writers:
            assert w.process.poll() is None, w.out.read_text()
        assert time.monotonic() < deadline, "the writers did not connect"
        time.sleep(0.02)
    (writers[0].out.parent / "go").touch()


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def studio(backend: Backend, keys: Path) -> Iterator[App]:
    """Two productions, "Dust Creek" and "Salt Flats", keys on disk for the writer processes."""
    app = build_app(backend.url, keyring=FileKeyring(keys))
    app.init_production("Dust Creek")
    app.init_production("Salt Flats")
    yield app
    app.close()


def check_ledger(app: App, slug: str, acks: list[dict[str, Any]]) -> None:
    """Every acknowledged command is in the ledger where it was reported, under the very
    checkpoint it was acknowledged with, and the whole ledger verifies."""
    verifier = Ed25519Verifier.from_verifier_key(app.verifier_key(slug))
    with app.store.read(slug) as session:
        size = session.size()
        indexes = [row.index for row in session.entries()]
        assert indexes == list(range(size)), "an index is missing or repeated"
        for ack in acks:
            entry = session.entry(ack["index"]).event()
            assert entry["person"] == ack["person"], ack
            # The tree never forked: the note a writer got back is the one stored at its size.
            assert session.checkpoint(ack["size"])[1] == ack["note"]
            assert open_checkpoint(ack["note"], verifier).size == ack["size"]
    persons = [a["person"] for a in acks]
    assert len(set(persons)) == len(persons)
    report = app.verify(slug)
    assert report.ok, report.problem


def test_writers_in_several_processes_lose_nothing_and_never_fork_the_ledger(
    backend: Backend, studio: App, keys: Path, tmp_path: Path
) -> None:
    """Four processes register 40 people each on one production at once: 161 entries, each
    acknowledged one where it was reported, indexes 0..160, and the ledger verifies."""
    writers = [
        start_writer(backend.url, keys, "dust-creek", f"w{n}", 40, out_dir=tmp_path)
        for n in range(4)
    ]
    go(*writers)
    acks = [ack for writer in writers for ack in writer.finish()]
    assert len(acks) == 160
    assert studio.production("dust-creek").size == 1 + 160
    assert sorted(a["index"] for a in acks) == list(range(1, 161))
    check_ledger(studio, "dust-creek", acks)
    # Every writer was trying before any had finished (else this proved little); on
    # SQLite their commits may still come in runs, as its busy handler is not fair.
    firsts = [w.acks()[0]["t0"] for w in writers]
    lasts = [w.acks()[-1]["t1"] for w in writers]
    assert max(firsts) < min(lasts), (firsts, lasts)


@only_postgresql
def test_two_productions_written_in_parallel_commit_at_the_same_time(
    backend: Backend, studio: App, keys: Path, tmp_path: Path
) -> None:
    """A writer of each production: their commits interleave in time, neither waits its turn."""
    dust = start_writer(backend.url, keys, "dust-creek", "d", 60, out_dir=tmp_path)
    salt = start_writer(backend.url, keys, "salt-flats", "s", 60, out_dir=tmp_path)
    go(dust, salt)
    dust_acks, salt_acks = dust.finish(), salt.finish()
    check_ledger(studio, "dust-creek", dust_acks)
    check_ledger(studio, "salt-flats", salt_acks)
    start = max(dust_acks[0]["t1"], salt_acks[0]["t1"])
    end = min(dust_acks[-1]["t1"], salt_acks[-1]["t1"])
    assert start < end, "the two writers never ran at the same time"
    during = [sum(start <= a["t1"] <= end for a in acks) for acks in (dust_acks, salt_acks)]
    # Both made progress inside the common window: at least a quarter of each one's commits.
    assert min(during) >= 15, (during, start, end)


@only_postgresql
def test_a_writer_holding_one_production_blocks_only_that_productions_writers(
    backend: Backend, studio: App, keys: Path, tmp_path: Path
) -> None:
    """While a transaction holds Dust Creek's write lock, a Salt Flats writer commits all its
    commands and a Dust Creek writer commits none; released, the Dust Creek writer finishes."""
    holder = PostgresStore(backend.url)
    released = threading.Event()
    locked = threading.Event()

    def hold() -> None:
        with holder.write("dust-creek"):
            locked.set()
            released.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(30)
        waiting = start_writer(backend.url, keys, "dust-creek", "d", 5, out_dir=tmp_path)
        other = start_writer(backend.url, keys, "salt-flats", "s", 10, out_dir=tmp_path)
        go(waiting, other)
        assert len(other.finish()) == 10
        time.sleep(0.5)  # the Dust Creek writer had time enough for several commands
        assert waiting.acks() == []
        assert waiting.process.poll() is None
    finally:
        released.set()
        thread.join()
        holder.close()
    assert len(waiting.finish()) == 5
    check_ledger(studio, "dust-creek", waiting.acks())
    check_ledger(studio, "salt-flats", other.acks())
