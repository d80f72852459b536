"""Every broken rule is cited: an attempt breaking two rules is refused naming both.

SAFETY_RULES.md: "When an attempt breaks several rules, every broken rule is cited, not
only the first one found: the record of a refusal is evidence, and a missing rule id is a
missing fact." For the two attempts where most rules meet (a weapon handed to a performer,
rounds loaded into a weapon), each *breaker* below breaks exactly one rule of an otherwise
compliant attempt; every pair of breakers, applied together, must be refused citing both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import combinations
from typing import Any

import pytest
from protocol_world import EMPTY6, World, lot, plan, refused_by

#: A breaker changes the world before the attempt and/or the attempt's fields.
Breaker = Callable[[World, dict[str, Any]], None]


# -- a weapon handed to a performer: W2 with three blanks, shown clear to rio ---------------


def _unconfirmed(world: World, attempt: dict[str, Any]) -> None:
    attempt["receiver_confirmed"] = False  # CUS-TWO-PARTY


def _stale_show_clear(world: World, attempt: dict[str, Any]) -> None:
    world.now += timedelta(minutes=15)  # CUS-SHOW-CLEAR: older than 10 minutes


def _cease_fire(world: World, attempt: dict[str, Any]) -> None:
    world.ok("IncidentReported", "cam", kind="injury", description="A grip cut a hand.")


def _stop_work(world: World, attempt: dict[str, Any]) -> None:
    world.ok("ConcernRaised", None, text="Nobody watches the cart.", anonymous=True, stop_work=True)


def _plan_changed(world: World, attempt: dict[str, Any]) -> None:
    # PLAN-MEETING: the plan changed after the safety meeting that covered it.
    world.ok(
        "SetupChanged",
        "dee",
        **{
            **plan("B1", "W2", "blanks", lot_id="L2", rounds=3),
            "people_near": [
                {
                    "who": "camera operator",
                    "distance_cm": 1200,
                    "eye_protection": True,
                    "hearing_protection": True,
                }
            ],
        },
    )


#: In the order they are applied: what records entries first, what stops the set last.
HANDOVER: dict[str, Breaker] = {
    "PLAN-MEETING": _plan_changed,
    "CUS-TWO-PARTY": _unconfirmed,
    "CUS-SHOW-CLEAR": _stale_show_clear,
    "INC-CEASEFIRE": _cease_fire,
    "INC-CONCERN": _stop_work,
}


def _handover(breakers: tuple[str, ...]) -> set[str]:
    world = World.day()
    world.ready_with_blanks("rio")
    attempt = world.hand("W2", "ana", "rio")
    for rule_id, breaker in HANDOVER.items():
        if rule_id in breakers:
            breaker(world, attempt)
    decision = world.record("WeaponHandedOver", "ana", **attempt)
    return refused_by(decision) if decision.outcome == "refused" else set()


def test_the_compliant_handover_is_allowed() -> None:
    """The base attempt breaks nothing, so each breaker alone is what breaks its rule."""
    assert _handover(()) == set()


@pytest.mark.parametrize("rule_id", sorted(HANDOVER))
def test_each_handover_breaker_breaks_its_own_rule(rule_id: str) -> None:
    """A breaker on its own is refused citing its rule."""
    assert rule_id in _handover((rule_id,))


@pytest.mark.parametrize("pair", list(combinations(sorted(HANDOVER), 2)), ids="+".join)
def test_a_handover_breaking_two_rules_cites_both(pair: tuple[str, str]) -> None:
    """Two rules broken by one handover: both are in the refusal."""
    assert set(pair) <= _handover(pair)


# -- rounds loaded: W2 out for D1 (dummies from L1), inspected empty, dummies verified ----------


def _other_caliber(world: World, attempt: dict[str, Any]) -> None:
    # AMMO-CALIBER: verified dummies of another caliber (D1 plans dummies of any lot).
    world.ok("LotReceived", "ana", **lot("L9", "dummy", 6, caliber=".38 Special"))
    world.ok("DummiesVerified", "ana", lot="L9", count=6, method="rattle")
    attempt["lot"] = "L9"


def _unverified(world: World, attempt: dict[str, Any]) -> None:
    # AMMO-DUMMY-VERIFIED: a second dummy lot, never verified.
    world.ok("LotReceived", "ana", **lot("L8", "dummy", 6))
    attempt["lot"] = "L8"


def _too_many(world: World, attempt: dict[str, Any]) -> None:
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[3, 4, 5, 6])
    attempt["chambers"] = [1, 2]  # fine alone: 6 of 6 planned
    world.ok("SetupChanged", "dee", **plan("D1", "W2", "dummies", lot_id=None, rounds=4))
    world.meeting("D1")  # PLAN-SETUP: 6 rounds where 4 are planned


def _barrel_not_clear(world: World, attempt: dict[str, Any]) -> None:
    world.ok("BarrelChecked", "ana", weapon="W2", clear=False)  # CUS-BARREL (an incident too)


#: In the order they are applied: what records entries first, what stops the set last.
LOADING: dict[str, Breaker] = {
    "PLAN-SETUP": _too_many,
    "AMMO-CALIBER": _other_caliber,
    "AMMO-DUMMY-VERIFIED": _unverified,
    "CUS-BARREL": _barrel_not_clear,
    "INC-CEASEFIRE": _cease_fire,
}
#: Breakers that cannot meet: each swaps the lot the attempt loads from.
_EXCLUSIVE = {frozenset({"AMMO-CALIBER", "AMMO-DUMMY-VERIFIED"})}


def _loading(breakers: tuple[str, ...]) -> set[str]:
    world = World.day()
    world.ok("SetupChanged", "dee", **plan("D1", "W2", "dummies", lot_id=None, rounds=6))
    world.meeting("D1")
    world.ok("DummiesVerified", "ana", lot="L1", count=12, method="rattle")
    world.ok("WeaponTakenOut", "ana", weapon="W2", setup="D1")
    world.inspect("W2", EMPTY6)
    attempt: dict[str, Any] = {"weapon": "W2", "lot": "L1", "chambers": [1, 2]}
    for rule_id, breaker in LOADING.items():
        if rule_id in breakers:
            breaker(world, attempt)
    decision = world.record("RoundsLoaded", "ana", **attempt)
    return refused_by(decision) if decision.outcome == "refused" else set()


def test_the_compliant_load_is_allowed() -> None:
    """The base attempt breaks nothing."""
    assert _loading(()) == set()


@pytest.mark.parametrize("rule_id", sorted(LOADING))
def test_each_loading_breaker_breaks_its_own_rule(rule_id: str) -> None:
    """A breaker on its own is refused citing its rule."""
    assert rule_id in _loading((rule_id,))


@pytest.mark.parametrize(
    "pair",
    [p for p in combinations(sorted(LOADING), 2) if frozenset(p) not in _EXCLUSIVE],
    ids="+".join,
)
def test_a_load_breaking_two_rules_cites_both(pair: tuple[str, str]) -> None:
    """Two rules broken by one load: both are in the refusal."""
    assert set(pair) <= _loading(pair)
