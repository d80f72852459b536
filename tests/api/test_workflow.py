"""The set workflow through the API: a weapon goes out, is shown clear, handed over and back."""

from __future__ import annotations

import httpx

from .world import PIN, World


def test_a_weapon_goes_to_the_performer_after_a_confirmed_inspection_and_comes_back(
    client: httpx.Client, world: World
) -> None:
    """Take-out, inspection, handover and return are each allowed and recorded."""
    ava, pat = world.auth("ava"), world.auth("pat")
    weapon = world.path("/weapons/spare-1")
    steps = [
        (ava, "/take-out", {"setup": "12a-1"}),
        (
            ava,
            "/inspect",
            {
                "chambers": ["empty"] * 6,
                "barrel_clear": True,
                "performer": "pat",
                "performer_pin": PIN["pat"],
            },
        ),
        (ava, "/hand-over", {"receiver": "pat", "receiver_pin": PIN["pat"]}),
        (pat, "/hand-over", {"receiver": "ava", "receiver_pin": PIN["ava"]}),
        (ava, "/return", {"storage": "safe-1"}),
    ]
    for headers, action, body in steps:
        before = world.size()
        response = client.post(weapon + action, json=body, headers=headers)
        assert response.status_code == 200, (action, response.json())
        result = response.json()
        assert result["outcome"] in ("allowed", "warned")
        assert result["size"] == world.size() > before
    board = client.get(world.path("/board"), headers=ava).json()
    spare = next(w for w in board["weapons"] if w["weapon"] == "spare-1")
    assert spare["storage"] == "safe-1"
    assert world.app.verify(world.slug).ok


def test_the_acting_person_is_the_signed_in_one_and_pins_never_reach_the_ledger(
    client: httpx.Client, world: World
) -> None:
    """The handover's actor and giver come from the token; the receiver's PIN is not stored."""
    ava = world.auth("ava")
    weapon = world.path("/weapons/spare-2")
    client.post(weapon + "/take-out", json={"setup": "12a-1"}, headers=ava)
    inspect = {
        "chambers": ["empty"] * 6,
        "barrel_clear": True,
        "performer": "pat",
        "performer_pin": PIN["pat"],
    }
    client.post(weapon + "/inspect", json=inspect, headers=ava)
    response = client.post(
        weapon + "/hand-over", json={"receiver": "pat", "receiver_pin": PIN["pat"]}, headers=ava
    )
    event = response.json()["entries"][-1]["event"]
    assert event["actor"] == event["giver"] == "ava"
    assert event["receiver_confirmed"] is True
    assert PIN["pat"] not in response.text
    entries = client.get(world.path("/ledger/entries?limit=1000"), headers=ava).json()
    assert all(PIN["pat"] not in str(e["event"]) for e in entries["entries"])
