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

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from showclear.demo import western_day
from showclear.protocol import Projection, ProtocolError
from showclear.scenarios import load_scenario
from showclear.service import TRUSTED, App, FixedClock, parse_time
from showclear.service.identity import apply_confirmations

__all__ = [
    "DEMO_DAY",
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
_CALL = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


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
    clock.set(_CALL - timedelta(minutes=30))
    slug = app.init_production("Dust Creek").slug
    for step in western_day(DEMO_DAY):
        clock.set(_CALL + timedelta(minutes=step.minutes))
        event = apply_confirmations({**step.event, "actor": step.actor}, set(step.confirm))
        outcome = app.submit(slug, event, TRUSTED)
        assert outcome.outcome == step.expect, (step.narration, outcome.rule_ids)
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


#: One random move: (minutes later, weapon, what, a number to pick chambers or people by).
Move = tuple[int, str, str, int]
_WHAT = (
    "take_out",
    "inspect",
    "load",
    "unload",
    "hand",
    "hand_back",
    "fire",
    "misfire",
    "barrel",
    "return",
    "meal_break",
    "incident",
    "review",
    "stray_hand",
)


def random_moves(max_size: int = 30) -> st.SearchStrategy[list[Move]]:
    """Random custody moves; most make sense for where the weapon is, some are wrong on purpose."""
    move = st.tuples(
        st.integers(0, 12), st.sampled_from(WEAPONS), st.sampled_from(_WHAT), st.integers(0, 63)
    )
    return st.lists(move, min_size=1, max_size=max_size)


def record_moves(app: App, clock: FixedClock, slug: str, moves: list[Move]) -> list[str]:
    """Turn each move into an event for the weapon's current state and submit it."""
    outcomes = []
    for move in moves:
        clock.advance(minutes=move[0])
        outcomes.append(_move(app, slug, app.projection(slug), move))
    return outcomes


def _move(app: App, slug: str, p: Projection, move: Move) -> str:
    _, weapon, what, pick = move
    record = p.weapon(weapon)
    assert record is not None
    chambers = record["chambers"]
    holder = p.holder(weapon)
    performer = PERFORMERS[pick % 2]
    chosen = [i + 1 for i in range(6) if pick >> i & 1] or [1 + pick % 6]
    lot = LOTS[pick % 2]
    match what:
        case "take_out":
            return _submit(app, slug, ARMORER, "WeaponTakenOut", weapon=weapon, setup="S1")
        case "inspect":
            seen = [c if c != "unknown" else "empty" for c in chambers]
            return _submit(
                app,
                slug,
                ARMORER,
                "ShowClearInspected",
                weapon=weapon,
                chambers=seen,
                barrel_clear=True,
                performer=performer,
                performer_confirmed=True,
            )
        case "load":
            empty = [c for c in chosen if chambers[c - 1] == "empty"]
            return _submit(
                app, slug, ARMORER, "RoundsLoaded", weapon=weapon, lot=lot, chambers=empty or chosen
            )
        case "unload":
            loaded = [i + 1 for i, c in enumerate(chambers) if c not in ("empty", "unknown")]
            return _submit(
                app, slug, ARMORER, "RoundsUnloaded", weapon=weapon, chambers=loaded or chosen
            )
        case "hand":
            return _submit(
                app,
                slug,
                holder or ARMORER,
                "WeaponHandedOver",
                weapon=weapon,
                giver=holder or ARMORER,
                receiver=performer,
                receiver_confirmed=True,
            )
        case "hand_back":
            giver = holder if holder and holder != ARMORER else performer
            return _submit(
                app,
                slug,
                giver,
                "WeaponHandedOver",
                weapon=weapon,
                giver=giver,
                receiver=ARMORER,
                receiver_confirmed=True,
            )
        case "fire" | "misfire":
            return _submit(
                app,
                slug,
                holder or performer,
                "WeaponDischarged",
                weapon=weapon,
                chambers=chosen[:2],
                intended=True,
                misfire=what == "misfire",
            )
        case "barrel":
            return _submit(app, slug, ARMORER, "BarrelChecked", weapon=weapon, clear=True)
        case "return":
            return _submit(
                app, slug, ARMORER, "WeaponReturnedToStorage", weapon=weapon, storage="safe"
            )
        case "meal_break":
            return _submit(app, slug, "dan", "MealBreakCalled")
        case "incident":
            return _submit(
                app,
                slug,
                "sam",
                "IncidentReported",
                kind="injury",
                description="a graze",
                weapon=weapon,
            )
        case "review":
            role = ("safety_coordinator", "producer")[pick % 2]
            person = {"safety_coordinator": "sam", "producer": "pru"}[role]
            number = (p.meta() or {"incidents": 0})["incidents"] or 1
            return _submit(
                app, slug, person, "ReviewRecorded", incident=number, role=role, findings="reviewed"
            )
        case "stray_hand":  # someone who is not the holder hands it on: refused, or a gap
            return _submit(
                app,
                slug,
                performer,
                "WeaponHandedOver",
                weapon=weapon,
                giver=performer,
                receiver=PERFORMERS[(pick + 1) % 2],
                receiver_confirmed=True,
            )
    raise AssertionError(what)
