"""Errors raised by the pure ledger core.

The tree, under :class:`showclear.errors.ShowclearError`; every class is of the kind
``verification-failed`` but :class:`EncodingError`, which is ``invalid-event``::

    LedgerError                 anything the ledger refuses or cannot prove
    ├── EncodingError           an event that cannot become a canonical entry
    ├── ProofError              an inclusion or consistency proof that does not hold
    ├── CheckpointError         a checkpoint body that is not a C2SP tlog-checkpoint
    ├── NoteError               a signed note that is malformed or signed by no known key
    │   ├── SignatureError      a known key's signature that does not verify
    │   └── CosignatureError    a witness cosignature that is missing, malformed or invalid
    ├── TlogProofError          a tlog-proof text that is malformed
    └── VerificationError       a stored log whose entries, nodes or checkpoints disagree

Only an event reaches the ledger from a person; anything else that fails here is stored
data or a proof that does not hold, shown as ``verification-failed`` (docs/errors.md).
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = [
    "CheckpointError",
    "CosignatureError",
    "EncodingError",
    "LedgerError",
    "NoteError",
    "ProofError",
    "SignatureError",
    "TlogProofError",
    "VerificationError",
]


class LedgerError(ShowclearError):
    """Root of every error the ledger core raises."""

    kind = ErrorKind.VERIFICATION_FAILED


class EncodingError(LedgerError, ValueError):
    """An event cannot be encoded as a canonical ledger entry."""

    kind = ErrorKind.INVALID_EVENT


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify."""


class CheckpointError(LedgerError, ValueError):
    """A checkpoint body does not follow C2SP tlog-checkpoint."""


class NoteError(LedgerError, ValueError):
    """A signed note is malformed, or no known key signed it."""


class SignatureError(NoteError):
    """A signature by a known key does not verify."""


class CosignatureError(NoteError):
    """A C2SP tlog-cosignature is malformed, absent where required, or does not verify."""


class TlogProofError(LedgerError, ValueError):
    """A tlog-proof text does not follow C2SP tlog-proof."""


class VerificationError(LedgerError):
    """A stored log does not verify; the message names the first place that is wrong."""
