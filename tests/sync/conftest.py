"""A set and a studio in one process: two databases, two key directories, the studio's API.

The set plays the first steps of the demo day; the studio holds an empty mirror of it,
reached through its real HTTP API (uvicorn on loopback, in a thread), never a fake.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from tests.api.world import Server
from tests.conftest import START, Engine
from tests.witnessing.conftest import witness_factory  # noqa: F401  (a fixture)

from showclear.demo import demo_day, play, western_day
from showclear.protocol.time import parse_time
from showclear.scenarios import Scenario
from showclear.server import create_server
from showclear.service import App, FileKeyring, FixedClock, build_app
from showclear.service.mirrors import add_mirror
from showclear.service.sync import SyncTarget
from showclear.store import open_store
from showclear.store.copy import copy_production

__all__ = ["Set", "Studio", "demo_set"]


@dataclass
class Set:
    """The set's application, its production and the rest of its day, step by step."""

    app: App
    slug: str
    clock: FixedClock
    scenario: Scenario
    key_dir: Path
    played: int = 0

    def play(self, steps: int) -> None:
        """Play the day's next ``steps`` steps."""
        rest = replace(self.scenario, steps=self.scenario.steps[self.played :])
        for _ in itertools.islice(play(self.app, self.slug, self.clock, rest), steps):
            pass
        self.played += steps

    def key_file(self) -> Path:
        """The production's signing key file in the set's key directory."""
        (key,) = self.key_dir.glob("*.key")
        return key

    def copy(self, engine: Engine, tmp: Path) -> Set:
        """Another set holding a copy of this production and of its key: a fork to be."""
        keys = tmp / "forked-keys"
        shutil.copytree(self.key_dir, keys)
        db = engine.new()
        target = open_store(db.url)
        try:
            copy_production(self.app.store, target, self.slug)
        finally:
            target.close()
        clock = FixedClock(self.clock.now())
        app = build_app(db.url, keyring=FileKeyring(keys), clock=clock)
        return Set(app, self.slug, clock, self.scenario, keys, self.played)


def demo_set(db: str, key_dir: Path) -> Set:
    """A set at ``db`` with its key in ``key_dir``: the demo's production, its first 12 steps
    played (people, safe, weapons)."""
    scenario = western_day(demo_day(START))
    clock = FixedClock(parse_time(scenario.created_at))
    app = build_app(db, keyring=FileKeyring(key_dir), clock=clock)
    slug = app.init_production(scenario.production).slug
    the = Set(app, slug, clock, scenario, key_dir)
    the.play(12)
    return the


@dataclass
class Studio:
    """The studio's application, its server's URL and a client of it, the upload token."""

    app: App
    url: str
    http: httpx.Client
    token: str
    witness_key: str | None

    @property
    def target(self) -> SyncTarget:
        return SyncTarget(self.url, self.token)


@pytest.fixture
def the_set(engine: Engine, tmp_path: Path) -> Iterator[Set]:
    """The set: the demo's production, its first 12 steps played (people, safe, weapons)."""
    the = demo_set(engine.new().url, tmp_path / "set-keys")
    yield the
    the.app.close()


@pytest.fixture
def studio(engine: Engine, tmp_path: Path, the_set: Set) -> Iterator[Studio]:
    """The studio: an empty mirror of the set's production, and its API."""
    db = engine.new()
    app = build_app(db.url, keyring=FileKeyring(tmp_path / "studio-keys"), clock=FixedClock(START))
    info = the_set.app.production(the_set.slug)
    added = add_mirror(
        app, the_set.slug, name="Dust Creek", origin=info.origin, verifier_key=info.verifier_key
    )
    with Server(create_server(app, secure_cookies=False)) as url, httpx.Client(base_url=url) as c:
        yield Studio(app, url, c, added.token, added.witness_key)
    app.close()
