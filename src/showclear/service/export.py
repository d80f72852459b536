"""Exporting a production's ledger as a bundle, streamed from one read snapshot.

The entries and checkpoints are read once each, in order, and written to the archive as
they come (:func:`showclear.bundle.write_bundle`); the checkpoints are counted first (the
README, the archive's first member, states how many there are). Memory stays flat at any
length of ledger when ``out`` is a file (issue 17).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from showclear.bundle.write import BundleSummary, write_bundle
from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.service.witnessing import with_cosignatures
from showclear.store import Session, StoreError

__all__ = ["export_bundle"]


def export_bundle(session: Session, out: BinaryIO) -> BundleSummary:
    """Write the bundle of the session's production to ``out`` (seekable).

    Each checkpoint is the signed note with its witnesses' cosignatures (C2SP).

    Raises:
        LedgerError: a stored checkpoint does not verify with the production's key.
    """
    key = session.production().verifier_key
    try:
        latest = session.checkpoint()[1]
    except StoreError:
        size = 0  # no checkpoint: the bundle holds no entry either
    else:
        size = open_checkpoint(latest, Ed25519Verifier.from_verifier_key(key)).size
    count = sum(1 for _ in session.checkpoints())
    entries = (row.data for row in session.entries(0, size))
    return write_bundle(out, key, entries, _notes(session), size=size, count=count)


def _notes(session: Session) -> Iterator[tuple[int, str]]:
    cosigned = bool(session.witness_states())
    for size, note in session.checkpoints():
        yield size, with_cosignatures(session, size, note) if cosigned else note
