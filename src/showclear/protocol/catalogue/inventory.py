"""Inventory: weapons and lots received, dummies verified, rounds returned, destroyed, missing.

Also the quarantine of AMMO-SUSPECT: a lot becomes suspect (:func:`mark_suspect`) by the
events the catalog lists, folded in their own modules; a suspect dummy lot is cleared by
re-verifying every remaining round (:class:`LotReverified`). A misfired round stays in its
chamber, marked (:func:`record_misfire`), and goes to the lot's quarantine count when
unloaded (:func:`unload_round`); only destroying or returning it clears it.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from showclear.protocol.catalogue.declare import STOCK, Command, EventType
from showclear.protocol.catalogue.fields import (
    Category,
    Count,
    DocumentHash,
    DummyMethod,
    Event,
    FreeText,
    Id,
    LotKind,
    Positive,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, document, rounds
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.projection import LotRecord, WeaponRecord
from showclear.protocol.schema import MAX_CHAMBERS, Check, Doc

__all__ = [
    "RESERVED_CONTENT",
    "TYPES",
    "DummiesVerified",
    "LotReceived",
    "LotReverified",
    "RoundsDestroyed",
    "RoundsMissingRecorded",
    "RoundsReturnedToSupplier",
    "WeaponReceived",
    "mark_suspect",
    "record_misfire",
    "round_left",
    "unload_round",
]

#: The API groups this module's commands under this topic.
TOPIC = "inventory"

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
    magazine_capacity: NotRequired[
        Annotated[
            Positive,
            Doc("For a weapon that takes detachable magazines: the rounds a magazine holds."),
        ]
    ]
    received_from: NotRequired[
        Annotated[
            Text,
            Doc("Who it came from: the rental house, supplier or owner on its paperwork."),
        ]
    ]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc(
                "The SHA-256 of a stored scan of its paperwork (rental agreement, transfer "
                "record); the document must be uploaded first."
            ),
        ]
    ]


class LotReceived(Event):
    """A lot of rounds enters the inventory from an approved supplier, with its document."""

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
    personal: NotRequired[
        Annotated[bool, Doc("Someone's own ammunition (always refused: AMMO-SOURCE).")]
    ]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc(
                "The SHA-256 of a stored scan of the origin document (invoice, packing slip); "
                "the document must be uploaded first."
            ),
        ]
    ]


class DummiesVerified(Event):
    """Dummy rounds of a lot verified inert, by a stated method (AMMO-DUMMY-VERIFIED)."""

    lot: Id
    count: Positive
    method: DummyMethod


class LotReverified(Event):
    """A suspect dummy lot's remaining rounds all re-verified inert (AMMO-SUSPECT).

    Every round in storage is checked one by one; the lot may then supply rounds again.
    """

    lot: Id
    count: Annotated[Positive, Doc("Rounds checked: every round of the lot in storage.")]
    method: DummyMethod


_FROM_QUARANTINE = Doc("The rounds come from the lot's quarantine (misfired rounds).")


class RoundsReturnedToSupplier(Event):
    """Rounds of a lot returned to the supplier (AMMO-COUNT)."""

    lot: Id
    count: Positive
    reference: Text
    quarantined: NotRequired[Annotated[bool, _FROM_QUARANTINE]]


class RoundsDestroyed(Event):
    """Rounds of a lot destroyed (AMMO-COUNT)."""

    lot: Id
    count: Positive
    method: Text
    quarantined: NotRequired[Annotated[bool, _FROM_QUARANTINE]]


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
        "misfired": [],
        "quarantine": None,
    }
    if e.get("magazine_capacity"):  # its magazines are received one by one (magazines.py)
        weapon |= {"magazine_capacity": e["magazine_capacity"], "magazines": [], "well": None}
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
        "quarantined": 0,
        "suspect": None,
    }
    f.put(f"lot:{e['lot']}", lot)


def _dummies_verified(f: Fold, e: DummiesVerified) -> None:
    f.lot(e["lot"])["verified"] += e["count"]


def _source(e: RoundsReturnedToSupplier | RoundsDestroyed) -> str:
    return "quarantined" if e.get("quarantined") else "in_storage"


def _rounds_returned(f: Fold, e: RoundsReturnedToSupplier) -> None:
    f.move(e["lot"], _source(e), "returned", e["count"])


def _rounds_destroyed(f: Fold, e: RoundsDestroyed) -> None:
    f.move(e["lot"], _source(e), "destroyed", e["count"])


def _lot_reverified(f: Fold, e: LotReverified) -> None:
    lot = f.lot(e["lot"])
    lot["verified"] = lot["in_weapons"] + e["count"]
    lot["suspect"] = None


# -- the quarantine (AMMO-SUSPECT), for the folds of the events that cause it -------------


def mark_suspect(f: Fold, lot_id: str | None, reason: str, at: str) -> None:
    """Make ``lot_id`` suspect (if it is a lot and not suspect already), and every weapon
    holding its rounds UNKNOWN until they are unloaded (AMMO-SUSPECT)."""
    if not lot_id or f.projection.lot(lot_id) is None:
        return
    lot = f.lot(lot_id)
    if lot.get("suspect") is None:
        meta = f.projection.meta()
        entry = meta["events"] if meta is not None else 0  # this entry's index in the ledger
        lot["suspect"] = {"reason": reason, "at": at, "entry": entry}
    for weapon_id, weapon in f.projection.weapons():
        # A round in a magazine issued with the weapon is held by it as much as one in a
        # chamber: its quarantine and state are derived again after the fold.
        if lot_id in weapon["chambers"] or lot_id in f.projection.magazine_rounds(weapon_id):
            f.weapon(weapon_id)


def record_misfire(f: Fold, weapon_id: str, chambers: list[int]) -> None:
    """The rounds in ``chambers`` failed to fire: each stays in its chamber, quarantined."""
    weapon = f.weapon(weapon_id)
    held = [c for c in chambers if weapon["chambers"][c - 1] not in ("empty", "unknown")]
    weapon["misfired"] = sorted({*weapon.get("misfired", []), *held})


def unload_round(f: Fold, weapon_id: str, chamber: int, lot_id: str) -> None:
    """A round leaves its chamber: back to storage, or to the lot's quarantine if it misfired."""
    weapon = f.weapon(weapon_id)
    misfired = weapon.get("misfired", [])
    if chamber in misfired:
        weapon["misfired"] = [c for c in misfired if c != chamber]
        f.move(lot_id, "in_weapons", "quarantined", 1)
    else:
        f.move(lot_id, "in_weapons", "in_storage", 1)


def round_left(f: Fold, weapon_id: str, chamber: int) -> None:
    """The round in ``chamber`` fired or was found gone: it is no longer a misfired round."""
    weapon = f.weapon(weapon_id)
    if chamber in weapon.get("misfired", []):
        weapon["misfired"] = [c for c in weapon["misfired"] if c != chamber]


def _rounds_missing(f: Fold, e: RoundsMissingRecorded) -> None:
    f.move(e["lot"], "in_storage", "missing", e["count"])
    lot = f.lot(e["lot"])
    lot["discrepancy"] = min(0, lot["discrepancy"] + e["count"])


def _weapon_words(e: WeaponReceived, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} received {e['weapon']} ({e['make']} {e['model']}, "
        f"serial {e['serial']}) into {e['storage']}{document(e)}"
    )


def _reverified_words(e: LotReverified, w: Words) -> str:
    method = e["method"].replace("_", " ")
    return (
        f"{w.who(e['actor'])} re-verified all {rounds(e['count'])} of suspect lot {e['lot']} "
        f"inert ({method}): it is no longer suspect"
    )


def _from(e: RoundsReturnedToSupplier | RoundsDestroyed) -> str:
    return " from quarantine" if e.get("quarantined") else ""


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
            f"{document(e)}"
        ),
        roles=STOCK,
        actor_optional=True,
        check=_no_reserved_lot,
        command=Command(
            "ReceiveLot",
            "Receive a lot of rounds from a listed, approved supplier, with the document that "
            "names the count; a missing or placeholder origin, an unlisted supplier or "
            "personal ammunition is refused (AMMO-SOURCE).",
            route=("POST", "/lots"),
            cli="receive lot",
            example={
                "lot": "blanks-1",
                "kind": "blank",
                "caliber": ".45 Colt",
                "count": 50,
                "supplier": "blanks-ltd",
                "origin": "invoice 7 (50 rounds)",
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
        LotReverified,
        "command",
        _lot_reverified,
        _reverified_words,
        roles=STOCK,
        command=Command(
            "ReverifyLot",
            "Record every remaining round of a suspect dummy lot re-verified inert, round by "
            "round; the lot may then supply rounds again (AMMO-SUSPECT).",
            path="lot",
            route=("POST", "/lots/{lot}/reverified"),
            cli="lot reverify",
            example={"count": 44, "method": "rattle"},
        ),
    ),
    EventType(
        RoundsReturnedToSupplier,
        "command",
        _rounds_returned,
        lambda e, w: (
            f"{w.who(e['actor'])} returned {rounds(e['count'])} of {e['lot']}{_from(e)} "
            "to the supplier"
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
        lambda e, w: f"{w.who(e['actor'])} destroyed {rounds(e['count'])} of {e['lot']}{_from(e)}",
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
