"""Fixtures of the report tests: the demo day, recorded once per module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from forensics.histories import Demo, record_demo_day
from showclear.service import FixedClock, MemoryKeyring, build_app

START = datetime.fromisoformat("2026-11-25T06:00:00+00:00")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo's western day (src/showclear/demo), recorded once for the module."""
    db = tmp_path_factory.mktemp("demo") / "showclear.db"
    clock = FixedClock(START)
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    slug = record_demo_day(app, clock)
    yield Demo(app, clock, slug, db)
    app.close()
