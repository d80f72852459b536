"""Ammunition rules: each refusal next to the compliant way of doing the same thing."""

from __future__ import annotations

import pytest
from protocol_world import EMPTY6, SAFE_CREW, World, lot, plan, refused_by

from showclear.protocol import fold
from showclear.protocol.projection import lot_balance


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
    assert refused_by(decision) == {"AMMO-NO-LIVE", "AMMO-SUSPECT", "INC-CEASEFIRE"}


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


# -- AMMO-SOURCE: the supplier list, documented origins, no personal ammunition ---------


@pytest.mark.parametrize("placeholder", ["unknown", " None ", "N/A", "-", "?", "LOOSE", ""])
def test_a_placeholder_origin_is_no_origin(world: World, placeholder: str) -> None:
    """AMMO-SOURCE: "unknown", "-", "n/a" ... (any case, spaces ignored) are refused."""
    decision = world.record("LotReceived", "ana", **lot("L4", "dummy", 6, origin=placeholder))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "documented origin" in decision.findings[0].message


def test_a_placeholder_supplier_is_no_supplier(world: World) -> None:
    """AMMO-SOURCE: supplier "unknown" and origin "unknown" is the issue's accepted lot."""
    decision = world.record(
        "LotReceived", "ana", **lot("L4", "dummy", 6, supplier="unknown", origin="unknown")
    )
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "a supplier and a documented origin" in decision.findings[0].message


def test_a_supplier_not_on_the_list_is_refused(world: World) -> None:
    """AMMO-SOURCE: a lot's supplier is on the production's supplier list."""
    decision = world.record("LotReceived", "ana", **lot("L4", "dummy", 6, supplier="Gun shop"))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "not on the production's supplier list" in decision.findings[0].message
    assert "supplier add" in decision.findings[0].remedy


def test_a_listed_supplier_no_producer_approved_is_refused(world: World) -> None:
    """AMMO-SOURCE: listed is not enough; a producer approves the supplier."""
    world.ok("SupplierListed", "ana", supplier="acme", name="Acme", licence="L-1", contact="x")
    decision = world.record("LotReceived", "ana", **lot("L4", "dummy", 6, supplier="acme"))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "no producer has approved it" in decision.findings[0].message
    world.ok("SupplierApproved", "pat", supplier="acme")
    assert world.record("LotReceived", "ana", **lot("L4", "dummy", 6, supplier="acme")).outcome == (
        "allowed"
    )


def test_a_supplier_is_named_by_its_id_or_its_name(world: World) -> None:
    """AMMO-SOURCE, compliant: "western-props" and "western props ltd" name the same supplier."""
    world.ok("LotReceived", "ana", **lot("L4", "dummy", 6, supplier="western-props"))
    world.ok("LotReceived", "ana", **lot("L5", "dummy", 6, supplier=" western  PROPS ltd"))


def test_only_the_armorer_or_property_master_lists_and_only_a_producer_approves(
    world: World,
) -> None:
    """AMMO-SOURCE: two entries by two people, each in their role."""
    supplier = {"supplier": "acme", "name": "Acme", "licence": "L-1", "contact": "x"}
    assert refused_by(world.record("SupplierListed", "dee", **supplier)) == {"AMMO-SOURCE"}
    world.ok("SupplierListed", "bo", **supplier)
    assert refused_by(world.record("SupplierApproved", "sam", supplier="acme")) == {"AMMO-SOURCE"}
    world.ok("SupplierApproved", "pat", supplier="acme")


def test_a_supplier_without_a_licence_is_refused(world: World) -> None:
    """AMMO-SOURCE: a supplier is listed with its licence or registration."""
    supplier = {"supplier": "acme", "name": "Acme", "licence": "n/a", "contact": "x"}
    decision = world.record("SupplierListed", "ana", **supplier)
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "licence or registration" in decision.findings[0].message


def test_personal_ammunition_is_refused(world: World) -> None:
    """AMMO-SOURCE: rounds marked personal are never received, whatever their papers."""
    decision = world.record("LotReceived", "ana", **lot("L4", "blank", 6, personal=True))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "personal ammunition" in decision.findings[0].message


def test_rounds_a_performer_brings_are_personal_ammunition(world: World) -> None:
    """AMMO-SOURCE: a supplier that is a person of the production (Tombstone) is refused."""
    decision = world.record("LotReceived", "ana", **lot("L4", "blank", 6, supplier="Rio Banks"))
    assert refused_by(decision) == {"AMMO-SOURCE"}
    assert "Rio Banks's own ammunition" in decision.findings[0].message


def test_every_broken_ammunition_rule_of_a_receipt_is_cited(world: World) -> None:
    """A live lot of unknown origin breaks AMMO-NO-LIVE and AMMO-SOURCE: both are cited."""
    decision = world.record(
        "LotReceived", "ana", **lot("L9", "live", 50, supplier="-", origin="loose")
    )
    assert refused_by(decision) == {"AMMO-NO-LIVE", "AMMO-SOURCE"}


# -- AMMO-SUSPECT: the Rust case, and misfired rounds ----------------------------------


def _six_dummies_in_w2(world: World) -> None:
    world.ok("DummiesVerified", "ana", lot="L1", count=12, method="rattle")
    world.out_and_checked("W2", "D1")
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1, 2, 3, 4, 5, 6])


def _review(world: World, incident: int) -> None:
    world.ok("ReviewRecorded", "sam", incident=incident, role="safety_coordinator", findings="f")
    world.ok("ReviewRecorded", "pat", incident=incident, role="producer", findings="f")


def test_the_rust_case_is_refused(world: World) -> None:
    """AMMO-SUSPECT: six dummies loaded; a live round is found in their lot's box; after the
    reviews lift the cease-fire, a show-clear with the same six rounds and a handoff to the
    actor is refused: the rounds in the weapon are quarantined."""
    _six_dummies_in_w2(world)
    world.ok("LiveRoundsFound", "ana", count=1, where="the dummies box", lot="L1")
    suspect = world.projection.lot("L1")
    assert suspect is not None and suspect["suspect"] is not None
    assert suspect["suspect"]["reason"] == "a live round was found in it"
    weapon = world.projection.weapon("W2")
    assert weapon is not None
    assert (weapon["state"], weapon["quarantine"]) == ("UNKNOWN", "holds rounds of suspect lot L1")
    _review(world, 1)
    assert not world.projection.ceasefire()["active"]
    world.inspect("W2", ["L1"] * 6, "rio")
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert "AMMO-SUSPECT" in refused_by(decision)
    assert "holds rounds of suspect lot L1" in " ".join(f.message for f in decision.findings)
    assert world.projection == fold(world.events)


def test_the_rust_case_done_right(world: World) -> None:
    """AMMO-SUSPECT, compliant: unload the suspect rounds, return the lot, load from a
    verified lot that is not suspect; the weapon then goes to the actor."""
    _six_dummies_in_w2(world)
    world.ok("LiveRoundsFound", "ana", count=1, where="the dummies box", lot="L1")
    _review(world, 1)
    assert refused_by(
        world.record("WeaponReturnedToStorage", "ana", weapon="W2", storage="S1")
    ) == {"AMMO-SUSPECT"}
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[1, 2, 3, 4, 5, 6])
    world.ok("RoundsReturnedToSupplier", "ana", lot="L1", count=12, reference="RMA 1")
    world.ok("LotReceived", "ana", **lot("L7", "dummy", 6))
    world.ok("DummiesVerified", "ana", lot="L7", count=6, method="rattle")
    assert "AMMO-SUSPECT" in refused_by(
        world.record("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1])
    )
    world.ok("SetupChanged", "dee", **plan("D1", "W2", "dummies", lot_id="L7", rounds=6))
    world.meeting("D1")
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L7", chambers=[1, 2, 3, 4, 5, 6])
    world.inspect("W2", ["L7"] * 6, "rio")
    world.ok("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert world.projection.weapon_state("W2") == "DUMMY"


def test_a_live_round_found_in_a_weapon_makes_the_lots_it_holds_suspect(world: World) -> None:
    """AMMO-SUSPECT: a live round among a lot's rounds (in a weapon) makes the lot suspect."""
    _six_dummies_in_w2(world)
    world.ok("LiveRoundsFound", "ana", count=1, where="chamber 3 of W2", weapon="W2")
    found = world.projection.lot("L1")
    assert found is not None and found["suspect"] is not None


def test_a_suspect_dummy_lot_is_reverified_round_by_round(world: World) -> None:
    """AMMO-SUSPECT: a dummy lot whose count was off supplies again once every remaining
    round is re-verified, after the incident is reviewed and its rounds are unloaded."""
    _six_dummies_in_w2(world)
    world.record("DayClosed", "ana", counts={"L1": 11, "L2": 18})
    lot1 = world.projection.lot("L1")
    assert lot1 is not None and lot1["suspect"] is not None
    early = world.record("LotReverified", "ana", lot="L1", count=6, method="rattle")
    assert refused_by(early) == {"AMMO-SUSPECT"}
    assert "still in weapons" in early.findings[0].message
    assert "not reviewed yet" in early.findings[0].message
    _review(world, 1)
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[1, 2, 3, 4, 5, 6])
    wrong = world.record("LotReverified", "ana", lot="L1", count=6, method="rattle")
    assert "every one is checked, not 6" in wrong.findings[0].message
    world.ok("LotReverified", "ana", lot="L1", count=12, method="side_hole")
    lot1 = world.projection.lot("L1")
    assert lot1 is not None and lot1["suspect"] is None
    world.ok("RoundsLoaded", "ana", weapon="W2", lot="L1", chambers=[1])


def test_a_squib_makes_its_blank_lot_suspect(world: World) -> None:
    """AMMO-SUSPECT: a blank that squibs behaved unlike its kind."""
    world.with_performer()
    world.record("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True,
                 misfire=False, squib=True)  # fmt: skip
    blanks = world.projection.lot("L2")
    assert blanks is not None and blanks["suspect"] is not None
    assert world.projection.quarantine("W2") == "holds rounds of suspect lot L2"


def test_a_weapon_holding_suspect_rounds_that_fires_is_a_violation(world: World) -> None:
    """AMMO-SUSPECT: the discharge is recorded (a fact) with the violation and an incident."""
    world.with_performer()
    world.ok("LiveRoundsFound", "ana", count=1, where="the blanks box", lot="L2")
    decision = world.record(
        "WeaponDischarged", "rio", weapon="W2", chambers=[1], intended=True, misfire=False
    )
    assert "AMMO-SUSPECT" in decision.events[0]["violations"]
    assert decision.events[1]["type"] == "IncidentReported"


def test_a_misfired_round_is_quarantined_not_returned_to_stock(world: World) -> None:
    """AMMO-SUSPECT: a misfire does not make the lot suspect, but its round goes to the
    lot's quarantine when unloaded, and only destroying or returning it clears it."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[2], intended=True, misfire=True)
    blanks = world.projection.lot("L2")
    assert blanks is not None and blanks["suspect"] is None
    assert world.projection.quarantine("W2") == "holds a misfired round in chamber 2"
    refused = world.record("WeaponHandedOver", "rio", **world.hand("W2", "rio", "kit"))
    assert "AMMO-SUSPECT" in refused_by(refused)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[1, 2, 3])
    blanks = world.projection.lot("L2")
    assert blanks is not None
    assert (blanks["in_storage"], blanks["quarantined"]) == (17, 1)
    assert world.projection.quarantine("W2") is None
    too_many = world.record(
        "RoundsDestroyed", "ana", lot="L2", count=2, method="burned", quarantined=True
    )
    assert refused_by(too_many) == {"AMMO-COUNT"}
    world.ok("RoundsDestroyed", "ana", lot="L2", count=1, method="burned", quarantined=True)
    blanks = world.projection.lot("L2")
    assert blanks is not None and (blanks["quarantined"], blanks["destroyed"]) == (0, 1)
    accounted, balanced = lot_balance(blanks)
    assert (accounted, balanced) == (18, True)
