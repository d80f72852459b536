"""Magazines: weapons that take detachable magazines, and the rounds in them.

A weapon received with a ``magazine_capacity`` takes detachable magazines (a
semi-automatic pistol: one chamber and a magazine). Each magazine is an inventory item of
its own (:class:`MagazineReceived`): an id, a capacity and the weapon it is issued with.
It goes wherever its weapon goes (storage, a person): a magazine's custody is its
weapon's, so handing over the weapon hands over its magazines.

The rounds in a magazine are recorded by lot, in the order they were loaded: the last
loaded is fed first. Loading, unloading, seating and removing a magazine are handler acts
on the weapon (CUS-HANDLER, CUS-TWO-PARTY) and change it, so a new show-clear is needed
before it goes to a performer (CUS-SHOW-CLEAR); rounds in magazines count as rounds in
weapons (AMMO-COUNT). The weapon's state is derived from its chambers and the seated
magazine (:func:`showclear.protocol.projection.derive_state`).

A discharge of a magazine weapon names how many rounds fired (``rounds``): the first from
the chamber, each next one fed from the seated magazine into the chamber; after the last
shot the next round (if any) is fed into the chamber (:func:`fire_rounds`).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from showclear.protocol.catalogue.declare import ANYONE, STOCK, Command, EventType
from showclear.protocol.catalogue.fields import Event, Id, Positive
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, rounds
from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.projection import MagazineRecord, Projection
from showclear.protocol.schema import Check, Doc

__all__ = [
    "MAGAZINE_ACTS",
    "MAX_MAGAZINE",
    "TYPES",
    "MagazineLoaded",
    "MagazineReceived",
    "MagazineRemoved",
    "MagazineSeated",
    "MagazineUnloaded",
    "check_magazine_facts",
    "fire_rounds",
]

#: The API groups this module's commands under this topic.
TOPIC = "magazines"

#: The most rounds one magazine holds (a drum magazine holds 100).
MAX_MAGAZINE: Final = 100

Capacity = Annotated[
    int,
    Check(
        f"a whole number from 1 to {MAX_MAGAZINE}",
        lambda v: 1 <= v <= MAX_MAGAZINE,
        {"minimum": 1, "maximum": MAX_MAGAZINE},
    ),
    Doc("Rounds one magazine holds, e.g. 15."),
]

#: Acts on a weapon's magazine: each done by a handler holding the weapon.
MAGAZINE_ACTS: Final = frozenset(
    {"MagazineLoaded", "MagazineUnloaded", "MagazineSeated", "MagazineRemoved"}
)


class MagazineReceived(Event):
    """A magazine enters the inventory, issued with a weapon that takes magazines
    (CUS-INVENTORY); it is received empty."""

    magazine: Annotated[Id, Doc("The magazine's id, on its label, e.g. g17-1-m1.")]
    weapon: Annotated[Id, Doc("The weapon it is issued with.")]
    capacity: Capacity


class MagazineLoaded(Event):
    """Rounds of one lot loaded into a magazine of a weapon the handler holds."""

    weapon: Id
    magazine: Id
    lot: Annotated[Id, Doc("The lot the rounds come from.")]
    count: Annotated[Positive, Doc("How many rounds.")]


class MagazineUnloaded(Event):
    """Rounds taken out of a magazine, last loaded first; they go back to their lots."""

    weapon: Id
    magazine: Id
    count: Annotated[Positive, Doc("How many rounds.")]


class MagazineSeated(Event):
    """A magazine is seated in the weapon's magazine well."""

    weapon: Id
    magazine: Id


class MagazineRemoved(Event):
    """The magazine seated in the weapon is taken out of its well."""

    weapon: Id
    magazine: Id


# -- validity (input errors, found before any rule) ---------------------------------------


def check_magazine_facts(projection: Projection, kind: str, event: dict[str, Any]) -> None:
    """Raise InconsistentEventError for a magazine act the recorded facts make impossible.

    A magazine never received is CUS-INVENTORY's to refuse, not an input error.
    """
    if kind == "MagazineReceived":
        if projection.magazine(event["magazine"]) is not None:
            raise InconsistentEventError(f"magazine {event['magazine']!r} already exists")
        return
    if kind == "ShowClearInspected":
        _check_shown(projection, event)
        return
    if kind not in MAGAZINE_ACTS:
        return
    weapon = projection.weapon(event["weapon"])
    magazine = projection.magazine(event["magazine"])
    if weapon is None or magazine is None:
        return
    mag_id = event["magazine"]
    if magazine["weapon"] != event["weapon"]:
        raise InconsistentEventError(
            f"magazine {mag_id} is issued with {magazine['weapon']}, not {event['weapon']}"
        )
    held, capacity = len(magazine["rounds"]), magazine["capacity"]
    well = weapon.get("well")
    if kind == "MagazineLoaded" and held + event["count"] > capacity:
        raise InconsistentEventError(
            f"magazine {mag_id} holds {capacity} rounds and has {held}; "
            f"{event['count']} more do not fit"
        )
    if kind == "MagazineUnloaded" and event["count"] > held:
        raise InconsistentEventError(
            f"magazine {mag_id} has {rounds(held)} recorded; {event['count']} cannot come out"
        )
    if kind == "MagazineSeated" and well is not None:
        raise InconsistentEventError(
            f"{event['weapon']} already has magazine {well} seated; remove it first"
        )
    if kind == "MagazineRemoved" and well != mag_id:
        seated = f"magazine {well}" if well else "no magazine"
        raise InconsistentEventError(f"{event['weapon']} has {seated} seated, not {mag_id}")


def _check_shown(projection: Projection, event: dict[str, Any]) -> None:
    weapon = projection.weapon(event["weapon"])
    if weapon is None:
        return
    issued = set(weapon.get("magazines", []))
    well = event.get("magazine_well")
    if well is not None and well != "empty" and well not in issued:
        raise InconsistentEventError(
            f"the inspection shows magazine {well} in the well of {event['weapon']}, which is "
            "not issued with it"
        )
    for shown in event.get("magazines", []):
        if shown["magazine"] not in issued:
            raise InconsistentEventError(
                f"the inspection shows magazine {shown['magazine']}, which is not issued with "
                f"{event['weapon']}"
            )


# -- folds ------------------------------------------------------------------------------


def _received(f: Fold, e: MagazineReceived) -> None:
    record: MagazineRecord = {"weapon": e["weapon"], "capacity": e["capacity"], "rounds": []}
    f.put(f"magazine:{e['magazine']}", record)
    weapon = f.touch(e["weapon"])  # a new magazine is shown at the next show-clear
    weapon["magazines"] = sorted({*weapon.get("magazines", []), e["magazine"]})
    weapon.setdefault("well", None)


def _magazine(f: Fold, magazine_id: str) -> MagazineRecord:
    return f.record(f"magazine:{magazine_id}")  # type: ignore[no-any-return]


def _loaded(f: Fold, e: MagazineLoaded) -> None:
    f.touch(e["weapon"])
    _magazine(f, e["magazine"])["rounds"] += [e["lot"]] * e["count"]
    f.move(e["lot"], "in_storage", "in_weapons", e["count"])


def _unloaded(f: Fold, e: MagazineUnloaded) -> None:
    f.touch(e["weapon"])
    held = _magazine(f, e["magazine"])["rounds"]
    for _ in range(e["count"]):
        f.move(held.pop(), "in_weapons", "in_storage", 1)


def _seated(f: Fold, e: MagazineSeated) -> None:
    f.touch(e["weapon"])["well"] = e["magazine"]


def _removed(f: Fold, e: MagazineRemoved) -> None:
    f.touch(e["weapon"])["well"] = None


def fire_rounds(f: Fold, weapon_id: str, chamber: int, count: int) -> list[str]:
    """``count`` rounds fired from a magazine weapon: the chamber's round, then each next
    one fed from the seated magazine; after the last shot the next round is fed into the
    chamber. Returns the lot of each round fired ("empty" where nothing was there)."""
    weapon = f.touch(weapon_id)
    well = weapon.get("well")
    feed = _magazine(f, well)["rounds"] if well else []
    fired: list[str] = []
    for _ in range(count):
        content = weapon["chambers"][chamber - 1]
        fired.append(content)
        if content not in ("empty", "unknown"):
            f.move(content, "in_weapons", "expended", 1)
        weapon["chambers"][chamber - 1] = feed.pop() if feed else "empty"
    return fired


# -- words ------------------------------------------------------------------------------


def _words(e: Any, w: Words) -> str:
    who, mag, weapon = w.who(e["actor"]), e["magazine"], e["weapon"]
    if e["type"] == "MagazineReceived":
        return f"{who} received magazine {mag} ({e['capacity']} rounds) issued with {weapon}"
    if e["type"] == "MagazineLoaded":
        return (
            f"{who} loaded {rounds(e['count'])} of lot {e['lot']} into magazine {mag} of {weapon}"
        )
    if e["type"] == "MagazineUnloaded":
        return f"{who} unloaded {rounds(e['count'])} from magazine {mag} of {weapon}"
    if e["type"] == "MagazineSeated":
        return f"{who} seated magazine {mag} in {weapon}"
    return f"{who} removed magazine {mag} from {weapon}"


def _command(name: str, doc: str, verb: str, cli: str, example: dict[str, object]) -> Command:
    return Command(
        name,
        doc,
        route=("POST", f"/weapons/{{weapon}}/magazine/{verb}"),
        cli=cli,
        path="weapon",
        example=example,
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        MagazineReceived,
        "command",
        _received,
        _words,
        roles=STOCK,
        command=Command(
            "ReceiveMagazine",
            "Receive a magazine into the inventory, issued with a weapon that takes "
            "magazines (CUS-INVENTORY).",
            route=("POST", "/magazines"),
            cli="receive magazine",
            example={"magazine": "rev-1-m1", "weapon": "rev-1", "capacity": 15},
        ),
    ),
    EventType(
        MagazineLoaded,
        "command",
        _loaded,
        _words,
        roles=ANYONE,
        command=_command(
            "LoadMagazine",
            "Load rounds of a lot into a magazine of a weapon you hold (handler on duty; "
            "AMMO-DUMMY-VERIFIED, AMMO-CALIBER, PLAN-SETUP).",
            "load",
            "magazine load",
            {"magazine": "rev-1-m1", "lot": "dummies-1", "count": 6},
        ),
    ),
    EventType(
        MagazineUnloaded,
        "command",
        _unloaded,
        _words,
        roles=ANYONE,
        command=_command(
            "UnloadMagazine",
            "Unload rounds from a magazine, last loaded first; they go back to their lots.",
            "unload",
            "magazine unload",
            {"magazine": "rev-1-m1", "count": 6},
        ),
    ),
    EventType(
        MagazineSeated,
        "command",
        _seated,
        _words,
        roles=ANYONE,
        command=_command(
            "SeatMagazine",
            "Seat a magazine in the magazine well of a weapon you hold (handler on duty).",
            "seat",
            "magazine seat",
            {"magazine": "rev-1-m1"},
        ),
    ),
    EventType(
        MagazineRemoved,
        "command",
        _removed,
        _words,
        roles=ANYONE,
        command=_command(
            "RemoveMagazine",
            "Take the seated magazine out of the well of a weapon you hold (handler on duty).",
            "remove",
            "magazine remove",
            {"magazine": "rev-1-m1"},
        ),
    ),
)
