"""Known and random histories, recorded through the service as a crew would record them.

- :func:`record_demo_day`: the demo's western shoot day (src/showclear/demo), whose
  holders, times and counts the tests know by heart.
- :func:`record_scenario`: any scenario file of scenarios/.
- :func:`random_moves`: a hypothesis strategy for a day of random custody moves over
  a small world (:func:`record_base_world`), many of them refused, as on a real set.

Replays use :data:`~showclear.service.TRUSTED` (confirmations as written), which is
what a scripted day is for; nothing here bypasses the rules.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from showclear.demo import western_day
from showclear.protocol import Projection, ProtocolError
from showclear.protocol.time import parse_time
from showclear.scenarios import load_scenario
from showclear.service import TRUSTED, App, FixedClock, MemoryKeyring, build_app

__all__ = [
    "DEMO_DAY",
    "BaseWorld",
    "Demo",
    "Recorded",
    "event_log",
    "random_moves",
    "record_base_world",
    "record_demo_day",
    "record_moves",
    "record_scenario",
]

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = date(2026, 11, 25)


@dataclass
class Demo:
    """The demo day recorded in a database file: its app, clock, production and path."""

    app: App
    clock: FixedClock
    slug: str
    db: Path


@dataclass
class BaseWorld:
    """A recorded base world on disk, copied for each random day so none shares a ledger."""

    folder: Path
    keyring: MemoryKeyring
    slug: str
    end: datetime
    copies: int = 0

    def fresh(self) -> tuple[App, FixedClock]:
        """A new database holding a copy of the base world, and a clock at its end."""
        self.copies += 1
        target = self.folder / f"copy-{self.copies}"
        target.mkdir()
        for file in self.folder.glob("base.db*"):
            shutil.copy(file, target / file.name)
        clock = FixedClock(self.end)
        # Its own copy of the keys, as a copied key directory: the copies grow apart.
        keys = self.keyring.copy()
        return build_app(str(target / "base.db"), keyring=keys, clock=clock), clock


@dataclass(frozen=True)
class Recorded:
    slug: str
    outcomes: list[str]  # allowed / warned / refused / error, per step


def event_log(app: App, slug: str) -> list[dict[str, Any]]:
    """Every entry of the ledger, decoded, in order."""
    with app.store.read(slug) as session:
        return [row.event() for row in session.entries()]


def record_demo_day(app: App, clock: FixedClock) -> str:
    """The demo's western day on a new production "Dust Creek"; every step gets its outcome."""
    scenario = western_day(DEMO_DAY)
    clock.set(parse_time(scenario.created_at))
    slug = app.init_production(scenario.production).slug
    for step in scenario.steps:
        clock.set(parse_time(step.event["at"]))
        outcome = app.submit(slug, dict(step.event), TRUSTED)
        assert outcome.outcome == step.expect.outcome, (step.note, outcome.rule_ids)
    return slug


def record_scenario(app: App, clock: FixedClock, path: Path) -> Recorded:
    """Every step of a scenario file at its own time; a step that cannot be decided is skipped."""
    scenario = load_scenario(path)
    clock.set(parse_time(scenario.created_at))
    slug = app.init_production(scenario.production).slug
    outcomes = []
    for step in scenario.steps:
        clock.set(parse_time(step.event["at"]))
        try:
            outcomes.append(app.submit(slug, dict(step.event), TRUSTED).outcome)
        except ProtocolError:
            outcomes.append("error")
    return Recorded(slug, outcomes)


# -- random days -----------------------------------------------------------------------

ARMORER, PERFORMERS = "ava", ("pat", "pia")
WEAPONS = ("w1", "w2")
LOTS = ("dum", "blk")
_BASE_TIME = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def _submit(app: App, slug: str, actor: str | None, event_type: str, **fields: Any) -> str:
    event = {"type": event_type, "actor": actor, **fields}
    try:
        return app.submit(slug, event, TRUSTED).outcome
    except ProtocolError:
        return "error"


def record_base_world(app: App, clock: FixedClock) -> tuple[str, datetime]:
    """A production with an armorer, two performers, two revolvers, dummies and blanks,
    a day, a setup for both revolvers and its safety meeting; returns (slug, last time)."""
    clock.set(_BASE_TIME)
    slug = app.init_production("Random Day").slug
    people = {
        "ava": ("Ava Armorer", "armorer"),
        "pat": ("Pat Performer", "performer"),
        "pia": ("Pia Performer", "performer"),
        "dan": ("Dan Director", "first_ad"),
        "sam": ("Sam Safety", "safety_coordinator"),
        "pru": ("Pru Producer", "producer"),
    }
    for person, (name, role) in people.items():
        extra: dict[str, Any] = {}
        if role == "armorer":
            extra["permits"] = [{"kind": "armorer", "number": "A-1", "expires": "2030-01-01"}]
        if role == "performer":
            extra["trainings"] = ["revolver"]
        _submit(
            app, slug, None, "PersonRegistered", person=person, name=name, roles=[role], **extra
        )
    _submit(app, slug, "ava", "StorageAdded", storage="safe", name="Safe", lockable=True)
    for n, weapon in enumerate(WEAPONS):
        _submit(
            app,
            slug,
            "ava",
            "WeaponReceived",
            weapon=weapon,
            serial=f"SN-{n}",
            make="Uberti",
            model="Cattleman",
            category="blank_firing",
            caliber=".45 Colt",
            chambers=6,
            action="revolver",
            storage="safe",
            personal=False,
        )
    _submit(
        app,
        slug,
        "ava",
        "SupplierListed",
        supplier="prop-ammo",
        name="Prop Ammo",
        licence="FFL 9-95-00417",
        contact="Lee Chan, 505 555 0142",
    )
    _submit(app, slug, "pru", "SupplierApproved", supplier="prop-ammo")
    for lot, kind in (("dum", "dummy"), ("blk", "blank")):
        _submit(
            app,
            slug,
            "ava",
            "LotReceived",
            lot=lot,
            kind=kind,
            caliber=".45 Colt",
            count=24,
            supplier="Prop Ammo",
            origin="invoice 1",
            storage="safe",
        )
    _submit(app, slug, "ava", "DummiesVerified", lot="dum", count=24, method="rattle")
    _submit(
        app,
        slug,
        "dan",
        "DayOpened",
        date="2026-11-25",
        call_sheet=[
            {"person": "ava", "duties": ["handler"]},
            {"person": "pat", "duties": ["performer"]},
            {"person": "pia", "duties": ["performer"]},
            {"person": "dan", "duties": ["first_ad"]},
            {"person": "sam", "duties": ["safety_coordinator"]},
            {"person": "pru", "duties": ["producer"]},
        ],
    )
    far = {"who": "crew", "distance_cm": 1500, "eye_protection": True, "hearing_protection": True}
    _submit(
        app,
        slug,
        "dan",
        "SetupPlanned",
        setup="S1",
        scene="1",
        kind="take",
        weapons=[
            {"weapon": "w1", "performer": "pat", "load": "blanks", "lot": "blk", "rounds": 6},
            {"weapon": "w2", "performer": "pia", "load": "dummies", "lot": "dum", "rounds": 6},
        ],
        direction="up the empty street",
        people_near=[far],
    )
    _submit(
        app,
        slug,
        "dan",
        "SafetyMeetingHeld",
        setups=["S1"],
        attendees=[{"person": p, "confirmed": True} for p in ("ava", "pat", "pia", "dan")],
    )
    return slug, clock.now()


#: One random move: (minutes later, weapon, 0-99: plausible below 80 else wild, a pick).
Move = tuple[int, str, int, int]
_WILD = (
    "take_out", "inspect", "load", "unload", "hand", "hand_back", "fire", "misfire",
    "barrel", "return", "meal_break", "incident", "review", "stray_hand",
)  # fmt: skip
_PLANNED = {"w1": ("pat", "blk"), "w2": ("pia", "dum")}


def random_moves(max_size: int = 30) -> st.SearchStrategy[list[Move]]:
    """Random custody moves: mostly what a crew would do next, sometimes anything at all."""
    move = st.tuples(
        st.integers(0, 12), st.sampled_from(WEAPONS), st.integers(0, 99), st.integers(0, 63)
    )
    return st.lists(move, min_size=1, max_size=max_size)


def record_moves(app: App, clock: FixedClock, slug: str, moves: list[Move]) -> list[str]:
    """Turn each move into events for the weapon's current state and submit them."""
    outcomes = []
    for move in moves:
        clock.advance(minutes=move[0])
        outcomes += _move(app, slug, app.projection(slug), move)
    return outcomes


def _plausible(p: Projection, weapon: str, pick: int) -> str:
    """What a crew would do next with this weapon."""
    holder = p.holder(weapon)
    if p.ceasefire()["active"]:
        return ("review", "hand_back", "return")[pick % 3]
    if holder is None:
        return "take_out" if pick % 4 else "meal_break"
    if holder == ARMORER:
        return ("inspect", "load", "show_and_hand", "show_and_hand", "unload", "barrel",
                "return")[pick % 7]  # fmt: skip
    return ("fire", "fire", "hand_back", "misfire" if pick % 11 == 0 else "hand_back")[pick % 4]


def _move(app: App, slug: str, p: Projection, move: Move) -> list[str]:
    _, weapon, choice, pick = move
    what = _plausible(p, weapon, pick) if choice < 80 else _WILD[choice % len(_WILD)]
    record = p.weapon(weapon)
    assert record is not None
    chambers = record["chambers"]
    holder = p.holder(weapon)
    planned, lot = _PLANNED[weapon]
    performer = planned if pick % 5 else PERFORMERS[pick % 2]
    chosen = [i + 1 for i in range(6) if pick >> i & 1] or [1 + pick % 6]
    seen = [c if c != "unknown" else "empty" for c in chambers]

    def submit(actor: str | None, event_type: str, **fields: Any) -> list[str]:
        return [_submit(app, slug, actor, event_type, weapon=weapon, **fields)]

    match what:
        case "take_out":
            return submit(ARMORER, "WeaponTakenOut", setup="S1")
        case "inspect":
            return submit(
                ARMORER,
                "ShowClearInspected",
                chambers=seen,
                barrel_clear=True,
                performer=None,
                performer_confirmed=False,
            )
        case "show_and_hand":
            shown = submit(
                ARMORER,
                "ShowClearInspected",
                chambers=seen,
                barrel_clear=True,
                performer=performer,
                performer_confirmed=True,
            )
            return shown + submit(
                ARMORER,
                "WeaponHandedOver",
                giver=ARMORER,
                receiver=performer,
                receiver_confirmed=True,
            )
        case "load":
            empty = [c for c in chosen if chambers[c - 1] == "empty"]
            return submit(
                ARMORER,
                "RoundsLoaded",
                lot=lot if pick % 7 else LOTS[pick % 2],
                chambers=empty or chosen,
            )
        case "unload":
            loaded = [i + 1 for i, c in enumerate(chambers) if c not in ("empty", "unknown")]
            return submit(ARMORER, "RoundsUnloaded", chambers=loaded or chosen)
        case "hand":
            return submit(
                holder or ARMORER,
                "WeaponHandedOver",
                giver=holder or ARMORER,
                receiver=performer,
                receiver_confirmed=True,
            )
        case "hand_back":
            giver = holder if holder and holder != ARMORER else performer
            return submit(
                giver, "WeaponHandedOver", giver=giver, receiver=ARMORER, receiver_confirmed=True
            )
        case "fire" | "misfire":
            loaded = [i + 1 for i, c in enumerate(chambers) if c not in ("empty", "unknown")]
            return submit(
                holder or performer,
                "WeaponDischarged",
                chambers=(loaded or chosen)[:2],
                intended=True,
                misfire=what == "misfire",
            )
        case "barrel":
            return submit(ARMORER, "BarrelChecked", clear=True)
        case "return":
            return submit(ARMORER, "WeaponReturnedToStorage", storage="safe")
        case "meal_break":
            return [_submit(app, slug, "dan", "MealBreakCalled")]
        case "incident":
            return submit("sam", "IncidentReported", kind="injury", description="a graze")
        case "review":
            done = []
            for number, _ in p.open_incidents():
                for person, role in (("sam", "safety_coordinator"), ("pru", "producer")):
                    done.append(
                        _submit(
                            app,
                            slug,
                            person,
                            "ReviewRecorded",
                            incident=number,
                            role=role,
                            findings="reviewed",
                        )
                    )
            return done
        case "stray_hand":  # someone who is not the holder hands it on: refused, or a gap
            return submit(
                performer,
                "WeaponHandedOver",
                giver=performer,
                receiver=PERFORMERS[(pick + 1) % 2],
                receiver_confirmed=True,
            )
    raise AssertionError(what)
