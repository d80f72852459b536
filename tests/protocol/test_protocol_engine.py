"""The engine: the validity layer, the rule set, refusals and what they record."""

from __future__ import annotations

from pathlib import Path

import pytest
from protocol_world import World

from showclear.protocol import (
    ALL_RULES,
    CATALOG_IDS,
    DEFAULT_RULES,
    Finding,
    InconsistentEventError,
    MalformedEventError,
    Policy,
    Projection,
    Rule,
    RuleSet,
    RuleSetError,
    Severity,
    TimeOrderError,
    UnknownReferenceError,
    decide,
    fold,
)

CATALOG = [
    "AMMO-NO-LIVE", "AMMO-SOURCE", "AMMO-SUSPECT", "AMMO-DUMMY-VERIFIED", "AMMO-CALIBER",
    "AMMO-COUNT",
    "CUS-INVENTORY", "CUS-HANDLER", "CUS-TWO-PARTY", "CUS-SHOW-CLEAR", "CUS-BARREL",
    "CUS-SECURED", "CUS-SOLE-DUTY", "CUS-RETURN", "PLAN-SETUP", "PLAN-MEETING",
    "PLAN-REHEARSAL", "PLAN-POINTING", "PLAN-DISTANCE", "PLAN-PPE", "PLAN-TRAINED",
    "PLAN-PERMIT", "INC-CEASEFIRE", "INC-CONCERN", "INC-OVERRIDE", "ID-OWN", "ID-RESET",
]  # fmt: skip


def test_every_rule_of_the_catalog_is_in_the_default_rule_set() -> None:
    """Each catalog id is one rule object; POLICY-CHANGE is the one id added (docs/rules.md)."""
    assert set(CATALOG_IDS) == {*CATALOG, "POLICY-CHANGE"}
    assert DEFAULT_RULES.ids == set(CATALOG_IDS)


def test_rules_state_their_severity_and_overridability() -> None:
    """The catalog's severities: warn for PPE, sole duty, rehearsal, concern; three overridable."""
    by_id = {rule.id: rule for rule in ALL_RULES}
    warn = {i for i, rule in by_id.items() if rule.severity is Severity.WARN}
    assert warn == {"CUS-SOLE-DUTY", "PLAN-REHEARSAL", "PLAN-PPE", "INC-CONCERN"}
    assert {i for i, rule in by_id.items() if rule.overridable} == {
        "CUS-SECURED",
        "PLAN-REHEARSAL",
        "PLAN-DISTANCE",
    }
    assert by_id["CUS-SOLE-DUTY"].severity_under(Policy(sole_duty="block")) is Severity.BLOCK


def test_an_empty_rule_set_cannot_be_built() -> None:
    """An empty rule set would allow everything: building one raises."""
    with pytest.raises(RuleSetError, match="at least one rule"):
        RuleSet([])


def test_a_rule_set_names_each_rule_once() -> None:
    """Two rules with one id are a mistake."""
    with pytest.raises(RuleSetError, match="more than once"):
        RuleSet([ALL_RULES[0], ALL_RULES[0]])


def test_decide_refuses_anything_but_a_rule_set(world: World) -> None:
    """A bypass by passing an empty list is impossible."""
    with pytest.raises(RuleSetError, match="RuleSet"):
        decide(world.projection, world.event("MealBreakCalled", "dee"), rules=[])  # type: ignore[arg-type]


def test_a_rule_cannot_speak_for_another() -> None:
    """A finding carries the id of the rule that made it."""

    class Impostor(Rule):
        id = "PLAN-PPE"
        severity = Severity.WARN
        summary = "wrong"

        def check(
            self, projection: Projection, event: dict[str, object], policy: Policy
        ) -> list[Finding]:
            return [Finding("CUS-HANDLER", Severity.BLOCK, "x", "y")]

    world = World.day()
    with pytest.raises(RuleSetError, match="returned a finding of CUS-HANDLER"):
        decide(world.projection, world.event("MealBreakCalled", "dee"), rules=RuleSet([Impostor()]))


def test_a_refusal_records_the_actor_the_attempt_and_the_rules(world: World) -> None:
    """Refused attempts are appended too, with who tried, what, and which rules refused."""
    proposed = world.event("WeaponTakenOut", "cam", weapon="W2", setup="B1")
    decision = decide(world.projection, proposed)
    (refusal,) = decision.events
    assert refusal == {
        "type": "AttemptRefused",
        "at": proposed["at"],
        "actor": "cam",
        "attempted": proposed,
        "rules": ["CUS-HANDLER"],
        "reasons": ["Cam Ruiz is not on duty today as a weapons handler."],
    }
    finding = decision.findings[0]
    assert finding.message.endswith(".") and finding.remedy.endswith(".")


def test_decide_does_not_change_the_projection(world: World) -> None:
    """Deciding is pure: the caller applies the entries."""
    before = world.projection.records()
    decide(world.projection, world.event("WeaponTakenOut", "ana", weapon="W2", setup="B1"))
    assert world.projection.records() == before


def test_an_event_earlier_than_the_last_entry_is_an_input_error(world: World) -> None:
    """The server refuses events that go backwards in time; nothing is appended."""
    proposed = {"type": "MealBreakCalled", "at": "2026-11-25T05:00:00Z", "actor": "dee"}
    with pytest.raises(TimeOrderError, match="earlier than the last entry"):
        decide(world.projection, proposed)


def test_an_unknown_person_is_an_input_error(world: World) -> None:
    """A person who was never registered cannot act."""
    with pytest.raises(UnknownReferenceError, match="'zed' is not a registered person"):
        decide(world.projection, world.event("MealBreakCalled", "zed"))


def test_a_malformed_event_names_the_wrong_field(world: World) -> None:
    """Input errors say which field is wrong."""
    proposed = world.event("BarrelChecked", "ana", weapon="W2", clear="yes")
    with pytest.raises(MalformedEventError, match=r"BarrelChecked\.clear must be true or false"):
        decide(world.projection, proposed)


def test_a_chamber_the_weapon_does_not_have_is_an_input_error(world: World) -> None:
    """Chamber 7 of a six-shot revolver is a form filled in wrongly, not a rule refusal."""
    world.out_and_checked("W2", "B1")
    with pytest.raises(InconsistentEventError, match="no chamber 7"):
        decide(
            world.projection,
            world.event("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[7]),
        )


def test_showclear_writes_its_own_entries(world: World) -> None:
    """AttemptRefused and fields decide assigns are never proposed."""
    with pytest.raises(MalformedEventError, match="written by showclear itself"):
        decide(world.projection, world.event("ConcernEscalated", None, concern=1, to="producers"))
    with pytest.raises(MalformedEventError, match="filled in by showclear"):
        decide(world.projection, world.event("MealBreakCalled", "dee", warnings=[]))


def test_a_production_is_created_once() -> None:
    """ProductionCreated is accepted by decide and fold on an empty projection only."""
    created = {"type": "ProductionCreated", "at": "2026-11-25T06:00:00Z", "actor": None,
               "production": "P", "origin": "o", "public_key": "k"}  # fmt: skip
    decision = decide(Projection.empty(), created)
    assert decision.outcome == "allowed"
    projection = fold(decision.events)
    with pytest.raises(InconsistentEventError, match="already exists"):
        decide(projection, created)
    with pytest.raises(UnknownReferenceError, match="first entry is ProductionCreated"):
        decide(
            Projection.empty(), {"type": "WrapCalled", "at": "2026-11-25T06:00:00Z", "actor": None}
        )


def test_every_decision_folds_into_the_same_projection_as_a_rebuild(world: World) -> None:
    """The stored projection always equals the fold of the ledger."""
    world.with_performer()
    world.record("WeaponHandedOver", "rio", **world.hand("W2", "rio", "kit"))
    world.record(
        "WeaponDischarged", "ana", weapon="W2", chambers=[1], intended=False, misfire=False
    )
    assert world.projection.records() == fold(world.events).records()


def test_the_public_surface_is_stated() -> None:
    """Every name in showclear.protocol.__all__ exists; the core imports no I/O layer.

    The pure ledger core is the one package below it (tests/test_architecture.py: layers).
    """
    import sys

    from showclear import protocol

    assert all(hasattr(protocol, name) for name in protocol.__all__)
    layers = ("showclear.store", "showclear.service", "showclear.cli", "showclear.api")
    core = [m for name, m in sys.modules.items() if name.startswith("showclear.protocol")]
    for module in core:
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        assert not any(f"import {layer}" in source or f"from {layer}" in source for layer in layers)
