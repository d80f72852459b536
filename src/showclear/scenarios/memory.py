"""A production kept in memory: decide, append and apply, with no ledger or database.

For tests, for trying a scenario without a store, and as the reference the service's
real ``submit`` must agree with.
"""

from __future__ import annotations

import re
from typing import Any

from showclear.protocol import Decision, Projection, apply, decide
from showclear.scenarios.model import Scenario
from showclear.scenarios.runner import ScenarioResult, run_scenario

__all__ = ["InMemoryProduction", "run_in_memory"]


class InMemoryProduction:
    """A production's entries and projection in memory."""

    def __init__(self, name: str, *, at: str) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "production"
        self.projection = Projection.empty()
        self.events: list[dict[str, Any]] = []
        self.submit(
            {
                "type": "ProductionCreated",
                "at": at,
                "actor": None,
                "production": name,
                "origin": f"showclear.example/productions/{slug}",
                "public_key": "in-memory",
                "slug": slug,
            }
        )

    def submit(self, proposed: dict[str, Any]) -> Decision:
        """Decide ``proposed``, then append and apply every entry of the decision.

        Raises ProtocolError (nothing appended) for input that cannot be decided.
        """
        decision = decide(self.projection, proposed)
        for event in decision.events:
            self.events.append(event)
            apply(self.projection, event)
        return decision


def run_in_memory(scenario: Scenario) -> tuple[ScenarioResult, InMemoryProduction]:
    """Run ``scenario`` on a fresh in-memory production; return the result and the production."""
    production = InMemoryProduction(scenario.production, at=scenario.created_at)
    return run_scenario(scenario, production.submit), production
