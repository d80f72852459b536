"""What a person's passkey signs, and checking every passkey signature of a ledger (ID-OWN).

Pure: no storage, no clock. A person signs a *proposal*: the event as it will be recorded
without what showclear adds when it records it (``at``, the time it is recorded, which
is when the last person signs; ``signatures``, ``assurance``, the fields ``decide``
assigns, and the confirmation flags, which say who confirmed and so cannot be known to
the first person who signs). Everyone who signs one entry signs the same proposal. The
WebAuthn challenge is::

    SHA-256( canonical_json(proposal) || root || nonce )

where ``root`` is the 32-byte Merkle root of the ledger at ``size`` entries (a signed
checkpoint the person's device was shown) and ``nonce`` 16 random bytes from the server,
both stored with the signature. The check of one assertion is
:func:`showclear.ledger.webauthn.check_assertion`; docs/security.md ("Passkey
signatures") gives the same construction for a verifier without showclear.

A passkey revoked by a PasskeyRevoked entry (ID-RESET) signs nothing recorded after that
entry: :class:`PasskeyLedger` learns revocations in ledger order, so the signatures it
made on earlier entries stay valid and any on a later entry fail, naming both entries.
Reading a whole ledger from its first entry, it also holds every PasskeyEnrolled entry to
ID-RESET's rule on who may witness it (the rule the service applies before writing one):
a key whose enrolment breaks it is never trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from showclear.ledger import LedgerError, VerificationError, canonical_json
from showclear.ledger.webauthn import check_assertion, from_b64url
from showclear.protocol.catalogue import ASSIGNED_FIELDS, CATALOGUE
from showclear.protocol.catalogue.credentials import credential_record
from showclear.protocol.projection import Projection
from showclear.protocol.rules.identity import IdReset

__all__ = [
    "PasskeyLedger",
    "challenge_for",
    "check_signatures",
    "proposal_of",
    "signed_target",
]

#: Fields showclear adds to a signed entry when it records it. The time is the moment the
#: last person signs: other entries may be recorded while a phone confirms, and the ledger
#: keeps time order; the root at ``size`` bounds when each signature was made.
SIGNATURE_FIELDS = frozenset({"at", "signatures", "assurance"})

#: The enrolled key of (person, credential id): public_key, alg, rp_id, and ``revoked`` (a
#: phrase saying when, e.g. "at entry 12") once revoked; None if never enrolled.
KeyOf = Callable[[str, str], Mapping[str, Any] | None]
#: The Merkle root of the ledger at ``size`` entries, None if it never had that root.
RootAt = Callable[[int], bytes | None]


def proposal_of(event: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``event`` its signers sign: without signatures, assurance, assigned
    fields and confirmation flags."""
    kind = str(event.get("type"))
    dropped = SIGNATURE_FIELDS | ASSIGNED_FIELDS["*"] | ASSIGNED_FIELDS.get(kind, frozenset())
    out = {k: v for k, v in event.items() if k not in dropped}
    spec = CATALOGUE.get(kind)
    for confirmation in spec.confirms if spec else ():
        listed = confirmation.listed
        if listed is None:
            out.pop(confirmation.flag, None)
        elif isinstance(out.get(listed), list):
            flag = confirmation.field(confirmation.flag)
            out[listed] = [
                {k: v for k, v in item.items() if k != flag} if isinstance(item, dict) else item
                for item in out[listed]
            ]
    return out


def challenge_for(event: Mapping[str, Any], root: bytes, nonce: bytes) -> bytes:
    """The WebAuthn challenge binding a signature to ``event``'s proposal, a root and a nonce."""
    return hashlib.sha256(canonical_json(proposal_of(event)) + root + nonce).digest()


def signed_target(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event whose signatures an entry carries: a refused attempt's proposal, or itself."""
    attempted = event.get("attempted")
    if event.get("type") == "AttemptRefused" and isinstance(attempted, Mapping):
        return attempted
    return event


def check_signatures(where: str, event: Mapping[str, Any], key_of: KeyOf, root_at: RootAt) -> None:
    """Check every passkey signature ``event`` carries against the enrolled keys.

    Raises:
        VerificationError: ``where: <person>'s passkey signature ...``, naming what fails.
    """
    target = signed_target(event)
    signatures = target.get("signatures") or {}
    assurance = target.get("assurance") or {}
    if not isinstance(signatures, Mapping) or not isinstance(assurance, Mapping):
        raise VerificationError(f"{where}: its signatures or assurance are not objects")
    claimed = {str(p) for p, how in assurance.items() if how == "passkey"}
    for person in sorted(claimed - set(signatures)):
        raise VerificationError(
            f"{where}: says {person} signed with a passkey, but holds no signature of theirs"
        )
    for person in sorted(set(signatures) - claimed):
        raise VerificationError(f"{where}: holds a signature of {person} its assurance omits")
    for person in sorted(signatures):
        _check_one(where, target, str(person), signatures[person], key_of, root_at)


def _check_one(  # noqa: PLR0917 -- private; every argument is needed and named at the call
    where: str,
    target: Mapping[str, Any],
    person: str,
    signed: object,
    key_of: KeyOf,
    root_at: RootAt,
) -> None:
    what = f"{where}: {person}'s passkey signature"
    if not isinstance(signed, Mapping):
        raise VerificationError(f"{what} is not an object")
    try:
        credential = str(signed["credential"])
        key = key_of(person, credential)
        if key is None:
            raise VerificationError(f"{what} is by a passkey not enrolled before it")
        if key.get("revoked"):
            raise VerificationError(
                f"{what} is by a passkey revoked {key['revoked']}, before this entry: a "
                "revoked passkey signs nothing after its revocation (ID-RESET)"
            )
        size = signed["size"]
        root = from_b64url(signed["root"])
        if not isinstance(size, int) or root_at(size) != root:
            raise VerificationError(f"{what} names a root the ledger never had at {size} entries")
        origin = check_assertion(
            public_key=from_b64url(key["public_key"]),
            alg=int(key["alg"]),
            rp_id=str(key["rp_id"]),
            challenge=challenge_for(target, root, from_b64url(signed["nonce"])),
            authenticator_data=from_b64url(signed["authenticator_data"]),
            client_data=from_b64url(signed["client_data"]),
            signature=from_b64url(signed["signature"]),
        )
    except VerificationError:
        raise
    except KeyError as e:
        raise VerificationError(f"{what} has no {e.args[0]}") from e
    except LedgerError as e:
        raise VerificationError(f"{what} does not verify: {e}") from e
    host = urlsplit(origin).hostname or ""
    rp_id = str(key["rp_id"])
    if host != rp_id and not host.endswith("." + rp_id):
        raise VerificationError(f"{what} was made on {origin}, not on {rp_id}")


class PasskeyLedger:
    """Every passkey signature of a ledger, checked entry by entry in order, offline.

    A signature is checked against the key a PasskeyEnrolled entry *earlier in the same
    ledger* holds, unless a PasskeyRevoked entry earlier still revoked it; the roots are the
    caller's (the ledger's own Merkle roots).
    """

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], dict[str, Any]] = {}
        #: Each registered person's record, once the ledger's first entry was read: who may
        #: witness an enrolment is then known (roles are set when a person is registered).
        self._people: dict[str, dict[str, Any]] | None = None
        #: (person, nonce) of every signature seen, and the entry holding it: a signature
        #: counts once (a copy of a signed entry recorded again is not a second consent).
        self._used: dict[tuple[str, str], int] = {}
        self.signatures = 0

    def copy(self) -> PasskeyLedger:
        """A ledger that knows what this one learnt, to check entries ahead of it."""
        ahead = PasskeyLedger()
        ahead._keys = {k: dict(v) for k, v in self._keys.items()}
        ahead._used = dict(self._used)
        ahead._people = None if self._people is None else dict(self._people)
        return ahead

    def key_of(self, person: str, credential: str) -> Mapping[str, Any] | None:
        return self._keys.get((person, credential))

    def check(self, index: int, event: object, root_at: RootAt) -> None:
        """Check entry ``index``'s signatures, then learn the key it enrols or revokes, if any.

        Raises:
            VerificationError: ``entry <index>: ...`` naming the signature that fails.
        """
        if not isinstance(event, Mapping):
            return
        target = signed_target(event)
        if target.get("signatures") or "passkey" in (target.get("assurance") or {}).values():
            check_signatures(f"entry {index}", event, self.key_of, root_at)
            signatures = target.get("signatures") or {}
            for person, signed in sorted(signatures.items()):
                used = (str(person), str(signed["nonce"]))
                if used in self._used:
                    raise VerificationError(
                        f"entry {index}: {person}'s passkey signature is the one entry "
                        f"{self._used[used]} already holds: a signature counts once"
                    )
                self._used[used] = index
            self.signatures += len(signatures)
        kind = event.get("type")
        try:
            self._learn(index, kind, event)
        except (KeyError, TypeError) as e:  # a signed entry not shaped as its type
            raise VerificationError(
                f"entry {index}: a {kind} entry without a well-formed {e} field: it cannot be "
                "read as the key it enrols, revokes or the person it registers"
            ) from e

    def _learn(self, index: int, kind: object, event: Mapping[str, Any]) -> None:
        """Learn who is registered, and each key enrolled or revoked, from entry ``index``."""
        if kind == "ProductionCreated":
            self._people = {}
        if kind == "PersonRegistered" and self._people is not None:
            self._people[str(event["person"])] = {
                "name": event.get("name"),
                "roles": list(event.get("roles") or []),
            }
        if kind == "PasskeyEnrolled":
            self._witnessed(index, event)
            self._keys[(str(event["person"]), str(event["credential"]))] = {
                "public_key": event["public_key"],
                "alg": event["alg"],
                "rp_id": event["rp_id"],
            }
        if kind == "PasskeyRevoked":
            key = self._keys.get((str(event["person"]), str(event["credential"])))
            if key is not None:
                key["revoked"] = f"at entry {index}"

    def _witnessed(self, index: int, event: Mapping[str, Any]) -> None:
        """Refuse an enrolment ID-RESET refuses (a witness who may not witness it).

        Raises:
            VerificationError: ``entry <index>: ...`` with the rule's words.
        """
        if self._people is None:
            return  # entries without the ledger's start: roles unknown
        person, witness = str(event["person"]), str(event["witness"])
        revoked = {
            credential: {"revoked": {"at": str(key["revoked"]).removeprefix("at "), "by": None}}
            for (owner, credential), key in self._keys.items()
            if owner == person and key.get("revoked")
        }
        records: dict[str, Any] = {f"credential:{person}": {**credential_record(None)}}
        records[f"credential:{person}"]["passkeys"] = revoked
        if witness in self._people:
            records[f"person:{witness}"] = dict(self._people[witness])
        projection = Projection.adopt(records)
        findings = _ID_RESET.check(projection, dict(event), projection.policy())
        if findings:
            raise VerificationError(f"entry {index}: {findings[0].message} ({findings[0].rule_id})")


_ID_RESET = IdReset()
