"""Folding events into the projection: ``apply`` one, ``fold`` many.

``apply`` trusts that the event was decided (:func:`showclear.protocol.engine.decide`)
or read back from a verified ledger; it checks the event's shape and raises
InconsistentEventError if the event names something the projection does not hold,
which on a rebuild means the ledger and the projection code disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.events import validate_event
from showclear.protocol.policy import Policy
from showclear.protocol.projection import (
    CeasefireRecord,
    DayRecord,
    IncidentRecord,
    LotRecord,
    MetaRecord,
    Projection,
    SetupRecord,
    WeaponRecord,
    derive_state,
)

__all__ = ["MATERIAL_PLAN_FIELDS", "apply", "fold", "normalize_plan"]

Event = dict[str, Any]
_Handler = Callable[["_Fold", Event], None]
_HANDLERS: dict[str, _Handler] = {}

#: A change to any of these needs a new safety meeting (PLAN-MEETING: load, performers,
#: direction; the people near the line of fire are part of the direction of fire).
MATERIAL_PLAN_FIELDS = ("weapons", "direction", "people_near", "kind")


def _on(kind: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _HANDLERS[kind] = handler
        return handler

    return register


def apply(projection: Projection, event: dict[str, Any]) -> set[str]:
    """Fold one event into ``projection`` in place; return the keys it changed or removed.

    Raises MalformedEventError for a malformed event and InconsistentEventError for one
    that names a weapon, lot, person or record the projection does not hold.
    """
    validate_event(event)
    step = _Fold(projection)
    if event["type"] != "ProductionCreated":
        step.meta()  # every other event needs a production
    _HANDLERS[event["type"]](step, event)
    for number in event.get("overrides", []):
        step.drop(f"override:{number}")
        step.meta()["overrides_used"] += 1
    meta = step.meta()
    meta["last_at"] = event["at"]
    meta["events"] += 1
    if step.touched_weapons:
        lot_kinds = projection.lot_kinds()
        for weapon_id in step.touched_weapons:
            weapon = step.weapon(weapon_id)
            weapon["state"] = derive_state(weapon, lot_kinds).value
    return step.changed


def fold(events: Iterable[dict[str, Any]]) -> Projection:
    """The projection of a ledger: the empty projection with every event applied in order."""
    projection = Projection.empty()
    for event in events:
        apply(projection, event)
    return projection


def normalize_plan(event: Event) -> dict[str, Any]:
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
        "handler_signoff": event.get("handler_signoff"),
        "functional_reason": event.get("functional_reason"),
    }


class _Fold:
    """One event's changes to a projection, remembering which keys it touched."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.changed: set[str] = set()
        self.touched_weapons: set[str] = set()

    def record(self, key: str) -> Any:
        found = self.projection._get(key)
        if found is None:
            raise InconsistentEventError(f"the projection has no record {key!r}")
        self.changed.add(key)
        return found

    def put(self, key: str, value: object) -> None:
        self.projection._put(key, value)
        self.changed.add(key)

    def drop(self, key: str) -> None:
        self.projection._drop(key)
        self.changed.add(key)

    def meta(self) -> MetaRecord:
        return cast(MetaRecord, self.record("meta"))

    def weapon(self, weapon_id: str) -> WeaponRecord:
        self.touched_weapons.add(weapon_id)
        return cast(WeaponRecord, self.record(f"weapon:{weapon_id}"))

    def touch(self, weapon_id: str) -> WeaponRecord:
        """The weapon, which this event makes no longer "inspected last" (CUS-SHOW-CLEAR)."""
        weapon = self.weapon(weapon_id)
        weapon["inspection_is_last_event"] = False
        return weapon

    def lot(self, lot_id: str) -> LotRecord:
        return cast(LotRecord, self.record(f"lot:{lot_id}"))

    def setup(self, setup_id: str) -> SetupRecord:
        return cast(SetupRecord, self.record(f"setup:{setup_id}"))

    def day(self) -> DayRecord:
        return cast(DayRecord, self.record("day"))

    def unsettle(self, weapon_id: str, why: str) -> None:
        """Make the weapon UNKNOWN until inspected."""
        weapon = self.touch(weapon_id)
        # "fired" is cleared by a barrel check alone; every other reason needs a full
        # inspection, so it replaces "fired" and is never replaced by it.
        if weapon["uncertain"] in (None, "fired"):
            weapon["uncertain"] = why

    def refresh_ceasefire(self) -> None:
        incidents = [n for n, _ in self.projection.open_incidents()]
        stop_work = [n for n, c in self.projection.open_concerns() if c["stop_work"]]
        record: CeasefireRecord = {
            "active": bool(incidents or stop_work),
            "incidents": incidents,
            "stop_work_concerns": stop_work,
        }
        if self.projection._get("ceasefire") != record:
            self.put("ceasefire", record)

    def outside_storage(self) -> list[str]:
        return [
            w for w, rec in self.projection.weapons() if not rec["location"].startswith("storage:")
        ]


# -- the production, people and places -------------------------------------------------


@_on("ProductionCreated")
def _production_created(f: _Fold, e: Event) -> None:
    if f.projection._get("production") is not None:
        raise InconsistentEventError("the production was already created")
    f.put(
        "production",
        {
            "name": e["production"],
            "origin": e["origin"],
            "public_key": e["public_key"],
            "slug": e.get("slug"),
            "created_at": e["at"],
        },
    )
    meta: MetaRecord = {
        "last_at": None,
        "events": 0,
        "refused": 0,
        "incidents": 0,
        "concerns": 0,
        "overrides": 0,
        "incidents_closed": 0,
        "concerns_answered": 0,
        "overrides_used": 0,
    }
    f.put("meta", meta)
    f.put("policy", Policy().to_json())
    f.put("ceasefire", {"active": False, "incidents": [], "stop_work_concerns": []})


@_on("PersonRegistered")
def _person_registered(f: _Fold, e: Event) -> None:
    f.put(
        f"person:{e['person']}",
        {
            "name": e["name"],
            "roles": sorted(set(e["roles"])),
            "trainings": sorted(set(e.get("trainings", []))),
            "permits": {
                p["kind"]: {"number": p["number"], "expires": p["expires"]}
                for p in e.get("permits", [])
            },
        },
    )


@_on("TrainingRecorded")
def _training_recorded(f: _Fold, e: Event) -> None:
    person = f.record(f"person:{e['person']}")
    person["trainings"] = sorted({*person["trainings"], e["kind"]})


@_on("PermitRecorded")
def _permit_recorded(f: _Fold, e: Event) -> None:
    permit = e["permit"]
    person = f.record(f"person:{e['person']}")
    person["permits"][permit["kind"]] = {"number": permit["number"], "expires": permit["expires"]}


@_on("StorageAdded")
def _storage_added(f: _Fold, e: Event) -> None:
    f.put(f"storage:{e['storage']}", {"name": e["name"], "lockable": e["lockable"]})


def _duties(sheet: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {entry["person"]: sorted(set(entry["duties"])) for entry in sheet}


@_on("DayOpened")
def _day_opened(f: _Fold, e: Event) -> None:
    day: DayRecord = {
        "date": e["date"],
        "open": True,
        "opened_at": e["at"],
        "duties": _duties(e["call_sheet"]),
    }
    f.put("day", day)


@_on("CallSheetRevised")
def _call_sheet_revised(f: _Fold, e: Event) -> None:
    f.day()["duties"] = _duties(e["call_sheet"])


@_on("DayClosed")
def _day_closed(f: _Fold, e: Event) -> None:
    day = f.day()
    day["open"] = False
    day["duties"] = {}
    # Setups and overrides belong to the day (and keep the projection bounded).
    for key in [*f.projection._keys("setup:"), *f.projection._keys("override:")]:
        f.drop(key)


# -- inventory ---------------------------------------------------------------------------


@_on("WeaponReceived")
def _weapon_received(f: _Fold, e: Event) -> None:
    weapon: WeaponRecord = {
        "serial": e["serial"],
        "make": e["make"],
        "model": e["model"],
        "category": e["category"],
        "caliber": e["caliber"],
        "action": e["action"],
        "chambers": ["unknown"] * e["chambers"],
        "location": f"storage:{e['storage']}",
        "setup": None,
        "barrel_checked": False,
        "uncertain": "received",
        "last_inspection": None,
        "inspection_is_last_event": False,
        "state": "UNKNOWN",
    }
    f.put(f"weapon:{e['weapon']}", weapon)
    f.touched_weapons.add(e["weapon"])


@_on("LotReceived")
def _lot_received(f: _Fold, e: Event) -> None:
    count = e["count"] or 0
    lot: LotRecord = {
        "kind": e["kind"],
        "caliber": e["caliber"],
        "supplier": e["supplier"] or "",
        "origin": e["origin"] or "",
        "storage": e["storage"],
        "load": e.get("load"),
        "close_range": e.get("close_range", False),
        "received": count,
        "in_storage": count,
        "in_weapons": 0,
        "expended": 0,
        "returned": 0,
        "destroyed": 0,
        "missing": 0,
        "verified": 0,
        "live_found": 0,
        "discrepancy": 0,
    }
    f.put(f"lot:{e['lot']}", lot)


@_on("DummiesVerified")
def _dummies_verified(f: _Fold, e: Event) -> None:
    f.lot(e["lot"])["verified"] += e["count"]


def _move(f: _Fold, lot_id: str, source: str, target: str, count: int) -> None:
    lot = cast(dict[str, int], f.lot(lot_id))
    if lot[source] < count:
        raise InconsistentEventError(
            f"lot {lot_id} has {lot[source]} rounds {source.replace('_', ' ')}, not {count}"
        )
    lot[source] -= count
    lot[target] += count


@_on("RoundsReturnedToSupplier")
def _rounds_returned(f: _Fold, e: Event) -> None:
    _move(f, e["lot"], "in_storage", "returned", e["count"])


@_on("RoundsDestroyed")
def _rounds_destroyed(f: _Fold, e: Event) -> None:
    _move(f, e["lot"], "in_storage", "destroyed", e["count"])


@_on("RoundsMissingRecorded")
def _rounds_missing(f: _Fold, e: Event) -> None:
    _move(f, e["lot"], "in_storage", "missing", e["count"])
    lot = f.lot(e["lot"])
    lot["discrepancy"] = min(0, lot["discrepancy"] + e["count"])


# -- setups and meetings ----------------------------------------------------------------


@_on("SetupPlanned")
def _setup_planned(f: _Fold, e: Event) -> None:
    plan = normalize_plan(e)
    f.put(
        f"setup:{e['setup']}",
        {**plan, "version": 1, "meeting_version": None, "confirmed": [], "completed": False},
    )


@_on("SetupChanged")
def _setup_changed(f: _Fold, e: Event) -> None:
    setup = f.setup(e["setup"])
    plan = normalize_plan(e)
    if any(setup[field] != plan[field] for field in MATERIAL_PLAN_FIELDS):  # type: ignore[literal-required]
        setup["version"] += 1
        setup["confirmed"] = []
    setup.update(plan)  # type: ignore[typeddict-item]
    setup["completed"] = False


@_on("SetupCompleted")
def _setup_completed(f: _Fold, e: Event) -> None:
    f.setup(e["setup"])["completed"] = True


@_on("SafetyMeetingHeld")
def _safety_meeting(f: _Fold, e: Event) -> None:
    confirmed = {a["person"] for a in e["attendees"] if a["confirmed"]}
    for setup_id in e["setups"]:
        setup = f.setup(setup_id)
        if setup["meeting_version"] != setup["version"]:
            setup["meeting_version"] = setup["version"]
            setup["confirmed"] = []
        setup["confirmed"] = sorted({*setup["confirmed"], *confirmed})


# -- custody ------------------------------------------------------------------------------


@_on("WeaponTakenOut")
def _taken_out(f: _Fold, e: Event) -> None:
    weapon = f.touch(e["weapon"])
    weapon["location"] = f"person:{e['actor']}"
    weapon["setup"] = e["setup"]


@_on("RoundsLoaded")
def _loaded(f: _Fold, e: Event) -> None:
    weapon = f.touch(e["weapon"])
    for chamber in e["chambers"]:
        if weapon["chambers"][chamber - 1] != "empty":
            raise InconsistentEventError(f"chamber {chamber} of {e['weapon']} is not empty")
        weapon["chambers"][chamber - 1] = e["lot"]
    _move(f, e["lot"], "in_storage", "in_weapons", len(e["chambers"]))


@_on("RoundsUnloaded")
def _unloaded(f: _Fold, e: Event) -> None:
    weapon = f.touch(e["weapon"])
    for chamber in e["chambers"]:
        lot_id = weapon["chambers"][chamber - 1]
        if lot_id in ("empty", "unknown"):
            raise InconsistentEventError(f"chamber {chamber} of {e['weapon']} holds no known round")
        _move(f, lot_id, "in_weapons", "in_storage", 1)
        weapon["chambers"][chamber - 1] = "empty"


@_on("ShowClearInspected")
def _inspected(f: _Fold, e: Event) -> None:
    weapon = f.weapon(e["weapon"])
    weapon["chambers"] = list(e["chambers"])
    weapon["barrel_checked"] = e["barrel_clear"]
    weapon["uncertain"] = None if e["barrel_clear"] else "barrel_not_clear"
    weapon["last_inspection"] = {
        "at": e["at"],
        "by": e["actor"],
        "chambers": list(e["chambers"]),
        "barrel_clear": e["barrel_clear"],
        "performer": e["performer"],
        "performer_confirmed": e["performer_confirmed"],
    }
    weapon["inspection_is_last_event"] = True


@_on("WeaponHandedOver")
def _handed_over(f: _Fold, e: Event) -> None:
    f.touch(e["weapon"])["location"] = f"person:{e['receiver']}"


@_on("WeaponDischarged")
def _discharged(f: _Fold, e: Event) -> None:
    if f.projection.weapon(e["weapon"]) is None:
        return  # a weapon outside the inventory fired: recorded, and an incident (CUS-INVENTORY)
    weapon = f.touch(e["weapon"])
    # A misfired round did not go off: it is still in its chamber (and may yet hang
    # fire), so it stays counted in the weapon until it is unloaded.
    if not e["misfire"]:
        for chamber in e["chambers"]:
            content = weapon["chambers"][chamber - 1]
            if content not in ("empty", "unknown"):
                _move(f, content, "in_weapons", "expended", 1)
            weapon["chambers"][chamber - 1] = "empty"
    weapon["barrel_checked"] = False
    if weapon["uncertain"] is None:
        weapon["uncertain"] = "fired"  # CUS-BARREL: UNKNOWN until the barrel is checked


@_on("BarrelChecked")
def _barrel_checked(f: _Fold, e: Event) -> None:
    weapon = f.touch(e["weapon"])
    weapon["barrel_checked"] = e["clear"]
    if not e["clear"]:
        weapon["uncertain"] = "barrel_not_clear"
    elif weapon["uncertain"] == "fired":
        weapon["uncertain"] = None


@_on("WeaponReturnedToStorage")
def _returned(f: _Fold, e: Event) -> None:
    weapon = f.touch(e["weapon"])
    weapon["location"] = f"storage:{e['storage']}"
    weapon["setup"] = None


@_on("MealBreakCalled")
def _meal_break(f: _Fold, e: Event) -> None:
    for weapon_id in f.outside_storage():
        f.unsettle(weapon_id, "meal_break")


@_on("WrapCalled")
def _wrap(f: _Fold, e: Event) -> None:
    for weapon_id in f.outside_storage():
        f.unsettle(weapon_id, "wrap")


@_on("WeaponFoundUnattended")
def _found_unattended(f: _Fold, e: Event) -> None:
    if f.projection.weapon(e["weapon"]) is None:
        return  # a weapon outside the inventory: recorded, and an incident (CUS-INVENTORY)
    f.unsettle(e["weapon"], "found_unattended")
    f.weapon(e["weapon"])["location"] = f"person:{e['secured_by']}"


@_on("CustodyGapRecorded")
def _custody_gap(f: _Fold, e: Event) -> None:
    f.unsettle(e["weapon"], "custody_gap")
    f.weapon(e["weapon"])["location"] = f"person:{e['found_with']}"


# -- incidents, concerns, overrides, policy ----------------------------------------------


@_on("IncidentReported")
def _incident(f: _Fold, e: Event) -> None:
    number = e.get("incident")
    if number is None:
        raise InconsistentEventError("IncidentReported has no incident number")
    f.meta()["incidents"] = number
    record: IncidentRecord = {
        "kind": e["kind"],
        "opened_at": e["at"],
        "description": e["description"],
        "weapon": e.get("weapon"),
        "lot": e.get("lot"),
        "rules": list(e.get("rules", [])),
        "reviews": {},
    }
    f.put(f"incident:{number}", record)
    if record["weapon"] is not None and f.projection.weapon(record["weapon"]) is not None:
        f.unsettle(record["weapon"], "incident")
    for lot_id, difference in e.get("differences", {}).items():
        f.lot(lot_id)["discrepancy"] = difference
    f.refresh_ceasefire()


@_on("LiveRoundsFound")
def _live_rounds(f: _Fold, e: Event) -> None:
    if e.get("lot") and f.projection.lot(e["lot"]) is not None:
        f.lot(e["lot"])["live_found"] += e["count"]
    if e.get("weapon") and f.projection.weapon(e["weapon"]) is not None:
        f.unsettle(e["weapon"], "live_round_found")


@_on("ReviewRecorded")
def _review(f: _Fold, e: Event) -> None:
    key = f"incident:{e['incident']}"
    incident = cast(IncidentRecord, f.record(key))
    incident["reviews"][e["role"]] = e["actor"]
    if {"safety_coordinator", "producer"} <= incident["reviews"].keys():
        f.drop(key)
        f.meta()["incidents_closed"] += 1
        f.refresh_ceasefire()


@_on("ConcernRaised")
def _concern_raised(f: _Fold, e: Event) -> None:
    number = e.get("concern")
    if number is None:
        raise InconsistentEventError("ConcernRaised has no concern number")
    f.meta()["concerns"] = number
    f.put(
        f"concern:{number}",
        {
            "raised_at": e["at"],
            "text": e["text"],
            "anonymous": e["anonymous"],
            "stop_work": e["stop_work"],
            "raised_by": e["actor"],
            "escalated": False,
        },
    )
    f.refresh_ceasefire()


@_on("ConcernAnswered")
def _concern_answered(f: _Fold, e: Event) -> None:
    f.record(f"concern:{e['concern']}")
    f.drop(f"concern:{e['concern']}")
    f.meta()["concerns_answered"] += 1
    f.refresh_ceasefire()


@_on("ConcernEscalated")
def _concern_escalated(f: _Fold, e: Event) -> None:
    f.record(f"concern:{e['concern']}")["escalated"] = True


@_on("OverrideGranted")
def _override(f: _Fold, e: Event) -> None:
    number = e.get("override")
    if number is None:
        raise InconsistentEventError("OverrideGranted has no override number")
    f.meta()["overrides"] = number
    f.put(
        f"override:{number}",
        {
            "rule": e["rule"],
            "reason": e["reason"],
            "weapon": e.get("weapon"),
            "setup": e.get("setup"),
            "granted_by": e["actor"],
            "granted_at": e["at"],
        },
    )


@_on("PolicyChanged")
def _policy_changed(f: _Fold, e: Event) -> None:
    f.put("policy", f.projection.policy().with_changes(e["changes"]).to_json())


@_on("AttemptRefused")
def _refused(f: _Fold, e: Event) -> None:
    f.meta()["refused"] += 1
