"""Typos are input errors with suggestions, caught before any PIN; real attempts still refused."""

from __future__ import annotations

from showclear.cli.identity import pin_variable
from showclear.errors import ExitCode

from .conftest import EMPTY6, Cli

#: Nobody's PIN in the environment and nothing on stdin: a PIN prompt would fail the command.
NO_PINS = {pin_variable(person): None for person in ("mo", "lee", "sam", "ana")}


def entries(cli: Cli) -> int:
    """How many entries the production's ledger holds."""
    app = cli.app()
    try:
        slug = app.resolve(None)
        return app.entries(slug, 0, 1)[0]
    finally:
        app.close()


def test_an_unknown_weapon_is_an_input_error_with_a_suggestion_and_nothing_recorded(
    planned: Cli,
) -> None:
    """`take-out colt1` says "did you mean colt-1?", exits 3, asks no PIN, records nothing."""
    before = entries(planned)
    ran = planned.main("take-out", "colt1", "--setup", "1", "--as", "mo", env=NO_PINS)
    assert ran.code == ExitCode.NOT_FOUND, ran.text
    assert "There is no weapon 'colt1'" in ran.text
    assert "did you mean colt-1" in ran.text
    assert "PIN" not in ran.text
    assert entries(planned) == before
    assert "CUS-INVENTORY" not in planned.ok("history", "colt-1").output


def test_a_person_typed_by_name_suggests_their_id(planned: Cli) -> None:
    """A performer given by her family name matches her name: the suggestion names ana."""
    ran = planned.main(
        "inspect", "colt-1", "--chambers", EMPTY6, "--barrel-clear",
        "--performer", "reyes", "--as", "mo", env=NO_PINS,
    )  # fmt: skip
    assert ran.code == ExitCode.NOT_FOUND, ran.text
    assert "There is no person 'reyes'" in ran.text
    assert "ana (Ana Reyes)" in ran.text


def test_an_unknown_storage_and_lot_are_caught_before_the_pin(stocked: Cli) -> None:
    """receive weapon --storage safe1 and load --lot D1 both name the close match."""
    ran = stocked.main(
        "receive", "weapon", "colt-2", "--serial", "SN-2", "--make", "Colt", "--model", "SAA",
        "--category", "blank_firing", "--caliber", ".45 Colt", "--chambers", "6",
        "--action", "revolver", "--storage", "safe1", "--as", "mo", env=NO_PINS,
    )  # fmt: skip
    assert ran.code == ExitCode.NOT_FOUND, ran.text
    assert "did you mean safe-1" in ran.text
    ran = stocked.main("load", "colt-1", "--lot", "D1", "--chambers", "1-6", "--as", "mo")
    assert ran.code == ExitCode.NOT_FOUND, ran.text
    assert "There is no lot 'D1'" in ran.text
    assert "D-1" in ran.text


def test_a_weapon_released_from_the_inventory_is_still_refused_by_the_rules(
    planned: Cli,
) -> None:
    """An id the production did register is a real attempt: CUS-INVENTORY is recorded."""
    planned.ok(
        "release", "weapon", "replica-1", "--reason", "repair", "--to", "Cole Gunsmiths",
        "--document", "job card 4471", "--as", "mo",
    )  # fmt: skip
    before = entries(planned)
    planned.refused("take-out", "replica-1", "--setup", "1", "--as", "mo", rules={"CUS-INVENTORY"})
    assert entries(planned) == before + 1


def test_chambers_empty_means_every_chamber_of_the_weapon(planned: Cli) -> None:
    """`inspect --chambers empty` on a six-chamber revolver records six empty chambers."""
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")
    planned.ok("inspect", "colt-1", "--chambers", "all-empty", "--barrel-clear", "--as", "mo")
    inspection = planned.weapon("colt-1")["last_inspection"]
    assert inspection["chambers"] == ["empty"] * 6
    planned.ok("inspect", "colt-1", "--chambers", "empty", "--barrel-clear", "--as", "mo")


def test_chambers_that_do_not_fit_the_weapon_are_argument_errors_before_the_pin(
    planned: Cli,
) -> None:
    """Five contents for six chambers, or chamber 7 of six, exit 2 and ask no PIN."""
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")
    before = entries(planned)
    ran = planned.main(
        "inspect", "colt-1", "--chambers", "empty,empty,empty,empty,empty", "--barrel-clear",
        "--as", "mo", env=NO_PINS,
    )  # fmt: skip
    assert ran.code == ExitCode.USAGE, ran.text
    assert "lists 5 chamber(s) but colt-1 has 6" in ran.text
    ran = planned.main(
        "load", "colt-1", "--lot", "D-1", "--chambers", "5-7", "--as", "mo", env=NO_PINS
    )
    assert ran.code == ExitCode.USAGE, ran.text
    assert "colt-1 has 6 chamber(s)" in ran.text
    assert entries(planned) == before


def test_a_day_count_that_leaves_out_a_lot_fails_before_the_pin(stocked: Cli) -> None:
    """close-day without B-1 names the lot to count and asks nobody for a PIN."""
    ran = stocked.main("close-day", "--count", "D-1=12", "--as", "mo", env=NO_PINS)
    assert ran.code == ExitCode.USAGE, ran.text
    assert "leaves out lot(s) B-1" in ran.text
    assert "--count B-1=N" in ran.text


def test_a_setup_naming_an_unknown_weapon_or_performer_is_not_planned(stocked: Cli) -> None:
    """setup plan --weapon colt1:anna:... names both typos with their close matches."""
    before = entries(stocked)
    ran = stocked.main(
        "setup", "plan", "1", "--scene", "Saloon", "--kind", "take",
        "--weapon", "colt1:anna:dummies:D-1:6", "--direction", "east",
        "--near", "camera A:900cm:eye:hearing", "--as", "lee", env=NO_PINS,
    )  # fmt: skip
    assert ran.code == ExitCode.NOT_FOUND, ran.text
    assert "There is no weapon 'colt1'" in ran.text
    assert "There is no person 'anna'" in ran.text
    assert "ana (Ana Reyes)" in ran.text
    assert entries(stocked) == before


def test_a_weapon_refused_at_receipt_is_still_a_real_attempt(stocked: Cli) -> None:
    """A personal weapon whose receipt was refused: using it is refused and recorded."""
    stocked.refused(
        "receive", "weapon", "mine", "--serial", "X1", "--make", "Colt", "--model", "SAA",
        "--category", "functional_firearm", "--caliber", ".45 Colt", "--chambers", "6",
        "--action", "revolver", "--storage", "safe-1", "--personal", "--as", "mo",
        rules={"CUS-INVENTORY"},
    )  # fmt: skip
    before = entries(stocked)
    stocked.refused("barrel-check", "mine", "--clear", "--as", "mo", rules={"CUS-INVENTORY"})
    assert entries(stocked) > before


def test_a_lot_without_its_origin_is_an_input_error_not_an_ammo_source_refusal(
    stocked: Cli,
) -> None:
    """`receive lot` with --origin left out names the option, exits 2, asks no PIN."""
    before = entries(stocked)
    ran = stocked.main(
        "receive", "lot", "D-2", "--kind", "dummy", "--caliber", ".45 Colt", "--count", "24",
        "--supplier", "Prop House", "--storage", "safe-1", "--as", "mo", env=NO_PINS,
    )  # fmt: skip
    assert ran.code == ExitCode.USAGE, ran.text
    assert "origin is missing (--origin on the command line)" in ran.text
    assert "PIN" not in ran.text
    assert entries(stocked) == before


def test_an_input_error_of_the_validity_layer_comes_before_the_pin(stocked: Cli) -> None:
    """Receiving a weapon id already in the inventory fails before any PIN is asked."""
    before = entries(stocked)
    ran = stocked.main(
        "receive", "weapon", "colt-1", "--serial", "SN-2", "--make", "Colt", "--model", "SAA",
        "--category", "blank_firing", "--caliber", ".45 Colt", "--chambers", "6",
        "--action", "revolver", "--storage", "safe-1", "--as", "mo", env=NO_PINS,
    )  # fmt: skip
    assert ran.code != 0
    assert "weapon 'colt-1' already exists" in ran.text
    assert "PIN" not in ran.text
    assert entries(stocked) == before


def test_a_person_already_registered_is_an_input_error_before_the_new_pin(stocked: Cli) -> None:
    """person add mo a second time fails before mo's new PIN or the actor's PIN is asked."""
    before = entries(stocked)
    ran = stocked.main(
        "person", "add", "mo", "--name", "Mo Diaz", "--role", "armorer", "--as", "sam",
        env=NO_PINS,
    )  # fmt: skip
    assert ran.code != 0
    assert "already registered" in ran.text
    assert "PIN" not in ran.text
    assert entries(stocked) == before
