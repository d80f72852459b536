"""The tile maths of C2SP tlog-tiles: paths, which tiles a tree has, entry bundles."""

from __future__ import annotations

import pytest
from tlog_scales import tiles as ts_tiles

from showclear.ledger import EncodingError
from showclear.ledger.tiles import (
    ENTRIES_LEVEL,
    TILE_WIDTH,
    TileRef,
    encode_bundle,
    new_tiles,
    tile_path,
    tiles_for,
)


def test_tile_indexes_are_written_in_x_prefixed_groups_of_three_digits() -> None:
    """The spec's own example: index 1234067 is x001/x234/067."""
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(2, 0) == "tile/2/000"
    assert tile_path(1, 1000) == "tile/1/x001/000"
    assert tile_path(ENTRIES_LEVEL, 7, 112) == "tile/entries/007.p/112"


@pytest.mark.parametrize("index", [0, 5, 999, 1000, 1001, 256_000, 999_999, 1_000_000, 12_345_678])
@pytest.mark.parametrize("level", [ENTRIES_LEVEL, 0, 3])
def test_tile_paths_match_the_independent_client(level: int, index: int) -> None:
    """tlog-scales asks for the same path for full and partial tiles."""
    for width in (TILE_WIDTH, 1, 255):
        expected = "/".join(ts_tiles.tile_path(level, index, width % TILE_WIDTH))
        assert tile_path(level, index, width) == expected


@pytest.mark.parametrize(
    ("level", "index", "width"), [(-2, 0, 1), (64, 0, 1), (0, -1, 1), (0, 0, 0), (0, 0, 257)]
)
def test_impossible_tiles_have_no_path(level: int, index: int, width: int) -> None:
    """Levels outside -1..63, negative indexes and widths outside 1..256 are refused."""
    with pytest.raises(ValueError, match="no tile"):
        tile_path(level, index, width)


def test_a_tree_of_70000_entries_has_the_tiles_the_spec_lists() -> None:
    """273 full level 0 tiles and one of width 112, one full and one of width 17 at level 1,
    one of width 1 at level 2 (and entry bundles like level 0)."""
    refs = tiles_for(70_000)
    by_level = {lv: [r for r in refs if r.level == lv] for lv in (ENTRIES_LEVEL, 0, 1, 2)}
    for lv in (ENTRIES_LEVEL, 0):
        assert [r.width for r in by_level[lv]] == [256] * 273 + [112]
        assert [r.index for r in by_level[lv]] == list(range(274))
    assert by_level[1] == [TileRef(1, 0, 256), TileRef(1, 1, 17)]
    assert by_level[2] == [TileRef(2, 0, 1)]
    assert len(refs) == 2 * 274 + 2 + 1


def test_a_tree_of_256_entries_has_a_full_tile_and_a_level_1_tile_of_width_1() -> None:
    """The spec: "a tree of size 256 will be represented by a full level 0 tile and a
    partial level 1 tile of width 1"."""
    assert tiles_for(256) == [
        TileRef(ENTRIES_LEVEL, 0, 256),
        TileRef(0, 0, 256),
        TileRef(1, 0, 1),
    ]
    assert tiles_for(0) == []


@pytest.mark.parametrize(
    ("old", "new"), [(0, 1), (1, 2), (255, 256), (256, 513), (300, 70_000), (65_535, 65_536)]
)
def test_growing_a_tree_adds_no_full_tile_it_already_had(old: int, new: int) -> None:
    """new_tiles is the new tree's tiles less the old one's; old full tiles stay as written."""
    added = new_tiles(old, new)
    old_full = {r for r in tiles_for(old) if r.full}
    assert not old_full & set(added)
    assert set(added) | set(tiles_for(old)) >= set(tiles_for(new))
    assert new_tiles(new, new) == []


def test_a_log_does_not_shrink() -> None:
    with pytest.raises(ValueError, match="does not shrink"):
        new_tiles(10, 9)


def test_an_entry_bundle_is_length_prefixed_entries() -> None:
    """Each entry as a big-endian uint16 length and its bytes."""
    assert encode_bundle([b"ab", b"", b"x" * 300]) == (
        b"\x00\x02ab" + b"\x00\x00" + b"\x01\x2c" + b"x" * 300
    )


def test_an_entry_too_long_for_a_bundle_is_refused() -> None:
    """65,535 bytes fit the uint16 length; one more does not."""
    assert len(encode_bundle([b"x" * 0xFFFF])) == 0xFFFF + 2
    with pytest.raises(EncodingError, match="65536 bytes does not fit"):
        encode_bundle([b"x" * 0x10000])
