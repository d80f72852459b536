"""The scenario format: what a file says, and errors that name the file and the line."""

# ruff: noqa: E501 - scenario YAML reads best one step per line, as in scenarios/

from __future__ import annotations

import textwrap

import pytest

from showclear.scenarios import (
    Expectation,
    ScenarioError,
    load_scenario,
    parse_scenario,
    run_in_memory,
)

HEAD = """\
production: Test show
people:
  - {id: ana, name: Ana, roles: [armorer], permits: [{kind: efp, number: "1", expires: "2027-01-01"}]}
  - {id: rio, name: Rio, roles: [performer], trainings: [revolver]}
storage:
  - {id: S1, name: Safe, lockable: true}
weapons:
  - {id: W1, serial: R1, make: Props, model: Rubber, category: rubber, caliber: .45 Colt, chambers: 0, action: revolver, storage: S1}
day:
  date: "2026-11-25"
  call_sheet: {ana: [handler], rio: [performer]}
setups:
  - {id: A1, scene: "1", kind: take, weapons: [{weapon: W1, performer: rio, load: empty}], direction: away}
steps:
"""


def scenario(steps: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(steps), "  ")


def test_a_scenario_turns_into_events_with_their_expectations() -> None:
    """Preamble entries come first, then steps; times stay RFC 3339 text."""
    read = parse_scenario(
        scenario("""\
        - {at: 2026-11-25T07:00:00Z, as: ana, do: take_out, weapon: W1, setup: A1, expect: {refused: [PLAN-MEETING]}}
        - {at: 2026-11-25T07:01:00Z, as: ana, do: hand_over, weapon: W1, receiver: rio, expect: refused}
        """)
    )
    assert read.production == "Test show"
    assert [s.event["type"] for s in read.steps if s.preamble] == [
        "PersonRegistered", "PersonRegistered", "StorageAdded", "WeaponReceived", "DayOpened", "SetupPlanned",
    ]  # fmt: skip
    take_out, hand_over = read.steps[-2:]
    assert take_out.event == {
        "type": "WeaponTakenOut", "at": "2026-11-25T07:00:00Z", "actor": "ana", "weapon": "W1", "setup": "A1"
    }  # fmt: skip
    assert take_out.expect == Expectation("refused", frozenset({"PLAN-MEETING"}))
    assert hand_over.event["giver"] == "ana" and hand_over.event["receiver_confirmed"] is True


def test_a_run_reports_each_step_expected_and_actual() -> None:
    """A step whose outcome differs is listed with both."""
    read = parse_scenario(
        scenario("- {at: 2026-11-25T07:00:00Z, as: ana, do: take_out, weapon: W1, setup: A1}\n")
    )
    result, _ = run_in_memory(read)
    assert not result.passed
    (mismatch,) = result.mismatches
    assert (mismatch.outcome, mismatch.rules) == ("refused", ("PLAN-MEETING",))
    assert "expected allowed" in mismatch.describe()
    assert "FAIL line   15" in result.report()


def test_an_input_error_is_an_outcome_a_step_can_expect() -> None:
    """A step may show an input error, such as an event earlier than the last."""
    read = parse_scenario(
        scenario(
            "- {at: 2026-11-25T07:00:00Z, as: ana, do: call_meal_break}\n"
            "- {at: 2026-11-25T06:00:00Z, as: ana, do: call_wrap, expect: {error: earlier than}}\n"
        )
    )
    result, _ = run_in_memory(read)
    assert result.passed, result.report()


def test_yaml_that_does_not_parse_names_its_line(tmp_path: pytest.TempPathFactory) -> None:
    """A malformed file gets an error with its file and line number."""
    path = tmp_path / "broken.yaml"  # type: ignore[operator]
    path.write_text(scenario("- {at: 2026-11-25T07:00:00Z, as: ana, do: take_out\n"))
    with pytest.raises(
        ScenarioError, match=r"broken\.yaml:16: not valid YAML.*flow mapping on line 15"
    ):
        load_scenario(path)


def test_a_bad_field_in_a_step_names_the_line_of_the_field() -> None:
    """The error points at the field that is wrong."""
    text = scenario("""\
    - at: 2026-11-25T07:00:00Z
      as: ana
      do: check_barrel
      weapon: W1
      clear: maybe
    """)
    with pytest.raises(
        ScenarioError, match=r"day\.yaml:19: BarrelChecked\.clear must be true or false"
    ):
        parse_scenario(text, "day.yaml")


def test_an_unknown_command_names_its_line() -> None:
    """Commands are the documented ones."""
    with pytest.raises(ScenarioError, match=r"day\.yaml:15: unknown command 'shoot'"):
        parse_scenario(scenario("- {at: 2026-11-25T07:00:00Z, as: ana, do: shoot}\n"), "day.yaml")


def test_an_unknown_section_and_a_repeated_key_name_their_lines() -> None:
    """Typos in section names and duplicated keys are caught."""
    with pytest.raises(ScenarioError, match=r":1: unknown section 'prodution'"):
        parse_scenario("prodution: x\nsteps: []\n")
    with pytest.raises(ScenarioError, match=r":17: key 'weapon' appears twice"):
        parse_scenario(scenario("- at: 2026-11-25T07:00:00Z\n  weapon: W1\n  weapon: W2\n"))


def test_floats_in_a_scenario_are_refused_with_their_line() -> None:
    """Distances are whole centimetres."""
    text = HEAD.replace(
        "direction: away}", "direction: away, people_near: [{who: grip, distance_cm: 6.5}]}"
    )
    with pytest.raises(ScenarioError, match=r":13: SetupPlanned\.people_near\[0\]\.distance_cm"):
        parse_scenario(text + "  - {at: 2026-11-25T07:00:00Z, as: ana, do: call_wrap}\n")


def test_an_expectation_must_be_one_of_the_documented_forms() -> None:
    """allowed, warned, refused, {warned: [...]}, {refused: [...]} or {error: text}."""
    with pytest.raises(ScenarioError, match=r":15: expect must be"):
        parse_scenario(
            scenario("- {at: 2026-11-25T07:00:00Z, as: ana, do: call_wrap, expect: fine}\n")
        )


def test_a_missing_file_is_named(tmp_path: pytest.TempPathFactory) -> None:
    """Reading a file that is not there is a ScenarioError too."""
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "nope.yaml")  # type: ignore[operator]
