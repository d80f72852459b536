"""Fixtures of the forensic tests: the demo day once per module, and a base world to copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from showclear.service import App, FixedClock, MemoryKeyring, build_app

from .histories import record_base_world, record_demo_day

START = datetime.fromisoformat("2026-11-25T06:00:00+00:00")


@dataclass
class Demo:
    app: App
    clock: FixedClock
    slug: str
    db: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo's western day, recorded once for the module."""
    db = tmp_path_factory.mktemp("demo") / "showclear.db"
    clock = FixedClock(START)
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    slug = record_demo_day(app, clock)
    yield Demo(app, clock, slug, db)
    app.close()


@dataclass
class BaseWorld:
    """A recorded base world on disk, copied for each random day so none shares a ledger."""

    folder: Path
    keyring: MemoryKeyring
    slug: str
    end: datetime
    copies: int = 0

    def fresh(self) -> tuple[App, FixedClock]:
        self.copies += 1
        target = self.folder / f"copy-{self.copies}"
        target.mkdir()
        for file in self.folder.glob("base.db*"):
            shutil.copy(file, target / file.name)
        clock = FixedClock(self.end)
        return build_app(str(target / "base.db"), keyring=self.keyring, clock=clock), clock


@pytest.fixture(scope="module")
def base_world(tmp_path_factory: pytest.TempPathFactory) -> BaseWorld:
    folder = tmp_path_factory.mktemp("random")
    keyring = MemoryKeyring()
    clock = FixedClock(START)
    app = build_app(str(folder / "base.db"), keyring=keyring, clock=clock)
    slug, end = record_base_world(app, clock)
    app.close()
    return BaseWorld(folder, keyring, slug, end)
