"""Every scenario in scenarios/ replays as it expects; together they cover every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from showclear.protocol import CATALOG_IDS, fold
from showclear.scenarios import load_scenario, run_in_memory

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_scenario_replays_exactly_as_it_expects(path: Path) -> None:
    """Each step's outcome matches its expectation, and the ledger folds to the projection."""
    result, production = run_in_memory(load_scenario(path))
    assert result.passed, result.report()
    assert fold(production.events) == production.projection


def test_the_compliant_day_runs_without_a_single_refusal() -> None:
    """Replica rehearsal, dummy close-up, blank take, meal break, wrap, reconciliation."""
    result, production = run_in_memory(load_scenario(ROOT / "scenarios" / "compliant-day.yaml"))
    assert result.passed, result.report()
    assert result.refusals == 0
    assert all(step.outcome == "allowed" for step in result.steps)
    done = [e["type"] for e in production.events]
    for step in ("MealBreakCalled", "WeaponDischarged", "WrapCalled", "DayClosed"):
        assert step in done
    assert production.projection.ceasefire()["active"] is False


@pytest.mark.parametrize("rule_id", CATALOG_IDS)
def test_every_rule_is_shown_in_a_scenario(rule_id: str) -> None:
    """A refusal or warning by each rule is in some scenario, with the compliant way beside it."""
    shown = [p.name for p in SCENARIOS if rule_id in p.read_text(encoding="utf-8")]
    assert shown, f"no scenario shows {rule_id}"


@pytest.mark.parametrize("rule_id", CATALOG_IDS)
def test_every_rule_is_named_in_the_tests(rule_id: str) -> None:
    """Each rule id has tests of its own (beyond this list)."""
    here = Path(__file__).resolve()
    tests = [p for p in (ROOT / "tests").rglob("test_*.py") if p != here]
    assert any(rule_id in p.read_text(encoding="utf-8") for p in tests), rule_id
