"""Every round of a lot: its chain of custody between two moments, and its full accounting.

A lot's rounds are counted, not numbered (AMMO-COUNT): the ledger says how many are
in storage, in weapons, quarantined (misfired rounds set aside, AMMO-SUSPECT), expended,
returned, destroyed or missing, and which weapon chamber holds a round of which lot.
The chain follows those counters and every weapon that carried the lot's rounds, with
who held it, through one replay of the ledger with the protocol's state-at-a-moment
primitive (:func:`showclear.protocol.replay.replay`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import cast

from showclear.protocol import Projection
from showclear.protocol.catalogue import describe
from showclear.protocol.projection import lot_balance
from showclear.protocol.replay import Step, replay
from showclear.service.forensics.records import (
    Carrier,
    DayCount,
    LoadedWeapon,
    LotAccounting,
    LotChain,
    LotMovement,
)
from showclear.service.forensics.replay import Indexed, mentions_lot, pairs

__all__ = ["COUNTERS", "lot_accounting", "lot_chain"]

#: The counters of a lot record, in the order a report lists them.
COUNTERS = (
    "received",
    "verified",
    "in_storage",
    "in_weapons",
    "quarantined",
    "expended",
    "returned",
    "destroyed",
    "missing",
    "live_found",
    "discrepancy",
)

# weapon -> (rounds of the lot in it, its location)
_Loaded = dict[str, tuple[int, str]]


def _counters(projection: Projection, lot: str) -> dict[str, int] | None:
    record = projection.lot(lot)
    if record is None:
        return None
    values = cast(dict[str, int], record)
    return {key: values.get(key, 0) for key in COUNTERS}


def _loaded(projection: Projection, lot: str) -> _Loaded:
    return {
        weapon: (record["chambers"].count(lot), record["location"])
        for weapon, record in projection.weapons()
        if lot in record["chambers"]
    }


def _holder(location: str | None) -> str | None:
    kind, _, where = (location or "").partition(":")
    return where if kind == "person" else None


class _LotWalk:
    """A replay that records every movement of one lot and every weapon carrying its rounds."""

    def __init__(self, lot: str, names: Mapping[str, str] | None) -> None:
        self.lot = lot
        self.names = names
        self.projection = Projection.empty()
        self.counters: dict[str, int] | None = None
        self.loaded: _Loaded = {}
        self.open: dict[str, Carrier] = {}
        # Each weapon's chambers as the last step left them: what an entry loaded,
        # unloaded or fired is read against the chambers before it.
        self.chambers: dict[str, list[str]] = {}

    def step(self, step: Step) -> tuple[LotMovement | None, list[Carrier], list[Carrier]]:
        """Follow one replayed entry; return its movement (if any), the carriers it closed and
        opened."""
        event = step.event
        self.projection = step.projection
        weapon = event.get("weapon") if isinstance(event.get("weapon"), str) else None
        before_chambers = self.chambers.get(weapon) if weapon else None
        self._remember_chambers(step)
        before = self.counters
        after = _counters(self.projection, self.lot)
        loaded = _loaded(self.projection, self.lot)
        closed, opened = self._carriers(step, loaded)
        self.counters, self.loaded = after, loaded
        if after is None:
            return None, closed, opened
        change = {k: after[k] - (before or {}).get(k, 0) for k in COUNTERS}
        change = {k: v for k, v in change.items() if v}
        chambers = self._chambers(step, before_chambers)
        if not (change or closed or opened or chambers or mentions_lot(event, self.lot)):
            return None, closed, opened
        movement = self._movement(
            step, weapon, before=before_chambers, chambers=chambers, change=change, balance=after
        )
        return movement, closed, opened

    def _remember_chambers(self, step: Step) -> None:
        for key in step.changed:
            if key.startswith("weapon:"):
                record = self.projection.weapon(key[7:])
                if record is None:
                    self.chambers.pop(key[7:], None)
                else:
                    self.chambers[key[7:]] = list(record["chambers"])

    def _chambers(self, step: Step, before_chambers: list[str] | None) -> list[int]:
        """The chambers of this lot's rounds the entry loaded, unloaded or fired."""
        event = step.event
        if event["type"] == "RoundsLoaded" and event["lot"] == self.lot:
            return list(event["chambers"])
        if event["type"] in ("RoundsUnloaded", "WeaponDischarged") and before_chambers:
            return [
                c
                for c in event["chambers"]
                if c <= len(before_chambers) and before_chambers[c - 1] == self.lot
            ]
        return []

    def _carriers(self, step: Step, loaded: _Loaded) -> tuple[list[Carrier], list[Carrier]]:
        closed: list[Carrier] = []
        opened: list[Carrier] = []
        for weapon in sorted(set(self.loaded) | set(loaded)):
            if self.loaded.get(weapon) == loaded.get(weapon):
                continue
            if weapon in self.open:
                old = self.open.pop(weapon)
                closed.append(_until(old, step))
            if weapon in loaded:
                rounds, location = loaded[weapon]
                carrier = Carrier(
                    weapon, rounds, location, _holder(location), _time(step), step.index, None, None
                )
                self.open[weapon] = carrier
                opened.append(carrier)
        return closed, opened

    def _movement(
        self,
        step: Step,
        weapon: str | None,
        *,
        before: list[str] | None,
        chambers: list[int],
        change: dict[str, int],
        balance: dict[str, int],
    ) -> LotMovement:
        event = step.event
        refused = event["type"] == "AttemptRefused"
        record = self.projection.weapon(weapon) if weapon else None
        location = record["location"] if record else None
        return LotMovement(
            index=step.index,
            at=_time(step),
            type=str(event["type"]),
            actor=event.get("actor"),
            summary=describe(event, before, self.names),
            refused=refused,
            rules=list(event.get("rules" if refused else "warnings", [])),
            weapon=weapon,
            holder=_holder(location),
            chambers=chambers,
            change=change,
            balance=dict(balance),
            event=event,
        )


def _time(step: Step) -> str:
    return str(step.event["at"])


def _until(carrier: Carrier, step: Step) -> Carrier:
    return Carrier(
        carrier.weapon,
        carrier.rounds,
        carrier.location,
        carrier.holder,
        carrier.since,
        carrier.entry,
        _time(step),
        step.index,
    )


def lot_chain(
    events: Iterable[Indexed],
    lot: str,
    start: datetime,
    end: datetime,
    *,
    labels: tuple[str, str],
    names: Mapping[str, str] | None = None,
) -> LotChain:
    """The lot's counters just before ``start``, every movement and carrier until ``end``."""
    walk = _LotWalk(lot, names)
    opening: dict[str, int] | None = None
    opened = False
    movements: list[LotMovement] = []
    carriers: list[Carrier] = []
    for step in replay(pairs(events), at=end):
        # The walk still holds the lot as it was before this entry.
        if not opened and step.at >= start:
            opened = True
            opening = dict(walk.counters) if walk.counters else None
            carriers += walk.open.values()
        movement, closed, new = walk.step(step)
        if not opened:
            continue
        _replace_closed(carriers, closed)
        carriers += new
        if movement is not None:
            movements.append(movement)
    if not opened:
        opening = dict(walk.counters) if walk.counters else None
        carriers += walk.open.values()
    cites = {m.index for m in movements} | {c.entry for c in carriers}
    return LotChain(
        lot=lot,
        start=labels[0],
        end=labels[1],
        opening=opening,
        movements=movements,
        carriers=carriers,
        closing=dict(walk.counters) if walk.counters else None,
        cites=sorted(cites),
        suspect=_suspect(walk.projection, lot),
    )


def _suspect(projection: Projection, lot: str) -> dict[str, object] | None:
    """Why the lot is suspect in ``projection`` (reason, at, entry), or None (AMMO-SUSPECT)."""
    record = projection.lot(lot)
    suspect = record.get("suspect") if record is not None else None
    return dict(suspect) if suspect else None


def _replace_closed(carriers: list[Carrier], closed: list[Carrier]) -> None:
    for done in closed:
        for i, carrier in enumerate(carriers):
            if carrier.until is None and (carrier.weapon, carrier.entry) == (
                done.weapon,
                done.entry,
            ):
                carriers[i] = done


def lot_accounting(
    events: Iterable[Indexed], lot: str, names: Mapping[str, str] | None = None
) -> LotAccounting | None:
    """Every round of ``lot``: where it is or went, every movement, every day's count."""
    walk = _LotWalk(lot, names)
    movements: list[LotMovement] = []
    counts: list[DayCount] = []
    for step in replay(pairs(events)):
        before = walk.counters
        movement, _, _ = walk.step(step)
        if movement is not None:
            movements.append(movement)
        event = step.event
        if event["type"] == "DayClosed" and lot in event["counts"] and before is not None:
            counted = int(event["counts"][lot])
            recorded = before["in_storage"] + before["in_weapons"]
            counts.append(DayCount(step.index, _time(step), counted, recorded, counted - recorded))
    record = walk.projection.lot(lot)
    if record is None:
        return None
    values = cast(Mapping[str, int], record)
    accounted, balanced = lot_balance(record)
    loaded = [
        LoadedWeapon(
            weapon,
            [n for n, content in enumerate(w["chambers"], start=1) if content == lot],
            w["location"],
            _holder(w["location"]),
            w.get("quarantine"),
        )
        for weapon, w in walk.projection.weapons()
        if lot in w["chambers"]
    ]
    return LotAccounting(
        lot=lot,
        kind=record["kind"],
        caliber=record["caliber"],
        supplier=record["supplier"],
        origin=record["origin"],
        storage=record["storage"],
        **{key: int(values[key]) for key in COUNTERS},
        accounted=accounted,
        balanced=balanced,
        loaded=loaded,
        counts=counts,
        movements=movements,
        cites=sorted({m.index for m in movements} | {c.index for c in counts}),
        suspect=_suspect(walk.projection, lot),
    )
