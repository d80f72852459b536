"""A software passkey for the tests: an EC P-256 key doing what a phone's authenticator does.

It answers ``navigator.credentials.create`` (an attestation of format ``none``: CBOR
``{"fmt": "none", "attStmt": {}, "authData": ...}`` with the attested credential data
and the COSE EC2 key, WebAuthn §6.5) and ``navigator.credentials.get`` (authenticator
data ``rpIdHash || flags || signCount``, client data JSON, and an ECDSA signature over
``authenticatorData || SHA-256(clientDataJSON)``, WebAuthn §6.3.3), as the JSON a
browser's ``PublicKeyCredential.toJSON()`` gives: every byte string in base64url.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

#: Authenticator data flags (WebAuthn §6.1).
UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Assertion:
    """The raw parts of one assertion, and the browser's JSON of it."""

    authenticator_data: bytes
    client_data: bytes
    signature: bytes
    credential_id: bytes

    def json(self, user_handle: bytes | None = None) -> dict[str, Any]:
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64url(self.authenticator_data),
                "clientDataJSON": b64url(self.client_data),
                "signature": b64url(self.signature),
                **({"userHandle": b64url(user_handle)} if user_handle else {}),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }


@dataclass
class SoftAuthenticator:
    """One passkey: a P-256 key, its credential id and its signature counter."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    count: int = 0

    def cose_key(self) -> bytes:
        """The public key as a COSE EC2 key (RFC 9053 §7.1.1): kty 2, alg -7, crv 1, x, y."""
        numbers = self.key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})

    def create(self, options: dict[str, Any], origin: str) -> dict[str, Any]:
        """The JSON of ``navigator.credentials.create`` with ``options`` (as the API gives them)."""
        rp_id = options["rp"]["id"]
        client = _client_data("webauthn.create", options["challenge"], origin)
        attested = (
            bytes(16)  # AAGUID: none
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_key()
        )
        auth = hashlib.sha256(rp_id.encode()).digest() + bytes([UP | UV | AT])
        auth += struct.pack(">I", self.count) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def sign(
        self,
        challenge: bytes | str,
        rp_id: str,
        origin: str,
        *,
        flags: int = UP | UV,
        kind: str = "webauthn.get",
    ) -> Assertion:
        """An assertion over ``challenge`` (bytes, or already base64url) for ``rp_id``."""
        self.count += 1
        text = challenge if isinstance(challenge, str) else b64url(challenge)
        client = _client_data(kind, text, origin)
        auth = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        auth += struct.pack(">I", self.count)
        signature = self.key.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return Assertion(auth, client, signature, self.credential_id)

    def get(self, options: dict[str, Any], origin: str) -> dict[str, Any]:
        """The JSON of ``navigator.credentials.get`` with ``options`` (as the API gives them)."""
        return self.sign(options["challenge"], options["rpId"], origin).json()


def _client_data(kind: str, challenge: str, origin: str) -> bytes:
    return json.dumps(
        {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False},
        separators=(",", ":"),
    ).encode()
