"""ID-OWN under ``passkeys_for_performer_handovers``: a handover to a performer needs passkeys."""

from __future__ import annotations

import pytest
from tests.protocol.protocol_world import World, refused_by

from showclear.protocol.errors import PolicyError
from showclear.protocol.policy import DEFAULT_POLICY, Policy, compare_policies

PASSKEYS = {"passkeys_for_performer_handovers": "block"}


def _blocking() -> World:
    world = World.day()
    world.ok("PolicyChanged", "pat", changes=PASSKEYS)
    world.ready_with_blanks("rio")
    return world


def test_the_policy_key_defaults_off_reads_from_toml_and_block_is_stricter() -> None:
    assert DEFAULT_POLICY.passkeys_for_performer_handovers == "off"
    strict = Policy.from_toml('passkeys_for_performer_handovers = "block"\n')
    assert strict.passkeys_for_performer_handovers == "block"
    assert compare_policies(DEFAULT_POLICY, strict).stricter == (
        "passkeys_for_performer_handovers",
    )
    assert compare_policies(strict, DEFAULT_POLICY).looser == ("passkeys_for_performer_handovers",)
    with pytest.raises(PolicyError, match=r'"off" or "block", got \'warn\''):
        DEFAULT_POLICY.with_changes({"passkeys_for_performer_handovers": "warn"})


def test_only_the_safety_coordinator_switches_it_off_again() -> None:
    world = World.day()
    world.ok("PolicyChanged", "pat", changes=PASSKEYS)
    off = {"passkeys_for_performer_handovers": "off"}
    assert "POLICY-CHANGE" in refused_by(world.record("PolicyChanged", "pat", changes=off))
    world.ok("PolicyChanged", "sam", changes=off)


def test_a_pin_confirmed_handover_to_a_performer_is_refused_naming_id_own() -> None:
    world = _blocking()
    decision = world.record(
        "WeaponHandedOver",
        "ana",
        **world.hand("W2", "ana", "rio"),
        assurance={"ana": "session", "rio": "pin"},
    )
    assert refused_by(decision) == {"ID-OWN"}
    (finding,) = decision.findings
    assert "Rio Banks" in finding.message
    assert "a PIN checked by the server" in finding.message
    assert "a signed-in session" in finding.message
    assert "passkey" in finding.remedy


def test_a_handover_without_any_assurance_is_refused() -> None:
    world = _blocking()
    decision = world.record("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    assert refused_by(decision) == {"ID-OWN"}
    assert "no passkey signature" in decision.findings[0].message


def test_the_giver_must_sign_by_passkey_too() -> None:
    world = _blocking()
    decision = world.record(
        "WeaponHandedOver",
        "ana",
        **world.hand("W2", "ana", "rio"),
        assurance={"ana": "pin", "rio": "passkey"},
    )
    assert refused_by(decision) == {"ID-OWN"}


def test_a_handover_signed_by_both_passkeys_is_recorded() -> None:
    world = _blocking()
    world.ok(
        "WeaponHandedOver",
        "ana",
        **world.hand("W2", "ana", "rio"),
        assurance={"ana": "passkey", "rio": "passkey"},
    )
    assert world.projection.holder("W2") == "rio"


def test_off_by_default_a_pin_handover_to_a_performer_is_recorded() -> None:
    world = World.day()
    world.ready_with_blanks("rio")
    world.ok("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"), assurance={"rio": "pin"})


def test_a_handover_back_to_a_handler_needs_no_passkey() -> None:
    world = _blocking()
    world.ok(
        "WeaponHandedOver",
        "ana",
        **world.hand("W2", "ana", "rio"),
        assurance={"ana": "passkey", "rio": "passkey"},
    )
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"), assurance={"ana": "pin"})
    assert world.projection.holder("W2") == "ana"
