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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final, Literal

from showclear.protocol.catalogue import ASSIGNED_FIELDS, CATALOGUE, REPORT_TYPES
from showclear.protocol.errors import RuleSetError
from showclear.protocol.jsontypes import copy_object
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.refusal import bounded
from showclear.protocol.rules import ALL_RULES, Finding, Rule, Severity
from showclear.protocol.time import parse_time
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
    spec = CATALOGUE[event["type"]]
    if spec.complete is not None:
        spec.complete(projection, event)  # fields the ledger fills in (who fired: the holder)
    policy = projection.policy()
    findings = rules.evaluate(projection, event, policy)
    overrides = _overrides_used(projection, event, findings)
    overridden = {projection.override(n)["rule"] for n in overrides}  # type: ignore[index]
    blocking = [f for f in findings if f.severity == Severity.BLOCK and f.rule_id not in overridden]
    counters = _Counters(projection)
    events = _escalations(projection, event, policy)
    is_report = event["type"] in REPORT_TYPES
    if blocking and not is_report:
        refusal = {
            "type": "AttemptRefused",
            "at": event["at"],
            "actor": event["actor"],
            "attempted": copy_object(proposed),
            "rules": list(dict.fromkeys(f.rule_id for f in blocking)),
            "reasons": [f.message for f in blocking],
        }
        # Always recorded: an attempt padded past the entry limit is cut, its hash kept.
        events.append(bounded(refusal))
        spec = CATALOGUE[event["type"]]
        if spec.refused is not None:
            ids = frozenset(f.rule_id for f in blocking)
            events += spec.refused(projection, event, ids, _Incidents(event, counters))
        return Decision("refused", findings, events)
    warnings = [f.rule_id for f in findings if f.severity == Severity.WARN]
    if warnings:
        event["warnings"] = list(dict.fromkeys(warnings))
    if overrides:
        event["overrides"] = overrides
    violations = list(dict.fromkeys(f.rule_id for f in blocking))
    spec = CATALOGUE[event["type"]]
    if is_report and violations and "violations" in ASSIGNED_FIELDS[spec.name]:
        event["violations"] = violations
    if spec.number is not None:
        event[spec.number] = counters.next(spec.number)
    events.append(event)
    if spec.recorded is not None:
        events += spec.recorded(projection, event, violations, _Incidents(event, counters))
    return Decision("warned" if findings else "allowed", findings, events)


class _Counters:
    """The next number of each numbered record (incident, concern, override) in this decision."""

    def __init__(self, projection: Projection) -> None:
        meta = projection.meta()
        assert meta is not None
        self.last = {
            "incident": meta["incidents"],
            "concern": meta["concerns"],
            "override": meta["overrides"],
        }

    def next(self, kind: str) -> int:
        self.last[kind] += 1
        return self.last[kind]


class _Incidents:
    """Opens incidents numbered in order, at the time of the event that causes them."""

    def __init__(self, event: Event, counters: _Counters) -> None:
        self.event = event
        self.counters = counters

    def open(self, kind: str, description: str, rules: Sequence[str], **extra: object) -> Event:
        incident: Event = {
            "type": "IncidentReported",
            "at": self.event["at"],
            "actor": None,
            "kind": kind,
            "description": description,
            "incident": self.counters.next("incident"),
            "rules": list(rules),
        }
        incident.update(extra)
        return incident


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
    # The deadline is worked out once, not per concern: this runs for every command, and
    # concerns are never rate-limited, so a set may have many open (issue 15, the soak).
    due = parse_time(event["at"]) - timedelta(hours=policy.concern_escalation_hours)
    return [
        {
            "type": "ConcernEscalated",
            "at": event["at"],
            "actor": None,
            "concern": number,
            "to": "producers",
        }
        for number, concern in projection.open_concerns()
        if not concern["escalated"] and parse_time(concern["raised_at"]) <= due
    ]
