"""Setups (a scene's planned use of weapons) and the safety meetings before them."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import Command, Confirmation, EventType
from showclear.protocol.catalogue.fields import (
    Count,
    Event,
    FreeText,
    Id,
    Load,
    SetupKind,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.schema import Doc, items, unique

__all__ = [
    "MATERIAL_PLAN_FIELDS",
    "TYPES",
    "Attendee",
    "NearbyPerson",
    "SafetyMeetingHeld",
    "SetupChanged",
    "SetupCompleted",
    "SetupPlanned",
    "SetupWeapon",
    "Visitor",
    "normalize_plan",
]

#: The API groups this module's commands under this topic.
TOPIC = "setups and meetings"

_PLANNERS = frozenset({"first_ad", "armorer", "property_master"})

#: A change to any of these needs a new safety meeting (PLAN-MEETING: load, performers,
#: direction; the people near the line of fire are part of the direction of fire).
MATERIAL_PLAN_FIELDS = ("weapons", "direction", "people_near", "kind")


class SetupWeapon(TypedDict):
    weapon: Id
    performer: Id
    load: Load
    lot: NotRequired[Id | None]
    rounds: NotRequired[Count]


class NearbyPerson(TypedDict):
    who: Text
    distance_cm: Annotated[Count, Doc("Distance from the muzzle's line of fire, in cm.")]
    in_line_of_fire: NotRequired[bool]
    shielded: NotRequired[bool]
    remote: NotRequired[Annotated[bool, Doc("A remotely operated camera.")]]
    eye_protection: NotRequired[bool]
    hearing_protection: NotRequired[bool]


class SetupPlanned(Event):
    """A setup declares each weapon's use: load, performers, direction, people near."""

    setup: Id
    scene: Text
    kind: SetupKind
    weapons: Annotated[list[SetupWeapon], items(0, 50)]
    direction: Annotated[Text, Doc("The direction of fire.")]
    people_near: Annotated[list[NearbyPerson], items(0, 200)]
    handler_signoff: NotRequired[Id | None]
    handler_signoff_confirmed: NotRequired[
        Annotated[bool, Doc("Set by showclear: the handler signed off with their own credential.")]
    ]
    functional_reason: NotRequired[FreeText | None]


class SetupChanged(SetupPlanned):
    """A setup's whole plan restated.

    A change of load, performers or direction needs a new safety meeting (PLAN-MEETING).
    """


class SetupCompleted(Event):
    """A setup is finished; every weapon must be back with a handler (CUS-RETURN)."""

    setup: Id


class Attendee(TypedDict):
    person: Id
    confirmed: bool


class Visitor(TypedDict):
    name: Text
    company: NotRequired[FreeText]


class SafetyMeetingHeld(Event):
    """A safety meeting for setups, each attendee confirming with their own credential.

    Visitors (no account, no credential) are recorded by name as present; they confirm
    nothing, and PLAN-MEETING counts only the attendees who confirmed.
    """

    setups: Annotated[list[Id], items(1, 50), unique()]
    attendees: Annotated[list[Attendee], items(1, 200), unique("person")]
    visitors: NotRequired[
        Annotated[
            list[Visitor],
            items(0, 100),
            Doc("People at the meeting with no account (a rental house's driver, a guest)."),
        ]
    ]


def normalize_plan(event: SetupPlanned | dict[str, Any]) -> dict[str, Any]:
    """A setup's plan from a SetupPlanned or SetupChanged event, with every default filled."""
    return {
        "scene": event["scene"],
        "kind": event["kind"],
        "weapons": [
            {
                "weapon": w["weapon"],
                "performer": w["performer"],
                "load": w["load"],
                "lot": w.get("lot"),
                "rounds": w.get("rounds", 0),
            }
            for w in event["weapons"]
        ],
        "direction": event["direction"],
        "people_near": [
            {
                "who": n["who"],
                "distance_cm": n["distance_cm"],
                "in_line_of_fire": n.get("in_line_of_fire", False),
                "shielded": n.get("shielded", False),
                "remote": n.get("remote", False),
                "eye_protection": n.get("eye_protection", False),
                "hearing_protection": n.get("hearing_protection", False),
            }
            for n in event["people_near"]
        ],
        # PLAN-POINTING counts a sign-off only when the handler gave it themselves (ID-OWN).
        "handler_signoff": (
            event.get("handler_signoff") if event.get("handler_signoff_confirmed") else None
        ),
        "functional_reason": event.get("functional_reason"),
    }


def _setup_planned(f: Fold, e: SetupPlanned) -> None:
    plan = normalize_plan(e)
    f.put(
        f"setup:{e['setup']}",
        {**plan, "version": 1, "meeting_version": None, "confirmed": [], "completed": False},
    )


def _setup_changed(f: Fold, e: SetupChanged) -> None:
    setup = f.setup(e["setup"])
    plan = normalize_plan(e)
    if any(setup[field] != plan[field] for field in MATERIAL_PLAN_FIELDS):  # type: ignore[literal-required]
        setup["version"] += 1
        setup["confirmed"] = []
    setup.update(plan)  # type: ignore[typeddict-item]
    setup["completed"] = False


def _setup_completed(f: Fold, e: SetupCompleted) -> None:
    f.setup(e["setup"])["completed"] = True


def _safety_meeting(f: Fold, e: SafetyMeetingHeld) -> None:
    confirmed = {a["person"] for a in e["attendees"] if a["confirmed"]}
    for setup_id in e["setups"]:
        setup = f.setup(setup_id)
        if setup["meeting_version"] != setup["version"]:
            setup["meeting_version"] = setup["version"]
            setup["confirmed"] = []
        setup["confirmed"] = sorted({*setup["confirmed"], *confirmed})


def _meeting_check(e: SafetyMeetingHeld) -> None:
    if not e["setups"] or not e["attendees"]:
        raise MalformedEventError("SafetyMeetingHeld needs at least one setup and attendee")


def _setup_words(e: SetupPlanned, w: Words) -> str:
    verb = "planned" if e["type"] == "SetupPlanned" else "changed"
    uses = "; ".join(
        f"{p['weapon']} with {p['load']} for {w.who(p['performer'])}" for p in e["weapons"]
    )
    return f"{w.who(e['actor'])} {verb} setup {e['setup']} ({e['kind']}): {uses}"


def _meeting_words(e: SafetyMeetingHeld, w: Words) -> str:
    signed = sum(1 for x in e["attendees"] if x["confirmed"])
    visitors = len(e.get("visitors", []))
    also = f"; {visitors} visitor{'s' if visitors != 1 else ''} present" if visitors else ""
    return (
        f"{w.who(e['actor'])} held a safety meeting for {', '.join(e['setups'])}: "
        f"{signed} of {len(e['attendees'])} attendees confirmed{also}"
    )


_PLAN: dict[str, object] = {
    "scene": "12A",
    "kind": "take",
    "weapons": [{"weapon": "rev-1", "performer": "pat", "load": "empty"}],
    "direction": "toward the north wall, away from camera",
    "people_near": [{"who": "camera A", "distance_cm": 900}],
}

#: The handler's sign-off of a setup pointed toward a person (PLAN-POINTING), given by the
#: handler: signed in as the planner, or with their own PIN (ID-OWN).
_SIGNOFF = Confirmation(
    "handler_signoff",
    "handler_signoff_confirmed",
    "handler_pin",
    "sign off setup {setup} as its weapons handler",
)

TYPES: tuple[EventType[Any], ...] = (
    EventType(
        SetupPlanned,
        "command",
        _setup_planned,
        _setup_words,
        roles=_PLANNERS,
        actor_optional=True,
        confirms=(_SIGNOFF,),
        command=Command(
            "PlanSetup",
            "Schedule a setup that declares each weapon's use (PLAN-SETUP, PLAN-POINTING, ...).",
            route=("POST", "/setups"),
            cli="setup plan",
            example={"setup": "12a-2", **_PLAN},
        ),
    ),
    EventType(
        SetupChanged,
        "command",
        _setup_changed,
        _setup_words,
        roles=_PLANNERS,
        actor_optional=True,
        confirms=(_SIGNOFF,),
        command=Command(
            "ChangeSetup",
            "Restate a setup's whole plan; a change of load, performers or direction needs a "
            "meeting.",
            path="setup",
            route=("PUT", "/setups/{setup}"),
            cli="setup change",
            example=_PLAN,
        ),
    ),
    EventType(
        SetupCompleted,
        "command",
        _setup_completed,
        lambda e, w: f"{w.who(e['actor'])} completed setup {e['setup']}",
        roles=_PLANNERS,
        needs_open_day=True,
        command=Command(
            "CompleteSetup",
            "Mark a setup finished; every weapon must be back with a handler (CUS-RETURN).",
            path="setup",
            route=("POST", "/setups/{setup}/complete"),
            cli="setup complete",
        ),
    ),
    EventType(
        SafetyMeetingHeld,
        "command",
        _safety_meeting,
        _meeting_words,
        roles=frozenset({"first_ad", "armorer", "safety_coordinator"}),
        needs_open_day=True,
        check=_meeting_check,
        confirms=(
            Confirmation(
                "attendees[].person",
                "attendees[].confirmed",
                "attendees[].pin",
                "confirm you attended the safety meeting for {setups}",
            ),
        ),
        command=Command(
            "HoldMeeting",
            "Record a safety meeting for setups, each attendee confirming with their PIN.",
            route=("POST", "/meetings"),
            cli="meeting",
            example={
                "setups": ["12a-1"],
                "attendees": [{"person": "ava", "pin": "1357"}, {"person": "pat"}],
                "visitors": [{"name": "Sam Reed", "company": "Acme Prop Rentals"}],
            },
        ),
    ),
)
