"""A surrendered personal weapon is used by no one, yet always finds its way back to a handler."""

from __future__ import annotations

from protocol_world import World, refused_by


def _surrendered_and_found_by_kit() -> World:
    world = World.day()
    world.ok(
        "WeaponSurrendered",
        "ana",
        weapon="P9",
        description="Glock 19, black, in a performer's bag",
        serial="BXR-114",
        surrendered_by="Kit Moreno",
        storage="S1",
    )
    world.record(
        "WeaponFoundUnattended", "kit", weapon="P9", where="by the catering tent", secured_by="kit"
    )
    assert world.projection.holder("P9") == "kit"
    return world


def test_whoever_holds_a_surrendered_weapon_hands_it_back_to_a_handler() -> None:
    """CUS-INVENTORY: giving it back to the handler on duty locks it away again; not a use."""
    world = _surrendered_and_found_by_kit()
    decision = world.record("WeaponHandedOver", "kit", **world.hand("P9", "kit", "ana"))
    assert decision.outcome != "refused", [f.message for f in decision.findings]
    assert world.projection.holder("P9") == "ana"


def test_a_surrendered_weapon_never_goes_to_a_performer() -> None:
    """CUS-INVENTORY: handing it to anyone but a handler is a use, and refused."""
    world = _surrendered_and_found_by_kit()
    decision = world.record("WeaponHandedOver", "kit", **world.hand("P9", "kit", "rio"))
    assert "CUS-INVENTORY" in refused_by(decision)
