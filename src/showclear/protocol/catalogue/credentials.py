"""People's credentials in the ledger (ID-RESET): enrolled, reset by two people, locked out.

The secret itself never enters the ledger (a PIN's argon2 hash stays in the store, outside
it); the ledger says that a credential was set, by whom, and whether a reset approved by
two people allowed it. A reset of someone else's credential needs the safety coordinator
and a producer, two different people, each approving with their own credential
(:class:`CredentialResetApproved`); once both have, the old credential no longer works
and every session and token of the person ends. A lock-out after too many wrong PINs is
an entry too (:class:`PersonLockedOut`), written by showclear.

``kind`` names the sort of credential. A passkey (WebAuthn) is enrolled in person
(:class:`PasskeyEnrolled`): the entry holds its credential id and public key, so that
anyone holding the ledger can check the person's signatures on later entries without
showclear; a handler or the safety coordinator witnesses it with their own PIN (ID-RESET
decides who may). A passkey is revoked by a ledger entry too (:class:`PasskeyRevoked`):
by the person alone, with their own credential (a phone lost), or by one of the safety
coordinator and the producer who both approved it (``CredentialResetApproved`` of kind
``passkey``). From that entry on the passkey signs nothing, and every session and token of
the person ends; signatures it made on earlier entries stay valid.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import ANYONE, OVERSIGHT, Command, EventType
from showclear.protocol.catalogue.fields import B64Url, Event, FreeText, Id, Text, Time
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.schema import Doc, items

__all__ = [
    "RESET_ROLES",
    "TYPES",
    "WITNESS_ROLES",
    "CredentialEnrolled",
    "CredentialRecord",
    "CredentialResetApproved",
    "PasskeyEnrolled",
    "PasskeyRevoked",
    "PersonLockedOut",
    "approvals_of",
    "credential_record",
    "passkey_key",
    "passkeys_of",
    "reset_approved",
    "revoked_passkeys_of",
]

#: The API groups this module's commands under this topic.
TOPIC = "credentials"

#: A reset needs one approval by each of these roles, from two different people (ID-RESET).
RESET_ROLES = ("safety_coordinator", "producer")

#: Who may witness a person's passkey enrolment: a handler or the safety coordinator.
WITNESS_ROLES = frozenset({"armorer", "property_master", "safety_coordinator"})

CredentialKind = Literal["pin"]
#: What a reset two people approve concerns: a PIN (then set anew), or the person's
#: passkeys (then revoked, one PasskeyRevoked entry each).
ResetKind = Literal["pin", "passkey"]


class CredentialEnrolled(Event):
    """A person's credential is set (never the secret: only that it was set, and by whom).

    ``actor`` is who set it: the person themselves (with their current credential, or
    after a reset two people approved), or whoever registered them (their first one).
    """

    person: Id
    kind: CredentialKind
    reset: Annotated[bool, Doc("Set after a reset two people approved (ID-RESET).")]


class CredentialResetApproved(Event):
    """One of the two approvals a reset of someone else's credential needs (ID-RESET).

    Of a PIN: with the second approval, by a different person, the old PIN stops working
    and every session and token of the person ends; then a new one may be set. Of a
    passkey: with the second approval, one of the two may revoke the person's passkey.
    """

    person: Id
    kind: ResetKind
    reason: NotRequired[FreeText | None]


class PasskeyEnrolled(Event):
    """A person's passkey is enrolled in person, witnessed by a handler or the safety coordinator.

    ``actor`` is the person (signed in with their own credential); ``public_key`` is the
    COSE key their authenticator made (RFC 9052 §7, base64url) and ``alg`` its COSE
    algorithm (-7 ES256, -8 EdDSA, -257 RS256). ``rp_id`` and ``origin`` are the host name
    and web origin the passkey was made for.
    """

    person: Id
    credential: B64Url
    public_key: B64Url
    alg: int
    rp_id: Text
    origin: Text
    witness: Id
    witness_confirmed: Annotated[bool, Doc("The witness gave their own PIN (always true).")]


class PasskeyRevoked(Event):
    """A person's passkey is revoked: it signs nothing from this entry on (ID-RESET).

    ``actor`` is the person themselves (with their own credential: a session, their PIN
    or another passkey), or one of the safety coordinator and the producer who both
    approved revoking it. Every session and token of the person ends.
    """

    person: Id
    credential: Annotated[B64Url, Doc("The revoked passkey's credential id (base64url).")]
    reason: NotRequired[FreeText | None]


class PersonLockedOut(Event):
    """showclear locks a person out after too many wrong PINs in a row (written by showclear)."""

    person: Id
    until: Time


class Approval(TypedDict):
    by: Id
    roles: list[str]
    at: Time


class CredentialRecord(TypedDict):
    """The projection's record of one person's credentials, under ``credential:<person>``.

    ``approvals`` and ``reset_approved`` concern a reset of the PIN; ``passkey_approvals``
    and ``passkey_revocation_approved`` a revocation of a passkey (ID-RESET).
    """

    kinds: dict[str, Any]
    approvals: Annotated[list[Approval], items(0, 2)]
    reset_approved: bool
    lockouts: int
    locked_until: str | None
    passkey_approvals: NotRequired[Annotated[list[Approval], items(0, 2)]]
    passkey_revocation_approved: NotRequired[bool]


def credential_record(record: object) -> CredentialRecord:
    """A person's credential record, or an empty one if the ledger holds none yet."""
    if isinstance(record, dict):
        return record  # type: ignore[return-value]
    return {
        "kinds": {},
        "approvals": [],
        "reset_approved": False,
        "lockouts": 0,
        "locked_until": None,
    }


def reset_approved(approvals: list[Approval]) -> bool:
    """Whether ``approvals`` are a safety coordinator's and a producer's, by two people."""
    if len({a["by"] for a in approvals}) < 2:
        return False
    first, second = approvals[0], approvals[1]
    return any(
        role_a in first["roles"] and role_b in second["roles"]
        for role_a, role_b in (RESET_ROLES, RESET_ROLES[::-1])
    )


def _record(f: Fold, person: str) -> CredentialRecord:
    key = f"credential:{person}"
    record = credential_record(f.projection._get(key))
    f.put(key, record)
    return record


def _enrolled(f: Fold, e: CredentialEnrolled) -> None:
    record = _record(f, e["person"])
    record["kinds"][e["kind"]] = {"at": e["at"], "by": e["actor"], "reset": e["reset"]}
    record["approvals"] = []
    record["reset_approved"] = False
    record["locked_until"] = None


#: Where a record keeps the approvals of each kind of reset, and whether they are complete.
_APPROVALS: dict[str, tuple[str, str]] = {
    "pin": ("approvals", "reset_approved"),
    "passkey": ("passkey_approvals", "passkey_revocation_approved"),
}


def approvals_of(record: CredentialRecord, kind: str) -> tuple[list[Approval], bool]:
    """The approvals of a reset of ``kind`` (pin or passkey), and whether both are in."""
    listed, approved = _APPROVALS[kind]
    found: list[Approval] = record.get(listed, [])  # type: ignore[assignment]
    return found, bool(record.get(approved, False))


def _set_approvals(record: CredentialRecord, kind: str, approvals: list[Approval]) -> None:
    listed, approved = _APPROVALS[kind]
    record[listed] = approvals  # type: ignore[literal-required]
    record[approved] = reset_approved(approvals)  # type: ignore[literal-required]


def _reset_approved(f: Fold, e: CredentialResetApproved) -> None:
    record = _record(f, e["person"])
    person = f.projection._get(f"person:{e['actor']}") or {}
    roles = [str(r) for r in person.get("roles", [])]  # type: ignore[union-attr]
    kind = str(e["kind"])
    approvals, complete = approvals_of(record, kind)
    if complete:
        approvals = []
    approval: Approval = {"by": str(e["actor"]), "roles": roles, "at": e["at"]}
    _set_approvals(record, kind, [*approvals, approval][-2:])
    if kind == "pin" and record["reset_approved"]:
        record["locked_until"] = None


def _passkey_enrolled(f: Fold, e: PasskeyEnrolled) -> None:
    record = _record(f, e["person"])
    record["kinds"]["passkey"] = {"at": e["at"], "by": e["actor"], "reset": False}
    record.setdefault("passkeys", {})[e["credential"]] = {  # type: ignore[typeddict-item]
        "public_key": e["public_key"],
        "alg": e["alg"],
        "rp_id": e["rp_id"],
        "at": e["at"],
        "witness": e["witness"],
    }


def _passkey_revoked(f: Fold, e: PasskeyRevoked) -> None:
    record = _record(f, e["person"])
    passkey = _all_passkeys(record).get(e["credential"])
    if passkey is None:
        raise InconsistentEventError(
            f"{e['person']} has no passkey {e['credential']} enrolled to revoke"
        )
    passkey["revoked"] = {"at": e["at"], "by": e["actor"]}
    if e["actor"] != e["person"]:
        _set_approvals(record, "passkey", [])  # the two approvals are used up (ID-RESET)


def _all_passkeys(record: CredentialRecord) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = record.get("passkeys", {})  # type: ignore[assignment]
    return found


def passkeys_of(record: CredentialRecord) -> dict[str, dict[str, Any]]:
    """The person's enrolled passkeys that are not revoked, by credential id."""
    return {c: k for c, k in _all_passkeys(record).items() if not k.get("revoked")}


def revoked_passkeys_of(record: CredentialRecord) -> dict[str, dict[str, Any]]:
    """The person's revoked passkeys, by credential id; each says when and by whom (revoked)."""
    return {c: k for c, k in _all_passkeys(record).items() if k.get("revoked")}


def passkey_key(record: CredentialRecord, credential: str) -> dict[str, Any] | None:
    """The enrolled key of one of the person's passkeys, revoked or not; None if never enrolled.

    A revoked one carries ``revoked`` (``{"at", "by"}``): it verifies nothing signed after.
    """
    return _all_passkeys(record).get(credential)


def _locked_out(f: Fold, e: PersonLockedOut) -> None:
    record = _record(f, e["person"])
    record["lockouts"] += 1
    record["locked_until"] = e["until"]


def _enrolled_words(e: CredentialEnrolled, w: Words) -> str:
    how = " after a reset two people approved" if e["reset"] else ""
    kind = e["kind"].upper()
    if e["actor"] == e["person"]:
        return f"{w.who(e['person'])} set their own {kind}{how}"
    first = "new" if e["reset"] else "first"
    return f"{w.who(e['actor'])} set {w.who(e['person'])}'s {first} {kind}{how}"


def _approval_words(e: CredentialResetApproved, w: Words) -> str:
    why = f" ({e['reason']})" if e.get("reason") else ""
    if e["kind"] == "passkey":
        what = f"revoking {w.who(e['person'])}'s passkey"
    else:
        what = f"a reset of {w.who(e['person'])}'s {e['kind'].upper()}"
    return f"{w.who(e['actor'])} approved {what}{why}"


def _revoked_words(e: PasskeyRevoked, w: Words) -> str:
    why = f" ({e['reason']})" if e.get("reason") else ""
    if e["actor"] == e["person"]:
        return f"{w.who(e['person'])} revoked their own passkey {e['credential'][:8]}{why}"
    return (
        f"{w.who(e['actor'])} revoked {w.who(e['person'])}'s passkey {e['credential'][:8]} "
        f"after two people approved{why}"
    )


def _lockout_follow_up(e: PersonLockedOut) -> str:
    return (
        f"{e['person']} is locked out until {e['until']} after too many wrong PINs; "
        "the safety coordinator and a producer can approve a reset"
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        CredentialEnrolled,
        "system",
        _enrolled,
        _enrolled_words,
    ),
    EventType(
        PasskeyEnrolled,
        "system",
        _passkey_enrolled,
        lambda e, w: f"{w.who(e['person'])} enrolled a passkey, witnessed by {w.who(e['witness'])}",
    ),
    EventType(
        PasskeyRevoked,
        "command",
        _passkey_revoked,
        _revoked_words,
        roles=ANYONE,
        command=Command(
            "RevokePasskey",
            "Revoke a passkey: your own alone (a phone lost), someone else's only after the "
            "safety coordinator and a producer both approved it (ID-RESET). It signs nothing "
            "from then on, and every session and token of the person ends.",
            path="person",
            route=("POST", "/people/{person}/passkey-revocations"),
            cli="passkey revoke",
            example={"credential": "q8PnY2Xx0kC3vJ1a9w4TQg", "reason": "phone lost"},
        ),
    ),
    EventType(
        CredentialResetApproved,
        "command",
        _reset_approved,
        _approval_words,
        roles=OVERSIGHT,
        command=Command(
            "ApproveCredentialReset",
            "Approve a reset of someone else's PIN, or revoking their passkey (kind passkey): "
            "the safety coordinator and a producer, two people, must both approve (ID-RESET).",
            path="person",
            route=("POST", "/people/{person}/credential-resets"),
            cli="pin approve-reset",
            example={"kind": "pin", "reason": "forgot their PIN"},
        ),
    ),
    EventType(
        PersonLockedOut,
        "system",
        _locked_out,
        lambda e, w: f"{w.who(e['person'])} locked out until {e['until']} after wrong PINs",
        follow_up=_lockout_follow_up,
    ),
)
