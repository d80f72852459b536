"""A realistic western shoot day, as the steps a crew takes and the outcome each should get.

Two revolvers and a non-firing replica; a dummy lot verified round by round and
a blank lot; a safety meeting; a replica rehearsal; a dummy close-up after a
show-clear; a blank take at a safe distance; a meal break; and along the way
the refusals that matter on a real set: the assistant director handing a
revolver to the actor, a stale inspection, and a handoff during the cease-fire
that follows a misfire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

__all__ = ["CAST", "PINS", "Step", "western_day"]

#: id -> (name, roles, trainings)
CAST: dict[str, tuple[str, list[str], list[str]]] = {
    "paul": ("Paul Ortega", ["producer"], []),
    "ruth": ("Ruth Okafor", ["safety_coordinator"], []),
    "maria": ("Maria Reyes", ["armorer"], ["revolver"]),
    "dana": ("Dana Kim", ["first_ad"], []),
    "jack": ("Jack Dalton", ["performer"], ["revolver"]),
    "ken": ("Ken Ito", ["crew"], []),
}
#: Demo PINs. On a real set each person types their own at a hidden prompt.
PINS = {person: f"{1000 + 1111 * i}"[-4:] for i, person in enumerate(CAST, start=1)}

REVOLVER_CHAMBERS = 6


@dataclass(frozen=True)
class Step:
    """One thing someone on set does, in plain words, and the outcome it should get."""

    minutes: int  # minutes after the 07:00 call
    narration: str
    actor: str | None
    event: dict[str, Any]
    confirm: tuple[str, ...] = ()  # people who confirm with their own PIN
    expect: str = "allowed"
    rules: tuple[str, ...] = field(default=())


def _call_sheet() -> list[dict[str, Any]]:
    duties = {
        "maria": ["handler"],
        "jack": ["performer"],
        "dana": ["first_ad"],
        "ruth": ["safety_coordinator"],
        "paul": ["producer"],
        "ken": ["camera"],
    }
    return [{"person": p, "duties": d} for p, d in duties.items()]


def _inspect(weapon: str, chambers: list[str], performer: str | None) -> dict[str, Any]:
    return {
        "type": "ShowClearInspected",
        "weapon": weapon,
        "chambers": chambers,
        "barrel_clear": True,
        "performer": performer,
        "performer_confirmed": False,
    }


def _hand(weapon: str, giver: str, receiver: str) -> dict[str, Any]:
    return {
        "type": "WeaponHandedOver",
        "weapon": weapon,
        "giver": giver,
        "receiver": receiver,
        "receiver_confirmed": False,
    }


def western_day(day: date) -> list[Step]:
    """The steps of the demo day, in order."""
    permit_expires = (day + timedelta(days=365)).isoformat()
    empty6 = ["empty"] * REVOLVER_CHAMBERS
    people = [
        Step(
            0,
            f"{name} joins the production as {' and '.join(r.replace('_', ' ') for r in roles)}.",
            None if person == "paul" else "paul",
            {
                "type": "PersonRegistered",
                "person": person,
                "name": name,
                "roles": roles,
                "trainings": trainings,
                **(
                    {
                        "permits": [
                            {"kind": "armorer", "number": "CA-ARM-2291", "expires": permit_expires}
                        ]
                    }
                    if person == "maria"
                    else {}
                ),
            },
        )
        for person, (name, roles, trainings) in CAST.items()
    ]
    return [
        *people,
        Step(
            2,
            "Maria adds the locked weapons safe on truck 2.",
            "maria",
            {
                "type": "StorageAdded",
                "storage": "safe",
                "name": "Weapons safe, truck 2",
                "lockable": True,
            },
        ),
        Step(
            5,
            "Dana publishes the call sheet: Maria is the handler and has no other duty.",
            "dana",
            {"type": "DayOpened", "date": day.isoformat(), "call_sheet": _call_sheet()},
        ),
        Step(
            6,
            "Maria receives revolver colt-1 (Colt Single Action Army, .45 Colt).",
            "maria",
            {
                "type": "WeaponReceived",
                "weapon": "colt-1",
                "serial": "SA-10481",
                "make": "Colt",
                "model": "Single Action Army",
                "category": "functional_firearm",
                "caliber": ".45 Colt",
                "chambers": 6,
                "action": "revolver",
                "storage": "safe",
                "personal": False,
            },
        ),
        Step(
            7,
            "Maria receives revolver colt-2, a blank-firing 1873 revolver.",
            "maria",
            {
                "type": "WeaponReceived",
                "weapon": "colt-2",
                "serial": "UB-77120",
                "make": "Uberti",
                "model": "1873 Cattleman (blank-firing)",
                "category": "blank_firing",
                "caliber": ".45 Colt",
                "chambers": 6,
                "action": "revolver",
                "storage": "safe",
                "personal": False,
            },
        ),
        Step(
            8,
            "Maria receives replica-1, a non-firing replica for rehearsals.",
            "maria",
            {
                "type": "WeaponReceived",
                "weapon": "replica-1",
                "serial": "DX-1106",
                "make": "Denix",
                "model": "1873 replica (non-firing)",
                "category": "non_firing_replica",
                "caliber": ".45 Colt",
                "chambers": 6,
                "action": "revolver",
                "storage": "safe",
                "personal": False,
            },
        ),
        Step(
            10,
            "Maria receives 24 dummy rounds with their supplier and certificate.",
            "maria",
            {
                "type": "LotReceived",
                "lot": "dum-45",
                "kind": "dummy",
                "caliber": ".45 Colt",
                "count": 24,
                "supplier": "Prop Ammo Co.",
                "origin": "factory inert, certificate D-2291",
                "storage": "safe",
            },
        ),
        Step(
            11,
            "Maria receives 12 quarter-load blanks.",
            "maria",
            {
                "type": "LotReceived",
                "lot": "blk-45",
                "kind": "blank",
                "caliber": ".45 Colt",
                "count": 12,
                "supplier": "Prop Ammo Co.",
                "origin": "factory blanks, invoice B-5530",
                "storage": "safe",
                "load": "quarter",
            },
        ),
        Step(
            14,
            "Maria rattles every dummy, round by round: 12 checked...",
            "maria",
            {"type": "DummiesVerified", "lot": "dum-45", "count": 12, "method": "rattle"},
        ),
        Step(
            16,
            "...and the other 12 by their drilled primer pockets: all 24 verified inert.",
            "maria",
            {
                "type": "DummiesVerified",
                "lot": "dum-45",
                "count": 12,
                "method": "drilled_primer_pocket",
            },
        ),
        Step(
            20,
            "Dana plans setup 12A: a rehearsal of the saloon draw with the replica.",
            "dana",
            _setup(
                "12A",
                "rehearsal",
                weapon="replica-1",
                load="empty",
                lot=None,
                rounds=0,
                direction="toward the saloon doors, away from the crew",
                near=[_near("camera crew", 900)],
            ),
        ),
        Step(
            21,
            "Dana plans setup 12B: a dummy close-up, the revolver toward a remote camera.",
            "dana",
            {
                **_setup(
                    "12B",
                    "take",
                    weapon="colt-1",
                    load="dummies",
                    lot="dum-45",
                    rounds=6,
                    direction="toward the lens of the remote camera",
                    near=[_near("remote camera head", 150, in_line=True, remote=True)],
                ),
                "handler_signoff": "maria",
            },
        ),
        Step(
            22,
            "Dana plans setup 14: a blank take, fired up the hillside.",
            "dana",
            _setup(
                "14",
                "take",
                weapon="colt-2",
                load="blanks",
                lot="blk-45",
                rounds=2,
                direction="up the hillside, away from everyone",
                near=[
                    _near("camera crew", 1200, eye=True, hearing=True),
                    _near("boom operator", 900, eye=True, hearing=True),
                ],
            ),
        ),
        Step(
            30,
            "Safety meeting: everyone on the call sheet signs in with their own PIN.",
            "dana",
            {
                "type": "SafetyMeetingHeld",
                "setups": ["12A", "12B", "14"],
                "attendees": [{"person": p, "confirmed": False} for p in CAST],
            },
            confirm=tuple(CAST),
        ),
        # 12A: replica rehearsal.
        Step(
            40,
            "Maria takes the replica out of the safe for rehearsal 12A.",
            "maria",
            {"type": "WeaponTakenOut", "weapon": "replica-1", "setup": "12A"},
        ),
        Step(
            41,
            "Maria shows Jack the replica clear, chamber by chamber; Jack confirms.",
            "maria",
            _inspect("replica-1", empty6, "jack"),
            confirm=("jack",),
        ),
        Step(
            42,
            "Maria hands the replica to Jack; Jack confirms with his PIN.",
            "maria",
            _hand("replica-1", "maria", "jack"),
            confirm=("jack",),
        ),
        Step(
            55,
            "Rehearsal done: Jack hands the replica back to Maria.",
            "jack",
            _hand("replica-1", "jack", "maria"),
            confirm=("maria",),
        ),
        Step(
            56,
            "Maria locks the replica in the safe.",
            "maria",
            {"type": "WeaponReturnedToStorage", "weapon": "replica-1", "storage": "safe"},
        ),
        # 12B: dummy close-up, and the assistant director's handoff.
        Step(
            60,
            "Maria takes colt-1 out for the dummy close-up 12B.",
            "maria",
            {"type": "WeaponTakenOut", "weapon": "colt-1", "setup": "12B"},
        ),
        Step(
            61,
            "Maria opens colt-1: all six chambers empty, barrel clear.",
            "maria",
            _inspect("colt-1", empty6, None),
        ),
        Step(
            63,
            "Maria loads six verified dummies.",
            "maria",
            {
                "type": "RoundsLoaded",
                "weapon": "colt-1",
                "lot": "dum-45",
                "chambers": [1, 2, 3, 4, 5, 6],
            },
        ),
        Step(
            64,
            'Dana picks colt-1 up from the cart and tries to hand it to Jack: "cold gun!"',
            "dana",
            _hand("colt-1", "dana", "jack"),
            confirm=("jack",),
            expect="refused",
            rules=("CUS-HANDLER",),
        ),
        Step(
            65,
            "Dana gives colt-1 straight back to Maria, the handler.",
            "dana",
            _hand("colt-1", "dana", "maria"),
            confirm=("maria",),
        ),
        Step(
            66,
            "Maria shows Jack every chamber: six verified dummies, barrel clear; Jack confirms.",
            "maria",
            _inspect("colt-1", ["dum-45"] * 6, "jack"),
            confirm=("jack",),
        ),
        Step(
            67,
            "Maria hands colt-1 to Jack; Jack confirms with his PIN.",
            "maria",
            _hand("colt-1", "maria", "jack"),
            confirm=("jack",),
        ),
        Step(
            75,
            "Cut. Jack returns colt-1 to Maria.",
            "jack",
            _hand("colt-1", "jack", "maria"),
            confirm=("maria",),
        ),
        Step(
            76,
            "Maria unloads the six dummies.",
            "maria",
            {"type": "RoundsUnloaded", "weapon": "colt-1", "chambers": [1, 2, 3, 4, 5, 6]},
        ),
        Step(
            77,
            "Maria checks the barrel clear.",
            "maria",
            {"type": "BarrelChecked", "weapon": "colt-1", "clear": True},
        ),
        Step(
            78,
            "Maria locks colt-1 in the safe.",
            "maria",
            {"type": "WeaponReturnedToStorage", "weapon": "colt-1", "storage": "safe"},
        ),
        # 14: blank take, a stale inspection, a misfire and the cease-fire.
        Step(
            90,
            "Maria takes colt-2 out for the blank take 14.",
            "maria",
            {"type": "WeaponTakenOut", "weapon": "colt-2", "setup": "14"},
        ),
        Step(
            91,
            "Maria opens colt-2: all six chambers empty, barrel clear.",
            "maria",
            _inspect("colt-2", empty6, None),
        ),
        Step(
            93,
            "Maria loads one quarter-load blank in chamber 1.",
            "maria",
            {"type": "RoundsLoaded", "weapon": "colt-2", "lot": "blk-45", "chambers": [1]},
        ),
        Step(
            94,
            "Maria shows Jack the load: one blank, five empty, barrel clear; Jack confirms.",
            "maria",
            _inspect("colt-2", _one_blank(), "jack"),
            confirm=("jack",),
        ),
        Step(
            110,
            "A lighting reset takes 16 minutes; Maria then tries to hand colt-2 over on "
            "the old inspection.",
            "maria",
            _hand("colt-2", "maria", "jack"),
            confirm=("jack",),
            expect="refused",
            rules=("CUS-SHOW-CLEAR",),
        ),
        Step(
            111,
            "Maria shows Jack the chambers again; Jack confirms.",
            "maria",
            _inspect("colt-2", _one_blank(), "jack"),
            confirm=("jack",),
        ),
        Step(
            112,
            "Maria hands colt-2 to Jack; Jack confirms with his PIN.",
            "maria",
            _hand("colt-2", "maria", "jack"),
            confirm=("jack",),
        ),
        Step(
            115,
            "Action: Jack pulls the trigger on chamber 1. Click: a misfire. showclear "
            "opens an incident and puts the set in cease-fire.",
            "jack",
            {
                "type": "WeaponDischarged",
                "weapon": "colt-2",
                "chambers": [1],
                "intended": True,
                "misfire": True,
            },
            expect="warned",
            rules=("INC-CEASEFIRE",),
        ),
        Step(
            116,
            "Jack hands colt-2 back to Maria (returning a weapon is always allowed).",
            "jack",
            _hand("colt-2", "jack", "maria"),
            confirm=("maria",),
        ),
        Step(
            118,
            "Dana wants to go again with colt-1; Maria is asked to take it out.",
            "maria",
            {"type": "WeaponTakenOut", "weapon": "colt-1", "setup": "12B"},
            expect="refused",
            rules=("INC-CEASEFIRE",),
        ),
        Step(
            120,
            "Maria unloads the misfired blank from chamber 1.",
            "maria",
            {"type": "RoundsUnloaded", "weapon": "colt-2", "chambers": [1]},
        ),
        Step(
            121,
            "Maria checks the barrel: clear, no squib.",
            "maria",
            {"type": "BarrelChecked", "weapon": "colt-2", "clear": True},
        ),
        Step(
            122,
            "Maria locks colt-2 in the safe.",
            "maria",
            {"type": "WeaponReturnedToStorage", "weapon": "colt-2", "storage": "safe"},
        ),
        Step(
            135,
            "Ruth, the safety coordinator, reviews the misfire.",
            "ruth",
            {
                "type": "ReviewRecorded",
                "incident": 1,
                "role": "safety_coordinator",
                "findings": "Factory blank misfired; barrel clear; the round goes back to the "
                "supplier. Wait 30 s after any future misfire before opening.",
            },
        ),
        Step(
            140,
            "Paul, the producer, records his review too: the cease-fire is lifted.",
            "paul",
            {
                "type": "ReviewRecorded",
                "incident": 1,
                "role": "producer",
                "findings": "Agreed; resume after lunch.",
            },
        ),
        Step(
            150,
            "Meal break: every weapon is locked in the safe.",
            "dana",
            {"type": "MealBreakCalled"},
        ),
        Step(
            205,
            "Maria returns the misfired blank to the supplier.",
            "maria",
            {
                "type": "RoundsReturnedToSupplier",
                "lot": "blk-45",
                "count": 1,
                "reference": "misfire, return note B-5530-1",
            },
        ),
        Step(
            210,
            "After lunch, take 14 again: Maria takes colt-2 out.",
            "maria",
            {"type": "WeaponTakenOut", "weapon": "colt-2", "setup": "14"},
        ),
        Step(
            211,
            "Maria opens colt-2: empty, barrel clear.",
            "maria",
            _inspect("colt-2", empty6, None),
        ),
        Step(
            212,
            "Maria loads one blank in chamber 1.",
            "maria",
            {"type": "RoundsLoaded", "weapon": "colt-2", "lot": "blk-45", "chambers": [1]},
        ),
        Step(
            213,
            "Maria shows Jack the load; Jack confirms.",
            "maria",
            _inspect("colt-2", _one_blank(), "jack"),
            confirm=("jack",),
        ),
        Step(
            214,
            "Maria hands colt-2 to Jack; Jack confirms.",
            "maria",
            _hand("colt-2", "maria", "jack"),
            confirm=("jack",),
        ),
        Step(
            216,
            "Action: Jack fires chamber 1 up the hillside, 9 m from the nearest person.",
            "jack",
            {
                "type": "WeaponDischarged",
                "weapon": "colt-2",
                "chambers": [1],
                "intended": True,
                "misfire": False,
            },
        ),
        Step(
            217,
            "Cut. Jack returns colt-2 to Maria.",
            "jack",
            _hand("colt-2", "jack", "maria"),
            confirm=("maria",),
        ),
        Step(
            218,
            "Maria checks the barrel after firing: clear.",
            "maria",
            {"type": "BarrelChecked", "weapon": "colt-2", "clear": True},
        ),
        Step(
            219,
            "Maria locks colt-2 in the safe.",
            "maria",
            {"type": "WeaponReturnedToStorage", "weapon": "colt-2", "storage": "safe"},
        ),
        Step(600, "Wrap.", "dana", {"type": "WrapCalled"}),
        Step(
            610,
            "Maria counts every round in the safe and closes the day.",
            "maria",
            {"type": "DayClosed", "counts": {"dum-45": 24, "blk-45": 10}},
        ),
    ]


def _one_blank() -> list[str]:
    return ["blk-45"] + ["empty"] * (REVOLVER_CHAMBERS - 1)


def _near(
    who: str,
    distance_cm: int,
    *,
    in_line: bool = False,
    remote: bool = False,
    eye: bool = False,
    hearing: bool = False,
) -> dict[str, Any]:
    return {
        "who": who,
        "distance_cm": distance_cm,
        "in_line_of_fire": in_line,
        "shielded": False,
        "remote": remote,
        "eye_protection": eye,
        "hearing_protection": hearing,
    }


def _setup(
    setup: str,
    kind: str,
    *,
    weapon: str,
    load: str,
    lot: str | None,
    rounds: int,
    direction: str,
    near: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "type": "SetupPlanned",
        "setup": setup,
        "scene": setup.rstrip("AB"),
        "kind": kind,
        "weapons": [
            {"weapon": weapon, "performer": "jack", "load": load, "lot": lot, "rounds": rounds}
        ],
        "direction": direction,
        "people_near": near,
    }
