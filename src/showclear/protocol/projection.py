"""The projection: a production's current state, as keyed JSON records.

The projection is a fold over the ledger (:mod:`showclear.protocol.fold`) and is what
the rules read: rules never replay history. Its size is bounded by the inventory, the
people and the day, never by the ledger's length: history is kept as counters, closed
incidents and answered concerns are dropped, and setups and unused overrides end with
the day.

Keys and what they hold::

    meta              last event time, event and refusal counters, next ids
    production        name, origin, public key
    policy            the policy in force (showclear.protocol.policy)
    day               the shoot day: date, open or closed, each person's duties
    ceasefire         whether the production is in cease-fire, and why
    person:<id>       name, roles, trainings, permits
    storage:<id>      name, lockable
    weapon:<id>       description, where it is, each chamber's content, derived state,
                      the last inspection and whether it was the weapon's last event
    lot:<id>          description, round counts, and whether it is suspect (AMMO-SUSPECT)
    magazine:<id>     the weapon it is issued with, its capacity, the lot of each round in it
    supplier:<id>     a supplier on the production's list: who listed and approved it
    setup:<id>        the plan, its version, who confirmed it at a safety meeting
    incident:<n>      an open incident and the reviews it has
    concern:<n>       an unanswered concern
    override:<n>      an override not yet used
    studio:<account>  a studio account a producer let see the production, and its role
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NotRequired, TypedDict, cast

from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.jsontypes import JSON, JSONObject, copy_object
from showclear.protocol.policy import DEFAULT_POLICY, Policy
from showclear.protocol.record_views import (
    CeasefireView,
    ConcernView,
    DayView,
    IncidentView,
    LotView,
    MagazineView,
    MetaView,
    OverrideView,
    PersonView,
    ProductionView,
    SetupView,
    StorageView,
    SupplierView,
    WeaponView,
)

__all__ = [
    "ACCOUNTED",
    "CeasefireRecord",
    "ConcernRecord",
    "DayRecord",
    "IncidentRecord",
    "InspectionRecord",
    "LotRecord",
    "MagazineRecord",
    "MetaRecord",
    "NearRecord",
    "OverrideRecord",
    "PersonRecord",
    "PlannedWeaponRecord",
    "ProductionRecord",
    "Projection",
    "SetupRecord",
    "StorageRecord",
    "SupplierRecord",
    "SurrenderRecord",
    "SuspectRecord",
    "WeaponRecord",
    "WeaponState",
    "derive_state",
    "lot_balance",
    "quarantine_reason",
    "record_key",
]


class WeaponState(StrEnum):
    """A weapon's state, always derived from what is recorded in its chambers (catalog)."""

    COLD = "COLD"  # every chamber empty and the barrel checked clear
    DUMMY = "DUMMY"  # only verified dummy rounds, barrel checked clear
    HOT = "HOT"  # any blank present
    UNKNOWN = "UNKNOWN"  # anything since the last inspection that could have changed it


class MetaRecord(TypedDict):
    last_at: str | None
    events: int
    refused: int
    incidents: int  # opened so far; the next incident is numbered incidents + 1
    concerns: int
    overrides: int
    incidents_closed: int
    concerns_answered: int
    overrides_used: int


class ProductionRecord(TypedDict):
    name: str
    origin: str
    public_key: str
    slug: str | None
    created_at: str


class PermitRecord(TypedDict):
    number: str
    expires: str


class PersonRecord(TypedDict):
    name: str
    roles: list[str]
    trainings: list[str]
    permits: dict[str, PermitRecord]


class StorageRecord(TypedDict):
    name: str
    lockable: bool


class InspectionRecord(TypedDict):
    at: str
    by: str
    chambers: list[str]
    barrel_clear: bool
    performer: str | None
    performer_confirmed: bool
    magazine_well: NotRequired[str | None]  # what the well was shown with (magazine weapons)
    magazines: NotRequired[list[str]]  # the magazines shown with it


class WeaponRecord(TypedDict):
    serial: str
    make: str
    model: str
    category: str
    caliber: str
    action: str
    chambers: list[str]  # "empty", "unknown" or the id of the lot the round came from
    location: str  # "storage:<id>" or "person:<id>": always exactly one place
    setup: str | None  # the setup it left storage for
    barrel_checked: bool
    uncertain: str | None  # why it may have changed since the last inspection
    last_inspection: InspectionRecord | None
    inspection_is_last_event: bool
    state: str
    misfired: list[int]  # chambers holding a round that failed to fire (AMMO-SUSPECT)
    quarantine: str | None  # why rounds it holds are quarantined (AMMO-SUSPECT), in words
    # A personal weapon surrendered and locked away: used by no one (CUS-INVENTORY).
    surrendered: NotRequired[SurrenderRecord]
    # Weapons that take detachable magazines (CUS-INVENTORY, CUS-SHOW-CLEAR):
    magazine_capacity: NotRequired[int]  # rounds its magazines hold
    magazines: NotRequired[list[str]]  # the magazines issued with it, by id
    well: NotRequired[str | None]  # the magazine seated in its well, or None (empty)


class SurrenderRecord(TypedDict):
    by: str | None  # who surrendered it (its owner, if known), as they were named
    at: str
    to: str  # the handler who took it and locked it away


class MagazineRecord(TypedDict):
    weapon: str  # the weapon it is issued with: it goes wherever that weapon goes
    capacity: int
    rounds: list[str]  # the lot of each round, first loaded first; the last is fed next


class SuspectRecord(TypedDict):
    """Why a lot became suspect: the first cause only, so the record stays bounded."""

    reason: str
    at: str
    entry: int  # the ledger index of the entry that made it suspect


class LotRecord(TypedDict):
    kind: str
    caliber: str
    supplier: str
    origin: str
    storage: str
    load: str | None
    close_range: bool
    received: int
    in_storage: int
    in_weapons: int
    expended: int
    returned: int
    destroyed: int
    missing: int
    verified: int
    live_found: int
    discrepancy: int  # counted minus recorded at the last failed reconciliation
    quarantined: int  # misfired rounds set aside: only destroyed or returned (AMMO-SUSPECT)
    suspect: SuspectRecord | None  # no round of it is used until cleared (AMMO-SUSPECT)


class SupplierRecord(TypedDict):
    name: str
    licence: str
    contact: str
    listed_by: str
    listed_at: str
    approved_by: str | None
    approved_at: str | None


#: Where each received round of a lot is now: every round is in exactly one (AMMO-COUNT).
ACCOUNTED = (
    "in_storage",
    "in_weapons",
    "quarantined",
    "expended",
    "returned",
    "destroyed",
    "missing",
)


def lot_balance(lot: Mapping[str, object]) -> tuple[int, bool]:
    """The rounds accounted for (the sum of :data:`ACCOUNTED`) and whether the lot balances.

    It balances when that sum equals the rounds received and the last close-of-day count
    found no difference (AMMO-COUNT).
    """
    counts = cast("Mapping[str, int]", lot)
    accounted = sum(counts.get(key, 0) for key in ACCOUNTED)
    return accounted, accounted == lot["received"] and lot["discrepancy"] == 0


class DayRecord(TypedDict):
    date: str
    open: bool
    opened_at: str
    duties: dict[str, list[str]]


class PlannedWeaponRecord(TypedDict):
    weapon: str
    performer: str
    load: str
    lot: str | None
    rounds: int


class NearRecord(TypedDict):
    who: str
    distance_cm: int
    in_line_of_fire: bool
    shielded: bool
    remote: bool
    eye_protection: bool
    hearing_protection: bool


class SetupRecord(TypedDict):
    scene: str
    kind: str
    weapons: list[PlannedWeaponRecord]
    direction: str
    people_near: list[NearRecord]
    handler_signoff: str | None
    functional_reason: str | None
    version: int
    meeting_version: int | None
    confirmed: list[str]
    completed: bool


class IncidentRecord(TypedDict):
    kind: str
    opened_at: str
    description: str
    weapon: str | None
    lot: str | None
    rules: list[str]
    reviews: dict[str, str]  # review role -> person


class ConcernRecord(TypedDict):
    raised_at: str
    text: str
    anonymous: bool
    stop_work: bool
    raised_by: str | None
    escalated: bool


class OverrideRecord(TypedDict):
    rule: str
    reason: str
    weapon: str | None
    setup: str | None
    granted_by: str
    granted_at: str


class CeasefireRecord(TypedDict):
    active: bool
    incidents: list[int]
    stop_work_concerns: list[int]


_NO_CEASEFIRE = MappingProxyType({"active": False, "incidents": [], "stop_work_concerns": []})


def quarantine_reason(
    weapon: WeaponView, suspect_lots: Collection[str], in_magazines: Collection[str] = ()
) -> str | None:
    """Why rounds the weapon holds are quarantined, in words, or None (AMMO-SUSPECT).

    A round of a suspect lot is quarantined wherever it is, in a chamber or in a magazine
    issued with the weapon (``in_magazines``: their rounds' lots); so is a round that
    misfired.
    """
    held = {*weapon["chambers"], *in_magazines}
    reasons = [
        f"holds rounds of suspect lot {lot_id}"
        for lot_id in sorted({c for c in held if c in suspect_lots})
    ]
    misfired = sorted(weapon.get("misfired", []))
    if misfired:
        listed = ", ".join(map(str, misfired))
        reasons.append(
            f"holds a misfired round in chamber{'s' if len(misfired) > 1 else ''} {listed}"
        )
    return "; ".join(reasons) or None


def derive_state(
    weapon: WeaponView, lot_kinds: Mapping[str, str], seated: Collection[str] = ()
) -> WeaponState:
    """The label of a weapon from the facts recorded about it (catalog: "State is recorded
    as facts, never as a word"); a weapon holding quarantined rounds is UNKNOWN.

    ``seated`` is the lot of each round in the magazine seated in its well: a blank there
    makes it HOT as much as a blank in a chamber.
    """
    if (
        weapon["uncertain"] is not None
        or "unknown" in weapon["chambers"]
        or weapon.get("quarantine")
    ):
        return WeaponState.UNKNOWN
    held = [*weapon["chambers"], *seated]
    kinds = {lot_kinds.get(c, "unknown") for c in held if c != "empty"}
    if "blank" in kinds:
        return WeaponState.HOT
    if not weapon["barrel_checked"]:
        return WeaponState.UNKNOWN
    if not kinds:
        return WeaponState.COLD
    if kinds == {"dummy"}:
        return WeaponState.DUMMY
    return WeaponState.UNKNOWN


def record_key(kind: str, ident: str | int) -> str:
    """The key of one record in the projection: ``record_key("person", "ana")`` is
    ``person:ana`` (the keys are listed in this module's docstring)."""
    return f"{kind}:{ident}"


class Projection:
    """A production's current state as keyed JSON records, with typed reads for the rules.

    The typed reads (:meth:`weapon`, :meth:`person`, :meth:`weapons`, ...) return
    read-only views over the records (:mod:`showclear.protocol.record_views`), never
    copies: reading one record costs nothing, and no reader can change the state.
    :meth:`record` and :meth:`records` return deep copies, for writing elsewhere.
    """

    __slots__ = ("_records", "_sorted")

    def __init__(self, records: dict[str, JSONObject]) -> None:
        self._records = records
        #: The keys in order, kept while none is added or removed: the rules scan a kind
        #: of record by its prefix on every command, and a kept projection (issue 17) must
        #: not sort every record each time.
        self._sorted: list[str] | None = None

    @classmethod
    def empty(cls) -> Projection:
        """The state of a production before its first entry."""
        return cls({})

    @classmethod
    def from_records(cls, records: Mapping[str, JSON]) -> Projection:
        """A projection from stored records (as returned by :meth:`records`).

        Raises InconsistentEventError if a record is not a JSON object.
        """
        copied: dict[str, JSONObject] = {}
        for key, value in records.items():
            if not isinstance(value, dict):
                raise InconsistentEventError(f"projection record {key!r} is not an object")
            copied[key] = copy_object(value)
        return cls(copied)

    @classmethod
    def adopt(cls, records: dict[str, JSON]) -> Projection:
        """A projection that takes ownership of freshly decoded ``records`` without copying.

        Only for records nobody else holds (just read from storage); use
        :meth:`from_records` for anything shared.

        Raises InconsistentEventError if a record is not a JSON object.
        """
        for key, value in records.items():
            if not isinstance(value, dict):
                raise InconsistentEventError(f"projection record {key!r} is not an object")
        return cls(cast("dict[str, JSONObject]", records))

    def record(self, key: str) -> JSONObject | None:
        """One record, deep-copied, or None if there is none under ``key``."""
        value = self._records.get(key)
        return None if value is None else copy_object(value)

    def records(self) -> dict[str, JSONObject]:
        """Every record, deep-copied, keys in sorted order (deterministic, JSON-ready)."""
        return {key: copy_object(self._records[key]) for key in sorted(self._records)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Projection) and self._records == other._records

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Projection({len(self._records)} records)"

    # -- writes, for showclear.protocol.fold only ------------------------------------

    def _get(self, key: str) -> JSONObject | None:
        return self._records.get(key)

    def _put(self, key: str, record: object) -> None:
        if key not in self._records:
            self._sorted = None
        self._records[key] = cast(JSONObject, record)

    def _drop(self, key: str) -> None:
        if self._records.pop(key, None) is not None:
            self._sorted = None

    def _keys(self, prefix: str) -> Iterator[str]:
        keys = self._sorted
        if keys is None:  # never changed in place: a scan under way keeps its own list
            keys = self._sorted = sorted(self._records)
        return _prefixed(keys, bisect_left(keys, prefix), prefix)

    # -- reads: read-only views over the records (protocol.record_views) ---------------

    def _view(self, key: str) -> Any:
        record = self._records.get(key)
        return None if record is None else MappingProxyType(record)

    def _views(self, prefix: str, start: int) -> Iterator[tuple[str, Any]]:
        return ((k[start:], MappingProxyType(self._records[k])) for k in self._keys(prefix))

    def meta(self) -> MetaView | None:
        return cast("MetaView | None", self._view("meta"))

    def production(self) -> ProductionView | None:
        return cast("ProductionView | None", self._view("production"))

    def last_at(self) -> str | None:
        """The time of the last event, or None before the first."""
        meta = self._records.get("meta")
        return cast("str | None", meta["last_at"]) if meta else None

    def policy(self) -> Policy:
        stored = self._records.get("policy")
        return Policy.from_json(stored) if stored is not None else DEFAULT_POLICY

    def day(self) -> DayView | None:
        """The last shoot day published, open or closed."""
        return cast("DayView | None", self._view("day"))

    def open_day(self) -> DayView | None:
        """Today's shoot day, if one is open."""
        day = self.day()
        return day if day is not None and day["open"] else None

    def ceasefire(self) -> CeasefireView:
        return cast(CeasefireView, self._view("ceasefire") or _NO_CEASEFIRE)

    def person(self, person_id: str) -> PersonView | None:
        return cast("PersonView | None", self._view(f"person:{person_id}"))

    def storage(self, storage_id: str) -> StorageView | None:
        return cast("StorageView | None", self._view(f"storage:{storage_id}"))

    def weapon(self, weapon_id: str) -> WeaponView | None:
        return cast("WeaponView | None", self._view(f"weapon:{weapon_id}"))

    def lot(self, lot_id: str) -> LotView | None:
        return cast("LotView | None", self._view(f"lot:{lot_id}"))

    def magazine(self, magazine_id: str) -> MagazineView | None:
        return cast("MagazineView | None", self._view(f"magazine:{magazine_id}"))

    def magazines_of(self, weapon_id: str) -> list[tuple[str, MagazineView]]:
        """The magazines issued with a weapon, by id (none for a weapon that takes none)."""
        weapon = self._records.get(f"weapon:{weapon_id}")
        ids = cast("list[str]", weapon.get("magazines", [])) if weapon else []
        return [(m, view) for m in ids if (view := self.magazine(m)) is not None]

    def magazine_rounds(self, weapon_id: str) -> list[str]:
        """The lot of every round in the magazines issued with a weapon (AMMO-SUSPECT)."""
        return [lot for _, magazine in self.magazines_of(weapon_id) for lot in magazine["rounds"]]

    def seated_rounds(self, weapon_id: str) -> list[str]:
        """The lot of every round in the magazine seated in the weapon's well."""
        weapon = self._records.get(f"weapon:{weapon_id}")
        well = cast("str | None", weapon.get("well")) if weapon else None
        magazine = self.magazine(well) if well else None
        return list(magazine["rounds"]) if magazine else []

    def supplier(self, supplier_id: str) -> SupplierView | None:
        return cast("SupplierView | None", self._view(f"supplier:{supplier_id}"))

    def suppliers(self) -> list[tuple[str, SupplierView]]:
        """Every supplier on the production's list, by id."""
        return list(self._views("supplier:", 9))

    def setup(self, setup_id: str) -> SetupView | None:
        return cast("SetupView | None", self._view(f"setup:{setup_id}"))

    def incident(self, number: int) -> IncidentView | None:
        return cast("IncidentView | None", self._view(f"incident:{number}"))

    def concern(self, number: int) -> ConcernView | None:
        return cast("ConcernView | None", self._view(f"concern:{number}"))

    def override(self, number: int) -> OverrideView | None:
        return cast("OverrideView | None", self._view(f"override:{number}"))

    def people(self) -> list[tuple[str, PersonView]]:
        """Every person registered on the production, by id."""
        return list(self._views("person:", 7))

    def weapons(self) -> list[tuple[str, WeaponView]]:
        """Every weapon in the inventory, by id."""
        return list(self._views("weapon:", 7))

    def lots(self) -> list[tuple[str, LotView]]:
        return list(self._views("lot:", 4))

    def open_incidents(self) -> list[tuple[int, IncidentView]]:
        return sorted((int(n), i) for n, i in self._views("incident:", 9))

    def open_concerns(self) -> list[tuple[int, ConcernView]]:
        return sorted((int(n), c) for n, c in self._views("concern:", 8))

    def unused_overrides(self) -> list[tuple[int, OverrideView]]:
        return sorted((int(n), o) for n, o in self._views("override:", 9))

    def lot_kinds(self) -> dict[str, str]:
        return {k[4:]: cast(str, self._records[k]["kind"]) for k in self._keys("lot:")}

    def suspect_lots(self) -> frozenset[str]:
        """The lots that are suspect: none of their rounds is used (AMMO-SUSPECT)."""
        return frozenset(k[4:] for k in self._keys("lot:") if self._records[k].get("suspect"))

    def quarantine(self, weapon_id: str) -> str | None:
        """Why rounds the weapon holds are quarantined, or None (AMMO-SUSPECT)."""
        weapon = self.weapon(weapon_id)
        return weapon.get("quarantine") if weapon is not None else None

    def duties(self, person_id: str) -> list[str]:
        """The person's duties on today's call sheet (none when no day is open)."""
        day = self.open_day()
        return list(day["duties"].get(person_id, [])) if day else []

    def is_handler(self, person_id: str | None) -> bool:
        """Whether the person is on duty today as a weapons handler (CUS-HANDLER)."""
        return person_id is not None and "handler" in self.duties(person_id)

    def is_performer(self, person_id: str | None) -> bool:
        """Whether the person is on duty today as a performer."""
        return person_id is not None and "performer" in self.duties(person_id)

    def has_role(self, person_id: str | None, role: str) -> bool:
        person = self.person(person_id) if person_id is not None else None
        return person is not None and role in person["roles"]

    def holder(self, weapon_id: str) -> str | None:
        """The person holding the weapon, or None if it is in storage or unknown."""
        weapon = self.weapon(weapon_id)
        if weapon is None or not weapon["location"].startswith("person:"):
            return None
        return weapon["location"][7:]

    def weapon_state(self, weapon_id: str) -> WeaponState | None:
        weapon = self.weapon(weapon_id)
        return WeaponState(weapon["state"]) if weapon else None


def _prefixed(keys: list[str], start: int, prefix: str) -> Iterator[str]:
    """The keys from ``start`` on that begin with ``prefix`` (they are consecutive)."""
    for index in range(start, len(keys)):
        key = keys[index]
        if not key.startswith(prefix):
            return
        yield key
