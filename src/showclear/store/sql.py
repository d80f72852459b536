"""Backend-neutral SQL for the storage port, over any DB-API 2 connection.

Backends differ only in how they connect, lock a production for writing, and
spell a parameter; the queries here are written once with ``?`` placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any

from showclear.store.base import JSON, EntryRow, ProductionInfo
from showclear.store.errors import ProductionNotFound, SchemaError, StoreError

__all__ = ["SqlSession", "migration_files"]


def migration_files() -> list[tuple[int, str]]:
    """Return ``(version, sql)`` for every migration shipped, in order."""
    found = []
    for item in resources.files("showclear.store").joinpath("migrations").iterdir():
        name = item.name
        if name.endswith(".sql"):
            found.append((int(name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


LATEST_SCHEMA = migration_files()[-1][0]


def split_statements(sql: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside statements)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class SqlSession:
    """One transaction on one production, over a DB-API cursor."""

    def __init__(self, cursor: Any, slug: str, param: str = "?") -> None:
        self._cur = cursor
        self.slug = slug
        self._param = param
        self._info: ProductionInfo | None = None

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
        row = self._q(
            "SELECT slug, name, origin, verifier_key, size, created_at "
            "FROM productions WHERE slug = ?",
            (self.slug,),
        ).fetchone()
        if row is None:
            raise ProductionNotFound(f"there is no production {self.slug!r} in this database")
        return ProductionInfo(*row)

    def size(self) -> int:
        return self.production().size

    def entry(self, index: int) -> EntryRow:
        row = self._q(
            "SELECT idx, data, leaf_hash FROM entries WHERE production = ? AND idx = ?",
            (self.slug, index),
        ).fetchone()
        if row is None:
            raise StoreError(f"entry {index} is not in the ledger of {self.slug!r}")
        return EntryRow(int(row[0]), bytes(row[1]), bytes(row[2]))

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[EntryRow]:
        sql = "SELECT idx, data, leaf_hash FROM entries WHERE production = ? AND idx >= ?"
        args: list[Any] = [self.slug, start]
        if end is not None:
            sql += " AND idx < ?"
            args.append(end)
        cur = self._cursor_for_stream()
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql + " ORDER BY idx", args)
        while rows := cur.fetchmany(2048):
            for idx, data, leaf in rows:
                yield EntryRow(int(idx), bytes(data), bytes(leaf))

    def _cursor_for_stream(self) -> Any:
        # A separate cursor, so streams can interleave with point reads.
        return self._cur.connection.cursor()

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        out = []
        for level, index in coords:
            if level == 0:
                row = self._q(
                    "SELECT leaf_hash FROM entries WHERE production = ? AND idx = ?",
                    (self.slug, index),
                ).fetchone()
            else:
                row = self._q(
                    "SELECT hash FROM nodes WHERE production = ? AND level = ? AND idx = ?",
                    (self.slug, level, index),
                ).fetchone()
            if row is None:
                raise StoreError(f"tree node ({level}, {index}) of {self.slug!r} is missing")
            out.append(bytes(row[0]))
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
                yield int(idx), bytes(h)

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        cur = self._cursor_for_stream()
        sql = "SELECT size, note FROM checkpoints WHERE production = ? ORDER BY size"
        if self._param != "?":
            sql = sql.replace("?", self._param)
        cur.execute(sql, (self.slug,))
        while rows := cur.fetchmany(512):
            for size, note in rows:
                yield int(size), str(note)

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
            what = "any checkpoint" if size is None else f"a checkpoint at size {size}"
            raise StoreError(f"production {self.slug!r} has no {what}")
        return int(row[0]), str(row[1])

    def projection(self) -> dict[str, JSON]:
        rows = self._q(
            "SELECT key, value FROM projection WHERE production = ?", (self.slug,)
        ).fetchall()
        return {key: json.loads(value) for key, value in rows}

    # -- writes ------------------------------------------------------------

    def add_entries(self, rows: Sequence[EntryRow]) -> None:
        self._many(
            "INSERT INTO entries (production, idx, data, leaf_hash) VALUES (?, ?, ?, ?)",
            [(self.slug, r.index, r.data, r.leaf_hash) for r in rows],
        )

    def add_nodes(self, rows: Sequence[tuple[int, int, bytes]]) -> None:
        self._many(
            "INSERT INTO nodes (production, level, idx, hash) VALUES (?, ?, ?, ?)",
            [(self.slug, level, idx, h) for level, idx, h in rows],
        )

    def add_checkpoint(self, size: int, note: str) -> None:
        self._q(
            "INSERT INTO checkpoints (production, size, note) VALUES (?, ?, ?)",
            (self.slug, size, note),
        )

    def set_size(self, size: int) -> None:
        self._q("UPDATE productions SET size = ? WHERE slug = ?", (size, self.slug))

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


def check_schema(version: int) -> None:
    """Refuse a database whose schema is newer than this program knows."""
    if version > LATEST_SCHEMA:
        raise SchemaError(
            f"this database has schema version {version}, newer than this showclear "
            f"understands ({LATEST_SCHEMA}); upgrade showclear before using it"
        )
