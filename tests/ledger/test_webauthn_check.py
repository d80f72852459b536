"""The offline check of a passkey signature (ledger/webauthn.py, protocol/signing.py).

A software authenticator (tests/authenticator.py: an EC P-256 key) makes assertions the
way a phone does; the pure check accepts a good one and refuses every altered one with
a message saying what is wrong. ``PasskeyLedger`` does the same over a small ledger: a
PasskeyEnrolled entry, then a handover both people signed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from tests.authenticator import UP, UV, SoftAuthenticator, b64url

from showclear.ledger import VerificationError
from showclear.ledger.errors import SignatureError
from showclear.ledger.webauthn import check_assertion, from_b64url
from showclear.protocol.signing import PasskeyLedger, challenge_for, proposal_of

RP_ID = "set.showclear.test"
ORIGIN = f"https://{RP_ID}"
CHALLENGE = hashlib.sha256(b"a proposal, a root and a nonce").digest()


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _check(passkey: SoftAuthenticator, **changes: Any) -> str:
    made = passkey.sign(CHALLENGE, RP_ID, ORIGIN)
    parts: dict[str, Any] = {
        "public_key": passkey.cose_key(),
        "alg": -7,
        "rp_id": RP_ID,
        "challenge": CHALLENGE,
        "authenticator_data": made.authenticator_data,
        "client_data": made.client_data,
        "signature": made.signature,
    }
    for name, change in changes.items():
        parts[name] = change(parts[name]) if callable(change) else change
    return check_assertion(**parts)


def test_a_good_assertion_verifies_and_names_its_origin() -> None:
    assert _check(SoftAuthenticator()) == ORIGIN


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signature": lambda s: _flip(s, len(s) - 1)}, "does not verify with the enrolled key"),
        ({"signature": lambda s: _flip(s, 10)}, "does not verify with the enrolled key"),
        # The signature counter: covered by the signature only.
        ({"authenticator_data": lambda a: _flip(a, 36)}, "does not verify with the enrolled key"),
        ({"authenticator_data": lambda a: _flip(a, 0)}, "not for the relying party"),
        ({"authenticator_data": lambda a: a[:36]}, "too short"),
        # A byte of the client data inside the origin: still JSON, so the signature fails.
        (
            {"client_data": lambda c: c.replace(b"https", b"httpz")},
            "does not verify with the enrolled key",
        ),
        ({"client_data": lambda c: _flip(c, 0)}, "not JSON"),
        ({"challenge": hashlib.sha256(b"another proposal").digest()}, "signed challenge"),
        ({"rp_id": "evil.example"}, "not for the relying party 'evil.example'"),
    ],
)
def test_an_altered_assertion_is_refused_saying_what_is_wrong(
    changes: dict[str, Callable[[Any], Any] | Any], message: str
) -> None:
    with pytest.raises(SignatureError, match=message):
        _check(SoftAuthenticator(), **changes)


def test_another_key_does_not_verify() -> None:
    other = SoftAuthenticator().cose_key()
    with pytest.raises(SignatureError, match="does not verify with the enrolled key"):
        _check(SoftAuthenticator(), public_key=other)


@pytest.mark.parametrize(
    ("flags", "message"),
    [(UV, "was not present"), (UP, "was not verified")],
)
def test_the_person_must_be_present_and_verified(flags: int, message: str) -> None:
    passkey = SoftAuthenticator()
    made = passkey.sign(CHALLENGE, RP_ID, ORIGIN, flags=flags)
    with pytest.raises(SignatureError, match=message):
        check_assertion(
            public_key=passkey.cose_key(),
            alg=-7,
            rp_id=RP_ID,
            challenge=CHALLENGE,
            authenticator_data=made.authenticator_data,
            client_data=made.client_data,
            signature=made.signature,
        )


def test_a_registration_is_not_an_assertion() -> None:
    passkey = SoftAuthenticator()
    made = passkey.sign(CHALLENGE, RP_ID, ORIGIN, kind="webauthn.create")
    with pytest.raises(SignatureError, match=r"not of a webauthn.get ceremony"):
        check_assertion(
            public_key=passkey.cose_key(),
            alg=-7,
            rp_id=RP_ID,
            challenge=CHALLENGE,
            authenticator_data=made.authenticator_data,
            client_data=made.client_data,
            signature=made.signature,
        )


def test_base64url_is_checked() -> None:
    assert from_b64url(b64url(b"\xff\xfe")) == b"\xff\xfe"
    with pytest.raises(SignatureError, match="is not base64url"):
        from_b64url("a+b/")


# -- a small ledger ------------------------------------------------------------------------

ROOT = hashlib.sha256(b"the ledger at 2 entries").digest()


def _enrolled(person: str, passkey: SoftAuthenticator) -> dict[str, Any]:
    return {
        "type": "PasskeyEnrolled",
        "actor": person,
        "at": "2026-11-25T08:00:00Z",
        "person": person,
        "credential": b64url(passkey.credential_id),
        "public_key": b64url(passkey.cose_key()),
        "alg": -7,
        "rp_id": RP_ID,
        "origin": ORIGIN,
        "witness": "sam",
        "witness_confirmed": True,
        "assurance": {person: "session", "sam": "pin"},
    }


def _signed_handover(
    giver: SoftAuthenticator, receiver: SoftAuthenticator, origin: str = ORIGIN
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "WeaponHandedOver",
        "actor": "ava",
        "at": "2026-11-25T09:00:00Z",
        "weapon": "rev-1",
        "giver": "ava",
        "receiver": "pat",
        "receiver_confirmed": False,
    }
    signatures = {}
    for person, passkey, nonce in (("ava", giver, b"\x01" * 16), ("pat", receiver, b"\x02" * 16)):
        made = passkey.sign(challenge_for(event, ROOT, nonce), RP_ID, origin)
        signatures[person] = {
            "credential": b64url(made.credential_id),
            "authenticator_data": b64url(made.authenticator_data),
            "client_data": b64url(made.client_data),
            "signature": b64url(made.signature),
            "nonce": b64url(nonce),
            "size": 2,
            "root": b64url(ROOT),
        }
    return {
        **event,
        "receiver_confirmed": True,
        "signatures": signatures,
        "assurance": {"ava": "passkey", "pat": "passkey"},
    }


def _roots(size: int) -> bytes | None:
    return ROOT if size == 2 else None


def _run(entries: list[dict[str, Any]]) -> PasskeyLedger:
    ledger = PasskeyLedger()
    for index, event in enumerate(entries):
        ledger.check(index, event, _roots)
    return ledger


def test_the_proposal_leaves_out_what_is_known_only_once_signed() -> None:
    signed = _signed_handover(SoftAuthenticator(), SoftAuthenticator())
    proposal = proposal_of(signed)
    assert "signatures" not in proposal
    assert "assurance" not in proposal
    assert "receiver_confirmed" not in proposal
    assert "at" not in proposal  # recorded when the last person signs
    assert proposal["receiver"] == "pat"


def test_a_ledger_of_signed_entries_verifies() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    ledger = _run([_enrolled("ava", ava), _enrolled("pat", pat), _signed_handover(ava, pat)])
    assert ledger.signatures == 2


def _tampered(entry: dict[str, Any], person: str, field: str, at: int) -> dict[str, Any]:
    signature = dict(entry["signatures"][person])
    raw = from_b64url(signature[field])
    signature[field] = b64url(_flip(raw, at))
    return {**entry, "signatures": {**entry["signatures"], person: signature}}


@pytest.mark.parametrize(
    ("field", "at", "message"),
    [
        ("signature", 20, "does not verify with the enrolled key"),
        ("authenticator_data", 36, "does not verify with the enrolled key"),
        ("client_data", 2, "not JSON|not of a webauthn.get"),
        ("nonce", 0, "signed challenge is not the one recomputed"),
        ("root", 0, "names a root the ledger never had at 2 entries"),
    ],
)
def test_a_changed_byte_names_the_entry_and_the_person(field: str, at: int, message: str) -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    entry = _tampered(_signed_handover(ava, pat), "pat", field, at)
    with pytest.raises(
        VerificationError, match=rf"^entry 2: pat's passkey signature .*({message})"
    ):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), entry])


def test_a_changed_field_of_the_entry_breaks_every_signature() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    entry = {**_signed_handover(ava, pat), "weapon": "rev-2"}
    with pytest.raises(VerificationError, match=r"^entry 2: ava's passkey signature .*challenge"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), entry])


def test_a_signature_by_a_key_enrolled_later_or_never_is_refused() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    with pytest.raises(VerificationError, match=r"^entry 1: pat's .*not enrolled before it"):
        _run([_enrolled("ava", ava), _signed_handover(ava, pat), _enrolled("pat", pat)])


def test_a_signature_by_someone_elses_passkey_is_refused() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    # ava's passkey signs pat's part: it is not a key pat enrolled.
    entry = _signed_handover(ava, ava)
    with pytest.raises(VerificationError, match=r"^entry 2: pat's .*not enrolled before it"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), entry])


def test_assurance_and_signatures_must_agree() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    entry = _signed_handover(ava, pat)
    claims_more = {**entry, "assurance": {**entry["assurance"], "sam": "passkey"}}
    with pytest.raises(VerificationError, match="says sam signed with a passkey, but holds no"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), claims_more])
    pin_claimed = {**entry, "assurance": {"ava": "passkey", "pat": "pin"}}
    with pytest.raises(VerificationError, match="holds a signature of pat its assurance omits"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), pin_claimed])


def test_a_signature_made_on_another_site_is_refused() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    entry = _signed_handover(ava, pat, origin="https://phish.example")
    with pytest.raises(VerificationError, match=r"made on https://phish.example, not on"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), entry])


def test_a_refused_attempt_carries_the_signatures_of_its_proposal() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    signed = _signed_handover(ava, pat)
    refused = {
        "type": "AttemptRefused",
        "actor": "ava",
        "at": signed["at"],
        "attempted": signed,
        "rule_ids": ["CUS-SHOW-CLEAR"],
    }
    ledger = _run([_enrolled("ava", ava), _enrolled("pat", pat), refused])
    assert ledger.signatures == 2
    broken = {**refused, "attempted": _tampered(signed, "ava", "signature", 20)}
    with pytest.raises(VerificationError, match=r"^entry 2: ava's passkey signature"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), broken])


def test_a_signed_entry_recorded_again_is_refused() -> None:
    ava, pat = SoftAuthenticator(), SoftAuthenticator()
    signed = _signed_handover(ava, pat)
    again = {**signed, "at": "2026-11-25T10:00:00Z"}
    with pytest.raises(VerificationError, match=r"^entry 3: ava's .*entry 2 already holds"):
        _run([_enrolled("ava", ava), _enrolled("pat", pat), signed, again])
