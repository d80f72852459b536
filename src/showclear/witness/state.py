"""The witness's durable state: the latest cosigned checkpoint per origin, and fork evidence.

One SQLite file (``witness.db``) in WAL mode with ``synchronous=FULL``: a cosignature is
returned only after the checkpoint it vouches for is on disk, so a witness killed at any
instant and restarted never holds less than it has cosigned (C2SP tlog-witness: "The
witness MUST persist the new checkpoint before responding").

Checking ``old`` against the held size and storing the new checkpoint happen in one
``BEGIN IMMEDIATE`` transaction (the spec's race of two requests from the same old size):
SQLite lets one writer in at a time, so the second request reads the first one's size and
is refused with 409.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from showclear.witness.errors import WitnessConfigError

__all__ = ["Fork", "Held", "Transaction", "WitnessState"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    origin      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    root        BLOB NOT NULL CHECK (length(root) = 32),
    note        TEXT NOT NULL,     -- body, the log's verified signatures, this cosignature
    cosigned_at INTEGER NOT NULL   -- the cosignature's timestamp, POSIX seconds
);
CREATE TABLE IF NOT EXISTS forks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    origin       TEXT NOT NULL,
    kind         TEXT NOT NULL,    -- 'same-size' (two roots for one size) or 'inconsistent'
    held_size    INTEGER NOT NULL,
    held_note    TEXT NOT NULL,    -- the checkpoint the witness held, with its signatures
    offered_size INTEGER NOT NULL,
    offered_note TEXT NOT NULL,    -- the checkpoint it refused, as the log signed it
    proof        TEXT NOT NULL,    -- the request's old line and proof lines
    recorded_at  INTEGER NOT NULL,
    UNIQUE (origin, held_size, offered_note)
);
"""


@dataclass(frozen=True, slots=True)
class Held:
    """The latest checkpoint the witness cosigned for one origin."""

    origin: str
    size: int
    root: bytes
    note: str
    cosigned_at: int


@dataclass(frozen=True, slots=True)
class Fork:
    """Evidence that a log signed two views that cannot both be true."""

    id: int
    origin: str
    kind: str
    held_size: int
    held_note: str
    offered_size: int
    offered_note: str
    proof: str
    recorded_at: int


class Transaction:
    """One write transaction on the witness state (see :meth:`WitnessState.transaction`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def held(self, origin: str) -> Held | None:
        """The checkpoint held for ``origin``, or None if none was ever cosigned."""
        row = self._db.execute(
            "SELECT origin, size, root, note, cosigned_at FROM checkpoints WHERE origin = ?",
            (origin,),
        ).fetchone()
        return None if row is None else Held(row[0], row[1], bytes(row[2]), row[3], row[4])

    def store(self, held: Held) -> None:
        """Replace the checkpoint held for its origin."""
        self._db.execute(
            "INSERT INTO checkpoints (origin, size, root, note, cosigned_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET "
            "size = excluded.size, root = excluded.root, note = excluded.note, "
            "cosigned_at = excluded.cosigned_at",
            (held.origin, held.size, held.root, held.note, held.cosigned_at),
        )

    def record_fork(
        self, held: Held, *, kind: str, offered_size: int, offered_note: str, proof: str, at: int
    ) -> None:
        """Keep a refused checkpoint beside the one held, once per pair."""
        self._db.execute(
            "INSERT OR IGNORE INTO forks (origin, kind, held_size, held_note, offered_size, "
            "offered_note, proof, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (held.origin, kind, held.size, held.note, offered_size, offered_note, proof, at),
        )


class WitnessState:
    """The SQLite file that holds what a witness has cosigned."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            db = self._connect()
        except sqlite3.Error as e:
            raise WitnessConfigError(f"cannot open the witness state {path}: {e}") from e
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
        except sqlite3.Error as e:
            raise WitnessConfigError(f"cannot open the witness state {path}: {e}") from e
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        # FULL: a commit is on disk (WAL fsynced) before the cosignature leaves.
        db.execute("PRAGMA synchronous = FULL")
        return db

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A ``BEGIN IMMEDIATE`` transaction: committed if the block ends normally.

        Raises:
            WitnessConfigError: the database cannot be written (disk full, locked too long);
                nothing of the block is kept, and nothing was cosigned.
        """
        try:
            db = self._connect()
        except sqlite3.Error as e:
            raise WitnessConfigError(f"cannot open the witness state {self.path}: {e}") from e
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as e:
            raise WitnessConfigError(f"the witness state {self.path} cannot be written: {e}") from e
        finally:
            db.close()

    def held(self, origin: str) -> Held | None:
        """The checkpoint held for ``origin``, or None."""
        db = self._connect()
        try:
            return Transaction(db).held(origin)
        finally:
            db.close()

    def all_held(self) -> list[Held]:
        """Every origin's held checkpoint, by origin."""
        db = self._connect()
        try:
            rows = db.execute(
                "SELECT origin, size, root, note, cosigned_at FROM checkpoints ORDER BY origin"
            ).fetchall()
        finally:
            db.close()
        return [Held(r[0], r[1], bytes(r[2]), r[3], r[4]) for r in rows]

    def forks(self) -> list[Fork]:
        """Every piece of fork evidence, oldest first."""
        db = self._connect()
        try:
            rows = db.execute(
                "SELECT id, origin, kind, held_size, held_note, offered_size, offered_note, "
                "proof, recorded_at FROM forks ORDER BY id"
            ).fetchall()
        finally:
            db.close()
        return [Fork(*row) for row in rows]
