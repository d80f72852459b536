"""The SQL of the studio view: studio accounts (schema 8) and reads across productions.

Everything else in the store works on one production at a time (:class:`SqlSession`); the
studio view lists every production at once, so its reads are batched across productions
instead: one query per kind of record for all the productions it shows, in one
transaction, never one transaction per production (on PostgreSQL each costs round trips)
and never a production's ledger, only the projection's records by their key prefixes and
a few small tables.

:func:`studio_session` opens that transaction on either backend; :class:`StudioSql` holds
the queries, written once with ``?`` placeholders like ``sql.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from showclear.store.base import JSON, Store
from showclear.store.errors import DatabaseDamaged, StoreError, StoreUnavailable

__all__ = [
    "MirrorSummary",
    "StudioAccountRow",
    "StudioSql",
    "WitnessSummary",
    "studio_session",
]

#: Productions named per statement at most (SQLite binds up to 32,766 parameters).
_CHUNK: Final = 500

#: The schema version whose migration creates ``mirrors`` and ``mirror_forks``.
_MIRRORS_SCHEMA: Final = 7


@dataclass(frozen=True, slots=True)
class StudioAccountRow:
    """A studio account: its name, when it was made, the SHA-256 (hex) of its token."""

    name: str
    created_at: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class WitnessSummary:
    """One witness's state for one production, as the studio view needs it."""

    witness: str
    cosigned_size: int
    cosigned_at: str | None
    failures: int


@dataclass(frozen=True, slots=True)
class MirrorSummary:
    """A mirror's sync state (schema 7's ``mirrors`` row) and how many forks it kept."""

    source: str
    synced_at: str | None
    synced_size: int
    forks: int


def _decode(slug: str, key: str, value: Any) -> JSON:
    try:
        return json.loads(value)
    except (ValueError, TypeError) as e:
        raise DatabaseDamaged(
            f"the stored state record {key!r} of production {slug!r} cannot be read ({e}): "
            "the database is damaged. Run `showclear repair projection` on that production"
        ) from e


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class StudioSql:
    """Queries of the studio view over one transaction's DB-API cursor."""

    def __init__(self, cursor: Any, param: str = "?") -> None:
        self._cur = cursor
        self._param = param
        # Where text occurs in text: SQLite's instr, PostgreSQL's strpos (0 when absent).
        self._find = "instr" if param == "?" else "strpos"

    def _q(self, sql: str, args: Sequence[Any] = ()) -> Any:
        if self._param != "?":
            sql = sql.replace("?", self._param)
        self._cur.execute(sql, args)
        return self._cur

    def _in(self, count: int) -> str:
        return ", ".join("?" * count)

    # -- studio accounts (schema 8; never in a ledger) -------------------------------

    def studio_accounts(self) -> list[StudioAccountRow]:
        """Every studio account, by name."""
        rows = self._q("SELECT name, created_at, token_hash FROM studio_accounts ORDER BY name")
        return [StudioAccountRow(str(a), str(b), str(c)) for a, b, c in rows.fetchall()]

    def studio_account(self, name: str) -> StudioAccountRow | None:
        """The account called ``name``, or None."""
        row = self._q(
            "SELECT name, created_at, token_hash FROM studio_accounts WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else StudioAccountRow(str(row[0]), str(row[1]), str(row[2]))

    def studio_account_by_token(self, token_hash: str) -> StudioAccountRow | None:
        """The account whose token hashes to ``token_hash``, or None."""
        row = self._q(
            "SELECT name, created_at, token_hash FROM studio_accounts WHERE token_hash = ?",
            (token_hash,),
        ).fetchone()
        return None if row is None else StudioAccountRow(str(row[0]), str(row[1]), str(row[2]))

    def add_studio_account(self, row: StudioAccountRow) -> None:
        """Store a new account (its name must be free)."""
        self._q(
            "INSERT INTO studio_accounts (name, created_at, token_hash) VALUES (?, ?, ?)",
            (row.name, row.created_at, row.token_hash),
        )

    def remove_studio_account(self, name: str) -> bool:
        """Delete the account ``name``; False if there was none."""
        return bool(self._q("DELETE FROM studio_accounts WHERE name = ?", (name,)).rowcount)

    # -- reads across productions -----------------------------------------------------

    def productions(self) -> list[tuple[str, str, int]]:
        """``(slug, name, size)`` of every production, by slug."""
        rows = self._q("SELECT slug, name, size FROM productions ORDER BY slug").fetchall()
        return [(str(slug), str(name), int(size)) for slug, name, size in rows]

    def records_named(self, slugs: Sequence[str], key: str) -> dict[str, JSON]:
        """The projection record ``key`` of each production in ``slugs`` that has one."""
        found: dict[str, JSON] = {}
        for chunk in _chunks(slugs):
            rows = self._q(
                f"SELECT production, value FROM projection WHERE production IN "
                f"({self._in(len(chunk))}) AND key = ?",
                (*chunk, key),
            ).fetchall()
            for slug, value in rows:
                found[str(slug)] = _decode(str(slug), key, value)
        return found

    def records_by_prefix(
        self,
        slugs: Sequence[str],
        keys: Iterable[str],
        prefixes: Iterable[str],
        unless: Mapping[str, str] | None = None,
    ) -> dict[str, dict[str, JSON]]:
        """Each production's records named in ``keys`` or starting with one of ``prefixes``.

        One query (per :data:`_CHUNK` productions) for every key and prefix at once: on
        PostgreSQL each statement is a round trip. ``unless`` maps a prefix to text whose
        presence in a record's stored JSON leaves the record out, unread (a weapon whose
        ``"location":"storage:`` says it is put away): records are stored as compact JSON
        with sorted keys (``SqlSession.put_projection``), so a top-level field is spelled
        exactly so.
        """
        found: dict[str, dict[str, JSON]] = {slug: {} for slug in slugs}
        named = list(keys)
        # substr and instr/strpos, not LIKE: LIKE ignores case in SQLite, "_" is a wildcard.
        terms: list[str] = []
        values: list[Any] = []
        if named:
            terms.append(f"key IN ({self._in(len(named))})")
            values += named
        for prefix in prefixes:
            skip = (unless or {}).get(prefix)
            terms.append(
                "(substr(key, 1, ?) = ?" + (f" AND {self._find}(value, ?) = 0)" if skip else ")")
            )
            values += [len(prefix), prefix, *([skip] if skip else [])]
        if not terms:
            return found
        for chunk in _chunks(slugs):
            rows = self._q(
                f"SELECT production, key, value FROM projection WHERE production IN "
                f"({self._in(len(chunk))}) AND ({' OR '.join(terms)})",
                (*chunk, *values),
            ).fetchall()
            for slug, key, value in rows:
                found[str(slug)][str(key)] = _decode(str(slug), str(key), value)
        return found

    def witnesses(self, slugs: Sequence[str]) -> dict[str, list[WitnessSummary]]:
        """What each production knows of its witnesses (schema 4), by production."""
        found: dict[str, list[WitnessSummary]] = {}
        for chunk in _chunks(slugs):
            rows = self._q(
                f"SELECT production, witness, cosigned_size, cosigned_at, failures "
                f"FROM witness_state WHERE production IN ({self._in(len(chunk))}) "
                f"ORDER BY production, witness",
                tuple(chunk),
            ).fetchall()
            for slug, witness, size, at, failures in rows:
                found.setdefault(str(slug), []).append(
                    WitnessSummary(str(witness), int(size), at, int(failures))
                )
        return found

    def _pairs(self, count: int) -> str:
        return ", ".join(["(?, ?)"] * count)

    def entry_times(self, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The ``at`` of each entry ``(slug, index)`` asked for that exists (one query)."""
        found: dict[tuple[str, int], str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._q(
                f"SELECT production, idx, data FROM entries WHERE (production, idx) IN "
                f"({self._pairs(len(chunk))})",
                tuple(value for pair in chunk for value in pair),
            ).fetchall()
            for slug, index, data in rows:
                try:
                    at = json.loads(bytes(data)).get("at")
                except (ValueError, TypeError, AttributeError):
                    continue
                if isinstance(at, str):
                    found[(str(slug), int(index))] = at
        return found

    def person_names(self, wanted: Sequence[tuple[str, str]]) -> dict[str, dict[str, str]]:
        """The registered name of each person ``(slug, person)`` asked for, by production."""
        found: dict[str, dict[str, str]] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._q(
                f"SELECT production, key, value FROM projection WHERE (production, key) IN "
                f"({self._pairs(len(chunk))})",
                tuple(value for slug, person in chunk for value in (slug, f"person:{person}")),
            ).fetchall()
            for slug, key, value in rows:
                name = _decode(str(slug), str(key), value).get("name")
                if isinstance(name, str):
                    found.setdefault(str(slug), {})[str(key)[7:]] = name
        return found

    def has_schema(self, version: int) -> bool:
        """Whether migration ``version`` was applied to this database."""
        row = self._q("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone()
        return row is not None

    def mirrors(self, slugs: Sequence[str]) -> dict[str, MirrorSummary] | None:
        """Each mirrored production's sync state, or None if this database has no mirrors
        table yet (schema 7, docs/studio.md)."""
        if not self.has_schema(_MIRRORS_SCHEMA):
            return None
        found: dict[str, MirrorSummary] = {}
        for chunk in _chunks(slugs):
            marks = self._in(len(chunk))
            forks = dict(
                self._q(
                    f"SELECT production, COUNT(*) FROM mirror_forks WHERE production IN "
                    f"({marks}) GROUP BY production",
                    tuple(chunk),
                ).fetchall()
            )
            rows = self._q(
                f"SELECT production, source, synced_at, synced_size FROM mirrors "
                f"WHERE production IN ({marks})",
                tuple(chunk),
            ).fetchall()
            for slug, source, synced_at, synced_size in rows:
                found[str(slug)] = MirrorSummary(
                    str(source), synced_at, int(synced_size), int(forks.get(slug, 0))
                )
            for slug, count in forks.items():
                if str(slug) not in found:  # a fork kept for a production no longer mirrored
                    found[str(slug)] = MirrorSummary("", None, 0, int(count))
        return found


@contextmanager
def studio_session(store: Store, *, write: bool = False) -> Iterator[StudioSql]:
    """One transaction over the whole database (no one production's), for the studio view.

    A read sees one snapshot of every production (PostgreSQL: REPEATABLE READ).

    Raises:
        StoreUnavailable: the database cannot be used, or its backend is not one showclear
            ships.
    """
    # The backends' own transaction helpers, so that errors are classified as for any
    # session (a full disk, a damaged file); imported here: PostgreSQL is optional.
    from showclear.store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        import sqlite3

        if write:
            store._writable()
        try:
            with store._transaction(immediate=write) as cur:
                yield StudioSql(cur)
        except sqlite3.Error as e:
            raise StoreUnavailable(f"database error on {store.path}: {e}") from e
        return
    if store.url.startswith(("postgresql://", "postgres://")):
        from showclear.store import postgres

        if isinstance(store, postgres.PostgresStore):
            begin = postgres._WRITE if write else postgres._READ
            with store._translated(), store._transaction(begin) as cur:
                yield StudioSql(cur, "%s")
            return
    raise StoreError(f"the studio view cannot read a store of type {type(store).__name__}")
