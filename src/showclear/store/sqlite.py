"""The embedded SQLite backend: one file, WAL mode, ``synchronous=FULL``.

A writer takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so
writers serialize and a ledger never forks; readers see a consistent snapshot
in WAL mode while a writer works.

The store is safe to share between threads (the API serves requests on a pool
of them): each thread gets its own connection, since a SQLite connection holds
one transaction at a time, closed when its thread ends (``store/threads.py``).
Writers of every process take turns before asking SQLite for its write lock
(``store/queue.py``): each wakes as soon as the writer ahead of it is done, in the
order they came, instead of polling SQLite's busy handler (which sleeps up to 100 ms
while the writer that just committed begins again).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from showclear.store.base import ProductionInfo
from showclear.store.errors import (
    DatabaseDamaged,
    DiskFull,
    ProductionExists,
    ProductionNotFound,
    StoreError,
    StoreUnavailable,
)
from showclear.store.queue import writer_queue
from showclear.store.sql import (
    LATEST_SCHEMA,
    SqlSession,
    after_migration,
    check_schema,
    migration_files,
    split_statements,
)
from showclear.store.threads import ThreadConnections

__all__ = ["SQLiteStore"]

_BUSY_TIMEOUT_MS = 30_000

#: What a writer turned away after waiting is told to wait before trying again.
_RETRY_AFTER_SECONDS = 5


def _decode_text(raw: bytes) -> str:
    # Invalid UTF-8 becomes U+FFFD, so the text differs from anything we wrote.
    return raw.decode("utf-8", "replace")


# SQLite's primary result codes (https://sqlite.org/rescode.html) that are not the caller's.
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26


def classify(e: sqlite3.Error, path: Path) -> StoreError | None:
    """A full disk or a damaged file as the store error that says so, else None."""
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    if code == _SQLITE_FULL or "disk is full" in str(e):
        return DiskFull(
            f"the disk holding the database {path} is full ({e}): nothing was recorded. "
            "Free space on that disk, then try again (docs/operations.md, 'A full disk')"
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in str(e):
        return DatabaseDamaged(
            f"the database {path} is damaged ({e}): nothing was recorded, and no write is "
            "taken until it is repaired. Run `showclear check` to see what is damaged and "
            "how to repair it (docs/operations.md, 'A damaged database')"
        )
    return None


def _full_disk(e: sqlite3.Error, path: Path) -> StoreError | None:
    """An I/O error opening a database on a disk with no room left is a full disk."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free >= 256 * 1024:
        return None
    return DiskFull(
        f"the disk holding the database {path} is full ({free:,} bytes free; {e}): nothing "
        "was recorded. Free space on that disk, then try again (docs/operations.md, "
        "'A full disk')"
    )


class SQLiteStore:
    """A showclear database in one SQLite file."""

    def __init__(self, path: str | Path, *, migrate: bool = True) -> None:
        self.path = Path(path)
        self.url = str(self.path)
        self._connections = ThreadConnections[sqlite3.Connection](sqlite3.Connection.close)
        self._damaged: DatabaseDamaged | None = None  # once seen, no more writes (issue 15)
        self._read_only: str | None = None  # why it was opened read-only, if it was
        check_schema(self.schema_version())  # opens this thread's connection first
        if migrate:
            self.migrate()

    @property
    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use, closed when the thread ends."""
        conn = self._connections.get()
        if conn is None:
            conn = self._connect()
            self._connections.put(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,  # close() may run on another thread
            )
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk when it returns (WAL + NORMAL could lose it).
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            # SQLite stores whatever bytes it is given in a TEXT column; a note
            # altered into invalid UTF-8 must fail verification, not the read.
            conn.text_factory = _decode_text
        except sqlite3.Error as e:
            known = classify(e, self.path) or _full_disk(e, self.path)
            if known is None and self.path.is_file():
                read_only = self._connect_read_only()
                if read_only is not None:
                    self._read_only = f"{e}"
                    return read_only
            raise known or StoreUnavailable(f"cannot open the database {self.path}: {e}") from e
        return conn

    def _connect_read_only(self) -> sqlite3.Connection | None:
        """A connection that only reads, for a copy on a read-only disk or folder (verify).

        A WAL database whose folder cannot take its ``-shm`` file opens only as
        immutable: fine for a copy nobody writes; any write is refused by SQLite.
        """
        uri = self.path.resolve().as_uri()
        for options in ("mode=ro", "mode=ro&immutable=1"):
            try:
                conn = sqlite3.connect(
                    f"{uri}?{options}",
                    uri=True,
                    isolation_level=None,
                    timeout=_BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                continue
            conn.text_factory = _decode_text
            return conn
        return None

    def close(self) -> None:
        self._connections.close_all()

    def schema_version(self) -> int:
        try:
            row = self._conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        except sqlite3.OperationalError:
            return 0
        except sqlite3.DatabaseError as e:
            raise self._classified(e) or StoreUnavailable(f"{self.path}: {e}") from e
        return int(row[0] or 0)

    def _classified(self, e: sqlite3.Error) -> StoreError | None:
        known = classify(e, self.path)
        if isinstance(known, DatabaseDamaged):
            self._damaged = known
        return known

    def _writable(self) -> None:
        if self._damaged is not None:
            raise DatabaseDamaged(f"no write is taken: {self._damaged}")
        if self._read_only is not None:
            raise StoreUnavailable(
                f"the database {self.path} could be opened only to read "
                f"({self._read_only}): it can be verified and viewed, not written. "
                "Check that its disk is not read-only and that this user may write its folder"
            )

    def migrate(self) -> list[int]:
        """Apply every shipped migration newer than the database; return their versions.

        Every CLI start calls this: an up-to-date schema is read without the write lock,
        so a read-only command never waits for a writer (or makes one wait).
        """
        current = self.schema_version()
        check_schema(current)
        if current >= LATEST_SCHEMA:
            return []
        applied: list[int] = []
        with self._transaction(immediate=True) as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = self.schema_version()
            check_schema(current)
            for version, sql in migration_files():
                if version <= current:
                    continue
                for statement in split_statements(sql):
                    cur.execute(statement.replace("/*WITHOUT ROWID*/", "WITHOUT ROWID"))
                after_migration(version, cur, lambda slug: SqlSession(cur, slug))
                cur.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                applied.append(version)
        return applied

    @contextmanager
    def _transaction(self, *, immediate: bool) -> Iterator[sqlite3.Cursor]:
        if immediate:
            # Writers of every process take turns in the order they came (store/queue.py,
            # issue 17), and a writer waits a bounded time (issue 15: 44.8 s observed).
            queue = writer_queue(self.path)
            with (
                queue.turn(_BUSY_TIMEOUT_MS / 1000, retry_after=_RETRY_AFTER_SECONDS),
                self._begin(immediate=True) as cur,
            ):
                yield cur
        else:
            with self._begin(immediate=False) as cur:
                yield cur

    @contextmanager
    def _begin(self, *, immediate: bool) -> Iterator[sqlite3.Cursor]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        except sqlite3.OperationalError as e:
            raise StoreUnavailable(f"the database {self.path} is busy: {e}") from e
        try:
            yield cur
        except sqlite3.Error as e:
            with suppress(sqlite3.Error):
                self._conn.rollback()
            known = self._classified(e)
            if known is None:
                raise
            raise known from e
        except BaseException:
            self._conn.rollback()
            raise
        else:
            try:
                self._conn.commit()
            except sqlite3.Error as e:
                with suppress(sqlite3.Error):
                    self._conn.rollback()
                known = self._classified(e)
                raise known or StoreError(f"could not commit to {self.path}: {e}") from e

    @contextmanager
    def create_production(self, info: ProductionInfo) -> Iterator[SqlSession]:
        """Insert a production and yield a write session on it, in one transaction."""
        self._writable()
        with self._transaction(immediate=True) as cur:
            try:
                cur.execute(
                    "INSERT INTO productions "
                    "(slug, name, origin, verifier_key, size, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        info.slug,
                        info.name,
                        info.origin,
                        info.verifier_key,
                        info.size,
                        info.created_at,
                    ),
                )
            except sqlite3.IntegrityError as e:
                raise ProductionExists(
                    f"a production with slug {info.slug!r} or origin {info.origin!r} "
                    "already exists in this database"
                ) from e
            session = SqlSession(cur, info.slug)
            yield session
        session.committed()

    def productions(self) -> list[ProductionInfo]:
        try:
            rows = self._conn.execute(
                "SELECT slug, name, origin, verifier_key, size, created_at "
                "FROM productions ORDER BY slug"
            ).fetchall()
        except sqlite3.Error as e:
            raise self._classified(e) or StoreUnavailable(f"{self.path}: {e}") from e
        return [ProductionInfo(*row) for row in rows]

    @contextmanager
    def read(self, slug: str) -> Iterator[SqlSession]:
        with self._session(slug, immediate=False) as session:
            yield session

    @contextmanager
    def write(self, slug: str) -> Iterator[SqlSession]:
        self._writable()
        with self._session(slug, immediate=True) as session:
            yield session

    @contextmanager
    def _session(self, slug: str, *, immediate: bool) -> Iterator[SqlSession]:
        try:
            with self._transaction(immediate=immediate) as cur:
                session = SqlSession(cur, slug)
                session.production()  # raises ProductionNotFound early
                yield session
            session.committed()
        except ProductionNotFound:
            raise
        except sqlite3.IntegrityError as e:
            raise StoreError(f"the database refused a write to {slug!r}: {e}") from e
        except sqlite3.Error as e:
            raise StoreUnavailable(f"database error on {self.path}: {e}") from e
