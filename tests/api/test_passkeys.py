"""Passkeys through the API, with a software authenticator playing each person's phone (ID-OWN).

Ava (armorer) and Pat (performer) enrol a passkey each, witnessed in person by someone
else's PIN; Ava then proposes a handover, signs it, and Pat confirms it from the pending
proposal without signing in. The entry says both parts were proven by passkey and holds
the signatures; ``App.verify`` checks them, and one changed byte of a signature,
authenticator data or client data, in the database or in an exported bundle, makes
``showclear verify`` (and ``verify --bundle``) fail naming the entry.
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
from fastapi import FastAPI
from tests.authenticator import SoftAuthenticator, b64url, unb64url

from showclear.bundle import verify_bundle
from showclear.bundle.layout import entry_name, zip_members
from showclear.ledger import canonical_json
from showclear.service import FixedClock, MemoryKeyring, build_app

from .world import PIN, START, World, build_world

if TYPE_CHECKING:
    from tests.conftest import Backend, CliRun, Engine

PASSKEYS: dict[str, SoftAuthenticator] = {}


@pytest.fixture(scope="module")
def database(engine: Engine) -> Iterator[Backend]:
    db = engine.new()
    yield db
    engine.drop(db)


@pytest.fixture(scope="module")
def world(database: Backend) -> Iterator[World]:
    """The API tests' world, on a database this module can reach raw (to tamper with it)."""
    clock = FixedClock(START)
    app = build_app(database.url, keyring=MemoryKeyring(), clock=clock)
    PASSKEYS.clear()
    yield build_world(app, clock, "Dust Creek", spares=4)
    app.close()


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    """A client reaching the server by the name ``localhost``: WebAuthn needs a host name."""
    host = "localhost:" + server.rsplit(":", 1)[1]
    with httpx.Client(base_url=server, headers={"Host": host}, timeout=30) as c:
        yield c


def _origin(client: httpx.Client) -> str:
    return "http://" + client.headers["Host"]


def _enrol(client: httpx.Client, world: World, person: str, witness: str) -> httpx.Response:
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth(person))
    assert options.status_code == 200, options.json()
    passkey = PASSKEYS.setdefault(person, SoftAuthenticator())
    credential = passkey.create(options.json(), _origin(client))
    return client.post(
        world.path("/passkeys/register"),
        json={"credential": credential, "witness": witness, "witness_pin": PIN[witness]},
        headers=world.auth(person),
    )


# -- enrolment ------------------------------------------------------------------------------


def test_a_passkey_is_enrolled_in_person_with_a_witness(client: httpx.Client, world: World) -> None:
    response = _enrol(client, world, "ava", "sam")
    assert response.status_code == 200, response.json()
    (entry,) = response.json()["entries"]
    event = entry["event"]
    assert event["type"] == "PasskeyEnrolled"
    assert event["person"] == event["actor"] == "ava"
    assert event["witness"] == "sam" and event["witness_confirmed"] is True
    assert event["credential"] == b64url(PASSKEYS["ava"].credential_id)
    assert unb64url(event["public_key"]) == PASSKEYS["ava"].cose_key()
    assert event["alg"] == -7
    assert event["rp_id"] == "localhost" and event["origin"] == _origin(client)
    assert event["assurance"] == {"ava": "session", "sam": "pin"}
    response = _enrol(client, world, "pat", "ava")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    "case",
    [
        ("pru", "4444", 400, "someone else as witness"),
        ("cree", "5555", 403, "cree cannot witness a passkey enrolment"),
        ("sam", "9999", 401, "PIN"),
    ],
    ids=["herself", "crew", "wrong-pin"],
)
def test_an_enrolment_needs_someone_else_who_may_witness_it(
    client: httpx.Client, world: World, case: tuple[str, str, int, str]
) -> None:
    witness, pin, status, message = case
    before = world.size()
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth("pru"))
    credential = SoftAuthenticator().create(options.json(), _origin(client))
    response = client.post(
        world.path("/passkeys/register"),
        json={"credential": credential, "witness": witness, "witness_pin": pin},
        headers=world.auth("pru"),
    )
    assert response.status_code == status, response.json()
    assert message in response.json()["detail"]
    assert world.size() == before


def test_passkeys_need_a_host_name(client: httpx.Client, world: World, server: str) -> None:
    """A device reaching the server by its address is told to use its name."""
    by_address = {**world.auth("dan"), "Host": server.removeprefix("http://")}
    response = client.post(world.path("/passkeys/register/options"), headers=by_address)
    assert response.status_code == 400
    assert "passkeys need a host name, not the address 127.0.0.1" in response.json()["detail"]


def test_a_page_outside_the_configured_relying_party_is_told_where_to_go(
    client: httpx.Client, world: World, api: FastAPI
) -> None:
    api.state.rp_id = "showclear.local"  # serve --rp-id showclear.local
    try:
        response = client.post(world.path("/passkeys/register/options"), headers=world.auth("dan"))
    finally:
        api.state.rp_id = None
    assert response.status_code == 400
    assert (
        "this page is on localhost, but passkeys here are for showclear.local"
        in (response.json()["detail"])
    )


@pytest.mark.parametrize(
    ("rp_id", "message"),
    [
        ("192.168.1.10", "--rp-id 192.168.1.10 is an address: passkeys need a host name"),
        ("Show Clear", "is not a host name"),
    ],
)
def test_serve_takes_a_host_name_as_rp_id(
    showclear: Callable[..., CliRun], tmp_path: Path, rp_id: str, message: str
) -> None:
    run = showclear("--db", str(tmp_path / "none.db"), "serve", "--rp-id", rp_id)
    assert run.code != 0
    assert message in run.err_text


def test_a_registration_made_for_another_challenge_is_refused(
    client: httpx.Client, world: World
) -> None:
    options = client.post(world.path("/passkeys/register/options"), headers=world.auth("dan"))
    stale = {**options.json(), "challenge": b64url(b"an older challenge")}
    credential = SoftAuthenticator().create(stale, _origin(client))
    response = client.post(
        world.path("/passkeys/register"),
        json={"credential": credential, "witness": "sam", "witness_pin": PIN["sam"]},
        headers=world.auth("dan"),
    )
    assert response.status_code == 400, response.json()
    assert "does not verify" in response.json()["detail"]


# -- a handover signed by the giver and confirmed by the receiver ----------------------------


def _ready(client: httpx.Client, world: World, weapon: str) -> None:
    """Take ``weapon`` out and show it clear to Pat (her PIN: the fallback, recorded as such)."""
    ava = world.auth("ava")
    path = world.path(f"/weapons/{weapon}")
    steps = (
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
    )
    for action, body in steps:
        response = client.post(path + action, json=body, headers=ava)
        assert response.status_code == 200, response.json()


def _propose(client: httpx.Client, world: World, weapon: str) -> dict[str, Any]:
    response = client.post(
        world.path("/sign/options"),
        json={"command": "HandOver", "body": {"weapon": weapon, "receiver": "pat"}},
        headers=world.auth("ava"),
    )
    assert response.status_code == 200, response.json()
    proposed: dict[str, Any] = response.json()
    return proposed


def _sign_with(
    client: httpx.Client, world: World, pending: str, person: str, options: dict[str, Any]
) -> httpx.Response:
    credential = PASSKEYS[person].get(options, _origin(client))
    return client.post(
        world.path(f"/sign/{pending}"), json={"person": person, "credential": credential}
    )


def _sign(client: httpx.Client, world: World, pending: str, person: str) -> httpx.Response:
    """``person``'s phone: ask for their challenge (no sign-in), sign it, send it."""
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": person})
    assert options.status_code == 200, options.json()
    credential = PASSKEYS[person].get(options.json()["publicKey"], _origin(client))
    return client.post(
        world.path(f"/sign/{pending}"), json={"person": person, "credential": credential}
    )


def test_a_handover_is_signed_by_the_giver_and_confirmed_by_the_receiver(
    client: httpx.Client, world: World
) -> None:
    _ready(client, world, "spare-1")
    before = world.size()
    proposed = _propose(client, world, "spare-1")
    assert proposed["signers"] == ["ava", "pat"]
    assert proposed["person"] == "ava"
    event = proposed["event"]
    assert (event["type"], event["weapon"], event["giver"]) == (
        "WeaponHandedOver",
        "spare-1",
        "ava",
    )
    pending = proposed["pending"]

    # The giver signs with the challenge the proposal came with.
    credential = PASSKEYS["ava"].get(proposed["publicKey"], _origin(client))
    signed = client.post(
        world.path(f"/sign/{pending}"), json={"person": "ava", "credential": credential}
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["recorded"] is None
    assert signed.json()["pending"]["waiting"] == ["pat"]
    assert world.size() == before

    # The receiver's phone shows exactly what she confirms, and she signs.
    shown = client.get(world.path(f"/sign/{pending}"))
    assert shown.status_code == 200
    assert shown.json()["event"] == event
    assert shown.json()["waiting"] == ["pat"]
    confirmed = _sign(client, world, pending, "pat")
    assert confirmed.status_code == 200, confirmed.json()
    recorded = confirmed.json()["recorded"]
    assert recorded is not None and recorded["outcome"] in ("allowed", "warned")
    entry = recorded["entries"][-1]
    handover = entry["event"]
    assert handover["type"] == "WeaponHandedOver"
    assert handover["receiver_confirmed"] is True
    assert handover["assurance"] == {"ava": "passkey", "pat": "passkey"}
    assert set(handover["signatures"]) == {"ava", "pat"}
    for signature in handover["signatures"].values():
        assert set(signature) == {
            "credential",
            "authenticator_data",
            "client_data",
            "signature",
            "nonce",
            "size",
            "root",
        }
    assert handover["signatures"]["pat"]["credential"] == b64url(PASSKEYS["pat"].credential_id)
    # Recorded, it is gone from the pending proposals.
    assert client.get(world.path(f"/sign/{pending}")).status_code == 404

    report = world.app.verify(world.slug)
    assert report.ok, report.problem
    assert "2 passkey signatures verified" in report.notes


def test_a_signature_by_another_persons_passkey_is_refused(
    client: httpx.Client, world: World
) -> None:
    _ready(client, world, "spare-2")
    before = world.size()
    proposed = _propose(client, world, "spare-2")
    pending = proposed["pending"]
    options = client.post(world.path(f"/sign/{pending}/options"), json={"person": "pat"})
    # Ava's passkey answers Pat's challenge: not one of Pat's passkeys.
    credential = PASSKEYS["ava"].get(options.json()["publicKey"], _origin(client))
    response = client.post(
        world.path(f"/sign/{pending}"), json={"person": "pat", "credential": credential}
    )
    assert response.status_code == 400, response.json()
    assert "not one of pat's enrolled passkeys" in response.json()["detail"]
    # Pat's passkey over Ava's challenge: it does not verify for Pat's.
    stale = PASSKEYS["pat"].get(proposed["publicKey"], _origin(client))
    response = client.post(
        world.path(f"/sign/{pending}"), json={"person": "pat", "credential": stale}
    )
    assert response.status_code == 401, response.json()
    assert "pat's passkey signature does not verify" in response.json()["detail"]
    # Someone the proposal does not need, or who has no passkey.
    response = client.post(world.path(f"/sign/{pending}/options"), json={"person": "dan"})
    assert response.status_code == 400
    assert "dan has no part in this proposal" in response.json()["detail"]
    assert world.size() == before


def test_other_entries_recorded_while_the_receiver_signs_do_not_void_the_signatures(
    client: httpx.Client, world: World
) -> None:
    """The set goes on while a phone confirms: the entry is recorded when the last one signs."""
    _ready(client, world, "spare-3")
    proposed = _propose(client, world, "spare-3")
    pending = proposed["pending"]
    assert _sign_with(client, world, pending, "ava", proposed["publicKey"]).status_code == 200
    world.clock.advance(minutes=2)
    taken = client.post(
        world.path("/weapons/spare-4/take-out"), json={"setup": "12a-1"}, headers=world.auth("ava")
    )
    assert taken.status_code == 200, taken.json()
    world.clock.advance(minutes=1)
    confirmed = _sign(client, world, pending, "pat")
    assert confirmed.status_code == 200, confirmed.json()
    handover = confirmed.json()["recorded"]["entries"][-1]["event"]
    assert handover["at"] == "2026-11-25T08:03:00Z"
    assert handover["assurance"] == {"ava": "passkey", "pat": "passkey"}
    report = world.app.verify(world.slug)
    assert report.ok, report.problem


def test_a_signed_command_the_rules_refuse_is_recorded_with_its_signatures(
    client: httpx.Client, world: World
) -> None:
    """spare-4 was taken out but never shown clear to Pat: the signed handover is refused."""
    before = world.size()
    proposed = _propose(client, world, "spare-4")
    pending = proposed["pending"]
    assert _sign_with(client, world, pending, "ava", proposed["publicKey"]).status_code == 200
    refused = _sign(client, world, pending, "pat")
    assert refused.status_code == 409, refused.json()
    assert "CUS-SHOW-CLEAR" in refused.json()["detail"]
    _, rows = world.app.entries(world.slug, before, 10)
    attempt = json.loads(rows[0].data)
    assert attempt["type"] == "AttemptRefused"
    assert attempt["attempted"]["assurance"] == {"ava": "passkey", "pat": "passkey"}
    assert set(attempt["attempted"]["signatures"]) == {"ava", "pat"}
    report = world.app.verify(world.slug)
    assert report.ok, report.problem


# -- tampering ----------------------------------------------------------------------------------


def _signed_entry(world: World) -> tuple[int, dict[str, Any]]:
    """The index and event of the handover both signed."""
    size, rows = world.app.entries(world.slug, 0, 10_000)
    for row in reversed(rows):
        event = json.loads(row.data)
        if event.get("signatures"):
            return row.index, event
    raise AssertionError(f"no signed entry among {size}")


def _flip_field(event: dict[str, Any], person: str, field: str) -> bytes:
    """The entry's canonical bytes with one byte of ``person``'s ``field`` changed."""
    signature = dict(event["signatures"][person])
    raw = bytearray(unb64url(signature[field]))
    raw[len(raw) // 2] ^= 0x01
    signature[field] = b64url(bytes(raw))
    changed = {**event, "signatures": {**event["signatures"], person: signature}}
    return canonical_json(changed)


FIELDS = ["signature", "authenticator_data", "client_data"]


@pytest.mark.parametrize("field", FIELDS)
def test_a_changed_byte_in_an_exported_bundle_is_named_with_its_entry(
    world: World, showclear: Callable[..., CliRun], tmp_path: Path, field: str
) -> None:
    index, event = _signed_entry(world)
    data, _ = world.app.export_bundle(world.slug)
    assert verify_bundle(data).ok
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    name = entry_name(index)
    altered = [(n, _flip_field(event, "pat", field) if n == name else d) for n, d in members]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(zip_members(altered))

    report = verify_bundle(broken.read_bytes())
    assert report.problem is not None
    assert report.problem.startswith(f"entry {index}: pat's passkey signature"), report.problem
    run = showclear("--db", str(tmp_path / "none.db"), "verify", "--bundle", str(broken))
    assert run.code == 1
    assert f"entry {index}: pat's passkey signature" in run.err_text


@pytest.mark.parametrize("field", FIELDS)
def test_a_changed_byte_in_the_database_is_named_with_its_entry(
    world: World, database: Backend, showclear: Callable[..., CliRun], field: str
) -> None:
    index, event = _signed_entry(world)
    original = canonical_json(event)
    update = "UPDATE entries SET data = ? WHERE production = ? AND idx = ?"
    database.execute(update, (_flip_field(event, "ava", field), world.slug, index))
    try:
        report = world.app.verify(world.slug)
        assert report.problem is not None
        assert report.problem.startswith(f"entry {index}: ava's passkey signature"), report.problem
        run = showclear("--db", database.url, "verify")
        assert run.code == 1
        assert f"entry {index}: ava's passkey signature" in run.err_text
    finally:
        database.execute(update, (original, world.slug, index))
    assert world.app.verify(world.slug).ok
