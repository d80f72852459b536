"""The storage port: what the service needs from a database, backend-neutral.

A :class:`Store` holds any number of productions. Work on one production
happens inside :meth:`Store.read` or :meth:`Store.write`, which hand out a
:class:`Session` bound to one transaction; ``write`` serializes writers of the
same production, so its ledger never forks.

A session has three parts, each a port of its own so that code asks only for
what it uses: :class:`LedgerSession` (entries, tree nodes, checkpoints),
:class:`ProjectionSession` (the current state's records) and
:class:`CredentialSession` (PIN hashes, sign-in sessions and tokens).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "CredentialSession",
    "EntryRow",
    "IdempotencySession",
    "LedgerSession",
    "LoginRow",
    "MirrorForkRow",
    "MirrorRow",
    "MirrorSession",
    "ProductionInfo",
    "ProjectionSession",
    "Session",
    "Store",
    "WitnessRefusalRow",
    "WitnessSession",
    "WitnessStateRow",
]

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


@dataclass(frozen=True, slots=True)
class WitnessStateRow:
    """What the production knows of one witness (schema 4): sizes, last answer, next try."""

    witness: str
    known_size: int = 0  # the size the witness says it holds: the next request's old size
    cosigned_size: int = 0  # the largest checkpoint size it cosigned for this ledger
    cosigned_at: str | None = None
    failures: int = 0  # unanswered requests in a row (the backoff's exponent)
    last_attempt: str | None = None
    next_attempt: str | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class WitnessRefusalRow:
    """A witness refused a checkpoint as inconsistent with its own: evidence of a fork."""

    witness: str
    at: str
    status: int
    size: int
    request: str
    response: str


@dataclass(frozen=True, slots=True)
class MirrorRow:
    """A production this database mirrors (schema 7): where it is written, how fresh it is."""

    source: str  # the writer's URL, or "set"
    synced_at: str | None
    synced_size: int
    created_at: str
    upload_token_hash: str  # SHA-256 (hex) of the upload token; the token is never stored


@dataclass(frozen=True, slots=True)
class MirrorForkRow:
    """A batch a mirror refused as not extending what it holds: both notes, as evidence."""

    received_at: str
    held_note: str
    offered_note: str
    detail: str


class LedgerSession(Protocol):
    """The ledger part of a session: the production's entries, tree nodes and checkpoints."""

    slug: str

    def production(self) -> ProductionInfo:
        """The production's identity and ledger size as of this transaction.

        Raises:
            ProductionNotFound: the production is not in the database.
        """
        ...

    def size(self) -> int:
        """The number of entries in the production's ledger."""
        ...

    def entry(self, index: int) -> EntryRow:
        """The stored entry at ``index``.

        Raises:
            StoreError: no entry at ``index``.
        """
        ...

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[EntryRow]:
        """The stored entries from ``start`` up to (not including) ``end``, in index order."""
        ...

    def entries_naming(
        self, kind: str, ref: str, start: int = 0, limit: int | None = None
    ) -> Iterator[EntryRow]:
        """The entries from index ``start`` on that name ``ref`` as a ``kind`` (``"weapon"``,
        ``"lot"``, ``"person"``, ``"storage"``: :mod:`showclear.store.refs`), in index order,
        at most ``limit`` of them; read through the entry index, never the whole ledger."""
        ...

    def rebuild_entry_refs(self) -> int:
        """Index every stored entry again by what it names; how many index rows it wrote."""
        ...

    def entry_refs_agree(self) -> tuple[int, int] | None:
        """None if the entry index holds exactly what the entries name, else the row counts
        ``(expected, stored)``."""
        ...

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        """The tree hashes at ``(level, index)``, level 0 being the entries' leaf hashes.

        Raises:
            StoreError: a node is missing, naming it.
        """
        ...

    def max_level(self) -> int:
        """The highest level of a stored tree node (0 when only leaves are stored)."""
        ...

    def level_nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        """Every stored ``(index, hash)`` at ``level`` (above 0), in index order."""
        ...

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        """Every signed checkpoint as ``(size, note)``, smallest size first."""
        ...

    def checkpoint(self, size: int | None = None) -> tuple[int, str]:
        """The signed checkpoint at ``size``, or the latest one, as ``(size, note)``.

        Raises:
            StoreError: there is no checkpoint (at that size).
        """
        ...

    def add_entries(self, rows: Sequence[EntryRow]) -> None:
        """Store new entries (their indexes must be free)."""
        ...

    def add_nodes(self, rows: Sequence[tuple[int, int, bytes]]) -> None:
        """Store tree hashes given as ``(level, index, hash)``, levels above 0."""
        ...

    def add_checkpoint(self, size: int, note: str) -> None:
        """Store the signed checkpoint note of the ledger at ``size``."""
        ...

    def set_size(self, size: int) -> None:
        """Record the ledger's new size (after its entries were added)."""
        ...

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this transaction has committed (never if it rolls back)."""
        ...


class ProjectionSession(Protocol):
    """The projection part of a session: the production's current state as keyed JSON records."""

    slug: str

    def projection(self) -> dict[str, JSON]:
        """Every record, freshly decoded (the caller may keep or change it)."""
        ...

    def record(self, key: str) -> JSON | None:
        """One record, freshly decoded, or None if there is none under ``key``."""
        ...

    def records(self, prefix: str) -> dict[str, JSON]:
        """The records whose keys start with ``prefix`` (``"person:"``, say), freshly decoded."""
        ...

    def put_projection(self, records: dict[str, JSON | None]) -> None:
        """Write changed records; a value of ``None`` deletes the record."""
        ...

    def replace_projection(self, records: dict[str, JSON]) -> None:
        """Replace every record with ``records``."""
        ...


class CredentialSession(Protocol):
    """The sign-in part of a session: PIN hashes with their lock-out state, sessions, tokens.

    None of it is in the ledger; secrets are stored only as hashes.
    """

    slug: str

    def credential(self, person: str) -> tuple[str, int, str | None] | None:
        """``(secret_hash, failures, locked_until)`` of a person, or None if they have none."""
        ...

    def set_credential(self, person: str, secret_hash: str) -> None:
        """Store a person's secret hash, clearing their wrong-PIN count and lock-out."""
        ...

    def set_failures(self, person: str, failures: int, locked_until: str | None) -> None:
        """Record a person's count of wrong PINs in a row and lock-out end, if any."""
        ...

    def add_login(self, row: LoginRow) -> None:
        """Store a new sign-in session or API token."""
        ...

    def login(self, token_hash: str) -> LoginRow | None:
        """The session or token whose secret hashes to ``token_hash``, or None."""
        ...

    def logins(self, person: str | None = None) -> list[LoginRow]:
        """Every session and token (of one person), oldest first."""
        ...

    def login_by_id(self, login_id: str) -> LoginRow | None:
        """The session or token with id ``login_id``, or None (one row, found by its key)."""
        ...

    def revoke_login(self, login_id: str, revoked_at: str) -> bool:
        """Mark a session or token revoked; False if there is no live one by that id."""
        ...

    def revoke_logins(self, person: str, revoked_at: str) -> int:
        """Revoke every live session and token of ``person``; how many there were."""
        ...


class WitnessSession(Protocol):
    """The witnesses part of a session: cosignatures, each witness's state, its refusals."""

    slug: str

    def add_cosignature(
        self, size: int, witness: str, line: str, signed_at: int, received_at: str
    ) -> None:
        """Store a verified cosignature line of the checkpoint at ``size`` (once per witness)."""
        ...

    def cosignatures(self, size: int) -> list[tuple[str, str, int]]:
        """The cosignatures of the checkpoint at ``size`` as ``(witness, line, signed_at)``."""
        ...

    def witness_states(self) -> list[WitnessStateRow]:
        """What is known of every witness that was ever asked, by name."""
        ...

    def put_witness_state(self, row: WitnessStateRow) -> None:
        """Record what is now known of one witness."""
        ...

    def add_witness_refusal(self, row: WitnessRefusalRow) -> None:
        """Keep a witness's refusal of a checkpoint as evidence."""
        ...

    def witness_refusals(self) -> list[WitnessRefusalRow]:
        """Every refusal kept, oldest first."""
        ...


class IdempotencySession(Protocol):
    """The retries part of a session: writes remembered by their Idempotency-Key (schema 5)."""

    slug: str

    def idempotent(self, person: str, key: str) -> tuple[str, int, int, str] | None:
        """``(request_hash, first_index, size, answer)`` of ``person``'s write under ``key``."""
        ...

    def remember_idempotent(
        self,
        person: str,
        key: str,
        recorded: tuple[str, int, int, str],
        created_at: str,
        forget_before: str,
    ) -> None:
        """Store a write under ``key`` as ``recorded``; forget keys created before the bound."""
        ...


class MirrorSession(Protocol):
    """The mirror part of a session (schema 7): whether the production is a mirror, and
    the forks it refused."""

    slug: str

    def mirror(self) -> MirrorRow | None:
        """The production's mirror row, or None when this database is its writer."""
        ...

    def add_mirror(self, row: MirrorRow) -> None:
        """Make the production a mirror (it must have no entries of its own)."""
        ...

    def set_mirror_synced(self, synced_at: str, synced_size: int) -> None:
        """Record an accepted sync: when, and the size the mirror now holds."""
        ...

    def remove_mirror(self) -> None:
        """Make the production written here: its mirror row goes (``showclear promote``)."""
        ...

    def set_mirrored_identity(self, name: str, created_at: str) -> None:
        """State the name and creation time the writer's entry 0 records (its first sync)."""
        ...

    def checkpoint_sizes(self, after: int, upto: int, limit: int) -> list[int]:
        """The sizes of at most ``limit`` checkpoints in ``(after, upto]``, smallest first
        (what a writer's next sync batch can end at)."""
        ...

    def add_mirror_fork(self, row: MirrorForkRow) -> None:
        """Keep a refused batch's notes as evidence of a fork."""
        ...

    def mirror_forks(self) -> list[MirrorForkRow]:
        """Every fork kept, oldest first."""
        ...


class Session(
    LedgerSession,
    ProjectionSession,
    CredentialSession,
    WitnessSession,
    IdempotencySession,
    MirrorSession,
    Protocol,
):
    """One transaction on one production: its ledger, projection and credentials together.

    Code that needs one part takes that part (:class:`LedgerSession`,
    :class:`ProjectionSession`, :class:`CredentialSession`).
    """


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
