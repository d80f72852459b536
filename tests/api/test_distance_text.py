"""Distances as text in the JSON API: ``"20ft"``, ``"6m"``, ``"610cm"`` or a bare number in
the production's unit, beside each ``*_cm`` field; the entry keeps whole centimetres
(issue 16 item 1)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from showclear.api.routes.commands import texts_read

from .world import World

#: A rehearsal of rev-1, empty, with one person near the line of fire.
PLAN: dict[str, Any] = {
    "scene": "40",
    "kind": "rehearsal",
    "weapons": [{"weapon": "rev-1", "performer": "pat", "load": "empty"}],
    "direction": "toward the north wall",
}


def _units(client: httpx.Client, world: World, units: str) -> None:
    answer = client.patch(world.path("/settings"), json={"units": units}, headers=world.auth("pru"))
    assert answer.status_code == 200, answer.text


def _plan(client: httpx.Client, world: World, setup: str, near: dict[str, Any]) -> httpx.Response:
    body = {**PLAN, "setup": setup, "people_near": [{"who": "camera A", **near}]}
    return client.post(world.path("/setups"), json=body, headers=world.auth("dan"))


@pytest.mark.parametrize(
    ("setup", "written", "cm"),
    [
        ("40-ft", ("20ft", "m"), 610),
        ("40-m", ("6 m", "ft"), 600),
        ("40-cm", ("610cm", "ft"), 610),
        ("40-bare-ft", ("20", "ft"), 610),
        ("40-bare-m", ("6.1", "m"), 610),
    ],
)
def test_a_setup_takes_a_distance_as_text_and_the_entry_keeps_centimetres(
    client: httpx.Client, world: World, setup: str, written: tuple[str, str], cm: int
) -> None:
    """A unit written wins; a bare number is read in the production's unit (the second)."""
    text, units = written
    _units(client, world, units)
    answer = _plan(client, world, setup, {"distance": text})
    assert answer.status_code == 200, answer.text
    (entry,) = [
        e["event"] for e in answer.json()["entries"] if e["event"]["type"] == "SetupPlanned"
    ]
    assert entry["people_near"] == [{"who": "camera A", "distance_cm": cm}]
    assert "distance" not in entry["people_near"][0]


def test_the_policy_distance_is_taken_as_text(client: httpx.Client, world: World) -> None:
    """PATCH /policy with ``blank_min_distance: "25ft"`` records blank_min_distance_cm 762."""
    answer = client.patch(
        world.path("/policy"),
        json={"changes": {"blank_min_distance": "25ft"}, "reason": "a wide lens"},
        headers=world.auth("sam"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["entries"][0]["event"]["changes"] == {"blank_min_distance_cm": 762}
    assert world.app.projection(world.slug).policy().blank_min_distance_cm == 762


@pytest.mark.parametrize(
    ("route", "body", "where"),
    [
        ("/setups", {**PLAN, "setup": "41", "people_near": [{"who": "x", "distance": "20 yd"}]},
         ["body", "people_near", 0, "distance"]),
        ("/policy", {"changes": {"blank_min_distance": "far"}},
         ["body", "changes", "blank_min_distance"]),
        ("/weapons/rev-1/discharge", {"chambers": [1], "intended": True, "misfire": False,
                                      "nearest": "-3ft"}, ["body", "nearest"]),
    ],
)  # fmt: skip
def test_a_distance_in_no_unit_showclear_knows_is_422_naming_the_field_and_the_forms(
    client: httpx.Client, world: World, route: str, body: dict[str, Any], where: list[Any]
) -> None:
    """Nothing is recorded; the problem names the field and the forms accepted."""
    before = world.size()
    method = "PATCH" if route == "/policy" else "POST"
    answer = client.request(method, world.path(route), json=body, headers=world.auth("sam"))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert [e["loc"] for e in problem["errors"]] == [where]
    assert "20ft, 20 ft, 6m, 6.1 m or 610cm" in problem["errors"][0]["msg"]
    assert world.size() == before


def test_both_or_neither_of_distance_and_distance_cm_is_422(
    client: httpx.Client, world: World
) -> None:
    """One of the two is required where the centimetres were, never both."""
    before = world.size()
    both = _plan(client, world, "42", {"distance": "20ft", "distance_cm": 610})
    assert both.status_code == 422, both.text
    assert "give distance_cm or distance, not both" in both.text
    neither = _plan(client, world, "42", {})
    assert neither.status_code == 422, neither.text
    assert "distance_cm or distance is required" in neither.text
    assert world.size() == before


def test_the_schema_documents_the_text_beside_the_centimetres(
    client: httpx.Client,
) -> None:
    """A client learns from the OpenAPI schema that ``nearest`` takes "20ft"."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    near = schemas["NearbyPerson"]["properties"]
    assert {"distance", "distance_cm"} <= set(near)
    assert "distance_cm" not in schemas["NearbyPerson"].get("required", [])
    assert "20ft" in near["distance"]["description"]
    assert {"nearest", "nearest_cm"} <= set(schemas["Discharge"]["properties"])
    assert "blank_min_distance" in schemas["PolicyChanges"]["properties"]


def test_a_passkey_proposal_reads_the_text_as_the_route_does(
    client: httpx.Client, world: World
) -> None:
    """A proposal to sign (POST /sign/options) is fixed with centimetres, its path field
    kept; a text that is no distance is 422 there too, naming it inside the body."""
    _units(client, world, "ft")
    near = [{"who": "camera A", "distance": "20"}]
    fixed = texts_read(
        world.app, world.slug, "ChangeSetup", {**PLAN, "setup": "12a-1", "people_near": near}
    )
    assert fixed["setup"] == "12a-1"
    assert fixed["people_near"] == [{"who": "camera A", "distance_cm": 610}]
    untouched = {"weapon": "rev-1", "receiver": "pat"}
    assert texts_read(world.app, world.slug, "HandOver", untouched) is untouched
    body = {**PLAN, "setup": "43", "people_near": [{"who": "camera A", "distance": "20 yd"}]}
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "PlanSetup", "body": body},
        headers={**world.auth("dan"), "Host": f"localhost:{client.base_url.port}"},
    )
    assert proposed.status_code == 422, proposed.text
    (error,) = proposed.json()["errors"]
    assert error["loc"] == ["body", "body", "people_near", 0, "distance"]
    assert "610cm" in error["msg"]
