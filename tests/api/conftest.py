"""Fixtures of the API tests: the demo production (once per module), a real server, a client.

Requests go over loopback to uvicorn, as a tablet's would (Starlette's in-process
test client is deprecated with httpx).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi import FastAPI

from showclear.server import create_server
from showclear.service import FixedClock, MemoryKeyring, build_app

from .world import START, Server, World, build_world

if TYPE_CHECKING:
    from tests.conftest import Engine


@pytest.fixture(scope="module")
def world(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A fresh database (on each backend) with the demo production "Dust Creek", built once
    per module, with a document folder as a studio server configures one (``--documents``;
    SQLite would default to one beside its file, PostgreSQL has none)."""
    clock = FixedClock(START)
    db = engine.new()
    documents = tmp_path_factory.mktemp("documents")
    app = build_app(db.url, keyring=MemoryKeyring(), clock=clock, documents=documents)
    yield build_world(app, clock, "Dust Creek", spares=4)
    app.close()
    engine.drop(db)


@pytest.fixture(scope="module")
def api(world: World) -> FastAPI:
    """The application ``showclear serve`` runs (the API, with the web UI beside it)."""
    return create_server(world.app, secure_cookies=True)


@pytest.fixture(scope="module")
def server(api: FastAPI) -> Iterator[str]:
    """The base URL of a real uvicorn server on 127.0.0.1 serving ``api``."""
    with Server(api) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    """An HTTP client of ``server``, signed in as nobody (tests pass their headers)."""
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c
