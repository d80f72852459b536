"""docs/scenarios.md cannot drift: its example runs, and it lists every command."""

from __future__ import annotations

import re
from pathlib import Path

from showclear.scenarios import COMMANDS, parse_scenario, run_in_memory

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def test_the_documented_example_runs_as_it_expects() -> None:
    """The YAML example in docs/scenarios.md is a passing scenario."""
    (example,) = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    result, _ = run_in_memory(parse_scenario(example, "docs/scenarios.md"))
    assert result.passed, result.report()
    assert result.refusals == 1


def test_every_command_is_documented() -> None:
    """Each ``do:`` command has its row in the table."""
    text = DOC.read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"`{c}`" not in text]
    assert not missing
