"""The role x command matrix, every cell, through the API.

Each command is sent with the example body its OpenAPI schema documents, by a
person holding exactly one role. "Allowed" means the service let the person
*attempt* it (anything but 403: the protocol may still refuse it with a rule);
"denied" means 403, and nothing written: no ledger entry, no PIN failure.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from showclear.service.authz import MATRIX, ROLES

from .world import BY_ROLE, PEOPLE, World

CELLS = [
    pytest.param(event, role, id=f"{event}-{role}-{'allowed' if role in roles else 'denied'}")
    for event, roles in MATRIX.items()
    for role in ROLES
]


@pytest.fixture(scope="module")
def commands(client: httpx.Client) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """Event type -> (method, path with example ids, example body), read from the OpenAPI schema."""
    schema = client.get("/openapi.json").json()
    found: dict[str, tuple[str, str, dict[str, Any] | None]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            event = operation.get("x-event-type")
            if event is None:
                continue
            examples = {
                p["name"]: p["schema"]["examples"][0]
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["name"] != "slug"
            }
            body = None
            if "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["examples"][0]
            filled = re.sub(r"\{(\w+)\}", lambda m, ex=examples: str(ex.get(m[1], m[0])), path)
            found[event] = (method.upper(), filled, body)
    return found


def _credentials(world: World) -> dict[str, Any]:
    with world.app.store.read(world.slug) as session:
        return {person: session.credential(person) for person in PEOPLE}


def test_every_command_of_the_matrix_has_exactly_one_endpoint(
    commands: dict[str, tuple[str, str, dict[str, Any] | None]],
) -> None:
    """The API offers every command the matrix names, and no other."""
    assert set(commands) == set(MATRIX)


@pytest.mark.parametrize(("event", "role"), CELLS)
def test_each_role_may_attempt_exactly_the_commands_of_the_matrix(
    client: httpx.Client,
    world: World,
    commands: dict[str, tuple[str, str, dict[str, Any] | None]],
    event: str,
    role: str,
) -> None:
    """An allowed role is never answered 403; a denied one is, and nothing is written."""
    method, path, body = commands[event]
    path = path.replace("{slug}", world.slug)
    size, credentials = world.size(), _credentials(world)
    response = client.request(method, path, json=body, headers=world.auth(BY_ROLE[role]))
    problem = response.json()
    if role in MATRIX[event]:
        assert response.status_code in (200, 409, 422), problem
        recorded = response.status_code == 200 or problem.get("type", "").endswith("/refused")
        assert world.size() > size if recorded else world.size() == size
    else:
        assert response.status_code == 403, problem
        assert problem["type"].endswith("/forbidden")
        assert response.headers["content-type"] == "application/problem+json"
        assert world.size() == size
        assert _credentials(world) == credentials
