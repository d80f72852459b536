"""Properties of the Merkle tree, its proofs and its compact range, over random sizes.

Every proof the tree produces verifies; changing any single bit of what a verifier
is given makes it fail. The one exception is stated exactly: RFC 9162 verification
cannot tell apart two tree sizes that put the leaf (or the old tree) on the same
audit path. The signed checkpoint, which commits to the size, closes that gap.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import (
    CompactRange,
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300
LEAVES = [leaf_hash(b"event %d" % i) for i in range(MAX_SIZE + 1)]
TREE = MemoryTree(LEAVES)
ROOTS = [tree_root(n, TREE) for n in range(MAX_SIZE + 1)]

PROPERTY = settings(max_examples=150, deadline=None)

sizes = st.integers(min_value=1, max_value=MAX_SIZE)


# --- independent definitions from the RFC text --------------------------------------


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: list[bytes]) -> bytes:
    # RFC 9162 §2.1.1, MTH(D[n]), written out recursively.
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _path_shape(m: int, n: int) -> tuple[str, ...]:
    # The left/right turns of PATH(m, D[n]) (RFC 9162 §2.1.3.1), root to leaf. A
    # verifier sees nothing of the size but these turns.
    if n == 1:
        return ()
    k = _split(n)
    return ("L", *_path_shape(m, k)) if m < k else ("R", *_path_shape(m - k, n - k))


def _subproof_shape(m: int, n: int, complete: bool = True) -> tuple[object, ...]:
    # The turns of SUBPROOF(m, D[n], b) (RFC 9162 §2.1.4.1) and how it ends.
    if m == n:
        return ("=", complete)
    k = _split(n)
    if m <= k:
        return ("L", *_subproof_shape(m, k, complete))
    return ("R", *_subproof_shape(m - k, n - k, False))


def _flip(data: bytes, bit: int) -> bytes:
    buf = bytearray(data)
    buf[bit // 8] ^= 1 << (bit % 8)
    return bytes(buf)


def _inclusion_holds(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    try:
        verify_inclusion(leaf, index, size, proof, root)
    except ProofError:
        return False
    return True


def _consistency_holds(old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes]) -> bool:
    try:
        verify_consistency(old, new, r1, r2, proof)
    except ProofError:
        return False
    return True


# --- roots --------------------------------------------------------------------------


@PROPERTY
@given(size=st.integers(min_value=1, max_value=MAX_SIZE))
def test_the_root_is_the_rfc_merkle_tree_hash(size: int) -> None:
    """root_hash, tree_root and a fresh MemoryTree all equal the RFC's recursive MTH."""
    expected = _mth(LEAVES[:size])
    assert root_hash(LEAVES[:size]) == expected
    assert ROOTS[size] == expected
    assert MemoryTree(LEAVES[:size]).root() == expected


# --- inclusion ----------------------------------------------------------------------


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(sizes)
    return draw(st.integers(min_value=0, max_value=size - 1)), size


@PROPERTY
@given(claim=leaf_in_tree())
def test_every_inclusion_proof_verifies(claim: tuple[int, int]) -> None:
    """For any size and index, the proof we generate verifies against the root."""
    index, size = claim
    proof = inclusion_proof(index, size, TREE)
    verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
    # The path is exactly as long as the RFC's PATH(m, D[n]).
    assert len(proof) == len(_path_shape(index, size))


@PROPERTY
@given(claim=leaf_in_tree(), data=st.data())
def test_flipping_any_bit_of_a_proof_hash_the_leaf_or_the_root_fails(
    claim: tuple[int, int], data: st.DataObject
) -> None:
    """One flipped bit anywhere in the hashes makes inclusion verification fail."""
    index, size = claim
    proof = inclusion_proof(index, size, TREE)
    leaf, root = LEAVES[index], ROOTS[size]
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1), label="target")
    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    if target == -2:
        leaf = _flip(leaf, bit)
    elif target == -1:
        root = _flip(root, bit)
    else:
        proof[target] = _flip(proof[target], bit)
    assert not _inclusion_holds(leaf, index, size, proof, root)


@PROPERTY
@given(claim=leaf_in_tree(), bit=st.integers(min_value=0, max_value=63))
def test_flipping_any_bit_of_the_index_fails(claim: tuple[int, int], bit: int) -> None:
    """In a tree of a given size, each leaf has its own audit path: another index fails."""
    index, size = claim
    proof = inclusion_proof(index, size, TREE)
    assert not _inclusion_holds(LEAVES[index], index ^ (1 << bit), size, proof, ROOTS[size])


@PROPERTY
@given(claim=leaf_in_tree(), bit=st.integers(min_value=0, max_value=63))
def test_flipping_a_bit_of_the_size_fails_unless_the_audit_path_is_the_same(
    claim: tuple[int, int], bit: int
) -> None:
    """A wrong size fails exactly when it changes the leaf's audit path.

    Leaf 0 of a 5-leaf tree has the same three right-hand siblings as in a 7-leaf
    tree, so RFC 9162 verification cannot tell those sizes apart.
    """
    index, size = claim
    proof = inclusion_proof(index, size, TREE)
    other = size ^ (1 << bit)
    same_path = index < other and _path_shape(index, other) == _path_shape(index, size)
    assert _inclusion_holds(LEAVES[index], index, other, proof, ROOTS[size]) == same_path


# --- consistency --------------------------------------------------------------------


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(min_value=2, max_value=MAX_SIZE))
    return draw(st.integers(min_value=1, max_value=new - 1)), new


@PROPERTY
@given(claim=two_sizes())
def test_every_consistency_proof_verifies(claim: tuple[int, int]) -> None:
    """For any 0 < old < new, the proof we generate verifies between the two roots."""
    old, new = claim
    proof = consistency_proof(old, new, TREE)
    verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    verify_consistency(old, old, ROOTS[old], ROOTS[old], consistency_proof(old, old, TREE))


@PROPERTY
@given(claim=two_sizes(), data=st.data())
def test_flipping_any_bit_of_a_consistency_proof_or_either_root_fails(
    claim: tuple[int, int], data: st.DataObject
) -> None:
    """One flipped bit in any proof hash, the old root or the new root fails."""
    old, new = claim
    proof = consistency_proof(old, new, TREE)
    r1, r2 = ROOTS[old], ROOTS[new]
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1), label="target")
    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    if target == -2:
        r1 = _flip(r1, bit)
    elif target == -1:
        r2 = _flip(r2, bit)
    else:
        proof[target] = _flip(proof[target], bit)
    assert not _consistency_holds(old, new, r1, r2, proof)


@PROPERTY
@given(claim=two_sizes(), bit=st.integers(min_value=0, max_value=63), flip_old=st.booleans())
def test_flipping_a_bit_of_either_size_fails_unless_the_proof_shape_is_the_same(
    claim: tuple[int, int], bit: int, flip_old: bool
) -> None:
    """A wrong old or new size fails exactly when it changes the SUBPROOF shape."""
    old, new = claim
    proof = consistency_proof(old, new, TREE)
    o, n = (old ^ (1 << bit), new) if flip_old else (old, new ^ (1 << bit))
    same_shape = 0 < o < n and _subproof_shape(o, n) == _subproof_shape(old, new)
    assert _consistency_holds(o, n, ROOTS[old], ROOTS[new], proof) == same_shape


def test_a_flipped_old_size_never_verifies_for_small_trees() -> None:
    """Exhaustively up to 64 leaves, no single-bit change of the old size is accepted."""
    for new in range(2, 65):
        for old in range(1, new):
            proof = consistency_proof(old, new, TREE)
            for bit in range(8):
                o = old ^ (1 << bit)
                assert not _consistency_holds(o, new, ROOTS[old], ROOTS[new], proof)


# --- compact range ------------------------------------------------------------------


def _complete_subtrees(size: int) -> dict[tuple[int, int], bytes]:
    # Every (level, index) whose leaves [index * 2**level, (index + 1) * 2**level)
    # all exist, with the RFC hash of those leaves.
    out = {}
    level = 0
    while 1 << level <= size:
        width = 1 << level
        for index in range(size // width):
            out[(level, index)] = _mth(LEAVES[index * width : (index + 1) * width])
        level += 1
    return out


@PROPERTY
@given(size=st.integers(min_value=0, max_value=MAX_SIZE))
def test_a_compact_range_emits_each_complete_subtree_exactly_once(size: int) -> None:
    """After N appends: the root is root_hash, and the nodes emitted are all complete subtrees."""
    edge = CompactRange()
    emitted: list[tuple[int, int, bytes]] = []
    for h in LEAVES[:size]:
        emitted.extend(edge.append(h))
    assert edge.size == size
    assert edge.root() == root_hash(LEAVES[:size])
    coords = [(level, index) for level, index, _ in emitted]
    assert len(coords) == len(set(coords))
    assert {(level, index): h for level, index, h in emitted} == _complete_subtrees(size)


@PROPERTY
@given(size=st.integers(min_value=0, max_value=MAX_SIZE))
def test_peaks_are_the_complete_subtrees_that_make_up_the_tree(size: int) -> None:
    """peak_coords(n) tiles [0, n) left to right with decreasing levels; peaks are their hashes."""
    edge = CompactRange()
    for h in LEAVES[:size]:
        edge.append(h)
    coords = CompactRange.peak_coords(size)
    start = 0
    for level, index in coords:
        assert index << level == start
        start += 1 << level
    assert start == size
    levels = [level for level, _ in coords]
    assert levels == sorted(levels, reverse=True)
    assert len(set(levels)) == len(levels)
    assert list(edge.peaks) == TREE.nodes(coords)


@PROPERTY
@given(
    first=st.integers(min_value=0, max_value=MAX_SIZE // 2),
    more=st.integers(min_value=0, max_value=MAX_SIZE // 2),
)
def test_a_compact_range_resumes_from_its_size_and_peaks(first: int, more: int) -> None:
    """CompactRange(size, peaks) continues exactly where the original left off."""
    original = CompactRange()
    for h in LEAVES[:first]:
        original.append(h)
    resumed = CompactRange(size=original.size, peaks=original.peaks)
    for h in LEAVES[first : first + more]:
        assert resumed.append(h) == original.append(h)
    assert resumed.root() == original.root() == ROOTS[first + more]


@PROPERTY
@given(
    first=st.integers(min_value=0, max_value=MAX_SIZE // 2),
    cuts=st.lists(st.integers(min_value=0, max_value=MAX_SIZE // 2), max_size=4),
)
def test_extending_by_many_leaves_completes_the_same_nodes_as_appending_each(
    first: int, cuts: list[int]
) -> None:
    """extend(leaves), cut anywhere, gives append's nodes by level and the same root."""
    appended, extended = CompactRange(), CompactRange()
    for h in LEAVES[:first]:
        appended.append(h)
    extended.extend(LEAVES[:first])
    start = first
    for stop in sorted(first + cut for cut in cuts):
        by_level: dict[int, list[bytes]] = {}
        for h in LEAVES[start:stop]:
            for level, index, node in appended.append(h)[1:]:
                assert index == (start >> level) + len(by_level.get(level, []))
                by_level.setdefault(level, []).append(node)
        made = extended.extend(LEAVES[start:stop])
        assert made[0] == []
        assert {level: nodes for level, nodes in enumerate(made) if nodes} == by_level
        assert extended.size == appended.size == stop
        assert extended.root() == appended.root() == ROOTS[stop]
        start = stop


def test_peak_coordinates_for_small_sizes() -> None:
    """A tree of 13 = 8 + 4 + 1 leaves has three peaks, largest first."""
    assert CompactRange.peak_coords(0) == []
    assert CompactRange.peak_coords(1) == [(0, 0)]
    assert CompactRange.peak_coords(7) == [(2, 0), (1, 2), (0, 6)]
    assert CompactRange.peak_coords(8) == [(3, 0)]
    assert CompactRange.peak_coords(13) == [(3, 0), (2, 2), (0, 12)]


def test_an_append_returns_the_leaf_and_every_node_it_completes() -> None:
    """The 8th leaf completes (0,7), (1,3), (2,1) and the root (3,0)."""
    edge = CompactRange()
    for h in LEAVES[:7]:
        edge.append(h)
    made = edge.append(LEAVES[7])
    assert [(level, index) for level, index, _ in made] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert made[0][2] == LEAVES[7]
    assert made[-1][2] == ROOTS[8]


@PROPERTY
@given(size=sizes, data=st.data())
def test_a_memory_tree_serves_the_hash_of_every_complete_subtree(
    size: int, data: st.DataObject
) -> None:
    """MemoryTree.nodes((level, index)) is the RFC hash of that subtree's leaves."""
    tree = MemoryTree(LEAVES[:size])
    assert tree.size == size
    level = data.draw(st.integers(min_value=0, max_value=size.bit_length() - 1), label="level")
    index = data.draw(st.integers(min_value=0, max_value=(size >> level) - 1), label="index")
    width = 1 << level
    assert tree.nodes([(level, index)]) == [_mth(LEAVES[index * width : (index + 1) * width])]
