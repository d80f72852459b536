"""Weapons and custody rules: each refusal next to the compliant way."""

from __future__ import annotations

from protocol_world import CALL_SHEET, World, refused_by, sheet, weapon

from showclear.protocol import Policy, decide


def test_a_personal_weapon_is_refused(world: World) -> None:
    """CUS-INVENTORY: no personal weapons."""
    decision = world.record(
        "WeaponReceived", "ana", **{**weapon("W7", "functional_firearm", 6), "personal": True}
    )
    assert refused_by(decision) == {"CUS-INVENTORY"}


def test_a_weapon_rented_by_the_production_is_received(world: World) -> None:
    """CUS-INVENTORY, compliant: received with serial, category, caliber and capacity."""
    assert (
        world.record("WeaponReceived", "ana", **weapon("W7", "functional_firearm", 6)).outcome
        == "allowed"
    )
    assert world.projection.weapon_state("W7") == "UNKNOWN"


def test_a_weapon_without_a_serial_is_refused(world: World) -> None:
    """CUS-INVENTORY: the serial number is recorded at receipt."""
    decision = world.record(
        "WeaponReceived", "ana", **{**weapon("W7", "blank_firing", 6), "serial": " "}
    )
    assert refused_by(decision) == {"CUS-INVENTORY"}


def test_a_weapon_not_in_inventory_cannot_be_taken_out(world: World) -> None:
    """CUS-INVENTORY: using a weapon never received is refused, and the attempt recorded."""
    decision = world.record("WeaponTakenOut", "ana", weapon="W9", setup="B1")
    assert refused_by(decision) == {"CUS-INVENTORY"}


def test_only_the_handler_on_duty_takes_a_weapon_out(world: World) -> None:
    """CUS-HANDLER: a camera operator cannot take a weapon out of storage."""
    assert refused_by(world.record("WeaponTakenOut", "cam", weapon="W2", setup="B1")) == {
        "CUS-HANDLER"
    }


def test_the_handler_on_duty_takes_a_weapon_out(world: World) -> None:
    """CUS-HANDLER, compliant: the armorer on the call sheet as handler."""
    assert world.record("WeaponTakenOut", "ana", weapon="W2", setup="B1").outcome == "allowed"
    assert world.projection.holder("W2") == "ana"


def test_an_assistant_director_never_hands_a_weapon_to_a_performer(world: World) -> None:
    """CUS-HANDLER: the AD never hands a weapon over (Rust, F5); the custody gap is recorded.

    Every rule the attempt breaks is cited: the weapon was never shown clear to the
    performer (CUS-SHOW-CLEAR) and no setup plans them to use it (PLAN-SETUP).
    """
    decision = world.record("WeaponHandedOver", "dee", **world.hand("W1", "dee", "rio"))
    assert refused_by(decision) == {"CUS-HANDLER", "CUS-TWO-PARTY", "CUS-SHOW-CLEAR", "PLAN-SETUP"}
    assert decision.events[-1]["type"] == "CustodyGapRecorded"
    assert world.projection.holder("W1") == "dee"
    assert world.projection.weapon_state("W1") == "UNKNOWN"


def test_an_assistant_director_gives_a_weapon_back_to_the_handler(world: World) -> None:
    """CUS-HANDLER, compliant: from the AD, a weapon goes back to the handler."""
    world.record("WeaponHandedOver", "dee", **world.hand("W1", "dee", "rio"))
    assert (
        world.record("WeaponHandedOver", "dee", **world.hand("W1", "dee", "ana")).outcome
        == "allowed"
    )


def test_the_handler_does_not_give_a_weapon_to_crew(world: World) -> None:
    """CUS-HANDLER: weapons go only to performers or other handlers."""
    world.out_and_checked("W1", "E1")
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W1", "ana", "cam"))
    assert "CUS-HANDLER" in refused_by(decision)


def test_a_call_sheet_cannot_make_a_non_armorer_the_handler(world: World) -> None:
    """CUS-HANDLER: only an armorer or property master is designated handler."""
    decision = world.record(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "dee": ["handler"]})
    )
    assert refused_by(decision) == {"CUS-HANDLER", "PLAN-PERMIT"}


def test_a_handover_the_receiver_has_not_confirmed_is_refused(world: World) -> None:
    """CUS-TWO-PARTY: the receiver confirms with their own credential."""
    world.ready_with_blanks()
    decision = world.record(
        "WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio", confirmed=False)
    )
    assert refused_by(decision) == {"CUS-TWO-PARTY"}
    assert world.projection.holder("W2") == "ana"


def test_a_handover_both_people_confirmed_moves_the_weapon(world: World) -> None:
    """CUS-TWO-PARTY, compliant: giver records, receiver confirms; one place at a time."""
    world.ready_with_blanks()
    assert (
        world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio")).outcome
        == "allowed"
    )
    assert world.projection.weapon("W2")["location"] == "person:rio"  # type: ignore[index]


def test_the_giver_records_the_handover_themselves(world: World) -> None:
    """CUS-TWO-PARTY: the handler cannot record a return on the performer's behalf."""
    world.with_performer()
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "rio", "ana"))
    assert refused_by(decision) == {"CUS-TWO-PARTY"}


def test_a_weapon_held_by_someone_cannot_be_taken_out_of_storage(world: World) -> None:
    """CUS-TWO-PARTY: a weapon is in exactly one place."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    assert "CUS-TWO-PARTY" in refused_by(
        world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    )


def test_a_weapon_without_an_inspection_does_not_go_to_a_performer(world: World) -> None:
    """CUS-SHOW-CLEAR: never inspected since it was received."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W1", "ana", "rio"))
    assert refused_by(decision) == {"CUS-SHOW-CLEAR"}
    assert "never had a show-clear" in decision.findings[0].message


def test_a_weapon_goes_to_a_performer_straight_after_a_confirmed_show_clear(world: World) -> None:
    """CUS-SHOW-CLEAR, compliant: inspected, shown, confirmed, handed over."""
    world.ready_with_blanks()
    assert (
        world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio")).outcome
        == "allowed"
    )


def test_a_show_clear_older_than_the_policy_window_is_refused(world: World) -> None:
    """CUS-SHOW-CLEAR: at most 10 minutes old by default."""
    world.ready_with_blanks()
    world.tick(10)
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert refused_by(decision) == {"CUS-SHOW-CLEAR"}
    assert "10 minutes" in decision.findings[0].message


def test_anything_after_the_show_clear_voids_it(world: World) -> None:
    """CUS-SHOW-CLEAR: the inspection must be the weapon's last event before the handoff."""
    world.ready_with_blanks()
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[3])
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert refused_by(decision) == {"CUS-SHOW-CLEAR"}


def test_a_show_clear_shown_to_another_performer_does_not_count(world: World) -> None:
    """CUS-SHOW-CLEAR: the performer who receives is the one who confirmed."""
    world.ready_with_blanks(performer="kit")
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert refused_by(decision) == {"CUS-SHOW-CLEAR"}


def test_an_unknown_weapon_cannot_be_loaded_before_inspection(world: World) -> None:
    """CUS-SHOW-CLEAR: a weapon in state UNKNOWN only goes back to the armorer for inspection;
    its barrel was never checked clear either (CUS-BARREL)."""
    world.ok("WeaponTakenOut", "ana", weapon="W2", setup="B1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1])
    assert refused_by(decision) == {"CUS-SHOW-CLEAR", "CUS-BARREL"}


def test_a_weapon_that_fired_cannot_be_loaded_before_its_barrel_check(world: World) -> None:
    """CUS-BARREL: a weapon that fired is UNKNOWN until the barrel is checked."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    assert world.projection.weapon_state("W2") == "UNKNOWN"
    assert refused_by(world.record("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1])) == {
        "CUS-BARREL"
    }


def test_a_weapon_whose_barrel_was_checked_after_firing_is_loaded_again(world: World) -> None:
    """CUS-BARREL, compliant: barrel checked clear after the firing sequence."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    world.ok("BarrelChecked", "ana", weapon="W2", clear=True)
    assert world.projection.weapon_state("W2") == "HOT"
    assert (
        world.record("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1]).outcome
        == "allowed"
    )


def test_firing_again_without_a_barrel_check_is_a_violation(world: World) -> None:
    """CUS-BARREL: a second firing sequence without a check is recorded and opens an incident."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False)
    decision = world.record(
        "WeaponDischarged", "ana", weapon="W2", chambers=[2], intended=True, misfire=False
    )
    assert decision.events[0]["violations"] == ["CUS-BARREL"]
    assert world.projection.ceasefire()["active"]


def test_an_obstructed_barrel_opens_an_incident(world: World) -> None:
    """CUS-BARREL: a barrel not clear is recorded (a fact) and opens a squib incident."""
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=False)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    decision = world.record("BarrelChecked", "ana", weapon="W2", clear=False)
    assert decision.outcome == "warned"
    assert decision.events[-1]["kind"] == "squib"
    assert world.projection.weapon_state("W2") == "UNKNOWN"


def test_a_meal_break_with_a_weapon_outside_storage_is_refused(world: World) -> None:
    """CUS-SECURED: a weapon not in use is locked away."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    decision = world.record("MealBreakCalled", "dee")
    assert refused_by(decision) == {"CUS-SECURED"}
    assert decision.findings[0].overridable


def test_a_meal_break_with_every_weapon_in_storage_is_allowed(world: World) -> None:
    """CUS-SECURED, compliant: return the weapons first."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    world.ok("WeaponReturnedToStorage", "ana", weapon="W1", storage="S1")
    assert world.record("MealBreakCalled", "dee").outcome == "allowed"


def test_a_weapon_is_never_put_in_storage_that_cannot_be_locked(world: World) -> None:
    """CUS-SECURED: storage must be lockable."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    decision = world.record("WeaponReturnedToStorage", "ana", weapon="W1", storage="S2")
    assert refused_by(decision) == {"CUS-SECURED"}
    assert not decision.findings[0].overridable


def test_a_weapon_found_unattended_becomes_unknown_and_opens_an_incident(world: World) -> None:
    """CUS-SECURED: found unattended is recorded, the weapon UNKNOWN, an incident opened."""
    world.out_and_checked("W1", "E1")
    decision = world.record(
        "WeaponFoundUnattended", "cam", weapon="W1", where="on a chair", secured_by="ana"
    )
    assert decision.outcome == "warned"
    assert decision.events[-1]["kind"] == "unattended_weapon"
    assert world.projection.weapon_state("W1") == "UNKNOWN"


def test_a_handler_with_another_duty_is_warned_when_taking_a_weapon_out(world: World) -> None:
    """CUS-SOLE-DUTY: a warning by default."""
    world.ok(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "ana": ["handler", "props"]})
    )
    decision = world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    assert decision.outcome == "warned"
    assert decision.events[-1]["warnings"] == ["CUS-SOLE-DUTY"]


def test_a_handler_with_another_duty_is_refused_when_the_policy_blocks(world: World) -> None:
    """CUS-SOLE-DUTY: block by policy."""
    world.ok("PolicyChanged", "pat", changes={"sole_duty": "block"})
    world.ok(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "ana": ["handler", "props"]})
    )
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "CUS-SOLE-DUTY"
    }


def test_a_handler_with_no_other_duty_takes_a_weapon_out_without_warning(world: World) -> None:
    """CUS-SOLE-DUTY, compliant: handling is the handler's only duty."""
    world.ok("PolicyChanged", "pat", changes={"sole_duty": "block"})
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1").outcome == "allowed"


def test_giving_a_handler_another_duty_while_a_weapon_is_out_is_warned(world: World) -> None:
    """CUS-SOLE-DUTY: checked when the call sheet changes too."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    decision = world.record(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "ana": ["handler", "props"]})
    )
    assert decision.rule_ids == ["CUS-SOLE-DUTY"]


def test_a_performer_cannot_pass_a_weapon_to_another_performer(world: World) -> None:
    """CUS-RETURN: performer-to-performer transfers are refused; the performer is no handler
    (CUS-HANDLER) and the weapon reaches the other performer without a show-clear
    (CUS-SHOW-CLEAR) or a plan (PLAN-SETUP): every broken rule is cited."""
    world.with_performer()
    assert refused_by(
        world.record("WeaponHandedOver", "rio", **world.hand("W2", "rio", "kit"))
    ) == {"CUS-RETURN", "CUS-HANDLER", "CUS-SHOW-CLEAR", "PLAN-SETUP"}


def test_a_performer_returns_the_weapon_to_a_handler(world: World) -> None:
    """CUS-RETURN, compliant: back to the handler."""
    world.with_performer()
    assert (
        world.record("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana")).outcome
        == "allowed"
    )


def test_a_setup_cannot_end_while_a_performer_holds_its_weapon(world: World) -> None:
    """CUS-RETURN: on cut or end of setup the performer returns the weapon."""
    world.with_performer()
    assert refused_by(world.record("SetupCompleted", "dee", setup="B1")) == {"CUS-RETURN"}
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    assert world.record("SetupCompleted", "dee", setup="B1").outcome == "allowed"


def test_the_show_clear_window_follows_the_policy(world: World) -> None:
    """CUS-SHOW-CLEAR: a stricter policy window (5 minutes) is enforced."""
    world.ok("PolicyChanged", "pat", changes={"show_clear_validity_minutes": 5})
    world.ready_with_blanks()
    world.tick(6)
    proposed = world.event("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert decide(world.projection, proposed).outcome == "refused"
    assert world.projection.policy() == Policy(show_clear_validity_minutes=5)


def test_a_repeated_handover_is_refused_without_moving_the_weapon(world: World) -> None:
    """A double-submitted handover is refused and leaves the weapon with its receiver."""
    world.with_performer("rio")
    again = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert again.outcome == "refused"
    assert "CUS-TWO-PARTY" in refused_by(again)
    assert [e["type"] for e in again.events] == ["AttemptRefused"]
    assert world.projection.holder("W2") == "rio"
