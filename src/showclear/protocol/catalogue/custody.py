"""Custody of one weapon: out of storage, loaded, inspected, handed over, fired, returned.

A discharge records who fired (``shooter``: the person holding the weapon when left out,
never the person who records it), where the muzzle pointed and the nearest person's
distance; showclear adds the lot of every round fired (``fired``), read from the ledger.
Anyone but the holder firing is a custody finding (CUS-TWO-PARTY): recorded, an incident
opens, and a custody gap puts the weapon with the shooter, UNKNOWN until inspected.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import ANYONE, Command, Confirmation, EventType, Incidents
from showclear.protocol.catalogue.fields import (
    CHAMBER_LIST,
    Chamber,
    Count,
    Event,
    Id,
    Positive,
    RuleId,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.inventory import (
    mark_suspect,
    record_misfire,
    round_left,
    unload_round,
)
from showclear.protocol.catalogue.magazines import fire_rounds
from showclear.protocol.catalogue.words import Words, chambers, chambers_text
from showclear.protocol.errors import InconsistentEventError, MalformedEventError
from showclear.protocol.projection import InspectionRecord, Projection
from showclear.protocol.schema import ASSIGNED, MAX_CHAMBERS, Doc, items

__all__ = [
    "TYPES",
    "BarrelChecked",
    "CustodyGapRecorded",
    "RoundsLoaded",
    "RoundsUnloaded",
    "ShowClearInspected",
    "WeaponDischarged",
    "WeaponFoundUnattended",
    "WeaponHandedOver",
    "WeaponReturnedToStorage",
    "WeaponTakenOut",
]

#: The API groups this module's commands under this topic.
TOPIC = "custody"

Chambers = Annotated[list[Chamber], CHAMBER_LIST]
#: An entry showclear writes as a consequence (a custody gap, an incident).
Entry = dict[str, Any]


class WeaponTakenOut(Event):
    """A handler takes a weapon out of storage for a scheduled setup (PLAN-SETUP)."""

    weapon: Id
    setup: Annotated[Id | None, Doc("The setup it is taken out for (PLAN-SETUP).")]


class RoundsLoaded(Event):
    """Rounds of one lot loaded into chambers of a weapon."""

    weapon: Id
    lot: Annotated[Id, Doc("The lot the rounds come from.")]
    chambers: Chambers


class RoundsUnloaded(Event):
    """Rounds taken out of chambers of a weapon; they go back to their lot."""

    weapon: Id
    chambers: Chambers


class ShownMagazine(TypedDict):
    """A magazine issued with the weapon, shown at a show-clear with its rounds by lot."""

    magazine: Id
    rounds: Annotated[dict[Id, Count], items(0, 20), Doc("Its rounds per lot; {} if empty.")]


class ShowClearInspected(Event):
    """A show-clear inspection: every chamber's content and the barrel, shown to the performer;
    for a weapon that takes magazines also its magazine well and every magazine issued with it."""

    weapon: Id
    chambers: Annotated[
        list[Id],
        items(0, MAX_CHAMBERS),
        Doc('Each chamber\'s content, in order: "empty" or the id of a lot.'),
    ]
    magazine_well: NotRequired[
        Annotated[Id, Doc('The magazine well: "empty" or the id of the seated magazine.')]
    ]
    magazines: NotRequired[
        Annotated[
            list[ShownMagazine],
            items(0, 50),
            Doc("Every magazine issued with the weapon, with its rounds per lot."),
        ]
    ]
    barrel_clear: bool
    performer: Annotated[Id | None, Doc("The performer it is shown to, who confirms.")]
    performer_confirmed: bool


class WeaponHandedOver(Event):
    """A weapon passes from the giver to the receiver, who confirms (CUS-TWO-PARTY)."""

    weapon: Id
    giver: Id
    receiver: Annotated[Id, Doc("Who receives it; they confirm with their own credential.")]
    receiver_confirmed: bool  # set true by the service only after the receiver's own PIN


class WeaponDischarged(Event):
    """The trigger was pulled on ``chambers``; with ``misfire`` their rounds did not go off
    and stay in the weapon until unloaded. It records who fired, where the muzzle pointed
    and the nearest person's distance."""

    weapon: Id
    chambers: Annotated[list[Chamber], CHAMBER_LIST, Doc("The chambers that fired.")]
    rounds: NotRequired[
        Annotated[
            Positive, Doc("For a weapon that takes magazines: how many rounds fired (default 1).")
        ]
    ]
    shooter: NotRequired[Annotated[Id | None, Doc("Who fired: the person holding it if left out.")]]
    direction: NotRequired[Annotated[Text, Doc("Where the muzzle pointed.")]]
    nearest_cm: NotRequired[
        Annotated[Count, Doc("The distance of the nearest person to the muzzle, in cm.")]
    ]
    fired: NotRequired[Annotated[list[Id], ASSIGNED]]  # the lot of each round, by showclear
    intended: Annotated[bool, Doc("Whether the shot was planned.")]
    misfire: Annotated[bool, Doc("A round did not fire.")]
    squib: NotRequired[Annotated[bool, Doc("A weak or incomplete discharge.")]]
    violations: NotRequired[Annotated[list[RuleId], ASSIGNED]]


class BarrelChecked(Event):
    """A barrel check; an obstructed barrel opens an incident (CUS-BARREL)."""

    weapon: Id
    clear: bool


class WeaponReturnedToStorage(Event):
    """A weapon goes back into a lockable storage location (CUS-SECURED)."""

    weapon: Id
    storage: Id


class WeaponFoundUnattended(Event):
    """A weapon found unattended: it becomes UNKNOWN and an incident opens (CUS-SECURED)."""

    weapon: Id
    where: Annotated[Text, Doc("Where it was found.")]
    secured_by: Annotated[Id, Doc("Who secured it: always the person reporting it (ID-OWN).")]


class CustodyGapRecorded(Event):
    """Written by showclear when someone shows they hold a weapon the ledger places elsewhere."""

    weapon: Id
    recorded_at: Text
    found_with: Id
    reason: Text


def _distinct_chambers(e: RoundsLoaded | RoundsUnloaded | WeaponDischarged) -> None:
    numbers = e["chambers"]
    if not numbers:
        raise MalformedEventError(f"{e['type']}.chambers must name at least one chamber")
    if len(set(numbers)) != len(numbers):
        raise MalformedEventError(f"{e['type']}.chambers names a chamber twice: {numbers}")


def _inspection_check(e: ShowClearInspected) -> None:
    if e["performer_confirmed"] and not e["performer"]:
        raise MalformedEventError(
            "ShowClearInspected.performer_confirmed is true but no performer is named"
        )


def _handover_check(e: WeaponHandedOver) -> None:
    if e["giver"] == e["receiver"]:
        raise MalformedEventError("WeaponHandedOver.receiver is the giver")


# -- folds ------------------------------------------------------------------------------


def _taken_out(f: Fold, e: WeaponTakenOut) -> None:
    weapon = f.touch(e["weapon"])
    weapon["location"] = f"person:{e['actor']}"
    weapon["setup"] = e["setup"]


def _loaded(f: Fold, e: RoundsLoaded) -> None:
    weapon = f.touch(e["weapon"])
    for chamber in e["chambers"]:
        if weapon["chambers"][chamber - 1] != "empty":
            raise InconsistentEventError(f"chamber {chamber} of {e['weapon']} is not empty")
        weapon["chambers"][chamber - 1] = e["lot"]
    f.move(e["lot"], "in_storage", "in_weapons", len(e["chambers"]))


def _unloaded(f: Fold, e: RoundsUnloaded) -> None:
    weapon = f.touch(e["weapon"])
    for chamber in e["chambers"]:
        lot_id = weapon["chambers"][chamber - 1]
        if lot_id in ("empty", "unknown"):
            raise InconsistentEventError(f"chamber {chamber} of {e['weapon']} holds no known round")
        unload_round(f, e["weapon"], chamber, lot_id)  # a misfired round goes to quarantine
        weapon["chambers"][chamber - 1] = "empty"


def _inspected(f: Fold, e: ShowClearInspected) -> None:
    weapon = f.weapon(e["weapon"])
    weapon["chambers"] = list(e["chambers"])
    weapon["barrel_checked"] = e["barrel_clear"]
    weapon["uncertain"] = None if e["barrel_clear"] else "barrel_not_clear"
    inspection: InspectionRecord = {
        "at": e["at"],
        "by": str(e["actor"]),
        "chambers": list(e["chambers"]),
        "barrel_clear": e["barrel_clear"],
        "performer": e["performer"],
        "performer_confirmed": e["performer_confirmed"],
    }
    if "magazine_well" in e or "magazines" in e:  # CUS-SHOW-CLEAR: what was shown of them
        inspection["magazine_well"] = e.get("magazine_well")
        inspection["magazines"] = [m["magazine"] for m in e.get("magazines", [])]
    weapon["last_inspection"] = inspection
    weapon["inspection_is_last_event"] = True


def _handed_over(f: Fold, e: WeaponHandedOver) -> None:
    f.touch(e["weapon"])["location"] = f"person:{e['receiver']}"


def _discharged(f: Fold, e: WeaponDischarged) -> None:
    if f.projection.weapon(e["weapon"]) is None:
        return  # a weapon outside the inventory fired: recorded, and an incident (CUS-INVENTORY)
    weapon = f.touch(e["weapon"])
    # A misfired round did not go off: it is still in its chamber (and may yet hang
    # fire), so it stays counted in the weapon, quarantined, until it is unloaded.
    if e["misfire"]:
        record_misfire(f, e["weapon"], e["chambers"])
    else:
        lot_kinds = f.projection.lot_kinds()
        # A magazine weapon fires ``rounds`` from its chamber, each next one fed from the
        # seated magazine (magazines.fire_rounds); a revolver one round per chamber.
        shots = e.get("rounds", 1) if "magazines" in weapon else 1
        for chamber in e["chambers"]:
            for content in fire_rounds(f, e["weapon"], chamber, shots):
                # AMMO-SUSPECT: a dummy that fires, or a blank that squibs, was not what
                # its lot says it is.
                kind = lot_kinds.get(content)
                if kind == "dummy":
                    mark_suspect(f, content, f"a dummy fired from {e['weapon']}", e["at"])
                elif kind == "blank" and e.get("squib"):
                    mark_suspect(f, content, f"a blank squibbed in {e['weapon']}", e["at"])
            round_left(f, e["weapon"], chamber)
    weapon["barrel_checked"] = False
    if weapon["uncertain"] is None:
        weapon["uncertain"] = "fired"  # CUS-BARREL: UNKNOWN until the barrel is checked


def _barrel_checked(f: Fold, e: BarrelChecked) -> None:
    weapon = f.touch(e["weapon"])
    weapon["barrel_checked"] = e["clear"]
    if not e["clear"]:
        weapon["uncertain"] = "barrel_not_clear"
    elif weapon["uncertain"] == "fired":
        weapon["uncertain"] = None


def _returned(f: Fold, e: WeaponReturnedToStorage) -> None:
    weapon = f.touch(e["weapon"])
    weapon["location"] = f"storage:{e['storage']}"
    weapon["setup"] = None


def _found_unattended(f: Fold, e: WeaponFoundUnattended) -> None:
    if f.projection.weapon(e["weapon"]) is None:
        return  # a weapon outside the inventory: recorded, and an incident (CUS-INVENTORY)
    f.unsettle(e["weapon"], "found_unattended")
    f.weapon(e["weapon"])["location"] = f"person:{e['secured_by']}"


def _custody_gap(f: Fold, e: CustodyGapRecorded) -> None:
    f.unsettle(e["weapon"], "custody_gap")
    f.weapon(e["weapon"])["location"] = f"person:{e['found_with']}"


# -- consequences -----------------------------------------------------------------------


def _custody_gap_entry(e: Any, recorded_at: str, found_with: str, did: str) -> Entry:
    """The CustodyGapRecorded showclear writes: ``found_with`` ``did`` the weapon the ledger
    placed at ``recorded_at``, without a recorded transfer (CUS-TWO-PARTY)."""
    gap: CustodyGapRecorded = {
        "type": "CustodyGapRecorded",
        "at": e["at"],
        "actor": None,
        "weapon": e["weapon"],
        "recorded_at": recorded_at,
        "found_with": found_with,
        "reason": f"{found_with} {did} {e['weapon']} without a recorded transfer",
    }
    return dict(gap)


def _gap(p: Projection, e: dict[str, Any], claimed: str, destination: str) -> list[Entry]:
    """A refused move by someone who shows they hold a weapon the ledger places elsewhere: an
    unrecorded transfer. It goes to them and is UNKNOWN until inspected."""
    weapon = p.weapon(e["weapon"])
    # A repeat of a move the ledger already holds (a retried or double-submitted
    # handover, a second return to the same place) shows no unrecorded transfer.
    if (
        weapon is None
        or weapon["location"] == destination
        or claimed != e["actor"]
        or weapon["location"] == f"person:{claimed}"
    ):
        return []
    return [_custody_gap_entry(e, weapon["location"], claimed, "had")]


def _handover_refused(
    p: Projection, e: WeaponHandedOver, rules: frozenset[str], incidents: Incidents
) -> list[Entry]:
    return _gap(p, dict(e), e["giver"], f"person:{e['receiver']}")


def _return_refused(
    p: Projection, e: WeaponReturnedToStorage, rules: frozenset[str], incidents: Incidents
) -> list[Entry]:
    return _gap(p, dict(e), str(e["actor"]), f"storage:{e['storage']}")


def _inspection_refused(
    p: Projection, e: ShowClearInspected, rules: frozenset[str], incidents: Incidents
) -> list[Entry]:
    if "AMMO-COUNT" not in rules:
        return []
    return [
        incidents.open(
            "round_count_difference",
            f"An inspection of {e['weapon']} disagrees with the rounds recorded in it.",
            ["AMMO-COUNT"],
            weapon=e["weapon"],
        )
    ]


def _discharge_recorded(
    p: Projection, e: WeaponDischarged, violations: list[str], incidents: Incidents
) -> list[Entry]:
    kind = (
        "misfire"
        if e["misfire"]
        else "squib"
        if e.get("squib")
        else "unintended_discharge"
        if not e["intended"] or violations
        else None
    )
    if kind is None:
        return []
    why = f" outside the protocol ({', '.join(violations)})" if violations else ""
    return [
        incidents.open(
            kind,
            f"{e['weapon']} discharged{why}: {kind.replace('_', ' ')}.",
            violations or ["INC-CEASEFIRE"],
            weapon=e["weapon"],
        ),
        *_shooter_gap(p, e),
    ]


def complete_discharge(p: Projection, e: WeaponDischarged) -> None:
    """Fill in who fired (the holder, when left out) and the lot of every round fired, as
    the ledger has them just before the shot."""
    weapon = p.weapon(e["weapon"])
    if "shooter" not in e:
        e["shooter"] = p.holder(e["weapon"])
    if weapon is None or e["misfire"]:
        return
    chambers_now = list(weapon["chambers"])
    feed = p.seated_rounds(e["weapon"])
    shots = e.get("rounds", 1) if "magazines" in weapon else 1
    fired: list[str] = []
    for chamber in e["chambers"]:
        if chamber > len(chambers_now):
            continue
        for _ in range(shots):
            fired.append(chambers_now[chamber - 1])
            chambers_now[chamber - 1] = feed.pop() if feed else "empty"
    e["fired"] = fired


def _shooter_gap(p: Projection, e: WeaponDischarged) -> list[Entry]:
    """Someone who is not the recorded holder fired: the weapon was with them without a
    recorded transfer (CUS-TWO-PARTY); it goes to them and is UNKNOWN until inspected."""
    weapon, shooter = p.weapon(e["weapon"]), e.get("shooter")
    if weapon is None or shooter is None or weapon["location"] == f"person:{shooter}":
        return []
    return [_custody_gap_entry(e, weapon["location"], shooter, "fired")]


def _barrel_recorded(
    p: Projection, e: BarrelChecked, violations: list[str], incidents: Incidents
) -> list[Entry]:
    if e["clear"]:
        return []
    return [
        incidents.open(
            "squib",
            f"The barrel of {e['weapon']} is obstructed.",
            ["CUS-BARREL"],
            weapon=e["weapon"],
        )
    ]


def _unattended_recorded(
    p: Projection, e: WeaponFoundUnattended, violations: list[str], incidents: Incidents
) -> list[Entry]:
    return [
        incidents.open(
            "unattended_weapon",
            f"{e['weapon']} was found unattended ({e['where']}).",
            ["CUS-SECURED"],
            weapon=e["weapon"],
        )
    ]


# -- words ------------------------------------------------------------------------------


def _unload_words(e: RoundsUnloaded, w: Words) -> str:
    before = w.before
    lots = sorted({before[c - 1] for c in e["chambers"] if before and c <= len(before)})
    source = f" ({', '.join(lots)})" if lots else ""
    return f"{w.who(e['actor'])} unloaded {chambers(e['chambers'])} of {e['weapon']}{source}"


def _inspection_words(e: ShowClearInspected, w: Words) -> str:
    barrel = "barrel clear" if e["barrel_clear"] else "barrel NOT clear"
    text = (
        f"{w.who(e['actor'])} inspected {e['weapon']}: chambers {chambers_text(e['chambers'])}; "
        f"{barrel}"
    )
    if e.get("performer"):
        confirmed = "confirmed" if e.get("performer_confirmed") else "did NOT confirm"
        text += f"; shown to {w.who(e['performer'])}, who {confirmed}"
    return text


def _handover_words(e: WeaponHandedOver, w: Words) -> str:
    confirmed = "confirmed" if e.get("receiver_confirmed") else "did NOT confirm"
    return f"{w.who(e['giver'])} handed {e['weapon']} to {w.who(e['receiver'])}, who {confirmed}"


def _discharge_words(e: WeaponDischarged, w: Words) -> str:
    shots = []
    for chamber in e["chambers"]:
        if w.before is not None and chamber <= len(w.before):
            shots.append(f"{chamber} ({w.before[chamber - 1]})")
        else:
            shots.append(str(chamber))
    text = f"chamber {', '.join(shots)}: {'intended' if e['intended'] else 'UNINTENDED'}"
    if e.get("rounds", 1) > 1:
        text += f"; {e['rounds']} rounds"
    if e.get("fired"):
        text += f"; lots fired {', '.join(e['fired'])}"
    if e.get("misfire"):
        text += "; misfire"
    if e.get("squib"):
        text += "; squib"
    if e.get("direction"):
        text += f"; muzzle toward {e['direction']}"
    if e.get("nearest_cm") is not None:
        text += f"; nearest person {e['nearest_cm']} cm"
    shooter = e.get("shooter", e["actor"])
    recorder = f" (recorded by {w.who(e['actor'])})" if shooter != e["actor"] else ""
    return (
        f"{w.who(shooter) if shooter else 'someone unknown'} fired {e['weapon']}, {text}{recorder}"
    )


def _taken_out_words(e: WeaponTakenOut, w: Words) -> str:
    setup = f" for setup {e['setup']}" if e.get("setup") else ""
    return f"{w.who(e['actor'])} took {e['weapon']} out of storage{setup}"


def _weapon_command(name: str, doc: str, verb: str, cli: str, **extra: Any) -> Command:
    return Command(
        name, doc, route=("POST", f"/weapons/{{weapon}}/{verb}"), cli=cli, path="weapon", **extra
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        WeaponTakenOut,
        "command",
        _taken_out,
        _taken_out_words,
        roles=ANYONE,
        command=_weapon_command(
            "TakeOut",
            "Take a weapon out of storage for a scheduled setup (CUS-HANDLER, PLAN-SETUP).",
            "take-out",
            "take-out",
            example={"setup": "12a-1"},
        ),
    ),
    EventType(
        RoundsLoaded,
        "command",
        _loaded,
        lambda e, w: (
            f"{w.who(e['actor'])} loaded {chambers(e['chambers'])} of {e['weapon']} "
            f"from lot {e['lot']}"
        ),
        roles=ANYONE,
        check=_distinct_chambers,
        command=_weapon_command(
            "LoadRounds",
            "Load rounds of a lot into chambers (AMMO-DUMMY-VERIFIED, AMMO-CALIBER, PLAN-SETUP).",
            "load",
            "load",
            example={"lot": "dummies-1", "chambers": [1, 2]},
        ),
    ),
    EventType(
        RoundsUnloaded,
        "command",
        _unloaded,
        _unload_words,
        roles=ANYONE,
        check=_distinct_chambers,
        command=_weapon_command(
            "UnloadRounds",
            "Unload rounds from chambers.",
            "unload",
            "unload",
            example={"chambers": [1, 2]},
        ),
    ),
    EventType(
        ShowClearInspected,
        "command",
        _inspected,
        _inspection_words,
        roles=ANYONE,
        check=_inspection_check,
        refused=_inspection_refused,
        confirms=(
            Confirmation(
                "performer",
                "performer_confirmed",
                "performer_pin",
                "confirm the show-clear of {weapon}",
            ),
        ),
        command=_weapon_command(
            "Inspect",
            "Record a show-clear inspection, shown to the performer who confirms with their PIN.",
            "inspect",
            "inspect",
            example={
                "chambers": ["empty"] * 6,
                "barrel_clear": True,
                "performer": "pat",
                "performer_pin": "2468",
            },
        ),
    ),
    EventType(
        WeaponHandedOver,
        "command",
        _handed_over,
        _handover_words,
        roles=ANYONE,
        check=_handover_check,
        refused=_handover_refused,
        confirms=(
            Confirmation(
                "receiver",
                "receiver_confirmed",
                "receiver_pin",
                "confirm you receive {weapon} from {giver}",
            ),
        ),
        command=_weapon_command(
            "HandOver",
            "Hand a weapon to another person, who confirms with their own PIN "
            "(CUS-TWO-PARTY).\n\nThe giver is the signed-in person.",
            "hand-over",
            "hand-over",
            from_actor=frozenset({"giver"}),
            example={"receiver": "pat", "receiver_pin": "2468"},
        ),
    ),
    EventType(
        WeaponDischarged,
        "report",
        _discharged,
        _discharge_words,
        roles=ANYONE,
        check=_distinct_chambers,
        complete=complete_discharge,
        recorded=_discharge_recorded,
        command=_weapon_command(
            "Discharge",
            "Report that a weapon fired: who fired (the holder if left out; anyone else is a "
            "custody finding), where the muzzle pointed and the nearest person's distance. "
            "Recorded always; a breach opens an incident.",
            "discharge",
            "discharge",
            example={
                "chambers": [1],
                "intended": True,
                "misfire": False,
                "direction": "upstage, away from camera",
                "nearest_cm": 700,
            },
        ),
    ),
    EventType(
        BarrelChecked,
        "command",
        _barrel_checked,
        lambda e, w: (
            f"{w.who(e['actor'])} checked the barrel of {e['weapon']}: "
            f"{'clear' if e['clear'] else 'NOT clear'}"
        ),
        roles=ANYONE,
        recorded=_barrel_recorded,
        command=_weapon_command(
            "CheckBarrel",
            "Record a barrel check; an obstructed barrel opens an incident (CUS-BARREL).",
            "barrel-check",
            "barrel-check",
            example={"clear": True},
        ),
    ),
    EventType(
        WeaponReturnedToStorage,
        "command",
        _returned,
        lambda e, w: f"{w.who(e['actor'])} locked {e['weapon']} in storage {e['storage']}",
        roles=ANYONE,
        refused=_return_refused,
        command=_weapon_command(
            "ReturnToStorage",
            "Put a weapon back in a lockable storage location (CUS-HANDLER, CUS-SECURED).",
            "return",
            "return",
            example={"storage": "safe-1"},
        ),
    ),
    EventType(
        WeaponFoundUnattended,
        "report",
        _found_unattended,
        lambda e, w: (
            f"{w.who(e['actor'])} found {e['weapon']} unattended ({e['where']}); "
            f"secured by {w.who(e['secured_by'])}"
        ),
        roles=ANYONE,
        actor_optional=True,
        recorded=_unattended_recorded,
        command=_weapon_command(
            "ReportFoundUnattended",
            "Report a weapon found unattended: it becomes UNKNOWN and an incident opens.",
            "found-unattended",
            "found-unattended",
            # Whoever reports it holds it: no request names another person's custody (ID-OWN).
            from_actor=frozenset({"secured_by"}),
            example={"where": "on the prop cart by stage 2"},
        ),
    ),
    EventType(
        CustodyGapRecorded,
        "system",
        _custody_gap,
        lambda e, w: (
            f"custody gap: {e['weapon']} was found with {w.who(e['found_with'])}: {e['reason']}"
        ),
        follow_up=lambda e: (
            f"Custody gap recorded: {e['reason']}; {e['weapon']} is UNKNOWN until inspected."
        ),
    ),
)
