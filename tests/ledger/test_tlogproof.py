"""C2SP tlog-proof: one entry's offline-verifiable proof of inclusion.

Spec: https://c2sp.org/tlog-proof. Layout checks follow the spec text and
transparency-dev/merkle proof/tlog_proof_test.go.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import (
    Checkpoint,
    CheckpointError,
    Ed25519Signer,
    LedgerError,
    MemoryTree,
    NoteError,
    ProofError,
    SignatureError,
    TlogProof,
    TlogProofError,
    canonical_json,
    inclusion_proof,
    leaf_hash,
    sign_checkpoint,
    verify_tlog_proof,
)

ORIGIN = "showclear.example/productions/night-shoot"
LOG = Ed25519Signer.generate(ORIGIN)
ENTRIES = [canonical_json({"event": "RoundCounted", "lot": "A-7", "seq": i}) for i in range(11)]
TREE = MemoryTree(leaf_hash(e) for e in ENTRIES)
CHECKPOINT = Checkpoint(ORIGIN, TREE.size, TREE.root())
NOTE = sign_checkpoint(CHECKPOINT, [LOG])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _proof(index: int, extra: bytes | None = None) -> TlogProof:
    return TlogProof(index, inclusion_proof(index, TREE.size, TREE), NOTE, extra)


def test_tlog_proof_errors_are_ledger_errors() -> None:
    """A caller can catch every ledger failure with LedgerError."""
    assert issubclass(TlogProofError, LedgerError)


# --- layout -------------------------------------------------------------------------


def test_the_text_is_header_index_hashes_blank_line_and_the_checkpoint() -> None:
    """Without extra data: header, "index N", one base64 hash per line, "", the note."""
    # tlog_proof_test.go "proof without extra data": index 5, sha256("hash1"), sha256("hash2").
    h1, h2 = hashlib.sha256(b"hash1").digest(), hashlib.sha256(b"hash2").digest()
    text = TlogProof(5, [h1, h2], NOTE).format()
    assert text == f"c2sp.org/tlog-proof@v1\nindex 5\n{_b64(h1)}\n{_b64(h2)}\n\n{NOTE}"
    assert "extra " not in text


def test_extra_data_goes_on_the_second_line() -> None:
    """With extra data: "extra <base64>" between the header and the index."""
    # tlog_proof_test.go "proof with extra data": index 10, extra "extra information".
    h1 = hashlib.sha256(b"hash1").digest()
    text = TlogProof(10, [h1], NOTE, b"extra information").format()
    assert text.split("\n")[:4] == [
        "c2sp.org/tlog-proof@v1",
        "extra " + _b64(b"extra information"),
        "index 10",
        _b64(h1),
    ]


def test_a_proof_with_no_hashes_has_the_blank_line_right_after_the_index() -> None:
    """tlog_proof_test.go "proof with empty hashes": a one-entry tree needs no path."""
    assert TlogProof(0, [], NOTE).format() == f"c2sp.org/tlog-proof@v1\nindex 0\n\n{NOTE}"


def test_the_checkpoint_is_included_verbatim() -> None:
    """The text ends with the signed checkpoint note, byte for byte."""
    assert _proof(3).format().endswith("\n\n" + NOTE)
    assert TlogProof.parse(_proof(3).format()).checkpoint_note == NOTE


def test_the_spec_example_parses_and_formats_back() -> None:
    """The c2sp.org/tlog-proof example's extra, index and hashes survive a round trip."""
    # The spec elides its signatures ("[...]"), so our own checkpoint note stands in.
    head = (
        "c2sp.org/tlog-proof@v1\n"
        "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
        "index 73894\n"
        "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
        "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
        "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
        "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
        "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
    )
    proof = TlogProof.parse(head + "\n" + NOTE)
    assert proof.index == 73894
    assert proof.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert proof.hashes[0] == base64.b64decode("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=")
    assert len(proof.hashes) == 5
    assert proof.checkpoint_note == NOTE
    assert proof.format() == head + "\n" + NOTE


@settings(max_examples=100, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=2**63),
    hashes=st.lists(st.binary(min_size=32, max_size=32), max_size=12),
    extra=st.none() | st.binary(max_size=64),
)
def test_format_and_parse_round_trip(index: int, hashes: list[bytes], extra: bytes | None) -> None:
    """parse(format(p)) == p for any index, path and extra data."""
    proof = TlogProof(index, hashes, NOTE, extra)
    assert TlogProof.parse(proof.format()) == proof


# --- malformed text -----------------------------------------------------------------

_HASH = _b64(bytes(32))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        # The first seven are tlog_proof_test.go TestVerifyTLogProofErrors.
        ("wrong-header\nindex 0\n\ncheckpoint\n", "starts with the line c2sp.org/tlog-proof@v1"),
        ("c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n", "base64"),
        ("c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n", "index"),
        ("c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n", "'notanumber'"),
        ("c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n", "'-5'"),
        ("c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n", "base64"),
        (f"c2sp.org/tlog-proof@v1\nindex 0\n{_b64(bytes(64))}\n\ncheckpoint\n", "SHA-256"),
        # The spec: no leading zeroes; exactly 32-byte hashes; an empty line.
        ("c2sp.org/tlog-proof@v1\nindex 07\n\ncheckpoint\n", "'07'"),
        (f"c2sp.org/tlog-proof@v1\nindex 0\n{_b64(bytes(31))}\n\ncheckpoint\n", "SHA-256"),
        (f"c2sp.org/tlog-proof@v1\nindex 0\n{_HASH}\n", "empty line"),
        (f"c2sp.org/tlog-proof@v2\nindex 0\n{_HASH}\n\ncheckpoint\n", "c2sp.org/tlog-proof@v1"),
        (f"c2sp.org/tlog-proof@v1\nindex 1\nindex 2\n{_HASH}\n\ncheckpoint\n", "base64"),
    ],
)
def test_malformed_proofs_are_refused(text: str, match: str) -> None:
    """Each deviation from c2sp.org/tlog-proof is a TlogProofError saying what is wrong."""
    with pytest.raises(TlogProofError, match=match):
        TlogProof.parse(text)


# --- verification -------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(ENTRIES)))
def test_every_entry_proves_its_inclusion_under_the_signed_checkpoint(index: int) -> None:
    """A formatted and re-parsed proof verifies for its entry and returns the checkpoint."""
    text = _proof(index, extra=b"context").format()
    assert verify_tlog_proof(TlogProof.parse(text), ENTRIES[index], LOG.verifier()) == CHECKPOINT


def test_a_proof_does_not_verify_another_entry() -> None:
    """The proof of entry 4 does not prove entry 5, nor entry 4 with one byte changed."""
    proof = TlogProof.parse(_proof(4).format())
    with pytest.raises(ProofError):
        verify_tlog_proof(proof, ENTRIES[5], LOG.verifier())
    with pytest.raises(ProofError):
        verify_tlog_proof(proof, ENTRIES[4].replace(b'"seq":4', b'"seq":5'), LOG.verifier())


def test_a_proof_with_a_changed_index_fails() -> None:
    """Moving the entry to another index breaks the proof."""
    text = _proof(4).format().replace("\nindex 4\n", "\nindex 6\n", 1)
    with pytest.raises(ProofError):
        verify_tlog_proof(TlogProof.parse(text), ENTRIES[4], LOG.verifier())


def test_a_proof_with_a_changed_hash_fails() -> None:
    """Replacing any line of the audit path breaks the proof."""
    proof = _proof(4)
    for i in range(len(proof.hashes)):
        hashes = [*proof.hashes]
        hashes[i] = bytes([hashes[i][0] ^ 1]) + hashes[i][1:]
        text = TlogProof(4, hashes, NOTE).format()
        with pytest.raises(ProofError):
            verify_tlog_proof(TlogProof.parse(text), ENTRIES[4], LOG.verifier())


def test_a_proof_with_a_dropped_hash_fails() -> None:
    """Deleting a line of the audit path breaks the proof."""
    proof = _proof(4)
    with pytest.raises(ProofError):
        verify_tlog_proof(TlogProof(4, proof.hashes[:-1], NOTE), ENTRIES[4], LOG.verifier())


def test_a_proof_with_a_tampered_checkpoint_fails_its_signature() -> None:
    """Editing the checkpoint's size inside the proof breaks the log's signature."""
    text = _proof(4).format().replace(f"\n{TREE.size}\n", f"\n{TREE.size + 1}\n", 1)
    with pytest.raises(SignatureError):
        verify_tlog_proof(TlogProof.parse(text), ENTRIES[4], LOG.verifier())


def test_a_proof_against_another_logs_checkpoint_fails() -> None:
    """A checkpoint signed by another key, or for another origin, is refused."""
    impostor = Ed25519Signer.generate(ORIGIN)
    forged = TlogProof(4, _proof(4).hashes, sign_checkpoint(CHECKPOINT, [impostor]))
    with pytest.raises(NoteError, match="no known key"):
        verify_tlog_proof(forged, ENTRIES[4], LOG.verifier())
    elsewhere = Ed25519Signer.generate("example.com/other-production")
    renamed = TlogProof(4, _proof(4).hashes, sign_checkpoint(CHECKPOINT, [elsewhere]))
    with pytest.raises(CheckpointError, match="origin"):
        verify_tlog_proof(renamed, ENTRIES[4], elsewhere.verifier())


def test_extra_data_is_not_authenticated_and_does_not_affect_verification() -> None:
    """The spec's extra line is opaque: changing it changes nothing that is checked."""
    text = _proof(4, extra=b"one").format().replace(_b64(b"one"), _b64(b"two"), 1)
    proof = TlogProof.parse(text)
    assert proof.extra == b"two"
    assert verify_tlog_proof(proof, ENTRIES[4], LOG.verifier()) == CHECKPOINT
