"""C2SP tlog-proof: an offline-verifiable proof that one entry is in a log.

Layout (https://c2sp.org/tlog-proof)::

    c2sp.org/tlog-proof@v1
    extra <base64>          (optional)
    index <decimal>
    <base64 hash>           (zero or more: the RFC 6962 inclusion path)

    <the signed checkpoint note, verbatim>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from showclear.ledger.checkpoint import Checkpoint, open_checkpoint
from showclear.ledger.errors import TlogProofError
from showclear.ledger.merkle import HASH_SIZE, leaf_hash, verify_inclusion
from showclear.ledger.note import Ed25519Verifier

__all__ = ["TLOG_PROOF_HEADER", "TlogProof", "verify_tlog_proof"]

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    """One entry's index, inclusion path and the checkpoint it is proven against."""

    index: int
    hashes: list[bytes] = field(default_factory=list)
    checkpoint_note: str = ""
    extra: bytes | None = None

    def format(self) -> str:
        """Return the proof as tlog-proof text."""
        lines = [TLOG_PROOF_HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint_note

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        """Parse tlog-proof text.

        Raises:
            TlogProofError: the text does not follow C2SP tlog-proof.
        """
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise TlogProofError("a tlog-proof has an empty line before its checkpoint")
        lines = head.split("\n")
        if lines[0] != TLOG_PROOF_HEADER:
            raise TlogProofError(f"a tlog-proof starts with the line {TLOG_PROOF_HEADER}")
        rest = lines[1:]
        extra = None
        try:
            if rest and rest[0].startswith("extra "):
                extra = base64.b64decode(rest.pop(0)[len("extra ") :], validate=True)
            if not rest or not rest[0].startswith("index "):
                raise TlogProofError("a tlog-proof names its entry on an 'index N' line")
            index_text = rest.pop(0)[len("index ") :]
            if not (index_text.isascii() and index_text.isdigit()) or (
                index_text != "0" and index_text.startswith("0")
            ):
                raise TlogProofError(f"index {index_text!r} is not a plain decimal")
            hashes = [base64.b64decode(line, validate=True) for line in rest]
        except (ValueError, binascii.Error) as e:
            raise TlogProofError(f"a tlog-proof line is not valid base64: {e}") from e
        if any(len(h) != HASH_SIZE for h in hashes):
            raise TlogProofError("every inclusion proof line is one SHA-256 hash")
        return cls(int(index_text), hashes, note, extra)


def verify_tlog_proof(proof: TlogProof, entry: bytes, verifier: Ed25519Verifier) -> Checkpoint:
    """Check that ``entry`` is at ``proof.index`` in the log ``verifier`` signs for.

    Raises:
        LedgerError: the checkpoint's signature or body, or the inclusion proof, fails.
    """
    checkpoint = open_checkpoint(proof.checkpoint_note, verifier)
    verify_inclusion(leaf_hash(entry), proof.index, checkpoint.size, proof.hashes, checkpoint.root)
    return checkpoint
