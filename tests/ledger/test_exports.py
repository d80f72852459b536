"""The ledger package's public surface is stated and complete (STYLE 4)."""

from __future__ import annotations

from showclear import ledger

# The API the rest of showclear is written against (issue 2).
REQUIRED = {
    "LedgerError",
    "EncodingError",
    "ProofError",
    "NoteError",
    "SignatureError",
    "CheckpointError",
    "MAX_ENTRY_BYTES",
    "canonical_json",
    "parse_entry",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "EMPTY_ROOT",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "NodeSource",
    "MemoryTree",
    "tree_root",
    "inclusion_proof",
    "consistency_proof",
    "verify_inclusion",
    "verify_consistency",
    "CompactRange",
    "Ed25519Signer",
    "Ed25519Verifier",
    "sign_note",
    "open_note",
    "Checkpoint",
    "sign_checkpoint",
    "open_checkpoint",
    "TlogProof",
    "verify_tlog_proof",
}


def test_every_required_name_is_exported_from_the_package() -> None:
    """Each name of the ledger API is in showclear.ledger.__all__."""
    assert set(ledger.__all__) >= REQUIRED


def test_every_exported_name_exists() -> None:
    """__all__ names nothing that is missing."""
    assert [name for name in ledger.__all__ if not hasattr(ledger, name)] == []


def test_every_error_descends_from_ledger_error() -> None:
    """One root exception for the package (STYLE 8)."""
    errors = [getattr(ledger, n) for n in ledger.__all__ if n.endswith("Error")]
    assert errors
    assert all(issubclass(e, ledger.LedgerError) for e in errors)
    assert issubclass(ledger.SignatureError, ledger.NoteError)
