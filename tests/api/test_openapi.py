"""The OpenAPI schema: what it documents, and Schemathesis checking the server against it.

Schemathesis generates requests for every operation from the schema (a bounded
number each) and sends them, signed in with a valid API token and aimed at the
demo production, to a real server. No answer may be a server error, and every
answer must be documented: its status, its content type, its body's schema.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from showclear.api import create_api
from showclear.commands import COMMANDS
from showclear.protocol import CATALOG_IDS

from .world import World

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
PUBLIC = {"login", "create_token"}  # sign in with a PIN; everything else needs a session
# ...but for a person signing a pending proposal on their own phone: the passkey is the proof.
PUBLIC |= {"show_proposal", "signing_options", "sign_proposal"}
# ...and for a production's writer syncing its mirror: its upload token (docs/sync.md).
PUBLIC |= {"mirror_held", "mirror_receive"}
# ...and a witness request (C2SP tlog-witness): the production key's signature is the proof.
PUBLIC |= {"mirror_add_checkpoint"}
# ...and the studio view: a studio account's own token, which sees only what it was granted.
PUBLIC |= {"studio_productions"}


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for ops in openapi["paths"].values() for op in ops.values()]


def test_the_refusal_lists_rules_by_the_catalogs_ids(openapi: dict[str, Any]) -> None:
    """RuleId is an enum of every rule id, and a refusal's rules are RuleIds."""
    schemas = openapi["components"]["schemas"]
    assert schemas["RuleId"]["enum"] == list(CATALOG_IDS)
    assert "CUS-TWO-PARTY" in schemas["RuleId"]["description"]
    assert schemas["RuleFinding"]["properties"]["id"] == {"$ref": "#/components/schemas/RuleId"}
    rules = schemas["RefusalProblem"]["properties"]["rules"]
    assert rules["items"]["$ref"].endswith("/RuleFinding")


def test_every_operation_documents_its_errors_as_problem_json(openapi: dict[str, Any]) -> None:
    """Each operation lists 401 (and 403 when signed in) and 422, all application/problem+json."""
    for operation in _operations(openapi):
        responses = operation["responses"]
        assert {"401", "422"} <= set(responses), operation["operationId"]
        if operation["operationId"] not in PUBLIC:
            assert "403" in responses, operation["operationId"]
            assert operation["security"] == [{"token": []}, {"session": []}]
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], status


def test_every_command_says_who_may_attempt_it(openapi: dict[str, Any]) -> None:
    """A command's description names its event and the roles of the matrix."""
    commands = [op for op in _operations(openapi) if "x-event-type" in op]
    assert {op["x-event-type"] for op in commands} == set(COMMANDS)  # one route per command
    for operation in commands:
        assert f"`{operation['x-event-type']}`" in operation["description"]
        assert "May be attempted by" in operation["description"]
        assert "409" in operation["responses"]


# -- Schemathesis ------------------------------------------------------------------------------


# The schema as the application generates it, loaded when the tests are collected: the
# lazy ``schemathesis.pytest.from_fixture`` does not run on pytest 9 (it reads a node's
# private ``_nodeid``). Logging out is left out: it would end the token every case uses.
# The documented examples and max_examples generated cases per operation; the coverage
# phase, which max_examples does not bound, is off.
schema = schemathesis.openapi.from_dict(
    create_api(None).openapi(),  # type: ignore[arg-type]  # the schema needs no service
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
).exclude(operation_id="logout")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_no_answer_outside_the_schema(
    case: Any, server: str, world: World
) -> None:
    """Generated requests, signed in as the armorer on the demo production."""
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = world.slug
    # Reports render PDFs, which can take seconds on a busy machine.
    case.call_and_validate(base_url=server, headers=world.auth("ava"), checks=CHECKS, timeout=60)
