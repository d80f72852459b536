"""The projection: a deterministic, bounded fold of the ledger; state derived from facts."""

from __future__ import annotations

import json

from protocol_world import EMPTY6, START, World

from showclear.protocol import Projection, apply, derive_state, fold
from showclear.protocol.projection import WeaponRecord


def a_weapon(**facts: object) -> WeaponRecord:
    record: dict[str, object] = {
        "serial": "S", "make": "M", "model": "M", "category": "blank_firing", "caliber": ".45",
        "action": "revolver", "chambers": ["empty", "empty"], "location": "storage:S1",
        "setup": None, "barrel_checked": True, "uncertain": None, "last_inspection": None,
        "inspection_is_last_event": False, "state": "?",
    }  # fmt: skip
    record.update(facts)
    return record  # type: ignore[return-value]


LOTS = {"D": "dummy", "B": "blank"}


def test_empty_chambers_and_a_checked_barrel_are_cold() -> None:
    """COLD = every chamber empty and the barrel checked clear."""
    assert derive_state(a_weapon(), LOTS) == "COLD"


def test_only_verified_dummies_are_dummy() -> None:
    """DUMMY = only dummy rounds, barrel checked."""
    assert derive_state(a_weapon(chambers=["D", "empty"]), LOTS) == "DUMMY"


def test_any_blank_is_hot() -> None:
    """HOT = any blank present."""
    assert derive_state(a_weapon(chambers=["D", "B"]), LOTS) == "HOT"


def test_anything_that_could_have_changed_it_is_unknown() -> None:
    """UNKNOWN after a gap, an unchecked barrel, or a chamber not known."""
    assert derive_state(a_weapon(uncertain="meal_break"), LOTS) == "UNKNOWN"
    assert derive_state(a_weapon(barrel_checked=False), LOTS) == "UNKNOWN"
    assert derive_state(a_weapon(chambers=["unknown", "empty"]), LOTS) == "UNKNOWN"


def test_the_projection_holds_where_each_weapon_is_and_what_is_in_it(world: World) -> None:
    """Location, chamber contents, derived state and the last inspection are records."""
    world.with_performer()
    w2 = world.projection.weapon("W2")
    assert w2 is not None
    assert (w2["location"], w2["chambers"][:4], w2["state"]) == (
        "person:rio",
        ["L2", "L2", "L2", "empty"],
        "HOT",
    )
    assert w2["last_inspection"]["performer_confirmed"] is True  # type: ignore[index]
    assert w2["inspection_is_last_event"] is False


def test_records_are_a_deep_copy_and_json(world: World) -> None:
    """Changing what records() returned changes nothing; it serializes as JSON."""
    records = world.projection.records()
    records["weapon:W2"]["location"] = "person:nobody"
    assert world.projection.weapon("W2")["location"] == "storage:S1"  # type: ignore[index]
    assert json.loads(json.dumps(records)) == records


def test_a_projection_survives_being_stored_and_loaded(world: World) -> None:
    """from_records(records()) is the same projection."""
    world.with_performer()
    assert Projection.from_records(world.projection.records()) == world.projection


def test_the_fold_is_deterministic(world: World) -> None:
    """Folding the same events twice yields equal records, keys in sorted order."""
    world.with_performer()
    first, second = fold(world.events).records(), fold(world.events).records()
    assert first == second
    assert list(first) == sorted(first)


def test_apply_returns_the_keys_it_changed(world: World) -> None:
    """The service writes only the rows apply names."""
    event = world.event("WeaponTakenOut", "ana", weapon="W2", setup="B1")
    assert apply(world.projection, event) == {"meta", "weapon:W2"}


def test_apply_names_the_keys_it_removed(world: World) -> None:
    """A closed day drops its setups; the dropped keys are among the changed ones."""
    changed = apply(world.projection, world.event("DayClosed", "ana", counts={"L1": 12, "L2": 18}))
    assert {"setup:E1", "setup:D1", "setup:B1"} <= changed
    assert "setup:E1" not in world.projection.records()


def test_the_projection_does_not_grow_with_the_ledger() -> None:
    """Ten shoot days leave as many records, of the same size, as two."""

    def a_day(world: World, day: int) -> None:
        date = f"2026-12-{day:02d}"
        world.now = START.replace(month=12, day=day)
        from protocol_world import CALL_SHEET, SAFE_CREW, plan, sheet

        world.ok("DayOpened", None, date=date, call_sheet=sheet(CALL_SHEET))
        world.ok(
            "SetupPlanned",
            "dee",
            **plan("B1", "W2", "blanks", lot_id="L2", rounds=1, people_near=SAFE_CREW),
        )
        world.meeting("B1")
        world.record("WeaponTakenOut", "cam", weapon="W2", setup="B1")  # a refusal, recorded
        world.ok("ConcernRaised", "cam", text="why", anonymous=False, stop_work=False)
        world.ok("ConcernAnswered", "sam", concern=day, answer="because")
        world.ok("WeaponTakenOut", "ana", weapon="W2", setup="B1")
        world.inspect("W2", EMPTY6)
        world.ok("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1])
        world.inspect("W2", ["L2", *EMPTY6[1:]], "rio")
        world.ok("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
        world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False)
        world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
        world.ok("BarrelChecked", "ana", weapon="W2", clear=True)
        world.ok("WeaponReturnedToStorage", "ana", weapon="W2", storage="S1")
        lots = world.projection.lots()
        world.ok("DayClosed", "ana", counts={i: rec["in_storage"] for i, rec in lots})

    world = World.day()
    world.ok("DayClosed", "ana", counts={"L1": 12, "L2": 18})
    sizes, counters = [], []
    for day in range(1, 11):
        a_day(world, day)
        records = dict(world.projection.records())
        # The production's counters (entries, refusals, concerns) gain digits, nothing more.
        counters.append(len(json.dumps(records.pop("meta"))))
        sizes.append((len(records), len(json.dumps(records))))
    assert len(world.events) > 150
    assert sizes[1] == sizes[-1]
    assert counters[-1] - counters[1] <= 8


def test_a_misfired_round_stays_in_its_chamber_until_unloaded(world: World) -> None:
    """A misfire is not a shot: the round is still in the weapon and still counted there."""
    world.ready_with_blanks()
    world.ok("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    world.record("WeaponDischarged", "rio", weapon="W2", chambers=[1], intended=True, misfire=True)
    weapon, lot = world.projection.weapon("W2"), world.projection.lot("L2")
    assert weapon is not None and lot is not None
    assert weapon["chambers"][0] == "L2"
    assert weapon["state"] == "UNKNOWN"
    assert (lot["in_weapons"], lot["expended"]) == (3, 0)
