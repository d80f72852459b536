"""Request bodies: one model per command, with the fields of its event in the catalog.

A body never carries what the server decides: the acting person (``actor``, and
the giver of a handover) comes from the session or token; the time from the
server's clock; confirmation flags (``receiver_confirmed``, ``performer_confirmed``,
an attendee's ``confirmed``) from the PINs checked in the same request; and the
fields :func:`showclear.protocol.decide` assigns (incident and concern numbers,
warnings, overrides). Ids that name the resource acted on sit in the path.

Each model's example is valid against the demo production used by the tests,
and is sent by them, so the examples in the OpenAPI schema work.
"""

from typing import Any, ClassVar, NotRequired, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field

from showclear.api.fields import (
    Category,
    Chamber,
    Count,
    Date,
    DummyMethod,
    Flag,
    FreeText,
    Id,
    IncidentKind,
    Load,
    LotKind,
    Pin,
    Positive,
    ReviewRole,
    Role,
    RuleId,
    SetupKind,
    Strictness,
    Text,
)
from showclear.protocol import EVENT_TYPES

__all__ = [
    "AddStorage",
    "AnswerConcern",
    "Attendee",
    "CallMealBreak",
    "CallSheetEntry",
    "CallWrap",
    "ChangePolicy",
    "ChangeSetup",
    "CheckBarrel",
    "CloseDay",
    "Command",
    "CompleteSetup",
    "DestroyRounds",
    "Discharge",
    "GrantOverride",
    "HandOver",
    "HoldMeeting",
    "Inspect",
    "LoadRounds",
    "NearbyPerson",
    "OpenDay",
    "Permit",
    "PlanSetup",
    "PolicyChanges",
    "RaiseConcern",
    "ReceiveLot",
    "ReceiveWeapon",
    "RecordMissingRounds",
    "RecordPermit",
    "RecordReview",
    "RecordTraining",
    "RegisterPerson",
    "ReportFoundUnattended",
    "ReportIncident",
    "ReportLiveRounds",
    "ReturnRoundsToSupplier",
    "ReturnToStorage",
    "ReviseCallSheet",
    "SetupWeapon",
    "TakeOut",
    "UnloadRounds",
    "VerifyDummies",
]

#: Set by the service: the type, time and actor; confirmations from checked PINs.
_SERVER_FIELDS = frozenset({"type", "at", "actor", "receiver_confirmed", "performer_confirmed"})


def _required(event_type: str) -> frozenset[str]:
    hints = get_type_hints(EVENT_TYPES[event_type], include_extras=True)
    return frozenset(k for k, v in hints.items() if get_origin(v) is not NotRequired)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Command(_Body):
    """A command's body; :meth:`event` turns it into the proposed event."""

    #: The catalog event this command proposes.
    EVENT: ClassVar[str]
    #: Fields that are PINs: checked by the service, never written to the ledger.
    SECRETS: ClassVar[frozenset[str]] = frozenset()

    def event(self, **from_path: Any) -> dict[str, Any]:
        """The proposed event: this body without its PINs, plus ids from the path.

        A required field of the catalog left out (one that may be null) is sent as null,
        so that the protocol records, for example, a lot received without a count and
        refuses it by AMMO-SOURCE.
        """
        fields = self.model_dump(mode="json", exclude_none=True, exclude=set(self.SECRETS))
        proposed: dict[str, Any] = {"type": self.EVENT, **fields, **from_path}
        for key in _required(self.EVENT) - _SERVER_FIELDS:
            proposed.setdefault(key, None)
        return proposed

    def confirmations(self) -> dict[str, str]:
        """The PINs of people confirming this command, by person."""
        return {}


def _example(**values: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [values]})


# -- people and places -----------------------------------------------------------------


class Permit(_Body):
    kind: Id
    number: Text
    expires: Date


class RegisterPerson(Command):
    """Register a person on the production with their roles, trainings and permits."""

    EVENT = "PersonRegistered"
    model_config = _example(person="nia", name="Nia Stunt", roles=["performer"])
    person: Id
    name: Text
    roles: list[Role] = Field(max_length=7)
    trainings: list[Id] | None = Field(default=None, max_length=50)
    permits: list[Permit] | None = Field(default=None, max_length=20)


class RecordTraining(Command):
    """Record that a person is trained for a kind of weapon (PLAN-TRAINED)."""

    EVENT = "TrainingRecorded"
    model_config = _example(kind="rifle")
    kind: Id = Field(description="A weapon action, e.g. revolver.")


class RecordPermit(Command):
    """Record a handler's permit or qualification (PLAN-PERMIT)."""

    EVENT = "PermitRecorded"
    model_config = _example(permit={"kind": "armorer", "number": "A-2", "expires": "2031-01-01"})
    permit: Permit


class AddStorage(Command):
    """Add a storage location (CUS-SECURED: weapons are kept only in lockable storage)."""

    EVENT = "StorageAdded"
    model_config = _example(storage="truck-1", name="Armory truck", lockable=True)
    storage: Id
    name: Text
    lockable: Flag


# -- the day ---------------------------------------------------------------------------


class CallSheetEntry(_Body):
    person: Id
    duties: list[Id] = Field(
        max_length=20, description='"handler", "performer", "first_ad" or any other duty.'
    )


_SHEET = [
    {"person": "ava", "duties": ["handler"]},
    {"person": "pat", "duties": ["performer"]},
    {"person": "dan", "duties": ["first_ad"]},
]


class OpenDay(Command):
    """Publish the shoot day's call sheet: who is on duty, in which role."""

    EVENT = "DayOpened"
    model_config = _example(date="2026-11-26", call_sheet=_SHEET)
    date: Date
    call_sheet: list[CallSheetEntry] = Field(max_length=500)


class ReviseCallSheet(Command):
    """Replace the open day's call sheet."""

    EVENT = "CallSheetRevised"
    model_config = _example(call_sheet=_SHEET)
    call_sheet: list[CallSheetEntry] = Field(max_length=500)


class CloseDay(Command):
    """Close the day with the rounds physically counted per lot (AMMO-COUNT)."""

    EVENT = "DayClosed"
    model_config = _example(counts={"dummies-1": 50})
    counts: dict[Id, Count] = Field(max_length=500)


# -- inventory ---------------------------------------------------------------------------


class ReceiveWeapon(Command):
    """Receive a weapon into the production's inventory (CUS-INVENTORY)."""

    EVENT = "WeaponReceived"
    model_config = _example(
        weapon="rev-2",
        serial="SN-2002",
        make="Uberti",
        model="1873 Cattleman",
        category="blank_firing",
        caliber=".45 Colt",
        chambers=6,
        action="revolver",
        storage="safe-1",
        personal=False,
    )
    weapon: Id
    serial: FreeText = Field(description="An empty serial is refused by CUS-INVENTORY.")
    make: Text
    model: Text
    category: Category
    caliber: Text
    chambers: Count = Field(le=1000)
    action: Id = Field(description="The kind of weapon a performer is trained for.")
    storage: Id
    personal: Flag


class ReceiveLot(Command):
    """Receive a lot of rounds; a missing count, supplier or origin is refused (AMMO-SOURCE)."""

    EVENT = "LotReceived"
    model_config = _example(
        lot="blanks-1",
        kind="blank",
        caliber=".45 Colt",
        count=50,
        supplier="Blanks Ltd",
        origin="invoice 7",
        storage="safe-1",
        load="quarter",
    )
    lot: Id
    kind: LotKind
    caliber: Text
    count: Count | None = None
    supplier: FreeText | None = None
    origin: FreeText | None = None
    storage: Id
    load: Text | None = Field(default=None, description='The load size of blanks: "quarter".')
    close_range: Flag | None = None


class VerifyDummies(Command):
    """Record dummy rounds of a lot verified inert, by a stated method (AMMO-DUMMY-VERIFIED)."""

    EVENT = "DummiesVerified"
    model_config = _example(count=6, method="rattle")
    count: Positive
    method: DummyMethod


class ReturnRoundsToSupplier(Command):
    """Record rounds of a lot returned to the supplier (AMMO-COUNT)."""

    EVENT = "RoundsReturnedToSupplier"
    model_config = _example(count=2, reference="RMA 12")
    count: Positive
    reference: Text


class DestroyRounds(Command):
    """Record rounds of a lot destroyed (AMMO-COUNT)."""

    EVENT = "RoundsDestroyed"
    model_config = _example(count=1, method="crushed")
    count: Positive
    method: Text


class RecordMissingRounds(Command):
    """After a reviewed round-count incident, write unfound rounds of a lot off as missing."""

    EVENT = "RoundsMissingRecorded"
    model_config = _example(count=1, incident=1, reason="not found after a full search")
    count: Positive
    incident: Positive
    reason: Text


# -- setups and meetings --------------------------------------------------------------


class SetupWeapon(_Body):
    weapon: Id
    performer: Id
    load: Load
    lot: Id | None = None
    rounds: Count | None = None


class NearbyPerson(_Body):
    who: Text
    distance_cm: Count = Field(description="Distance from the muzzle's line of fire, in cm.")
    in_line_of_fire: Flag | None = None
    shielded: Flag | None = None
    remote: Flag | None = Field(default=None, description="A remotely operated camera.")
    eye_protection: Flag | None = None
    hearing_protection: Flag | None = None


_PLAN: dict[str, Any] = {
    "scene": "12A",
    "kind": "take",
    "weapons": [{"weapon": "rev-1", "performer": "pat", "load": "empty"}],
    "direction": "toward the north wall, away from camera",
    "people_near": [{"who": "camera A", "distance_cm": 900}],
}


class ChangeSetup(Command):
    """Restate a setup's whole plan; a change of load, performers or direction needs a meeting."""

    EVENT = "SetupChanged"
    model_config = _example(**_PLAN)
    scene: Text
    kind: SetupKind
    weapons: list[SetupWeapon] = Field(max_length=50)
    direction: Text = Field(description="The direction of fire.")
    people_near: list[NearbyPerson] = Field(max_length=200)
    handler_signoff: Id | None = None
    functional_reason: FreeText | None = None


class PlanSetup(ChangeSetup):
    """Schedule a setup that declares each weapon's use (PLAN-SETUP, PLAN-POINTING, ...)."""

    EVENT = "SetupPlanned"
    model_config = _example(setup="12a-2", **_PLAN)
    setup: Id


class Attendee(_Body):
    person: Id
    pin: Pin | None = Field(
        default=None,
        description="The attendee's own PIN, confirming they attended. "
        "The signed-in person confirms by their session.",
    )


class HoldMeeting(Command):
    """Record a safety meeting for setups, each attendee confirming with their PIN."""

    EVENT = "SafetyMeetingHeld"
    SECRETS = frozenset({"attendees"})
    model_config = _example(
        setups=["12a-1"], attendees=[{"person": "ava", "pin": "1357"}, {"person": "pat"}]
    )
    setups: list[Id] = Field(min_length=1, max_length=50)
    attendees: list[Attendee] = Field(min_length=1, max_length=200)

    def event(self, **from_path: Any) -> dict[str, Any]:
        proposed = super().event(**from_path)
        proposed["attendees"] = [{"person": a.person} for a in self.attendees]
        return proposed

    def confirmations(self) -> dict[str, str]:
        return {a.person: a.pin for a in self.attendees if a.pin is not None}


class CompleteSetup(Command):
    """Mark a setup finished; every weapon must be back with a handler (CUS-RETURN)."""

    EVENT = "SetupCompleted"


class CallMealBreak(Command):
    """Call a meal break; every weapon must be in storage (CUS-SECURED)."""

    EVENT = "MealBreakCalled"


class CallWrap(Command):
    """Call wrap; every weapon must be in storage (CUS-SECURED)."""

    EVENT = "WrapCalled"


# -- custody -----------------------------------------------------------------------------


class TakeOut(Command):
    """Take a weapon out of storage for a scheduled setup (CUS-HANDLER, PLAN-SETUP)."""

    EVENT = "WeaponTakenOut"
    model_config = _example(setup="12a-1")
    setup: Id | None = None


class LoadRounds(Command):
    """Load rounds of a lot into chambers (AMMO-DUMMY-VERIFIED, AMMO-CALIBER, PLAN-SETUP)."""

    EVENT = "RoundsLoaded"
    model_config = _example(lot="dummies-1", chambers=[1, 2])
    lot: Id
    chambers: list[Chamber] = Field(min_length=1, max_length=1000)


class UnloadRounds(Command):
    """Unload rounds from chambers."""

    EVENT = "RoundsUnloaded"
    model_config = _example(chambers=[1, 2])
    chambers: list[Chamber] = Field(min_length=1, max_length=1000)


class Inspect(Command):
    """Record a show-clear inspection, shown to the performer who confirms with their PIN."""

    EVENT = "ShowClearInspected"
    SECRETS = frozenset({"performer_pin"})
    model_config = _example(
        chambers=["empty"] * 6, barrel_clear=True, performer="pat", performer_pin="2468"
    )
    chambers: list[Id] = Field(
        max_length=1000, description='Each chamber\'s content: "empty" or the id of a lot.'
    )
    barrel_clear: Flag
    performer: Id | None = None
    performer_pin: Pin | None = None

    def confirmations(self) -> dict[str, str]:
        if self.performer is None or self.performer_pin is None:
            return {}
        return {self.performer: self.performer_pin}


class HandOver(Command):
    """Hand a weapon to another person, who confirms with their own PIN (CUS-TWO-PARTY).

    The giver is the signed-in person.
    """

    EVENT = "WeaponHandedOver"
    SECRETS = frozenset({"receiver_pin"})
    model_config = _example(receiver="pat", receiver_pin="2468")
    receiver: Id
    receiver_pin: Pin | None = Field(
        default=None,
        description="The receiver's own PIN. Without it the handover is refused by "
        "CUS-TWO-PARTY, and the refused attempt is recorded.",
    )

    def confirmations(self) -> dict[str, str]:
        return {} if self.receiver_pin is None else {self.receiver: self.receiver_pin}


class Discharge(Command):
    """Report that a weapon fired: recorded always; a breach opens an incident."""

    EVENT = "WeaponDischarged"
    model_config = _example(chambers=[1], intended=True, misfire=False)
    chambers: list[Chamber] = Field(min_length=1, max_length=1000)
    intended: Flag
    misfire: Flag
    squib: Flag | None = None


class CheckBarrel(Command):
    """Record a barrel check; an obstructed barrel opens an incident (CUS-BARREL)."""

    EVENT = "BarrelChecked"
    model_config = _example(clear=True)
    clear: Flag


class ReturnToStorage(Command):
    """Put a weapon back in a lockable storage location (CUS-HANDLER, CUS-SECURED)."""

    EVENT = "WeaponReturnedToStorage"
    model_config = _example(storage="safe-1")
    storage: Id


class ReportFoundUnattended(Command):
    """Report a weapon found unattended: it becomes UNKNOWN and an incident opens."""

    EVENT = "WeaponFoundUnattended"
    model_config = _example(where="on the prop cart by stage 2", secured_by="ava")
    where: Text
    secured_by: Id | None = Field(
        default=None, description="Who secured it; the signed-in person if left out."
    )


# -- incidents, concerns, overrides, policy --------------------------------------------


class ReportIncident(Command):
    """Report an incident; it puts the production in cease-fire (INC-CEASEFIRE)."""

    EVENT = "IncidentReported"
    model_config = _example(
        kind="misfire", description="rev-1 clicked on chamber 3", weapon="rev-1"
    )
    kind: IncidentKind
    description: Text
    weapon: Id | None = None
    lot: Id | None = None


class ReportLiveRounds(Command):
    """Report live rounds found; always opens an incident (AMMO-NO-LIVE)."""

    EVENT = "LiveRoundsFound"
    model_config = _example(count=1, where="in the dummies box", lot="dummies-1")
    count: Positive
    where: Text
    lot: Id | None = None
    weapon: Id | None = None


class RecordReview(Command):
    """Record a review of an incident with findings (INC-CEASEFIRE)."""

    EVENT = "ReviewRecorded"
    model_config = _example(role="safety_coordinator", findings="worn firing pin; replaced")
    role: ReviewRole
    findings: Text


class RaiseConcern(Command):
    """Raise a safety concern, optionally anonymous; stop-work acts as a cease-fire."""

    EVENT = "ConcernRaised"
    model_config = _example(text="the blank lot smells of oil", anonymous=True, stop_work=False)
    text: Text
    anonymous: Flag = Field(description="If true, the ledger names nobody as its author.")
    stop_work: Flag


class AnswerConcern(Command):
    """Answer a concern in writing (INC-CONCERN)."""

    EVENT = "ConcernAnswered"
    model_config = _example(answer="the lot was replaced and re-verified")
    answer: Text


class GrantOverride(Command):
    """Override an overridable rule once, with a written reason (INC-OVERRIDE)."""

    EVENT = "OverrideGranted"
    model_config = _example(
        rule="CUS-SECURED", reason="actor stays in costume on set", weapon="rev-1"
    )
    rule: RuleId
    reason: FreeText = Field(description="An empty reason is refused by INC-OVERRIDE.")
    weapon: Id | None = None
    setup: Id | None = None


class PolicyChanges(_Body):
    blank_min_distance_cm: Positive | None = None
    show_clear_validity_minutes: Positive | None = None
    concern_escalation_hours: Positive | None = None
    rehearsal_functional_weapon: Strictness | None = None
    sole_duty: Strictness | None = None


class ChangePolicy(Command):
    """Change the production's policy; only the safety coordinator may loosen it."""

    EVENT = "PolicyChanged"
    model_config = _example(changes={"blank_min_distance_cm": 800}, reason="stage is small")
    changes: PolicyChanges
    reason: Text | None = None
