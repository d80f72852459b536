"""Custody of a weapon: where it was at a moment, and its chain between two moments.

Both follow the weapon through one replay of the ledger with the protocol's own
state-at-a-moment primitive (:func:`showclear.protocol.replay.replay`), so they can
never disagree with the projection the rules read; the tests check them against a
brute-force fold of every prefix. A moment includes every entry recorded at or before
it; a period [start, end] includes the entries recorded at ``start`` and at ``end``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from showclear.protocol.catalogue import describe
from showclear.protocol.replay import Step, replay
from showclear.service.forensics.records import ChainEntry, Custody, Hold, WeaponChain
from showclear.service.forensics.replay import Indexed, mentions_weapon, pairs

__all__ = ["custody_at", "weapon_chain"]


def _place(location: str) -> tuple[str | None, str | None]:
    """(holder, storage) of a location: ``person:<id>`` or ``storage:<id>``."""
    kind, _, where = location.partition(":")
    return (where if kind == "person" else None, where if kind == "storage" else None)


class _Track:
    """One weapon followed through a replay: its record, since when it is where it is."""

    def __init__(self, weapon: str) -> None:
        self.weapon = weapon
        self.key = f"weapon:{weapon}"
        self.record: dict[str, Any] | None = None
        self.since: tuple[int, str] = (-1, "")
        self.inspection: int | None = None
        self.through = -1

    def step(self, step: Step) -> tuple[bool, bool]:
        """Follow one replayed entry; return (moved, changed)."""
        self.through = step.index
        if self.key not in step.changed:
            return False, False
        record = step.projection.weapon(self.weapon)
        if record is None:
            return False, False
        old = self.record
        moved = old is None or old["location"] != record["location"]
        if moved:
            self.since = (step.index, str(step.event["at"]))
        if step.event["type"] == "ShowClearInspected" and step.event["weapon"] == self.weapon:
            self.inspection = step.index
        self.record = _copy(record)
        return moved, old != self.record

    def custody(self, at: str) -> Custody | None:
        record = self.record
        if record is None:
            return None
        holder, storage = _place(record["location"])
        entry, since = self.since
        cites = sorted({entry, *([self.inspection] if self.inspection is not None else [])})
        return Custody(
            weapon=self.weapon,
            at=at,
            location=record["location"],
            holder=holder,
            storage=storage,
            chambers=list(record["chambers"]),
            state=record["state"],
            uncertain=record["uncertain"],
            setup=record["setup"],
            since=since,
            entry=entry,
            inspection=self.inspection,
            last_inspection=record["last_inspection"],
            through_entry=self.through,
            cites=cites,
        )

    def hold(self) -> Hold:
        assert self.record is not None
        holder, storage = _place(self.record["location"])
        return Hold(
            location=self.record["location"],
            holder=holder,
            storage=storage,
            since=self.since[1],
            entry=self.since[0],
            until=None,
            until_entry=None,
        )


def _copy(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the weapon's record that later entries of the replay cannot change."""
    copied = dict(record)
    copied["chambers"] = list(record["chambers"])
    inspection = record["last_inspection"]
    copied["last_inspection"] = dict(inspection) if inspection is not None else None
    return copied


def custody_at(events: Iterable[Indexed], weapon: str, at: datetime, label: str) -> Custody | None:
    """The weapon's custody after every entry recorded at or before ``at`` (None: not received)."""
    track = _Track(weapon)
    for step in replay(pairs(events), at=at):
        track.step(step)
    return track.custody(label)


def weapon_chain(
    events: Iterable[Indexed],
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
    track = _Track(weapon)
    opening: Custody | None = None
    opened = False
    holds: list[Hold] = []
    entries: list[ChainEntry] = []
    for step in replay(pairs(events), at=end):
        # The track still holds the weapon as it was before this entry.
        if not opened and step.at >= start:
            opened = True
            opening = track.custody(labels[0])
            if track.record is not None:
                holds.append(track.hold())
        before = list(track.record["chambers"]) if track.record else None
        moved, changed = track.step(step)
        if not opened:
            continue
        if moved:
            if holds:
                holds[-1] = _close(holds[-1], step)
            holds.append(track.hold())
        if changed or mentions_weapon(step.event, weapon):
            entries.append(_chain_entry(step, track, before, names))
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


def _close(hold: Hold, step: Step) -> Hold:
    return Hold(
        location=hold.location,
        holder=hold.holder,
        storage=hold.storage,
        since=hold.since,
        entry=hold.entry,
        until=str(step.event["at"]),
        until_entry=step.index,
    )


def _chain_entry(
    step: Step, track: _Track, before: list[str] | None, names: Mapping[str, str] | None
) -> ChainEntry:
    event = step.event
    record = track.record
    refused = event["type"] == "AttemptRefused"
    location = record["location"] if record else None
    rules = list(event.get("rules", [])) if refused else list(event.get("warnings", []))
    return ChainEntry(
        index=step.index,
        at=str(event["at"]),
        type=str(event["type"]),
        actor=event.get("actor"),
        summary=describe(event, before, names),
        refused=refused,
        rules=rules,
        location=location,
        holder=_place(location)[0] if location else None,
        chambers=list(record["chambers"]) if record else [],
        state=record["state"] if record else None,
        event=event,
    )
