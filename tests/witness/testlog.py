"""A transparency log for witness tests, made of showclear's own ledger parts.

Checkpoints are signed with :mod:`showclear.ledger.checkpoint`, trees and proofs come from
:mod:`showclear.ledger.merkle`: the same bytes a production's server sends its witnesses.
"""

from __future__ import annotations

import base64

from showclear.ledger.checkpoint import Checkpoint, sign_checkpoint
from showclear.ledger.merkle import MemoryTree, consistency_proof, leaf_hash
from showclear.ledger.note import Ed25519Signer

__all__ = ["ORIGIN", "TestLog", "request_body"]

ORIGIN = "dust-creek.example/ledger"


def request_body(old: int, proof: list[bytes], note: str) -> bytes:
    """A tlog-witness add-checkpoint body: old line, proof lines, blank line, checkpoint."""
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


class TestLog:
    """A log whose entries are ``<salt> entry <i>``: two salts under one key are a fork."""

    __test__ = False  # not a test class, for pytest

    def __init__(self, origin: str = ORIGIN, seed: bytes = bytes(32), salt: str = "") -> None:
        self.signer = Ed25519Signer(origin, seed)
        self.salt = salt
        self.tree = MemoryTree()

    @property
    def vkey(self) -> str:
        return self.signer.verifier().verifier_key()

    @property
    def size(self) -> int:
        return self.tree.size

    def grow(self, count: int) -> TestLog:
        """Append ``count`` entries."""
        for _ in range(count):
            self.tree.append(leaf_hash(f"{self.salt} entry {self.tree.size}".encode()))
        return self

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        size = self.size if size is None else size
        return Checkpoint(self.signer.name, size, self.tree.root(size))

    def note(self, size: int | None = None) -> str:
        """The signed checkpoint at ``size`` (default: the whole tree)."""
        return sign_checkpoint(self.checkpoint(size), [self.signer])

    def proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else new
        return [] if old == 0 else consistency_proof(old, new, self.tree)

    def request(self, old: int, size: int | None = None) -> bytes:
        """The add-checkpoint body from ``old`` to ``size``, with its consistency proof."""
        size = self.size if size is None else size
        return request_body(old, self.proof(old, size), self.note(size))
