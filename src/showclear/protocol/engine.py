"""The engine: one entry point, :func:`decide`, that turns a proposed event into the
entries to append.

    decide(projection, proposed)
      1. validity      input errors raise ProtocolError; nothing is appended
      2. rules         every rule of the rule set looks at the event
      3. overrides     an unused override of the safety coordinator may lift an
                       overridable block (INC-OVERRIDE); the event records which
      4. outcome       refused (a command with a remaining block), warned, or allowed
      5. consequences  escalated concerns, incidents and custody gaps the catalog requires

Reports of facts (a discharge, a weapon found unattended, live rounds found, an
incident, a concern) are never refused: refusing them would leave the state
disagreeing with what happened on set. A rule they break is recorded in the event as a
violation and opens an incident, which puts the production in cease-fire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from showclear.protocol.errors import RuleSetError
from showclear.protocol.events import REPORT_TYPES
from showclear.protocol.jsontypes import copy_object
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.rules import ALL_RULES, Finding, Rule, Severity
from showclear.protocol.rules.ammo import day_close_differences
from showclear.protocol.time import add_minutes, parse_time
from showclear.protocol.validity import check_validity

__all__ = ["DEFAULT_RULES", "Decision", "Outcome", "RuleSet", "decide"]

Outcome = Literal["allowed", "warned", "refused"]
Event = dict[str, Any]


@dataclass(frozen=True)
class Decision:
    """What to do with a proposed event: the outcome, why, and the entries to append in order."""

    outcome: Outcome
    findings: list[Finding]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        """The ids of every rule that refused or warned, in catalog order, once each."""
        return list(dict.fromkeys(f.rule_id for f in self.findings))


class RuleSet:
    """The rules an engine evaluates; never empty, each id once."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        if not self.rules:
            # An empty rule set would allow everything: refuse to build one.
            raise RuleSetError("a rule set needs at least one rule; an empty one allows everything")
        ids = [rule.id for rule in self.rules]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise RuleSetError(f"rule(s) {', '.join(duplicated)} appear more than once")
        self.ids: Final = frozenset(ids)

    def evaluate(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        """Every rule's findings about ``event``, in rule order."""
        findings: list[Finding] = []
        for rule in self.rules:
            found = rule.check(projection, event, policy)
            for finding in found:
                if finding.rule_id != rule.id:
                    raise RuleSetError(f"{rule.id} returned a finding of {finding.rule_id}")
            findings += found
        return findings


DEFAULT_RULES: Final = RuleSet(ALL_RULES)


def decide(
    projection: Projection, proposed: dict[str, Any], *, rules: RuleSet = DEFAULT_RULES
) -> Decision:
    """Decide ``proposed`` against ``projection``: the outcome and the entries to append.

    Raises a ProtocolError subclass for input that cannot be decided (malformed, unknown
    person or storage, earlier than the last entry, impossible in the current state),
    and RuleSetError if ``rules`` is not a RuleSet.
    """
    if not isinstance(rules, RuleSet):
        raise RuleSetError("decide needs a RuleSet; pass DEFAULT_RULES or build one")
    check_validity(projection, proposed)
    event: Event = copy_object(proposed)
    if event["type"] == "ProductionCreated":
        return Decision("allowed", [], [event])
    policy = projection.policy()
    findings = rules.evaluate(projection, event, policy)
    overrides = _overrides_used(projection, event, findings)
    overridden = {projection.override(n)["rule"] for n in overrides}  # type: ignore[index]
    blocking = [f for f in findings if f.severity == Severity.BLOCK and f.rule_id not in overridden]
    counters = _Counters(projection)
    events = _escalations(projection, event, policy)
    is_report = event["type"] in REPORT_TYPES
    if blocking and not is_report:
        events.append(
            {
                "type": "AttemptRefused",
                "at": event["at"],
                "actor": event["actor"],
                "attempted": copy_object(proposed),
                "rules": list(dict.fromkeys(f.rule_id for f in blocking)),
                "reasons": [f.message for f in blocking],
            }
        )
        events += _refusal_consequences(projection, event, blocking, counters)
        return Decision("refused", findings, events)
    warnings = [f.rule_id for f in findings if f.severity == Severity.WARN]
    if warnings:
        event["warnings"] = list(dict.fromkeys(warnings))
    if overrides:
        event["overrides"] = overrides
    if is_report and blocking and event["type"] == "WeaponDischarged":
        event["violations"] = list(dict.fromkeys(f.rule_id for f in blocking))
    _assign_numbers(event, counters)
    events.append(event)
    events += _report_consequences(projection, event, blocking, counters)
    return Decision("warned" if findings else "allowed", findings, events)


class _Counters:
    def __init__(self, projection: Projection) -> None:
        meta = projection.meta()
        assert meta is not None
        self.incident = meta["incidents"]
        self.concern = meta["concerns"]
        self.override = meta["overrides"]

    def next_incident(self) -> int:
        self.incident += 1
        return self.incident


def _assign_numbers(event: Event, counters: _Counters) -> None:
    if event["type"] == "IncidentReported":
        event["incident"] = counters.next_incident()
    elif event["type"] == "ConcernRaised":
        event["concern"] = counters.concern + 1
    elif event["type"] == "OverrideGranted":
        event["override"] = counters.override + 1


def _overrides_used(projection: Projection, event: Event, findings: list[Finding]) -> list[int]:
    """The unused overrides that lift this event's overridable blocks (INC-OVERRIDE)."""
    weapon_id = event.get("weapon") if event["type"] != "OverrideGranted" else None
    weapon = projection.weapon(weapon_id) if isinstance(weapon_id, str) else None
    setups = {event.get("setup"), weapon["setup"] if weapon else None} - {None}
    if isinstance(weapon_id, str):
        concerned = {weapon_id}
    else:  # a meal break, wrap or day close concerns every weapon outside storage
        concerned = {w for w, rec in projection.weapons() if rec["location"].startswith("person:")}
    used: list[int] = []
    for rule_id in dict.fromkeys(f.rule_id for f in findings if f.severity == Severity.BLOCK):
        mine = [f for f in findings if f.rule_id == rule_id and f.severity == Severity.BLOCK]
        if not all(f.overridable for f in mine):
            continue
        for number, override in projection.unused_overrides():
            if (
                override["rule"] == rule_id
                and (override["weapon"] is None or concerned == {override["weapon"]})
                and (override["setup"] is None or override["setup"] in setups)
            ):
                used.append(number)
                break
    return used


def _escalations(projection: Projection, event: Event, policy: Policy) -> list[Event]:
    """INC-CONCERN: a concern unanswered for the policy's hours escalates to the producers."""
    now = parse_time(event["at"])
    minutes = policy.concern_escalation_hours * 60
    return [
        {
            "type": "ConcernEscalated",
            "at": event["at"],
            "actor": None,
            "concern": number,
            "to": "producers",
        }
        for number, concern in projection.open_concerns()
        if not concern["escalated"]
        and parse_time(add_minutes(concern["raised_at"], minutes)) <= now
    ]


def _incident(
    event: Event, counters: _Counters, kind: str, description: str, rules: list[str], **extra: Any
) -> Event:
    incident: Event = {
        "type": "IncidentReported",
        "at": event["at"],
        "actor": None,
        "kind": kind,
        "description": description,
        "incident": counters.next_incident(),
        "rules": rules,
    }
    incident.update(extra)
    return incident


def _refusal_consequences(
    projection: Projection, event: Event, blocking: list[Finding], counters: _Counters
) -> list[Event]:
    kind, ids = event["type"], {f.rule_id for f in blocking}
    if kind == "DayClosed" and "AMMO-COUNT" in ids:
        differences = day_close_differences(projection, event)
        return [
            _incident(
                event,
                counters,
                "round_count_difference",
                "The day's round count differs from the ledger.",
                ["AMMO-COUNT"],
                differences=differences,
            )
        ]
    if kind == "ShowClearInspected" and "AMMO-COUNT" in ids:
        return [
            _incident(
                event,
                counters,
                "round_count_difference",
                f"An inspection of {event['weapon']} disagrees with the rounds recorded in it.",
                ["AMMO-COUNT"],
                weapon=event["weapon"],
            )
        ]
    if kind in ("WeaponHandedOver", "WeaponReturnedToStorage"):
        # The actor shows they hold a weapon the ledger places elsewhere: an unrecorded
        # transfer. It goes to them and is UNKNOWN until inspected.
        claimed = event["giver"] if kind == "WeaponHandedOver" else event["actor"]
        weapon = projection.weapon(event["weapon"])
        # A repeat of a move the ledger already holds (a retried or double-submitted
        # handover, a second return to the same place) shows no unrecorded transfer.
        already_there = weapon is not None and weapon["location"] == (
            f"person:{event['receiver']}"
            if kind == "WeaponHandedOver"
            else f"storage:{event['storage']}"
        )
        if (
            weapon
            and not already_there
            and claimed == event["actor"]
            and weapon["location"] != f"person:{claimed}"
        ):
            return [
                {
                    "type": "CustodyGapRecorded",
                    "at": event["at"],
                    "actor": None,
                    "weapon": event["weapon"],
                    "recorded_at": weapon["location"],
                    "found_with": claimed,
                    "reason": f"{claimed} had {event['weapon']} without a recorded transfer",
                }
            ]
    return []


def _report_consequences(
    projection: Projection, event: Event, blocking: list[Finding], counters: _Counters
) -> list[Event]:
    kind = event["type"]
    ids = list(dict.fromkeys(f.rule_id for f in blocking))
    weapon = event.get("weapon")
    if kind == "WeaponDischarged":
        incident_kind = (
            "misfire"
            if event["misfire"]
            else "squib"
            if event.get("squib")
            else "unintended_discharge"
            if not event["intended"] or ids
            else None
        )
        if incident_kind is None:
            return []
        why = f" outside the protocol ({', '.join(ids)})" if ids else ""
        return [
            _incident(
                event,
                counters,
                incident_kind,
                f"{weapon} discharged{why}: {incident_kind.replace('_', ' ')}.",
                ids or ["INC-CEASEFIRE"],
                weapon=weapon,
            )
        ]
    if kind == "WeaponFoundUnattended":
        return [
            _incident(
                event,
                counters,
                "unattended_weapon",
                f"{weapon} was found unattended ({event['where']}).",
                ["CUS-SECURED"],
                weapon=weapon,
            )
        ]
    if kind == "LiveRoundsFound":
        return [
            _incident(
                event,
                counters,
                "live_round_found",
                f"{event['count']} live round(s) found ({event['where']}).",
                ["AMMO-NO-LIVE"],
                weapon=event.get("weapon"),
                lot=event.get("lot"),
            )
        ]
    if kind == "BarrelChecked" and not event["clear"]:
        return [
            _incident(
                event,
                counters,
                "squib",
                f"The barrel of {weapon} is obstructed.",
                ["CUS-BARREL"],
                weapon=weapon,
            )
        ]
    return []
