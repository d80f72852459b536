"""Revoking a passkey through the API (ID-RESET), and a witness's mistyped PIN.

Ava revokes her own passkey with her own token; her tokens end and the passkey signs
nothing. Sam alone cannot revoke Pat's: 409 naming ID-RESET; once Sam and Pru approved
(kind passkey), Pru revokes it. A witness who mistypes their PIN types it again: the
phone's registration is not made again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.authenticator import SoftAuthenticator, b64url

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


def _register(
    client: httpx.Client, world: World, person: str, credential: dict[str, Any], pin: str
) -> httpx.Response:
    return client.post(
        world.path("/passkeys/register"),
        json={"credential": credential, "witness": "sam", "witness_pin": pin},
        headers=world.auth(person),
    )


def _enrol(client: httpx.Client, world: World, person: str) -> SoftAuthenticator:
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth(person))
    assert options.status_code == 200, options.json()
    passkey = PASSKEYS.setdefault(person, SoftAuthenticator())
    response = _register(client, world, person, passkey.create(options.json(), _origin(client)),
                         PIN["sam"])  # fmt: skip
    assert response.status_code == 200, response.json()
    return passkey


def _revoke(
    client: httpx.Client, world: World, actor: str, person: str, credential: str
) -> httpx.Response:
    return client.post(
        world.path(f"/people/{person}/passkey-revocations"),
        json={"credential": credential, "reason": "phone lost"},
        headers=world.auth(actor),
    )


def _new_token(world: World, person: str) -> None:
    world.tokens[person] = world.app.create_token(
        world.slug, person, PIN[person], label="tests", ttl=None
    ).secret


def test_a_mistyped_witness_pin_is_typed_again_with_the_same_registration(
    client: httpx.Client, world: World
) -> None:
    """401 for the wrong PIN, then the same phone response enrols with the right one."""
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth("dan"))
    credential = SoftAuthenticator().create(options.json(), _origin(client))
    before = world.size()
    wrong = _register(client, world, "dan", credential, "0000")
    assert wrong.status_code == 401, wrong.json()
    assert "wrong PIN for sam" in wrong.json()["detail"]
    assert world.size() == before
    right = _register(client, world, "dan", credential, PIN["sam"])
    assert right.status_code == 200, right.json()
    assert right.json()["entries"][0]["event"]["type"] == "PasskeyEnrolled"


def test_a_person_revokes_their_own_passkey_and_it_signs_nothing(
    client: httpx.Client, world: World
) -> None:
    """Ava alone, with her token: recorded; her token ends; her passkey gets no challenge."""
    ava = _enrol(client, world, "ava")
    credential = b64url(ava.credential_id)
    response = _revoke(client, world, "ava", "ava", credential)
    assert response.status_code == 200, response.json()
    event = response.json()["entries"][0]["event"]
    assert (event["type"], event["actor"], event["person"]) == ("PasskeyRevoked", "ava", "ava")
    assert event["assurance"] == {"ava": "session"}
    gone = client.get(world.path("/people/ava/passkeys"), headers=world.auth("ava"))
    assert gone.status_code == 401, gone.json()

    _new_token(world, "ava")
    listed = client.get(world.path("/people/ava/passkeys"), headers=world.auth("ava")).json()
    assert [(k["credential"], k["revoked"]["by"]) for k in listed] == [(credential, "ava")]
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "AddStorage", "body": {"storage": "safe-9", "name": "Nine",
                                                 "lockable": True}},
        headers=world.auth("ava"),
    )  # fmt: skip
    assert proposed.status_code == 400, proposed.json()
    assert "ava has no passkey" in proposed.json()["detail"]


def test_someone_elses_passkey_takes_the_safety_coordinator_and_a_producer(
    client: httpx.Client, world: World
) -> None:
    """Sam alone: 409 ID-RESET, recorded. Sam and Pru approve; Pru revokes; Pat's tokens end
    and a signature by the revoked passkey is refused."""
    pat = _enrol(client, world, "pat")
    credential = b64url(pat.credential_id)
    alone = _revoke(client, world, "sam", "pat", credential)
    assert alone.status_code == 409, alone.json()
    assert "ID-RESET" in alone.json()["detail"]

    # A proposal Pat is asked to sign, her challenge taken before the revocation.
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "AddStorage", "body": {"storage": "safe-8", "name": "Eight",
                                                 "lockable": True}, "person": "pat"},
        headers=world.auth("pat"),
    )  # fmt: skip
    assert proposed.status_code == 200, proposed.json()

    for approver in ("sam", "pru"):
        approved = client.post(
            world.path("/people/pat/credential-resets"),
            json={"kind": "passkey", "reason": "phone lost"},
            headers=world.auth(approver),
        )
        assert approved.status_code == 200, approved.json()
    revoked = _revoke(client, world, "pru", "pat", credential)
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["entries"][0]["event"]["actor"] == "pru"
    assert (
        client.get(world.path("/people/pat/passkeys"), headers=world.auth("pat")).status_code == 401
    )

    signed = pat.get(proposed.json()["publicKey"], _origin(client))
    response = client.post(
        world.path(f"/sign/{proposed.json()['pending']}"),
        json={"person": "pat", "credential": signed},
    )
    assert response.status_code == 401, response.json()
    assert f"pat's passkey {credential} was revoked" in response.json()["detail"]
    report = world.app.verify(world.slug)
    assert report.ok, report.problem
