"""Publish a production's ledger as C2SP tlog-tiles: a directory any static server can serve.

The layout and the tile maths are :mod:`showclear.ledger.tiles`. Publishing is
incremental and crash-safe:

1. The directory's ``checkpoint``, if any, must be a checkpoint of this production
   signed with its key; its size says what is already published.
2. Only the tiles the tree grew by are written (:func:`~showclear.ledger.tiles.new_tiles`).
   A tile already on disk is never rewritten: the same bytes are left alone, other bytes
   mean the directory holds a different history, and publishing stops.
3. Each file is written to a temporary name, flushed, then renamed into place, so a
   reader never sees half a tile; the ``checkpoint`` is replaced last, so it never
   names a tile that is not yet there. A run cut short leaves the old checkpoint, and
   the next run finishes the job.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from showclear.ledger import (
    Ed25519Verifier,
    NoteError,
    VerificationError,
    leaf_hash,
    open_checkpoint,
)
from showclear.ledger.tiles import ENTRIES_LEVEL, TileRef, encode_bundle, new_tiles
from showclear.service.witnessing import with_cosignatures

if TYPE_CHECKING:
    from showclear.service.app import App
    from showclear.store import Session

__all__ = ["CHECKPOINT", "TilesReport", "publish_tiles"]

#: "The Signed Tree Head MUST be served as a checkpoint at <prefix>/checkpoint".
CHECKPOINT = "checkpoint"


@dataclass(frozen=True, slots=True)
class TilesReport:
    """What one publishing run did."""

    directory: Path
    origin: str
    previous_size: int
    size: int
    written: tuple[str, ...]
    already_there: int

    @property
    def unchanged(self) -> bool:
        """Whether the directory already held this tree (nothing but maybe cosignatures new)."""
        return self.previous_size == self.size and not self.written


def publish_tiles(app: App, slug: str, out: Path) -> TilesReport:
    """Write the production's latest checkpoint and its new tiles into ``out``.

    Raises:
        ProductionNotFound: no production ``slug`` in the database.
        VerificationError: ``out`` holds another log's checkpoint, a checkpoint that does
            not verify with the production's key or is newer than its ledger, or a tile
            whose bytes differ from this ledger's (a different history).
        EncodingError: an entry too long for an entry bundle (over 65,535 bytes).
    """
    out.mkdir(parents=True, exist_ok=True)
    with app.store.read(slug) as session:
        info = session.production()
        verifier = Ed25519Verifier.from_verifier_key(info.verifier_key)
        size, note = session.checkpoint()
        note = with_cosignatures(session, size, note)
        previous = _published_size(out / CHECKPOINT, verifier, info.origin, size)
        written: list[str] = []
        there = 0
        for ref in new_tiles(previous, size):
            if _put(out, ref.path, _tile_bytes(session, ref)):
                written.append(ref.path)
            else:
                there += 1
    checkpoint = out / CHECKPOINT
    if _read(checkpoint) != note.encode():  # unchanged: left alone, as caches have it
        _replace(checkpoint, note.encode())  # last: it names only tiles now on disk
    return TilesReport(out, info.origin, previous, size, tuple(written), there)


def _published_size(path: Path, verifier: Ed25519Verifier, origin: str, size: int) -> int:
    """The size of the checkpoint already in the directory (0 when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return 0
    except (OSError, UnicodeDecodeError) as e:
        raise VerificationError(f"{path} cannot be read as a checkpoint: {e}") from e
    try:
        published = open_checkpoint(text, verifier)
    except (NoteError, ValueError) as e:
        raise VerificationError(
            f"{path} is not a checkpoint signed by this production's key ({e}); "
            "publish each production into its own directory"
        ) from e
    if published.origin != origin:
        raise VerificationError(
            f"{path} is a checkpoint of {published.origin!r}, not {origin!r}; "
            "publish each production into its own directory"
        )
    if published.size > size:
        raise VerificationError(
            f"{path} publishes {published.size} entries but the ledger has only {size}: "
            "the database lost entries it once published; restore it before publishing"
        )
    return published.size


def _tile_bytes(session: Session, ref: TileRef) -> bytes:
    """The bytes of one hash tile or entry bundle, read from the stored ledger."""
    first = ref.first
    if ref.level > 0:  # complete subtrees above the leaves, stored as tree nodes
        return b"".join(session.nodes([(ref.merkle_level, first + i) for i in range(ref.width)]))
    rows = list(session.entries(first, first + ref.width))
    if len(rows) != ref.width:
        raise VerificationError(
            f"the ledger holds {len(rows)} of entries {first}..{first + ref.width - 1}"
        )
    if ref.level == ENTRIES_LEVEL:
        return encode_bundle(row.data for row in rows)
    for row in rows:
        # A tile must hash the entries its bundle serves (RFC 9162 §2.1.1).
        if leaf_hash(row.data) != row.leaf_hash:
            raise VerificationError(f"entry {row.index}'s stored leaf hash is not its hash")
    return b"".join(row.leaf_hash for row in rows)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _put(out: Path, name: str, data: bytes) -> bool:
    """Write a tile unless it is already there; True if written.

    Raises:
        VerificationError: a file already at ``name`` holds other bytes.
    """
    path = out / name
    existing = _read(path)
    if existing is None:
        _replace(path, data)
        return True
    if existing != data:
        # Tiles are immutable: different bytes at the same path are a different tree.
        raise VerificationError(
            f"{path} holds other bytes than this ledger's tile: the directory was "
            "published from a different history; publish into an empty directory"
        )
    return False


def _replace(path: Path, data: bytes) -> None:
    """Atomically put ``data`` at ``path``: write a temporary file, flush it, rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # served to anyone: the files are public by design
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
