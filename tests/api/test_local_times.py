"""Times in the API without a zone are the production's local time (issue 16 item 1): a
command's time field (an incident notification's ``made_at``; no command takes ``at``, the
server's clock sets it) and the moment of a custody query. Entries keep UTC."""

from __future__ import annotations

import httpx
import pytest

from .world import World


def _zone(client: httpx.Client, world: World, zone: str) -> None:
    answer = client.patch(
        world.path("/settings"), json={"time_zone": zone}, headers=world.auth("pru")
    )
    assert answer.status_code == 200, answer.text


def _incident(client: httpx.Client, world: World) -> int:
    answer = client.post(
        world.path("/incidents"),
        json={"kind": "misfire", "description": "rev-1 clicked on a blank"},
        headers=world.auth("ava"),
    )
    assert answer.status_code == 200, answer.text
    (number,) = [
        e["event"]["incident"]
        for e in answer.json()["entries"]
        if e["event"]["type"] == "IncidentReported"
    ]
    return int(number)


@pytest.mark.parametrize(
    ("zone", "written", "kept"),
    [
        ("America/Los_Angeles", "2026-11-25 14:05", "2026-11-25T22:05:00Z"),
        ("Europe/London", "2026-11-25T14:05", "2026-11-25T14:05:00Z"),
        ("America/Los_Angeles", "2026-11-25T14:05:00Z", "2026-11-25T14:05:00Z"),
        ("America/Los_Angeles", "2026-11-25T15:05:00+01:00", "2026-11-25T14:05:00Z"),
    ],
)
def test_a_notification_time_without_a_zone_is_the_productions_local_time(
    client: httpx.Client, world: World, zone: str, written: str, kept: str
) -> None:
    """``made_at`` without a zone is read in the production's zone; with one, as written."""
    _zone(client, world, zone)
    incident = _incident(client, world)
    answer = client.post(
        world.path(f"/incidents/{incident}/notifications"),
        json={"to": "insurer", "made_at": written},
        headers=world.auth("sam"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["entries"][0]["event"]["made_at"] == kept


def test_a_notification_time_that_is_no_time_is_422_naming_the_field(
    client: httpx.Client, world: World
) -> None:
    incident = _incident(client, world)
    before = world.size()
    answer = client.post(
        world.path(f"/incidents/{incident}/notifications"),
        json={"to": "insurer", "made_at": "half past two"},
        headers=world.auth("sam"),
    )
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["loc"] == ["body", "made_at"]
    assert "2026-11-25 14:05 (the production's local time)" in error["msg"]
    assert world.size() == before


@pytest.mark.parametrize("route", ["/weapons/rev-1/custody", "/forensics/weapons/rev-1/custody"])
def test_a_custody_query_without_a_zone_is_the_productions_local_time(
    client: httpx.Client, world: World, route: str
) -> None:
    """00:30 in Los Angeles is 08:30 UTC, after rev-1 was received (08:00 UTC); 00:30 UTC
    was before it."""
    _zone(client, world, "America/Los_Angeles")
    local = client.get(
        world.path(route), params={"at": "2026-11-25T00:30"}, headers=world.auth("cree")
    )
    utc = client.get(
        world.path(route), params={"at": "2026-11-25T08:30:00Z"}, headers=world.auth("cree")
    )
    assert local.status_code == utc.status_code == 200, (local.text, utc.text)
    assert local.json() == utc.json()
    _zone(client, world, "UTC")
    before = client.get(
        world.path(route), params={"at": "2026-11-25T00:30"}, headers=world.auth("cree")
    )
    assert before.json() != utc.json(), before.text
