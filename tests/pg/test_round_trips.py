"""How often an append waits for the PostgreSQL server (issue 17 item 5): a command's
whole transaction is two round trips, BEGIN with the locked row and what the append
reads, then its writes with the COMMIT; and a writer that waited for the lock never
appends on the snapshot it took before the wait."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from showclear.ledger import CompactRange, Ed25519Signer, leaf_hash, open_checkpoint, tree_root
from showclear.service import TRUSTED, App, MemoryKeyring, build_app
from showclear.service.ledger import append_entries
from showclear.store import LedgerSession, ProductionInfo
from showclear.store.postgres import PostgresStore

if TYPE_CHECKING:
    from postgres import PostgresServer

ORIGIN = "showclear.example/productions/dust-creek"
SIGNER = Ed25519Signer.generate(ORIGIN)

__all__ = ["count_round_trips"]


def count_round_trips(conn: psycopg.Connection[Any], action: Callable[[], object]) -> int:
    """How many times ``action`` waited for the server on ``conn``, from libpq's protocol
    trace: each turn from messages the client sent to one the server sent is one wait."""
    fd, name = tempfile.mkstemp(prefix="showclear-pq-trace-")
    try:
        conn.pgconn.trace(fd)
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            action()
        finally:
            conn.pgconn.untrace()
        directions = [line.split("\t", 1)[0] for line in Path(name).read_text().splitlines()]
    finally:
        os.close(fd)
        os.unlink(name)
    return sum(
        1 for a, b in zip(["B", *directions], directions, strict=False) if (a, b) == ("F", "B")
    )


def assert_tree_whole(session: LedgerSession, size: int) -> None:
    """The stored nodes and the last checkpoint commit to the stored entries, all ``size``."""
    edge = CompactRange(0, [])
    for row in session.entries():
        assert row.leaf_hash == leaf_hash(row.data)
        edge.append(row.leaf_hash)
    assert edge.size == session.size() == size
    assert tree_root(size, session) == edge.root()
    note = session.checkpoint()[1]
    assert open_checkpoint(note, SIGNER.verifier()).root == edge.root()


def person(n: int) -> dict[str, Any]:
    return {
        "type": "PersonRegistered",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew {n}",
        "roles": ["crew"],
    }


@pytest.fixture
def url(postgresql_server: PostgresServer) -> Iterator[str]:
    made = postgresql_server.fresh()
    yield made
    postgresql_server.drop(made)


@pytest.fixture
def app(url: str) -> Iterator[App]:
    made = build_app(url, keyring=MemoryKeyring())
    yield made
    made.close()


@pytest.fixture
def store(url: str) -> Iterator[PostgresStore]:
    opened = PostgresStore(url)
    key = SIGNER.verifier().verifier_key()
    info = ProductionInfo("dust-creek", "Dust Creek", ORIGIN, key, 0, "2026-11-30")
    with opened.create_production(info):
        pass
    yield opened
    opened.close()


def test_a_command_on_postgresql_is_two_round_trips_begin_and_commit_included(app: App) -> None:
    """One submitted command, its transaction whole, waits for the server twice."""
    slug = app.init_production("Dust Creek").slug
    # Past psycopg's prepare threshold (5), so the count is the steady state's.
    for n in range(8):
        app.submit(slug, person(n), TRUSTED)
    conn = app.store._conn  # type: ignore[attr-defined]
    counts = [
        count_round_trips(conn, lambda n=n: app.submit(slug, person(n), TRUSTED))
        for n in range(8, 12)
    ]
    assert counts == [2, 2, 2, 2]
    assert app.verify(slug).ok


def test_an_append_of_a_tree_with_many_peaks_is_two_round_trips(store: PostgresStore) -> None:
    """Whatever the size (here 2^k - 1, a peak at every level), the append reads its peaks
    and its last checkpoint with the lock, and sends its writes with the COMMIT."""
    signer = SIGNER
    with store.write("dust-creek") as session:
        append_entries(session, signer, [b'{"n":%d}' % i for i in range(127)])

    def one() -> None:
        with store.write("dust-creek") as session:
            append_entries(session, signer, [b'{"n":"one more"}'])

    for _ in range(6):
        one()
    assert count_round_trips(store._conn, one) == 2
    with store.read("dust-creek") as session:
        assert_tree_whole(session, 134)


def test_a_read_inside_a_write_sees_the_writes_not_sent_yet(store: PostgresStore) -> None:
    """Deferred writes go to the server before any read of the same transaction."""
    signer = SIGNER
    with store.write("dust-creek") as session:
        append_entries(session, signer, [b'{"n":0}', b'{"n":1}'])
        session.put_projection({"weapon:rev-1": {"state": "HOT"}})
        assert session.record("weapon:rev-1") == {"state": "HOT"}
        assert [size for size, _ in session.checkpoints()] == [2]
        assert [r.data for r in session.entries()] == [b'{"n":0}', b'{"n":1}']
        assert session.nodes([(1, 0)]) == [
            tree_root(2, session)
        ]  # the node written in this transaction


def test_a_writer_that_waited_for_the_lock_appends_after_what_the_other_committed(
    store: PostgresStore, url: str
) -> None:
    """The read sent with the lock uses a snapshot older than the wait; what the other writer
    committed meanwhile is read again, so the second append extends the first."""
    signer = SIGNER
    with store.write("dust-creek") as session:
        append_entries(session, signer, [b'{"n":%d}' % i for i in range(5)])
    other = PostgresStore(url)
    locked, waiting = threading.Event(), threading.Event()
    outcome: list[object] = []

    def second() -> None:
        waiting.set()
        try:
            with other.write("dust-creek") as session:
                outcome.append(append_entries(session, signer, [b'{"n":"second"}']))
        except BaseException as e:  # reported by the assertion below
            outcome.append(e)

    try:
        with store.write("dust-creek") as session:
            locked.set()
            thread = threading.Thread(target=second)
            thread.start()
            assert waiting.wait(10)
            first = append_entries(session, signer, [b'{"n":"first"}', b'{"n":"first 2"}'])
            # The second writer is waiting for this row's lock while this commits.
            thread.join(0.5)
            assert thread.is_alive()
        thread.join(30)
    finally:
        other.close()
    assert first.size == 7
    [result] = outcome
    assert not isinstance(result, BaseException), result
    with store.read("dust-creek") as session:
        assert_tree_whole(session, 8)
        assert [r.data for r in session.entries(5)] == [
            b'{"n":"first"}',
            b'{"n":"first 2"}',
            b'{"n":"second"}',
        ]
