"""The world the API tests run in: a demo production, and a real server to send it requests.

The production matches the examples in the OpenAPI schema (people ``ava``,
``pat``, ..., weapon ``rev-1``, lot ``dummies-1``, setup ``12a-1``), so that the
examples the schema documents are the requests the tests send. Argon2 is slow on
purpose, so each module builds its world once; tests that need a fresh weapon
take one of the spares.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from showclear.service import TRUSTED, App, FixedClock

START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

#: One person per role, and their PINs.
PEOPLE: dict[str, tuple[str, str, str]] = {
    # id: (name, role, PIN)
    "ava": ("Ava Armorer", "armorer", "1357"),
    "pete": ("Pete Props", "property_master", "1111"),
    "dan": ("Dan Director", "first_ad", "2222"),
    "pat": ("Pat Performer", "performer", "2468"),
    "sam": ("Sam Safety", "safety_coordinator", "3333"),
    "pru": ("Pru Producer", "producer", "4444"),
    "cree": ("Cree Crew", "crew", "5555"),
}
BY_ROLE = {role: person for person, (_, role, _) in PEOPLE.items()}
PIN = {person: pin for person, (_, _, pin) in PEOPLE.items()}


@dataclass
class World:
    """A production ready for a take: people with PINs and tokens, a day, a setup, a meeting."""

    app: App
    clock: FixedClock
    slug: str
    tokens: dict[str, str] = field(default_factory=dict)
    weapons: list[str] = field(default_factory=list)

    def auth(self, person: str) -> dict[str, str]:
        """Headers that sign in as ``person`` with their API token."""
        return {"Authorization": f"Bearer {self.tokens[person]}"}

    def size(self) -> int:
        return self.app.production(self.slug).size

    def path(self, rest: str) -> str:
        return f"/productions/{self.slug}{rest}"


def _submit(app: App, slug: str, event: dict[str, Any]) -> None:
    outcome = app.submit(slug, event, TRUSTED)
    assert not outcome.refused, (event["type"], outcome.rule_ids)


def build_world(app: App, clock: FixedClock, name: str, *, spares: int = 0) -> World:
    """A production named ``name`` with everyone of PEOPLE and weapon rev-1 (+ spares) ready.

    Every weapon is planned for performer pat in setup 12a-1, which the meeting confirmed.
    """
    slug = app.init_production(name).slug

    def add(event_type: str, actor: str | None, **fields: Any) -> None:
        _submit(app, slug, {"type": event_type, "actor": actor, **fields})

    for person, (full_name, role, _) in PEOPLE.items():
        extra: dict[str, Any] = {}
        if role == "armorer":
            extra["permits"] = [{"kind": "armorer", "number": "A-1", "expires": "2030-01-01"}]
        if role == "performer":
            extra["trainings"] = ["revolver"]
        add("PersonRegistered", None, person=person, name=full_name, roles=[role], **extra)
    add("StorageAdded", "ava", storage="safe-1", name="Armory safe", lockable=True)
    weapons = ["rev-1", *(f"spare-{i}" for i in range(1, spares + 1))]
    for n, weapon in enumerate(weapons):
        add(
            "WeaponReceived",
            "ava",
            weapon=weapon,
            serial=f"SN-{1000 + n}",
            make="Uberti",
            model="1873 Cattleman",
            category="blank_firing",
            caliber=".45 Colt",
            chambers=6,
            action="revolver",
            storage="safe-1",
            personal=False,
        )
    for supplier, supplier_name in (("dummies-ltd", "Dummies Ltd"), ("blanks-ltd", "Blanks Ltd")):
        add(
            "SupplierListed",
            "ava",
            supplier=supplier,
            name=supplier_name,
            licence="FFL 9-85-01234",
            contact="Jo Reyes, 505 555 0100",
        )
        add("SupplierApproved", "pru", supplier=supplier)
    add(
        "LotReceived",
        "ava",
        lot="dummies-1",
        kind="dummy",
        caliber=".45 Colt",
        count=50,
        supplier="Dummies Ltd",
        origin="invoice 12",
        storage="safe-1",
    )
    add("DummiesVerified", "ava", lot="dummies-1", count=50, method="rattle")
    add(
        "DayOpened",
        "dan",
        date="2026-11-25",
        call_sheet=[
            {"person": "ava", "duties": ["handler"]},
            {"person": "pat", "duties": ["performer"]},
            {"person": "dan", "duties": ["first_ad"]},
        ],
    )
    add(
        "SetupPlanned",
        "dan",
        setup="12a-1",
        scene="12A",
        kind="take",
        weapons=[{"weapon": w, "performer": "pat", "load": "empty"} for w in weapons],
        direction="toward the north wall, away from camera",
        people_near=[{"who": "camera A", "distance_cm": 900}],
    )
    add(
        "SafetyMeetingHeld",
        "dan",
        setups=["12a-1"],
        attendees=[{"person": p, "confirmed": True} for p in ("ava", "pat", "dan")],
    )
    world = World(app, clock, slug, weapons=weapons)
    for person in PEOPLE:
        app.set_pin(slug, person, PIN[person])
        world.tokens[person] = app.create_token(
            slug, person, PIN[person], label="tests", ttl=None
        ).secret
    return world


class Server:
    """uvicorn serving an API on a free loopback port, in a thread of this process."""

    def __init__(self, api: FastAPI) -> None:
        config = uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def http(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=30)


def temp_db(tmp_path: Path) -> str:
    return str(tmp_path / "showclear.db")
