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
showclear; a handler or the safety coordinator witnesses it with their own PIN.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import OVERSIGHT, Command, EventType
from showclear.protocol.catalogue.fields import B64Url, Event, FreeText, Id, Text, Time
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.schema import Doc, items

__all__ = [
    "RESET_ROLES",
    "TYPES",
    "WITNESS_ROLES",
    "CredentialEnrolled",
    "CredentialRecord",
    "CredentialResetApproved",
    "PasskeyEnrolled",
    "PersonLockedOut",
    "credential_record",
    "passkeys_of",
    "reset_approved",
]

#: The API groups this module's commands under this topic.
TOPIC = "credentials"

#: A reset needs one approval by each of these roles, from two different people (ID-RESET).
RESET_ROLES = ("safety_coordinator", "producer")

#: Who may witness a person's passkey enrolment: a handler or the safety coordinator.
WITNESS_ROLES = frozenset({"armorer", "property_master", "safety_coordinator"})

CredentialKind = Literal["pin"]


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

    With the second approval, by a different person, the old credential stops working and
    every session and token of the person ends; then a new one may be set.
    """

    person: Id
    kind: CredentialKind
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


class PersonLockedOut(Event):
    """showclear locks a person out after too many wrong PINs in a row (written by showclear)."""

    person: Id
    until: Time


class Approval(TypedDict):
    by: Id
    roles: list[str]
    at: Time


class CredentialRecord(TypedDict):
    """The projection's record of one person's credentials, under ``credential:<person>``."""

    kinds: dict[str, Any]
    approvals: Annotated[list[Approval], items(0, 2)]
    reset_approved: bool
    lockouts: int
    locked_until: str | None


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


def _reset_approved(f: Fold, e: CredentialResetApproved) -> None:
    record = _record(f, e["person"])
    person = f.projection._get(f"person:{e['actor']}") or {}
    roles = [str(r) for r in person.get("roles", [])]  # type: ignore[union-attr]
    if record["reset_approved"]:
        record["approvals"] = []
        record["reset_approved"] = False
    approval: Approval = {"by": str(e["actor"]), "roles": roles, "at": e["at"]}
    record["approvals"] = [*record["approvals"], approval][-2:]
    record["reset_approved"] = reset_approved(record["approvals"])
    if record["reset_approved"]:
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


def passkeys_of(record: CredentialRecord) -> dict[str, dict[str, Any]]:
    """The person's enrolled passkeys, by credential id."""
    found: dict[str, dict[str, Any]] = record.get("passkeys", {})  # type: ignore[assignment]
    return found


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
    return (
        f"{w.who(e['actor'])} approved a reset of {w.who(e['person'])}'s {e['kind'].upper()}{why}"
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
        CredentialResetApproved,
        "command",
        _reset_approved,
        _approval_words,
        roles=OVERSIGHT,
        command=Command(
            "ApproveCredentialReset",
            "Approve a reset of someone else's PIN: the safety coordinator and a producer, "
            "two people, must both approve (ID-RESET).",
            path="person",
            route=("POST", "/people/{person}/credential-resets"),
            cli="pin approve-reset",
            example={"kind": "pin", "reason": "forgot their PIN"},
        ),
    ),
    EventType(
        PasskeyEnrolled,
        "system",
        _passkey_enrolled,
        lambda e, w: f"{w.who(e['person'])} enrolled a passkey, witnessed by {w.who(e['witness'])}",
    ),
    EventType(
        PersonLockedOut,
        "system",
        _locked_out,
        lambda e, w: f"{w.who(e['person'])} locked out until {e['until']} after wrong PINs",
        follow_up=_lockout_follow_up,
    ),
)
