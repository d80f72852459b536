"""Incidents, concerns, overrides and policy changes: refusals next to the compliant way."""

from __future__ import annotations

from protocol_world import World, refused_by

from showclear.protocol import fold


def misfire(world: World) -> None:
    world.with_performer()
    world.ok("WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=True)
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))


def test_a_misfire_is_recorded_and_puts_the_production_in_cease_fire(world: World) -> None:
    """INC-CEASEFIRE: the discharge is recorded, with an incident, and the cease-fire begins."""
    world.with_performer()
    decision = world.record(
        "WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=True, misfire=True
    )
    assert decision.outcome == "warned"
    assert decision.rule_ids == ["INC-CEASEFIRE"]
    assert world.projection.ceasefire() == {
        "active": True,
        "incidents": [1],
        "stop_work_concerns": [],
    }


def test_nothing_leaves_storage_during_a_cease_fire(world: World) -> None:
    """INC-CEASEFIRE: taking out is refused; returning to storage is always allowed."""
    misfire(world)
    # AMMO-SUSPECT: the misfired round is unloaded (to quarantine) before the weapon leaves
    # the handler for storage.
    world.ok("RoundsUnloaded", "ana", weapon="W2", chambers=[1, 2, 3])
    assert (
        world.record("WeaponReturnedToStorage", "ana", weapon="W2", storage="S1").outcome
        == "allowed"
    )
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "INC-CEASEFIRE"
    }


def test_the_cease_fire_lifts_after_the_coordinators_and_a_producers_review(world: World) -> None:
    """INC-CEASEFIRE, compliant: both reviews with findings, then work resumes."""
    misfire(world)
    world.ok("ReviewRecorded", "sam", incident=1, role="safety_coordinator", findings="damp blank")
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "INC-CEASEFIRE"
    }
    world.ok("ReviewRecorded", "pat", incident=1, role="producer", findings="agreed")
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1").outcome == "allowed"
    assert world.projection.incident(1) is None


def test_a_review_by_someone_without_the_role_does_not_count(world: World) -> None:
    """INC-CEASEFIRE: the review comes from the safety coordinator or a producer."""
    misfire(world)
    decision = world.record("ReviewRecorded", "dee", incident=1, role="producer", findings="fine")
    assert refused_by(decision) == {"INC-CEASEFIRE"}


def test_one_person_cannot_review_in_both_roles(world: World) -> None:
    """INC-CEASEFIRE: two different people review."""
    world.ok(
        "PersonRegistered", None, person="max", name="Max", roles=["safety_coordinator", "producer"]
    )
    misfire(world)
    world.ok("ReviewRecorded", "max", incident=1, role="safety_coordinator", findings="ok")
    assert refused_by(
        world.record("ReviewRecorded", "max", incident=1, role="producer", findings="ok")
    ) == {"INC-CEASEFIRE"}


def test_an_incident_reported_by_anyone_puts_the_production_in_cease_fire(world: World) -> None:
    """INC-CEASEFIRE: an injury reported on set stops all use."""
    decision = world.record(
        "IncidentReported", "cam", kind="injury", description="burn from a blank"
    )
    assert decision.events[-1]["incident"] == 1
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "INC-CEASEFIRE"
    }


def test_a_stop_work_concern_stops_weapons_until_answered(world: World) -> None:
    """INC-CONCERN: stop-work acts as a cease-fire; the concern may be anonymous."""
    decision = world.record(
        "ConcernRaised", None, text="cart left alone", anonymous=True, stop_work=True
    )
    assert decision.events[-1]["concern"] == 1
    assert world.projection.concern(1)["raised_by"] is None  # type: ignore[index]
    assert refused_by(world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")) == {
        "INC-CONCERN"
    }


def test_a_concern_answered_in_writing_lets_work_resume(world: World) -> None:
    """INC-CONCERN, compliant: answered by the safety coordinator."""
    world.ok("ConcernRaised", None, text="cart left alone", anonymous=True, stop_work=True)
    world.ok("ConcernAnswered", "sam", concern=1, answer="cart locked from now on")
    assert world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1").outcome == "allowed"


def test_only_the_safety_coordinator_or_a_producer_answers_a_concern(world: World) -> None:
    """INC-CONCERN: an answer by the first AD is refused."""
    world.ok("ConcernRaised", "cam", text="cart left alone", anonymous=False, stop_work=False)
    assert refused_by(world.record("ConcernAnswered", "dee", concern=1, answer="noted")) == {
        "INC-CONCERN"
    }


def test_an_unanswered_concern_is_warned_and_escalates_after_24_hours(world: World) -> None:
    """INC-CONCERN: warned on take-out; escalated to the producers by the next entry after 24 h."""
    world.ok("ConcernRaised", "cam", text="second meeting please", anonymous=False, stop_work=False)
    warned = world.record("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    assert warned.outcome == "warned"
    assert warned.rule_ids == ["INC-CONCERN"]
    world.tick(24 * 60)
    decision = world.record("WeaponReturnedToStorage", "ana", weapon="W1", storage="S1")
    assert [e["type"] for e in decision.events] == ["ConcernEscalated", "WeaponReturnedToStorage"]
    assert world.projection.concern(1)["escalated"]  # type: ignore[index]
    later = world.record("MealBreakCalled", "dee")
    assert [e["type"] for e in later.events] == ["MealBreakCalled"]


def test_a_concern_escalates_at_exactly_the_policy_hours_and_a_later_one_waits(
    world: World,
) -> None:
    """INC-CONCERN: escalated by the first entry at raised + 24 h, not a minute before; a
    concern raised an hour later escalates an hour later."""
    day = 24 * 60
    # Every recorded event is one minute after the previous one (World.event ticks).
    world.ok("ConcernRaised", "cam", text="first", anonymous=False, stop_work=False)  # t
    world.tick(59)
    world.ok("ConcernRaised", "cam", text="second", anonymous=False, stop_work=False)  # t+60

    def escalated_at(minutes_after_first: int, since: int) -> list[int]:
        world.tick(minutes_after_first - since - 1)
        events = world.record("MealBreakCalled", "dee").events
        assert events[-1]["type"] == "MealBreakCalled"
        return [e["concern"] for e in events if e["type"] == "ConcernEscalated"]

    assert escalated_at(day - 1, since=60) == []
    assert escalated_at(day, since=day - 1) == [1]
    assert escalated_at(day + 59, since=day) == []
    assert escalated_at(day + 60, since=day + 59) == [2]


def test_only_the_safety_coordinator_overrides(world: World) -> None:
    """INC-OVERRIDE: the armorer cannot override."""
    decision = world.record("OverrideGranted", "ana", rule="CUS-SECURED", reason="quick lunch")
    assert refused_by(decision) == {"INC-OVERRIDE"}


def test_a_rule_not_marked_overridable_is_never_overridden(world: World) -> None:
    """INC-OVERRIDE: CUS-SHOW-CLEAR can never be overridden."""
    decision = world.record("OverrideGranted", "sam", rule="CUS-SHOW-CLEAR", reason="rubber gun")
    assert refused_by(decision) == {"INC-OVERRIDE"}


def test_an_override_needs_a_written_reason(world: World) -> None:
    """INC-OVERRIDE: a blank reason is refused."""
    assert refused_by(world.record("OverrideGranted", "sam", rule="CUS-SECURED", reason="  ")) == {
        "INC-OVERRIDE"
    }


def test_an_override_is_its_own_entry_and_is_used_once(world: World) -> None:
    """INC-OVERRIDE, compliant: granted, consumed by the next matching command, recorded in it."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    granted = world.record(
        "OverrideGranted", "sam", rule="CUS-SECURED", weapon="W1", reason="held by the armorer"
    )
    assert granted.events[-1]["override"] == 1
    decision = world.record("MealBreakCalled", "dee")
    assert decision.outcome == "warned"
    assert decision.events[-1]["overrides"] == [1]
    assert world.projection.unused_overrides() == []
    assert world.projection.weapon_state("W1") == "UNKNOWN"
    assert refused_by(world.record("WrapCalled", "dee")) == {"CUS-SECURED"}


def test_an_override_for_one_weapon_does_not_cover_another(world: World) -> None:
    """INC-OVERRIDE: the override's scope is one weapon."""
    world.ok("WeaponTakenOut", "ana", weapon="W1", setup="E1")
    world.ok("WeaponTakenOut", "ana", weapon="W2", setup="B1")
    world.ok(
        "OverrideGranted", "sam", rule="CUS-SECURED", weapon="W1", reason="held by the armorer"
    )
    assert refused_by(world.record("MealBreakCalled", "dee")) == {"CUS-SECURED"}


def test_a_producer_may_not_loosen_the_policy(world: World) -> None:
    """POLICY-CHANGE: looser only by the safety coordinator."""
    decision = world.record("PolicyChanged", "pat", changes={"blank_min_distance_cm": 500})
    assert refused_by(decision) == {"POLICY-CHANGE"}


def test_the_safety_coordinator_may_loosen_and_a_producer_tighten_the_policy(world: World) -> None:
    """POLICY-CHANGE, compliant: each change is its own ledger entry."""
    world.ok("PolicyChanged", "sam", changes={"blank_min_distance_cm": 500})
    world.ok("PolicyChanged", "pat", changes={"concern_escalation_hours": 12, "sole_duty": "block"})
    policy = world.projection.policy()
    assert (policy.blank_min_distance_cm, policy.concern_escalation_hours, policy.sole_duty) == (
        500,
        12,
        "block",
    )
    assert world.projection == fold(world.events)


def test_crew_may_not_change_the_policy(world: World) -> None:
    """POLICY-CHANGE: only a producer or the safety coordinator."""
    assert refused_by(world.record("PolicyChanged", "cam", changes={"sole_duty": "block"})) == {
        "POLICY-CHANGE"
    }
