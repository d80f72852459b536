"""C2SP tlog-cosignature/v1 with Ed25519 (https://c2sp.org/tlog-cosignature).

A cosignature is a signed-note signature line that a witness (a *cosigner*) adds to a
log's checkpoint: its statement that, as of a time, the checkpoint is the largest
consistent tree head it has seen for that origin. For Ed25519 (C2SP tlog-cosignature,
"Format"):

- the key id is ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``: signature type
  :data:`ALG_COSIGNATURE_V1` (0x04), not signed-note's 0x01, so a cosigner key can never
  be mistaken for a log key;
- the signature line is ``— <name> base64(key id || uint64 timestamp || signature)``,
  the timestamp big-endian, in POSIX seconds (the ``timestamped_signature`` struct);
- the signed message ("Ed25519 signed message") is ``cosignature/v1\\n``,
  ``time <decimal seconds>\\n``, then the whole checkpoint note body with its final
  newline and without signature lines;
- a verifier key is ``<name>+<hex key id>+base64(0x04 || public key)``.

The private key file follows note.py's layout with the cosignature type byte:
``PRIVATE+KEY+<name>+<hex key id>+base64(0x04 || 32-byte Ed25519 seed)``. Type 0x04 marks
it as a cosigner key, so a log key file (0x01) cannot be loaded as a witness key by mistake.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from showclear.ledger.checkpoint import Checkpoint
from showclear.ledger.errors import CosignatureError, NoteError
from showclear.ledger.note import check_key_name, split_key

__all__ = [
    "ALG_COSIGNATURE_V1",
    "COSIGNATURE_HEADER",
    "MAX_TIMESTAMP",
    "Cosignature",
    "CosignatureVerifier",
    "Cosigner",
    "CosignerKey",
    "add_cosignatures",
    "cosignature_key_id",
    "cosignatures_in",
    "cosigned_message",
]

#: Signature type byte of an Ed25519 tlog-cosignature/v1 (C2SP signed-note, "Signature types").
ALG_COSIGNATURE_V1 = 0x04
#: The header line that separates a cosignature's message from any other signed text.
COSIGNATURE_HEADER = "cosignature/v1\n"
#: The largest timestamp the format allows (C2SP tlog-cosignature: "MUST NOT exceed 2^63 - 1").
MAX_TIMESTAMP = 2**63 - 1

_DASH = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_KEY_ID_SIZE = 4
_TIMESTAMP_SIZE = 8
_SIGNATURE_SIZE = 64
_BLOB_SIZE = _KEY_ID_SIZE + _TIMESTAMP_SIZE + _SIGNATURE_SIZE


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """Return ``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` (tlog-cosignature, "Format")."""
    return hashlib.sha256(
        name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    ).digest()[:_KEY_ID_SIZE]


def cosigned_message(checkpoint_body: str, timestamp: int) -> bytes:
    """Return the bytes a cosignature signs (tlog-cosignature, "Ed25519 signed message").

    Raises:
        CosignatureError: the body does not end in a newline, or the timestamp is out of range.
    """
    if not checkpoint_body.endswith("\n") or "\n\n" in checkpoint_body:
        raise CosignatureError(
            "a checkpoint body to cosign ends in exactly one newline and holds no signatures"
        )
    _check_timestamp(timestamp)
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{checkpoint_body}".encode()


def _check_timestamp(timestamp: int) -> None:
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(
            f"cosignature timestamp {timestamp} is outside 0..2^63-1 (POSIX seconds)"
        )


def _check_name(name: str) -> None:
    check_key_name(name, CosignatureError)


def _split_key(text: str, what: str) -> tuple[str, bytes, bytes]:
    """Split ``name+hexkeyid+base64(0x04 || key)`` into name, key id and key bytes."""
    return split_key(
        text,
        what,
        alg=ALG_COSIGNATURE_V1,
        error=CosignatureError,
        kind="Ed25519 cosigner key",
        wrong_type="; a log's key (type 0x01) cannot be used as a witness key",
    )


@dataclass(frozen=True, slots=True)
class Cosignature:
    """One signature line shaped as an Ed25519 cosignature; not yet verified."""

    name: str
    key_id: bytes
    timestamp: int
    signature: bytes
    line: str  # the signature line as it appears in the note, with its newline


class Cosigner:
    """A witness's named Ed25519 private key that cosigns checkpoints."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, private_key: bytes | Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._key = (
            private_key
            if isinstance(private_key, Ed25519PrivateKey)
            else Ed25519PrivateKey.from_private_bytes(private_key)
        )
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = cosignature_key_id(name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        """Create a new random cosigner key named ``name``."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key_string(cls, skey: str) -> Cosigner:
        """Parse ``PRIVATE+KEY+name+keyid+base64(0x04 || seed)``.

        Raises:
            CosignatureError: the string is malformed, not a cosigner key, or its key id
                does not match its name and key.
        """
        skey = skey.strip()
        if not skey.startswith(_PRIVATE_PREFIX):
            raise CosignatureError("a private key string starts with PRIVATE+KEY+")
        name, kid, seed = _split_key(skey[len(_PRIVATE_PREFIX) :], "private key")
        cosigner = cls(name, seed)
        if cosigner.key_id != kid:
            raise CosignatureError("private key id does not match its name and public key")
        return cosigner

    def private_key_string(self) -> str:
        """Return the private key as ``PRIVATE+KEY+...``. Keep it secret."""
        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + seed).decode()
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{blob}"

    @property
    def verifier_key(self) -> str:
        """The public verifier key ``name+hexkeyid+base64(0x04 || public key)``."""
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def verifier(self) -> CosignatureVerifier:
        """Return the matching verifier."""
        return CosignatureVerifier(self.verifier_key)

    def cosign(self, checkpoint_body: str, timestamp: int) -> str:
        """Return the signature line ``— name base64(...)\\n`` cosigning ``checkpoint_body``.

        Raises:
            CosignatureError: the body holds signatures, or the timestamp is not in
                1..2^63-1 (tlog-witness: a witness never omits the timestamp).
            CheckpointError: the body is not a C2SP tlog-checkpoint.
        """
        if timestamp == 0:
            raise CosignatureError("a witness's cosignature carries a timestamp, never 0")
        message = cosigned_message(checkpoint_body, timestamp)
        Checkpoint.parse(checkpoint_body)
        signature = self._key.sign(message)
        blob = self.key_id + timestamp.to_bytes(_TIMESTAMP_SIZE, "big") + signature
        return f"{_DASH}{self.name} {base64.b64encode(blob).decode()}\n"


#: The name the brief's API gives the cosigner's key; the same class.
CosignerKey = Cosigner


class CosignatureVerifier:
    """A witness's public key, pinned from its verifier key, that checks its cosignatures."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, vkey: str) -> None:
        """Parse ``name+hexkeyid+base64(0x04 || public key)``.

        Raises:
            CosignatureError: the key is malformed, of another type, or its key id does not
                match its name and public key.
        """
        name, kid, pub = _split_key(vkey, "witness verifier key")
        if cosignature_key_id(name, pub) != kid:
            raise CosignatureError(
                f"witness verifier key for {name}: key id {kid.hex()} does not match "
                "its name and public key"
            )
        self.name = name
        self.key_id = kid
        self.public_key = pub
        self._key = Ed25519PublicKey.from_public_bytes(pub)

    @property
    def verifier_key(self) -> str:
        """The verifier key string this verifier was made from (canonical form)."""
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.verifier_key!r})"

    def check(self, checkpoint_body: str, cosignature: Cosignature) -> bool:
        """Return whether ``cosignature`` is this key's valid cosignature of the body."""
        if (cosignature.name, cosignature.key_id) != (self.name, self.key_id):
            return False
        try:
            message = cosigned_message(checkpoint_body, cosignature.timestamp)
            self._key.verify(cosignature.signature, message)
        except (InvalidSignature, CosignatureError):
            return False
        return True

    def verify(self, note_text: str) -> int:
        """Check this witness's cosignature on a signed checkpoint; return its timestamp.

        Lines by other keys are ignored. With several cosignatures by this key, the latest
        timestamp is returned.

        Raises:
            CosignatureError: the note is malformed, this witness did not cosign it, or a
                line with this witness's name and key id does not verify.
        """
        body, cosignatures = _parse(note_text)
        mine = [c for c in cosignatures if (c.name, c.key_id) == (self.name, self.key_id)]
        if not mine:
            raise CosignatureError(
                f"the checkpoint carries no cosignature by witness {self.name} "
                f"(key id {self.key_id.hex()}): ask that witness to cosign it, or check "
                "that the pinned witness key is the right one"
            )
        for cosignature in mine:
            if not self.check(body, cosignature):
                raise CosignatureError(
                    f"the cosignature by witness {self.name} does not match the checkpoint: "
                    "the checkpoint or the cosignature was changed after cosigning"
                )
        return max(c.timestamp for c in mine)


def _split_note(note_text: str) -> tuple[str, list[str]]:
    """Split a signed note into its body (with final newline) and its signature lines."""
    if not note_text.endswith("\n"):
        raise CosignatureError("a signed checkpoint ends with a newline")
    split = note_text.rfind("\n\n")
    if split < 0:
        raise CosignatureError("a signed checkpoint has a blank line before its signatures")
    body, block = note_text[: split + 1], note_text[split + 2 :]
    if not block:
        raise CosignatureError("the signed checkpoint carries no signature line")
    return body, [line + "\n" for line in block[:-1].split("\n")]


def _parse_line(line: str) -> tuple[str, bytes]:
    """Return the key name and decoded blob of one signature line."""
    if not line.startswith(_DASH) or not line.endswith("\n") or "\n" in line[:-1]:
        raise CosignatureError(f"{line!r} is not a signature line '— NAME BASE64'")
    name, _, b64 = line[len(_DASH) : -1].partition(" ")
    _check_name(name)
    try:
        blob = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error) as e:
        raise CosignatureError(f"the signature by {name} is not base64") from e
    # Only canonical base64, as in note.py: no byte of a signed note may change unnoticed.
    if base64.b64encode(blob).decode() != b64 or len(blob) <= _KEY_ID_SIZE:
        raise CosignatureError(f"the signature by {name} is not canonical base64 or too short")
    return name, blob


def _parse(note_text: str) -> tuple[str, list[Cosignature]]:
    body, lines = _split_note(note_text)
    found = []
    for line in lines:
        name, blob = _parse_line(line)
        if len(blob) != _BLOB_SIZE:
            continue  # a log's signature (key id || signature) or another type
        timestamp = int.from_bytes(blob[_KEY_ID_SIZE : _KEY_ID_SIZE + _TIMESTAMP_SIZE], "big")
        if timestamp > MAX_TIMESTAMP:
            raise CosignatureError(f"the cosignature by {name} has a timestamp over 2^63-1")
        found.append(
            Cosignature(
                name=name,
                key_id=blob[:_KEY_ID_SIZE],
                timestamp=timestamp,
                signature=blob[_KEY_ID_SIZE + _TIMESTAMP_SIZE :],
                line=line,
            )
        )
    return body, found


def cosignatures_in(note_text: str) -> list[Cosignature]:
    """Return the signature lines of a signed note shaped as Ed25519 cosignatures.

    They are not verified: check each with a pinned :class:`CosignatureVerifier`.

    Raises:
        CosignatureError: the note or one of its signature lines is malformed.
    """
    return _parse(note_text)[1]


def add_cosignatures(note_text: str, lines: str | Iterable[str]) -> str:
    """Return the signed note with the signature lines ``lines`` appended.

    ``lines`` is a witness's add-checkpoint response body or a sequence of lines; lines
    already in the note are not repeated. Nothing is verified here.

    Raises:
        CosignatureError: the note or one of the lines is not a well-formed signature line.
    """
    _, existing = _split_note(note_text)
    if isinstance(lines, str):
        lines = lines.splitlines(keepends=True)
    added: list[str] = []
    for raw in lines:
        line = raw if raw.endswith("\n") else raw + "\n"
        try:
            _parse_line(line)
        except NoteError as e:
            raise CosignatureError(f"cannot add {raw!r} to a checkpoint: {e}") from e
        if line not in existing and line not in added:
            added.append(line)
    return note_text + "".join(added)
