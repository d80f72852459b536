"""Fixtures of the forensic tests: the demo day once per module, and a base world to copy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from showclear.service import FixedClock, MemoryKeyring, build_app

from .histories import BaseWorld, Demo, record_base_world, record_demo_day

START = datetime.fromisoformat("2026-11-25T06:00:00+00:00")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo's western day, recorded once for the module."""
    db = tmp_path_factory.mktemp("demo") / "showclear.db"
    clock = FixedClock(START)
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    slug = record_demo_day(app, clock)
    yield Demo(app, clock, slug, db)
    app.close()


@pytest.fixture(scope="module")
def base_world(tmp_path_factory: pytest.TempPathFactory) -> BaseWorld:
    folder = tmp_path_factory.mktemp("random")
    keyring = MemoryKeyring()
    clock = FixedClock(START)
    app = build_app(str(folder / "base.db"), keyring=keyring, clock=clock)
    slug, end = record_base_world(app, clock)
    app.close()
    return BaseWorld(folder, keyring, slug, end)
