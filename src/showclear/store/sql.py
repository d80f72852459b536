"""Backend-neutral SQL for the storage port, over any DB-API 2 connection.

Backends differ only in how they connect, lock a production for writing, and
spell a parameter; the queries here are written once with ``?`` placeholders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from importlib import resources
from typing import Any

from showclear.store.base import (
    JSON,
    EntryRow,
    LoginRow,
    ProductionInfo,
    WitnessRefusalRow,
    WitnessStateRow,
)
from showclear.store.errors import DatabaseDamaged, ProductionNotFound, SchemaError, StoreError
from showclear.store.mirror_sql import MirrorSql
from showclear.store.refs import refs_of_data

__all__ = ["SqlSession", "after_migration", "migration_files"]

#: The most parameters one statement binds (SQLite allows 32,766 since 3.32; PostgreSQL
#: 65,535): a batch of rows is inserted by as few multi-row statements as this allows.
_MAX_PARAMS = 8000


def migration_files() -> list[tuple[int, str]]:
    """Return ``(version, sql)`` for every migration shipped, in order."""
    found = []
    for item in resources.files("showclear.store").joinpath("migrations").iterdir():
        name = item.name
        if name.endswith(".sql"):
            found.append((int(name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


LATEST_SCHEMA = migration_files()[-1][0]


def _as_bytes(value: Any) -> bytes:
    """A stored hash or entry as bytes, whatever type a tampered row gives back.

    The schema stores bytes, but SQLite lets anyone with the file store text or
    numbers in any column; verification must then report a mismatch, not crash.
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    return b"" if value is None else str(value).encode("ascii")


def _as_index(value: Any, what: str) -> int:
    """A stored index or level as an int; a non-integer is a damaged row."""
    if type(value) is int:
        return value
    raise StoreError(f"{what} has the non-integer index {value!r} (the database was altered)")


#: The lowest index a BIGINT holds: a stream from here sees rows stored below 0 too.
_LOWEST = -(2**63)
_MOD = 2**64


def _row_hash(kind: str, ref: str, index: int) -> int:
    digest = hashlib.blake2b(f"{kind}\0{ref}\0{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _record(key: str, value: Any) -> JSON:
    """A stored state record decoded; one that is not JSON is a damaged database."""
    try:
        return json.loads(value)
    except (ValueError, TypeError) as e:
        raise DatabaseDamaged(
            f"the stored state record {key!r} cannot be read ({e}): the database is "
            "damaged; nothing was recorded. The ledger is the record: run `showclear repair "
            "projection` to rebuild the state from it (the ledger is verified first)"
        ) from e


def after_migration(version: int, cursor: Any, session_for: Callable[[str], SqlSession]) -> None:
    """What a migration needs beyond its SQL, run in its transaction once it is applied.

    Schema 6 back-fills the entry index of every production from its stored entries
    (``session_for(slug)`` is a session on ``cursor``'s transaction).
    """
    if version == 6:
        slugs = [str(row[0]) for row in cursor.execute("SELECT slug FROM productions").fetchall()]
        for slug in slugs:
            session_for(slug).rebuild_entry_refs()


def split_statements(sql: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside statements)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class SqlSession(MirrorSql):
    """One transaction on one production, over a DB-API cursor."""

    def __init__(self, cursor: Any, slug: str, param: str = "?") -> None:
        self._cur = cursor
        self.slug = slug
        self._param = param
        self._info: ProductionInfo | None = None
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this transaction has committed (the backend calls
        :meth:`committed`)."""
        self._after_commit.append(action)

    def committed(self) -> None:
        """The backend committed this session's transaction: run the waiting actions."""
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def _q(self, sql: str, args: Sequence[Any] = ()) -> Any:
        if self._param != "?":
            sql = sql.replace("?", self._param)
        self._cur.execute(sql, args)
        return self._cur

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._param != "?":
            sql = sql.replace("?", self._param)
        self._cur.executemany(sql, rows)

    # -- reads -------------------------------------------------------------

    def production(self) -> ProductionInfo:
        # Within one transaction the row can only change through set_size below.
        if self._info is not None:
            return self._info
        row = self._q(
            "SELECT slug, name, origin, verifier_key, size, created_at "
            "FROM productions WHERE slug = ?",
            (self.slug,),
        ).fetchone()
        if row is None:
            raise ProductionNotFound(f"there is no production {self.slug!r} in this database")
        self._info = ProductionInfo(*row)
        return self._info

    def size(self) -> int:
        return self.production().size

    def entry(self, index: int) -> EntryRow:
        row = self._q(
            "SELECT data, leaf_hash FROM entries WHERE production = ? AND idx = ?",
            (self.slug, index),
        ).fetchone()
        if row is None:
            raise StoreError(f"entry {index} is not in the ledger of {self.slug!r}")
        return EntryRow(index, _as_bytes(row[0]), _as_bytes(row[1]))

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[EntryRow]:
        sql = "SELECT idx, data, leaf_hash FROM entries WHERE production = ? AND idx >= ?"
        args: list[Any] = [self.slug, start]
        if end is not None:
            sql += " AND idx < ?"
            args.append(end)
        yield from self._stream_entries(sql + " ORDER BY idx", args)

    def entries_naming(
        self, kind: str, ref: str, start: int = 0, limit: int | None = None
    ) -> Iterator[EntryRow]:
        """The entries from index ``start`` on that name ``ref`` as a ``kind``, in index order.

        Read through the entry index (schema 6): only those entries, however long the ledger.
        """
        sql = (
            "SELECT e.idx, e.data, e.leaf_hash FROM entry_refs AS r JOIN entries AS e "
            "ON e.production = r.production AND e.idx = r.idx "
            "WHERE r.production = ? AND r.kind = ? AND r.ref = ? AND r.idx >= ? ORDER BY r.idx"
        )
        args: list[Any] = [self.slug, kind, ref, start]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(max(0, limit))
        yield from self._stream_entries(sql, args)

    def _stream_entries(self, sql: str, args: Sequence[Any]) -> Iterator[EntryRow]:
        cur = self._cursor_for_stream()
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql, args)
        while rows := cur.fetchmany(2048):
            for idx, data, leaf in rows:
                yield EntryRow(
                    idx if type(idx) is int else _as_index(idx, "an entry"),
                    data if type(data) is bytes else _as_bytes(data),
                    leaf if type(leaf) is bytes else _as_bytes(leaf),
                )

    def rebuild_entry_refs(self) -> int:
        """Index every stored entry again from its bytes (schema 6); how many rows it wrote.

        Run by the migration that adds the index and by ``showclear repair index``.
        """
        self._q("DELETE FROM entry_refs WHERE production = ?", (self.slug,))
        written = 0
        batch: list[EntryRow] = []
        for row in self.entries(_LOWEST):
            batch.append(row)
            if len(batch) >= 4096:
                refs = self._refs(batch)
                self._insert("entry_refs", "production, kind, ref, idx", refs)
                written += len(refs)
                batch = []
        refs = self._refs(batch)
        self._insert("entry_refs", "production, kind, ref, idx", refs)
        return written + len(refs)

    def entry_refs_agree(self) -> tuple[int, int] | None:
        """None if the entry index holds exactly what the entries name, else the counts
        ``(expected, stored)`` of its rows.

        Compared by count and by an order-free sum of the rows' hashes, so neither side is
        held in memory.
        """
        expected = stored = 0
        want = have = 0
        for row in self.entries(_LOWEST):
            for kind, ref in refs_of_data(row.data):
                expected += 1
                want = (want + _row_hash(kind, ref, row.index)) % _MOD
        cur = self._cursor_for_stream()
        sql = "SELECT kind, ref, idx FROM entry_refs WHERE production = ?"
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql, (self.slug,))
        while rows := cur.fetchmany(4096):
            for kind, ref, idx in rows:
                stored += 1
                have = (have + _row_hash(str(kind), str(ref), int(idx))) % _MOD
        return None if (expected, want) == (stored, have) else (expected, stored)

    def _cursor_for_stream(self) -> Any:
        # A separate cursor, so streams can interleave with point reads.
        return self._cur.connection.cursor()

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        """The hashes at ``(level, index)`` in at most two queries (a proof or an append
        needs about log2 n of them: one statement each was most of an append's).

        Raises:
            StoreError: a node is missing, naming the first one.
        """
        leaves = sorted({index for level, index in coords if level == 0})
        inner = sorted({(level, index) for level, index in coords if level != 0})
        found: dict[tuple[int, int], bytes] = {}
        if leaves:
            marks = ", ".join("?" * len(leaves))
            rows = self._q(
                f"SELECT idx, leaf_hash FROM entries WHERE production = ? AND idx IN ({marks})",
                [self.slug, *leaves],
            ).fetchall()
            found.update(((0, idx), _as_bytes(h)) for idx, h in rows)
        if inner:
            # One point lookup per node, in one statement: SQLite searches the primary key
            # for each (a row-value IN or a long OR may make it scan every node instead).
            union = " UNION ALL ".join(
                "SELECT level, idx, hash FROM nodes WHERE production = ? AND level = ? AND idx = ?"
                for _ in inner
            )
            rows = self._q(
                union, [value for coord in inner for value in (self.slug, *coord)]
            ).fetchall()
            found.update(((level, idx), _as_bytes(h)) for level, idx, h in rows)
        out = []
        for level, index in coords:
            h = found.get((level, index))
            if h is None:
                raise StoreError(f"tree node ({level}, {index}) of {self.slug!r} is missing")
            out.append(h)
        return out

    def max_level(self) -> int:
        row = self._q("SELECT MAX(level) FROM nodes WHERE production = ?", (self.slug,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def level_nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        cur = self._cursor_for_stream()
        sql = "SELECT idx, hash FROM nodes WHERE production = ? AND level = ? ORDER BY idx"
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql, (self.slug, level))
        while rows := cur.fetchmany(2048):
            for idx, h in rows:
                yield (
                    idx if type(idx) is int else _as_index(idx, f"a tree node at level {level}"),
                    h if type(h) is bytes else _as_bytes(h),
                )

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        cur = self._cursor_for_stream()
        sql = "SELECT size, note FROM checkpoints WHERE production = ? ORDER BY size"
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql, (self.slug,))
        while rows := cur.fetchmany(512):
            for size, note in rows:
                yield _as_index(size, "a checkpoint"), str(note)

    def checkpoint(self, size: int | None = None) -> tuple[int, str]:
        if size is None:
            row = self._q(
                "SELECT size, note FROM checkpoints WHERE production = ? "
                "ORDER BY size DESC LIMIT 1",
                (self.slug,),
            ).fetchone()
        else:
            row = self._q(
                "SELECT size, note FROM checkpoints WHERE production = ? AND size = ?",
                (self.slug, size),
            ).fetchone()
        if row is None:
            what = "checkpoint" if size is None else f"checkpoint at size {size}"
            raise StoreError(f"production {self.slug!r} has no {what}")
        return int(row[0]), str(row[1])

    def projection(self) -> dict[str, JSON]:
        rows = self._q(
            "SELECT key, value FROM projection WHERE production = ?", (self.slug,)
        ).fetchall()
        return {key: _record(key, value) for key, value in rows}

    def record(self, key: str) -> JSON | None:
        row = self._q(
            "SELECT value FROM projection WHERE production = ? AND key = ?", (self.slug, key)
        ).fetchone()
        return None if row is None else _record(key, row[0])

    def records(self, prefix: str) -> dict[str, JSON]:
        # substr, not LIKE: LIKE ignores case in SQLite and treats "_" and "%" as wildcards.
        rows = self._q(
            "SELECT key, value FROM projection WHERE production = ? AND substr(key, 1, ?) = ?",
            (self.slug, len(prefix), prefix),
        ).fetchall()
        return {key: _record(key, value) for key, value in rows}

    # -- writes ------------------------------------------------------------

    def _insert(self, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` with as few multi-row ``INSERT`` statements as the parameters allow."""
        if not rows:
            return
        width = len(rows[0])
        one = "(" + ", ".join([self._param] * width) + ")"
        per = max(1, _MAX_PARAMS // width)
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            values = ", ".join([one] * len(chunk))
            self._cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # our own names
                [value for row in chunk for value in row],
            )

    def add_entries(self, rows: Sequence[EntryRow]) -> None:
        """Store new entries and index them by what each names (schema 6)."""
        slug = self.slug
        self._insert(
            "entries",
            "production, idx, data, leaf_hash",
            [(slug, r.index, r.data, r.leaf_hash) for r in rows],
        )
        self._insert("entry_refs", "production, kind, ref, idx", self._refs(rows))

    def _refs(self, rows: Sequence[EntryRow]) -> list[tuple[str, str, str, int]]:
        slug = self.slug
        return [
            (slug, kind, ref, r.index) for r in rows for kind, ref in sorted(refs_of_data(r.data))
        ]

    def add_nodes(self, rows: Sequence[tuple[int, int, bytes]]) -> None:
        slug = self.slug
        self._insert(
            "nodes",
            "production, level, idx, hash",
            [(slug, level, idx, h) for level, idx, h in rows],
        )

    def add_checkpoint(self, size: int, note: str) -> None:
        self._q(
            "INSERT INTO checkpoints (production, size, note) VALUES (?, ?, ?)",
            (self.slug, size, note),
        )

    def set_size(self, size: int) -> None:
        self._q("UPDATE productions SET size = ? WHERE slug = ?", (size, self.slug))
        if self._info is not None:
            self._info = replace(self._info, size=size)

    def put_projection(self, records: dict[str, JSON | None]) -> None:
        """Write changed records; a value of ``None`` deletes the record."""
        gone = [(self.slug, k) for k, v in records.items() if v is None]
        kept = [
            (self.slug, k, json.dumps(v, sort_keys=True, separators=(",", ":")))
            for k, v in records.items()
            if v is not None
        ]
        if gone:
            self._many("DELETE FROM projection WHERE production = ? AND key = ?", gone)
        if kept:
            self._many(
                "INSERT INTO projection (production, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (production, key) DO UPDATE SET value = excluded.value",
                kept,
            )

    def replace_projection(self, records: dict[str, JSON]) -> None:
        self._q("DELETE FROM projection WHERE production = ?", (self.slug,))
        self.put_projection(dict(records))

    # -- credentials (argon2 hashes only; never in the ledger) ---------------

    def credential(self, person: str) -> tuple[str, int, str | None] | None:
        """``(secret_hash, failures, locked_until)`` of a person, if they have one."""
        row = self._q(
            "SELECT secret_hash, failures, locked_until FROM credentials "
            "WHERE production = ? AND person = ?",
            (self.slug, person),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), row[2])

    def set_credential(self, person: str, secret_hash: str) -> None:
        self._q(
            "INSERT INTO credentials (production, person, secret_hash, failures, locked_until) "
            "VALUES (?, ?, ?, 0, NULL) ON CONFLICT (production, person) DO UPDATE SET "
            "secret_hash = excluded.secret_hash, failures = 0, locked_until = NULL",
            (self.slug, person, secret_hash),
        )

    def set_failures(self, person: str, failures: int, locked_until: str | None) -> None:
        self._q(
            "UPDATE credentials SET failures = ?, locked_until = ? "
            "WHERE production = ? AND person = ?",
            (failures, locked_until, self.slug, person),
        )

    # -- idempotency keys of writes (schema 5; never in the ledger) ----------

    def idempotent(self, person: str, key: str) -> tuple[str, int, int, str] | None:
        """``(request_hash, first_index, size, answer)`` of ``person``'s write under ``key``."""
        row = self._q(
            "SELECT request_hash, first_index, size, answer FROM idempotency "
            "WHERE production = ? AND person = ? AND key = ?",
            (self.slug, person, key),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), int(row[2]), str(row[3]))

    def remember_idempotent(
        self,
        person: str,
        key: str,
        recorded: tuple[str, int, int, str],
        created_at: str,
        forget_before: str,
    ) -> None:
        """Store a write under ``key``; keys created before ``forget_before`` are forgotten."""
        self._q(
            "DELETE FROM idempotency WHERE production = ? AND created_at < ?",
            (self.slug, forget_before),
        )
        request_hash, first_index, size, answer = recorded
        self._q(
            "INSERT INTO idempotency (production, person, key, request_hash, first_index, "
            "size, answer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.slug, person, key, request_hash, first_index, size, answer, created_at),
        )

    # -- sign-in sessions and API tokens (SHA-256 of the secret only) --------

    _LOGIN_COLUMNS = "id, kind, person, token_hash, label, created_at, expires_at, revoked_at"

    def add_login(self, row: LoginRow) -> None:
        self._q(
            "INSERT INTO sessions (production, id, kind, person, token_hash, label, "
            "created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.slug,
                row.id,
                row.kind,
                row.person,
                row.token_hash,
                row.label,
                row.created_at,
                row.expires_at,
                row.revoked_at,
            ),
        )

    def login(self, token_hash: str) -> LoginRow | None:
        """The session or token of this production whose secret hashes to ``token_hash``."""
        row = self._q(
            f"SELECT {self._LOGIN_COLUMNS} FROM sessions WHERE production = ? AND token_hash = ?",
            (self.slug, token_hash),
        ).fetchone()
        return None if row is None else LoginRow(*row)

    def logins(self, person: str | None = None) -> list[LoginRow]:
        """Every session and token of this production (of one person), oldest first."""
        sql = f"SELECT {self._LOGIN_COLUMNS} FROM sessions WHERE production = ?"
        args: list[Any] = [self.slug]
        if person is not None:
            sql += " AND person = ?"
            args.append(person)
        return [LoginRow(*row) for row in self._q(sql + " ORDER BY created_at, id", args)]

    def login_by_id(self, login_id: str) -> LoginRow | None:
        """The session or token of this production with id ``login_id``, by its primary key."""
        row = self._q(
            f"SELECT {self._LOGIN_COLUMNS} FROM sessions WHERE production = ? AND id = ?",
            (self.slug, login_id),
        ).fetchone()
        return None if row is None else LoginRow(*row)

    def revoke_login(self, login_id: str, revoked_at: str) -> bool:
        """Mark a session or token revoked; False if there is none by that id."""
        cur = self._q(
            "UPDATE sessions SET revoked_at = ? WHERE production = ? AND id = ? "
            "AND revoked_at IS NULL",
            (revoked_at, self.slug, login_id),
        )
        return bool(cur.rowcount)

    def revoke_logins(self, person: str, revoked_at: str) -> int:
        """Revoke every live session and token of ``person``; how many there were."""
        cur = self._q(
            "UPDATE sessions SET revoked_at = ? WHERE production = ? AND person = ? "
            "AND revoked_at IS NULL",
            (revoked_at, self.slug, person),
        )
        return int(cur.rowcount)

    # -- witnesses: cosignatures, each witness's state, refusals (schema 4) ---

    def add_cosignature(
        self, size: int, witness: str, line: str, signed_at: int, received_at: str
    ) -> None:
        """Store a verified cosignature line; a witness's later one for that size replaces it."""
        self._q(
            "INSERT INTO cosignatures (production, size, witness, line, signed_at, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (production, size, witness) DO UPDATE SET "
            "line = excluded.line, signed_at = excluded.signed_at, "
            "received_at = excluded.received_at",
            (self.slug, size, witness, line, signed_at, received_at),
        )

    def cosignatures(self, size: int) -> list[tuple[str, str, int]]:
        rows = self._q(
            "SELECT witness, line, signed_at FROM cosignatures "
            "WHERE production = ? AND size = ? ORDER BY witness",
            (self.slug, size),
        ).fetchall()
        return [(str(w), str(line), int(at)) for w, line, at in rows]

    _WITNESS_COLUMNS = (
        "witness, known_size, cosigned_size, cosigned_at, failures, last_attempt, "
        "next_attempt, last_error"
    )

    def witness_states(self) -> list[WitnessStateRow]:
        rows = self._q(
            f"SELECT {self._WITNESS_COLUMNS} FROM witness_state WHERE production = ? "
            "ORDER BY witness",
            (self.slug,),
        ).fetchall()
        return [WitnessStateRow(*row) for row in rows]

    def put_witness_state(self, row: WitnessStateRow) -> None:
        self._q(
            f"INSERT INTO witness_state (production, {self._WITNESS_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (production, witness) DO UPDATE SET "
            "known_size = excluded.known_size, cosigned_size = excluded.cosigned_size, "
            "cosigned_at = excluded.cosigned_at, failures = excluded.failures, "
            "last_attempt = excluded.last_attempt, next_attempt = excluded.next_attempt, "
            "last_error = excluded.last_error",
            (
                self.slug,
                row.witness,
                row.known_size,
                row.cosigned_size,
                row.cosigned_at,
                row.failures,
                row.last_attempt,
                row.next_attempt,
                row.last_error,
            ),
        )

    def add_witness_refusal(self, row: WitnessRefusalRow) -> None:
        self._q(
            "INSERT INTO witness_refusals (production, witness, at, status, size, request, "
            "response) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.slug, row.witness, row.at, row.status, row.size, row.request, row.response),
        )

    def witness_refusals(self) -> list[WitnessRefusalRow]:
        rows = self._q(
            "SELECT witness, at, status, size, request, response FROM witness_refusals "
            "WHERE production = ? ORDER BY at, witness",
            (self.slug,),
        ).fetchall()
        return [WitnessRefusalRow(*row) for row in rows]


def check_schema(version: int) -> None:
    """Refuse a database whose schema is newer than this program knows."""
    if version > LATEST_SCHEMA:
        raise SchemaError(
            f"this database has schema version {version}, newer than this showclear "
            f"understands ({LATEST_SCHEMA}); upgrade showclear before using it"
        )
