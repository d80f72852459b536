"""The storage port: what the service needs from a database, backend-neutral.

A :class:`Store` holds any number of productions. Work on one production
happens inside :meth:`Store.read` or :meth:`Store.write`, which hand out a
:class:`Session` bound to one transaction; ``write`` serializes writers of the
same production, so its ledger never forks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["EntryRow", "LoginRow", "ProductionInfo", "Session", "Store"]

JSON = Any


@dataclass(frozen=True, slots=True)
class ProductionInfo:
    """One production's identity in the store."""

    slug: str
    name: str
    origin: str
    verifier_key: str
    size: int
    created_at: str


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One stored ledger entry: its index, exact bytes and leaf hash."""

    index: int
    data: bytes
    leaf_hash: bytes

    def event(self) -> JSON:
        """Decode the entry's JSON (the bytes were canonical when appended)."""
        return json.loads(self.data)


@dataclass(frozen=True, slots=True)
class LoginRow:
    """A sign-in session or API token: who it speaks for, until when; only its secret's hash."""

    id: str
    kind: str
    person: str
    token_hash: str
    label: str | None
    created_at: str
    expires_at: str
    revoked_at: str | None


class Session(Protocol):
    """One transaction on one production."""

    slug: str

    def production(self) -> ProductionInfo: ...
    def size(self) -> int: ...
    def entry(self, index: int) -> EntryRow: ...
    def entries(self, start: int = 0, end: int | None = None) -> Iterator[EntryRow]: ...
    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]: ...
    def max_level(self) -> int: ...
    def level_nodes(self, level: int) -> Iterator[tuple[int, bytes]]: ...
    def checkpoints(self) -> Iterator[tuple[int, str]]: ...
    def checkpoint(self, size: int | None = None) -> tuple[int, str]: ...
    def projection(self) -> dict[str, JSON]: ...

    def add_entries(self, rows: Sequence[EntryRow]) -> None: ...
    def add_nodes(self, rows: Sequence[tuple[int, int, bytes]]) -> None: ...
    def add_checkpoint(self, size: int, note: str) -> None: ...
    def set_size(self, size: int) -> None: ...
    def put_projection(self, records: dict[str, JSON | None]) -> None: ...
    def replace_projection(self, records: dict[str, JSON]) -> None: ...

    def credential(self, person: str) -> tuple[str, int, str | None] | None: ...
    def set_credential(self, person: str, secret_hash: str) -> None: ...
    def set_failures(self, person: str, failures: int, locked_until: str | None) -> None: ...

    def add_login(self, row: LoginRow) -> None: ...
    def login(self, token_hash: str) -> LoginRow | None: ...
    def logins(self, person: str | None = None) -> list[LoginRow]: ...
    def revoke_login(self, login_id: str, revoked_at: str) -> bool: ...


class Store(Protocol):
    """A database holding productions, their ledgers and projections."""

    url: str

    def schema_version(self) -> int: ...
    def migrate(self) -> list[int]: ...
    def create_production(self, info: ProductionInfo) -> AbstractContextManager[Session]: ...
    def productions(self) -> list[ProductionInfo]: ...
    def read(self, slug: str) -> AbstractContextManager[Session]: ...
    def write(self, slug: str) -> AbstractContextManager[Session]: ...
    def close(self) -> None: ...
