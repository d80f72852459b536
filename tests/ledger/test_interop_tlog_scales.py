"""Interoperability: an independent verifier from PyPI (tlog-scales) accepts our output.

showclear's code builds every tree, proof, key and checkpoint; tlog-scales only
checks them, and its own signed checkpoints must open with our code. tlog-scales
implements RFC 9162 §2.1.3.2 / §2.1.4.2 and C2SP signed notes independently.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from tlog_scales import signing, tlog

from showclear.ledger import (
    Checkpoint,
    Ed25519Signer,
    Ed25519Verifier,
    MemoryTree,
    ProofError,
    TlogProof,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    open_checkpoint,
    sign_checkpoint,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

from .vectors import PETER_SKEY, PETER_VKEY, seed_of

ORIGIN = "showclear.example/productions/night-shoot"
LEAVES = [leaf_hash(b'{"seq":%d}' % i) for i in range(300)]
TREE = MemoryTree(LEAVES)
SMALL = 64


def _signer_from_seed(name: str, seed: bytes) -> Ed25519Signer:
    # Our signer for a given raw seed, through the Go key-string format it documents.
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    blob = base64.b64encode(b"\x01" + seed).decode()
    return Ed25519Signer.from_private_key_string(f"PRIVATE+KEY+{name}+{key_id.hex()}+{blob}")


# --- keys and checkpoints -----------------------------------------------------------


def test_tlog_scales_derives_the_same_verifier_key_as_go_and_as_us() -> None:
    """From Go's PeterNeumann seed, tlog-scales' Vkey string is Go's vkey, and so is ours."""
    ts_signer = signing.PlainEd25519Signer("PeterNeumann", seed_of(PETER_SKEY))
    assert ts_signer.vkey.serialize() == PETER_VKEY
    assert Ed25519Signer.from_private_key_string(PETER_SKEY).verifier().verifier_key() == (
        PETER_VKEY
    )


def test_our_signed_checkpoints_verify_with_tlog_scales() -> None:
    """tlog-scales parses our checkpoint note and verifies it with our verifier key string."""
    log = Ed25519Signer.generate(ORIGIN)
    checkpoint = Checkpoint(ORIGIN, 123, tree_root(123, TREE))
    note = sign_checkpoint(checkpoint, [log])
    parsed = tlog.Checkpoint.from_text(note)
    parsed.verify(signing.Vkey.from_string(log.verifier().verifier_key()))
    assert (parsed.origin, parsed.size, parsed.root_hash) == (ORIGIN, 123, checkpoint.root)
    assert parsed.serialize() == note


def test_tlog_scales_rejects_our_checkpoint_once_tampered() -> None:
    """The oracle is not vacuous: a changed size fails tlog-scales' signature check."""
    log = Ed25519Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 123, tree_root(123, TREE)), [log])
    tampered = tlog.Checkpoint.from_text(note.replace("\n123\n", "\n124\n", 1))
    with pytest.raises(InvalidSignature):
        tampered.verify(signing.Vkey.from_string(log.verifier().verifier_key()))


def test_tlog_scales_signed_checkpoints_open_with_our_code() -> None:
    """A checkpoint signed by tlog-scales' PlainEd25519Signer opens with open_checkpoint."""
    seed = hashlib.sha256(b"interop seed").digest()
    ts_signer = signing.PlainEd25519Signer(ORIGIN, seed)
    root = tree_root(200, TREE)
    ts_note = tlog.Checkpoint.make_signed(ORIGIN, 200, root, [ts_signer]).serialize()
    verifier = Ed25519Verifier.from_verifier_key(ts_signer.vkey.serialize())
    assert open_checkpoint(ts_note, verifier) == Checkpoint(ORIGIN, 200, root)
    # Ed25519 is deterministic: our note from the same key is tlog-scales' note exactly.
    ours = sign_checkpoint(Checkpoint(ORIGIN, 200, root), [_signer_from_seed(ORIGIN, seed)])
    assert ours == ts_note


# --- proofs -------------------------------------------------------------------------


def test_every_inclusion_proof_in_small_trees_passes_tlog_scales() -> None:
    """For every size up to 64 and every index, tlog-scales accepts our audit path."""
    for size in range(1, SMALL + 1):
        root = tree_root(size, TREE)
        for index in range(size):
            proof = inclusion_proof(index, size, TREE)
            tlog.InclusionProof(index, size, proof).check(LEAVES[index], root)


def test_every_consistency_proof_in_small_trees_passes_tlog_scales() -> None:
    """For every 1 <= old <= new <= 64, tlog-scales accepts our consistency proof."""
    roots = [tree_root(n, TREE) for n in range(SMALL + 1)]
    for new in range(1, SMALL + 1):
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, TREE)
            tlog.ConsistencyProof(old, new, proof).check(roots[old], roots[new])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_proofs_in_larger_trees_pass_tlog_scales(data: st.DataObject) -> None:
    """Random sizes up to 300: tlog-scales accepts our inclusion and consistency proofs."""
    new = data.draw(st.integers(min_value=2, max_value=len(LEAVES)), label="new")
    old = data.draw(st.integers(min_value=1, max_value=new - 1), label="old")
    index = data.draw(st.integers(min_value=0, max_value=new - 1), label="index")
    old_root, new_root = tree_root(old, TREE), tree_root(new, TREE)
    tlog.InclusionProof(index, new, inclusion_proof(index, new, TREE)).check(
        LEAVES[index], new_root
    )
    tlog.ConsistencyProof(old, new, consistency_proof(old, new, TREE)).check(old_root, new_root)


def _holds(check: Callable[..., object], *args: object) -> bool:
    try:
        check(*args)
    except (ProofError, tlog.InclusionProofInvalid, tlog.ConsistencyProofInvalid):
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_our_verifiers_accept_exactly_what_tlog_scales_accepts(data: st.DataObject) -> None:
    """For claims with a changed index or size, both verifiers reach the same verdict."""
    size = data.draw(st.integers(min_value=1, max_value=len(LEAVES)), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof, root = inclusion_proof(index, size, TREE), tree_root(size, TREE)
    other_index = data.draw(st.integers(min_value=0, max_value=len(LEAVES)), label="index'")
    other_size = data.draw(st.integers(min_value=0, max_value=len(LEAVES)), label="size'")
    # The leaf stays the one proven; only the claimed position changes.
    for i, n in ((other_index, size), (index, other_size), (other_index, other_size)):
        ours = _holds(verify_inclusion, LEAVES[index], i, n, proof, root)
        theirs = _holds(tlog.InclusionProof(i, n, proof).check, LEAVES[index], root)
        assert ours == theirs, (i, n)

    old = data.draw(st.integers(min_value=1, max_value=size), label="old")
    c_proof = consistency_proof(old, size, TREE)
    r1 = tree_root(old, TREE)
    if not c_proof:
        return  # tlog-scales accepts a size-0 old tree with an empty proof; we refuse it.
    other_old = data.draw(st.integers(min_value=0, max_value=len(LEAVES)), label="old'")
    other_new = data.draw(st.integers(min_value=0, max_value=len(LEAVES)), label="new'")
    for a, b in ((other_old, size), (old, other_new), (other_old, other_new)):
        ours = _holds(verify_consistency, a, b, r1, root, c_proof)
        theirs = _holds(tlog.ConsistencyProof(a, b, c_proof).check, r1, root)
        assert ours == theirs, (a, b)


def test_a_parsed_tlog_proof_checks_out_with_tlog_scales() -> None:
    """tlog-scales verifies the checkpoint and the path carried in our tlog-proof text."""
    log = Ed25519Signer.generate(ORIGIN)
    size, index = 77, 41
    note = sign_checkpoint(Checkpoint(ORIGIN, size, tree_root(size, TREE)), [log])
    text = TlogProof(index, inclusion_proof(index, size, TREE), note).format()
    proof = TlogProof.parse(text)
    checkpoint = tlog.Checkpoint.from_text(proof.checkpoint_note)
    checkpoint.verify(signing.Vkey.from_string(log.verifier().verifier_key()))
    tlog.InclusionProof(proof.index, checkpoint.size, proof.hashes).check(
        LEAVES[index], checkpoint.root_hash
    )
