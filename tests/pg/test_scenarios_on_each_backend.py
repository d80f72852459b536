"""Every scenario file, replayed through the service on each backend, records exactly what
the in-memory reference records (tests/scenarios replays them in memory only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from showclear.protocol.time import parse_time
from showclear.scenarios import load_scenario, run_in_memory, run_scenario
from showclear.service import TRUSTED, App, FixedClock

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_scenario_stores_the_same_ledger_as_the_in_memory_reference(
    path: Path, app: App, clock: FixedClock
) -> None:
    """Same outcome at every step, same entries after the first, a ledger that verifies."""
    scenario = load_scenario(path)
    expected, reference = run_in_memory(scenario)
    clock.set(parse_time(scenario.created_at))
    slug = app.init_production(scenario.production).slug
    result = run_scenario(scenario, lambda event: app.submit(slug, event, TRUSTED))
    assert result.passed, result.report()
    assert [s.outcome for s in result.steps] == [s.outcome for s in expected.steps]
    with app.store.read(slug) as session:
        stored = [row.event() for row in session.entries()]
    assert stored[1:] == reference.events[1:]
    report = app.verify(slug)
    assert report.ok, report.problem
