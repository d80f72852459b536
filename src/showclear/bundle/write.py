"""Writing an export bundle from a ledger's entries, checkpoints and verifier key.

:func:`write_bundle` streams: the entries and checkpoints are read once, in order, and
written to the archive as they come, so exporting a ledger of millions of entries holds
a few bytes per member (:func:`~showclear.bundle.layout.write_members`), never the
ledger. :func:`build_bundle` is the same archive as bytes, for a ledger held in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from showclear.bundle.layout import (
    KEY_NAME,
    README_NAME,
    checkpoint_name,
    entry_name,
    readme,
    write_members,
)
from showclear.ledger import Ed25519Verifier, LedgerError, open_checkpoint

__all__ = ["BundleSummary", "build_bundle", "write_bundle"]


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
    notes = sorted(checkpoints)
    verifier = Ed25519Verifier.from_verifier_key(verifier_key)
    size = open_checkpoint(notes[-1][1], verifier).size if notes else 0
    out = io.BytesIO()
    summary = write_bundle(out, verifier_key, entries, notes, size=size, count=len(notes))
    return out.getvalue(), summary


def write_bundle(
    out: BinaryIO,
    verifier_key: str,
    entries: Iterable[bytes],
    checkpoints: Iterable[tuple[int, str]],
    *,
    size: int,
    count: int,
) -> BundleSummary:
    """Write the canonical bundle of a ledger to ``out`` (seekable), reading each part once.

    ``checkpoints`` come smallest size first, ``count`` of them, the latest at ``size``;
    the entries from index 0 (those from ``size`` on are left out: no checkpoint covers
    them).

    Raises:
        LedgerError: the verifier key is malformed, a checkpoint does not verify with it,
            or the checkpoints are not the ``count`` promised, ending at ``size``.
    """
    verifier = Ed25519Verifier.from_verifier_key(verifier_key)
    start = out.tell()
    seen = _Checked()
    members = _members(verifier, entries, checkpoints, size=size, count=count, seen=seen)
    write_members(out, members)
    if seen.count != count or seen.latest != size:
        raise LedgerError(
            f"the bundle was to hold {count} checkpoints up to size {size}, but "
            f"{seen.count} came, up to size {seen.latest}: the ledger changed while exported"
        )
    return BundleSummary(verifier.name, size, count, out.tell() - start)


@dataclass
class _Checked:
    count: int = 0
    latest: int = 0


def _members(
    verifier: Ed25519Verifier,
    entries: Iterable[bytes],
    checkpoints: Iterable[tuple[int, str]],
    *,
    size: int,
    count: int,
    seen: _Checked,
) -> Iterator[tuple[str, bytes]]:
    yield README_NAME, readme(verifier.name, verifier.verifier_key(), size, count).encode()
    yield KEY_NAME, (verifier.verifier_key() + "\n").encode()
    for stored, note in checkpoints:
        opened = open_checkpoint(note, verifier)  # a note that does not verify is refused
        seen.count += 1
        seen.latest = opened.size
        yield checkpoint_name(stored), note.encode()
    for index, entry in enumerate(entries):
        if index >= size:
            break
        yield entry_name(index), entry
