"""Protocol benchmark: the latency of one command at a small and at a very long ledger.

Prints one table; it is not a test and asserts nothing about the figures.

    python bench/protocol.py              # 1,000 entries against 1,000,000 (under 10 minutes)
    python bench/protocol.py --quick      # 1,000 against 100,000 (about a minute)
    python bench/protocol.py --verify     # also verify the big ledger, both ways, and time it
    python bench/protocol.py --profile    # then cProfile more commands on the big ledger

What is measured (issue 3, "Benchmark"): one command through the real service,
``App.submit(slug, event, TRUSTED)``, which decides the rules against the stored
projection, appends the entries, updates the projection and signs a checkpoint in
one transaction. Commands cycle through a dummy take (take out, inspect, load, show
clear to the performer, hand over, hand back, unload, barrel check, return) and
alternate between the two productions, so that both see the same disk. The target is
a ratio of the p50s under 1.5: rules read the projection and never replay history.

Each history is a run of shoot days with call sheets, setups, safety meetings,
rehearsals, dummy and blank takes, meal breaks, refusals, concerns, misfires and their
reviews, restocking and the day's reconciliation. Every event is decided with
``decide`` and folded with ``apply`` in memory, as the service would, and written
straight through the store in transactions of about 10,000 entries, by a second
process while the next days are decided. ``App.verify`` checks the small ledger
(and the big one with ``--verify``): entries, checkpoints and a replay of the
projection.

Checkpoints: the big ledger measured for latency gets one checkpoint per transaction
of 10,000 entries, which makes it quick to generate but about 4.7x quicker to verify
than a real ledger, where every command signs its own checkpoint. ``--verify`` therefore
also generates the same history with one checkpoint per command (the realistic mode,
``--checkpoints command`` for the latency too) and verifies both, reporting each.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import pstats
import queue
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import Clock, load, verdict

from showclear.ledger import Ed25519Signer, canonical_json
from showclear.protocol import Decision, Projection, apply, decide
from showclear.protocol.time import format_time
from showclear.service import TRUSTED, App, FixedClock, MemoryKeyring, build_app
from showclear.service.ledger import append_entries
from showclear.store import open_store

BATCH = 10_000
SMALL = 1_000
TARGET_RATIO = 1.5
TARGET_VERIFY = 300_000  # entries/s (issue 17: `showclear verify`, one checkpoint per command)
START = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)

EMPTY6 = ["empty"] * 6
DUMMIES = "DUM-1"
HANDLERS = ("ana", "bo")
PEOPLE: list[dict[str, Any]] = [
    {"person": "ana", "name": "Ana Ortega", "roles": ["armorer"]},
    {"person": "bo", "name": "Bo Grant", "roles": ["property_master"]},
    {"person": "rio", "name": "Rio Banks", "roles": ["performer"], "trainings": ["revolver"]},
    {"person": "kit", "name": "Kit Moreno", "roles": ["performer"], "trainings": ["revolver"]},
    {"person": "lou", "name": "Lou Diaz", "roles": ["performer"], "trainings": ["rifle"]},
    {"person": "dee", "name": "Dee Park", "roles": ["first_ad"]},
    {"person": "sam", "name": "Sam Cole", "roles": ["safety_coordinator"]},
    {"person": "pat", "name": "Pat Lee", "roles": ["producer"]},
    {"person": "cam", "name": "Cam Ruiz", "roles": ["crew"]},
]
ATTENDEES = ("rio", "kit", "lou", "dee", "cam")
SAFE_CREW = [
    {
        "who": "camera operator",
        "distance_cm": 900,
        "eye_protection": True,
        "hearing_protection": True,
    },
    {
        "who": "boom operator",
        "distance_cm": 750,
        "eye_protection": True,
        "hearing_protection": True,
    },
]
BLANKS_PER_LOT = 1_000


def say(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


def weapon(weapon_id: str, category: str, chambers: int, action: str) -> dict[str, Any]:
    return {
        "weapon": weapon_id,
        "serial": f"SN-{weapon_id}",
        "make": "Uberti",
        "model": "1873 Cattleman",
        "category": category,
        "caliber": ".45 Colt",
        "chambers": chambers,
        "action": action,
        "storage": "S1",
        "personal": False,
    }


def plan(
    setup: str, weapon_id: str, load: str, performer: str, *, kind: str = "take", **more: Any
) -> dict[str, Any]:
    lot, rounds, near = more.pop("lot", None), more.pop("rounds", 0), more.pop("near", [])
    return {
        "setup": setup,
        "scene": setup.partition("-")[0],
        "kind": kind,
        "weapons": [
            {
                "weapon": weapon_id,
                "performer": performer,
                "load": load,
                "lot": lot,
                "rounds": rounds,
            }
        ],
        "direction": more.pop("direction", "down the empty street, away from the crew"),
        "people_near": near,
        **more,
    }


def warned_by(rule: str, when: bool) -> dict[str, Any]:
    """The expectation of a step that ``rule`` warns about ``when`` true."""
    return {"expect": "warned", "rules": (rule,)} if when else {}


class Unexpected(Exception):
    """A generated step got another outcome than the day script expects."""


# -- the history ------------------------------------------------------------------------


class Writer:
    """Encodes and appends decided entries in a second process while the next are decided.

    Each batch is one ``store.write`` transaction: ``append_entries`` of the canonical
    JSON of its events under one checkpoint signed with the production's key; the last
    one also stores the projection.
    """

    def __init__(self, db: str, slug: str, signer: Ed25519Signer, *, per_command: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self._inbox: Any = context.Queue(maxsize=4)
        self._outbox: Any = context.Queue()
        key = signer.private_key_string()
        self._process = context.Process(
            target=_write_batches,
            args=(db, slug, key, self._inbox, self._outbox),
            kwargs={"per_command": per_command},
        )
        self._process.start()

    def send(
        self, events: list[dict[str, Any]], groups: list[int], records: dict[str, Any] | None
    ) -> None:
        """Queue ``events``; ``groups`` are how many of them each command wrote, in order."""
        while True:
            self._check_alive()
            try:
                self._inbox.put((events, groups, records), timeout=1)
                return
            except queue.Full:
                continue

    def finish(self) -> int:
        """Wait for the last batch; the ledger's size."""
        while True:
            try:
                size: int = self._outbox.get(timeout=1)
                break
            except queue.Empty:
                self._check_alive()
        self._process.join()
        return size

    def _check_alive(self) -> None:
        if not self._process.is_alive():
            raise Unexpected(f"the writer process stopped (exit code {self._process.exitcode})")


def _write_batches(
    db: str, slug: str, key: str, inbox: Any, outbox: Any, *, per_command: bool
) -> None:
    signer = Ed25519Signer.from_private_key_string(key)
    store = open_store(db)
    size = 0
    while True:
        events, groups, records = inbox.get()
        with store.write(slug) as session:
            data = [canonical_json(e) for e in events]
            # One checkpoint per command, as App.submit writes them, or one per batch.
            for start, end in _spans(groups if per_command else [len(data)]):
                if end > start:
                    size = append_entries(session, signer, data[start:end]).size
            if records is not None:
                session.replace_projection(records)
        if records is not None:
            break
    store.close()
    outbox.put(size)


def _spans(groups: list[int]) -> list[tuple[int, int]]:
    """The (start, end) of each group of consecutive entries, given their lengths."""
    spans, start = [], 0
    for length in groups:
        spans.append((start, start + length))
        start += length
    return spans


class History:
    """A production's shoot days, decided and folded in memory, written in large batches.

    ``record`` decides a proposed event exactly as ``App.submit`` would, checks the
    outcome the script expects (so the history is the one described), folds every
    entry of the decision and queues it; ``flush`` hands the queue to the writer.
    """

    def __init__(self, app: App, slug: str, seed: int, writer: Writer) -> None:
        with app.store.read(slug) as session:
            self.projection = Projection.from_records(session.projection())
            self.size = session.size()
        self.writer = writer
        self.rng = random.Random(seed)
        self.now = datetime.fromisoformat(str(self.projection.last_at()))
        self.pending: list[dict[str, Any]] = []
        self.groups: list[int] = []  # entries per command among the pending ones
        self.day_number = 0
        self.blank_lots = 0
        self.late_concerns: list[tuple[int, int]] = []  # (concern, day to answer it)
        self.permits: dict[str, str] = {}
        self.handler = HANDLERS[0]
        self.mix: Counter[str] = Counter()

    # -- the clock and the ledger -----------------------------------------------------

    def record(
        self,
        kind: str,
        actor: str | None,
        /,
        expect: str = "allowed",
        rules: tuple[str, ...] = (),
        minutes: float = 1.0,
        **fields: Any,
    ) -> Decision:
        self.now += timedelta(minutes=minutes)
        proposed = {"type": kind, "at": format_time(self.now), "actor": actor, **fields}
        decision = decide(self.projection, proposed)
        if decision.outcome != expect or not set(rules) <= set(decision.rule_ids):
            reasons = "; ".join(f.message for f in decision.findings)
            raise Unexpected(
                f"day {self.day_number}: {kind} by {actor} was {decision.outcome} "
                f"({', '.join(decision.rule_ids) or 'no rule'}: {reasons}); "
                f"expected {expect} {', '.join(rules)}"
            )
        for event in decision.events:
            apply(self.projection, event)
            self.pending.append(event)
            self.mix[event["type"]] += 1
        self.groups.append(len(decision.events))
        return decision

    def flush(self, *, final: bool = False) -> None:
        """Send the queued entries (and, at the end, the projection) to the writer."""
        records = self.projection.records() if final else None
        self.writer.send(self.pending, self.groups, records)
        self.size += len(self.pending)
        self.pending, self.groups = [], []
        if final:
            self.size = self.writer.finish()

    def entries(self) -> int:
        return self.size + len(self.pending)

    # -- the production ------------------------------------------------------------------

    def prepare(self) -> None:
        """People, the safe, four weapons and verified dummies: the production's first hour."""
        expires = (START.date() + timedelta(days=365)).isoformat()
        for person in PEOPLE:
            permits = []
            if person["person"] in HANDLERS:
                permits = [{"kind": "efp", "number": f"EFP-{person['person']}", "expires": expires}]
                self.permits[person["person"]] = expires
            self.record("PersonRegistered", None, **person, permits=permits)
        self.record("StorageAdded", "ana", storage="S1", name="Armory safe", lockable=True)
        self.record(
            "SupplierListed",
            "ana",
            supplier="western-props",
            name="Western Props Ltd",
            licence="FFL 9-85-01234",
            contact="Jo Reyes, 505 555 0100",
        )
        self.record("SupplierApproved", "pat", supplier="western-props")
        self.record("WeaponReceived", "ana", **weapon("W1", "rubber", 0, "rifle"))
        self.record("WeaponReceived", "ana", **weapon("W2", "blank_firing", 6, "revolver"))
        self.record("WeaponReceived", "ana", **weapon("W3", "blank_firing", 6, "revolver"))
        self.record("WeaponReceived", "ana", **weapon("W4", "non_firing_replica", 6, "revolver"))
        self.record(
            "LotReceived",
            "ana",
            lot=DUMMIES,
            kind="dummy",
            caliber=".45 Colt",
            count=24,
            supplier="Western Props Ltd",
            origin="factory inert, certificate D-2291",
            storage="S1",
        )
        self.record("DummiesVerified", "ana", lot=DUMMIES, count=12, method="rattle")
        self.record("DummiesVerified", "ana", lot=DUMMIES, count=12, method="drilled_primer_pocket")

    def inspect(
        self,
        weapon_id: str,
        chambers: list[str],
        performer: str | None,
        *,
        handler: str,
    ) -> None:
        self.record(
            "ShowClearInspected",
            handler,
            weapon=weapon_id,
            chambers=chambers,
            barrel_clear=True,
            performer=performer,
            performer_confirmed=performer is not None,
        )

    # -- a shoot day ------------------------------------------------------------------

    def chance(self, one_in: int) -> bool:
        return self.rng.randrange(one_in) == 0

    def open_day(self, *, extra_duty: bool = False) -> str:
        """Publish the next day's call sheet at 07:00; return the day's handler."""
        self.day_number += 1
        day = START.date() + timedelta(days=self.day_number)
        self.now = datetime.combine(day, START.timetz())
        # The armorer and the property master take turns, a week each.
        handler = self.handler = HANDLERS[(self.day_number // 7) % 2]
        self.renew_permits(day)
        duties = {handler: ["handler", "props"] if extra_duty else ["handler"]}
        duties.update({p: ["performer"] for p in ("rio", "kit", "lou")})
        duties.update(
            dee=["first_ad"], sam=["safety_coordinator"], pat=["producer"], cam=["camera"]
        )
        sheet = [{"person": p, "duties": d} for p, d in duties.items()]
        self.record("DayOpened", "dee", date=day.isoformat(), call_sheet=sheet)
        return handler

    def renew_permits(self, day: date) -> None:
        for person, expires in self.permits.items():
            if expires <= (day + timedelta(days=30)).isoformat():
                renewed = (date.fromisoformat(expires) + timedelta(days=365)).isoformat()
                self.permits[person] = renewed
                permit = {
                    "kind": "efp",
                    "number": f"EFP-{person}-{renewed[:4]}",
                    "expires": renewed,
                }
                self.record("PermitRecorded", "pat", minutes=0.2, person=person, permit=permit)

    def blank_lot(self, handler: str, needed: int) -> str:
        """The blank lot in use, restocked with a new case when it runs low."""
        current = f"BLK-{self.blank_lots}"
        lot = self.projection.lot(current) if self.blank_lots else None
        if lot is not None and lot["in_storage"] >= needed:
            return current
        if lot is not None and lot["in_storage"]:
            self.record(
                "RoundsReturnedToSupplier",
                handler,
                lot=current,
                count=lot["in_storage"],
                reference=f"end of case {current}",
            )
        self.blank_lots += 1
        current = f"BLK-{self.blank_lots}"
        self.record(
            "LotReceived",
            handler,
            lot=current,
            kind="blank",
            caliber=".45 Colt",
            count=BLANKS_PER_LOT,
            supplier="Western Props Ltd",
            origin=f"factory blanks, invoice B-{self.blank_lots:04d}",
            storage="S1",
            load="quarter",
        )
        return current

    def shoot_day(self) -> None:
        """One shoot day, about 65 entries, with the day's usual mistakes and refusals."""
        sole_duty = self.chance(12)
        h = self.open_day(extra_duty=sole_duty)
        d = self.day_number
        for concern, due in list(self.late_concerns):
            if due <= d:  # answered two days later: escalated to the producers first
                self.record("ConcernAnswered", "sam", concern=concern, answer="fixed the rack")
                self.late_concerns.remove((concern, due))
        takes = self.rng.randint(2, 3)
        blanks = self.blank_lot(h, needed=takes + 1)
        setups = {
            "R": plan(f"{d}-R", "W4", "empty", "rio", kind="rehearsal"),
            "S": plan(f"{d}-S", "W1", "empty", "lou"),
            "D": plan(f"{d}-D", "W2", "dummies", "kit", lot=DUMMIES, rounds=6),
            "B": plan(
                f"{d}-B",
                "W3",
                "blanks",
                "rio",
                lot=blanks,
                rounds=takes + 1,
                near=SAFE_CREW,
                direction="up the hillside, away from everyone",
            ),
        }
        for setup in setups.values():
            self.record("SetupPlanned", "dee", minutes=2, **setup)
        self.meeting(*(s["setup"] for s in setups.values()), handler=h)

        if self.chance(3):  # a crew member reaches for a weapon
            self.record(
                "WeaponTakenOut",
                "cam",
                weapon="W2",
                setup=f"{d}-D",
                expect="refused",
                rules=("CUS-HANDLER",),
            )
        if self.chance(4):
            raised = self.record(
                "ConcernRaised",
                "cam",
                text="the prop cart is blocking the exit",
                anonymous=False,
                stop_work=False,
            )
            self.record(
                "ConcernAnswered",
                "sam",
                minutes=6,
                concern=raised.events[-1]["concern"],
                answer="cart moved behind the safe",
            )

        # Rehearsal with the replica, then a rubber rifle for the stunt.
        self.take_out(h, "W4", f"{d}-R", minutes=5, sole_duty=sole_duty)
        if sole_duty:  # the first AD takes the handler off props
            sheet = self.projection.day()["duties"]  # type: ignore[index]
            revised = [
                {"person": p, "duties": [x for x in v if x != "props"]} for p, v in sheet.items()
            ]
            self.record("CallSheetRevised", "dee", call_sheet=revised)
        passed_on = self.chance(5)
        for take in range(self.rng.randint(2, 4)):
            self.cycle("W4", EMPTY6, h, "rio", minutes=4, pass_on=passed_on and take == 0)
        self.record("WeaponReturnedToStorage", h, weapon="W4", storage="S1")
        self.record("SetupCompleted", "dee", setup=f"{d}-R")

        self.take_out(h, "W1", f"{d}-S", minutes=5)
        self.inspect("W1", [], None, handler=h)
        if self.chance(6):  # the wrong performer
            self.record(
                "WeaponHandedOver",
                h,
                weapon="W1",
                giver=h,
                receiver="kit",
                receiver_confirmed=True,
                expect="refused",
                rules=("PLAN-SETUP",),
            )
        self.cycle("W1", [], h, "lou", minutes=8)
        self.record("WeaponReturnedToStorage", h, weapon="W1", storage="S1")
        self.record("SetupCompleted", "dee", setup=f"{d}-S")

        # The dummy close-up.
        self.take_out(h, "W2", f"{d}-D", minutes=10)
        self.inspect("W2", EMPTY6, None, handler=h)
        self.record("RoundsLoaded", h, weapon="W2", lot=DUMMIES, chambers=[1, 2, 3, 4, 5, 6])
        for take in range(self.rng.randint(2, 4)):
            stale = take == 1 and self.chance(6)
            self.cycle("W2", [DUMMIES] * 6, h, "kit", minutes=6, stale=stale)
        self.record("RoundsUnloaded", h, weapon="W2", chambers=[1, 2, 3, 4, 5, 6])
        self.record("BarrelChecked", h, weapon="W2", clear=True)
        if self.chance(10):  # lunch is called before the revolver is locked away
            self.record("MealBreakCalled", "dee", expect="refused", rules=("CUS-SECURED",))
        self.record("WeaponReturnedToStorage", h, weapon="W2", storage="S1")
        self.record("SetupCompleted", "dee", setup=f"{d}-D")
        self.record("MealBreakCalled", "dee", minutes=3)

        if self.chance(8):  # the direction of fire moves after lunch: a new meeting
            changed = {**setups["B"], "direction": "along the ridge, away from the trucks"}
            self.record("SetupChanged", "dee", minutes=50, **changed)
            self.record(
                "WeaponTakenOut",
                h,
                weapon="W3",
                setup=f"{d}-B",
                expect="refused",
                rules=("PLAN-MEETING",),
            )
            self.meeting(f"{d}-B", handler=h)
        self.blank_take(h, d, blanks, takes)
        if self.chance(20):  # stop work until someone answers
            raised = self.record(
                "ConcernRaised",
                None,
                text="smoke near the generator",
                anonymous=True,
                stop_work=True,
            )
            self.record(
                "ConcernAnswered",
                "sam",
                minutes=12,
                concern=raised.events[-1]["concern"],
                answer="generator moved; work resumes",
            )
        self.record("WrapCalled", "dee", minutes=30)
        if self.chance(25):  # raised at wrap, answered two days later
            raised = self.record(
                "ConcernRaised",
                None,
                text="blank case left open overnight?",
                anonymous=True,
                stop_work=False,
            )
            self.late_concerns.append((raised.events[-1]["concern"], d + 2))
        self.close_day(h, miscount=self.chance(40))

    def take_out(
        self, handler: str, weapon_id: str, setup: str, *, minutes: float, sole_duty: bool = False
    ) -> None:
        """Take a weapon out for a setup: warned while the handler has another duty or a
        concern is unanswered."""
        rules = ("CUS-SOLE-DUTY",) * sole_duty + ("INC-CONCERN",) * bool(
            self.projection.open_concerns()
        )
        self.record(
            "WeaponTakenOut",
            handler,
            minutes=minutes,
            weapon=weapon_id,
            setup=setup,
            expect="warned" if rules else "allowed",
            rules=rules,
        )

    def meeting(self, *setups: str, handler: str) -> None:
        attendees = [{"person": p, "confirmed": True} for p in (handler, *ATTENDEES)]
        self.record(
            "SafetyMeetingHeld", "dee", minutes=10, setups=list(setups), attendees=attendees
        )

    def cycle(
        self,
        weapon_id: str,
        chambers: list[str],
        handler: str,
        performer: str,
        *,
        minutes: float,
        stale: bool = False,
        pass_on: bool = False,
    ) -> None:
        """Show clear to the performer, hand over, and take the weapon back on cut."""
        self.inspect(weapon_id, chambers, performer, handler=handler)
        if stale:  # a lighting reset outlasts the show-clear
            self.record(
                "WeaponHandedOver",
                handler,
                minutes=14,
                weapon=weapon_id,
                giver=handler,
                receiver=performer,
                receiver_confirmed=True,
                expect="refused",
                rules=("CUS-SHOW-CLEAR",),
            )
            self.inspect(weapon_id, chambers, performer, handler=handler)
        self.record(
            "WeaponHandedOver",
            handler,
            weapon=weapon_id,
            giver=handler,
            receiver=performer,
            receiver_confirmed=True,
        )
        if pass_on:  # the performer passes it to another instead of the handler
            self.record(
                "WeaponHandedOver",
                performer,
                minutes=minutes / 2,
                weapon=weapon_id,
                giver=performer,
                receiver="kit",
                receiver_confirmed=True,
                expect="refused",
                rules=("CUS-RETURN",),
            )
        self.record(
            "WeaponHandedOver",
            performer,
            minutes=minutes,
            weapon=weapon_id,
            giver=performer,
            receiver=handler,
            receiver_confirmed=True,
        )

    def blank_take(self, h: str, d: int, blanks: str, takes: int) -> None:
        self.take_out(h, "W3", f"{d}-B", minutes=45)
        self.inspect("W3", EMPTY6, None, handler=h)
        misfire_on = self.rng.randrange(takes) if self.chance(15) else None
        for take in range(takes):
            chamber = take + 1
            loaded = ["empty"] * 6
            loaded[chamber - 1] = blanks
            self.record("RoundsLoaded", h, minutes=3, weapon="W3", lot=blanks, chambers=[chamber])
            self.inspect("W3", loaded, "rio", handler=h)
            self.record(
                "WeaponHandedOver", h, weapon="W3", giver=h, receiver="rio", receiver_confirmed=True
            )
            misfire = take == misfire_on
            self.record(
                "WeaponDischarged",
                "rio",
                minutes=2,
                weapon="W3",
                chambers=[chamber],
                intended=True,
                misfire=misfire,
                **warned_by("INC-CEASEFIRE", misfire),
            )
            self.record(
                "WeaponHandedOver",
                "rio",
                weapon="W3",
                giver="rio",
                receiver=h,
                receiver_confirmed=True,
            )
            if misfire:
                self.misfire(h, blanks, chamber)
                break
            self.record("BarrelChecked", h, weapon="W3", clear=True)
        self.record("WeaponReturnedToStorage", h, weapon="W3", storage="S1")
        self.record("SetupCompleted", "dee", setup=f"{d}-B")

    def misfire(self, h: str, blanks: str, chamber: int) -> None:
        """Cease-fire: the round comes out, the coordinator and a producer review."""
        self.record(
            "RoundsLoaded",
            h,
            minutes=0.5,
            weapon="W3",
            lot=blanks,
            chambers=[chamber % 6 + 1],
            expect="refused",
            rules=("INC-CEASEFIRE",),
        )
        self.record("RoundsUnloaded", h, minutes=1, weapon="W3", chambers=[chamber])
        self.inspect("W3", EMPTY6, None, handler=h)
        incident = self.projection.open_incidents()[-1][0]
        self.record(
            "ReviewRecorded",
            "sam",
            minutes=20,
            incident=incident,
            role="safety_coordinator",
            findings="factory blank misfired; barrel clear",
        )
        self.record(
            "ReviewRecorded",
            "pat",
            minutes=5,
            incident=incident,
            role="producer",
            findings="agreed; the round goes back to the supplier",
        )
        self.record(
            "RoundsReturnedToSupplier",
            h,
            lot=blanks,
            count=1,
            reference=f"misfire, incident {incident}",
            quarantined=True,  # AMMO-SUSPECT: a misfired round goes back only from quarantine
        )

    def close_day(self, h: str, *, miscount: bool) -> None:
        counts = {
            lot_id: lot["in_storage"] + lot["in_weapons"]
            for lot_id, lot in self.projection.lots()
            if lot["in_storage"] + lot["in_weapons"]
        }
        if miscount:  # one dummy under the cart: a refusal and a round-count incident
            self.record(
                "DayClosed",
                h,
                minutes=10,
                counts={**counts, DUMMIES: 23},
                expect="refused",
                rules=("AMMO-COUNT",),
            )
            incident = self.projection.open_incidents()[-1][0]
            self.record(
                "ReviewRecorded",
                "sam",
                minutes=15,
                incident=incident,
                role="safety_coordinator",
                findings="the round was under the cart",
            )
            self.record(
                "ReviewRecorded",
                "pat",
                minutes=5,
                incident=incident,
                role="producer",
                findings="recounted: all 24",
            )
        self.record("DayClosed", h, minutes=10, counts=counts)
        if miscount:  # AMMO-SUSPECT: a count that did not balance; every round checked again
            lot = self.projection.lot(DUMMIES)
            assert lot is not None
            self.record(
                "LotReverified",
                h,
                minutes=20,
                lot=DUMMIES,
                count=lot["in_storage"],
                method="rattle",
            )

    # -- the day the benchmark runs -------------------------------------------------------

    def bench_day(self) -> str:
        """Open one more day with the dummy setup met; return the setup id."""
        h = self.open_day()
        setup = f"{self.day_number}-D"
        self.record(
            "SetupPlanned", "dee", **plan(setup, "W2", "dummies", "kit", lot=DUMMIES, rounds=6)
        )
        self.meeting(setup, handler=h)
        return setup


def generate(
    app: App, slug: str, target: int, seed: int, *, per_command: bool
) -> tuple[History, str]:
    """Grow the production to about ``target`` entries of shoot days, then open the bench day."""
    signer = app.keyring.signer_for(app.production(slug).verifier_key)
    writer = Writer(app.store.url, slug, signer, per_command=per_command)
    history = History(app, slug, seed, writer)
    history.prepare()
    step = max(target // 10, BATCH)
    reported = 0
    started = time.perf_counter()
    while history.entries() < target - 100:  # a shoot day is about 100 entries
        history.shoot_day()
        if len(history.pending) >= BATCH:
            history.flush()
        if history.entries() - reported >= step:
            reported = history.entries()
            rate = reported / (time.perf_counter() - started)
            say(f"{slug}: {reported:,} entries, day {history.day_number} ({rate:,.0f} entries/s)")
    setup = history.bench_day()
    history.flush(final=True)
    return history, setup


# -- the commands measured -------------------------------------------------------------------


def dummy_take(setup: str, handler: str) -> list[dict[str, Any]]:
    """The commands of one dummy take, as the handler's tablet would send them."""
    loaded = [DUMMIES] * 6

    def inspect(chambers: list[str], performer: str | None) -> dict[str, Any]:
        return {
            "type": "ShowClearInspected",
            "actor": handler,
            "weapon": "W2",
            "chambers": chambers,
            "barrel_clear": True,
            "performer": performer,
            "performer_confirmed": performer is not None,
        }

    def hand(giver: str, receiver: str) -> dict[str, Any]:
        return {
            "type": "WeaponHandedOver",
            "actor": giver,
            "weapon": "W2",
            "giver": giver,
            "receiver": receiver,
            "receiver_confirmed": True,
        }

    return [
        {"type": "WeaponTakenOut", "actor": handler, "weapon": "W2", "setup": setup},
        inspect(EMPTY6, None),
        {
            "type": "RoundsLoaded",
            "actor": handler,
            "weapon": "W2",
            "lot": DUMMIES,
            "chambers": [1, 2, 3, 4, 5, 6],
        },
        inspect(loaded, "kit"),
        hand(handler, "kit"),
        hand("kit", handler),
        {
            "type": "RoundsUnloaded",
            "actor": handler,
            "weapon": "W2",
            "chambers": [1, 2, 3, 4, 5, 6],
        },
        {"type": "BarrelChecked", "actor": handler, "weapon": "W2", "clear": True},
        {"type": "WeaponReturnedToStorage", "actor": handler, "weapon": "W2", "storage": "S1"},
    ]


@dataclass
class Production:
    """One benchmarked production: its app, its clock, its command cycle and its figures."""

    app: App
    slug: str
    clock: FixedClock
    cycle: list[dict[str, Any]]
    entries: int
    generation: float
    records: int
    projection_kb: float
    mix: Counter[str]
    days: int
    samples: list[float] = field(default_factory=list)
    done: int = 0

    def submit(self) -> float:
        """Run the next command of the cycle one minute after the last; its seconds."""
        self.clock.advance(minutes=1)
        command = self.cycle[self.done % len(self.cycle)]
        self.done += 1
        started = time.perf_counter()
        outcome = self.app.submit(self.slug, command, TRUSTED)
        elapsed = time.perf_counter() - started
        if outcome.outcome != "allowed":
            raise Unexpected(f"{self.slug}: {command['type']} {outcome.outcome} {outcome.rule_ids}")
        return elapsed


def build(
    directory: Path, label: str, target: int, seed: int, *, per_command: bool = False
) -> Production:
    """A production of about ``target`` entries in its own database, ready for the cycle.

    ``per_command``: one checkpoint per command, as a real ledger; else one per batch.
    """
    clock = FixedClock(START - timedelta(days=3))
    app = build_app(str(directory / f"{label}.db"), keyring=MemoryKeyring(), clock=clock)
    slug = app.init_production(f"Dust Road {label}").slug
    mode = "one checkpoint per command" if per_command else f"one checkpoint per {BATCH:,}"
    say(f"{slug}: generating about {target:,} entries, {mode}")
    started = time.perf_counter()
    history, setup = generate(app, slug, target, seed, per_command=per_command)
    generation = time.perf_counter() - started
    clock.set(history.now)
    records = history.projection.records()
    kb = len(json.dumps(records)) / 1024
    say(
        f"{slug}: {history.size:,} entries in {generation:.1f} s; projection {len(records)} "
        f"records, {kb:.1f} KB"
    )
    return Production(
        app,
        slug,
        clock,
        dummy_take(setup, history.handler),
        history.size,
        generation,
        len(records),
        kb,
        history.mix,
        history.day_number,
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(productions: list[Production], commands: int) -> None:
    """Alternate commands between productions so both see the same disk; warm up first."""
    warmup = len(productions[0].cycle)
    for n in range(warmup + commands):
        for production in productions if n % 2 else productions[::-1]:
            elapsed = production.submit()
            if n >= warmup:
                production.samples.append(elapsed)
        if n > warmup and (n - warmup) % 100 == 0:
            say(f"{n - warmup} commands on each production")


#: Stages of one command, as (label, file suffix, function) in cProfile's statistics.
STAGES = (
    ("App.submit, whole", "service/app.py", "submit"),
    ("read the stored projection", "store/sql.py", "projection"),
    ("Projection.from_records (copy)", "protocol/projection.py", "from_records"),
    ("decide (validity and rules)", "protocol/engine.py", "decide"),
    ("apply", "protocol/fold.py", "apply"),
    ("stored_changes (copy)", "service/commands.py", "stored_changes"),
    ("put_projection", "store/sql.py", "put_projection"),
    ("append_entries", "service/ledger.py", "append_entries"),
    ("commits (the write's fsync)", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
)


def profile(productions: list[Production], commands: int) -> None:
    """Run more commands under cProfile; print each stage's share, then the big one's top."""
    profilers = {p.slug: cProfile.Profile() for p in productions}
    for n in range(commands):
        for production in productions if n % 2 else productions[::-1]:
            profiler = profilers[production.slug]
            profiler.enable()
            production.submit()
            profiler.disable()
    stats = {slug: pstats.Stats(profiler) for slug, profiler in profilers.items()}
    print(f"\ncProfile, {commands} more commands each: ms per command (cProfile slows Python)")
    print(f"{'':32}" + "".join(f"{p.entries:>12,}" for p in productions))
    for label, suffix, function in STAGES:
        row = [_cumulative(stats[p.slug], suffix, function) / commands for p in productions]
        print(f"{label:32}" + "".join(f"{seconds * 1000:>12.2f}" for seconds in row))
    print(f"\nTop functions at {productions[-1].entries:,} entries:")
    stats[productions[-1].slug].stream = sys.stdout  # type: ignore[attr-defined]
    stats[productions[-1].slug].sort_stats("tottime").print_stats(12)


def _cumulative(stats: pstats.Stats, suffix: str, function: str) -> float:
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    return sum(
        row[3]
        for (file, _, name), row in table.items()
        if name == function and file.endswith(suffix)
    )


@dataclass
class Verified:
    """How long ``App.verify`` took on a production, and how its checkpoints were made."""

    entries: int
    checkpoints: str
    clock: Clock

    def row(self) -> str:
        rate = self.entries / self.clock.wall
        return (
            f"App.verify, {self.entries:,} entries, {self.checkpoints}: {self.clock}, "
            f"{rate:,.0f} entries/s (target >= {TARGET_VERIFY:,}) {verdict(rate >= TARGET_VERIFY)}"
        )


def verified(production: Production, checkpoints: str) -> Verified:
    """``App.verify`` of the production, which must verify, timed."""
    clock = Clock().start()
    report = production.app.verify(production.slug)
    clock.stop()
    if not report.ok:
        raise Unexpected(f"{production.slug} does not verify: {report.problem}")
    return Verified(production.entries, checkpoints, clock)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, help="entries of the big ledger (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="a big ledger of 100,000 entries")
    parser.add_argument("--commands", type=int, default=360, help="commands measured per size")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also verify the big ledger timed, with one checkpoint per batch and per command",
    )
    parser.add_argument(
        "--checkpoints",
        choices=("batch", "command"),
        default="batch",
        help=f"checkpoints of the big ledger measured: one per {BATCH:,} entries (quick to "
        "generate; the default) or one per command (realistic)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the big ledger's commands")
    parser.add_argument("--seed", type=int, default=3, help="seed of the day-to-day variations")
    parser.add_argument("--dir", type=Path, help="work directory, kept (default: a temporary one)")
    args = parser.parse_args(argv)
    big = args.entries or (100_000 if args.quick else 1_000_000)

    directory = args.dir or Path(tempfile.mkdtemp(prefix="showclear-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    clock = Clock().start()
    per_command = args.checkpoints == "command"
    modes = {False: f"1 checkpoint per {BATCH:,} entries", True: "1 checkpoint per command"}
    try:
        small = build(directory, "small", SMALL, args.seed, per_command=per_command)
        say(f"verifying {small.slug}")
        verify_times = [verified(small, modes[per_command])]
        large = build(directory, "large", big, args.seed, per_command=per_command)
        if args.verify:
            say(f"verifying {large.slug}: every entry, every checkpoint, and a replay")
            verify_times.append(verified(large, modes[per_command]))
            other = build(directory, "other", big, args.seed, per_command=not per_command)
            say(f"verifying {other.slug}: the same history, {modes[not per_command]}")
            verify_times.append(verified(other, modes[not per_command]))
            other.app.close()
        say(f"measuring {args.commands} commands on each production")
        cpu = time.process_time()
        measure([small, large], args.commands)
        cpu = time.process_time() - cpu
        report(small, large, verify_times, clock.stop(), cpu)
        if args.profile:
            profile([small, large], args.commands)
        small.app.close()
        large.app.close()
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)


def report(
    small: Production, large: Production, verify_times: list[Verified], total: Clock, cpu: float
) -> None:
    print(
        f"\nOne command through App.submit(..., TRUSTED): {len(small.samples)} per size, "
        "a dummy take cycle, alternating between the two productions"
    )
    header = ("entries", "generation", "projection", "p50 ms", "p99 ms", "mean ms")
    print("{:>11}  {:>10}  {:>16}  {:>7}  {:>7}  {:>7}".format(*header))
    for p in (small, large):
        s = p.samples
        print(
            f"{p.entries:>11,}  {p.generation:>9.1f}s  "
            f"{p.records:>4} rec {p.projection_kb:>5.1f} KB  "
            f"{percentile(s, 50) * 1000:>7.2f}  {percentile(s, 99) * 1000:>7.2f}  "
            f"{statistics.fmean(s) * 1000:>7.2f}"
        )
    ratio = percentile(large.samples, 50) / percentile(small.samples, 50)
    wall = sum(large.samples) + sum(small.samples)
    print(
        f"\np50 ratio, {large.entries:,} / {small.entries:,} entries: {ratio:.2f} "
        f"(target < {TARGET_RATIO}) {verdict(ratio < TARGET_RATIO)}; the commands took "
        f"{wall:.2f} s wall, {cpu:.2f} CPU-s"
    )
    for timed in verify_times:
        print(timed.row())
    total_entries = sum(large.mix.values())
    mix = ", ".join(
        f"{kind} {count / total_entries:.1%}"
        if count * 1000 >= total_entries
        else f"{kind} {count}"
        for kind, count in large.mix.most_common()
    )
    print(f"history at {large.entries:,} entries ({large.days:,} shoot days): {mix}")
    print(f"whole run: {total.wall / 60:.1f} min, {total.cpu / 60:.1f} CPU-min; {load()}")


if __name__ == "__main__":
    main()
