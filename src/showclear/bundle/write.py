"""Writing an export bundle from a ledger's entries, checkpoints and verifier key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from showclear.bundle.layout import (
    KEY_NAME,
    README_NAME,
    checkpoint_name,
    entry_name,
    readme,
    zip_members,
)
from showclear.ledger import Checkpoint, Ed25519Verifier, open_checkpoint

__all__ = ["BundleSummary", "build_bundle"]


@dataclass(frozen=True)
class BundleSummary:
    """What a bundle holds."""

    origin: str
    entries: int
    checkpoints: int
    size_bytes: int


def build_bundle(
    verifier_key: str, entries: Iterable[bytes], checkpoints: Iterable[tuple[int, str]]
) -> tuple[bytes, BundleSummary]:
    """The canonical bundle (zip bytes) of a ledger, and a summary of it.

    Raises:
        LedgerError: the verifier key is malformed, or a checkpoint does not verify with it.
    """
    verifier = Ed25519Verifier.from_verifier_key(verifier_key)
    data = list(entries)
    notes = sorted(checkpoints)
    latest: Checkpoint | None = None
    for _, note in notes:
        latest = open_checkpoint(note, verifier)
    size = latest.size if latest is not None else 0
    members = [
        (README_NAME, readme(verifier.name, verifier.verifier_key(), size, len(notes)).encode()),
        (KEY_NAME, (verifier.verifier_key() + "\n").encode()),
        *((checkpoint_name(s), note.encode()) for s, note in notes),
        *((entry_name(i), entry) for i, entry in enumerate(data[:size])),
    ]
    archive = zip_members(members)
    return archive, BundleSummary(verifier.name, size, len(notes), len(archive))
