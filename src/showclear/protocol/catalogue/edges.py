"""The inventory's edges (CUS-INVENTORY): what comes in that was never received, what
leaves, and a recorded fact put right.

- :class:`WeaponSurrendered`: a weapon that is not the production's (a performer's own,
  found on set) is surrendered to the handler, recorded and locked away. It is in the
  projection, so that CUS-INVENTORY can refuse every use of it by name, until it is
  released to its owner.
- :class:`WeaponReleased` / :class:`LotReleased`: a weapon or a lot leaves the inventory
  (back to its rental house or owner, out for repair) from storage, to a named party,
  with a document. Its record leaves the projection, so it comes back by a new receipt
  under the same id (the history stays in the ledger).
- :class:`FactCorrected`: a recorded fact about an item (a serial, a caliber, ...) is
  corrected by a new entry naming the entry it corrects and why; the original entry
  stays, as FastBound does under ATF Ruling 2016-1. Custody and confirmations are never
  "corrected": they are facts of their own, put right by what happens next.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, NotRequired

from showclear.protocol.catalogue.declare import STOCK, Command, EventType
from showclear.protocol.catalogue.fields import Count, DocumentHash, Event, FreeText, Id, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, document
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.projection import WeaponRecord
from showclear.protocol.schema import ASSIGNED, Doc

__all__ = [
    "CORRECTABLE",
    "TYPES",
    "FactCorrected",
    "LotReleased",
    "WeaponReleased",
    "WeaponSurrendered",
]

#: The API groups this module's commands under this topic.
TOPIC = "inventory"

#: The facts about an item a correction may change: what it is, never where it is, who
#: holds it or who confirmed what.
CORRECTABLE: Final[dict[str, frozenset[str]]] = {
    "weapon": frozenset({"serial", "make", "model", "caliber", "action"}),
    "lot": frozenset({"caliber", "load", "origin"}),
}

ReleaseReason = Literal["rental_return", "owner_return", "repair"]
_REASON_WORDS: Final = {
    "rental_return": "back to the rental house",
    "owner_return": "back to its owner",
    "repair": "out for repair",
}


class WeaponSurrendered(Event):
    """A weapon that is not in the inventory, found on set, is surrendered to the handler and
    locked away: nobody uses it until it is released to its owner (CUS-INVENTORY)."""

    weapon: Annotated[Id, Doc("An id for the record, e.g. personal-1 (on its label).")]
    description: Annotated[Text, Doc("What it is: make, model, kind, as seen.")]
    serial: Annotated[FreeText, Doc('Its serial number, or "" if it has none.')]
    surrendered_by: Annotated[Text | None, Doc("Who surrendered it: its owner, if known (a name).")]
    storage: Annotated[Id, Doc("The lockable storage it is locked away in.")]
    violations: NotRequired[Annotated[list[str], ASSIGNED]]


class WeaponReleased(Event):
    """A weapon leaves the inventory from storage: back to its rental house or owner, or out
    for repair, to a named party with a document (CUS-INVENTORY)."""

    weapon: Id
    reason: Annotated[ReleaseReason, Doc("rental_return, owner_return or repair.")]
    to: Annotated[Text, Doc("Who receives it: the rental house, the owner, the repairer.")]
    document: Annotated[Text, Doc("The document of the release: a return slip, a receipt.")]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc(
                "The SHA-256 of a stored scan of the release document; the document must be "
                "uploaded first."
            ),
        ]
    ]


class LotReleased(Event):
    """A lot leaves the inventory from storage with every round it still has there (back to
    its supplier or owner), to a named party with a document (CUS-INVENTORY, AMMO-COUNT)."""

    lot: Id
    reason: Annotated[ReleaseReason, Doc("rental_return, owner_return or repair.")]
    to: Annotated[Text, Doc("Who receives it.")]
    document: Annotated[Text, Doc("The document of the release, naming the count.")]
    count: Annotated[
        Count, Doc("The rounds that leave: every round of the lot in storage or quarantine.")
    ]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc(
                "The SHA-256 of a stored scan of the release document; the document must be "
                "uploaded first."
            ),
        ]
    ]


class FactCorrected(Event):
    """A recorded fact about an item is corrected by a new entry naming the entry it
    corrects and why; the original entry stays (as under ATF Ruling 2016-1)."""

    kind: Annotated[Literal["weapon", "lot"], Doc("What kind of item: weapon or lot.")]
    item: Annotated[Id, Doc("The item's id.")]
    field: Annotated[Text, Doc("The fact corrected: serial, make, model, caliber, ...")]
    old: Annotated[FreeText, Doc("The value recorded until now.")]
    new: Annotated[FreeText, Doc("The correct value.")]
    entry: Annotated[Count, Doc("The ledger index of the entry that recorded the wrong value.")]
    reason: Annotated[Text, Doc("Why: how the mistake was found.")]


def _correctable(e: FactCorrected) -> None:
    allowed = CORRECTABLE[e["kind"]]
    if e["field"] not in allowed:
        raise MalformedEventError(
            f"FactCorrected.field: a {e['kind']}'s {e['field']!r} cannot be corrected; only "
            f"{', '.join(sorted(allowed))} (custody and confirmations are never corrected: "
            "record what happens next instead)"
        )
    if e["old"] == e["new"]:
        raise MalformedEventError("FactCorrected.new is the value already recorded")


# -- folds ------------------------------------------------------------------------------


def _surrendered(f: Fold, e: WeaponSurrendered) -> None:
    weapon: WeaponRecord = {
        "serial": e["serial"],
        "make": "",
        "model": e["description"],
        "category": "personal",
        "caliber": "",
        "action": "personal",
        "chambers": [],
        "location": f"storage:{e['storage']}",
        "setup": None,
        "barrel_checked": False,
        "uncertain": "surrendered",
        "last_inspection": None,
        "inspection_is_last_event": False,
        "state": "UNKNOWN",
        "misfired": [],
        "quarantine": None,
        "surrendered": {"by": e["surrendered_by"], "at": e["at"], "to": str(e["actor"])},
    }
    f.put(f"weapon:{e['weapon']}", weapon)
    f.touched_weapons.add(e["weapon"])


def _weapon_released(f: Fold, e: WeaponReleased) -> None:
    weapon = f.weapon(e["weapon"])
    for magazine in weapon.get("magazines", []):
        f.drop(f"magazine:{magazine}")  # its magazines leave with it
    f.touched_weapons.discard(e["weapon"])
    f.drop(f"weapon:{e['weapon']}")


def _lot_released(f: Fold, e: LotReleased) -> None:
    f.lot(e["lot"])  # it must be there
    f.drop(f"lot:{e['lot']}")


def _corrected(f: Fold, e: FactCorrected) -> None:
    record = f.weapon(e["item"]) if e["kind"] == "weapon" else f.lot(e["item"])
    record[e["field"]] = e["new"]  # type: ignore[literal-required]


# -- words ------------------------------------------------------------------------------


def _surrender_words(e: WeaponSurrendered, w: Words) -> str:
    owner = f" by {e['surrendered_by']}" if e.get("surrendered_by") else ""
    serial = f", serial {e['serial']}" if e["serial"].strip() else ", no serial"
    return (
        f"{w.who(e['actor'])} took {e['weapon']} ({e['description']}{serial}), a personal "
        f"weapon surrendered{owner}, and locked it in {e['storage']}: nobody uses it"
    )


def _release_words(e: WeaponReleased | LotReleased, w: Words) -> str:
    what = e["weapon"] if "weapon" in e else f"lot {e['lot']}"  # type: ignore[typeddict-item]
    count = f" ({e['count']} rounds)" if "count" in e else ""  # type: ignore[typeddict-item]
    return (
        f"{w.who(e['actor'])} released {what}{count} {_REASON_WORDS[e['reason']]} to "
        f"{e['to']} (document {e['document']}){document(e)}: it left the inventory"
    )


def _correction_words(e: FactCorrected, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} corrected the {e['field']} of {e['kind']} {e['item']} from "
        f"{e['old']!r} to {e['new']!r} (entry {e['entry']} stays): {e['reason']}"
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        WeaponSurrendered,
        "report",
        _surrendered,
        _surrender_words,
        roles=STOCK,
        command=Command(
            "SurrenderWeapon",
            "Record a personal weapon found on set, surrendered to the handler and locked "
            "away: every use of it is refused until it is released to its owner "
            "(CUS-INVENTORY).",
            route=("POST", "/weapons/surrendered"),
            cli="surrender",
            example={
                "weapon": "personal-1",
                "description": "Glock 19 pistol, black",
                "serial": "BXR-114",
                "surrendered_by": "Jo Reyes (extra)",
                "storage": "safe-1",
            },
        ),
    ),
    EventType(
        WeaponReleased,
        "command",
        _weapon_released,
        _release_words,
        roles=STOCK,
        command=Command(
            "ReleaseWeapon",
            "Release a weapon from storage out of the inventory: back to its rental house or "
            "owner, or out for repair, with the receiving party and the document "
            "(CUS-INVENTORY). It comes back by a new receipt.",
            path="weapon",
            route=("POST", "/weapons/{weapon}/released"),
            cli="release weapon",
            example={"reason": "repair", "to": "Cole Gunsmiths", "document": "job card 4471"},
        ),
    ),
    EventType(
        LotReleased,
        "command",
        _lot_released,
        _release_words,
        roles=STOCK,
        command=Command(
            "ReleaseLot",
            "Release a lot from storage out of the inventory, with every round it has left, "
            "to a named party with the document (CUS-INVENTORY, AMMO-COUNT).",
            path="lot",
            route=("POST", "/lots/{lot}/released"),
            cli="release lot",
            example={
                "reason": "rental_return",
                "to": "Blanks Ltd",
                "document": "return slip 88 (50 rounds)",
                "count": 50,
            },
        ),
    ),
    EventType(
        FactCorrected,
        "command",
        _corrected,
        _correction_words,
        roles=STOCK,
        check=_correctable,
        command=Command(
            "CorrectFact",
            "Correct a recorded fact about a weapon or a lot (a serial, a caliber, ...): a "
            "new entry names the entry it corrects and why; the original stays.",
            route=("POST", "/corrections"),
            cli="correct",
            example={
                "kind": "weapon",
                "item": "rev-1",
                "field": "serial",
                "old": "SN-1001",
                "new": "SN-1010",
                "entry": 7,
                "reason": "serial misread at receipt; checked against the rental invoice",
            },
        ),
    ),
)
