"""The production's time zone and units over the API: read by any member, changed by a
producer or the safety coordinator (issue 16 item 1)."""

from __future__ import annotations

import httpx

from .world import World


def test_settings_are_utc_and_feet_until_set_then_what_the_producer_set(
    client: httpx.Client, world: World
) -> None:
    """GET /settings reads them; PATCH /settings (ChangeSettings) records a change."""
    before = client.get(world.path("/settings"), headers=world.auth("cree"))
    assert before.status_code == 200, before.text
    assert (before.json()["time_zone"], before.json()["units"]) == ("UTC", "ft")
    changed = client.patch(
        world.path("/settings"),
        json={"time_zone": "America/Los_Angeles", "units": "m", "reason": "we shoot in LA"},
        headers=world.auth("pru"),
    )
    assert changed.status_code == 200, changed.text
    after = client.get(world.path("/settings"), headers=world.auth("cree")).json()
    assert (after["time_zone"], after["units"]) == ("America/Los_Angeles", "m")
    assert after["local_now"].endswith(("PST", "PDT"))


def test_a_crew_member_may_not_change_them_and_nothing_is_recorded(
    client: httpx.Client, world: World
) -> None:
    before = world.size()
    answer = client.patch(world.path("/settings"), json={"units": "ft"}, headers=world.auth("cree"))
    assert answer.status_code == 403, answer.text
    assert world.size() == before


def test_a_zone_the_iana_database_lacks_is_422_saying_what_is_accepted(
    client: httpx.Client, world: World
) -> None:
    before = world.size()
    answer = client.patch(
        world.path("/settings"), json={"time_zone": "Pacific Time"}, headers=world.auth("sam")
    )
    assert answer.status_code == 422, answer.text
    assert "IANA time zone name such as America/Los_Angeles" in answer.text
    assert world.size() == before
