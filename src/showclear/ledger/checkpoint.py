"""C2SP tlog-checkpoint bodies inside C2SP signed notes (https://c2sp.org/tlog-checkpoint).

A checkpoint body is: the origin line, the tree size in decimal with no leading
zeroes, the root hash in standard base64, each on its own line, then optional
extension lines. It is signed as a signed note whose key name is the origin.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from showclear.ledger.errors import CheckpointError
from showclear.ledger.merkle import HASH_SIZE
from showclear.ledger.note import Ed25519Signer, Ed25519Verifier, open_note, sign_note

__all__ = ["Checkpoint", "open_checkpoint", "sign_checkpoint"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's claim: its first ``size`` entries have Merkle root ``root``."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(ch.isspace() and ch != " " for ch in self.origin):
            raise CheckpointError("checkpoint origin must be one non-empty line")
        if self.size < 0:
            raise CheckpointError(f"checkpoint size {self.size} is negative")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root is {len(self.root)} bytes, not {HASH_SIZE}")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise CheckpointError("checkpoint extension lines must be non-empty single lines")

    def body(self) -> str:
        """Return the checkpoint body that is signed."""
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Parse a checkpoint body.

        Raises:
            CheckpointError: the body does not follow C2SP tlog-checkpoint.
        """
        if not body.endswith("\n"):
            raise CheckpointError("checkpoint body must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint body needs origin, size and root lines")
        origin, size_text, root_text, *ext = lines
        if (
            not size_text.isdigit()
            or not size_text.isascii()
            or (size_text != "0" and size_text.startswith("0"))
        ):
            raise CheckpointError(f"checkpoint size {size_text!r} is not a plain decimal")
        try:
            root = base64.b64decode(root_text, validate=True)
        except (ValueError, binascii.Error) as e:
            raise CheckpointError(f"checkpoint root {root_text!r} is not base64") from e
        return cls(origin, int(size_text), root, tuple(ext))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[Ed25519Signer]) -> str:
    """Return ``checkpoint`` as a signed note."""
    return sign_note(checkpoint.body(), signers)


def open_checkpoint(note: str, verifier: Ed25519Verifier) -> Checkpoint:
    """Verify a signed checkpoint note and return its checkpoint.

    Raises:
        NoteError: the note is malformed or not signed by ``verifier``.
        SignatureError: the signature by ``verifier`` is invalid.
        CheckpointError: the body is malformed, or its origin is not the key's name.
    """
    text, _ = open_note(note, [verifier])
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != verifier.name:
        raise CheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the key's name {verifier.name!r}"
        )
    return checkpoint
