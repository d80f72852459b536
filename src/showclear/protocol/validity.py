"""The validity layer: input errors, found before any rule is evaluated.

These are not refusals. An event that fails here is not a safety decision but a form
filled in wrongly (a person who does not exist, a time earlier than the last entry,
a chamber that is not there), so it raises a ProtocolError and nothing is appended.
References to weapons, lots and setups are *not* checked here: using a weapon that is
not in inventory, rounds of a lot never received, or a setup never scheduled is what
CUS-INVENTORY, AMMO-SOURCE and PLAN-SETUP refuse, and those refusals are recorded.
"""

from __future__ import annotations

from typing import Any

from showclear.protocol.catalogue import ASSIGNED_FIELDS, SYSTEM_TYPES, event_type, validate_event
from showclear.protocol.catalogue.magazines import check_magazine_facts
from showclear.protocol.errors import (
    InconsistentEventError,
    MalformedEventError,
    TimeOrderError,
    UnknownReferenceError,
)
from showclear.protocol.projection import Projection
from showclear.protocol.rules import CATALOG_IDS
from showclear.protocol.time import parse_time

__all__ = ["check_validity"]

Event = dict[str, Any]


def check_validity(projection: Projection, event: object) -> None:
    """Check that ``event`` can be decided at all against ``projection``.

    Raises MalformedEventError, UnknownReferenceError, TimeOrderError or
    InconsistentEventError with a message saying what to correct.
    """
    validate_event(event)
    assert isinstance(event, dict)
    kind = event["type"]
    _check_proposal(kind, event)
    if kind == "ProductionCreated":
        if projection.production() is not None:
            raise InconsistentEventError("this production already exists")
        return
    if projection.production() is None:
        raise UnknownReferenceError("no production yet: its first entry is ProductionCreated")
    _check_time(projection, event)
    _check_people(projection, kind, event)
    _check_places_and_records(projection, kind, event)
    _check_weapon_facts(projection, kind, event)
    _check_rounds(projection, kind, event)
    check_magazine_facts(projection, kind, event)
    _check_correction(projection, kind, event)


def _check_proposal(kind: str, event: Event) -> None:
    if kind in SYSTEM_TYPES - {"ProductionCreated"}:
        raise MalformedEventError(f"{kind} is written by showclear itself, never proposed")
    for field in ASSIGNED_FIELDS["*"] | ASSIGNED_FIELDS.get(kind, frozenset()):
        if field in event:
            raise MalformedEventError(f"{kind}.{field} is filled in by showclear; leave it out")


def _check_time(projection: Projection, event: Event) -> None:
    last = projection.last_at()
    if last is not None and parse_time(event["at"]) < parse_time(last):
        raise TimeOrderError(
            f"{event['type']} at {event['at']} is earlier than the last entry ({last}); "
            "events are recorded in the order they happen"
        )


def _person(projection: Projection, person_id: str | None, what: str) -> None:
    if person_id is not None and projection.person(person_id) is None:
        raise UnknownReferenceError(f"{what} {person_id!r} is not a registered person")


def _check_people(projection: Projection, kind: str, event: Event) -> None:
    actor = event["actor"]
    if actor is None and not event_type(kind).actor_optional:
        raise MalformedEventError(f"{kind} needs an actor: the person who does it")
    if not (kind == "PersonRegistered" and actor == event["person"]):
        _person(projection, actor, "actor")
    if kind == "PersonRegistered" and projection.person(event["person"]) is not None:
        raise InconsistentEventError(f"person {event['person']!r} is already registered")
    for field in ("giver", "receiver", "secured_by", "performer", "handler_signoff", "shooter"):
        _person(projection, event.get(field), field)
    if kind in ("TrainingRecorded", "PermitRecorded", "CredentialResetApproved"):
        _person(projection, event["person"], "person")
    for entry in event.get("call_sheet", []):
        _person(projection, entry["person"], "call sheet entry")
    for attendee in event.get("attendees", []):
        _person(projection, attendee["person"], "attendee")
    if kind in ("SetupPlanned", "SetupChanged"):
        for weapon in event["weapons"]:
            _person(projection, weapon["performer"], f"performer of {weapon['weapon']}")


def _check_places_and_records(projection: Projection, kind: str, event: Event) -> None:
    if (
        "storage" in event
        and kind != "StorageAdded"
        and projection.storage(event["storage"]) is None
    ):
        raise UnknownReferenceError(f"storage location {event['storage']!r} was never added")
    duplicates = {
        "StorageAdded": ("storage", projection.storage),
        "WeaponReceived": ("weapon", projection.weapon),
        "LotReceived": ("lot", projection.lot),
        "SupplierListed": ("supplier", projection.supplier),
        "SetupPlanned": ("setup", projection.setup),
    }
    if kind in duplicates:
        field, lookup = duplicates[kind]
        if lookup(event[field]) is not None:
            raise InconsistentEventError(f"{field} {event[field]!r} already exists")
    if kind in ("SetupChanged", "SetupCompleted") and projection.setup(event["setup"]) is None:
        raise UnknownReferenceError(f"setup {event['setup']!r} is not scheduled")
    if kind == "SafetyMeetingHeld":
        for setup_id in event["setups"]:
            if projection.setup(setup_id) is None:
                raise UnknownReferenceError(f"setup {setup_id!r} is not scheduled")
    if kind == "DayOpened" and projection.open_day() is not None:
        raise InconsistentEventError("a shoot day is already open; close it first")
    if event_type(kind).needs_open_day and projection.open_day() is None:
        raise InconsistentEventError(f"{kind}: no shoot day is open; publish the call sheet first")
    if kind == "SupplierApproved" and projection.supplier(event["supplier"]) is None:
        raise UnknownReferenceError(
            f"supplier {event['supplier']!r} is not on the supplier list; list it first"
        )
    if kind == "ReviewRecorded" and projection.incident(event["incident"]) is None:
        raise UnknownReferenceError(f"incident {event['incident']} is not open")
    if kind == "ConcernAnswered" and projection.concern(event["concern"]) is None:
        raise UnknownReferenceError(f"concern {event['concern']} is not open")
    if kind == "RoundsMissingRecorded":
        meta = projection.meta()
        if meta is None or event["incident"] > meta["incidents"]:
            raise UnknownReferenceError(f"incident {event['incident']} was never reported")
    if kind == "OverrideGranted" and event["rule"] not in CATALOG_IDS:
        raise UnknownReferenceError(f"there is no rule {event['rule']!r}")
    if kind == "PolicyChanged":
        if not event["changes"]:
            raise MalformedEventError("PolicyChanged.changes is empty")
        projection.policy().with_changes(event["changes"])  # raises PolicyError


def _check_weapon_facts(projection: Projection, kind: str, event: Event) -> None:
    weapon = projection.weapon(event["weapon"]) if isinstance(event.get("weapon"), str) else None
    if weapon is None or kind in ("OverrideGranted", "IncidentReported", "LiveRoundsFound"):
        return
    size = len(weapon["chambers"])
    if kind == "ShowClearInspected" and len(event["chambers"]) != size:
        raise InconsistentEventError(
            f"{event['weapon']} has {size} chamber(s); the inspection records "
            f"{len(event['chambers'])}"
        )
    if kind == "WeaponDischarged" and event.get("rounds", 1) > 1 and "magazines" not in weapon:
        raise InconsistentEventError(
            f"{event['weapon']} takes no magazine: name each chamber that fired, not a number "
            "of rounds"
        )
    if kind in ("RoundsLoaded", "RoundsUnloaded", "WeaponDischarged"):
        for chamber in event["chambers"]:
            if chamber > size:
                raise InconsistentEventError(
                    f"{event['weapon']} has {size} chamber(s); there is no chamber {chamber}"
                )
            content = weapon["chambers"][chamber - 1]
            if kind == "RoundsLoaded" and content not in ("empty", "unknown"):
                raise InconsistentEventError(
                    f"chamber {chamber} of {event['weapon']} already holds a round of lot "
                    f"{content}; unload it first"
                )
            if kind == "RoundsUnloaded" and content in ("empty", "unknown"):
                raise InconsistentEventError(
                    f"chamber {chamber} of {event['weapon']} holds no recorded round to unload"
                )


def _check_rounds(projection: Projection, kind: str, event: Event) -> None:
    if kind == "DummiesVerified":
        lot = projection.lot(event["lot"])
        if lot is not None and lot["verified"] + event["count"] > lot["received"]:
            raise InconsistentEventError(
                f"lot {event['lot']} received {lot['received']} rounds and {lot['verified']} "
                f"are already verified; {event['count']} more cannot be"
            )
    if kind == "DayClosed":
        for lot_id in event["counts"]:
            if projection.lot(lot_id) is None:
                raise UnknownReferenceError(f"lot {lot_id!r} was never received")
        uncounted = [
            lot_id
            for lot_id, lot in projection.lots()
            if lot["in_storage"] + lot["in_weapons"] + lot.get("quarantined", 0) > 0
            and lot_id not in event["counts"]
        ]
        if uncounted:
            raise InconsistentEventError(
                f"the day's count leaves out lot(s) {', '.join(uncounted)}; count every lot"
            )


def _check_correction(projection: Projection, kind: str, event: Event) -> None:
    """A correction names an item that is there, the value recorded now, and an earlier entry."""
    if kind != "FactCorrected":
        return
    item = event["item"]
    record = projection.weapon(item) if event["kind"] == "weapon" else projection.lot(item)
    if record is None:
        raise UnknownReferenceError(f"there is no {event['kind']} {item!r} in the inventory")
    recorded = record.get(event["field"])
    if (recorded or "") != event["old"]:
        raise InconsistentEventError(
            f"the {event['field']} of {item} is recorded as {recorded!r}, not {event['old']!r}"
        )
    meta = projection.meta()
    if meta is None or event["entry"] >= meta["events"]:
        raise InconsistentEventError(
            f"entry {event['entry']} is not in the ledger yet; name the entry that recorded "
            "the wrong value"
        )
