"""Plans, people and places: each refusal or warning next to the compliant way."""

from __future__ import annotations

from typing import Any

from protocol_world import CALL_SHEET, SAFE_CREW, World, lot, plan, refused_by, sheet


def near(distance_cm: int, **flags: Any) -> list[dict[str, Any]]:
    person = {"who": "boom operator", "distance_cm": distance_cm}
    person.update({"eye_protection": True, "hearing_protection": True})
    person.update(flags)
    return [person]


def test_a_weapon_leaves_storage_only_for_a_setup(world: World) -> None:
    """PLAN-SETUP: no setup, no weapon (Rust, F7)."""
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W2", setup=None)) == {
        "PLAN-SETUP"
    }


def test_a_weapon_leaves_storage_for_a_setup_that_declares_it(world: World) -> None:
    """PLAN-SETUP, compliant: the setup names the weapon, its load and performer."""
    assert world.record("WeaponTakenOut", "ana", weapon="W2", setup="B1").outcome == "allowed"
    assert world.projection.weapon("W2")["setup"] == "B1"  # type: ignore[index]


def test_a_setup_that_does_not_declare_the_weapon_is_refused(world: World) -> None:
    """PLAN-SETUP: setup E1 plans W1, not W2."""
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W2", setup="E1")) == {
        "PLAN-SETUP"
    }


def test_loading_other_than_the_planned_load_is_refused(world: World) -> None:
    """PLAN-SETUP: setup D1 plans dummies, not blanks."""
    world.out_and_checked("W2", "D1")
    assert refused_by(world.record("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1])) == {
        "PLAN-SETUP"
    }


def test_loading_more_rounds_than_planned_is_refused(world: World) -> None:
    """PLAN-SETUP: setup B1 plans three blanks."""
    world.out_and_checked("W2", "B1")
    decision = world.record("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1, 2, 3, 4])
    assert refused_by(decision) == {"PLAN-SETUP"}


def test_a_weapon_goes_only_to_the_performer_the_setup_plans(world: World) -> None:
    """PLAN-SETUP: B1 plans Rio, not Kit."""
    world.ready_with_blanks(performer="kit")
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "kit"))
    assert refused_by(decision) == {"PLAN-SETUP"}


def test_no_weapon_leaves_storage_before_a_safety_meeting(world: World) -> None:
    """PLAN-MEETING: a setup nobody met about."""
    world.ok("SetupPlanned", "dee", **plan("X1", "W1", "empty"))
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="X1")) == {
        "PLAN-MEETING"
    }


def test_a_weapon_leaves_storage_after_the_safety_meeting(world: World) -> None:
    """PLAN-MEETING, compliant: attendees confirmed the setup."""
    world.ok("SetupPlanned", "dee", **plan("X1", "W1", "empty"))
    world.meeting("X1")
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="X1").outcome == "allowed"


def test_a_changed_plan_needs_a_new_meeting(world: World) -> None:
    """PLAN-MEETING: a change of performer voids the meeting."""
    world.ok("SetupChanged", "dee", **plan("E1", "W1", "empty", performer="kit"))
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "PLAN-MEETING"
    }
    world.meeting("E1")
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1").outcome == "allowed"


def test_a_restated_plan_without_changes_keeps_its_meeting(world: World) -> None:
    """PLAN-MEETING: only load, performers or direction changes need a new meeting."""
    world.ok("SetupChanged", "dee", **{**plan("E1", "W1", "empty"), "scene": "10 (retake)"})
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1").outcome == "allowed"


def test_a_performer_who_did_not_confirm_at_the_meeting_receives_nothing(world: World) -> None:
    """PLAN-MEETING: each attendee confirms; an unconfirmed performer is refused."""
    world.ok("SetupPlanned", "dee", **plan("X1", "W1", "empty", performer="kit"))
    world.meeting("X1", attendees=("ana", "kit"))
    world.ok("SetupChanged", "dee", **plan("X1", "W1", "empty", performer="rio"))
    world.meeting("X1", attendees=("ana",))
    decision = world.record("WeaponTakenOut", "ana", weapon="W1", setup="X1")
    assert refused_by(decision) == {"PLAN-MEETING"}
    assert "Rio Banks" in decision.findings[0].message


def test_a_rehearsal_with_a_firing_weapon_is_warned(world: World) -> None:
    """PLAN-REHEARSAL: warned by default."""
    decision = world.record("SetupPlanned", "dee", **plan("R1", "W2", "empty", kind="rehearsal"))
    assert decision.outcome == "warned"
    assert decision.rule_ids == ["PLAN-REHEARSAL"]


def test_a_rehearsal_with_a_replica_or_a_stated_reason_is_not_warned(world: World) -> None:
    """PLAN-REHEARSAL, compliant: rubber replica, or a reason in the plan."""
    assert (
        world.record("SetupPlanned", "dee", **plan("R1", "W1", "empty", kind="rehearsal")).outcome
        == "allowed"
    )
    with_reason = plan("R2", "W2", "empty", kind="rehearsal", functional_reason="loading gate spin")
    assert world.record("SetupPlanned", "dee", **with_reason).outcome == "allowed"


def test_a_rehearsal_with_a_firing_weapon_is_refused_under_a_replica_only_policy(
    world: World,
) -> None:
    """PLAN-REHEARSAL: block by policy, unless the safety coordinator overrides it."""
    world.ok("PolicyChanged", "pat", changes={"rehearsal_functional_weapon": "block"})
    assert refused_by(
        world.record("SetupPlanned", "dee", **plan("R1", "W2", "empty", kind="rehearsal"))
    ) == {"PLAN-REHEARSAL"}
    world.ok(
        "OverrideGranted",
        "sam",
        rule="PLAN-REHEARSAL",
        setup="R1",
        reason="Stunt double rehearses the spin.",
    )
    decision = world.record("SetupPlanned", "dee", **plan("R1", "W2", "empty", kind="rehearsal"))
    assert decision.outcome == "warned"
    assert decision.events[-1]["overrides"] == [1]


def test_blanks_pointed_toward_a_person_are_refused(world: World) -> None:
    """PLAN-POINTING: never blanks toward a person, shield or not."""
    target = near(900, in_line_of_fire=True, shielded=True)
    setup = plan(
        "P1",
        "W2",
        "blanks",
        lot_id="L2",
        people_near=target,
        handler_signoff="ana",
        handler_signoff_confirmed=True,
    )
    assert refused_by(world.record("SetupPlanned", "dee", **setup)) == {"PLAN-POINTING"}


def test_dummies_toward_a_shielded_person_with_sign_off_are_allowed(world: World) -> None:
    """PLAN-POINTING, compliant: empty or dummies, shield or remote camera, handler sign-off."""
    target = near(300, in_line_of_fire=True, shielded=True)
    setup = plan(
        "P1",
        "W2",
        "dummies",
        lot_id="L1",
        people_near=target,
        handler_signoff="ana",
        handler_signoff_confirmed=True,
    )
    assert world.record("SetupPlanned", "dee", **setup).outcome == "allowed"


def test_pointing_without_the_handlers_sign_off_is_refused(world: World) -> None:
    """PLAN-POINTING: the handler signs off a setup that points toward a person."""
    target = near(300, in_line_of_fire=True, shielded=True)
    decision = world.record(
        "SetupPlanned", "dee", **plan("P1", "W2", "dummies", people_near=target)
    )
    assert refused_by(decision) == {"PLAN-POINTING"}
    assert "signed it off" in decision.findings[0].message


def test_blanks_toward_a_remote_camera_are_allowed(world: World) -> None:
    """PLAN-POINTING: a remotely operated camera is not a person."""
    camera = [{"who": "crash camera", "distance_cm": 200, "in_line_of_fire": True, "remote": True}]
    setup = plan("P1", "W2", "blanks", lot_id="L2", people_near=camera + SAFE_CREW)
    assert world.record("SetupPlanned", "dee", **setup).outcome == "allowed"


def test_a_person_within_the_minimum_distance_of_blank_fire_is_refused(world: World) -> None:
    """PLAN-DISTANCE: 20 ft (610 cm) by default."""
    decision = world.record(
        "SetupPlanned", "dee", **plan("D9", "W2", "blanks", lot_id="L2", people_near=near(609))
    )
    assert refused_by(decision) == {"PLAN-DISTANCE"}
    assert not decision.findings[0].overridable


def test_everyone_beyond_the_minimum_distance_is_allowed(world: World) -> None:
    """PLAN-DISTANCE, compliant: 610 cm or more."""
    setup = plan("D9", "W2", "blanks", lot_id="L2", people_near=near(610))
    assert world.record("SetupPlanned", "dee", **setup).outcome == "allowed"


def test_a_stricter_distance_policy_is_enforced_at_the_handoff(world: World) -> None:
    """PLAN-DISTANCE: a producer raises the minimum; the planned 900 cm is now too close."""
    world.ready_with_blanks()
    world.ok("PolicyChanged", "pat", changes={"blank_min_distance_cm": 1000})
    world.inspect("W2", ["L2", "L2", "L2", "empty", "empty", "empty"], "rio")
    assert refused_by(
        world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    ) == {"PLAN-DISTANCE"}


def test_a_close_range_load_with_a_shield_is_overridable(world: World) -> None:
    """PLAN-DISTANCE: less than the minimum only with close-range loads and shields, by override."""
    world.ok("LotReceived", "ana", **lot("L7", "blank", 6, close_range=True))
    setup = plan("C1", "W2", "blanks", lot_id="L7", people_near=near(250, shielded=True))
    decision = world.record("SetupPlanned", "dee", **setup)
    assert refused_by(decision) == {"PLAN-DISTANCE"}
    assert decision.findings[0].overridable
    world.ok(
        "OverrideGranted",
        "sam",
        rule="PLAN-DISTANCE",
        setup="C1",
        reason="Shield rated for the load.",
    )
    assert world.record("SetupPlanned", "dee", **setup).outcome == "warned"


def test_people_near_blank_fire_without_protection_are_warned(world: World) -> None:
    """PLAN-PPE: a warning, recorded in the entry."""
    decision = world.record(
        "SetupPlanned",
        "dee",
        **plan("E9", "W2", "blanks", lot_id="L2", people_near=near(900, eye_protection=False)),
    )
    assert decision.outcome == "warned"
    assert decision.events[-1]["warnings"] == ["PLAN-PPE"]


def test_people_near_blank_fire_with_protection_are_not_warned(world: World) -> None:
    """PLAN-PPE, compliant: eye and hearing protection recorded."""
    setup = plan("E9", "W2", "blanks", lot_id="L2", people_near=near(900))
    assert world.record("SetupPlanned", "dee", **setup).outcome == "allowed"


def test_an_untrained_performer_receives_no_weapon(world: World) -> None:
    """PLAN-TRAINED: Lou has no revolver training on record."""
    world.ok("SetupPlanned", "dee", **plan("T1", "W1", "empty", performer="lou"))
    world.meeting("T1")
    world.out_and_checked("W1", "T1")
    world.inspect("W1", [], "lou")
    assert refused_by(
        world.record("WeaponHandedOver", "ana", **world.hand("W1", "ana", "lou"))
    ) == {"PLAN-TRAINED"}


def test_a_trained_performer_receives_the_weapon(world: World) -> None:
    """PLAN-TRAINED, compliant: the training is recorded first."""
    world.ok("SetupPlanned", "dee", **plan("T1", "W1", "empty", performer="lou"))
    world.meeting("T1")
    world.ok("TrainingRecorded", None, person="lou", kind="revolver")
    world.out_and_checked("W1", "T1")
    world.inspect("W1", [], "lou")
    assert (
        world.record("WeaponHandedOver", "ana", **world.hand("W1", "ana", "lou")).outcome
        == "allowed"
    )


def test_a_handler_whose_permit_expired_is_refused_on_the_call_sheet(world: World) -> None:
    """PLAN-PERMIT: Bo's permit expired before the shoot day."""
    decision = world.record(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "bo": ["handler"]})
    )
    assert refused_by(decision) == {"PLAN-PERMIT"}
    assert "expired" in decision.findings[0].message


def test_a_handler_with_a_valid_permit_is_put_on_duty(world: World) -> None:
    """PLAN-PERMIT, compliant: the renewed permit is recorded first."""
    world.ok(
        "PermitRecorded",
        None,
        person="bo",
        permit={"kind": "efp", "number": "EFP-2R", "expires": "2027-10-31"},
    )
    decision = world.record(
        "CallSheetRevised", "dee", call_sheet=sheet({**CALL_SHEET, "bo": ["handler"]})
    )
    assert decision.outcome == "allowed"
