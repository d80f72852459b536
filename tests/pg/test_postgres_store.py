"""What only the PostgreSQL backend promises, beyond the storage contract (tests/store):
snapshots for readers, a lock per production for writers, connections per thread that
survive the server dropping them, server-side streams, and concurrent first opens."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from showclear.ledger import Ed25519Signer, leaf_hash
from showclear.service.ledger import append_entries
from showclear.store import (
    EntryRow,
    ProductionInfo,
    StoreError,
    StoreUnavailable,
    open_store,
)
from showclear.store.postgres import PostgresStore, redact
from showclear.store.sql import LATEST_SCHEMA

if TYPE_CHECKING:
    from postgres import PostgresServer

ORIGIN = "showclear.example/productions/dust-creek"


def info(slug: str = "dust-creek") -> ProductionInfo:
    origin = f"showclear.example/productions/{slug}"
    return ProductionInfo(slug, slug, origin, f"{origin}+00000000+AA==", 0, "2026-11-25")


@pytest.fixture
def url(postgresql_server: PostgresServer) -> Iterator[str]:
    """An empty schema of this test's own."""
    made = postgresql_server.fresh()
    yield made
    postgresql_server.drop(made)


@pytest.fixture
def store(url: str) -> Iterator[PostgresStore]:
    """A migrated store with the empty productions "dust-creek" and "salt-flats"."""
    opened = PostgresStore(url)
    for slug in ("dust-creek", "salt-flats"):
        with opened.create_production(info(slug)):
            pass
    yield opened
    opened.close()


def append(store: PostgresStore, slug: str, count: int) -> None:
    with store.write(slug) as session:
        append_entries(
            session, Ed25519Signer.generate(ORIGIN), [b'{"n":%d}' % i for i in range(count)]
        )


# -- opening ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgresql_url_opens_the_postgresql_backend(url: str, scheme: str) -> None:
    """``--db postgresql://...`` (or ``postgres://``) selects PostgreSQL, never a file."""
    opened = open_store(scheme + url.removeprefix("postgresql"))
    try:
        assert isinstance(opened, PostgresStore)
        assert opened.schema_version() == LATEST_SCHEMA
    finally:
        opened.close()


def test_a_server_that_cannot_be_reached_is_store_unavailable_without_the_password() -> None:
    """The message names the server so someone can act, but never the password."""
    bad = "postgresql://showclear:s3cret@127.0.0.1:1/showclear?connect_timeout=2"
    with pytest.raises(StoreUnavailable, match="cannot open the database") as caught:
        open_store(bad)
    assert "s3cret" not in str(caught.value)
    assert "showclear:***@127.0.0.1:1" in str(caught.value)
    assert redact("postgresql://host/db") == "postgresql://host/db"


def test_programs_opening_a_new_database_at_once_apply_the_migrations_once(url: str) -> None:
    """Five processes open the same empty database together; all succeed, each migration
    is recorded once."""
    code = "import sys; from showclear.store import open_store; open_store(sys.argv[1]).close()"
    processes = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(5)]
    assert [p.wait(60) for p in processes] == [0] * 5
    opened = PostgresStore(url)
    try:
        with opened._transaction("BEGIN") as cur:
            versions = cur.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    finally:
        opened.close()
    assert [v for (v,) in versions] == list(range(1, LATEST_SCHEMA + 1))


# -- readers -------------------------------------------------------------------------


def test_a_reader_sees_one_snapshot_while_a_writer_commits(store: PostgresStore) -> None:
    """Entries, size and checkpoints read in one session all belong to one moment."""
    append(store, "dust-creek", 3)
    other = PostgresStore(store.url)
    try:
        with store.read("dust-creek") as session:
            assert session.size() == 3
            append(other, "dust-creek", 4)  # commits while the read session is open
            assert len(list(session.entries())) == 3
            assert [size for size, _ in session.checkpoints()] == [3]
            assert session.checkpoint()[0] == 3
        with store.read("dust-creek") as session:
            assert session.size() == 7
    finally:
        other.close()


def test_a_read_session_cannot_write(store: PostgresStore) -> None:
    """A read session is READ ONLY: a write there is a StoreError, never a driver error."""
    with pytest.raises(StoreError, match="read-only"), store.read("dust-creek") as session:
        session.add_checkpoint(1, "note\n")
    with store.read("dust-creek") as session:
        assert list(session.checkpoints()) == []


def test_streams_run_on_the_server_and_interleave_with_point_reads(store: PostgresStore) -> None:
    """Thousands of entries stream page by page while other queries run in the same session."""
    data = [b'{"n":%d}' % i for i in range(5000)]
    with store.write("dust-creek") as session:
        session.add_entries([EntryRow(i, d, leaf_hash(d)) for i, d in enumerate(data)])
    with store.read("dust-creek") as session:
        seen = 0
        for row in session.entries():
            if row.index % 997 == 0:
                assert session.entry(4999 - row.index).data == data[4999 - row.index]
            assert row.data == data[row.index]
            seen += 1
        assert seen == 5000
        assert [r.index for r in session.entries(4990, 4995)] == [4990, 4991, 4992, 4993, 4994]


# -- writers -------------------------------------------------------------------------


def test_a_big_batch_with_a_repeated_index_is_refused_whole(store: PostgresStore) -> None:
    """Big batches are written with COPY; a duplicate there is the same StoreError, and the
    transaction leaves nothing behind."""
    rows = [EntryRow(i, b"x", leaf_hash(b"x")) for i in range(500)]
    with pytest.raises(StoreError, match="refused a write"), store.write("dust-creek") as session:
        session.add_entries(rows)
        session.add_nodes([(1, i, b"N" * 32) for i in range(250)])
        session.add_entries([EntryRow(499, b"y", leaf_hash(b"y")), *rows[:100]])
    with store.read("dust-creek") as session:
        assert list(session.entries()) == []
        assert session.max_level() == 0


def test_a_writer_waits_for_the_writer_of_its_production_only(store: PostgresStore) -> None:
    """While one transaction writes Dust Creek, Salt Flats takes writes at once and a second
    Dust Creek writer waits, then sees everything the first committed."""
    other = PostgresStore(store.url)
    entered = threading.Event()
    sizes: list[int] = []

    def second_writer() -> None:
        with other.write("dust-creek") as session:
            entered.set()
            sizes.append(session.size())

    try:
        with store.write("dust-creek") as session:
            append_entries(session, Ed25519Signer.generate(ORIGIN), [b"{}"] * 5)
            thread = threading.Thread(target=second_writer)
            thread.start()
            append(other, "salt-flats", 2)  # another production: no wait
            assert not entered.wait(0.5)  # the same production: still waiting
        thread.join(30)
        assert sizes == [5]
    finally:
        other.close()


def test_a_writer_that_waits_too_long_gets_store_unavailable(store: PostgresStore) -> None:
    """The lock wait is bounded: a clear error instead of a hung command."""
    impatient = PostgresStore(store.url, lock_timeout=0.2)
    try:
        with store.write("dust-creek"):
            started = time.monotonic()
            refused = pytest.raises(StoreUnavailable, match="held production 'dust-creek'")
            with refused, impatient.write("dust-creek"):
                pass
            assert time.monotonic() - started < 10
        with impatient.write("dust-creek") as session:  # free again, same store
            assert session.size() == 0
    finally:
        impatient.close()


def test_threads_sharing_a_store_each_write_on_their_own_connection(store: PostgresStore) -> None:
    """Eight threads append through one store; nothing is lost and indexes never repeat."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                append(store, "dust-creek", 2)
        except BaseException as e:  # reported below, on the test's thread
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with store.read("dust-creek") as session:
        assert session.size() == 160
        assert [r.index for r in session.entries()] == list(range(160))
        assert len(list(session.checkpoints())) == 80


def test_a_connection_the_server_dropped_is_replaced_at_the_next_transaction(
    store: PostgresStore, postgresql_server: PostgresServer
) -> None:
    """An administrator (or a restart) ends the store's idle connection: the next
    transaction opens a new one and succeeds; nothing is lost."""
    append(store, "dust-creek", 2)
    with store.read("dust-creek") as session:
        pid = session._cur.connection.info.backend_pid
    postgresql_server.execute(postgresql_server.url, "SELECT pg_terminate_backend(%s)", (pid,))
    append(store, "dust-creek", 1)
    with store.read("dust-creek") as session:
        assert session._cur.connection.info.backend_pid != pid
        assert session.size() == 3
