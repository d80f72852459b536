"""People and their credentials: ID-OWN and ID-RESET.

ID-OWN: a confirmation that names a person is given by that person. The service sets each
confirmation flag from a credential it checked (never from a request); what this rule
still sees in an event is a person named as consenting whose flag says they did not: a
handler's sign-off typed in by someone else. Under the policy
``passkeys_for_performer_handovers = "block"`` it also refuses a handover to a performer
(not a handler) unless the event's ``assurance`` (set by the service from what it checked,
before the rules run) says both the giver and the performer signed it with their passkey.

ID-RESET: nobody sets, resets or removes another person's credential alone. A reset needs
one approval by the safety coordinator and one by a producer, two different people, and
neither may be the person themselves (they change their own with their current
credential). A credential set for someone else is allowed only once such a reset is
approved, or as the person's very first one (their registration). The same holds for
removing one: a person revokes their own passkey alone; someone else's is revoked only by
one of the two who approved revoking it (``CredentialResetApproved`` of kind passkey).
Enrolling a passkey is an entry witnessed in person by someone else, a handler or the
safety coordinator, who gives their own PIN; a revoked passkey is never enrolled again.

PasskeyEnrolled is written by showclear, never proposed: the service asks this rule about
it (as about CredentialEnrolled) before anything is recorded.
"""

from __future__ import annotations

from typing import ClassVar

from showclear.protocol.catalogue.credentials import (
    RESET_ROLES,
    WITNESS_ROLES,
    approvals_of,
    credential_record,
    passkeys_of,
    revoked_passkeys_of,
)
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.rules.base import Event, Finding, Rule, Severity, name

__all__ = ["IdOwn", "IdReset"]

#: Fields naming a person whose consent the event records, and the flag that says they gave it.
_CONSENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "SetupPlanned": (("handler_signoff", "handler_signoff_confirmed"),),
    "SetupChanged": (("handler_signoff", "handler_signoff_confirmed"),),
}


#: How the assurance of a person's part reads, for a refusal.
_PROVEN: dict[str, str] = {
    "pin": "a PIN checked by the server",
    "session": "a signed-in session",
    "passkey": "a passkey signature",
}


def _words(field: str) -> str:
    return field.replace("_", " ")


class IdOwn(Rule):
    """A confirmation naming a person is given by that person, with their own credential."""

    id: ClassVar[str] = "ID-OWN"
    severity: ClassVar[Severity] = Severity.BLOCK
    summary: ClassVar[str] = "Every confirmation is given by the named person's own credential."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        findings = []
        for person_field, flag in _CONSENTS.get(event["type"], ()):
            person = event.get(person_field)
            if person and event.get(flag) is not True:
                findings.append(
                    self.finding(
                        f"{event['type']} names {person} in {person_field}, but {person} did "
                        "not confirm it with their own credential.",
                        f"Have {person} confirm with their own PIN (or sign in and do it "
                        f"themselves); never type in someone else's {_words(person_field)}.",
                        policy,
                    )
                )
        if event["type"] == "WeaponHandedOver":
            findings += self._passkeys_for_performer(projection, event, policy)
        return findings

    def _passkeys_for_performer(
        self, projection: Projection, event: Event, policy: Policy
    ) -> list[Finding]:
        if policy.passkeys_for_performer_handovers != "block":
            return []
        receiver = event.get("receiver")
        if not projection.is_performer(receiver) or projection.is_handler(receiver):
            return []
        assurance = event.get("assurance") or {}
        people = list(dict.fromkeys([event["giver"], receiver]))
        short = [p for p in people if assurance.get(p) != "passkey"]
        if not short:
            return []
        how = "; ".join(
            f"{name(projection, p)}: " + _PROVEN.get(str(assurance.get(p)), "no passkey signature")
            for p in short
        )
        return [
            self.finding(
                f"The production's policy requires passkeys for handovers to performers, and "
                f"{event['weapon']} going to {name(projection, receiver)} was not confirmed "
                f"by passkey ({how}).",
                "Confirm the handover with a passkey: the giver proposes it and the performer "
                "approves it on their own phone (showclear's QR code); a performer without a "
                "passkey enrols one in person first.",
                policy,
            )
        ]


#: What an approval of each kind of reset concerns, in a sentence.
_RESET_OF: dict[str, str] = {
    "pin": "reset of {person}'s PIN",
    "passkey": "revoking {person}'s passkey",
}


class IdReset(Rule):
    """Nobody sets, resets or removes another person's credential alone (two people, entries)."""

    id: ClassVar[str] = "ID-RESET"
    severity: ClassVar[Severity] = Severity.BLOCK
    summary: ClassVar[str] = (
        "A credential reset or revocation needs the safety coordinator and a producer."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "CredentialResetApproved":
            return self._approval(projection, event, policy)
        if kind == "CredentialEnrolled":
            return self._enrolment(projection, event, policy)
        if kind == "PasskeyEnrolled":
            return self._witnessed(projection, event, policy)
        if kind == "PasskeyRevoked":
            return self._revocation(projection, event, policy)
        return []

    def _approval(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        actor, person, kind = event["actor"], event["person"], str(event["kind"])
        what = _RESET_OF[kind].format(person=person)
        if actor == person:
            remedy = (
                "Change your own PIN with your current one (showclear pin set); if you "
                "forgot it, the safety coordinator and a producer approve the reset."
                if kind == "pin"
                else "Revoke your own passkey yourself (showclear passkey revoke)."
            )
            return [
                self.finding(
                    f"{actor} cannot approve a reset of their own {kind.upper()}.",
                    remedy,
                    policy,
                )
            ]
        record = credential_record(projection.record(f"credential:{person}"))
        approvals, complete = approvals_of(record, kind)
        pending = [] if complete else approvals
        roles = set((projection.person(actor) or {"roles": []})["roles"]) & set(RESET_ROLES)
        if any(a["by"] == actor for a in pending):
            return [
                self.finding(
                    f"{actor} already approved this {what}; one person cannot give both approvals.",
                    "The other approval must come from a "
                    + " or a ".join(r.replace("_", " ") for r in RESET_ROLES)
                    + " who has not approved it yet.",
                    policy,
                )
            ]
        if pending:
            other = set(pending[-1]["roles"]) & set(RESET_ROLES)
            if not any(a in other and b in roles for a, b in (RESET_ROLES, RESET_ROLES[::-1])):
                return [
                    self.finding(
                        f"{pending[-1]['by']} already approved the {what}; "
                        f"with {actor}'s approval it would not be one safety coordinator's "
                        "and one producer's.",
                        "Ask the safety coordinator and a producer, one each, to approve it.",
                        policy,
                    )
                ]
        return []

    def _enrolment(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        actor, person = event["actor"], event["person"]
        record = credential_record(projection.record(f"credential:{person}"))
        if event["reset"] and not record["reset_approved"]:
            return [self._alone(person, "no reset of it was approved by two people", policy)]
        if actor == person:
            return []
        if event["reset"]:
            if any(a["by"] == actor for a in record["approvals"]):
                return []
            return [self._alone(person, f"{actor} is not one of the two who approved", policy)]
        if record["kinds"].get(event["kind"]) is None:
            return []  # their first credential, set by whoever registers them
        return [self._alone(person, f"{actor} tried to set {person}'s PIN without a reset", policy)]

    def _alone(self, person: str, why: str, policy: Policy) -> Finding:
        return self.finding(
            f"Nobody sets another person's PIN alone: {why}.",
            f"{person} changes their own PIN with their current one; if it is forgotten or "
            "compromised, the safety coordinator and a producer each approve a reset "
            f"(showclear pin approve-reset {person}), then the new PIN is set.",
            policy,
        )

    def _witnessed(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        person, witness = event["person"], event["witness"]
        if witness == person:
            return [
                self.finding(
                    "A passkey is enrolled in person with someone else as witness: "
                    f"{person} cannot witness their own.",
                    "Ask a handler (an armorer or the property master) or the safety "
                    "coordinator standing beside you to give their own PIN as witness.",
                    policy,
                )
            ]
        witnessed = projection.person(witness)
        if witnessed is None or not set(witnessed["roles"]) & WITNESS_ROLES:
            return [
                self.finding(
                    f"{witness} cannot witness a passkey enrolment: only a handler or the "
                    "safety coordinator may.",
                    "Ask an armorer, the property master or the safety coordinator to witness "
                    "it with their own PIN.",
                    policy,
                )
            ]
        if event.get("witness_confirmed") is not True:
            return [
                self.finding(
                    f"{witness} did not confirm {person}'s passkey enrolment with their own PIN.",
                    f"{witness} gives their own PIN as witness, in person.",
                    policy,
                )
            ]
        record = credential_record(projection.record(f"credential:{person}"))
        revoked = revoked_passkeys_of(record).get(event["credential"])
        if revoked is not None:
            return [
                self.finding(
                    f"{person}'s passkey {event['credential']} was revoked at "
                    f"{revoked['revoked']['at']}; a revoked passkey is never enrolled again.",
                    "Make a new passkey on the phone (delete the old one there first) and "
                    "enrol that one.",
                    policy,
                )
            ]
        return []

    def _revocation(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        actor, person, credential = event["actor"], event["person"], event["credential"]
        record = credential_record(projection.record(f"credential:{person}"))
        if credential not in passkeys_of(record):
            revoked = revoked_passkeys_of(record).get(credential)
            why = (
                f"it was revoked already at {revoked['revoked']['at']}"
                if revoked is not None
                else "no such passkey is enrolled"
            )
            return [
                self.finding(
                    f"{person} has no passkey {credential} to revoke: {why}.",
                    f"Name one of {person}'s enrolled passkeys by its credential id "
                    "(showclear passkey list).",
                    policy,
                )
            ]
        if actor == person:
            return []  # one's own, with one's own credential: alone (ID-RESET)
        approvals, complete = approvals_of(record, "passkey")
        if complete and any(a["by"] == actor for a in approvals):
            return []
        why = (
            f"{actor} is not one of the two who approved revoking it"
            if complete
            else "revoking it was not approved by the safety coordinator and a producer"
        )
        return [
            self.finding(
                f"Nobody revokes another person's passkey alone: {why}.",
                f"{person} revokes their own passkey (showclear passkey revoke); otherwise the "
                "safety coordinator and a producer each approve it (showclear pin "
                f"approve-reset {person} --kind passkey), then one of them revokes it.",
                policy,
            )
        ]
