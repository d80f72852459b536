"""Appending to a production's ledger and proving what it holds.

Every append runs inside a store write session: the entries, the tree nodes
they complete, and one new signed checkpoint are written in one transaction.

Before it signs, the key's memory of what it signed last (``<keyfile>.signed``,
:mod:`showclear.service.keys`) must be a prefix of the ledger in the database: a
database that lost acknowledged entries (a damaged WAL, an older copy restored) is
refused with :class:`RolledBack` instead of being signed into a second, different
checkpoint at a size already signed. The new checkpoint is remembered before the
transaction commits, and confirmed right after.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from showclear.errors import ErrorKind
from showclear.ledger import (
    Checkpoint,
    CompactRange,
    Ed25519Signer,
    TlogProof,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    sign_checkpoint,
    tree_root,
)
from showclear.ledger.chain import chain_line, next_link, stated_link
from showclear.service.errors import BadRequest, ServiceError
from showclear.service.keys import CheckpointSigner, SignedState
from showclear.store import EntryRow, LedgerSession, StoreError

__all__ = [
    "AppendResult",
    "ConsistencyProofText",
    "RolledBack",
    "append_entries",
    "check_extends",
    "prove_consistency",
    "prove_inclusion",
]


class RolledBack(ServiceError):
    """The database holds less than the production's key signed: acknowledged entries
    were lost, and signing again would fork the production."""

    kind = ErrorKind.DAMAGED


_log = logging.getLogger("showclear.ledger")


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Where the appended entries landed and the checkpoint that now covers them."""

    first_index: int
    size: int
    checkpoint_note: str


def append_entries(
    session: LedgerSession, signer: Ed25519Signer, entries: Sequence[bytes]
) -> AppendResult:
    """Append canonical entries, store their tree nodes, and sign one new checkpoint."""
    info = session.production()
    size = info.size
    edge = CompactRange(size, session.nodes(CompactRange.peak_coords(size)))
    rows: list[EntryRow] = []
    nodes: list[tuple[int, int, bytes]] = []
    append = edge.append
    for data in entries:
        leaf = leaf_hash(data)
        made = append(leaf)  # (0, index, leaf), then every node above it this leaf completes
        rows.append(EntryRow(made[0][1], data, leaf))
        if len(made) > 1:
            nodes += made[1:]
    session.add_entries(rows)
    if nodes:
        session.add_nodes(nodes)
    root = edge.root()
    if isinstance(signer, CheckpointSigner):
        _remember(session, signer, size, edge.size, root)
    checkpoint = Checkpoint(info.origin, edge.size, root)
    # It names, signed, the checkpoint before it, so none is deleted unseen (ledger.chain).
    before = stated_link(session.checkpoint(size)[1], signer) if size else None
    link = next_link(size, before, edge.size)
    note = sign_checkpoint(checkpoint, [signer]) + chain_line(signer, checkpoint.body(), link)
    session.add_checkpoint(edge.size, note)
    session.set_size(edge.size)
    return AppendResult(size, edge.size, note)


def _remember(
    session: LedgerSession, signer: CheckpointSigner, size: int, new_size: int, root: bytes
) -> None:
    """Refuse a database behind what the key signed; remember the new checkpoint durably."""
    current = (size, tree_root(size, session)) if size else None
    check_extends(session, size, signer.memory.load(), signer.name)
    signer.memory.will_sign(SignedState(current, (new_size, root)))
    session.after_commit(lambda: _confirm(signer, new_size, root))


def _confirm(signer: CheckpointSigner, size: int, root: bytes) -> None:
    try:
        signer.memory.committed(size, root)
    except (ServiceError, OSError) as e:
        # The entries are committed: saying "not recorded" now would be false. The
        # pending state left behind still protects every checkpoint but this one.
        _log.warning("checkpoint %d of %s is committed, but %s", size, signer.name, e)


def _holds(session: LedgerSession, size: int, point: tuple[int, bytes]) -> bool:
    """Whether the ledger of ``size`` entries has the tree ``point`` as a prefix."""
    old_size, old_root = point
    if old_size > size:
        return False
    try:
        return old_size == 0 or tree_root(old_size, session) == old_root
    except StoreError:
        return False  # a node is missing: the database is damaged, not a prefix


def check_extends(
    session: LedgerSession, size: int, state: SignedState | None, origin: str
) -> None:
    """Raise unless the ledger of ``size`` entries extends what the key signed (``state``).

    A pending checkpoint (signed, its commit not confirmed) the database does not hold
    did not commit, and nobody was told it had (the confirmation comes before the
    answer): the database is at the confirmed one, or another server with a copy of the
    key grew it since (several servers on one database, docs/deploy.md).

    Raises:
        RolledBack: the database lost entries the key signed and saw committed, or holds
            other ones.
    """
    if state is None or state.confirmed is None or _holds(session, size, state.confirmed):
        return
    lost = state.confirmed
    raise RolledBack(
        f"the database holds {size} entries of production {origin}, but its key signed a "
        f"checkpoint of {lost[0]} entries that this database does not hold "
        f"(root {base64.b64encode(lost[1]).decode()}): acknowledged entries were lost "
        "(a damaged file, or an older copy of the database restored). Nothing was "
        "recorded, and nothing will be until the database holds them again: restore the "
        "newest backup of the database (docs/operations.md, 'Restore'), then run "
        "`showclear verify` and `showclear check`"
    )


def _checked_size(session: LedgerSession, size: int | None) -> int:
    latest, _ = session.checkpoint()
    if size is None:
        return latest
    try:
        session.checkpoint(size)
    except StoreError as e:
        raise BadRequest(
            f"there is no checkpoint at size {size}; the latest is at size {latest}"
        ) from e
    return size


def prove_inclusion(session: LedgerSession, index: int, size: int | None = None) -> TlogProof:
    """Return the tlog-proof of entry ``index`` against the checkpoint at ``size``.

    Raises:
        BadRequest: no checkpoint at ``size``, or ``index`` is not below it.
    """
    size = _checked_size(session, size)
    if not 0 <= index < size:
        raise BadRequest(f"entry {index} is not in the checkpoint of size {size}")
    _, note = session.checkpoint(size)
    return TlogProof(index, inclusion_proof(index, size, session), note)


@dataclass(frozen=True, slots=True)
class ConsistencyProofText:
    """A consistency proof between two checkpoints of one ledger."""

    old_size: int
    old_root: bytes
    new_size: int
    new_root: bytes
    hashes: list[bytes]
    new_checkpoint_note: str

    def format(self) -> str:
        """Text: a header, both sizes and roots, the RFC 9162 path, then the new checkpoint."""
        b64 = base64.b64encode
        lines = [
            "showclear consistency-proof v1",
            f"old {self.old_size} {b64(self.old_root).decode()}",
            f"new {self.new_size} {b64(self.new_root).decode()}",
            *(b64(h).decode() for h in self.hashes),
        ]
        return "\n".join(lines) + "\n\n" + self.new_checkpoint_note


def prove_consistency(
    session: LedgerSession, old_size: int, new_size: int | None = None
) -> ConsistencyProofText:
    """Return the proof that the ledger at ``old_size`` is a prefix of it at ``new_size``.

    Raises:
        BadRequest: a size without checkpoint, an old size of 0, or old > new.
    """
    new_size = _checked_size(session, new_size)
    old_size = _checked_size(session, old_size)
    if old_size > new_size:
        raise BadRequest(f"old size {old_size} is larger than new size {new_size}")
    _, note = session.checkpoint(new_size)
    return ConsistencyProofText(
        old_size,
        tree_root(old_size, session),
        new_size,
        tree_root(new_size, session),
        consistency_proof(old_size, new_size, session),
        note,
    )
