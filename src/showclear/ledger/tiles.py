"""The tile maths of C2SP tlog-tiles: which tiles a tree has, their paths and their bytes.

C2SP tlog-tiles (https://c2sp.org/tlog-tiles) serves a log as static files:

- ``checkpoint``: the signed note (C2SP tlog-checkpoint);
- ``tile/<L>/<N>[.p/<W>]``: at level ``L``, tile ``N`` holds the RFC 9162 Merkle Tree
  Hashes ``MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L])`` for ``i`` below
  its width, 32 bytes each; a full tile holds 256 ("Merkle Tree"), a partial tile
  ``W`` of 1 to 255 ("Partial Tiles");
- ``tile/entries/<N>[.p/<W>]``: the entries of level 0 tile ``N``, each a big-endian
  uint16 length and its bytes ("Log entries").

``N`` is written in zero-padded 3-digit path elements, all but the last prefixed with
``x`` (1234067 is ``x001/x234/067``). In :mod:`showclear.ledger.merkle`'s terms a hash of
a level ``L`` tile is the complete subtree ``(8 * L, N * 256 + i)``.

Pure functions only: the writer that puts these files on disk is
:mod:`showclear.service.tiles`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from showclear.ledger.errors import EncodingError

__all__ = [
    "ENTRIES_LEVEL",
    "MAX_BUNDLED_ENTRY",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileRef",
    "encode_bundle",
    "new_tiles",
    "tile_path",
    "tiles_for",
]

#: "Full tiles MUST be exactly 256 hashes wide": a tile is a subtree of height 8.
TILE_WIDTH = 256
TILE_HEIGHT = 8
#: The level the spec's ``tile/entries`` path stands for (the entries of level 0 tiles).
ENTRIES_LEVEL = -1
#: "Entry bundles are sequences of big-endian uint16 length-prefixed log entries".
MAX_BUNDLED_ENTRY = 0xFFFF


@dataclass(frozen=True, slots=True, order=True)
class TileRef:
    """One tile (or entry bundle when ``level`` is :data:`ENTRIES_LEVEL`) of a given width."""

    level: int
    index: int
    width: int

    @property
    def full(self) -> bool:
        """Whether the tile is full (immutable once written); else it is partial."""
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """The tile's path under the log's prefix, for example ``tile/0/x001/234.p/7``."""
        return tile_path(self.level, self.index, self.width)

    @property
    def merkle_level(self) -> int:
        """The RFC 9162 subtree level of the tile's hashes (``8 * L``; 0 for entries)."""
        return max(self.level, 0) * TILE_HEIGHT

    @property
    def first(self) -> int:
        """The subtree index (at :attr:`merkle_level`) of the tile's first hash."""
        return self.index * TILE_WIDTH


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """The C2SP path of tile ``index`` at ``level`` (``-1``: entry bundle) of ``width``.

    Raises:
        ValueError: a level outside -1..63, a negative index, or a width outside 1..256.
    """
    if not ENTRIES_LEVEL <= level <= 63 or index < 0 or not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"no tile at level {level}, index {index}, width {width}")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    name = "/".join(reversed(groups))
    if width < TILE_WIDTH:
        name += f".p/{width}"
    return f"tile/{'entries' if level == ENTRIES_LEVEL else level}/{name}"


def tiles_for(size: int) -> list[TileRef]:
    """Every tile and entry bundle a tree of ``size`` entries is served as, level by level."""
    refs: list[TileRef] = []
    level = 0
    while hashes := size >> (TILE_HEIGHT * level):  # floor(size / 256**level)
        full, partial = divmod(hashes, TILE_WIDTH)
        for lv in (ENTRIES_LEVEL, 0) if level == 0 else (level,):
            refs.extend(TileRef(lv, n, TILE_WIDTH) for n in range(full))
            if partial:  # "Empty tiles MUST NOT be served."
                refs.append(TileRef(lv, full, partial))
        level += 1
    return refs


def new_tiles(old_size: int, new_size: int) -> list[TileRef]:
    """The tiles a tree grown from ``old_size`` to ``new_size`` entries adds.

    A full tile of the old tree is never among them (full tiles are immutable); the
    old tree's partial tiles stay served too, since "Logs MUST serve partial tiles
    corresponding to tree sizes for which a checkpoint was produced".

    Raises:
        ValueError: ``new_size`` below ``old_size``, or a negative size.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"a log does not shrink from {old_size} to {new_size} entries")
    old = set(tiles_for(old_size))
    return [ref for ref in tiles_for(new_size) if ref not in old]


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length and its bytes.

    Raises:
        EncodingError: an entry longer than 65,535 bytes (the length would not fit).
    """
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_BUNDLED_ENTRY:
            raise EncodingError(
                f"an entry of {len(entry)} bytes does not fit a tlog-tiles entry bundle "
                f"(at most {MAX_BUNDLED_ENTRY}); it cannot be published as tiles"
            )
        out += len(entry).to_bytes(2, "big")
        out += entry
    return bytes(out)
