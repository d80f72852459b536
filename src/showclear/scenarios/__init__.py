"""Scenarios: a production, its day and timed steps in YAML, each with the outcome it expects.

``load_scenario(path)`` reads a file (docs/scenarios.md); ``run_scenario(scenario,
submit)`` replays it through any ``submit`` that decides and records an event, and
``replay_steps`` does the same one step at a time.
"""

from showclear.scenarios.errors import ScenarioError
from showclear.scenarios.loader import COMMANDS, load_scenario, parse_scenario
from showclear.scenarios.memory import InMemoryProduction, run_in_memory
from showclear.scenarios.model import Expectation, Scenario, Step
from showclear.scenarios.runner import (
    ScenarioResult,
    StepResult,
    Submit,
    replay_steps,
    run_scenario,
)

__all__ = [
    "COMMANDS",
    "Expectation",
    "InMemoryProduction",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "Step",
    "StepResult",
    "Submit",
    "load_scenario",
    "parse_scenario",
    "replay_steps",
    "run_in_memory",
    "run_scenario",
]
