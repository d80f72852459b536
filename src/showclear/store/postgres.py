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
* **Round trips**: a command's transaction waits for the server twice. BEGIN goes in
  one pipeline with the writer's first statement, which locks the production's row and
  reads what an append needs beside it (the tree's peaks, the checkpoint at its size);
  the writes (entries, nodes, checkpoint, size, projection) wait in the session and go
  in a second pipeline with the COMMIT, or before any read that comes first, so a read
  always sees its own transaction's writes (``tests/pg/test_round_trips.py``).
* **Streams** (entries, tree levels, checkpoints) read through server-side
  cursors, so verifying a ledger of millions of entries holds one page in memory.
* **Migrations** are applied in one transaction under an advisory lock, so two
  programs opening a new database at once do not both create the tables.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from showclear.store.base import JSON, EntryRow, ProductionInfo
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
_IDLE = psycopg.pq.TransactionStatus.IDLE
_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED"

_stream_names = itertools.count()

#: Batches of this many rows or more are written with COPY.
_COPY_FROM = 64


#: A writer's first statement: lock the production's row, and read what an append needs
#: before it can decide anything (the peaks of the tree, the checkpoint at its size), so
#: that BEGIN and all of it are one round trip. ``FOR UPDATE`` in a CTE locks the row.
_LOCK_AND_READ = (
    "WITH p AS (SELECT slug, name, origin, verifier_key, size, created_at "
    "FROM productions WHERE slug = %(slug)s FOR UPDATE), "
    # The peaks of a tree of `size` leaves: a level for each bit set in size.
    "k AS (SELECT g.level, (p.size >> g.level) - 1 AS idx "
    "FROM p CROSS JOIN generate_series(0, 62) AS g (level) WHERE (p.size >> g.level) & 1 = 1) "
    "SELECT 'p', p.slug, p.name, p.origin, p.verifier_key, p.size, p.created_at, "
    "NULL::integer, NULL::bytea, NULL::text FROM p "
    "UNION ALL SELECT 'n', NULL, NULL, NULL, NULL, k.idx, NULL, k.level, "
    "COALESCE(e.leaf_hash, n.hash), NULL FROM k "
    "LEFT JOIN entries AS e ON k.level = 0 AND e.production = %(slug)s AND e.idx = k.idx "
    "LEFT JOIN nodes AS n ON k.level > 0 AND n.production = %(slug)s "
    "AND n.level = k.level AND n.idx = k.idx "
    "UNION ALL SELECT 'c', NULL, NULL, NULL, NULL, c.size, NULL, NULL, NULL, c.note "
    "FROM checkpoints AS c JOIN p ON c.production = p.slug AND c.size = p.size"
)


@dataclass(frozen=True, slots=True)
class _Known:
    """Tree nodes and checkpoint notes a session already holds, by coordinate and size."""

    nodes: dict[tuple[int, int], bytes]
    notes: dict[int, str]


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
    """SqlSession with ``%s`` parameters whose streams use server-side cursors, and whose
    writes wait to be sent together with the next read or the COMMIT."""

    def __init__(
        self,
        cursor: psycopg.Cursor[Any],
        slug: str,
        info: ProductionInfo,
        known: _Known | None = None,
    ) -> None:
        super().__init__(cursor, slug, param="%s")
        self._streams: list[psycopg.ServerCursor[Any]] = []
        # The row the session began with (and, writing, locked): no need to read it again.
        self._info = info
        # What the first statement read beside the row (the peaks of the tree and the last
        # checkpoint), and what this session wrote since: an append reads none of it again.
        known = known or _Known({}, {})
        self._known_nodes = known.nodes
        self._known_notes = known.notes
        # Writes not sent yet: they go together, in one round trip, before the next read
        # or with the COMMIT (_send_pending).
        self._pending: list[tuple[str, Sequence[Any], bool]] = []

    # -- deferred writes -----------------------------------------------------

    def _defer(self, sql: str, args: Sequence[Any], *, many: bool = False) -> None:
        self._pending.append((sql.replace("?", "%s"), args, many))

    def _send_pending(self, *, commit: bool = False) -> None:
        """Send the deferred writes (and a COMMIT) in one pipeline: one round trip.

        Raises:
            psycopg.Error: a write was refused (the statements after it were not run).
        """
        if not self._pending and not commit:
            return None
        pending, self._pending = self._pending, []
        cur: psycopg.Cursor[Any] = self._cur
        with cur.connection.pipeline():
            for sql, args, many in pending:
                if many:
                    cur.executemany(sql, args)
                else:
                    cur.execute(sql, args)
            if commit:
                cur.execute("COMMIT")
        return None

    def _q(self, sql: str, args: Sequence[Any] = ()) -> Any:
        self._send_pending()  # a read sees this session's own writes
        return super()._q(sql, args)

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._send_pending()
        super()._many(sql, rows)

    def _insert(self, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        self._send_pending()
        super()._insert(table, columns, rows)

    def add_checkpoint(self, size: int, note: str) -> None:
        self._defer(
            "INSERT INTO checkpoints (production, size, note) VALUES (?, ?, ?)",
            (self.slug, size, note),
        )
        self._known_notes[size] = note

    def set_size(self, size: int) -> None:
        self._defer("UPDATE productions SET size = ? WHERE slug = ?", (size, self.slug))
        self._info = replace(self._info, size=size) if self._info is not None else None

    def put_projection(self, records: dict[str, JSON | None]) -> None:
        """Write changed records (deferred); a value of ``None`` deletes the record."""
        gone = [(self.slug, k) for k, v in records.items() if v is None]
        kept = [
            (self.slug, k, json.dumps(v, sort_keys=True, separators=(",", ":")))
            for k, v in records.items()
            if v is not None
        ]
        if gone:
            self._defer("DELETE FROM projection WHERE production = ? AND key = ?", gone, many=True)
        if kept:
            self._defer(
                "INSERT INTO projection (production, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (production, key) DO UPDATE SET value = excluded.value",
                kept,
                many=True,
            )

    def checkpoint(self, size: int | None = None) -> tuple[int, str]:
        note = None if size is None else self._known_notes.get(size)
        if size is not None and note is not None:
            return size, note
        return super().checkpoint(size)

    # -- reads and bulk writes -----------------------------------------------

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        """The hashes at ``(level, index)`` in one round trip (a proof needs ~log2 n of them).

        Raises:
            StoreError: a node is missing, naming the first one.
        """
        known = self._known_nodes
        if all(coord in known for coord in coords):
            return [known[coord] for coord in coords]
        if len(coords) <= 1:
            return super().nodes(coords)
        self._send_pending()
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
            self._known_nodes.update(((0, r.index), r.leaf_hash) for r in rows)
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
            self._defer(sql, values)
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
        if not rows:
            return None
        if len(rows) < _COPY_FROM:
            self._known_nodes.update(((level, idx), h) for level, idx, h in rows)
            marks = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
            self._defer(
                f"INSERT INTO nodes (production, level, idx, hash) VALUES {marks}",
                [v for level, idx, h in rows for v in (self.slug, level, idx, h)],
            )
            return None
        self._copy(
            "COPY nodes (production, level, idx, hash) FROM STDIN (FORMAT BINARY)",
            ("text", "int4", "int8", "bytea"),
            ((self.slug, level, idx, h) for level, idx, h in rows),
        )

    def _copy(self, statement: str, types: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        # COPY: one stream for a big batch instead of a statement per row.
        self._send_pending()
        cur: psycopg.Cursor[Any] = self._cur
        with cur.copy(statement) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _cursor_for_stream(self) -> psycopg.ServerCursor[Any]:
        # A named cursor lives on the server until the transaction ends; the
        # session closes them all then (no round trip once the transaction is over).
        self._send_pending()
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
                    session._send_pending()
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

        def inserted(cur: psycopg.Cursor[Any]) -> Callable[[], tuple[ProductionInfo, _Known]]:
            made = insert(cur)
            return lambda: (made, _Known({}, {}))

        with self._session(info.slug, _WRITE, inserted, pipelined=False) as session:
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

        def find(cur: psycopg.Cursor[Any]) -> Callable[[], tuple[ProductionInfo, _Known]]:
            cur.execute(
                "SELECT slug, name, origin, verifier_key, size, created_at "
                "FROM productions WHERE slug = %s",
                (slug,),
            )
            return lambda: (self._found(slug, cur.fetchone()), _Known({}, {}))

        with self._session(slug, _READ, find) as session:
            yield session

    @contextmanager
    def write(self, slug: str) -> Iterator[SqlSession]:
        """A write session on one production, once every earlier writer of it has finished.

        Raises:
            ProductionNotFound: no production ``slug``.
            StoreUnavailable: another writer held it longer than the lock timeout.
        """

        def lock(cur: psycopg.Cursor[Any]) -> Callable[[], tuple[ProductionInfo, _Known]]:
            # The production's row is its writers' lock (DESIGN, Storage): taken
            # first, held to commit; other productions' rows stay free.
            cur.execute(_LOCK_AND_READ, {"slug": slug})
            return lambda: self._locked(slug, cur.fetchall())

        with self._session(slug, _WRITE, lock) as session:
            yield session

    @classmethod
    def _production(cls, cur: psycopg.Cursor[Any], slug: str, *, lock: str) -> ProductionInfo:
        row = cur.execute(
            "SELECT slug, name, origin, verifier_key, size, created_at "
            f"FROM productions WHERE slug = %s{lock}",
            (slug,),
        ).fetchone()
        return cls._found(slug, row)

    @staticmethod
    def _found(slug: str, row: Sequence[Any] | None) -> ProductionInfo:
        if row is None:
            raise ProductionNotFound(f"there is no production {slug!r} in this database")
        return ProductionInfo(*row)

    @classmethod
    def _locked(cls, slug: str, rows: list[tuple[Any, ...]]) -> tuple[ProductionInfo, _Known]:
        """The locked row and what _LOCK_AND_READ read beside it, if it is whole.

        At READ COMMITTED a row locked after waiting is its newest version, but the rest of
        the statement reads the snapshot taken before the wait: the writer just committed
        may be missing from it. Its checkpoint at the row's size is then missing too (both
        commit together), and nothing is kept: the session reads again when asked.
        """
        head = [r for r in rows if r[0] == "p"]
        info = cls._found(slug, head[0][1:7] if head else None)
        # Columns: kind, the row's six, then a node's level and hash, a checkpoint's note
        # (a node's index and a checkpoint's size in the row's size column).
        peaks = {(int(r[7]), int(r[5])): r[8] for r in rows if r[0] == "n"}
        notes = {int(r[5]): str(r[9]) for r in rows if r[0] == "c"}
        if info.size not in notes or any(h is None for h in peaks.values()):
            return info, _Known({}, {})
        return info, _Known({c: bytes(h) for c, h in peaks.items()}, notes)

    @contextmanager
    def _session(
        self,
        slug: str,
        begin: str,
        start: Callable[[psycopg.Cursor[Any]], Callable[[], tuple[ProductionInfo, _Known]]],
        *,
        pipelined: bool = True,
    ) -> Iterator[SqlSession]:
        """One transaction on ``slug``, begun by ``start`` (which finds or locks its row).

        BEGIN and ``start``'s statement go in one round trip (``pipelined``); the writes
        the session defers go with the COMMIT in another.
        """
        session: _PgSession | None = None
        try:
            with self._translated(slug):
                conn, cur, (info, known) = self._begin(begin, start, pipelined=pipelined)
                try:
                    session = _PgSession(cur, slug, info, known)
                    yield session
                    self._commit(conn, session)
                except BaseException:
                    if not conn.closed and conn.info.transaction_status != _IDLE:
                        self._rollback(conn)
                    raise
                finally:
                    cur.close()
            session.committed()
        finally:
            if session is not None:
                # After the transaction: the server closed its cursors already.
                session._close_streams()

    def _begin(
        self,
        begin: str,
        start: Callable[[psycopg.Cursor[Any]], Callable[[], tuple[ProductionInfo, _Known]]],
        *,
        pipelined: bool,
    ) -> tuple[psycopg.Connection[Any], psycopg.Cursor[Any], tuple[ProductionInfo, _Known]]:
        """BEGIN and ``start``'s first statement, in one round trip when ``pipelined``."""
        for attempt in (1, 2):
            conn = self._conn
            cur = conn.cursor()
            try:
                if pipelined:
                    with conn.pipeline():
                        conn.execute(begin)
                        read = start(cur)
                else:
                    conn.execute(begin)
                    read = start(cur)
                return conn, cur, read()
            except psycopg.Error as e:
                cur.close()
                if conn.closed or conn.broken:
                    # The server dropped this idle connection (a restart, an administrator):
                    # nothing was done in it, so one fresh connection is safe to try.
                    self._drop_if_broken(conn, force=True)
                    if attempt == 1:
                        continue
                    raise StoreUnavailable(
                        f"cannot begin a transaction on {self._where}: {e}"
                    ) from e
                self._rollback(conn)
                raise
            except BaseException:
                cur.close()
                self._rollback(conn)
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _commit(self, conn: psycopg.Connection[Any], session: _PgSession) -> None:
        """Send the session's deferred writes and COMMIT in one round trip.

        Raises:
            StoreUnavailable: the connection failed: the writes may or may not be stored.
            psycopg.Error: a write or the commit was refused (rolled back by the caller).
        """
        try:
            session._send_pending(commit=True)
        except psycopg.OperationalError as e:
            if not (conn.closed or conn.broken):
                raise
            self._drop_if_broken(conn)
            # The server may or may not have committed; the caller must not assume it did.
            raise StoreUnavailable(
                f"the connection to {self._where} failed while committing; "
                f"the last change may or may not be stored: {e}"
            ) from e
