"""Known answers: the Merkle tree agrees with the Certificate Transparency reference suite.

RFC 9162 §2.1 (RFC 6962 §2.1). Vectors live in ``vectors.py`` with their sources.
"""

from __future__ import annotations

import hashlib

import pytest

from showclear.ledger import (
    EMPTY_ROOT,
    LEAF_PREFIX,
    NODE_PREFIX,
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

from .vectors import CONSISTENCY_PROOFS, CT_LEAVES, CT_ROOTS, INCLUSION_PROOFS, SOME_HASH

CT_LEAF_HASHES = [leaf_hash(d) for d in CT_LEAVES]
U64 = 2**64


def _go_uint64(x: int) -> int:
    # Go's probes do arithmetic on uint64: 0 - 1 wraps to 2**64 - 1.
    return x % U64


# --- hashing -------------------------------------------------------------------------


def test_domain_separation_prefixes_are_0x00_for_leaves_and_0x01_for_nodes() -> None:
    """RFC 9162 §2.1.1 fixes the leaf prefix 0x00 and the node prefix 0x01."""
    assert LEAF_PREFIX == b"\x00"
    assert NODE_PREFIX == b"\x01"


def test_the_empty_tree_root_is_the_hash_of_the_empty_string() -> None:
    """MTH({}) = SHA-256() (rfc6962_test.go "RFC6962 Empty")."""
    assert (
        bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        == EMPTY_ROOT
    )


def test_leaf_and_node_hashes_match_the_rfc6962_hasher_vectors() -> None:
    """Leaf and node hashes equal transparency-dev/merkle rfc6962/rfc6962_test.go."""
    # "RFC6962 Empty Leaf": the empty leaf is not the empty tree.
    assert leaf_hash(b"") == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    # "RFC6962 Leaf": echo -n 004C313233343536 | xxd -r -p | sha256sum
    assert leaf_hash(b"L123456") == bytes.fromhex(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    # "RFC6962 Node": echo -n 014E3132334E343536 | xxd -r -p | sha256sum
    assert node_hash(b"N123", b"N456") == bytes.fromhex(
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


def test_a_node_hash_is_not_the_leaf_hash_of_its_children_concatenated() -> None:
    """Second-preimage resistance: H(0x01||a||b) differs from H(0x00||a||b)."""
    a, b = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(a, b) != leaf_hash(a + b)
    assert node_hash(a, b) != node_hash(b, a)
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()


# --- roots ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_ct_test_leaves_match_the_reference_roots(size: int) -> None:
    """The root of the first n CT test leaves is the CT reference root, for n = 0..8."""
    hashes = CT_LEAF_HASHES[:size]
    assert root_hash(hashes) == CT_ROOTS[size]
    assert tree_root(size, MemoryTree(CT_LEAF_HASHES)) == CT_ROOTS[size]
    assert tree_root(size, MemoryTree(hashes)) == CT_ROOTS[size]
    edge = CompactRange()
    for h in hashes:
        edge.append(h)
    assert edge.root() == CT_ROOTS[size]


# --- inclusion proofs -----------------------------------------------------------------


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS)
def test_inclusion_proofs_match_the_ct_reference(index: int, size: int, proof: list[bytes]) -> None:
    """Our audit path for each reference (index, size) is the reference path, and verifies."""
    assert inclusion_proof(index, size, MemoryTree(CT_LEAF_HASHES)) == proof
    verify_inclusion(CT_LEAF_HASHES[index], index, size, proof, CT_ROOTS[size])


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS[1:])
def test_corrupted_reference_inclusion_proofs_are_rejected(
    index: int, size: int, proof: list[bytes]
) -> None:
    """Every probe of Go's corruptInclusionProof fails with ProofError."""
    root, leaf = CT_ROOTS[size], CT_LEAF_HASHES[index]
    probes: list[tuple[str, int, int, bytes, list[bytes], bytes]] = [
        ("index - 1", _go_uint64(index - 1), size, leaf, proof, root),
        ("index + 1", index + 1, size, leaf, proof, root),
        ("index ^ 2", index ^ 2, size, leaf, proof, root),
        ("size * 2", index, size * 2, leaf, proof, root),
        ("size / 2", index, size // 2, leaf, proof, root),
        ("wrong leaf", index, size, b"WrongLeaf", proof, root),
        ("empty root", index, size, leaf, proof, EMPTY_ROOT),
        ("random root", index, size, leaf, proof, SOME_HASH),
        ("trailing garbage", index, size, leaf, [*proof, b""], root),
        ("trailing root", index, size, leaf, [*proof, root], root),
        ("preceding garbage", index, size, leaf, [b"", *proof], root),
        ("preceding root", index, size, leaf, [root, *proof], root),
    ]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((f"proof[{i}] bit 3", index, size, leaf, flipped, root))
    if proof:
        probes.append(("removed component", index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append(
            ("inserted component", index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root)
        )
    accepted = []
    for desc, p_index, p_size, p_leaf, p_proof, p_root in probes:
        try:
            verify_inclusion(p_leaf, p_index, p_size, p_proof, p_root)
        except ProofError:
            continue
        accepted.append(desc)
    assert accepted == []


# Structural vectors: transparency-dev/merkle proof/proof_test.go TestInclusion, as
# (index, size, node ids (level, index), rehash range [begin, end)). The nodes in
# [begin, end) fold right to left into the one ephemeral node of the proof.
INCLUSION_NODES: list[tuple[int, int, list[tuple[int, int]], tuple[int, int]]] = [
    (0, 1, [], (0, 0)),
    (0, 2, [(0, 1)], (0, 0)),
    (1, 2, [(0, 0)], (0, 0)),
    (1, 3, [(0, 0), (0, 2)], (0, 0)),
    (0, 7, [(0, 1), (1, 1), (0, 6), (1, 2)], (2, 4)),
    (1, 7, [(0, 0), (1, 1), (0, 6), (1, 2)], (2, 4)),
    (2, 7, [(0, 3), (1, 0), (0, 6), (1, 2)], (2, 4)),
    (3, 7, [(0, 2), (1, 0), (0, 6), (1, 2)], (2, 4)),
    (4, 7, [(0, 5), (0, 6), (2, 0)], (0, 0)),
    (5, 7, [(0, 4), (0, 6), (2, 0)], (0, 0)),
    (6, 7, [(1, 2), (2, 0)], (0, 0)),
    (2, 4, [(0, 3), (1, 0)], (0, 0)),
    (3, 5, [(0, 2), (1, 0), (0, 4)], (0, 0)),
    (3, 6, [(0, 2), (1, 0), (1, 2)], (0, 0)),
    (4, 6, [(0, 5), (2, 0)], (0, 0)),
    (10, 15, [(0, 11), (1, 4), (0, 14), (1, 6), (3, 0)], (2, 4)),
    (24, 31, [(0, 25), (1, 13), (0, 30), (1, 14), (3, 2), (4, 0)], (2, 4)),
    (
        81,
        95,
        [(0, 80), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)],
        (3, 6),
    ),
]

# transparency-dev/merkle proof/proof_test.go TestConsistency, same layout.
CONSISTENCY_NODES: list[tuple[int, int, list[tuple[int, int]], tuple[int, int]]] = [
    (1, 2, [(0, 1)], (0, 0)),
    (1, 4, [(0, 1), (1, 1)], (0, 0)),
    (1, 6, [(0, 1), (1, 1), (1, 2)], (0, 0)),
    (2, 3, [(0, 2)], (0, 0)),
    (2, 8, [(1, 1), (2, 1)], (0, 0)),
    (3, 7, [(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)], (3, 5)),
    (4, 7, [(0, 6), (1, 2)], (0, 2)),
    (5, 7, [(0, 4), (0, 5), (0, 6), (2, 0)], (0, 0)),
    (6, 7, [(1, 2), (0, 6), (2, 0)], (0, 0)),
    (7, 8, [(0, 6), (0, 7), (1, 2), (2, 0)], (0, 0)),
    (1, 1, [], (0, 0)),
    (2, 2, [], (0, 0)),
    (3, 3, [], (0, 0)),
    (4, 4, [], (0, 0)),
    (5, 5, [], (0, 0)),
    (7, 7, [], (0, 0)),
    (8, 8, [], (0, 0)),
    (2, 4, [(1, 1)], (0, 0)),
    (3, 5, [(0, 2), (0, 3), (1, 0), (0, 4)], (0, 0)),
    (3, 6, [(0, 2), (0, 3), (1, 0), (1, 2)], (0, 0)),
    (4, 6, [(1, 2)], (0, 0)),
    (1, 7, [(0, 1), (1, 1), (0, 6), (1, 2)], (2, 4)),
    (10, 15, [(1, 4), (1, 5), (0, 14), (1, 6), (3, 0)], (2, 4)),
    (24, 31, [(3, 2), (0, 30), (1, 14), (2, 6), (4, 0)], (1, 4)),
    (
        81,
        95,
        [(0, 80), (0, 81), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)],
        (4, 7),
    ),
]

BIG_TREE = MemoryTree(leaf_hash(b"structural %d" % i) for i in range(128))


def _rehash(ids: list[tuple[int, int]], span: tuple[int, int]) -> list[bytes]:
    # Go's Nodes.Rehash: hashes in [begin, end) fold as hash = H(h[i] || hash).
    hashes = BIG_TREE.nodes(ids)
    begin, end = span
    if begin >= end:
        return hashes
    folded = hashes[begin]
    for h in hashes[begin + 1 : end]:
        folded = node_hash(h, folded)
    return [*hashes[:begin], folded, *hashes[end:]]


@pytest.mark.parametrize(("index", "size", "ids", "span"), INCLUSION_NODES)
def test_inclusion_proofs_read_the_reference_nodes(
    index: int, size: int, ids: list[tuple[int, int]], span: tuple[int, int]
) -> None:
    """An inclusion proof is made of exactly the nodes transparency-dev/merkle names."""
    assert inclusion_proof(index, size, BIG_TREE) == _rehash(ids, span)


@pytest.mark.parametrize(("old", "new", "ids", "span"), CONSISTENCY_NODES)
def test_consistency_proofs_read_the_reference_nodes(
    old: int, new: int, ids: list[tuple[int, int]], span: tuple[int, int]
) -> None:
    """A consistency proof is made of exactly the nodes transparency-dev/merkle names."""
    assert consistency_proof(old, new, BIG_TREE) == _rehash(ids, span)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (3, 0), (8, 7), (-1, 3)])
def test_an_inclusion_proof_for_a_leaf_outside_the_tree_is_refused(index: int, size: int) -> None:
    """Generating a proof for index >= size is refused (proof_test.go error cases)."""
    with pytest.raises(ProofError, match=f"index {index}"):
        inclusion_proof(index, size, BIG_TREE)


@pytest.mark.parametrize(("old", "new"), [(5, 0), (9, 8), (0, 4)])
def test_a_consistency_proof_from_a_larger_or_empty_tree_is_refused(old: int, new: int) -> None:
    """Generating a consistency proof needs 0 < old <= new (proof_test.go error cases)."""
    with pytest.raises(ProofError, match="old"):
        consistency_proof(old, new, BIG_TREE)


# --- consistency proofs -------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS)
def test_consistency_proofs_match_the_ct_reference(old: int, new: int, proof: list[bytes]) -> None:
    """Our consistency proof for each reference pair is the reference proof, and verifies."""
    assert consistency_proof(old, new, MemoryTree(CT_LEAF_HASHES)) == proof
    verify_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], proof)


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS[1:])
def test_corrupted_reference_consistency_proofs_are_rejected(
    old: int, new: int, proof: list[bytes]
) -> None:
    """Every probe of Go's corruptConsistencyProof fails with ProofError."""
    r1, r2 = CT_ROOTS[old], CT_ROOTS[new]
    probes: list[tuple[str, int, int, bytes, bytes, list[bytes]]] = [
        ("old - 1", old - 1, new, r1, r2, proof),
        ("old + 1", old + 1, new, r1, r2, proof),
        ("old ^ 2", old ^ 2, new, r1, r2, proof),
        ("new * 2", old, new * 2, r1, r2, proof),
        ("new / 2", old, new // 2, r1, r2, proof),
        ("wrong root1", old, new, b"WrongRoot", r2, proof),
        ("wrong root2", old, new, r1, b"WrongRoot", proof),
        ("swapped roots", old, new, r2, r1, proof),
        ("empty proof", old, new, r1, r2, []),
        ("trailing garbage", old, new, r1, r2, [*proof, b""]),
        ("trailing root1", old, new, r1, r2, [*proof, r1]),
        ("trailing root2", old, new, r1, r2, [*proof, r2]),
        ("preceding garbage", old, new, r1, r2, [b"", *proof]),
        ("preceding root1", old, new, r1, r2, [r1, *proof]),
        ("preceding root2", old, new, r1, r2, [r2, *proof]),
        ("preceding proof[0]", old, new, r1, r2, [proof[0], *proof]),
        ("truncated proof", old, new, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((f"proof[{i}] bit 4", old, new, r1, r2, flipped))
    accepted = []
    for desc, p_old, p_new, p_r1, p_r2, p_proof in probes:
        try:
            verify_consistency(p_old, p_new, p_r1, p_r2, p_proof)
        except ProofError:
            continue
        accepted.append(desc)
    assert accepted == []
