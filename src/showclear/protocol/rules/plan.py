"""Plans, people and places: PLAN-SETUP, PLAN-MEETING, PLAN-REHEARSAL, PLAN-POINTING,
PLAN-DISTANCE, PLAN-PPE, PLAN-TRAINED, PLAN-PERMIT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.catalogue.setups import normalize_plan
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.rules.base import (
    FIRING_CATEGORIES,
    HANDLER_ROLES,
    LOADING,
    Event,
    Finding,
    Rule,
    Severity,
    event_date,
    gives_to_performer,
    name,
    planned_weapon,
    rounds_loaded,
    setup_has_blanks,
)
from showclear.protocol.units import distance_text

__all__ = [
    "PlanDistance",
    "PlanMeeting",
    "PlanPermit",
    "PlanPointing",
    "PlanPpe",
    "PlanRehearsal",
    "PlanSetup",
    "PlanTrained",
]

_PLANNING = ("SetupPlanned", "SetupChanged")


def _plan_in_question(projection: Projection, event: Event) -> tuple[str, dict[str, Any]] | None:
    """The setup plan an event is about: the one proposed, or, when a weapon is handed to a
    performer, the plan of the setup the weapon left storage for."""
    if event["type"] in _PLANNING:
        return event["setup"], normalize_plan(event)
    if gives_to_performer(projection, event):
        weapon = projection.weapon(event["weapon"])
        setup_id = weapon["setup"] if weapon else None
        setup = projection.setup(setup_id) if setup_id else None
        if setup_id and setup:
            return setup_id, cast(dict[str, Any], setup)
    return None


def _near(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in plan["people_near"] if not n["remote"]]


class PlanSetup(Rule):
    id = "PLAN-SETUP"
    severity = Severity.BLOCK
    summary = "A weapon leaves storage only for a scheduled setup that declares its use."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        weapon = projection.weapon(event["weapon"]) if "weapon" in event else None
        if weapon is None:
            return []
        problem = None
        if kind == "WeaponTakenOut":
            problem = self._taking_out(projection, event)
        elif kind in LOADING:
            held = [*weapon["chambers"], *projection.magazine_rounds(event["weapon"])]
            problem = self._loading(projection, event, weapon["setup"], held)
        elif gives_to_performer(projection, event):
            setup = projection.setup(weapon["setup"]) if weapon["setup"] else None
            planned = planned_weapon(setup, event["weapon"]) if setup else None
            if planned is None or planned["performer"] != event["receiver"]:
                problem = (
                    f"no setup today plans {name(projection, event['receiver'])} to use "
                    f"{event['weapon']}"
                )
        if problem is None:
            return []
        return [
            self.finding(
                f"{problem[0].upper()}{problem[1:]}.",
                "Schedule the setup with this weapon, its load, its performers, rehearsal or "
                "take and the direction of fire, and use the weapon only as planned.",
                policy,
            )
        ]

    @staticmethod
    def _taking_out(projection: Projection, event: Event) -> str | None:
        setup_id = event["setup"]
        if setup_id is None:
            return f"{event['weapon']} is taken out without a setup"
        setup = projection.setup(setup_id)
        if setup is None:
            return f"setup {setup_id} is not scheduled"
        if setup["completed"]:
            return f"setup {setup_id} is already completed"
        if planned_weapon(setup, event["weapon"]) is None:
            return f"setup {setup_id} does not declare {event['weapon']}"
        return None

    @staticmethod
    def _loading(
        projection: Projection, event: Event, setup_id: str | None, chambers: Sequence[str]
    ) -> str | None:
        setup = projection.setup(setup_id) if setup_id else None
        planned = planned_weapon(setup, event["weapon"]) if setup else None
        if planned is None:
            return f"{event['weapon']} is not out for a setup that declares it"
        lot = projection.lot(event["lot"])
        kind = {"dummy": "dummies", "blank": "blanks"}.get(lot["kind"] if lot else "", "other")
        if planned["load"] != kind:
            return (
                f"setup {setup_id} plans {event['weapon']} with load {planned['load']}, not {kind}"
            )
        if planned["lot"] and planned["lot"] != event["lot"]:
            return f"setup {setup_id} plans rounds from lot {planned['lot']}, not {event['lot']}"
        loaded = sum(1 for c in chambers if c not in ("empty", "unknown")) + rounds_loaded(event)
        if planned["rounds"] and loaded > planned["rounds"]:
            planned_rounds = planned["rounds"]
            return (
                f"setup {setup_id} plans {planned_rounds} rounds in {event['weapon']}, not {loaded}"
            )
        return None


class PlanMeeting(Rule):
    id = "PLAN-MEETING"
    severity = Severity.BLOCK
    summary = (
        "A safety meeting, attendees confirming, before first use and after every plan change."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "WeaponTakenOut":
            setup = projection.setup(event["setup"]) if event["setup"] else None
            if setup is None or planned_weapon(setup, event["weapon"]) is None:
                return []  # PLAN-SETUP says what is wrong
            needed = {event["actor"], *(w["performer"] for w in setup["weapons"])}
            setup_id = event["setup"]
        elif gives_to_performer(projection, event):
            weapon = projection.weapon(event["weapon"])
            setup_id = weapon["setup"] if weapon else None
            setup = projection.setup(setup_id) if setup_id else None
            if setup is None:
                return []
            needed = {event["receiver"]}
        else:
            return []
        if setup["meeting_version"] != setup["version"]:
            problem = (
                f"no safety meeting has covered setup {setup_id}"
                if setup["meeting_version"] is None
                else f"setup {setup_id} changed after its safety meeting"
            )
        else:
            missing = sorted(needed - set(setup["confirmed"]))
            if not missing:
                return []
            people = ", ".join(name(projection, p) for p in missing)
            problem = f"{people} did not confirm setup {setup_id} at a safety meeting"
        return [
            self.finding(
                f"{problem[0].upper()}{problem[1:]}.",
                "Hold the safety meeting for this setup's current plan and record each "
                "attendee's confirmation.",
                policy,
            )
        ]


class PlanRehearsal(Rule):
    id = "PLAN-REHEARSAL"
    severity = Severity.WARN
    overridable = True
    policy_switch = "rehearsal_functional_weapon"
    summary = "Rehearsals use a non-firing replica or rubber weapon unless the plan states why not."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind in _PLANNING:
            plan = normalize_plan(event)
            weapons = [w["weapon"] for w in plan["weapons"]]
            setup_id = event["setup"]
        elif kind == "WeaponTakenOut" and event["setup"]:
            setup = projection.setup(event["setup"])
            if setup is None or planned_weapon(setup, event["weapon"]) is None:
                return []
            plan, weapons, setup_id = cast(dict[str, Any], setup), [event["weapon"]], event["setup"]
        else:
            return []
        if plan["kind"] != "rehearsal" or (plan["functional_reason"] or "").strip():
            return []
        firing = [
            w
            for w in weapons
            if (rec := projection.weapon(w)) is not None and rec["category"] in FIRING_CATEGORIES
        ]
        if not firing:
            return []
        return [
            self.finding(
                f"Rehearsal {setup_id} uses {', '.join(firing)}, which can fire, and the plan "
                "does not say why a functional weapon is needed.",
                "Rehearse with a non-firing replica or rubber weapon, or state in the plan why "
                "a functional one is needed.",
                policy,
            )
        ]


class PlanPointing(Rule):
    id = "PLAN-POINTING"
    severity = Severity.BLOCK
    summary = (
        "Toward a person: empty or dummies, a shield or remote camera, the handler's sign-off."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        found = _plan_in_question(projection, event)
        if found is None:
            return []
        setup_id, plan = found
        targets = [n for n in _near(plan) if n["in_line_of_fire"]]
        if not targets:
            return []
        who = ", ".join(n["who"] for n in targets)
        if setup_has_blanks(plan):
            return [
                self.finding(
                    f"Setup {setup_id} points a weapon loaded with blanks toward {who}.",
                    "Never point blanks at a person: change the angle, or use an empty or "
                    "dummy-loaded weapon with a shield or a remote camera.",
                    policy,
                )
            ]
        problems = [f"{n['who']} is not shielded" for n in targets if not n["shielded"]]
        signoff = plan["handler_signoff"]
        if not signoff or not HANDLER_ROLES & set(
            (projection.person(signoff) or {"roles": []})["roles"]
        ):
            problems.append("the handler has not signed it off")
        if not problems:
            return []
        return [
            self.finding(
                f"Setup {setup_id} points a weapon toward {who}, but {'; '.join(problems)}.",
                "Shield everyone in the line of fire or operate the camera remotely, and have "
                "the handler sign the setup off.",
                policy,
            )
        ]


class PlanDistance(Rule):
    id = "PLAN-DISTANCE"
    severity = Severity.BLOCK
    overridable = True
    summary = "With blanks, nobody within the minimum distance of the line of fire (20 ft default)."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        found = _plan_in_question(projection, event)
        if found is None or not setup_has_blanks(found[1]):
            return []
        setup_id, plan = found
        minimum = policy.blank_min_distance_cm
        close = [n for n in _near(plan) if n["distance_cm"] < minimum]
        if not close:
            return []
        lots = [
            projection.lot(w["lot"]) if w["lot"] else None
            for w in plan["weapons"]
            if w["load"] == "blanks"
        ]
        # "less only for specialty close-range loads with shields" - and then by override.
        close_range = all(lot is not None and lot["close_range"] for lot in lots)
        shielded = all(n["shielded"] for n in close)
        # Said in the production's unit, the other in brackets: a US crew thinks in feet.
        units = settings_of(projection).units
        people = ", ".join(f"{n['who']} at {distance_text(n['distance_cm'], units)}" for n in close)
        least = distance_text(minimum, units)
        return [
            self.finding(
                f"Setup {setup_id} fires blanks with {people}, closer than the minimum of {least}.",
                f"Move everyone at least {least} from the line of fire"
                + (
                    "; a close-range load with shields needs the safety coordinator's override."
                    if close_range and shielded
                    else "."
                ),
                policy,
                overridable=close_range and shielded,
            )
        ]


class PlanPpe(Rule):
    id = "PLAN-PPE"
    severity = Severity.WARN
    summary = "Eye and hearing protection recorded for everyone near blank fire."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        found = _plan_in_question(projection, event)
        if found is None or not setup_has_blanks(found[1]):
            return []
        setup_id, plan = found
        unprotected = [
            n["who"] for n in _near(plan) if not (n["eye_protection"] and n["hearing_protection"])
        ]
        if not unprotected:
            return []
        return [
            self.finding(
                f"Setup {setup_id} has no eye and hearing protection recorded for "
                f"{', '.join(unprotected)}.",
                "Give everyone near blank fire eye and hearing protection and record it in "
                "the plan.",
                policy,
            )
        ]


class PlanTrained(Rule):
    id = "PLAN-TRAINED"
    severity = Severity.BLOCK
    summary = "A performer receives a weapon only with training for that kind of weapon."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        if not gives_to_performer(projection, event):
            return []
        weapon = projection.weapon(event["weapon"])
        person = projection.person(event["receiver"])
        if weapon is None or person is None or weapon["action"] in person["trainings"]:
            return []
        return [
            self.finding(
                f"{person['name']} has no recorded training for a {weapon['action']}.",
                f"Train {person['name']} on a {weapon['action']} and record it before handing "
                "them one.",
                policy,
            )
        ]


class PlanPermit(Rule):
    id = "PLAN-PERMIT"
    severity = Severity.BLOCK
    summary = "The handler's permit or qualification is recorded and not expired on the day."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        # The call sheet is where a handler is put on duty for a day, so it is checked there;
        # permits are never withdrawn, so a handler on duty stays valid all day.
        if kind not in ("DayOpened", "CallSheetRevised"):
            return []
        date = event["date"] if kind == "DayOpened" else event_date(projection, event)
        handlers = [e["person"] for e in event["call_sheet"] if "handler" in e["duties"]]
        findings = []
        for person_id in handlers:
            person = projection.person(person_id) if person_id else None
            if person is None:
                continue
            if not any(p["expires"] >= date for p in person["permits"].values()):
                expired = bool(person["permits"])
                findings.append(
                    self.finding(
                        f"{person['name']}'s handler permit "
                        + (f"expired before {date}." if expired else "is not recorded."),
                        f"Record a valid permit for {person['name']}, or designate a handler "
                        "whose permit is valid today.",
                        policy,
                    )
                )
        return findings
