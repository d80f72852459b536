"""Ammunition rules: each refusal next to the compliant way of doing the same thing."""

from __future__ import annotations

from protocol_world import EMPTY6, SAFE_CREW, World, lot, plan, refused_by

from showclear.protocol import fold


def test_a_lot_of_live_rounds_is_refused(world: World) -> None:
    """AMMO-NO-LIVE: live ammunition is never received."""
    decision = world.record("LotReceived", "ana", **lot("L9", "live", 50))
    assert refused_by(decision) == {"AMMO-NO-LIVE"}
    assert world.projection.lot("L9") is None


def test_a_lot_of_blanks_with_its_papers_is_received(world: World) -> None:
    """AMMO-NO-LIVE, compliant: blanks are received and counted in storage."""
    world.ok("LotReceived", "ana", **lot("L3", "blank", 24))
    stored = world.projection.lot("L3")
    assert stored is not None
    assert (stored["received"], stored["in_storage"]) == (24, 24)


def test_live_rounds_found_are_recorded_and_open_an_incident(world: World) -> None:
    """AMMO-NO-LIVE: recording live rounds found is allowed and always opens an incident."""
    decision = world.record("LiveRoundsFound", "ana", count=1, where="dummy box", lot="L1")
    assert decision.outcome == "warned"
    assert [e["type"] for e in decision.events] == ["LiveRoundsFound", "IncidentReported"]
    assert world.projection.ceasefire()["active"]


def test_rounds_of_a_lot_where_live_rounds_were_found_cannot_be_loaded(world: World) -> None:
    """AMMO-NO-LIVE: no round of a lot that held a live round is loaded again."""
    world.ok("DummiesVerified", "ana", lot="L1", count=12, method="rattle")
    world.out_and_checked("W2", "D1")
    world.ok("LiveRoundsFound", "ana", count=1, where="dummy box", lot="L1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1])
    assert refused_by(decision) == {"AMMO-NO-LIVE", "INC-CEASEFIRE"}


def test_a_lot_without_a_documented_origin_is_refused(world: World) -> None:
    """AMMO-SOURCE: rounds of unknown origin (leftovers, personal) are never received."""
    decision = world.record("LotReceived", "ana", **lot("L4", "dummy", 6, origin=None))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "documented origin" in decision.findings[0].message


def test_a_lot_with_supplier_origin_and_count_is_received(world: World) -> None:
    """AMMO-SOURCE, compliant: supplier, origin and count recorded."""
    assert world.record("LotReceived", "ana", **lot("L4", "dummy", 6)).outcome == "allowed"


def test_a_lot_without_a_count_is_refused(world: World) -> None:
    """AMMO-SOURCE: a lot is received with its count."""
    decision = world.record("LotReceived", "ana", **{**lot("L4", "dummy", 6), "count": None})
    assert refused_by(decision) == {"AMMO-SOURCE"}


def test_rounds_of_a_lot_never_received_cannot_be_loaded(world: World) -> None:
    """AMMO-SOURCE: loading from an unknown lot is refused and recorded."""
    world.out_and_checked("W2", "B1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L99", chambers=[1])
    assert "AMMO-SOURCE" in refused_by(decision)
    assert world.events[-1]["type"] == "AttemptRefused"


def test_unverified_dummies_cannot_be_loaded(world: World) -> None:
    """AMMO-DUMMY-VERIFIED: dummies are loaded only once verified inert."""
    world.out_and_checked("W2", "D1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1, 2])
    assert refused_by(decision) == {"AMMO-DUMMY-VERIFIED"}


def test_verified_dummies_are_loaded(world: World) -> None:
    """AMMO-DUMMY-VERIFIED, compliant: the armorer verifies, then loads."""
    world.ok("DummiesVerified", "ana", lot="L1", count=2, method="side_hole")
    world.out_and_checked("W2", "D1")
    assert (
        world.record("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1, 2]).outcome
        == "allowed"
    )
    assert world.projection.weapon_state("W2") == "DUMMY"


def test_a_lot_cannot_supply_more_dummies_than_were_verified(world: World) -> None:
    """AMMO-DUMMY-VERIFIED: two verified dummies cannot fill three chambers."""
    world.ok("DummiesVerified", "ana", lot="L1", count=2, method="rattle")
    world.out_and_checked("W2", "D1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1, 2, 3])
    assert refused_by(decision) == {"AMMO-DUMMY-VERIFIED"}


def test_only_an_armorer_records_dummies_as_verified(world: World) -> None:
    """AMMO-DUMMY-VERIFIED: an assistant director's verification does not count."""
    decision = world.record("DummiesVerified", "dee", lot="L1", count=6, method="rattle")
    assert refused_by(decision) == {"AMMO-DUMMY-VERIFIED"}


def test_a_dummy_that_fires_is_recorded_as_a_violation_with_an_incident(world: World) -> None:
    """AMMO-DUMMY-VERIFIED: a "dummy" that fires (The Crow) is recorded and opens an incident."""
    world.ok("DummiesVerified", "ana", lot="L1", count=6, method="rattle")
    world.out_and_checked("W2", "D1")
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1])
    decision = world.record(
        "WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False
    )
    assert decision.outcome == "warned"
    assert decision.events[0]["violations"] == ["AMMO-DUMMY-VERIFIED"]
    assert decision.events[1]["kind"] == "unintended_discharge"


def test_rounds_of_another_caliber_cannot_be_loaded(world: World) -> None:
    """AMMO-CALIBER: 9mm dummies do not go into a .45 Colt revolver."""
    world.ok("LotReceived", "ana", **lot("L6", "dummy", 6, caliber="9mm"))
    world.ok("DummiesVerified", "ana", lot="L6", count=6, method="rattle")
    world.out_and_checked("W2", "D1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L6", chambers=[1])
    assert "AMMO-CALIBER" in refused_by(decision)


def test_rounds_of_the_weapons_caliber_are_loaded(world: World) -> None:
    """AMMO-CALIBER, compliant: the caliber matches (spelling and case aside)."""
    world.ok("LotReceived", "ana", **lot("L3", "blank", 6, caliber=".45  colt"))
    world.ok("SetupPlanned", "dee", **plan("X2", "W2", "blanks", people_near=SAFE_CREW))
    world.meeting("X2")
    world.out_and_checked("W2", "X2")
    assert (
        world.record("RoundsLoaded", "ana", weapon="W2", lot="L3", chambers=[1]).outcome
        == "allowed"
    )


def test_a_setup_planning_rounds_of_another_caliber_is_refused(world: World) -> None:
    """AMMO-CALIBER: the mismatch is caught when the setup is planned."""
    world.ok("LotReceived", "ana", **lot("L6", "blank", 6, caliber="9mm"))
    decision = world.record("SetupPlanned", "dee", **plan("X1", "W2", "blanks", lot_id="L6"))
    assert refused_by(decision) == {"AMMO-CALIBER"}


def test_closing_the_day_with_a_round_difference_is_refused_and_opens_an_incident(
    world: World,
) -> None:
    """AMMO-COUNT: a count that differs from the ledger is refused and opens an incident."""
    decision = world.record("DayClosed", "ana", counts={"L1": 12, "L2": 17})
    assert refused_by(decision) == {"AMMO-COUNT"}
    incident = decision.events[-1]
    assert incident["type"] == "IncidentReported"
    assert incident["differences"] == {"L2": -1}
    assert world.projection.ceasefire()["active"]
    assert world.projection.open_day() is not None


def test_closing_the_day_with_every_round_accounted_for_is_allowed(world: World) -> None:
    """AMMO-COUNT, compliant: received = storage + weapons + expended + returned + destroyed."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1, 2], intended=True, misfire=False)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    world.ok("BarrelChecked", "ana", weapon="W2", clear=True)
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[3])
    world.ok("WeaponReturnedToStorage", "ana", weapon="W2", storage="S1")
    world.ok("RoundsDestroyed", "ana", lot="L2", count=1, method="burned")
    assert world.record("DayClosed", "ana", counts={"L1": 12, "L2": 15}).outcome == "allowed"
    blanks = world.projection.lot("L2")
    assert blanks is not None
    counts = dict(blanks)
    places = ("in_storage", "in_weapons", "expended", "returned", "destroyed", "missing")
    assert blanks["received"] == sum(int(counts[k]) for k in places)  # type: ignore[call-overload]


def test_moving_more_rounds_than_storage_holds_is_refused(world: World) -> None:
    """AMMO-COUNT: rounds the ledger does not have in storage cannot be destroyed."""
    decision = world.record("RoundsDestroyed", "ana", lot="L2", count=19, method="burned")
    assert refused_by(decision) == {"AMMO-COUNT"}


def test_an_inspection_that_disagrees_with_the_ledger_is_refused_and_opens_an_incident(
    world: World,
) -> None:
    """AMMO-COUNT: a chamber recorded loaded but seen empty is an unaccounted round."""
    world.out_and_checked("W2", "B1")
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1])
    decision = world.inspect("W2", EMPTY6)
    assert refused_by(decision) == {"AMMO-COUNT"}
    assert decision.events[-1]["kind"] == "round_count_difference"


def test_missing_rounds_are_written_off_only_after_the_review(world: World) -> None:
    """AMMO-COUNT: the safety coordinator writes off a lost round once the incident is reviewed."""
    world.record("DayClosed", "ana", counts={"L1": 12, "L2": 17})
    early = world.record(
        "RoundsMissingRecorded", "sam", lot="L2", count=1, incident=1, reason="lost"
    )
    assert refused_by(early) == {"AMMO-COUNT"}
    world.ok("ReviewRecorded", "sam", incident=1, role="safety_coordinator", findings="searched")
    world.ok("ReviewRecorded", "pat", incident=1, role="producer", findings="agreed")
    world.ok("RoundsMissingRecorded", "sam", lot="L2", count=1, incident=1, reason="lost")
    assert world.record("DayClosed", "ana", counts={"L1": 12, "L2": 17}).outcome == "allowed"
    assert world.projection == fold(world.events)
