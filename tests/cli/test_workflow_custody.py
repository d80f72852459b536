"""Custody on the command line: take out, load, inspect, hand over, fire, check, return."""

from __future__ import annotations

from .conftest import DUMMY6, EMPTY6, Cli, plan_and_meet, ready_to_hand_over

BLANKS2 = "B-1,B-1,empty,empty,empty,empty"


def test_a_dummy_close_up_goes_from_the_handler_to_the_performer_and_back(planned: Cli) -> None:
    """Take out, show clear, load, show ana, hand over, hand back, unload, return: all allowed."""
    ready_to_hand_over(planned)
    result = planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    assert "handover of colt-1 from mo to ana" in result.output
    colt = planned.weapon("colt-1")
    assert (colt["holder"], colt["state"]) == ("ana", "DUMMY")
    assert planned.lot("D-1")["in_weapons"] == 6

    planned.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")
    planned.ok("unload", "colt-1", "--chambers", "1-6", "--as", "mo")
    planned.ok("return", "colt-1", "--storage", "safe-1", "--as", "mo")
    colt = planned.weapon("colt-1")
    assert (colt["location"], colt["state"], colt["chambers"]) == (
        "storage:safe-1",
        "COLD",
        ["empty"] * 6,
    )
    dummies = planned.lot("D-1")
    assert (dummies["in_storage"], dummies["in_weapons"], dummies["balanced"]) == (12, 0, True)


def test_an_assistant_director_handing_the_revolver_to_a_performer_is_refused(
    planned: Cli,
) -> None:
    """CUS-HANDLER: the 1st AD never hands a weapon to anyone (Rust, F5); exit 4, recorded."""
    ready_to_hand_over(planned)
    result = planned.refused(
        "hand-over", "colt-1", "--to", "ana", "--as", "lee", rules={"CUS-HANDLER"}
    )
    assert "assistant director" in result.output
    assert "Instead:" in result.output
    refused = [e for e in planned.json("history", "colt-1") if e["type"] == "AttemptRefused"]
    assert refused[-1]["actor"] == "lee"
    assert "CUS-HANDLER" in refused[-1]["rules"]
    assert planned.weapon("colt-1")["holder"] != "ana"


def test_a_handover_without_the_receivers_pin_is_refused(planned: Cli) -> None:
    """CUS-TWO-PARTY: ana declines the PIN prompt, so the weapon stays with the handler."""
    ready_to_hand_over(planned)
    result = planned.refused(
        "hand-over", "colt-1", "--to", "ana", "--as", "mo",
        input="\n", env={"SHOWCLEAR_PIN_ANA": None}, rules={"CUS-TWO-PARTY"},
    )  # fmt: skip
    assert "ana did not confirm" in result.output
    assert "confirm" in result.output
    assert planned.weapon("colt-1")["holder"] == "mo"


def test_the_receiver_types_their_own_pin_at_a_hidden_prompt(planned: Cli) -> None:
    """The receiver is prompted for their PIN; what they type is not echoed."""
    ready_to_hand_over(planned)
    result = planned.ok(
        "hand-over", "colt-1", "--to", "ana", "--as", "mo",
        input="5555\n", env={"SHOWCLEAR_PIN_ANA": None},
    )  # fmt: skip
    assert "ana, confirm you receive colt-1 from mo" in result.output
    assert "5555" not in result.output
    assert planned.weapon("colt-1")["holder"] == "ana"


def test_a_wrong_receiver_pin_exits_6_and_records_nothing(planned: Cli) -> None:
    """A wrong PIN is an authentication failure (exit 6): nothing is appended."""
    ready_to_hand_over(planned)
    before = planned.json("board")["size"]
    run = planned.main("hand-over", "colt-1", "--to", "ana", "--as", "mo",
                       env={"SHOWCLEAR_PIN_ANA": "0000"})  # fmt: skip
    assert run.code == 6, run
    assert "wrong PIN for ana" in run.text
    assert planned.json("board")["size"] == before


def test_no_pin_and_no_terminal_exits_6_naming_the_variable(planned: Cli) -> None:
    """Without a terminal or $SHOWCLEAR_PIN_<PERSON>, the actor's PIN cannot be read."""
    run = planned.main("take-out", "colt-1", "--setup", "1", "--as", "mo",
                       env={"SHOWCLEAR_PIN_MO": None})  # fmt: skip
    assert run.code == 6
    assert "SHOWCLEAR_PIN_MO" in run.text


def test_showclear_pin_is_the_actors_pin_for_scripts(planned: Cli) -> None:
    """$SHOWCLEAR_PIN authenticates the actor when no per-person variable is set."""
    planned.ok(
        "take-out", "colt-1", "--setup", "1", "--as", "mo",
        env={"SHOWCLEAR_PIN_MO": None, "SHOWCLEAR_PIN": "3333"},
    )  # fmt: skip


def test_a_stale_inspection_is_refused(planned: Cli) -> None:
    """CUS-SHOW-CLEAR: a show-clear more than 10 minutes old does not count."""
    ready_to_hand_over(planned)
    planned.advance(minutes=15)
    result = planned.refused(
        "hand-over", "colt-1", "--to", "ana", "--as", "mo", rules={"CUS-SHOW-CLEAR"}
    )
    assert "10 minutes" in result.output


def test_a_performer_cannot_pass_the_weapon_to_another_performer(planned: Cli) -> None:
    """CUS-RETURN: a performer gives the weapon back only to a handler."""
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    planned.refused("hand-over", "colt-1", "--to", "ben", "--as", "ana", rules={"CUS-RETURN"})


def test_loading_a_weapon_never_inspected_is_refused(planned: Cli) -> None:
    """CUS-SHOW-CLEAR: a weapon UNKNOWN since it was received is inspected before loading."""
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")
    planned.refused(
        "load", "colt-1", "--lot", "D-1", "--chambers", "1-6", "--as", "mo",
        rules={"CUS-SHOW-CLEAR"},
    )  # fmt: skip


def test_taking_a_weapon_out_needs_a_planned_setup_and_its_meeting(stocked: Cli) -> None:
    """PLAN-SETUP without a setup; PLAN-MEETING before the setup's safety meeting."""
    stocked.refused("take-out", "colt-1", "--as", "mo", rules={"PLAN-SETUP"})
    stocked.ok(
        "setup", "plan", "1", "--scene", "Saloon", "--kind", "take",
        "--weapon", "colt-1:ana:dummies:D-1:6", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    stocked.refused("take-out", "colt-1", "--setup", "1", "--as", "mo", rules={"PLAN-MEETING"})


def test_only_the_handler_takes_a_weapon_out(planned: Cli) -> None:
    """CUS-HANDLER: a performer taking a weapon out of storage is refused."""
    planned.refused("take-out", "colt-1", "--setup", "1", "--as", "ana", rules={"CUS-HANDLER"})


def test_a_blank_take_fires_and_the_barrel_is_checked_after(stocked: Cli) -> None:
    """Blanks: HOT in the performer's hand, two rounds expended, COLD after the barrel check."""
    plan_and_meet(stocked, setup="2", load="blanks:B-1:2")
    stocked.ok("take-out", "colt-1", "--setup", "2", "--as", "mo")
    stocked.ok("inspect", "colt-1", "--chambers", EMPTY6, "--barrel-clear", "--as", "mo")
    stocked.ok("load", "colt-1", "--lot", "B-1", "--chambers", "1,2", "--as", "mo")
    stocked.ok(
        "inspect", "colt-1", "--chambers", BLANKS2, "--barrel-clear",
        "--performer", "ana", "--as", "mo",
    )  # fmt: skip
    stocked.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    assert stocked.weapon("colt-1")["state"] == "HOT"
    stocked.ok("discharge", "colt-1", "--chambers", "1,2", "--as", "ana")
    assert stocked.weapon("colt-1")["state"] == "UNKNOWN"
    stocked.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")
    stocked.ok("barrel-check", "colt-1", "--clear", "--as", "mo")
    stocked.ok("return", "colt-1", "--storage", "safe-1", "--as", "mo")
    assert stocked.weapon("colt-1")["state"] == "COLD"
    blanks = stocked.lot("B-1")
    assert (blanks["expended"], blanks["in_storage"], blanks["balanced"]) == (2, 10, True)
    assert not stocked.json("board")["ceasefire"]["active"]


def test_a_meal_break_with_a_weapon_out_is_refused_unless_overridden(planned: Cli) -> None:
    """CUS-SECURED blocks the meal break; the safety coordinator's override lifts it once."""
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")
    planned.refused("meal-break", "--as", "lee", rules={"CUS-SECURED"})
    planned.refused(
        "override", "CUS-SECURED", "--reason", "handler keeps it", "--as", "mo",
        rules={"INC-OVERRIDE"},
    )  # fmt: skip
    granted = planned.ok(
        "override", "CUS-SECURED", "--reason", "Mo keeps colt-1 on him, unloaded", "--as", "sam"
    )
    assert "(override 1)" in granted.output
    planned.ok("meal-break", "--as", "lee")
    assert planned.weapon("colt-1")["state"] == "UNKNOWN"  # out of storage at the break


def test_a_weapon_found_unattended_opens_an_incident_and_a_cease_fire(planned: Cli) -> None:
    """CUS-SECURED: the report is always recorded; the weapon is UNKNOWN with its finder."""
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")
    result = planned.ok("found-unattended", "colt-1", "--where", "on the props cart", "--as", "lee")
    assert "Incident 1" in result.output
    board = planned.json("board")
    assert board["ceasefire"]["active"]
    colt = next(w for w in board["weapons"] if w["weapon"] == "colt-1")
    assert (colt["holder"], colt["state"]) == ("lee", "UNKNOWN")


def test_wrap_with_every_weapon_in_storage_is_allowed(planned: Cli) -> None:
    """Wrap is called when every weapon is locked away."""
    planned.ok("wrap", "--as", "lee")


def test_an_inspection_records_what_the_performer_was_shown(planned: Cli) -> None:
    """The board keeps the last show-clear: chambers, barrel, the performer's confirmation."""
    ready_to_hand_over(planned)
    inspection = planned.weapon("colt-1")["last_inspection"]
    assert inspection["chambers"] == DUMMY6.split(",")
    assert (inspection["performer"], inspection["performer_confirmed"]) == ("ana", True)
    assert inspection["barrel_clear"]
