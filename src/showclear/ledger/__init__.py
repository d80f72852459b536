"""The pure ledger core: canonical entries, RFC 9162 Merkle proofs, C2SP checkpoints.

Imports nothing from storage, the CLI or the web.
"""

from showclear.ledger.canonical import (
    MAX_ENTRY_BYTES,
    MAX_SAFE_INTEGER,
    JSONValue,
    canonical_json,
    parse_entry,
)
from showclear.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from showclear.ledger.errors import (
    CheckpointError,
    EncodingError,
    LedgerError,
    NoteError,
    ProofError,
    SignatureError,
    TlogProofError,
)
from showclear.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
    CompactRange,
    MemoryTree,
    NodeSource,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from showclear.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    key_id,
    open_note,
    sign_note,
)
from showclear.ledger.tlogproof import TLOG_PROOF_HEADER, TlogProof, verify_tlog_proof

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "MAX_ENTRY_BYTES",
    "MAX_SAFE_INTEGER",
    "NODE_PREFIX",
    "TLOG_PROOF_HEADER",
    "Checkpoint",
    "CheckpointError",
    "CompactRange",
    "Ed25519Signer",
    "Ed25519Verifier",
    "EncodingError",
    "JSONValue",
    "LedgerError",
    "MemoryTree",
    "NodeSource",
    "NoteError",
    "ProofError",
    "SignatureError",
    "TlogProof",
    "TlogProofError",
    "canonical_json",
    "consistency_proof",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_entry",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
    "verify_tlog_proof",
]
