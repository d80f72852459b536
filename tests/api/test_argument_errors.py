"""An argument left out or not fitting is 422 naming the field, never a recorded refusal."""

from __future__ import annotations

import httpx

from .world import World

#: A lot as a rental house's paperwork names it, but for its origin.
LOT = {
    "kind": "dummy",
    "caliber": ".45 Colt",
    "count": 12,
    "supplier": "Dummies Ltd",
    "storage": "safe-1",
}


def test_a_lot_without_its_origin_is_422_naming_origin_and_nothing_recorded(
    client: httpx.Client, world: World
) -> None:
    """POST /lots with no origin is an input error (not AMMO-SOURCE): 422, no entry."""
    before = world.size()
    response = client.post(
        world.path("/lots"), json={"lot": "dummies-7", **LOT}, headers=world.auth("ava")
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-event")
    assert "origin is missing" in problem["detail"]
    assert world.size() == before


def test_a_lot_with_a_placeholder_origin_is_still_refused_and_recorded(
    client: httpx.Client, world: World
) -> None:
    """An origin of "unknown" is a real attempt: 409 AMMO-SOURCE, and the ledger keeps it."""
    before = world.size()
    response = client.post(
        world.path("/lots"),
        json={"lot": "dummies-8", **LOT, "origin": "unknown"},
        headers=world.auth("ava"),
    )
    assert response.status_code == 409, response.text
    assert "AMMO-SOURCE" in {rule["id"] for rule in response.json()["rules"]}
    assert world.size() > before


def test_chambers_the_weapon_has_not_are_422_naming_the_chambers(
    client: httpx.Client, world: World
) -> None:
    """Loading chamber 7 of a six-chamber revolver is 422 before anything is decided."""
    before = world.size()
    response = client.post(
        world.path("/weapons/rev-1/load"),
        json={"lot": "dummies-1", "chambers": [6, 7]},
        headers=world.auth("ava"),
    )
    assert response.status_code == 422, response.text
    assert "--chambers 7: rev-1 has 6 chamber(s)" in response.json()["detail"]
    assert world.size() == before


def test_a_day_count_leaving_out_a_lot_is_422_naming_the_lot(
    client: httpx.Client, world: World
) -> None:
    """Closing the day without counting dummies-1 names it; the day stays open."""
    before = world.size()
    response = client.post(world.path("/day/close"), json={"counts": {}}, headers=world.auth("ava"))
    assert response.status_code == 422, response.text
    assert "leaves out lot(s) dummies-1" in response.json()["detail"]
    assert world.size() == before
