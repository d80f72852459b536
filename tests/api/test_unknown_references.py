"""Typos are input errors with suggestions (422 unknown-reference), never recorded refusals."""

from __future__ import annotations

import httpx

from .world import World


def test_an_unknown_weapon_is_422_with_a_suggestion_and_nothing_recorded(
    client: httpx.Client, world: World
) -> None:
    """take-out of rev1 (for rev-1) answers unknown-reference naming rev-1; no entry."""
    before = world.size()
    response = client.post(
        world.path("/weapons/rev1/take-out"), json={"setup": "12a-1"}, headers=world.auth("ava")
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/unknown-reference")
    assert problem["title"] == "Unknown reference"
    assert "There is no weapon 'rev1' in this production: did you mean rev-1" in problem["detail"]
    assert problem["detail"].endswith("Nothing was recorded.")
    assert world.size() == before


def test_an_unknown_storage_suggests_the_storage_by_id_and_name(
    client: httpx.Client, world: World
) -> None:
    """A weapon received into safe1 is told of safe-1 (Armory safe); nothing is recorded."""
    before = world.size()
    weapon = {
        "weapon": "rev-9",
        "serial": "SN-9",
        "make": "Colt",
        "model": "SAA",
        "category": "blank_firing",
        "caliber": ".45 Colt",
        "chambers": 6,
        "action": "revolver",
        "storage": "safe1",
        "personal": False,
    }
    response = client.post(world.path("/weapons"), json=weapon, headers=world.auth("ava"))
    assert response.status_code == 422, response.text
    assert "did you mean safe-1 (Armory safe)?" in response.json()["detail"]
    assert world.size() == before


def test_a_released_weapon_still_goes_to_the_rules(client: httpx.Client, world: World) -> None:
    """An id the production registered and released is a real attempt: 409, CUS-INVENTORY."""
    ava = world.auth("ava")
    released = client.post(
        world.path("/weapons/spare-4/released"),
        json={"reason": "repair", "to": "Cole Gunsmiths", "document": "job card 4471"},
        headers=ava,
    )
    assert released.status_code == 200, released.text
    before = world.size()
    response = client.post(
        world.path("/weapons/spare-4/take-out"), json={"setup": "12a-1"}, headers=ava
    )
    assert response.status_code == 409, response.text
    assert "CUS-INVENTORY" in {rule["id"] for rule in response.json()["rules"]}
    assert world.size() > before


def test_a_typo_proposed_for_passkey_signatures_is_422_before_anyone_signs(
    client: httpx.Client, world: World
) -> None:
    """A handover of rev1 proposed for passkeys is an input error: no challenge, no entry."""
    before = world.size()
    response = client.post(
        world.path("/sign/options"),
        json={"command": "HandOver", "body": {"weapon": "rev1", "receiver": "pat"}},
        headers=world.auth("ava"),
    )
    assert response.status_code == 422, response.text
    assert "did you mean rev-1" in response.json()["detail"]
    assert world.size() == before
