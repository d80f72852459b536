"""Fixtures for the protocol tests: a fresh production with its shoot day."""

from __future__ import annotations

import pytest
from protocol_world import World


@pytest.fixture
def world() -> World:
    """A shoot day ready to start: people, inventory, call sheet, setups E1, D1, B1 met."""
    return World.day()
