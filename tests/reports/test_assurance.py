"""Issue 13 item 3: reports show how each person's part of an entry was proven.

A real server on loopback, reached by the name ``localhost`` (WebAuthn needs a host
name): Ava and Pat enrol passkeys (each witnessed by someone else's PIN); Ava, signed in
with her token, takes a revolver out (her signed-in session) and shows it clear to Pat,
who confirms with her PIN on the tablet; Ava then hands it to Pat, both signing with
their passkeys (the software authenticator plays each phone); Pat reports a misfire. The
daily and the incident report, read back from their PDFs with pdftotext, say for each
of these entries who did or confirmed it and how: signed-in session, PIN checked by the
server, passkey signature.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.api.world import PIN, START, Server, World, build_world
from tests.authenticator import SoftAuthenticator

from showclear.reports import (
    day_document,
    day_report,
    incident_document,
    incident_report,
    render_pdf,
)
from showclear.server import create_server
from showclear.service import FixedClock, MemoryKeyring, build_app

from .reading import pdf_text

PASSKEYS: dict[str, SoftAuthenticator] = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = FixedClock(START)
    db = tmp_path_factory.mktemp("assurance") / "showclear.db"
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    yield build_world(app, clock, "Dust Creek")
    app.close()


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[httpx.Client]:
    with Server(create_server(world.app, secure_cookies=True)) as url:
        host = "localhost:" + url.rsplit(":", 1)[1]
        with httpx.Client(base_url=url, headers={"Host": host}, timeout=30) as c:
            yield c


def _origin(client: httpx.Client) -> str:
    return "http://" + client.headers["Host"]


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.json()
    return response.json()


def _enrol(client: httpx.Client, world: World, person: str, witness: str) -> None:
    options = _ok(client.post(world.path("/passkeys/register/options"), headers=world.auth(person)))
    credential = PASSKEYS.setdefault(person, SoftAuthenticator()).create(options, _origin(client))
    _ok(
        client.post(
            world.path("/passkeys/register"),
            json={"credential": credential, "witness": witness, "witness_pin": PIN[witness]},
            headers=world.auth(person),
        )
    )


def _sign(client: httpx.Client, world: World, pending: str, person: str, options: Any) -> Any:
    credential = PASSKEYS[person].get(options, _origin(client))
    return _ok(
        client.post(
            world.path(f"/sign/{pending}"), json={"person": person, "credential": credential}
        )
    )


@pytest.fixture(scope="module")
def recorded(client: httpx.Client, world: World) -> dict[str, int]:
    """The day's entries, by what they show: each kind of proof once at least."""
    _enrol(client, world, "ava", "sam")
    _enrol(client, world, "pat", "ava")
    ava = world.auth("ava")
    path = world.path("/weapons/rev-1")
    out = _ok(client.post(path + "/take-out", json={"setup": "12a-1"}, headers=ava))
    taken = out["entries"][-1]["index"]
    body = {
        "chambers": ["empty"] * 6,
        "barrel_clear": True,
        "performer": "pat",
        "performer_pin": PIN["pat"],
    }
    shown = _ok(client.post(path + "/inspect", json=body, headers=ava))["entries"][-1]
    assert shown["event"]["assurance"] == {"ava": "session", "pat": "pin"}
    proposed = _ok(
        client.post(
            world.path("/sign/options"),
            json={"command": "HandOver", "body": {"weapon": "rev-1", "receiver": "pat"}},
            headers=ava,
        )
    )
    pending = proposed["pending"]
    _sign(client, world, pending, "ava", proposed["publicKey"])
    options = _ok(client.post(world.path(f"/sign/{pending}/options"), json={"person": "pat"}))
    handover = _sign(client, world, pending, "pat", options["publicKey"])["recorded"]
    entry = handover["entries"][-1]
    assert entry["event"]["assurance"] == {"ava": "passkey", "pat": "passkey"}
    incident = _ok(
        client.post(
            world.path("/incidents"),
            json={"kind": "misfire", "description": "rev-1 clicked", "weapon": "rev-1"},
            headers=world.auth("pat"),
        )
    )
    return {
        "taken": taken,
        "shown": shown["index"],
        "handover": entry["index"],
        "incident": incident["entries"][0]["index"],
    }


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def daily(world: World, recorded: dict[str, int]) -> str:
    with world.app.forensics(world.slug) as f:
        report = day_report(f, START.date().isoformat())
    return pdf_text(render_pdf(day_document(report)))


@pytest.fixture(scope="module")
def incident(world: World, recorded: dict[str, int]) -> str:
    with world.app.forensics(world.slug) as f:
        report = incident_report(f, 1)
    rows = {r.index: r.proven for r in report.entries}
    assert rows[recorded["handover"]] == (
        "Ava Armorer (passkey signature); Pat Performer (passkey signature)"
    )
    assert rows[recorded["shown"]] == (
        "Ava Armorer (signed-in session); Pat Performer (PIN checked by the server)"
    )
    assert rows[recorded["incident"]] == "Pat Performer (signed-in session)"
    return pdf_text(render_pdf(incident_document(report)))


def test_the_daily_report_says_how_each_confirmation_was_proven(
    daily: str, recorded: dict[str, int]
) -> None:
    flat = _flat(daily)
    assert "Confirmations and how each was proven" in flat
    assert "Ava Armorer (passkey signature); Pat Performer (passkey signature)" in flat, (
        "the passkey-signed handover"
    )
    assert "Ava Armorer (signed-in session); Pat Performer (PIN checked by the server)" in flat, (
        "the show-clear: Ava's session, Pat's PIN on the tablet"
    )
    assert "Pat Performer (signed-in session)" not in flat  # a misfire is no confirmation


def test_the_incident_report_says_who_did_or_confirmed_each_entry_and_how(
    incident: str, recorded: dict[str, int]
) -> None:
    flat = _flat(incident)
    assert "Done or confirmed by (how)" in flat
    assert "Ava Armorer (passkey signature); Pat Performer (passkey signature)" in flat
    assert "Ava Armorer (signed-in session); Pat Performer (PIN checked by the server)" in flat
    assert "Pat Performer (signed-in session)" in flat  # who reported the misfire, and how
    assert "Ava Armorer (signed-in session)" in flat  # the take-out: her session alone
