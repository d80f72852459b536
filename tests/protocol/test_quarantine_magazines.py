"""AMMO-SUSPECT reaches rounds in magazines: regressions the state machine found.

A round of a suspect lot is quarantined wherever it is, "in a chamber or in a magazine
issued with the weapon". Two holes let a magazine's rounds escape it:

- a lot made suspect while its rounds sat only in a magazine left the weapon's quarantine
  unset, so a show-clear given just before the live round was found still let the pistol
  go to the performer after the reviews (the Rust case, with a pistol);
- a live round found in a pistol made suspect only the lots in its chamber, not those in
  its magazines.
"""

from __future__ import annotations

from protocol_world import World, add_pistol, magazine_show, refused_by


def _pistol_loaded_and_shown(world: World) -> None:
    """W3 out for P1, its magazine M1 loaded with five L1 dummies and seated, shown to rio."""
    add_pistol(world)
    world.ok("DummiesVerified", "ana", lot="L1", count=8, method="rattle")
    world.ok("WeaponTakenOut", "ana", weapon="W3", setup="P1")
    world.ok("ShowClearInspected", "ana", weapon="W3", chambers=["empty"], barrel_clear=True,
             performer=None, performer_confirmed=False, **magazine_show(world, "W3"))  # fmt: skip
    world.ok("MagazineLoaded", "ana", weapon="W3", magazine="M1", lot="L1", count=5)
    world.ok("MagazineSeated", "ana", weapon="W3", magazine="M1")
    world.ok("ShowClearInspected", "ana", weapon="W3", chambers=["empty"], barrel_clear=True,
             performer="rio", performer_confirmed=True, **magazine_show(world, "W3"))  # fmt: skip


def _reviews(world: World) -> None:
    for number, _ in world.projection.open_incidents():
        world.ok("ReviewRecorded", "sam", incident=number, role="safety_coordinator",
                 findings="reviewed")  # fmt: skip
        world.ok("ReviewRecorded", "pat", incident=number, role="producer", findings="reviewed")


def test_a_lot_turning_suspect_quarantines_its_rounds_in_a_magazine() -> None:
    world = World.day()
    _pistol_loaded_and_shown(world)
    world.ok("LiveRoundsFound", "ana", count=1, where="in the L1 box", lot="L1")
    weapon = world.projection.weapon("W3")
    assert weapon is not None
    assert weapon["quarantine"] == "holds rounds of suspect lot L1"
    assert weapon["state"] == "UNKNOWN"
    _reviews(world)
    handover = world.record("WeaponHandedOver", "ana", **world.hand("W3", "ana", "rio"))
    assert "AMMO-SUSPECT" in refused_by(handover)
    assert world.projection.holder("W3") == "ana"


def test_a_live_round_found_in_a_pistol_makes_the_lots_of_its_magazines_suspect() -> None:
    world = World.day()
    _pistol_loaded_and_shown(world)
    world.ok("LiveRoundsFound", "ana", count=1, where="in the chamber of W3", weapon="W3")
    lot = world.projection.lot("L1")
    assert lot is not None and lot["suspect"] is not None
    assert world.projection.quarantine("W3") == "holds rounds of suspect lot L1"
