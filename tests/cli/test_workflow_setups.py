"""Setups and safety meetings on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli, ready_to_hand_over

SETUP_FILE = """\
scene: Street duel
kind: take
direction: west, toward the hills
weapons:
  - weapon: colt-1
    performer: ana
    load: blanks
    lot: B-1
    rounds: 2
people_near:
  - who: camera A
    distance_cm: 900
    eye_protection: true
    hearing_protection: true
"""


def _setup(cli: Cli, setup: str) -> dict[str, object]:
    app = cli.app()
    try:
        record = app.projection("dust-creek").setup(setup)
        assert record is not None
        return dict(record)
    finally:
        app.close()


def test_a_setup_is_planned_from_a_yaml_file(stocked: Cli, tmp_path: Path) -> None:
    """`setup plan --file` reads the plan's fields from YAML."""
    path = tmp_path / "duel.yaml"
    path.write_text(SETUP_FILE)
    stocked.ok("setup", "plan", "7", "--file", str(path), "--as", "lee")
    setup = _setup(stocked, "7")
    assert setup["scene"] == "Street duel"
    assert setup["weapons"] == [
        {"weapon": "colt-1", "performer": "ana", "load": "blanks", "lot": "B-1", "rounds": 2}
    ]


def test_options_replace_the_files_fields(stocked: Cli, tmp_path: Path) -> None:
    """A --scene on the command line wins over the file's scene."""
    path = tmp_path / "duel.yaml"
    path.write_text(SETUP_FILE)
    stocked.ok("setup", "plan", "7", "--file", str(path), "--scene", "Duel, take 2", "--as", "lee")
    assert _setup(stocked, "7")["scene"] == "Duel, take 2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("scene: [unclosed\n", "not valid YAML"),
        ("scene: x\ncolour: red\n", "unknown key(s) colour"),
        ("- a list\n", "expected a mapping"),
        ("setup: 9\nscene: x\n", "plans setup 9"),
    ],
)
def test_a_bad_setup_file_is_a_usage_error(
    stocked: Cli, tmp_path: Path, content: str, message: str
) -> None:
    """A malformed setup file exits 2 with what is wrong."""
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    result = stocked("setup", "plan", "7", "--file", str(path), "--as", "lee")
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


PLAN = ["--direction", "east", "--scene", "Saloon", "--kind", "take"]


@pytest.mark.parametrize(
    "args",
    [
        ["--weapon", "colt-1:ana:bullets", *PLAN],  # no such load
        ["--weapon", "colt-1:ana", *PLAN],  # no load
        ["--weapon", "colt-1:ana:empty:D-1:six", *PLAN],  # rounds not a number
        ["--weapon", "colt-1:ana:empty", "--near", "camera:close", *PLAN],  # distance in words
        ["--weapon", "colt-1:ana:empty", "--near", "camera:900:behind", *PLAN],  # unknown flag
        ["--weapon", "colt-1:ana:empty", "--direction", "east", "--kind", "take"],  # no scene
        ["--direction", "east", "--scene", "Saloon", "--kind", "take"],  # no weapon
    ],
)
def test_bad_plan_options_are_usage_errors(stocked: Cli, args: list[str]) -> None:
    """A weapon or nearby person in the wrong format, or a missing field: exit 2."""
    result = stocked("setup", "plan", "7", *args, "--as", "lee")
    assert result.exit_code == 2, result.output


def test_blanks_with_someone_too_close_are_refused(stocked: Cli) -> None:
    """PLAN-DISTANCE: with blanks nobody is within 20 feet of the line of fire."""
    stocked.refused(
        "setup", "plan", "8", "--scene", "Bar fight", "--kind", "take",
        "--weapon", "colt-1:ana:blanks:B-1:2", "--direction", "north",
        "--near", "boom operator:300cm:eye:hearing", "--as", "lee", rules={"PLAN-DISTANCE"},
    )  # fmt: skip


def test_pointing_toward_a_person_needs_a_shield_and_the_handlers_signoff(stocked: Cli) -> None:
    """PLAN-POINTING: dummies toward a shielded camera operator, signed off by the handler."""
    plan = [
        "setup", "plan", "9", "--scene", "Close-up", "--kind", "take",
        "--weapon", "colt-1:ana:dummies:D-1:6", "--direction", "toward camera B",
    ]  # fmt: skip
    stocked.refused(*plan, "--near", "camera B:300cm:line", "--as", "mo", rules={"PLAN-POINTING"})
    stocked.ok(*plan, "--near", "camera B:300cm:line:shielded", "--signoff", "--as", "mo")
    assert _setup(stocked, "9")["handler_signoff"] == "mo"


def test_a_rehearsal_with_a_firing_weapon_warns_and_goes_through(stocked: Cli) -> None:
    """PLAN-REHEARSAL warns (exit 0) unless the plan says why a functional weapon is needed."""
    result = stocked.ok(
        "setup", "plan", "R1", "--scene", "Walk-through", "--kind", "rehearsal",
        "--weapon", "colt-1:ana:empty", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    assert "PLAN-REHEARSAL" in result.output
    assert "warning" in result.output
    quiet = stocked.ok(
        "setup", "plan", "R2", "--scene", "Walk-through", "--kind", "rehearsal",
        "--weapon", "replica-1:ana:empty", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    assert "PLAN-REHEARSAL" not in quiet.output


def test_changing_the_load_needs_a_new_safety_meeting(planned: Cli) -> None:
    """PLAN-MEETING: after `setup change` of the load, a new meeting is held first."""
    planned.ok(
        "setup", "change", "1", "--scene", "Saloon standoff", "--kind", "take",
        "--weapon", "colt-1:ana:blanks:B-1:2", "--direction", "east, away from the crew",
        "--near", "camera A:900cm:eye:hearing", "--as", "lee",
    )  # fmt: skip
    planned.refused("take-out", "colt-1", "--setup", "1", "--as", "mo", rules={"PLAN-MEETING"})
    planned.ok("meeting", "1", "--attendee", "mo", "--attendee", "ana,lee", "--as", "lee")
    planned.ok("take-out", "colt-1", "--setup", "1", "--as", "mo")


def test_an_attendee_who_declines_does_not_confirm_the_meeting(stocked: Cli) -> None:
    """Each attendee confirms with their own PIN; Enter at the prompt declines."""
    stocked.ok(
        "setup", "plan", "1", "--scene", "Saloon", "--kind", "take",
        "--weapon", "colt-1:ana:dummies:D-1:6", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    result = stocked.ok(
        "meeting", "1", "--attendee", "mo,ana,lee", "--as", "lee",
        input="\n", env={"SHOWCLEAR_PIN_ANA": None},
    )  # fmt: skip
    assert "ana did not confirm" in result.output
    assert _setup(stocked, "1")["confirmed"] == ["lee", "mo"]
    stocked.refused("take-out", "colt-1", "--setup", "1", "--as", "mo", rules={"PLAN-MEETING"})


def test_cut_with_the_weapon_still_with_the_performer_is_refused(planned: Cli) -> None:
    """CUS-RETURN: `setup complete` waits until every performer returned their weapon."""
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    planned.refused("setup", "complete", "1", "--as", "lee", rules={"CUS-RETURN"})
    planned.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")
    planned.ok("setup", "complete", "1", "--as", "lee")
    assert _setup(planned, "1")["completed"] is True
