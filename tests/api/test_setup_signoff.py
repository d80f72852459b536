"""The handler's setup sign-off through the API: given by the handler, never named by another.

A setup pointed toward a person needs the handler's sign-off (PLAN-POINTING), given with
the handler's own credential (ID-OWN). Dan (first AD) plans one naming Ava (armorer):

- naming her in the body, without her PIN or her passkey, is refused (ID-OWN, and
  PLAN-POINTING reads the sign-off as none) and the refusal records it as not given;
- the flag that says she gave it is no field of any request;
- proposed to be signed with passkeys, it waits for Ava: Dan's passkey cannot sign her
  part, and nothing is recorded until her own passkey has; then the entry holds both
  signatures, both parts proven by passkey, and the ledger verifies;
- one changed byte of Ava's signature in an exported bundle makes ``showclear verify
  --bundle`` fail naming the entry and Ava.

A software authenticator plays each person's phone (tests/authenticator.py).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from tests.authenticator import SoftAuthenticator, b64url, unb64url

from showclear.bundle import verify_bundle
from showclear.bundle.layout import entry_name, zip_members
from showclear.ledger import canonical_json

from .world import PIN, World

if TYPE_CHECKING:
    from tests.conftest import CliRun

#: A take with rev-1 on dummies pointed toward a shielded stunt double, signed off by Ava.
PLAN: dict[str, Any] = {
    "scene": "30",
    "kind": "take",
    "weapons": [{"weapon": "rev-1", "performer": "pat", "load": "dummies", "lot": "dummies-1"}],
    "direction": "toward the stunt double behind glass",
    "people_near": [
        {"who": "stunt double", "distance_cm": 400, "in_line_of_fire": True, "shielded": True}
    ],
    "handler_signoff": "ava",
}


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    """A client reaching the server by the name ``localhost``: WebAuthn needs a host name."""
    host = "localhost:" + server.rsplit(":", 1)[1]
    with httpx.Client(base_url=server, headers={"Host": host}, timeout=30) as c:
        yield c


def _origin(client: httpx.Client) -> str:
    return "http://" + client.headers["Host"]


@pytest.fixture(scope="module")
def passkeys(client: httpx.Client, world: World) -> dict[str, SoftAuthenticator]:
    """Ava's and Dan's passkeys, each enrolled in person with someone else as witness."""
    made: dict[str, SoftAuthenticator] = {}
    for person, witness in (("ava", "sam"), ("dan", "ava")):
        options = client.post(world.path("/passkeys/register/options"), headers=world.auth(person))
        assert options.status_code == 200, options.json()
        made[person] = SoftAuthenticator()
        credential = made[person].create(options.json(), _origin(client))
        response = client.post(
            world.path("/passkeys/register"),
            json={"credential": credential, "witness": witness, "witness_pin": PIN[witness]},
            headers=world.auth(person),
        )
        assert response.status_code == 200, response.json()
    return made


def _sign(
    client: httpx.Client,
    world: World,
    pending: str,
    person: str,
    options: dict[str, Any],
    *,
    by: SoftAuthenticator,
) -> httpx.Response:
    """``by`` (a passkey) answers ``person``'s challenge, sent as ``person``'s signature."""
    credential = by.get(options, _origin(client))
    return client.post(
        world.path(f"/sign/{pending}"), json={"person": person, "credential": credential}
    )


def test_a_sign_off_named_without_the_handlers_credential_is_refused_and_recorded_as_none(
    client: httpx.Client, world: World
) -> None:
    before = world.size()
    response = client.post(
        world.path("/setups"), json={"setup": "30-1", **PLAN}, headers=world.auth("dan")
    )
    assert response.status_code == 409, response.json()
    problem = response.json()
    assert {"ID-OWN", "PLAN-POINTING"} <= {r["id"] for r in problem["rules"]}
    assert "the handler has not signed it off" in str(problem["rules"])
    (refusal,) = [e["event"] for e in problem["entries"]]
    assert refusal["type"] == "AttemptRefused"
    assert refusal["attempted"]["handler_signoff"] == "ava"
    assert refusal["attempted"]["handler_signoff_confirmed"] is False
    assert world.size() == before + 1  # the refusal only: no plan
    with world.app.store.read(world.slug) as session:
        assert session.record("setup:30-1") is None


@pytest.mark.parametrize("route", ["/setups", "/sign/options"])
def test_no_request_can_say_the_handler_signed_off(
    client: httpx.Client, world: World, route: str
) -> None:
    """The flag is set by showclear from a credential it checked, never taken from a body."""
    body = {"setup": "30-2", **PLAN, "handler_signoff_confirmed": True}
    if route == "/sign/options":
        body = {"command": "PlanSetup", "body": body}
    before = world.size()
    response = client.post(world.path(route), json=body, headers=world.auth("dan"))
    assert response.status_code in (400, 422), response.json()
    assert "handler_signoff_confirmed" in str(response.json())
    assert world.size() == before


def test_a_signed_sign_off_waits_for_the_handlers_own_passkey(
    client: httpx.Client, world: World, passkeys: dict[str, SoftAuthenticator]
) -> None:
    before = world.size()
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "PlanSetup", "body": {"setup": "30-3", **PLAN}},
        headers=world.auth("dan"),
    )
    assert proposed.status_code == 200, proposed.json()
    pending = proposed.json()["pending"]
    assert proposed.json()["signers"] == ["dan", "ava"]
    signed = _sign(client, world, pending, "dan", proposed.json()["publicKey"], by=passkeys["dan"])
    assert signed.status_code == 200, signed.json()
    assert signed.json()["recorded"] is None
    assert signed.json()["pending"]["waiting"] == ["ava"]

    # Dan asks for Ava's challenge and answers it with his own passkey: not hers, refused.
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": "ava"})
    assert options.status_code == 200, options.json()
    forged = _sign(client, world, pending, "ava", options.json()["publicKey"], by=passkeys["dan"])
    assert forged.status_code == 400, forged.json()
    assert "not one of ava's enrolled passkeys" in forged.json()["detail"]
    assert world.size() == before
    shown = client.get(world.path(f"/sign/{pending}")).json()
    assert shown["waiting"] == ["ava"]

    # Ava, on her own phone, signs it off with her own passkey: now it is recorded.
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": "ava"})
    given = _sign(client, world, pending, "ava", options.json()["publicKey"], by=passkeys["ava"])
    assert given.status_code == 200, given.json()
    planned = given.json()["recorded"]["entries"][-1]["event"]
    assert planned["type"] == "SetupPlanned" and planned["setup"] == "30-3"
    assert (planned["handler_signoff"], planned["handler_signoff_confirmed"]) == ("ava", True)
    assert planned["assurance"] == {"ava": "passkey", "dan": "passkey"}
    assert set(planned["signatures"]) == {"ava", "dan"}
    with world.app.store.read(world.slug) as session:
        setup = session.record("setup:30-3")
    assert setup is not None and setup["handler_signoff"] == "ava"
    report = world.app.verify(world.slug)
    assert report.ok, report.problem


def test_a_changed_byte_of_the_handlers_signature_is_named_with_its_entry(
    client: httpx.Client,
    world: World,
    passkeys: dict[str, SoftAuthenticator],
    showclear: Callable[..., CliRun],
    tmp_path: Path,
) -> None:
    proposed = client.post(
        world.path("/sign/options"),
        json={"command": "PlanSetup", "body": {"setup": "30-4", **PLAN}},
        headers=world.auth("dan"),
    ).json()
    pending = proposed["pending"]
    signed = _sign(client, world, pending, "dan", proposed["publicKey"], by=passkeys["dan"])
    assert signed.status_code == 200, signed.json()
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": "ava"})
    given = _sign(client, world, pending, "ava", options.json()["publicKey"], by=passkeys["ava"])
    assert given.status_code == 200, given.json()
    index = given.json()["recorded"]["entries"][-1]["index"]
    _, (row,) = world.app.entries(world.slug, index, 1)
    event = json.loads(row.data)  # the entry as stored, byte for byte
    assert event["setup"] == "30-4" and event["handler_signoff_confirmed"] is True

    data, _ = world.app.export_bundle(world.slug)
    assert verify_bundle(data).ok
    signature = dict(event["signatures"]["ava"])
    raw = bytearray(unb64url(signature["signature"]))
    raw[len(raw) // 2] ^= 0x01
    signature["signature"] = b64url(bytes(raw))
    changed = canonical_json({**event, "signatures": {**event["signatures"], "ava": signature}})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    name = entry_name(index)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(zip_members([(n, changed if n == name else d) for n, d in members]))
    run = showclear("--db", str(tmp_path / "none.db"), "verify", "--bundle", str(broken))
    assert run.code == 1
    assert f"entry {index}: ava's passkey signature" in run.err_text, run.err_text
