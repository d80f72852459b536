"""The API's request bodies against the event catalog, and the docs against the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from showclear.api import create_api
from showclear.commands import COMMANDS
from showclear.protocol import EVENT_TYPES, validate_event
from showclear.protocol.catalogue import ASSIGNED_FIELDS
from showclear.service.authz import ACCOUNTS, MATRIX, ROLES
from showclear.service.identity import apply_confirmations

DOCS = Path(__file__).parents[2] / "docs"
#: Fields the server sets: never in a body.
SERVER_SET = {
    "type",
    "at",
    "actor",
    "assurance",
    "signatures",
    "receiver_confirmed",
    "performer_confirmed",
    "handler_signoff_confirmed",
}
#: Fields of a body that are PINs: checked, never recorded.
PINS = {"performer_pin", "receiver_pin", "handler_pin"}
#: Fields a route fills from the signed-in person.
FROM_SESSION = {"WeaponHandedOver": {"giver"}, "WeaponFoundUnattended": {"secured_by"}}

OPENAPI = create_api(None).openapi()  # type: ignore[arg-type]  # schema only, no requests
ROUTES = {
    op["x-event-type"]: (method.upper(), path, op)
    for path, ops in OPENAPI["paths"].items()
    for method, op in ops.items()
    if "x-event-type" in op
}
MODELS = COMMANDS


def _path_examples(event: str) -> dict[str, Any]:
    return {
        p["name"]: p["schema"]["examples"][0]
        for p in ROUTES[event][2].get("parameters", [])
        if p["in"] == "path" and p["name"] != "slug"
    }


@pytest.mark.parametrize("event", sorted(MATRIX))
def test_each_body_has_exactly_the_catalog_fields_a_client_may_give(event: str) -> None:
    """Body + path ids = the event's fields, minus what the server sets or decide assigns."""
    model = MODELS[event]
    catalog = set(get_type_hints(EVENT_TYPES[event])) - SERVER_SET
    catalog -= ASSIGNED_FIELDS["*"] | ASSIGNED_FIELDS.get(event, frozenset())
    given = set(model.model_fields) - PINS
    given |= set(_path_examples(event)) | FROM_SESSION.get(event, set())
    assert given == catalog


@pytest.mark.parametrize("event", sorted(MATRIX))
def test_each_documented_example_makes_a_well_formed_event(event: str) -> None:
    """The schema's example, with the server's fields filled in, passes the catalog's check."""
    model = MODELS[event]
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples", [{}])  # type: ignore[union-attr]
    body = model.model_validate(examples[0])
    proposed = body.event(
        **_path_examples(event), **dict.fromkeys(FROM_SESSION.get(event, ()), "ava")
    )
    anonymous = proposed.get("anonymous") is True  # the service names nobody (INC-CONCERN)
    proposed |= {"at": "2026-11-25T08:00:00Z", "actor": None if anonymous else "ava"}
    validate_event(apply_confirmations(proposed, set(body.confirmations())))


def render_matrix() -> str:
    """The role x command matrix as a Markdown table, one row per command."""
    short = {r: r.replace("_", " ") for r in ROLES}
    head = "| command | endpoint | " + " | ".join(short[r] for r in ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    rows = []
    for event, roles in MATRIX.items():
        method, path, _ = ROUTES[event]
        endpoint = f"`{method} {path.removeprefix('/productions/{slug}')}`"
        marks = " | ".join("✓" if r in roles else "" for r in ROLES)
        rows.append(f"| `{event}` | {endpoint} | {marks} |")
    accounts = " | ".join("✓" if r in ACCOUNTS else "own" for r in ROLES)
    rows.append(
        f"| manage a person's PIN, sessions, tokens | `PUT /people/{{person}}/pin`, "
        f"`DELETE /tokens/{{id}}` | {accounts} |"
    )
    return "\n".join([head, rule, *rows])


def test_the_authorization_doc_shows_the_matrix_as_enforced() -> None:
    """docs/authorization.md holds the table generated from service.authz.MATRIX."""
    text = (DOCS / "authorization.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- matrix:start -->\n(.*?)\n<!-- matrix:end -->", text, re.S)
    assert found, "docs/authorization.md lost its matrix markers"
    assert found[1] == render_matrix(), "regenerate the table: python -m tests.api.test_contract"


def test_the_api_doc_names_every_endpoint() -> None:
    """docs/api.md lists every path of the OpenAPI schema."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [
        path.removeprefix("/productions/{slug}")
        for path in OPENAPI["paths"]
        if path.removeprefix("/productions/{slug}") not in text
    ]
    assert not missing


if __name__ == "__main__":
    print(render_matrix())
