"""Custody of a weapon: where it was at a moment, and its chain between two moments.

Both replay the ledger with the protocol's own fold
(:func:`showclear.protocol.apply`), so they can never disagree with the projection
the rules read; the tests check them against a brute-force fold of every prefix.
A moment includes every entry recorded at or before it; a period [start, end]
includes the entries recorded at ``start`` and at ``end``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from showclear.protocol import Projection, apply
from showclear.protocol.projection import WeaponRecord
from showclear.protocol.record_views import WeaponView
from showclear.service.forensics.describe import describe
from showclear.service.forensics.records import ChainEntry, Custody, Hold, WeaponChain
from showclear.service.forensics.replay import Indexed, mentions_weapon

__all__ = ["custody_at", "weapon_chain"]


class _Track:
    """One weapon followed through a replay: its record, since when it is where it is."""

    def __init__(self, weapon: str) -> None:
        self.weapon = weapon
        self.record: WeaponRecord | None = None
        self.since: tuple[int, str] = (-1, "")
        self.inspection: int | None = None
        self.through = -1

    def step(self, item: Indexed, projection: Projection) -> tuple[bool, bool]:
        """Follow one applied entry; return (moved, changed)."""
        self.through = item.index
        record = projection.weapon(self.weapon)
        if record is None:
            return False, False
        old = self.record
        moved = old is None or old["location"] != record["location"]
        if moved:
            self.since = (item.index, item.time)
        if item.type == "ShowClearInspected" and item.event["weapon"] == self.weapon:
            self.inspection = item.index
        self.record = _copy(record)
        return moved, old != self.record

    def custody(self, at: str) -> Custody | None:
        record = self.record
        if record is None:
            return None
        kind, _, where = record["location"].partition(":")
        entry, since = self.since
        cites = sorted({entry, *([self.inspection] if self.inspection is not None else [])})
        return Custody(
            weapon=self.weapon,
            at=at,
            location=record["location"],
            holder=where if kind == "person" else None,
            storage=where if kind == "storage" else None,
            chambers=list(record["chambers"]),
            state=record["state"],
            uncertain=record["uncertain"],
            setup=record["setup"],
            since=since,
            entry=entry,
            inspection=self.inspection,
            through_entry=self.through,
            cites=cites,
        )

    def hold(self) -> Hold:
        assert self.record is not None
        kind, _, where = self.record["location"].partition(":")
        return Hold(
            location=self.record["location"],
            holder=where if kind == "person" else None,
            storage=where if kind == "storage" else None,
            since=self.since[1],
            entry=self.since[0],
            until=None,
            until_entry=None,
        )


def _copy(record: WeaponView) -> WeaponRecord:
    copied = dict(record)
    copied["chambers"] = list(record["chambers"])
    return copied  # type: ignore[return-value]


def custody_at(events: Sequence[Indexed], weapon: str, at: datetime, label: str) -> Custody | None:
    """The weapon's custody after every entry recorded at or before ``at`` (None: not received)."""
    projection = Projection.empty()
    track = _Track(weapon)
    for item in events:
        if item.at > at:
            break
        apply(projection, item.event)
        track.step(item, projection)
    return track.custody(label)


def weapon_chain(
    events: Sequence[Indexed],
    weapon: str,
    start: datetime,
    end: datetime,
    *,
    labels: tuple[str, str],
    names: Mapping[str, str] | None = None,
) -> WeaponChain:
    """Every holder of ``weapon`` and every entry about it from ``start`` to ``end``.

    The chain opens with the weapon's custody just before ``start`` and closes with
    it at ``end``; each entry carries the weapon's place, chambers and state after it.
    """
    projection = Projection.empty()
    track = _Track(weapon)
    opening: Custody | None = None
    opened = False
    holds: list[Hold] = []
    entries: list[ChainEntry] = []
    for item in events:
        if item.at > end:
            break
        if not opened and item.at >= start:
            opened = True
            opening = track.custody(labels[0])
            if track.record is not None:
                holds.append(track.hold())
        before = list(track.record["chambers"]) if track.record else None
        apply(projection, item.event)
        moved, changed = track.step(item, projection)
        if not opened:
            continue
        if moved:
            if holds:
                holds[-1] = _close(holds[-1], item)
            holds.append(track.hold())
        if changed or mentions_weapon(item.event, weapon):
            entries.append(_chain_entry(item, track, before, names))
    if not opened:
        opening = track.custody(labels[0])
        if track.record is not None:
            holds.append(track.hold())
    closing = track.custody(labels[1])
    cites = {e.index for e in entries} | {h.entry for h in holds if h.entry >= 0}
    for custody in (opening, closing):
        if custody is not None:
            cites |= set(custody.cites)
    return WeaponChain(
        weapon=weapon,
        start=labels[0],
        end=labels[1],
        opening=opening,
        holds=holds,
        entries=entries,
        closing=closing,
        cites=sorted(cites),
    )


def _close(hold: Hold, item: Indexed) -> Hold:
    return Hold(
        location=hold.location,
        holder=hold.holder,
        storage=hold.storage,
        since=hold.since,
        entry=hold.entry,
        until=item.time,
        until_entry=item.index,
    )


def _chain_entry(
    item: Indexed, track: _Track, before: list[str] | None, names: Mapping[str, str] | None
) -> ChainEntry:
    event = item.event
    record = track.record
    refused = item.type == "AttemptRefused"
    location = record["location"] if record else None
    kind, _, where = (location or "").partition(":")
    rules = list(event.get("rules", [])) if refused else list(event.get("warnings", []))
    return ChainEntry(
        index=item.index,
        at=item.time,
        type=item.type,
        actor=event.get("actor"),
        summary=describe(event, before, names),
        refused=refused,
        rules=rules,
        location=location,
        holder=where if kind == "person" else None,
        chambers=list(record["chambers"]) if record else [],
        state=record["state"] if record else None,
        event=event,
    )
