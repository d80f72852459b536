"""People, PINs, storage, inventory and the call sheet on the command line."""

from __future__ import annotations

import pytest

from showclear.service import AuthError

from .conftest import Cli, open_day, stock_inventory


def test_the_first_person_registers_without_as_and_types_their_pin_twice(cli: Cli) -> None:
    """The production's first person needs no --as; their PIN comes from a hidden prompt."""
    cli.ok("init", "--production", "Dust Creek")
    result = cli.ok(
        "person", "add", "sam", "--name", "Sam Ortiz", "--role", "safety_coordinator",
        input="9876\n9876\n", env={"SHOWCLEAR_PIN_SAM": None},
    )  # fmt: skip
    assert "sam (Sam Ortiz) registered" in result.output
    assert "9876" not in result.output  # hidden
    app = cli.app()
    try:
        app.authenticate("dust-creek", "sam", "9876")
        with pytest.raises(AuthError):
            app.authenticate("dust-creek", "sam", "0000")
        assert app.projection("dust-creek").person("sam") is not None
    finally:
        app.close()


def test_a_second_person_needs_someone_signed_in(crew: Cli) -> None:
    """Registering people is for a producer or the safety coordinator, with their PIN."""
    result = crew("person", "add", "zed", "--name", "Zed", "--role", "crew")
    assert result.exit_code != 0
    crew.ok(
        "person", "add", "zed", "--name", "Zed", "--role", "crew", "--as", "pat",
        env={"SHOWCLEAR_PIN_ZED": "4321"},
    )  # fmt: skip


def test_a_pin_shorter_than_four_characters_is_refused_before_anything_is_recorded(
    crew: Cli,
) -> None:
    """A too-short PIN is a usage error (exit 2), and the person is not registered."""
    result = crew(
        "person", "add", "zed", "--name", "Zed", "--role", "crew", "--as", "sam",
        env={"SHOWCLEAR_PIN_ZED": "12"},
    )  # fmt: skip
    assert result.exit_code == 2
    app = crew.app()
    try:
        assert app.projection("dust-creek").person("zed") is None
    finally:
        app.close()


def test_training_and_permits_are_recorded(crew: Cli) -> None:
    """`person training` and `person permit` add to a person's record."""
    crew.ok("person", "training", "kim", "--training", "rifle", "--as", "mo")
    crew.ok("person", "permit", "mo", "--permit", "ca-ffl:F-9:2028-01-31", "--as", "sam")
    app = crew.app()
    try:
        p = app.projection("dust-creek")
        assert "rifle" in p.person("kim")["trainings"]  # type: ignore[index]
        assert p.person("mo")["permits"]["ca-ffl"]["expires"] == "2028-01-31"  # type: ignore[index]
    finally:
        app.close()


def test_pin_set_changes_your_own_pin_after_the_current_one(crew: Cli) -> None:
    """`pin set` checks the current PIN, then stores the new one (read from the prompt)."""
    crew.ok("pin", "set", "ana", input="2468\n2468\n")
    app = crew.app()
    try:
        app.authenticate("dust-creek", "ana", "2468")
    finally:
        app.close()
    wrong = crew("pin", "set", "ben", env={"SHOWCLEAR_PIN_BEN": "0000"}, input="1357\n1357\n")
    assert wrong.exit_code != 0


def test_storage_and_inventory_are_received(crew: Cli) -> None:
    """Storage, a weapon and a lot go into the inventory; the weapon is UNKNOWN at first."""
    stock_inventory(crew)
    weapon = crew.weapon("colt-1")
    assert weapon["state"] == "UNKNOWN"
    assert weapon["location"] == "storage:safe-1"
    dummies = crew.lot("D-1")
    assert (dummies["received"], dummies["verified"], dummies["in_storage"]) == (12, 12, 12)


def test_live_ammunition_is_refused_and_the_refusal_is_recorded(crew: Cli) -> None:
    """AMMO-NO-LIVE: receiving live rounds exits 4, and the ledger keeps the attempt."""
    crew.ok("storage", "add", "safe-1", "--name", "Safe", "--lockable", "--as", "mo")
    result = crew.refused(
        "receive", "lot", "L-1", "--kind", "live", "--caliber", ".45 Colt", "--count", "6",
        "--supplier", "Gun shop", "--origin", "receipt 7", "--storage", "safe-1", "--as", "mo",
        rules={"AMMO-NO-LIVE"},
    )  # fmt: skip
    assert "Instead:" in result.output
    assert "recorded in the ledger" in result.output
    assert crew.json("rounds") == []


def test_a_lot_with_a_placeholder_origin_is_refused(crew: Cli) -> None:
    """AMMO-SOURCE: a lot must come with a documented origin; "unknown" is none."""
    crew.ok("storage", "add", "safe-1", "--name", "Safe", "--lockable", "--as", "mo")
    crew.refused(
        "receive", "lot", "D-9", "--kind", "dummy", "--caliber", ".45 Colt", "--count", "6",
        "--supplier", "Prop House", "--origin", "unknown", "--storage", "safe-1", "--as", "mo",
        rules={"AMMO-SOURCE"},
    )  # fmt: skip


def test_a_personal_weapon_is_refused(crew: Cli) -> None:
    """CUS-INVENTORY: nobody's own weapon enters the inventory."""
    crew.ok("storage", "add", "safe-1", "--name", "Safe", "--lockable", "--as", "mo")
    crew.refused(
        "receive", "weapon", "mine", "--serial", "X1", "--make", "Colt", "--model", "SAA",
        "--category", "functional_firearm", "--caliber", ".45 Colt", "--chambers", "6",
        "--action", "revolver", "--storage", "safe-1", "--personal", "--as", "mo",
        rules={"CUS-INVENTORY"},
    )  # fmt: skip


def test_lots_return_and_destroy_rounds(crew: Cli) -> None:
    """`lot return` and `lot destroy` move rounds out of storage, and the lot still balances."""
    stock_inventory(crew)
    crew.ok("lot", "return", "B-1", "--count", "2", "--reference", "RMA 88", "--as", "mo")
    crew.ok("lot", "destroy", "D-1", "--count", "1", "--method", "crushed", "--as", "mo")
    blanks, dummies = crew.lot("B-1"), crew.lot("D-1")
    assert (blanks["returned"], blanks["in_storage"], blanks["balanced"]) == (2, 10, True)
    assert (dummies["destroyed"], dummies["in_storage"], dummies["balanced"]) == (1, 11, True)


def test_the_call_sheet_puts_a_handler_on_duty(crew: Cli) -> None:
    """`day open` publishes duties; `day revise` replaces them."""
    open_day(crew)
    board = crew.json("board")
    assert board["day"]["duties"]["mo"] == ["handler"]
    crew.ok("day", "revise", "--duty", "mo=handler,props", "--duty", "lee=first_ad", "--as", "lee")
    assert crew.json("board")["day"]["duties"]["mo"] == ["handler", "props"]


def test_an_assistant_director_cannot_be_put_on_duty_as_handler(crew: Cli) -> None:
    """CUS-HANDLER: only an armorer or property master is the day's handler."""
    crew.refused("day", "open", "--duty", "lee=handler", "--as", "lee", rules={"CUS-HANDLER"})


def test_a_handler_without_a_permit_is_refused(crew: Cli) -> None:
    """PLAN-PERMIT: the handler's permit must be recorded and valid on the day."""
    crew.ok(
        "person", "add", "jo", "--name", "Jo Ruiz", "--role", "property_master", "--as", "sam",
        env={"SHOWCLEAR_PIN_JO": "8888"},
    )  # fmt: skip
    crew.refused("day", "open", "--duty", "jo=handler", "--as", "lee", rules={"PLAN-PERMIT"})


BAD_LOT = ["receive", "lot", "X", "--caliber", "c", "--count", "1", "--supplier", "s"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["day", "open", "--duty", "mo", "--as", "lee"], 2),  # not PERSON=DUTY
        (["day", "open", "--duty", "nobody=handler", "--as", "lee"], 3),  # unknown person
        (["storage", "add", "s", "--name", "S", "--lockable", "--as", "nobody"], 6),
        (["storage", "add", "s", "--name", "S", "--lockable", "--as", "kim"], 6),  # crew may not
        ([*BAD_LOT, "--kind", "sugar", "--origin", "o", "--storage", "s", "--as", "mo"], 2),
        ([*BAD_LOT, "--kind", "dummy", "--origin", "o", "--storage", "nowhere", "--as", "mo"], 3),
        (["history", "no-such-weapon"], 3),
        (["no-such-command"], 2),
    ],
)
def test_bad_arguments_and_unknown_ids_exit_with_their_documented_code(
    crew: Cli, args: list[str], code: int
) -> None:
    """Through main(): 2 for a bad argument, 3 for an unknown id, 6 for a person not allowed."""
    run = crew.main(*args, env={"SHOWCLEAR_PIN": "0000"})  # anyone else: never a prompt
    assert run.code == code, run
    assert "Traceback" not in run.err


def test_a_database_without_a_production_says_how_to_create_one(cli: Cli) -> None:
    """No production at all: exit 3 with the command that creates one."""
    run = cli.main("board")
    assert run.code == 3
    assert "showclear init" in run.text
