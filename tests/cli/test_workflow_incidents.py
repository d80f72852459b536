"""Incidents, reviews, concerns, overrides, policy and the day's close on the command line."""

from __future__ import annotations

from .conftest import EMPTY6, Cli, plan_and_meet

BLANKS2 = "B-1,B-1,empty,empty,empty,empty"


def _misfire(cli: Cli) -> None:
    """A blank take in which colt-1 misfires; ana hands it back to mo."""
    plan_and_meet(cli, setup="2", load="blanks:B-1:2")
    cli.ok("take-out", "colt-1", "--setup", "2", "--as", "mo")
    cli.ok("inspect", "colt-1", "--chambers", EMPTY6, "--barrel-clear", "--as", "mo")
    cli.ok("load", "colt-1", "--lot", "B-1", "--chambers", "1-2", "--as", "mo")
    cli.ok(
        "inspect", "colt-1", "--chambers", BLANKS2, "--barrel-clear",
        "--performer", "ana", "--as", "mo",
    )  # fmt: skip
    cli.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    result = cli.ok("discharge", "colt-1", "--chambers", "1", "--misfire", "--as", "ana")
    assert "Incident 1" in result.output
    assert "cease-fire" in result.output
    cli.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")


def test_a_misfire_stops_everything_until_two_reviews(stocked: Cli) -> None:
    """INC-CEASEFIRE: nothing leaves storage until the safety coordinator and a producer review."""
    _misfire(stocked)
    assert stocked.json("board")["ceasefire"]["incidents"] == [1]
    # AMMO-SUSPECT: the misfired round leaves the weapon (to quarantine) before it is stored.
    stocked.ok("unload", "colt-1", "--chambers", "1-2", "--as", "mo")
    stocked.ok("return", "colt-1", "--storage", "safe-1", "--as", "mo")  # always allowed
    stocked.ok(
        "setup", "plan", "3", "--scene", "Wide", "--kind", "take",
        "--weapon", "replica-1:ben:empty", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    stocked.ok("meeting", "3", "--attendee", "mo,ben", "--as", "sam")
    stocked.refused("take-out", "replica-1", "--setup", "3", "--as", "mo", rules={"INC-CEASEFIRE"})
    stocked.ok(
        "review", "1", "--role", "safety_coordinator",
        "--findings", "Dud blank; lot B-1 quarantined for the supplier", "--as", "sam",
    )  # fmt: skip
    assert stocked.json("board")["ceasefire"]["active"]
    stocked.ok("review", "1", "--role", "producer", "--findings", "Agreed", "--as", "pat")
    assert not stocked.json("board")["ceasefire"]["active"]
    stocked.ok("take-out", "replica-1", "--setup", "3", "--as", "mo")


def test_a_review_in_a_role_you_do_not_hold_does_not_count(stocked: Cli) -> None:
    """A producer cannot review as the safety coordinator (exit 4, recorded)."""
    stocked.ok("incident", "injury", "--description", "Powder burn on a hand", "--as", "lee")
    stocked.refused(
        "review", "1", "--role", "safety_coordinator", "--findings", "fine", "--as", "pat",
        rules={"INC-CEASEFIRE"},
    )  # fmt: skip


def test_an_incident_report_names_its_number_and_stops_work(stocked: Cli) -> None:
    """`incident` is always recorded and puts the production in cease-fire."""
    result = stocked.ok(
        "incident", "lost_weapon", "--description", "replica-1 not in the safe",
        "--weapon", "replica-1", "--as", "mo",
    )  # fmt: skip
    assert "(incident 1)" in result.output
    board = stocked.json("board")
    assert board["ceasefire"]["active"]
    assert board["open_incidents"][0]["kind"] == "lost_weapon"


def test_live_rounds_found_are_recorded_and_stop_work(stocked: Cli) -> None:
    """AMMO-NO-LIVE: a live round found in a dummy box is recorded, with a cease-fire."""
    stocked.ok(
        "found-live", "--count", "1", "--where", "in the box labelled D-1", "--lot", "D-1",
        "--as", "mo",
    )  # fmt: skip
    assert stocked.lot("D-1")["live_found"] == 1
    assert stocked.json("board")["ceasefire"]["active"]


def test_an_anonymous_stop_work_concern_halts_use_until_answered(planned: Cli) -> None:
    """INC-CONCERN: anyone stops work, without a name; the safety coordinator answers."""
    result = planned.ok(
        "concern", "raise", "--text", "The cart was left alone at lunch",
        "--anonymous", "--stop-work",
    )  # fmt: skip
    assert "(concern 1)" in result.output
    concern = planned.json("board")["open_concerns"][0]
    assert (concern["anonymous"], concern["raised_by"], concern["stop_work"]) == (True, None, True)
    planned.refused("take-out", "colt-1", "--setup", "1", "--as", "mo", rules={"INC-CONCERN"})
    not_allowed = planned.main("concern", "answer", "1", "--answer", "ok", "--as", "ana")
    assert not_allowed.code == 6  # only the safety coordinator or a producer answers
    planned.ok(
        "concern", "answer", "1", "--answer", "A second handler now guards the cart", "--as", "sam"
    )
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")


def test_a_concern_is_either_signed_or_anonymous(stocked: Cli) -> None:
    """--as and --anonymous together, or neither, is a usage error (exit 2)."""
    both = stocked("concern", "raise", "--text", "x", "--anonymous", "--as", "kim")
    neither = stocked("concern", "raise", "--text", "x")
    assert (both.exit_code, neither.exit_code) == (2, 2)
    signed = stocked.ok("concern", "raise", "--text", "Smoke near the safe", "--as", "kim")
    assert "(concern 1)" in signed.output
    assert stocked.json("board")["open_concerns"][0]["raised_by"] == "kim"


def test_the_policy_is_made_stricter_by_a_producer_looser_only_by_the_coordinator(
    stocked: Cli,
) -> None:
    """POLICY-CHANGE: a producer tightens; loosening is the safety coordinator's alone."""
    stocked.ok("policy", "set", "sole_duty=block", "blank_min_distance_cm=900", "--as", "pat")
    stocked.refused(
        "policy", "set", "blank_min_distance_cm=700", "--as", "pat", rules={"POLICY-CHANGE"}
    )
    stocked.ok(
        "policy", "set", "blank_min_distance_cm=700", "--reason", "open field", "--as", "sam"
    )
    app = stocked.app()
    try:
        policy = app.projection("dust-creek").policy()
        assert (policy.sole_duty, policy.blank_min_distance_cm) == ("block", 700)
    finally:
        app.close()


def test_an_unknown_policy_key_is_a_usage_error(stocked: Cli) -> None:
    """A policy key that does not exist exits 2 naming the known keys."""
    run = stocked.main("policy", "set", "max_speed=3", "--as", "sam")
    assert run.code == 2
    assert "blank_min_distance_cm" in run.text
    assert stocked("policy", "set", "nonsense", "--as", "sam").exit_code == 2


def test_an_override_of_a_rule_that_is_never_overridable_is_refused(stocked: Cli) -> None:
    """INC-OVERRIDE: CUS-HANDLER can never be overridden, not even by the coordinator."""
    stocked.refused(
        "override", "CUS-HANDLER", "--reason", "short-staffed", "--as", "sam",
        rules={"INC-OVERRIDE"},
    )  # fmt: skip
    assert stocked.main("override", "NO-SUCH", "--reason", "x", "--as", "sam").code == 3


def test_closing_the_day_with_the_right_count(stocked: Cli) -> None:
    """AMMO-COUNT: every lot counted and matching the ledger closes the day."""
    stocked.ok("close-day", "--count", "D-1=12", "--count", "B-1=12", "--as", "mo")
    assert stocked.json("board")["day"]["open"] is False


def test_a_missing_round_at_close_is_an_incident_then_written_off(stocked: Cli) -> None:
    """AMMO-COUNT: a short count is refused and opens an incident; after the reviews the
    safety coordinator writes the round off and the day closes."""
    result = stocked.refused(
        "close-day", "--count", "D-1=11", "--count", "B-1=12", "--as", "mo", rules={"AMMO-COUNT"}
    )
    assert "Incident 1" in result.output
    assert stocked.lot("D-1")["balanced"] is False
    stocked.ok(
        "review", "1", "--role", "safety_coordinator", "--findings", "searched", "--as", "sam"
    )
    stocked.ok("review", "1", "--role", "producer", "--findings", "agreed", "--as", "pat")
    stocked.ok(
        "lot", "missing", "D-1", "--count", "1", "--incident", "1",
        "--reason", "not found after a full search", "--as", "sam",
    )  # fmt: skip
    stocked.ok("close-day", "--count", "D-1=11", "--count", "B-1=12", "--as", "mo")
    dummies = stocked.lot("D-1")
    assert (dummies["missing"], dummies["balanced"]) == (1, True)


def test_closing_the_day_without_counting_every_lot_is_a_usage_error(stocked: Cli) -> None:
    """Every lot with rounds is counted; leaving one out exits 2 naming it."""
    run = stocked.main("close-day", "--count", "D-1=12", "--as", "mo")
    assert run.code == 2
    assert "B-1" in run.text
