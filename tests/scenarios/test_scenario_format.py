"""The scenario format: what a file says, and errors that name the file and the line."""

# ruff: noqa: E501 - scenario YAML reads best one step per line, as in scenarios/

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from showclear.scenarios import (
    Expectation,
    InMemoryProduction,
    ScenarioError,
    load_scenario,
    parse_scenario,
    replay_steps,
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


DATED = """\
production: Test show
date: today
prepared_at: "06:30"
people:
  - {id: ana, name: Ana, roles: [armorer], permits: [{kind: efp, number: "1", expires: !date +365 days}]}
steps:
"""


def test_times_of_day_fall_on_the_scenario_date_and_today_is_the_day_given() -> None:
    """With ``date: today``, "07:05" and an unquoted 10:30 are times on the day passed in."""
    read = parse_scenario(
        DATED
        + '  - {at: "07:05", as: ana, do: call_meal_break}\n'
        + "  - {at: 10:30, as: ana, do: call_wrap}\n",
        today=date(2026, 11, 30),
    )
    assert read.date == "2026-11-30"
    assert read.created_at == "2026-11-30T06:30:00Z"
    assert [s.event["at"] for s in read.steps] == [
        "2026-11-30T06:30:00Z", "2026-11-30T07:05:00Z", "2026-11-30T10:30:00Z"
    ]  # fmt: skip


def test_a_date_counted_from_the_scenario_date_is_resolved() -> None:
    """``!date +365 days`` is the day a year after the scenario's date."""
    read = parse_scenario(
        DATED + '  - {at: "07:00", as: ana, do: call_wrap}\n', today=date(2026, 11, 30)
    )
    assert read.steps[0].event["permits"][0]["expires"] == "2027-11-30"


def test_a_fixed_date_opens_the_day_without_repeating_it() -> None:
    """``date: 2026-11-25`` dates the steps, and open_day's date defaults to it."""
    read = parse_scenario(
        HEAD.replace('day:\n  date: "2026-11-25"\n', "day:\n").replace(
            "production: Test show\n", "production: Test show\ndate: 2026-11-25\n"
        )
        + '  - {at: "07:00", as: ana, do: call_wrap}\n'
    )
    opened = next(s.event for s in read.steps if s.event["type"] == "DayOpened")
    assert opened["date"] == "2026-11-25"
    assert read.steps[-1].event["at"] == "2026-11-25T07:00:00Z"


def test_a_time_of_day_without_a_date_names_its_line() -> None:
    """Without ``date``, "07:05" is refused with a fix the author can copy."""
    with pytest.raises(
        ScenarioError, match=r":15: the time of day '07:05' needs the scenario's date"
    ):
        parse_scenario(scenario('- {at: "07:05", as: ana, do: call_wrap}\n'))


def test_a_counted_date_without_a_date_or_in_a_bad_form_names_its_line() -> None:
    """``!date`` needs the scenario's ``date``, and a number of days."""
    undated = DATED.replace('date: today\nprepared_at: "06:30"\n', "")
    with pytest.raises(ScenarioError, match=r":3: !date counts days from the scenario's date"):
        parse_scenario(undated + "  - {at: 2026-11-25T07:00:00Z, as: ana, do: call_wrap}\n")
    with pytest.raises(ScenarioError, match=r":5: !date takes a number of days"):
        parse_scenario(
            DATED.replace("+365 days", "next year") + '  - {at: "07:00", do: call_wrap}\n'
        )


def test_a_scenario_date_must_be_a_day_or_today() -> None:
    """``date: tomorrow`` is refused with its line."""
    with pytest.raises(ScenarioError, match=r":2: date must be today or a day such as 2026-11-25"):
        parse_scenario(DATED.replace("date: today", "date: tomorrow"))


def test_a_step_keeps_its_note_and_a_note_must_be_text() -> None:
    """The note is the step in plain words; it is not part of the event."""
    read = parse_scenario(
        scenario('- {at: 2026-11-25T07:00:00Z, as: ana, do: call_wrap, note: "Wrap, everyone."}\n')
    )
    assert read.steps[-1].note == "Wrap, everyone."
    assert "note" not in read.steps[-1].event
    with pytest.raises(ScenarioError, match=r":15: note must be text"):
        parse_scenario(
            scenario("- {at: 2026-11-25T07:00:00Z, as: ana, do: call_wrap, note: [1]}\n")
        )


def test_replay_steps_yields_each_result_with_its_findings() -> None:
    """One StepResult per step, in order, each refusal with the remedy a person can act on."""
    read = parse_scenario(
        scenario(
            "- {at: 2026-11-25T07:00:00Z, as: ana, do: take_out, weapon: W1, setup: A1, expect: {refused: [PLAN-MEETING]}}\n"
        )
    )
    production = InMemoryProduction(read.production, at=read.created_at)
    results = list(replay_steps(read, production.submit))
    assert [r.step for r in results] == read.steps
    refused = results[-1]
    assert refused.matched and refused.outcome == "refused"
    assert [f.rule_id for f in refused.findings] == ["PLAN-MEETING"]
    assert all(f.remedy for f in refused.findings)
