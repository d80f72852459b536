"""Refused attempts, overrides and warnings, by person and by rule; and incidents as recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from showclear.protocol.catalogue import describe
from showclear.service.forensics.records import (
    IncidentFacts,
    Override,
    Refusal,
    RefusalReport,
    Review,
    WarningEntry,
)
from showclear.service.forensics.replay import Indexed, parties

__all__ = ["incident_facts", "refusal_report"]


def refusal_report(
    events: Sequence[Indexed],
    person: str | None = None,
    rule: str | None = None,
    names: Mapping[str, str] | None = None,
) -> RefusalReport:
    """Every refused attempt, override and warning, kept to ``person`` and ``rule`` if given.

    A refusal concerns a person who attempted it or whom it named (giver, receiver,
    performer); an override, the safety coordinator who granted it; a warning, its actor.
    """
    refusals: list[Refusal] = []
    overrides: dict[int, Override] = {}
    warnings: list[WarningEntry] = []
    for item in events:
        event = item.event
        used = event.get("overrides", [])
        for number in used:
            if number in overrides:
                overrides[number].used_in.append(item.index)
        if item.type == "AttemptRefused":
            refusals.append(_refusal(item, names))
        elif item.type == "OverrideGranted" and "override" in event:
            overrides[event["override"]] = Override(
                index=item.index,
                at=item.time,
                number=event["override"],
                rule=event["rule"],
                reason=event["reason"],
                granted_by=event.get("actor"),
                weapon=event.get("weapon"),
                setup=event.get("setup"),
                used_in=[],
            )
        if event.get("warnings"):
            warnings.append(
                WarningEntry(
                    item.index,
                    item.time,
                    item.type,
                    event.get("actor"),
                    list(event["warnings"]),
                    describe(event, None, names),
                )
            )
    if person is not None:
        refusals = [r for r in refusals if person in r.parties]
        overrides = {n: o for n, o in overrides.items() if o.granted_by == person}
        warnings = [w for w in warnings if w.actor == person]
    if rule is not None:
        refusals = [r for r in refusals if rule in r.rules]
        overrides = {n: o for n, o in overrides.items() if o.rule == rule}
        warnings = [w for w in warnings if rule in w.rules]
    by_person: dict[str, list[int]] = {}
    by_rule: dict[str, list[int]] = {}
    for refusal in refusals:
        by_person.setdefault(refusal.actor or "anonymous", []).append(refusal.index)
        for rule_id in refusal.rules:
            by_rule.setdefault(rule_id, []).append(refusal.index)
    for warning in warnings:
        for rule_id in warning.rules:
            by_rule.setdefault(rule_id, []).append(warning.index)
    kept = list(overrides.values())
    cites = {r.index for r in refusals} | {w.index for w in warnings}
    for override in kept:
        cites |= {override.index, *override.used_in}
    return RefusalReport(
        person=person,
        rule=rule,
        refusals=refusals,
        overrides=kept,
        warnings=warnings,
        by_person={k: by_person[k] for k in sorted(by_person)},
        by_rule={k: sorted(set(by_rule[k])) for k in sorted(by_rule)},
        cites=sorted(cites),
    )


def _refusal(item: Indexed, names: Mapping[str, str] | None) -> Refusal:
    event = item.event
    attempted = event["attempted"]
    return Refusal(
        index=item.index,
        at=item.time,
        actor=event.get("actor"),
        attempted=str(attempted.get("type")),
        weapon=attempted.get("weapon"),
        lot=attempted.get("lot"),
        parties=sorted(set(parties(attempted)) | set(parties(event))),
        rules=list(event["rules"]),
        reasons=list(event["reasons"]),
        summary=describe(event, None, names),
    )


def incident_facts(events: Sequence[Indexed], number: int) -> IncidentFacts | None:
    """Incident ``number`` as recorded, with the entries decided with it and its reviews."""
    opened: Indexed | None = None
    related: list[int] = []
    reviews: list[Review] = []
    closed_at: str | None = None
    previous: list[Indexed] = []
    for item in events:
        event = item.event
        if opened is None:
            if item.type == "IncidentReported" and event.get("incident") == number:
                opened = item
                # The entries one decision wrote together share its time and come just before.
                for earlier in reversed(previous):
                    if earlier.time != item.time:
                        break
                    related.insert(0, earlier.index)
            previous = [*previous[-4:], item]
            continue
        if item.type == "ReviewRecorded" and event["incident"] == number:
            reviews.append(
                Review(item.index, item.time, event.get("actor"), event["role"], event["findings"])
            )
            if {"safety_coordinator", "producer"} <= {r.role for r in reviews}:
                closed_at = closed_at or item.time
    if opened is None:
        return None
    event = opened.event
    return IncidentFacts(
        number=number,
        index=opened.index,
        at=opened.time,
        kind=event["kind"],
        description=event["description"],
        reported_by=event.get("actor"),
        weapon=event.get("weapon"),
        lot=event.get("lot"),
        rules=list(event.get("rules", [])),
        differences=dict(event.get("differences", {})),
        related=related,
        reviews=reviews,
        closed_at=closed_at,
        cites=sorted({opened.index, *related, *(r.index for r in reviews)}),
    )
