"""Incidents, concerns, overrides and policy: INC-CEASEFIRE, INC-CONCERN, INC-OVERRIDE,
and POLICY-CHANGE (who may change the policy; see docs/rules.md)."""

from __future__ import annotations

from showclear.protocol.errors import PolicyError
from showclear.protocol.policy import Policy, compare_policies
from showclear.protocol.projection import Projection
from showclear.protocol.rules.base import (
    USE_EVENTS,
    Event,
    Finding,
    Rule,
    Severity,
    gives_to_performer,
    name,
)

__all__ = ["IncCeasefire", "IncConcern", "IncOverride", "PolicyChange"]


def _puts_to_use(projection: Projection, event: Event) -> bool:
    # Returning to storage, unloading, inspecting and handing back to a handler stay allowed.
    return event["type"] in USE_EVENTS or gives_to_performer(projection, event)


class IncCeasefire(Rule):
    id = "INC-CEASEFIRE"
    severity = Severity.BLOCK
    summary = (
        "After an incident nothing leaves storage until reviewed by the coordinator and a producer."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        incidents = projection.open_incidents()
        if incidents and _puts_to_use(projection, event):
            number, incident = incidents[0]
            pending = sorted({"safety_coordinator", "producer"} - incident["reviews"].keys())
            return [
                self.finding(
                    f"The production is in cease-fire since incident {number} "
                    f"({incident['kind'].replace('_', ' ')}): nothing leaves storage.",
                    f"Return weapons to storage; incident {number} still needs a review by the "
                    f"{' and the '.join(p.replace('_', ' ') for p in pending)}.",
                    policy,
                )
            ]
        if kind == "ReviewRecorded":
            return self._review(projection, event, policy)
        if kind == "IncidentReported":
            return [self._cease_fire(event["kind"].replace("_", " "), policy)]
        if kind == "WeaponDischarged":
            what = [
                label
                for label, flag in (
                    ("a misfire", event["misfire"]),
                    ("a squib", event.get("squib", False)),
                    ("an unintended discharge", not event["intended"]),
                )
                if flag
            ]
            if what:
                return [self._cease_fire(" and ".join(what), policy)]
        return []

    def _cease_fire(self, what: str, policy: Policy) -> Finding:
        return self.finding(
            f"An incident ({what}) puts the production in cease-fire.",
            "Return every weapon to storage; the safety coordinator and a producer each "
            "record a review with findings.",
            policy,
            severity=Severity.WARN,
        )

    def _review(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        role = event["role"]
        incident = projection.incident(event["incident"])
        problem = None
        if not projection.has_role(event["actor"], role):
            who, title = name(projection, event["actor"]), role.replace("_", " ")
            problem = f"{who} is not the production's {title}"
        elif incident is not None:
            others = {r: p for r, p in incident["reviews"].items() if r != role}
            if event["actor"] in others.values():
                problem = (
                    f"{name(projection, event['actor'])} already reviewed incident "
                    f"{event['incident']} in another role; two different people review it"
                )
        if problem is None:
            return []
        return [
            self.finding(
                f"This review does not count: {problem}.",
                "The safety coordinator and a producer each record their own review.",
                policy,
            )
        ]


class IncConcern(Rule):
    id = "INC-CONCERN"
    severity = Severity.WARN
    summary = "Anyone may raise a concern; stop-work acts as a cease-fire until answered."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        concerns = projection.open_concerns()
        stop_work = [n for n, c in concerns if c["stop_work"]]
        if stop_work and _puts_to_use(projection, event):
            return [
                self.finding(
                    f"Concern {stop_work[0]} stopped work and has not been answered.",
                    "Answer the concern in writing (safety coordinator or producer) before "
                    "weapons are used again.",
                    policy,
                    severity=Severity.BLOCK,
                )
            ]
        if concerns and kind == "WeaponTakenOut":
            numbers = ", ".join(str(n) for n, _ in concerns)
            return [
                self.finding(
                    f"Safety concern(s) {numbers} are still unanswered.",
                    "The safety coordinator or a producer answers them in writing.",
                    policy,
                )
            ]
        if kind == "ConcernAnswered" and not (
            projection.has_role(event["actor"], "safety_coordinator")
            or projection.has_role(event["actor"], "producer")
        ):
            return [
                self.finding(
                    f"{name(projection, event['actor'])} cannot answer concern "
                    f"{event['concern']}: answers come from the safety coordinator or a producer.",
                    "Pass the concern to the safety coordinator or a producer to answer in "
                    "writing.",
                    policy,
                    severity=Severity.BLOCK,
                )
            ]
        return []


class IncOverride(Rule):
    id = "INC-OVERRIDE"
    severity = Severity.BLOCK
    summary = (
        "Overrides: only the safety coordinator, only overridable rules, with a written reason."
    )

    def __init__(self, overridable: frozenset[str]) -> None:
        self.overridable_rules = overridable

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        if event["type"] != "OverrideGranted":
            return []
        problems = []
        if not projection.has_role(event["actor"], "safety_coordinator"):
            problems.append(f"{name(projection, event['actor'])} is not the safety coordinator")
        if event["rule"] not in self.overridable_rules:
            problems.append(f"{event['rule']} can never be overridden")
        if not event["reason"].strip():
            problems.append("no reason is written")
        if not problems:
            return []
        return [
            self.finding(
                f"This override is not granted: {'; '.join(problems)}.",
                "Only the safety coordinator overrides, and only "
                f"{', '.join(sorted(self.overridable_rules))}, with a written reason.",
                policy,
            )
        ]


class PolicyChange(Rule):
    id = "POLICY-CHANGE"
    severity = Severity.BLOCK
    summary = (
        "A producer or the safety coordinator makes the policy stricter; only the latter looser."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        if event["type"] != "PolicyChanged":
            return []
        try:
            comparison = compare_policies(policy, policy.with_changes(event["changes"]))
        except PolicyError:
            return []  # the validity layer reports a malformed change
        actor = event["actor"]
        coordinator = projection.has_role(actor, "safety_coordinator")
        if comparison.is_looser and not coordinator:
            return [
                self.finding(
                    f"{name(projection, actor)} cannot loosen {', '.join(comparison.looser)}: only "
                    "the safety coordinator makes the policy looser.",
                    "Ask the safety coordinator to make or approve the change.",
                    policy,
                )
            ]
        if not coordinator and not projection.has_role(actor, "producer"):
            return [
                self.finding(
                    f"{name(projection, actor)} cannot change the policy; a producer or the "
                    "safety coordinator can.",
                    "Ask a producer or the safety coordinator to make the change.",
                    policy,
                )
            ]
        return []
