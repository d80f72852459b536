"""C2SP signed-note with Ed25519 signatures (https://c2sp.org/signed-note).

A note is UTF-8 text ending in a newline, a blank line, then one or more
signature lines ``— <key name> base64(key id || signature)``. For Ed25519
(signature type 0x01) the key id is the first four bytes of
``SHA-256(key name || 0x0A || 0x01 || public key)``, and a verifier key is the
string ``<name>+<hex key id>+base64(0x01 || public key)``. The private key file
uses the same layout as Go's ``golang.org/x/mod/sumdb/note``:
``PRIVATE+KEY+<name>+<hex key id>+base64(0x01 || seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from showclear.ledger.errors import NoteError, SignatureError

__all__ = [
    "ALG_ED25519",
    "Ed25519Signer",
    "Ed25519Verifier",
    "check_key_name",
    "key_id",
    "open_note",
    "sign_note",
    "split_key",
]

#: Signature type byte for Ed25519 in C2SP signed-note.
ALG_ED25519 = 0x01
_DASH = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> bytes:
    """Return the 4-byte key id of a named key (C2SP signed-note, "Signatures")."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _check_text(text: str) -> None:
    # C2SP signed-note: valid UTF-8, and no ASCII control characters but newline.
    for ch in text:
        if ch < " " and ch != "\n":
            raise NoteError(f"a note may not hold the control character U+{ord(ch):04X}")
        if "\ud800" <= ch <= "\udfff":
            raise NoteError(f"a note must be valid UTF-8, not hold U+{ord(ch):04X}")


def check_key_name(name: str, error: type[NoteError] = NoteError) -> None:
    """Key names are non-empty, and contain no whitespace and no plus sign (signed-note)."""
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise error(f"key name {name!r} must be non-empty, without spaces or '+'")


def split_key(
    text: str,
    what: str,
    *,
    alg: int = ALG_ED25519,
    error: type[NoteError] = NoteError,
    kind: str = "Ed25519 key",
    wrong_type: str = "",
) -> tuple[str, bytes, bytes]:
    """Split ``name+hexkeyid+base64(alg || 32-byte key)`` into name, key id and key.

    ``alg`` is the signature type byte the key must carry (0x01 a log's Ed25519 key,
    0x04 a witness's cosignature key); ``kind`` names it and ``wrong_type`` is added to
    the error when the type byte is another.
    """
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise error(f"{what} must look like NAME+KEYID+BASE64")
    name, hex_id, b64 = parts
    check_key_name(name, error)
    try:
        kid = bytes.fromhex(hex_id)
        blob = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error) as e:
        raise error(f"{what} has a bad key id or base64 part: {e}") from e
    if len(kid) != 4 or len(hex_id) != 8:
        raise error(f"{what} key id must be 8 hex digits")
    if len(blob) != 33 or blob[0] != alg:
        raise error(f"{what} is not an {kind} (type 0x{alg:02x}, 32 bytes){wrong_type}")
    return name, kid, blob[1:]


class Ed25519Verifier:
    """A named Ed25519 public key that checks note signatures."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, public_key: bytes) -> None:
        check_key_name(name)
        self.name = name
        self.public_key = public_key
        self.key_id = key_id(name, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_verifier_key(cls, vkey: str) -> Ed25519Verifier:
        """Parse ``name+keyid+base64(0x01 || key)``.

        Raises:
            NoteError: the string is malformed or its key id does not match.
        """
        name, kid, pub = split_key(vkey, "verifier key")
        verifier = cls(name, pub)
        if verifier.key_id != kid:
            raise NoteError("verifier key id does not match its name and public key")
        return verifier

    def verifier_key(self) -> str:
        """Return the verifier key string."""
        blob = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """Return whether ``sig`` is this key's signature of ``msg``."""
        try:
            self._key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True


class Ed25519Signer:
    """A named Ed25519 private key that signs notes."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, seed: bytes) -> None:
        check_key_name(name)
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """Create a new random key named ``name``."""
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(name, seed)

    @classmethod
    def from_private_key_string(cls, skey: str) -> Ed25519Signer:
        """Parse ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)``.

        Raises:
            NoteError: the string is malformed or its key id does not match.
        """
        if not skey.startswith(_PRIVATE_PREFIX):
            raise NoteError("a private key string starts with PRIVATE+KEY+")
        name, kid, seed = split_key(skey[len(_PRIVATE_PREFIX) :], "private key")
        signer = cls(name, seed)
        if signer.key_id != kid:
            raise NoteError("private key id does not match its name and public key")
        return signer

    def private_key_string(self) -> str:
        """Return the private key in Go's sumdb note format. Keep it secret."""
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        blob = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{blob}"

    def sign(self, msg: bytes) -> bytes:
        """Return the Ed25519 signature of ``msg``."""
        return self._key.sign(msg)

    def verifier(self) -> Ed25519Verifier:
        """Return the matching public verifier."""
        return Ed25519Verifier(self.name, self.public_key)


def sign_note(text: str, signers: Sequence[Ed25519Signer]) -> str:
    """Sign ``text`` with every signer and return the signed note.

    Raises:
        NoteError: the text does not end in a newline, holds a control character,
            or there is no signer.
    """
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    _check_text(text)
    msg = text.encode("utf-8")
    lines = [
        f"{_DASH}{s.name} {base64.b64encode(s.key_id + s.sign(msg)).decode()}\n" for s in signers
    ]
    return text + "\n" + "".join(lines)


def open_note(note: str, verifiers: Sequence[Ed25519Verifier]) -> tuple[str, list[Ed25519Verifier]]:
    """Check a signed note; return its text and the known keys that signed it.

    Signatures by unknown keys are ignored, as the spec allows.

    Raises:
        NoteError: the note is malformed, or none of ``verifiers`` signed it.
        SignatureError: a signature claiming to be from a known key does not verify.
    """
    if not note.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("a signed note has a blank line between its text and signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    if not sig_block:
        raise NoteError("the note carries no signature")
    known = {(v.name, v.key_id): v for v in verifiers}
    msg = text.encode("utf-8")
    verified: list[Ed25519Verifier] = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith(_DASH):
            raise NoteError(f"signature line {line!r} does not start with an em dash")
        name, _, b64 = line[len(_DASH) :].partition(" ")
        check_key_name(name)
        try:
            blob = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error) as e:
            raise NoteError(f"signature by {name} is not base64") from e
        # Standard base64 leaves spare bits in a final character; only the canonical
        # encoding is accepted, so no byte of a signed note can change unnoticed.
        if base64.b64encode(blob).decode() != b64:
            raise NoteError(f"signature by {name} is not in canonical base64")
        if len(blob) < 5:
            raise NoteError(f"signature by {name} is too short")
        verifier = known.get((name, blob[:4]))
        if verifier is None:
            continue
        if not verifier.verify(msg, blob[4:]):
            raise SignatureError(f"the signature by {name} does not match the note text")
        if verifier not in verified:
            verified.append(verifier)
    if not verified:
        raise NoteError("no known key signed this note")
    return text, verified
