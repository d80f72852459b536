"""The demo's western day is a scenario file like any other: it replays as it expects."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

from typer.testing import CliRunner

from showclear.cli import app
from showclear.demo import DAY_FILE, PINS, western_day
from showclear.protocol import fold
from showclear.scenarios import Expectation, load_scenario, run_in_memory

DAY = date(2026, 11, 25)
runner = CliRunner()


def test_the_demo_day_replays_exactly_as_it_expects() -> None:
    """Every step's outcome matches its expectation, and the ledger folds to the projection."""
    result, production = run_in_memory(western_day(DAY))
    assert result.passed, result.report()
    assert fold(production.events) == production.projection
    assert production.projection.ceasefire()["active"] is False


def test_the_demo_day_expects_the_refusals_that_matter() -> None:
    """The AD's handoff, the stale inspection, the cease-fire and the suspect lot's dummies,
    each with its rule ids."""
    expected = [s.expect for s in western_day(DAY).steps if s.expect.outcome != "allowed"]
    assert expected == [
        Expectation("refused", frozenset({"CUS-HANDLER", "CUS-TWO-PARTY", "CUS-SHOW-CLEAR"})),
        Expectation("refused", frozenset({"CUS-SHOW-CLEAR"})),
        Expectation("warned", frozenset({"INC-CEASEFIRE"})),
        Expectation("refused", frozenset({"INC-CEASEFIRE"})),
        Expectation("warned", frozenset({"AMMO-NO-LIVE"})),
        Expectation("refused", frozenset({"AMMO-SUSPECT", "CUS-SHOW-CLEAR"})),
    ]


def test_the_demo_day_falls_on_the_day_it_is_played() -> None:
    """``date: today``: the production is prepared at 06:30 and the day opens on that date."""
    scenario = western_day(DAY)
    assert (scenario.date, scenario.created_at) == ("2026-11-25", "2026-11-25T06:30:00Z")
    opened = next(s.event for s in scenario.steps if s.event["type"] == "DayOpened")
    assert opened["date"] == "2026-11-25"
    assert all(s.event["at"].startswith("2026-11-25T") for s in scenario.steps)


def test_every_step_tells_its_story_and_every_person_has_a_demo_pin() -> None:
    """The demo prints each step's note, and signs everyone in with their PIN."""
    steps = western_day(DAY).steps
    assert all(step.note for step in steps)
    people = [s.event["person"] for s in steps if s.event["type"] == "PersonRegistered"]
    assert people == list(PINS)


def test_the_shipped_file_is_a_valid_scenario_run_input() -> None:
    """`showclear scenario run` replays the packaged file on a real ledger, as it expects."""
    path = str(files("showclear.demo").joinpath(DAY_FILE))
    assert load_scenario(path).production == "Dust Creek"
    result = runner.invoke(app, ["scenario", "run", "--quiet", path])
    assert result.exit_code == 0, result.output
    assert "1 of 1 scenario files passed" in result.output
    assert "Final ledger verified." in result.output
