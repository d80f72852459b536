"""Issue 15: a write never waits without a limit, and a retried write is recorded once.

Writes queued in the server without a limit (44.8 s observed with a 30 s lock timeout); and
a 503 could come back for a command that was recorded (a PostgreSQL backend killed during
the commit), so a client that retried recorded it twice.
"""

from __future__ import annotations

import threading
import time

import httpx

from showclear.service.app import WRITE_WAIT_SECONDS

from .world import World

CONCERN = {"text": "The cart has no lid", "anonymous": False, "stop_work": False}


def test_a_write_that_waits_too_long_is_answered_503_with_retry_after(
    world: World, client: httpx.Client
) -> None:
    """Another writer holds the production: 503 after the bound, Retry-After, nothing recorded."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with world.app._writer(world.slug):
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold)
    world.app.write_wait = 0.5
    holder.start()
    try:
        assert held.wait(10)
        before = world.size()
        started = time.monotonic()
        response = client.post(world.path("/concerns"), json=CONCERN, headers=world.auth("cree"))
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()
        world.app.write_wait = WRITE_WAIT_SECONDS
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert "was not recorded" in response.json()["detail"]
    assert waited < 5
    assert world.size() == before
    again = client.post(world.path("/concerns"), json=CONCERN, headers=world.auth("cree"))
    assert again.status_code == 200, again.text
