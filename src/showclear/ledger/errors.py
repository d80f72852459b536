"""Errors raised by the pure ledger core.

The tree::

    LedgerError                 anything the ledger refuses or cannot prove
    ├── EncodingError           an event that cannot become a canonical entry
    ├── ProofError              an inclusion or consistency proof that does not hold
    ├── CheckpointError         a checkpoint body that is not a C2SP tlog-checkpoint
    ├── NoteError               a signed note that is malformed or signed by no known key
    │   └── SignatureError      a known key's signature that does not verify
    └── TlogProofError          a tlog-proof text that is malformed
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "EncodingError",
    "LedgerError",
    "NoteError",
    "ProofError",
    "SignatureError",
    "TlogProofError",
]


class LedgerError(Exception):
    """Root of every error the ledger core raises."""


class EncodingError(LedgerError, ValueError):
    """An event cannot be encoded as a canonical ledger entry."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify."""


class CheckpointError(LedgerError, ValueError):
    """A checkpoint body does not follow C2SP tlog-checkpoint."""


class NoteError(LedgerError, ValueError):
    """A signed note is malformed, or no known key signed it."""


class SignatureError(NoteError):
    """A signature by a known key does not verify."""


class TlogProofError(LedgerError, ValueError):
    """A tlog-proof text does not follow C2SP tlog-proof."""
