"""Inventory: weapons and lots received, dummies verified, rounds returned, destroyed, missing."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from showclear.protocol.catalogue.declare import STOCK, Command, EventType
from showclear.protocol.catalogue.fields import (
    Category,
    Count,
    DummyMethod,
    Event,
    FreeText,
    Id,
    LotKind,
    Positive,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, rounds
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.projection import LotRecord, WeaponRecord
from showclear.protocol.schema import MAX_CHAMBERS, Check, Doc

__all__ = [
    "RESERVED_CONTENT",
    "TYPES",
    "DummiesVerified",
    "LotReceived",
    "RoundsDestroyed",
    "RoundsMissingRecorded",
    "RoundsReturnedToSupplier",
    "WeaponReceived",
]

#: Words a chamber's content may be that are not lot ids.
RESERVED_CONTENT = frozenset({"empty", "unknown"})

ChamberCount = Annotated[
    int,
    Check(
        f"a whole number from 0 to {MAX_CHAMBERS}",
        lambda v: 0 <= v <= MAX_CHAMBERS,
        {"minimum": 0, "maximum": MAX_CHAMBERS},
    ),
    Doc("Number of chambers (0 if none)."),
]


class WeaponReceived(Event):
    """A weapon enters the production's inventory (CUS-INVENTORY)."""

    weapon: Id
    serial: Annotated[FreeText, Doc("An empty serial is refused by CUS-INVENTORY.")]
    make: Text
    model: Text
    category: Category
    caliber: Text
    chambers: ChamberCount
    action: Annotated[Id, Doc("The kind of weapon a performer is trained for: revolver, ...")]
    storage: Id
    personal: bool


class LotReceived(Event):
    """A lot of rounds enters the inventory; a missing count, supplier or origin is refused."""

    lot: Id
    kind: LotKind
    caliber: Text
    count: Count | None  # a missing count, supplier or origin is refused by AMMO-SOURCE
    supplier: FreeText | None
    origin: FreeText | None
    storage: Id
    load: NotRequired[Annotated[Text, Doc('The load size of blanks: "quarter".')]]
    close_range: NotRequired[
        Annotated[bool, Doc("A specialty close-range blank load (PLAN-DISTANCE).")]
    ]


class DummiesVerified(Event):
    """Dummy rounds of a lot verified inert, by a stated method (AMMO-DUMMY-VERIFIED)."""

    lot: Id
    count: Positive
    method: DummyMethod


class RoundsReturnedToSupplier(Event):
    """Rounds of a lot returned to the supplier (AMMO-COUNT)."""

    lot: Id
    count: Positive
    reference: Text


class RoundsDestroyed(Event):
    """Rounds of a lot destroyed (AMMO-COUNT)."""

    lot: Id
    count: Positive
    method: Text


class RoundsMissingRecorded(Event):
    """After a reviewed round-count incident, rounds that were not found are written as missing."""

    lot: Id
    count: Positive
    incident: Positive
    reason: Text


def _no_reserved_lot(e: LotReceived) -> None:
    if e["lot"] in RESERVED_CONTENT:
        raise MalformedEventError(f"LotReceived.lot: {e['lot']!r} is reserved for chambers")


def _weapon_received(f: Fold, e: WeaponReceived) -> None:
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


def _lot_received(f: Fold, e: LotReceived) -> None:
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


def _dummies_verified(f: Fold, e: DummiesVerified) -> None:
    f.lot(e["lot"])["verified"] += e["count"]


def _rounds_returned(f: Fold, e: RoundsReturnedToSupplier) -> None:
    f.move(e["lot"], "in_storage", "returned", e["count"])


def _rounds_destroyed(f: Fold, e: RoundsDestroyed) -> None:
    f.move(e["lot"], "in_storage", "destroyed", e["count"])


def _rounds_missing(f: Fold, e: RoundsMissingRecorded) -> None:
    f.move(e["lot"], "in_storage", "missing", e["count"])
    lot = f.lot(e["lot"])
    lot["discrepancy"] = min(0, lot["discrepancy"] + e["count"])


def _weapon_words(e: WeaponReceived, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} received {e['weapon']} ({e['make']} {e['model']}, "
        f"serial {e['serial']}) into {e['storage']}"
    )


def _verified_words(e: DummiesVerified, w: Words) -> str:
    method = e["method"].replace("_", " ")
    return f"{w.who(e['actor'])} verified {e['count']} dummies of {e['lot']} inert ({method})"


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        WeaponReceived,
        "command",
        _weapon_received,
        _weapon_words,
        roles=STOCK,
        actor_optional=True,
        command=Command(
            "ReceiveWeapon",
            "Receive a weapon into the production's inventory (CUS-INVENTORY).",
            route=("POST", "/weapons"),
            cli="receive weapon",
            example={
                "weapon": "rev-2",
                "serial": "SN-2002",
                "make": "Uberti",
                "model": "1873 Cattleman",
                "category": "blank_firing",
                "caliber": ".45 Colt",
                "chambers": 6,
                "action": "revolver",
                "storage": "safe-1",
                "personal": False,
            },
        ),
    ),
    EventType(
        LotReceived,
        "command",
        _lot_received,
        lambda e, w: (
            f"{w.who(e['actor'])} received lot {e['lot']}: {e['count']} {e['kind']} rounds"
        ),
        roles=STOCK,
        actor_optional=True,
        check=_no_reserved_lot,
        command=Command(
            "ReceiveLot",
            "Receive a lot of rounds; a missing count, supplier or origin is refused "
            "(AMMO-SOURCE).",
            route=("POST", "/lots"),
            cli="receive lot",
            example={
                "lot": "blanks-1",
                "kind": "blank",
                "caliber": ".45 Colt",
                "count": 50,
                "supplier": "Blanks Ltd",
                "origin": "invoice 7",
                "storage": "safe-1",
                "load": "quarter",
            },
        ),
    ),
    EventType(
        DummiesVerified,
        "command",
        _dummies_verified,
        _verified_words,
        roles=STOCK,
        command=Command(
            "VerifyDummies",
            "Record dummy rounds of a lot verified inert, by a stated method "
            "(AMMO-DUMMY-VERIFIED).",
            path="lot",
            route=("POST", "/lots/{lot}/dummies-verified"),
            cli="verify-dummies",
            example={"count": 6, "method": "rattle"},
        ),
    ),
    EventType(
        RoundsReturnedToSupplier,
        "command",
        _rounds_returned,
        lambda e, w: (
            f"{w.who(e['actor'])} returned {rounds(e['count'])} of {e['lot']} to the supplier"
        ),
        roles=STOCK,
        command=Command(
            "ReturnRoundsToSupplier",
            "Record rounds of a lot returned to the supplier (AMMO-COUNT).",
            path="lot",
            route=("POST", "/lots/{lot}/returned"),
            cli="lot return",
            example={"count": 2, "reference": "RMA 12"},
        ),
    ),
    EventType(
        RoundsDestroyed,
        "command",
        _rounds_destroyed,
        lambda e, w: f"{w.who(e['actor'])} destroyed {rounds(e['count'])} of {e['lot']}",
        roles=STOCK,
        command=Command(
            "DestroyRounds",
            "Record rounds of a lot destroyed (AMMO-COUNT).",
            path="lot",
            route=("POST", "/lots/{lot}/destroyed"),
            cli="lot destroy",
            example={"count": 1, "method": "crushed"},
        ),
    ),
    EventType(
        RoundsMissingRecorded,
        "command",
        _rounds_missing,
        lambda e, w: (
            f"{w.who(e['actor'])} recorded {rounds(e['count'])} of {e['lot']} missing: "
            f"{e['reason']}"
        ),
        roles=frozenset({"safety_coordinator"}),
        command=Command(
            "RecordMissingRounds",
            "After a reviewed round-count incident, write unfound rounds of a lot off as missing.",
            path="lot",
            route=("POST", "/lots/{lot}/missing"),
            cli="lot missing",
            example={"count": 1, "incident": 1, "reason": "not found after a full search"},
        ),
    ),
)
