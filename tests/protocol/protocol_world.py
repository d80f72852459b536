"""A production to test rules against: people, inventory, a shoot day, setups and a clock.

Every entry goes through ``decide`` and ``apply``, exactly as the service does, so the
tests exercise the same path; ``World.events`` is the ledger and ``fold(world.events)``
must always equal ``world.projection``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from showclear.protocol import Decision, Projection, apply, decide
from showclear.protocol.time import format_time

START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
EMPTY6 = ["empty"] * 6

PEOPLE: list[dict[str, Any]] = [
    {
        "person": "ana",
        "name": "Ana Ortega",
        "roles": ["armorer"],
        "permits": [{"kind": "efp", "number": "EFP-1", "expires": "2027-06-30"}],
    },
    {
        "person": "bo",
        "name": "Bo Grant",
        "roles": ["property_master"],
        "permits": [{"kind": "efp", "number": "EFP-2", "expires": "2026-10-31"}],
    },
    {"person": "rio", "name": "Rio Banks", "roles": ["performer"], "trainings": ["revolver"]},
    {"person": "kit", "name": "Kit Moreno", "roles": ["performer"], "trainings": ["revolver"]},
    {"person": "lou", "name": "Lou Diaz", "roles": ["performer"]},
    {"person": "dee", "name": "Dee Park", "roles": ["first_ad"]},
    {"person": "sam", "name": "Sam Cole", "roles": ["safety_coordinator"]},
    {"person": "pat", "name": "Pat Lee", "roles": ["producer"]},
    {"person": "cam", "name": "Cam Ruiz", "roles": ["crew"]},
]

CALL_SHEET = {
    "ana": ["handler"],
    "rio": ["performer"],
    "kit": ["performer"],
    "lou": ["performer"],
    "dee": ["first_ad"],
    "sam": ["safety_coordinator"],
    "pat": ["producer"],
    "cam": ["camera"],
}


def weapon(
    weapon_id: str, category: str, chambers: int, caliber: str = ".45 Colt"
) -> dict[str, Any]:
    return {
        "weapon": weapon_id,
        "serial": f"SN-{weapon_id}",
        "make": "Uberti",
        "model": "1873",
        "category": category,
        "caliber": caliber,
        "chambers": chambers,
        "action": "revolver",
        "storage": "S1",
        "personal": False,
    }


#: The production's approved supplier, named by every lot of :func:`lot` (AMMO-SOURCE).
SUPPLIER = {
    "supplier": "western-props",
    "name": "Western Props Ltd",
    "licence": "FFL 9-85-01234",
    "contact": "Jo Reyes, 505 555 0100",
}


def lot(
    lot_id: str, kind: str, count: int, caliber: str = ".45 Colt", **extra: Any
) -> dict[str, Any]:
    return {
        "lot": lot_id,
        "kind": kind,
        "caliber": caliber,
        "count": count,
        "supplier": "Western Props Ltd",
        "origin": f"invoice {lot_id} ({count} rounds)",
        "storage": "S1",
        **extra,
    }


def sheet(duties: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"person": p, "duties": d} for p, d in duties.items()]


def plan(
    setup: str,
    weapon_id: str,
    load: str,
    *,
    performer: str = "rio",
    lot_id: str | None = None,
    rounds: int = 0,
    kind: str = "take",
    people_near: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "setup": setup,
        "scene": "10",
        "kind": kind,
        "weapons": [
            {
                "weapon": weapon_id,
                "performer": performer,
                "load": load,
                "lot": lot_id,
                "rounds": rounds,
            }
        ],
        "direction": "Up the empty street",
        "people_near": people_near if people_near is not None else [],
        **extra,
    }


SAFE_CREW = [
    {
        "who": "camera operator",
        "distance_cm": 900,
        "eye_protection": True,
        "hearing_protection": True,
    }
]


class World:
    """A production in memory, with a clock that moves one minute per entry."""

    def __init__(self) -> None:
        self.projection = Projection.empty()
        self.events: list[dict[str, Any]] = []
        self.now = START - timedelta(hours=12)
        self.record(
            "ProductionCreated",
            None,
            production="Dust Road",
            origin="test/dust-road",
            public_key="k",
        )

    # -- the clock and the ledger ---------------------------------------------------

    def tick(self, minutes: int = 1) -> str:
        self.now += timedelta(minutes=minutes)
        return format_time(self.now)

    def event(self, kind: str, actor: str | None, /, **fields: Any) -> dict[str, Any]:
        """A proposed event at the next minute."""
        return {"type": kind, "at": self.tick(), "actor": actor, **fields}

    def decide(self, kind: str, actor: str | None, /, **fields: Any) -> Decision:
        """Decide an event without recording it."""
        return decide(self.projection, self.event(kind, actor, **fields))

    def record(self, kind: str, actor: str | None, /, **fields: Any) -> Decision:
        """Decide an event and record every entry of the decision."""
        decision = decide(self.projection, self.event(kind, actor, **fields))
        for entry in decision.events:
            self.events.append(entry)
            apply(self.projection, entry)
        return decision

    def ok(self, kind: str, actor: str | None, /, **fields: Any) -> Decision:
        """Record an event that must not be refused."""
        decision = self.record(kind, actor, **fields)
        assert decision.outcome != "refused", [f.message for f in decision.findings]
        return decision

    # -- the usual day --------------------------------------------------------------

    @classmethod
    def day(cls) -> World:
        """People, storage, two revolvers, dummies and blanks, a day with three setups met."""
        world = cls()
        for person in PEOPLE:
            world.ok("PersonRegistered", None, **person)
        world.ok("StorageAdded", None, storage="S1", name="Armory safe", lockable=True)
        world.ok("StorageAdded", None, storage="S2", name="Prop table", lockable=False)
        world.ok("SupplierListed", "ana", **SUPPLIER)
        world.ok("SupplierApproved", "pat", supplier=SUPPLIER["supplier"])
        world.ok("WeaponReceived", "ana", **weapon("W1", "rubber", 0))
        world.ok("WeaponReceived", "ana", **weapon("W2", "blank_firing", 6))
        world.ok("LotReceived", "ana", **lot("L1", "dummy", 12))
        world.ok("LotReceived", "ana", **lot("L2", "blank", 18, load="quarter"))
        world.now = START
        world.ok("DayOpened", None, date="2026-11-25", call_sheet=sheet(CALL_SHEET))
        world.ok("SetupPlanned", "dee", **plan("E1", "W1", "empty"))
        world.ok("SetupPlanned", "dee", **plan("D1", "W2", "dummies", lot_id="L1", rounds=6))
        world.ok(
            "SetupPlanned",
            "dee",
            **plan("B1", "W2", "blanks", lot_id="L2", rounds=3, people_near=SAFE_CREW),
        )
        world.meeting("E1", "D1", "B1")
        return world

    def meeting(
        self, *setups: str, attendees: tuple[str, ...] = ("ana", "rio", "kit", "lou", "dee", "cam")
    ) -> None:
        self.ok(
            "SafetyMeetingHeld",
            "dee",
            setups=list(setups),
            attendees=[{"person": p, "confirmed": True} for p in attendees],
        )

    def inspect(
        self, weapon_id: str, chambers: list[str], performer: str | None = None
    ) -> Decision:
        return self.record(
            "ShowClearInspected",
            "ana",
            weapon=weapon_id,
            chambers=chambers,
            barrel_clear=True,
            performer=performer,
            performer_confirmed=performer is not None,
        )

    def hand(
        self, weapon_id: str, giver: str, receiver: str, *, confirmed: bool = True
    ) -> dict[str, Any]:
        return {
            "weapon": weapon_id,
            "giver": giver,
            "receiver": receiver,
            "receiver_confirmed": confirmed,
        }

    def out_and_checked(self, weapon_id: str = "W2", setup: str = "B1") -> None:
        """The handler takes the weapon out for ``setup`` and inspects it empty."""
        self.ok("WeaponTakenOut", "ana", weapon=weapon_id, setup=setup)
        self.inspect(weapon_id, EMPTY6 if weapon_id == "W2" else [])

    def ready_with_blanks(self, performer: str = "rio") -> None:
        """W2 out for B1, three blanks loaded, a show-clear confirmed by ``performer``."""
        self.out_and_checked("W2", "B1")
        self.ok("RoundsLoaded", "ana", weapon="W2", lot="L2", chambers=[1, 2, 3])
        self.inspect("W2", ["L2", "L2", "L2", "empty", "empty", "empty"], performer)

    def with_performer(self, performer: str = "rio") -> None:
        """W2 loaded with three blanks, in the performer's hands."""
        self.ready_with_blanks(performer)
        self.ok("WeaponHandedOver", "ana", **self.hand("W2", "ana", performer))


def ids(decision: Decision) -> set[str]:
    """The rule ids a decision names."""
    return set(decision.rule_ids)


def refused_by(decision: Decision) -> set[str]:
    """The rule ids recorded in the decision's AttemptRefused entry."""
    assert decision.outcome == "refused", decision
    (refusal,) = [e for e in decision.events if e["type"] == "AttemptRefused"]
    return set(refusal["rules"])


# -- a weapon that takes detachable magazines ----------------------------------------------


def pistol(weapon_id: str, capacity: int, caliber: str = ".45 Colt") -> dict[str, Any]:
    """A semi-automatic pistol: one chamber and detachable magazines of ``capacity`` rounds."""
    return {
        **weapon(weapon_id, "blank_firing", 1, caliber),
        "make": "Colt",
        "model": "1911 (blank-adapted)",
        "action": "semi_auto_pistol",
        "magazine_capacity": capacity,
    }


def add_pistol(
    world: World,
    weapon_id: str = "W3",
    *,
    magazines: tuple[str, ...] = ("M1", "M2"),
    capacity: int = 5,
    setup: str = "P1",
    performer: str = "rio",
    lot_id: str = "L1",
) -> None:
    """Receive a pistol with its magazines into ``world`` (a day from :meth:`World.day`),
    train ``performer`` on it, and plan and meet a setup using it with dummies of ``lot_id``."""
    world.ok("WeaponReceived", "ana", **pistol(weapon_id, capacity))
    for magazine in magazines:
        world.ok("MagazineReceived", "ana", magazine=magazine, weapon=weapon_id, capacity=capacity)
    world.ok("TrainingRecorded", "ana", person=performer, kind="semi_auto_pistol")
    world.ok(
        "SetupPlanned",
        "dee",
        **plan(setup, weapon_id, "dummies", performer=performer, lot_id=lot_id, rounds=capacity),
    )
    world.meeting(setup)


def magazine_show(world: World, weapon_id: str) -> dict[str, Any]:
    """What a whole show-clear of a magazine weapon shows: its well and every magazine issued
    with it, with the rounds the ledger has in each, by lot (CUS-SHOW-CLEAR)."""
    record = world.projection.weapon(weapon_id)
    if record is None or "magazines" not in record:
        return {}
    shown = []
    for magazine_id, magazine in world.projection.magazines_of(weapon_id):
        by_lot: dict[str, int] = {}
        for lot_id in magazine["rounds"]:
            by_lot[lot_id] = by_lot.get(lot_id, 0) + 1
        shown.append({"magazine": magazine_id, "rounds": by_lot})
    return {"magazine_well": record.get("well") or "empty", "magazines": shown}
