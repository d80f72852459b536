"""The proof verifiers refuse every malformed claim, each with a ProofError that says why.

DESIGN "The ledger format": verifiers reject index >= size, proofs of the wrong
length and size-0 consistency claims. RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import pytest

from showclear.ledger import (
    EMPTY_ROOT,
    LedgerError,
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

from .vectors import SOME_HASH

LEAVES = [leaf_hash(b"entry %d" % i) for i in range(16)]
TREE = MemoryTree(LEAVES)


def _root(size: int) -> bytes:
    return tree_root(size, TREE)


def test_proof_errors_are_ledger_errors() -> None:
    """A caller can catch every ledger failure with LedgerError."""
    assert issubclass(ProofError, LedgerError)


# --- inclusion ----------------------------------------------------------------------


def test_a_valid_inclusion_proof_verifies() -> None:
    """The baseline every rejection below is a variation of."""
    verify_inclusion(LEAVES[5], 5, 11, inclusion_proof(5, 11, TREE), _root(11))


@pytest.mark.parametrize(("index", "size"), [(11, 11), (12, 11), (0, 0), (2**64 - 1, 11)])
def test_inclusion_is_refused_when_the_index_is_not_below_the_size(index: int, size: int) -> None:
    """Index >= size is refused before any hashing (RFC 9162 §2.1.3.2 step 1)."""
    with pytest.raises(ProofError, match=f"index {index} is not in a tree of size {size}"):
        verify_inclusion(LEAVES[0], index, size, [], _root(11))


def test_inclusion_is_refused_for_a_negative_index() -> None:
    """A negative index is no leaf at all."""
    with pytest.raises(ProofError, match="index -1"):
        verify_inclusion(LEAVES[0], -1, 11, inclusion_proof(0, 11, TREE), _root(11))


def test_inclusion_is_refused_when_the_proof_is_one_hash_too_long() -> None:
    """An extra trailing hash is refused, even though a prefix of the proof is right."""
    proof = inclusion_proof(5, 11, TREE)
    with pytest.raises(ProofError, match=f"has {len(proof)} hashes, not {len(proof) + 1}"):
        verify_inclusion(LEAVES[5], 5, 11, [*proof, SOME_HASH], _root(11))


def test_inclusion_is_refused_when_the_proof_is_one_hash_too_short() -> None:
    """A truncated audit path is refused."""
    proof = inclusion_proof(5, 11, TREE)
    with pytest.raises(ProofError, match=f"has {len(proof)} hashes, not {len(proof) - 1}"):
        verify_inclusion(LEAVES[5], 5, 11, proof[:-1], _root(11))


def test_inclusion_is_refused_when_the_root_does_not_match() -> None:
    """A path that leads elsewhere than the claimed root is refused."""
    with pytest.raises(ProofError, match="root"):
        verify_inclusion(LEAVES[5], 5, 11, inclusion_proof(5, 11, TREE), _root(10))


def test_inclusion_of_another_leaf_at_the_index_is_refused() -> None:
    """The proof for entry 5 does not prove entry 6 at index 5."""
    with pytest.raises(ProofError, match="root"):
        verify_inclusion(LEAVES[6], 5, 11, inclusion_proof(5, 11, TREE), _root(11))


@pytest.mark.parametrize(
    ("leaf", "root", "accepted"),
    [
        (leaf_hash(b"data"), leaf_hash(b"data"), True),
        (b"", leaf_hash(b"data"), False),
        (leaf_hash(b"data"), b"", False),
        (b"", b"", False),  # Go: "Wrong hash size."
    ],
)
def test_a_single_entry_tree_proves_exactly_its_own_32_byte_leaf(
    leaf: bytes, root: bytes, accepted: bool
) -> None:
    """TestVerifyInclusionSingleEntry (transparency-dev/merkle proof/verify_test.go)."""
    if accepted:
        verify_inclusion(leaf, 0, 1, [], root)
    else:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, 0, 1, [], root)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
@pytest.mark.parametrize(
    ("leaf", "root"),
    [(SOME_HASH, b""), (b"", EMPTY_ROOT), (SOME_HASH, EMPTY_ROOT)],
)
def test_empty_proofs_for_mismatched_leaves_and_roots_are_refused(
    index: int, size: int, leaf: bytes, root: bytes
) -> None:
    """TestVerifyInclusion's probes (transparency-dev/merkle proof/verify_test.go)."""
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, [], root)


# --- consistency --------------------------------------------------------------------


def test_a_valid_consistency_proof_verifies() -> None:
    """The baseline every rejection below is a variation of."""
    verify_consistency(6, 11, _root(6), _root(11), consistency_proof(6, 11, TREE))


def test_consistency_is_refused_when_the_first_size_exceeds_the_second() -> None:
    """A log cannot shrink: first > second is refused."""
    with pytest.raises(ProofError, match="old size 11 is larger than new size 6"):
        verify_consistency(11, 6, _root(11), _root(6), consistency_proof(6, 11, TREE))


@pytest.mark.parametrize(("new", "root"), [(0, EMPTY_ROOT), (5, None)])
def test_consistency_is_refused_from_an_empty_old_tree(new: int, root: bytes | None) -> None:
    """A size-0 old tree proves nothing and is refused (DESIGN), even with an empty proof."""
    with pytest.raises(ProofError, match="at least one entry"):
        verify_consistency(0, new, EMPTY_ROOT, _root(new) if root is None else root, [])


def test_consistency_is_refused_when_the_proof_is_one_hash_too_long() -> None:
    """An extra trailing hash is refused."""
    proof = consistency_proof(6, 11, TREE)
    with pytest.raises(ProofError, match=f"has {len(proof)} hashes, not {len(proof) + 1}"):
        verify_consistency(6, 11, _root(6), _root(11), [*proof, SOME_HASH])


def test_consistency_is_refused_when_the_proof_is_one_hash_too_short() -> None:
    """A truncated consistency proof is refused."""
    proof = consistency_proof(6, 11, TREE)
    with pytest.raises(ProofError, match=f"has {len(proof)} hashes, not {len(proof) - 1}"):
        verify_consistency(6, 11, _root(6), _root(11), proof[:-1])


def test_consistency_is_refused_with_an_empty_proof_between_different_sizes() -> None:
    """Two different sizes always need a non-empty proof (RFC 9162 §2.1.4.2 step 1)."""
    with pytest.raises(ProofError, match="has 1 hashes, not 0"):
        verify_consistency(8, 16, _root(8), _root(16), [])


def test_equal_sizes_are_consistent_with_an_empty_proof_and_equal_roots() -> None:
    """A tree head is consistent with itself; there is nothing to prove."""
    verify_consistency(7, 7, _root(7), _root(7), [])
    assert consistency_proof(7, 7, TREE) == []


def test_equal_sizes_with_different_roots_are_refused() -> None:
    """Two roots for one size are a fork, not a consistent history."""
    with pytest.raises(ProofError, match="different roots for the same size 7"):
        verify_consistency(7, 7, _root(7), _root(8), [])


def test_equal_sizes_with_a_non_empty_proof_are_refused() -> None:
    """Equal sizes take only the empty proof (verify_test.go: "proof is not empty")."""
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(7, 7, _root(7), _root(7), [EMPTY_ROOT])


def test_consistency_is_refused_when_either_root_does_not_match() -> None:
    """A proof that leads to other roots is refused, naming which one."""
    proof = consistency_proof(6, 11, TREE)
    with pytest.raises(ProofError, match="root of size 6"):
        verify_consistency(6, 11, _root(5), _root(11), proof)
    with pytest.raises(ProofError, match="root of size 11"):
        verify_consistency(6, 11, _root(6), _root(12), proof)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof"),
    [
        # transparency-dev/merkle proof/verify_test.go TestVerifyConsistency, the cases
        # that must fail. (Go accepts 0 -> 0 and 0 -> 1; the ledger refuses any
        # size-0 old tree by design, tested above.)
        (1, 1, b"don't care 1", b"don't care 2", []),
        (1, 0, b"don't care 1", b"don't care 2", []),
        (2, 1, b"don't care 1", b"don't care 2", []),
        (1, 2, b"don't care 1", b"don't care 2", []),
        (1, 1, EMPTY_ROOT, b"don't care 2", []),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
    ],
)
def test_the_reference_inconsistent_claims_are_refused(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    """Each claim Go's verifier rejects, ours rejects too."""
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, proof)
