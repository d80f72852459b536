"""A production that requires passkeys for handovers to performers (ID-OWN, through the API).

Under ``passkeys_for_performer_handovers = "block"`` a handover to Pat (a performer) with her
PIN on the tablet is refused naming ID-OWN and saying to confirm by passkey; the same handover
signed by Ava's and Pat's passkeys (a software authenticator playing each phone) is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.authenticator import SoftAuthenticator

from .world import PIN, World

PASSKEYS: dict[str, SoftAuthenticator] = {}


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    """A client reaching the server by the name ``localhost``: WebAuthn needs a host name."""
    host = "localhost:" + server.rsplit(":", 1)[1]
    with httpx.Client(base_url=server, headers={"Host": host}, timeout=30) as c:
        yield c


def _origin(client: httpx.Client) -> str:
    return "http://" + client.headers["Host"]


def _enrol(client: httpx.Client, world: World, person: str, witness: str) -> None:
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth(person))
    assert options.status_code == 200, options.json()
    passkey = PASSKEYS.setdefault(person, SoftAuthenticator())
    credential = passkey.create(options.json(), _origin(client))
    response = client.post(
        world.path("/passkeys/register"),
        json={"credential": credential, "witness": witness, "witness_pin": PIN[witness]},
        headers=world.auth(person),
    )
    assert response.status_code == 200, response.json()


def _ready(client: httpx.Client, world: World, weapon: str) -> None:
    """Take ``weapon`` out and show it clear to Pat."""
    path = world.path(f"/weapons/{weapon}")
    for action, body in (
        ("/take-out", {"setup": "12a-1"}),
        (
            "/inspect",
            {
                "chambers": ["empty"] * 6,
                "barrel_clear": True,
                "performer": "pat",
                "performer_pin": PIN["pat"],
            },
        ),
    ):
        response = client.post(path + action, json=body, headers=world.auth("ava"))
        assert response.status_code == 200, response.json()


def _sign(
    client: httpx.Client, world: World, pending: str, person: str, options: dict[str, Any]
) -> httpx.Response:
    credential = PASSKEYS[person].get(options, _origin(client))
    return client.post(
        world.path(f"/sign/{pending}"), json={"person": person, "credential": credential}
    )


def test_a_required_passkey_handover_refuses_the_pin_and_records_the_signed_one(
    client: httpx.Client, world: World
) -> None:
    stricter = client.patch(
        world.path("/policy"),
        json={"changes": {"passkeys_for_performer_handovers": "block"}},
        headers=world.auth("pru"),
    )
    assert stricter.status_code == 200, stricter.json()
    _enrol(client, world, "ava", "sam")
    _enrol(client, world, "pat", "ava")
    _ready(client, world, "spare-1")

    # The tablet's PIN fallback: refused, naming ID-OWN, with the passkey as the remedy.
    refused = client.post(
        world.path("/weapons/spare-1/hand-over"),
        json={"receiver": "pat", "receiver_pin": PIN["pat"]},
        headers=world.auth("ava"),
    )
    assert refused.status_code == 409, refused.json()
    detail = refused.json()["detail"]
    assert "ID-OWN" in detail
    assert "a PIN checked by the server" in detail
    assert "Confirm the handover with a passkey" in detail

    # Proposed, signed by Ava's passkey, confirmed by Pat's on her own phone: recorded.
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "HandOver", "body": {"weapon": "spare-1", "receiver": "pat"}},
        headers=world.auth("ava"),
    ).json()
    pending = proposed["pending"]
    assert _sign(client, world, pending, "ava", proposed["publicKey"]).status_code == 200
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": "pat"})
    confirmed = _sign(client, world, pending, "pat", options.json()["publicKey"])
    assert confirmed.status_code == 200, confirmed.json()
    recorded = confirmed.json()["recorded"]
    assert recorded["outcome"] in ("allowed", "warned")
    handover = recorded["entries"][-1]["event"]
    assert handover["assurance"] == {"ava": "passkey", "pat": "passkey"}
    report = world.app.verify(world.slug)
    assert report.ok, report.problem
