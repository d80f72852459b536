"""The PostgreSQL backend (psycopg 3): one server for a studio's many productions.

The schema and the queries are the SQLite backend's (``sql.py``, ``migrations/``);
this module connects, begins transactions, translates driver errors, and reads
and writes in bulk where a server round trip costs more than a SQLite call (the
hashes of a proof in one query, big batches with COPY).

* **Writers** of one production serialize on that production's row
  (``SELECT ... FOR UPDATE`` as the transaction's first statement); writers of
  other productions lock other rows and never wait for each other. A write runs
  at READ COMMITTED, so once the lock is granted every later statement sees
  what the previous writer committed.
* **Readers** run at REPEATABLE READ, READ ONLY: one snapshot for the whole
  session, so a verification never sees entries without their checkpoint.
* **Threads**: each thread gets its own connection (a connection carries one
  transaction at a time), closed when its thread ends (``store/threads.py``), so
  the server's retired worker threads leave no backend behind; a connection the
  server dropped is replaced on the next use, so a server restart costs the
  transactions in flight, nothing more.
* **Streams** (entries, tree levels, checkpoints) read through server-side
  cursors, so verifying a ledger of millions of entries holds one page in memory.
* **Migrations** are applied in one transaction under an advisory lock, so two
  programs opening a new database at once do not both create the tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from showclear.store.base import EntryRow, ProductionInfo
from showclear.store.errors import (
    DatabaseDamaged,
    DiskFull,
    ProductionExists,
    ProductionNotFound,
    StoreError,
    StoreUnavailable,
)
from showclear.store.sql import (
    LATEST_SCHEMA,
    SqlSession,
    after_migration,
    check_schema,
    migration_files,
    split_statements,
)
from showclear.store.threads import ThreadConnections

__all__ = ["LOCK_TIMEOUT", "PostgresStore", "redact"]

#: How long a writer waits for another writer of the same production (SQLite: busy timeout).
LOCK_TIMEOUT = 30.0

#: ``pg_advisory_xact_lock`` key held while migrating ("showclear" in ASCII, as an int64).
_MIGRATION_LOCK = int.from_bytes(b"showclea", "big") >> 1

_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED"

_stream_names = itertools.count()

#: Batches of this many rows or more are written with COPY.
_COPY_FROM = 64


def _close_connection(conn: psycopg.Connection[Any]) -> None:
    conn.close()


def _classified(e: psycopg.Error, where: str) -> StoreError | None:
    """A full disk or damaged data as the store error that says so, else None."""
    if isinstance(e, pg_errors.DiskFull):
        return DiskFull(
            f"the disk of the PostgreSQL server {where} is full ({e}): nothing was recorded. "
            "Free space there, then try again (docs/operations.md, 'A full disk')"
        )
    if isinstance(e, pg_errors.DataCorrupted | pg_errors.IndexCorrupted):
        return DatabaseDamaged(
            f"the database {where} is damaged ({e}): nothing was recorded. Run "
            "`showclear check` (docs/operations.md, 'A damaged database')"
        )
    return None


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class _PgSession(SqlSession):
    """SqlSession with ``%s`` parameters whose streams use server-side cursors."""

    def __init__(self, cursor: psycopg.Cursor[Any], slug: str, info: ProductionInfo) -> None:
        super().__init__(cursor, slug, param="%s")
        self._streams: list[psycopg.ServerCursor[Any]] = []
        # The row the session began with (and, writing, locked): no need to read it again.
        self._info = info

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        """The hashes at ``(level, index)`` in one round trip (a proof needs ~log2 n of them).

        Raises:
            StoreError: a node is missing, naming the first one.
        """
        if len(coords) <= 1:
            return super().nodes(coords)
        leaves = [index for level, index in coords if level == 0]
        inner = [(level, index) for level, index in coords if level != 0]
        rows = self._cur.execute(
            "SELECT 0, idx, leaf_hash FROM entries "
            "WHERE production = %s AND idx = ANY(%s::bigint[]) "
            "UNION ALL "
            "SELECT n.level, n.idx, n.hash FROM nodes AS n "
            "JOIN unnest(%s::integer[], %s::bigint[]) AS c (level, idx) "
            "ON n.level = c.level AND n.idx = c.idx WHERE n.production = %s",
            (self.slug, leaves, [c[0] for c in inner], [c[1] for c in inner], self.slug),
        ).fetchall()
        found = {(level, index): bytes(h) for level, index, h in rows}
        out = []
        for level, index in coords:
            h = found.get((level, index))
            if h is None:
                raise StoreError(f"tree node ({level}, {index}) of {self.slug!r} is missing")
            out.append(h)
        return out

    def add_entries(self, rows: Sequence[EntryRow]) -> None:
        """Store new entries and their index rows: one statement (one round trip) for a
        few, COPY for many."""
        if not rows:
            return None
        if len(rows) < _COPY_FROM:
            refs = self._refs(rows)
            entries = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
            values: list[Any] = [v for r in rows for v in (self.slug, r.index, r.data, r.leaf_hash)]
            sql = f"INSERT INTO entries (production, idx, data, leaf_hash) VALUES {entries}"
            if refs:
                # A data-modifying CTE: the entries and their index rows in one statement.
                marks = ", ".join(["(%s, %s, %s, %s)"] * len(refs))
                sql = (
                    f"WITH added AS ({sql}) "
                    f"INSERT INTO entry_refs (production, kind, ref, idx) VALUES {marks}"
                )
                values += [v for ref in refs for v in ref]
            self._cur.execute(sql, values)
            return None
        self._copy(
            "COPY entries (production, idx, data, leaf_hash) FROM STDIN (FORMAT BINARY)",
            ("text", "int8", "bytea", "bytea"),
            ((self.slug, r.index, r.data, r.leaf_hash) for r in rows),
        )
        self._copy(
            "COPY entry_refs (production, kind, ref, idx) FROM STDIN (FORMAT BINARY)",
            ("text", "text", "text", "int8"),
            self._refs(rows),
        )

    def add_nodes(self, rows: Sequence[tuple[int, int, bytes]]) -> None:
        if len(rows) < _COPY_FROM:
            return super().add_nodes(rows)
        self._copy(
            "COPY nodes (production, level, idx, hash) FROM STDIN (FORMAT BINARY)",
            ("text", "int4", "int8", "bytea"),
            ((self.slug, level, idx, h) for level, idx, h in rows),
        )

    def _copy(self, statement: str, types: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        # COPY: one stream for a big batch instead of a statement per row.
        cur: psycopg.Cursor[Any] = self._cur
        with cur.copy(statement) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _cursor_for_stream(self) -> psycopg.ServerCursor[Any]:
        # A named cursor lives on the server until the transaction ends; the
        # session closes them all then (no round trip once the transaction is over).
        conn: psycopg.Connection[Any] = self._cur.connection
        cur = conn.cursor(name=f"showclear_stream_{next(_stream_names)}")
        self._streams.append(cur)
        return cur

    def _close_streams(self) -> None:
        for cur in self._streams:
            cur.close()
        self._streams.clear()


class PostgresStore:
    """A showclear database on a PostgreSQL server, reached by a ``postgresql://`` URL."""

    def __init__(
        self, url: str, *, migrate: bool = True, lock_timeout: float = LOCK_TIMEOUT
    ) -> None:
        """Connect to ``url`` and, unless ``migrate`` is False, bring its schema up to date.

        A writer waits up to ``lock_timeout`` seconds for another writer of its production.

        Raises:
            StoreUnavailable: the server cannot be reached or refuses the connection.
            SchemaError: the database's schema is newer than this program.
        """
        self.url = url
        self._lock_timeout_ms = max(1, round(lock_timeout * 1000))
        self._where = redact(url)
        self._connections = ThreadConnections[psycopg.Connection[Any]](_close_connection)
        try:
            if migrate:
                self.migrate()  # refuses a newer schema, like check_schema below
            else:
                check_schema(self.schema_version())
        except BaseException:
            self.close()
            raise

    # -- connections ---------------------------------------------------------

    @property
    def _conn(self) -> psycopg.Connection[Any]:
        """This thread's connection, opened on first use and again after the server dropped it."""
        conn = self._connections.get()
        if conn is not None and not conn.closed:
            return conn
        if conn is not None:
            self._connections.forget(conn)
        conn = self._connect()
        self._connections.put(conn)
        return conn

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            # A writer waits this long for another writer of its production, then
            # gives up; added to the URL's own settings (a search_path, say).
            options = conninfo_to_dict(self.url).get("options") or ""
            conninfo = make_conninfo(
                self.url, options=f"{options} -c lock_timeout={self._lock_timeout_ms}".strip()
            )
            # Autocommit: transactions are begun explicitly (_READ, _WRITE).
            return psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as e:
            raise StoreUnavailable(f"cannot open the database {self._where}: {e}") from e

    def close(self) -> None:
        self._connections.close_all()

    # -- transactions --------------------------------------------------------

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[psycopg.Cursor[Any]]:
        """Run the body in one transaction; commit if it returns, roll back if it raises."""
        conn = self._conn
        try:
            conn.execute(begin)
        except psycopg.OperationalError:
            # The server dropped this idle connection (a restart, an administrator):
            # nothing was done in it yet, so one fresh connection is safe to try.
            self._drop_if_broken(conn, force=True)
            conn = self._conn
            try:
                conn.execute(begin)
            except psycopg.Error as e:
                self._drop_if_broken(conn)
                raise StoreUnavailable(f"cannot begin a transaction on {self._where}: {e}") from e
        except psycopg.Error as e:
            raise StoreUnavailable(f"cannot begin a transaction on {self._where}: {e}") from e
        with conn.cursor() as cur:
            try:
                yield cur
            except BaseException:
                self._rollback(conn)
                raise
        try:
            conn.execute("COMMIT")
        except psycopg.OperationalError as e:
            self._drop_if_broken(conn)
            # The server may or may not have committed; the caller must not assume it did.
            raise StoreUnavailable(
                f"the connection to {self._where} failed while committing; "
                f"the last change may or may not be stored: {e}"
            ) from e
        except psycopg.Error as e:
            self._rollback(conn)
            raise _classified(e, self._where) or StoreError(
                f"could not commit to {self._where}: {e}"
            ) from e

    def _rollback(self, conn: psycopg.Connection[Any]) -> None:
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            # A dead connection rolled back on the server already; replace it.
            self._drop_if_broken(conn, force=True)

    def _drop_if_broken(self, conn: psycopg.Connection[Any], *, force: bool = False) -> None:
        if force or conn.closed or conn.broken:
            self._connections.forget(conn)

    @contextmanager
    def _translated(self, slug: str | None = None) -> Iterator[None]:
        """Driver errors become store errors (STYLE 8), naming the production if any."""
        what = f" to {slug!r}" if slug else ""
        try:
            yield
        except pg_errors.IntegrityError as e:
            raise StoreError(f"the database refused a write{what}: {e}") from e
        except (pg_errors.DiskFull, pg_errors.DataCorrupted, pg_errors.IndexCorrupted) as e:
            raise _classified(e, self._where) or StoreError(str(e)) from e
        except pg_errors.LockNotAvailable as e:
            raise StoreUnavailable(
                f"another writer held production {slug!r} for more than "
                f"{self._lock_timeout_ms / 1000:g} s on {self._where}"
            ) from e
        except psycopg.OperationalError as e:
            raise StoreUnavailable(f"database error on {self._where}: {e}") from e
        except psycopg.Error as e:
            raise StoreError(f"database error on {self._where}: {e}") from e

    # -- schema --------------------------------------------------------------

    def schema_version(self) -> int:
        with self._translated(), self._transaction(_READ) as cur:
            return self._version(cur)

    @staticmethod
    def _version(cur: psycopg.Cursor[Any]) -> int:
        # A catalog query, not to_regclass(): its answer is cached in the backend, and a
        # migrate() waiting on the migration lock must see the table another one committed.
        row = cur.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'schema_migrations' AND n.nspname = ANY(current_schemas(false)))"
        ).fetchone()
        if not (row and row[0]):
            return 0
        row = cur.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0

    def migrate(self) -> list[int]:
        """Apply every shipped migration newer than the database; return their versions.

        An up-to-date schema is read in a read-only transaction: every CLI start calls
        this, and only a due migration takes the migration lock.

        Raises:
            SchemaError: the database's schema is newer than this program.
        """
        current = self.schema_version()
        check_schema(current)
        if current >= LATEST_SCHEMA:
            return []
        applied: list[int] = []
        with self._translated(), self._transaction(_WRITE) as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            current = self._version(cur)
            check_schema(current)
            if current == 0:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
                )
            for version, sql in migration_files():
                if version <= current:
                    continue
                for statement in split_statements(sql):
                    cur.execute(statement)  # our own shipped SQL
                sessions: list[_PgSession] = []
                after_migration(version, cur, partial(self._migrating, cur, sessions))
                for session in sessions:
                    session._close_streams()
                cur.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                    (version, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                applied.append(version)
        return applied

    def _migrating(
        self, cur: psycopg.Cursor[Any], sessions: list[_PgSession], slug: str
    ) -> SqlSession:
        """A session on the migration's transaction, for what a migration does in Python."""
        session = _PgSession(cur, slug, self._production(cur, slug, lock=""))
        sessions.append(session)
        return session

    # -- productions ---------------------------------------------------------

    @contextmanager
    def create_production(self, info: ProductionInfo) -> Iterator[SqlSession]:
        """Insert a production and yield a write session on it, in one transaction.

        Raises:
            ProductionExists: its slug or origin is taken.
        """

        def insert(cur: psycopg.Cursor[Any]) -> ProductionInfo:
            try:
                cur.execute(
                    "INSERT INTO productions "
                    "(slug, name, origin, verifier_key, size, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    (
                        info.slug,
                        info.name,
                        info.origin,
                        info.verifier_key,
                        info.size,
                        info.created_at,
                    ),
                )
            except pg_errors.UniqueViolation as e:
                raise ProductionExists(
                    f"a production with slug {info.slug!r} or origin {info.origin!r} "
                    "already exists in this database"
                ) from e
            return info

        with self._session(info.slug, _WRITE, insert) as session:
            yield session

    def productions(self) -> list[ProductionInfo]:
        with self._translated(), self._transaction(_READ) as cur:
            rows = cur.execute(
                "SELECT slug, name, origin, verifier_key, size, created_at "
                "FROM productions ORDER BY slug"
            ).fetchall()
        return [ProductionInfo(*row) for row in rows]

    @contextmanager
    def read(self, slug: str) -> Iterator[SqlSession]:
        """A snapshot of one production.

        Raises:
            ProductionNotFound: no production ``slug``.
        """

        def find(cur: psycopg.Cursor[Any]) -> ProductionInfo:
            return self._production(cur, slug, lock="")

        with self._session(slug, _READ, find) as session:
            yield session

    @contextmanager
    def write(self, slug: str) -> Iterator[SqlSession]:
        """A write session on one production, once every earlier writer of it has finished.

        Raises:
            ProductionNotFound: no production ``slug``.
            StoreUnavailable: another writer held it longer than the lock timeout.
        """

        def lock(cur: psycopg.Cursor[Any]) -> ProductionInfo:
            # The production's row is its writers' lock (DESIGN, Storage): taken
            # first, held to commit; other productions' rows stay free.
            return self._production(cur, slug, lock=" FOR UPDATE")

        with self._session(slug, _WRITE, lock) as session:
            yield session

    @staticmethod
    def _production(cur: psycopg.Cursor[Any], slug: str, *, lock: str) -> ProductionInfo:
        row = cur.execute(
            "SELECT slug, name, origin, verifier_key, size, created_at "
            f"FROM productions WHERE slug = %s{lock}",
            (slug,),
        ).fetchone()
        if row is None:
            raise ProductionNotFound(f"there is no production {slug!r} in this database")
        return ProductionInfo(*row)

    @contextmanager
    def _session(
        self, slug: str, begin: str, start: Callable[[psycopg.Cursor[Any]], ProductionInfo]
    ) -> Iterator[SqlSession]:
        """One transaction on ``slug``, begun by ``start`` (which finds or locks its row)."""
        session: _PgSession | None = None
        try:
            with self._translated(slug), self._transaction(begin) as cur:
                session = _PgSession(cur, slug, start(cur))
                yield session
            session.committed()
        finally:
            if session is not None:
                # After the transaction: the server closed its cursors already.
                session._close_streams()
