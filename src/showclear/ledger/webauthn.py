"""Checking one WebAuthn assertion offline: a person's passkey signature over a challenge.

Pure: no storage, no network, no clock. The steps are those of W3C WebAuthn Level 3
§7.2 ("Verifying an Authentication Assertion") that a verifier holding only the
ledger can take, numbered as there:

- 11-13: ``clientDataJSON`` is JSON whose ``type`` is ``webauthn.get`` and whose
  ``challenge`` is the base64url of the expected challenge;
- 15: ``authenticatorData`` starts with SHA-256 of the relying party id;
- 16: its user-present flag is set (and 17, user verified, when asked);
- 20-21: the signature verifies with the enrolled public key (a COSE key, RFC 9052
  §7) over ``authenticatorData || SHA-256(clientDataJSON)``.

The origin in the client data is returned for the caller to compare with what it expects.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from webauthn.helpers import (
    decode_credential_public_key,
    decoded_public_key_to_cryptography,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.verify_signature import verify_signature

from showclear.ledger.errors import SignatureError

__all__ = ["b64url", "check_assertion", "from_b64url"]

#: Authenticator data flags (WebAuthn §6.1): user present, user verified.
FLAG_UP = 0x01
FLAG_UV = 0x04
#: rpIdHash (32) and flags (1) and signCount (4).
_AUTH_DATA_MIN = 37

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url(data: bytes) -> str:
    """``data`` in base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """The bytes of base64url ``text`` (with or without padding).

    Raises:
        SignatureError: ``text`` is not base64url.
    """
    if not isinstance(text, str) or not _B64URL.match(text.rstrip("=")):
        raise SignatureError(f"{text!r} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as e:
        raise SignatureError(f"{text!r} is not base64url: {e}") from e


def check_assertion(
    *,
    public_key: bytes,
    alg: int,
    rp_id: str,
    challenge: bytes,
    authenticator_data: bytes,
    client_data: bytes,
    signature: bytes,
    user_verified: bool = True,
) -> str:
    """Check a WebAuthn assertion over ``challenge``; return the origin it names.

    Raises:
        SignatureError: naming the first step that fails.
    """
    # 11-12. The client data is JSON, of a get (not a create) ceremony.
    try:
        data = json.loads(client_data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SignatureError(f"the client data is not JSON: {e}") from e
    if not isinstance(data, dict) or data.get("type") != "webauthn.get":
        raise SignatureError("the client data is not of a webauthn.get ceremony")
    # 13. Its challenge is the one recomputed from the entry.
    if data.get("challenge") != b64url(challenge):
        raise SignatureError("the signed challenge is not the one recomputed from the entry")
    origin = data.get("origin")
    if not isinstance(origin, str):
        raise SignatureError("the client data names no origin")
    # 15. The authenticator data is for this relying party.
    if len(authenticator_data) < _AUTH_DATA_MIN:
        raise SignatureError("the authenticator data is too short")
    if authenticator_data[:32] != hashlib.sha256(rp_id.encode("utf-8")).digest():
        raise SignatureError(f"the authenticator data is not for the relying party {rp_id!r}")
    # 16-17. The person was present (and verified, when asked).
    flags = authenticator_data[32]
    if not flags & FLAG_UP:
        raise SignatureError("the authenticator data says the person was not present")
    if user_verified and not flags & FLAG_UV:
        raise SignatureError("the authenticator data says the person was not verified")
    # 20-21. The signature over authenticatorData || SHA-256(clientDataJSON).
    try:
        decoded = decode_credential_public_key(public_key)
        key = decoded_public_key_to_cryptography(decoded)
        verify_signature(
            public_key=key,
            signature_alg=COSEAlgorithmIdentifier(alg),
            signature=signature,
            data=authenticator_data + hashlib.sha256(client_data).digest(),
        )
    except SignatureError:
        raise
    except Exception as e:  # cryptography and the COSE decoder raise several kinds
        raise SignatureError(f"the signature does not verify with the enrolled key ({e!r})") from e
    return origin
