"""The SQL of mirrors (schema 7), mixed into :class:`showclear.store.sql.SqlSession`.

A production is a mirror iff it has a ``mirrors`` row (``migrations/0007_mirrors.sql``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from showclear.store.base import MirrorForkRow, MirrorRow

__all__ = ["MirrorSql"]


class MirrorSql:
    """Queries on ``mirrors`` and ``mirror_forks`` for one production's session."""

    slug: str
    _info: Any  # SqlSession's cached production row

    def _q(self, sql: str, args: Sequence[Any] = ()) -> Any:
        raise NotImplementedError  # SqlSession's

    def mirror(self) -> MirrorRow | None:
        row = self._q(
            "SELECT source, synced_at, synced_size, created_at, upload_token_hash "
            "FROM mirrors WHERE production = ?",
            (self.slug,),
        ).fetchone()
        if row is None:
            return None
        source, synced_at, synced_size, created_at, token_hash = row
        return MirrorRow(str(source), synced_at, int(synced_size), str(created_at), token_hash)

    def add_mirror(self, row: MirrorRow) -> None:
        self._q(
            "INSERT INTO mirrors (production, source, synced_at, synced_size, created_at, "
            "upload_token_hash) VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.slug,
                row.source,
                row.synced_at,
                row.synced_size,
                row.created_at,
                row.upload_token_hash,
            ),
        )

    def set_mirror_synced(self, synced_at: str, synced_size: int) -> None:
        self._q(
            "UPDATE mirrors SET synced_at = ?, synced_size = ? WHERE production = ?",
            (synced_at, synced_size, self.slug),
        )

    def remove_mirror(self) -> None:
        self._q("DELETE FROM mirrors WHERE production = ?", (self.slug,))

    def set_mirrored_identity(self, name: str, created_at: str) -> None:
        self._q(
            "UPDATE productions SET name = ?, created_at = ? WHERE slug = ?",
            (name, created_at, self.slug),
        )
        self._info = None  # read again, with the name and time entry 0 records

    def checkpoint_sizes(self, after: int, upto: int, limit: int) -> list[int]:
        rows = self._q(
            "SELECT size FROM checkpoints WHERE production = ? AND size > ? AND size <= ? "
            "ORDER BY size LIMIT ?",
            (self.slug, after, upto, limit),
        ).fetchall()
        return [int(row[0]) for row in rows]

    def add_mirror_fork(self, row: MirrorForkRow) -> None:
        self._q(
            "INSERT INTO mirror_forks (production, received_at, held_note, offered_note, "
            "detail) VALUES (?, ?, ?, ?, ?)",
            (self.slug, row.received_at, row.held_note, row.offered_note, row.detail),
        )

    def mirror_forks(self) -> list[MirrorForkRow]:
        rows = self._q(
            "SELECT received_at, held_note, offered_note, detail FROM mirror_forks "
            "WHERE production = ? ORDER BY received_at",
            (self.slug,),
        ).fetchall()
        return [MirrorForkRow(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]
