"""Issue 15: a write never waits without a limit, and a retried write is recorded once.

Writes queued in the server without a limit (44.8 s observed with a 30 s lock timeout); and
a 503 could come back for a command that was recorded (a PostgreSQL backend killed during
the commit), so a client that retried recorded it twice.
"""

from __future__ import annotations

import threading
import time
import uuid

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


def test_a_write_retried_under_its_idempotency_key_is_recorded_once(
    world: World, client: httpx.Client
) -> None:
    """The answer was lost, the client sends it again: the same answer, one record."""
    headers = {**world.auth("cree"), "Idempotency-Key": f"concern-{uuid.uuid4()}"}
    before = world.size()
    first = client.post(world.path("/concerns"), json=CONCERN, headers=headers)
    assert first.status_code == 200, first.text
    recorded = world.size()
    assert recorded > before
    retried = client.post(world.path("/concerns"), json=CONCERN, headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json() == first.json()
    assert world.size() == recorded


def test_an_idempotency_key_used_for_another_request_is_refused(
    world: World, client: httpx.Client
) -> None:
    """A key names one write: reused for a different body, 400 and nothing recorded."""
    headers = {**world.auth("cree"), "Idempotency-Key": f"concern-{uuid.uuid4()}"}
    assert client.post(world.path("/concerns"), json=CONCERN, headers=headers).status_code == 200
    before = world.size()
    other = {**CONCERN, "text": "The cart has no lock either"}
    response = client.post(world.path("/concerns"), json=other, headers=headers)
    assert response.status_code == 400, response.text
    assert "used for a different request" in response.json()["detail"]
    assert world.size() == before


def test_writes_without_a_key_are_each_recorded(world: World, client: httpx.Client) -> None:
    """No key, no memory: two sends are two concerns (the documented risk of retrying)."""
    before = world.size()
    for _ in range(2):
        response = client.post(world.path("/concerns"), json=CONCERN, headers=world.auth("cree"))
        assert response.status_code == 200, response.text
    assert world.size() >= before + 2
