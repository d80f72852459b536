"""The catalog of events: every fact a production's ledger can hold.

Events are plain JSON objects (``dict``) so that the stored bytes are exactly what
was decided. Each type below is a ``TypedDict`` named in the past tense; its
annotations are both the static type and the run-time shape checked by
:func:`validate_event`. Every event has ``type``, ``at`` (RFC 3339 UTC) and
``actor`` (a person id, or null when showclear itself or an anonymous person wrote
it). Distances are whole centimetres; chambers are numbered from 1.

Fields marked "assigned" are filled in by :func:`showclear.protocol.engine.decide`
and are refused in a proposed event.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, NotRequired, TypedDict

from showclear.protocol.errors import MalformedEventError
from showclear.protocol.schema import (
    ANY_JSON,
    DATE,
    ID,
    NON_NEGATIVE,
    POSITIVE,
    RULE_ID,
    TEXT,
    TIME,
    check_shape,
)

__all__ = [
    "ASSIGNED_FIELDS",
    "EVENT_TYPES",
    "REPORT_TYPES",
    "SYSTEM_TYPES",
    "Event",
    "validate_event",
]

Id = Annotated[str, ID]
RuleId = Annotated[str, RULE_ID]
Text = Annotated[str, TEXT]
Time = Annotated[str, TIME]
Date = Annotated[str, DATE]
Count = Annotated[int, NON_NEGATIVE]
Positive = Annotated[int, POSITIVE]
RawObject = Annotated[dict[str, object], ANY_JSON]

Role = Literal[
    "armorer",
    "property_master",
    "first_ad",
    "performer",
    "safety_coordinator",
    "producer",
    "crew",
]
Category = Literal[
    "functional_firearm", "blank_firing", "non_firing_replica", "rubber", "deactivated"
]
LotKind = Literal["dummy", "blank", "live"]
SetupKind = Literal["rehearsal", "take"]
Load = Literal["empty", "dummies", "blanks"]
DummyMethod = Literal[
    "rattle", "side_hole", "empty_primer_pocket", "drilled_primer_pocket", "non_metal"
]
IncidentKind = Literal[
    "unintended_discharge",
    "misfire",
    "squib",
    "live_round_found",
    "lost_weapon",
    "unattended_weapon",
    "round_count_difference",
    "injury",
]
ReviewRole = Literal["safety_coordinator", "producer"]


class Event(TypedDict):
    """Fields every event has; ``warnings`` and ``overrides`` are assigned by decide."""

    type: str
    at: Time
    actor: Id | None
    warnings: NotRequired[list[RuleId]]
    overrides: NotRequired[list[Positive]]


# -- the production, its people and places -------------------------------------------


class ProductionCreated(Event):
    """The first entry of every ledger, written by the service (actor null)."""

    production: Text
    origin: Text
    public_key: str
    slug: NotRequired[Id]


class Permit(TypedDict):
    kind: Id
    number: Text
    expires: Date


class PersonRegistered(Event):
    person: Id
    name: Text
    roles: list[Role]
    trainings: NotRequired[list[Id]]  # weapon actions the person is trained for
    permits: NotRequired[list[Permit]]


class TrainingRecorded(Event):
    person: Id
    kind: Id  # a weapon action, e.g. "revolver"


class PermitRecorded(Event):
    person: Id
    permit: Permit


class StorageAdded(Event):
    storage: Id
    name: Text
    lockable: bool


class CallSheetEntry(TypedDict):
    person: Id
    duties: list[Id]  # "handler", "performer", "first_ad", ... any other duty by name


class DayOpened(Event):
    """The shoot day's call sheet is published: who is on duty, in which role."""

    date: Date
    call_sheet: list[CallSheetEntry]


class CallSheetRevised(Event):
    call_sheet: list[CallSheetEntry]


# -- inventory ---------------------------------------------------------------------------


class WeaponReceived(Event):
    weapon: Id
    serial: str  # an empty serial is refused by CUS-INVENTORY
    make: Text
    model: Text
    category: Category
    caliber: Text
    chambers: Count
    action: Id  # the kind of weapon a performer is trained for: revolver, rifle, ...
    storage: Id
    personal: bool


class LotReceived(Event):
    lot: Id
    kind: LotKind
    caliber: Text
    count: Count | None  # a missing count, supplier or origin is refused by AMMO-SOURCE
    supplier: str | None
    origin: str | None
    storage: Id
    load: NotRequired[Text]  # load size of blanks, e.g. "quarter"
    close_range: NotRequired[bool]  # a specialty close-range blank load (PLAN-DISTANCE)


class DummiesVerified(Event):
    lot: Id
    count: Positive
    method: DummyMethod


class RoundsReturnedToSupplier(Event):
    lot: Id
    count: Positive
    reference: Text


class RoundsDestroyed(Event):
    lot: Id
    count: Positive
    method: Text


class RoundsMissingRecorded(Event):
    """After a reviewed round-count incident, rounds that were not found are written as missing."""

    lot: Id
    count: Positive
    incident: Positive
    reason: Text


# -- setups and meetings --------------------------------------------------------------


class SetupWeapon(TypedDict):
    weapon: Id
    performer: Id
    load: Load
    lot: NotRequired[Id | None]
    rounds: NotRequired[Count]


class NearbyPerson(TypedDict):
    who: Text
    distance_cm: Count  # distance from the muzzle's line of fire
    in_line_of_fire: NotRequired[bool]
    shielded: NotRequired[bool]
    remote: NotRequired[bool]  # a remotely operated camera: nobody is at this place
    eye_protection: NotRequired[bool]
    hearing_protection: NotRequired[bool]


class SetupPlanned(Event):
    setup: Id
    scene: Text
    kind: SetupKind
    weapons: list[SetupWeapon]
    direction: Text  # direction of fire
    people_near: list[NearbyPerson]
    handler_signoff: NotRequired[Id | None]
    functional_reason: NotRequired[str | None]


class SetupChanged(SetupPlanned):
    """A setup's whole plan restated.

    A change of load, performers or direction needs a new safety meeting (PLAN-MEETING).
    """


class SetupCompleted(Event):
    setup: Id


class Attendee(TypedDict):
    person: Id
    confirmed: bool


class SafetyMeetingHeld(Event):
    setups: list[Id]
    attendees: list[Attendee]


# -- custody ---------------------------------------------------------------------------


class WeaponTakenOut(Event):
    weapon: Id
    setup: Id | None


class RoundsLoaded(Event):
    weapon: Id
    lot: Id
    chambers: list[Positive]


class RoundsUnloaded(Event):
    weapon: Id
    chambers: list[Positive]


class ShowClearInspected(Event):
    weapon: Id
    chambers: list[Id]  # each chamber's content: "empty" or a lot id
    barrel_clear: bool
    performer: Id | None
    performer_confirmed: bool


class WeaponHandedOver(Event):
    weapon: Id
    giver: Id
    receiver: Id
    receiver_confirmed: bool  # set true by the service only after the receiver's own PIN


class WeaponDischarged(Event):
    """The trigger was pulled on ``chambers``; with ``misfire`` their rounds did not go off
    and stay in the weapon until unloaded."""

    weapon: Id
    chambers: list[Positive]
    intended: bool
    misfire: bool
    squib: NotRequired[bool]
    violations: NotRequired[list[RuleId]]  # assigned


class BarrelChecked(Event):
    weapon: Id
    clear: bool


class WeaponReturnedToStorage(Event):
    weapon: Id
    storage: Id


class MealBreakCalled(Event):
    pass


class WrapCalled(Event):
    pass


class WeaponFoundUnattended(Event):
    weapon: Id
    where: Text
    secured_by: Id


class CustodyGapRecorded(Event):
    """Written by showclear when someone shows they hold a weapon the ledger places elsewhere."""

    weapon: Id
    recorded_at: Text
    found_with: Id
    reason: Text


# -- incidents, concerns, overrides, policy --------------------------------------------


class IncidentReported(Event):
    kind: IncidentKind
    description: Text
    weapon: NotRequired[Id | None]
    lot: NotRequired[Id | None]
    incident: NotRequired[Positive]  # assigned
    rules: NotRequired[list[RuleId]]  # assigned when showclear opens it
    differences: NotRequired[dict[Id, int]]  # assigned: counted minus recorded, per lot


class LiveRoundsFound(Event):
    count: Positive
    where: Text
    lot: NotRequired[Id | None]
    weapon: NotRequired[Id | None]


class ReviewRecorded(Event):
    incident: Positive
    role: ReviewRole
    findings: Text


class ConcernRaised(Event):
    text: Text
    anonymous: bool
    stop_work: bool
    concern: NotRequired[Positive]  # assigned


class ConcernAnswered(Event):
    concern: Positive
    answer: Text


class ConcernEscalated(Event):
    concern: Positive
    to: Literal["producers"]


class OverrideGranted(Event):
    rule: RuleId
    reason: str  # an empty reason is refused by INC-OVERRIDE
    weapon: NotRequired[Id | None]
    setup: NotRequired[Id | None]
    override: NotRequired[Positive]  # assigned


class PolicyChanged(Event):
    changes: dict[Id, int | str]
    reason: NotRequired[Text]


class DayClosed(Event):
    counts: dict[Id, Count]  # rounds physically present per lot, in storage and in weapons


class AttemptRefused(Event):
    attempted: RawObject
    rules: list[RuleId]
    reasons: list[str]


EVENT_TYPES: Final[dict[str, type]] = {
    cls.__name__: cls
    for cls in (
        ProductionCreated,
        PersonRegistered,
        TrainingRecorded,
        PermitRecorded,
        StorageAdded,
        DayOpened,
        CallSheetRevised,
        WeaponReceived,
        LotReceived,
        DummiesVerified,
        RoundsReturnedToSupplier,
        RoundsDestroyed,
        RoundsMissingRecorded,
        SetupPlanned,
        SetupChanged,
        SetupCompleted,
        SafetyMeetingHeld,
        WeaponTakenOut,
        RoundsLoaded,
        RoundsUnloaded,
        ShowClearInspected,
        WeaponHandedOver,
        WeaponDischarged,
        BarrelChecked,
        WeaponReturnedToStorage,
        MealBreakCalled,
        WrapCalled,
        WeaponFoundUnattended,
        CustodyGapRecorded,
        IncidentReported,
        LiveRoundsFound,
        ReviewRecorded,
        ConcernRaised,
        ConcernAnswered,
        ConcernEscalated,
        OverrideGranted,
        PolicyChanged,
        DayClosed,
        AttemptRefused,
    )
}

#: Facts that already happened: recorded even when they break a rule (the breach opens an
#: incident instead), because refusing them would leave the state disagreeing with the set.
REPORT_TYPES: Final = frozenset(
    {
        "WeaponDischarged",
        "WeaponFoundUnattended",
        "LiveRoundsFound",
        "IncidentReported",
        "ConcernRaised",
    }
)

#: Written by showclear itself, never proposed.
SYSTEM_TYPES: Final = frozenset(
    {"ProductionCreated", "AttemptRefused", "ConcernEscalated", "CustodyGapRecorded"}
)

#: Fields decide fills in; a proposed event must not carry them.
ASSIGNED_FIELDS: Final[dict[str, frozenset[str]]] = {
    "*": frozenset({"warnings", "overrides"}),
    "WeaponDischarged": frozenset({"violations"}),
    "IncidentReported": frozenset({"incident", "rules", "differences"}),
    "ConcernRaised": frozenset({"concern"}),
    "OverrideGranted": frozenset({"override"}),
}

_RESERVED_CONTENT = frozenset({"empty", "unknown"})


def validate_event(event: object) -> None:
    """Check that ``event`` is a well-formed event of a known type.

    Raises MalformedEventError with a message naming the type and the field that is wrong.
    """
    if not isinstance(event, dict):
        raise MalformedEventError(f"an event must be a mapping, got {event!r}")
    kind = event.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        known = ", ".join(sorted(EVENT_TYPES))
        raise MalformedEventError(f"unknown event type {kind!r}; known types: {known}")
    check_shape(event, EVENT_TYPES[kind], kind)
    _check_semantics(kind, event)


def _check_semantics(kind: str, event: dict[str, object]) -> None:
    # Constraints a type annotation cannot say.
    if kind == "LotReceived" and event["lot"] in _RESERVED_CONTENT:
        raise MalformedEventError(f"LotReceived.lot: {event['lot']!r} is reserved for chambers")
    if kind in ("RoundsLoaded", "RoundsUnloaded", "WeaponDischarged"):
        chambers = event["chambers"]
        assert isinstance(chambers, list)
        if not chambers:
            raise MalformedEventError(f"{kind}.chambers must name at least one chamber")
        if len(set(chambers)) != len(chambers):
            raise MalformedEventError(f"{kind}.chambers names a chamber twice: {chambers}")
    if kind == "ShowClearInspected" and event["performer_confirmed"] and not event["performer"]:
        raise MalformedEventError(
            "ShowClearInspected.performer_confirmed is true but no performer is named"
        )
    if kind == "WeaponHandedOver" and event["giver"] == event["receiver"]:
        raise MalformedEventError("WeaponHandedOver.receiver is the giver")
    if kind == "ConcernRaised" and event["anonymous"] and event["actor"] is not None:
        raise MalformedEventError(
            "ConcernRaised.actor must be null for an anonymous concern, so it names nobody"
        )
    if kind == "AttemptRefused":
        attempted = event["attempted"]
        assert isinstance(attempted, dict)
        if attempted.get("type") == "AttemptRefused":
            raise MalformedEventError("AttemptRefused.attempted cannot itself be a refusal")
        validate_event(attempted)
    if kind in ("DayOpened", "CallSheetRevised"):
        sheet = event["call_sheet"]
        assert isinstance(sheet, list)
        people = [entry["person"] for entry in sheet]
        if len(set(people)) != len(people):
            raise MalformedEventError(f"{kind}.call_sheet lists a person twice")
    if kind == "SafetyMeetingHeld":
        attendees = event["attendees"]
        assert isinstance(attendees, list)
        if not event["setups"] or not attendees:
            raise MalformedEventError("SafetyMeetingHeld needs at least one setup and attendee")
