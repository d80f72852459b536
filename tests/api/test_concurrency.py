"""Concurrent requests for one production: the ledger never forks, a weapon is in one place.

Threads send the same handover of one weapon to a real uvicorn server at the
same moment (a barrier releases them together). Commands of a production are
serialized, so exactly one handover is decided against a weapon still with the
armorer and freshly inspected; every other one is decided after it and refused
by a rule, and the refusal is recorded.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .world import PIN, World

REFUSING_RULES = {"CUS-TWO-PARTY", "CUS-SHOW-CLEAR", "CUS-HANDLER"}


def _ready_to_hand_over(client: httpx.Client, world: World, weapon: str) -> None:
    ava = world.auth("ava")
    path = world.path(f"/weapons/{weapon}")
    inspection = {
        "chambers": ["empty"] * 6,
        "barrel_clear": True,
        "performer": "pat",
        "performer_pin": PIN["pat"],
    }
    for action, body in (("/take-out", {"setup": "12a-1"}), ("/inspect", inspection)):
        response = client.post(path + action, json=body, headers=ava)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(("clients", "weapon"), [(2, "spare-1"), (20, "spare-2")])
def test_concurrent_handovers_of_one_weapon_let_exactly_one_through(
    server: str, client: httpx.Client, world: World, clients: int, weapon: str
) -> None:
    """One 200; every other request is 409 refused with a custody rule; the ledger verifies."""
    _ready_to_hand_over(client, world, weapon)
    size = world.size()
    barrier = threading.Barrier(clients)
    body = {"receiver": "pat", "receiver_pin": PIN["pat"]}
    url = world.path(f"/weapons/{weapon}/hand-over")

    def hand_over(_: int) -> httpx.Response:
        with httpx.Client(base_url=server, timeout=60) as own:
            barrier.wait()
            return own.post(url, json=body, headers=world.auth("ava"))

    with ThreadPoolExecutor(clients) as pool:
        responses = list(pool.map(hand_over, range(clients)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (clients - 1), [r.text for r in responses]
    for refused in (r.json() for r in responses if r.status_code == 409):
        assert refused["type"].endswith("/refused")
        assert {rule["id"] for rule in refused["rules"]} & REFUSING_RULES, refused
    # Every request was recorded, one after the other, in one unforked ledger.
    recorded = [e["index"] for r in responses for e in r.json()["entries"]]
    assert sorted(recorded) == list(range(size, world.size()))
    accepted = [
        e["event"]
        for e in client.get(
            world.path(f"/weapons/{weapon}/history"), headers=world.auth("ava")
        ).json()
        if e["event"]["type"] == "WeaponHandedOver"
    ]
    assert len(accepted) == 1
    assert world.app.verify(world.slug).ok


def test_every_concurrent_command_gets_its_own_consecutive_entries(
    server: str, world: World
) -> None:
    """Twenty concerns raised at once land at twenty consecutive indices, each under a
    checkpoint that covers it (group commit: several may share one checkpoint)."""
    size = world.size()
    barrier = threading.Barrier(20)

    def raise_concern(n: int) -> httpx.Response:
        with httpx.Client(base_url=server, timeout=60) as own:
            barrier.wait()
            return own.post(
                world.path("/concerns"),
                json={"text": f"concern {n}", "anonymous": False, "stop_work": False},
                headers=world.auth("cree"),
            )

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(raise_concern, range(20)))
    assert {r.status_code for r in responses} == {200}
    indices = sorted(e["index"] for r in responses for e in r.json()["entries"])
    assert indices == list(range(size, size + 20))
    for r in responses:
        assert r.json()["entries"][-1]["index"] < r.json()["size"] <= size + 20
    numbers = [r.json()["entries"][0]["event"]["concern"] for r in responses]
    assert len(set(numbers)) == 20
    assert world.app.verify(world.slug).ok
