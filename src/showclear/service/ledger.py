"""Appending to a production's ledger and proving what it holds.

Every append runs inside a store write session: the entries, the tree nodes
they complete, and one new signed checkpoint are written in one transaction.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

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
from showclear.service.errors import BadRequest
from showclear.store import EntryRow, LedgerSession, StoreError

__all__ = [
    "AppendResult",
    "ConsistencyProofText",
    "append_entries",
    "prove_consistency",
    "prove_inclusion",
]


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
    note = sign_checkpoint(Checkpoint(info.origin, edge.size, edge.root()), [signer])
    session.add_checkpoint(edge.size, note)
    session.set_size(edge.size)
    return AppendResult(size, edge.size, note)


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
