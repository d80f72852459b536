"""The forensic queries agree with a brute-force fold of the ledger, on random days.

Each random day is recorded through the service (many moves refused, as on a real
set); then for random moments the queries are compared with ``fold`` of every
ledger prefix: custody at a moment is the fold of the entries up to it, and a chain
between two moments lists exactly the holders and entries the prefixes show.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showclear.protocol import Projection, fold
from showclear.protocol.time import parse_time

from .histories import LOTS, WEAPONS, BaseWorld, event_log, random_moves, record_moves

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTERS = (
    "received", "verified", "in_storage", "in_weapons", "quarantined", "expended",
    "returned", "destroyed", "missing", "live_found", "discrepancy",
)  # fmt: skip


def _day(base_world: BaseWorld, moves: list[Any]) -> tuple[Any, list[dict[str, Any]]]:
    app, clock = base_world.fresh()
    record_moves(app, clock, base_world.slug, moves)
    return app, event_log(app, base_world.slug)


def _prefixes(events: list[dict[str, Any]]) -> list[Projection]:
    """The brute force: ``fold`` of every prefix, from the empty ledger to the whole."""
    return [fold(events[:k]) for k in range(len(events) + 1)]


def _moment(data: st.DataObject, events: list[dict[str, Any]]) -> datetime:
    """An entry's own time, or any second from the first entry to an hour after the last."""
    times = [parse_time(e["at"]) for e in events]
    first, last = times[0], times[-1] + timedelta(hours=1)
    seconds = int((last - first).total_seconds())
    return data.draw(
        st.sampled_from(times) | st.integers(0, seconds).map(lambda s: first + timedelta(seconds=s))
    )


def _count_up_to(events: list[dict[str, Any]], moment: datetime) -> int:
    return sum(1 for e in events if parse_time(e["at"]) <= moment)


def _count_before(events: list[dict[str, Any]], moment: datetime) -> int:
    return sum(1 for e in events if parse_time(e["at"]) < moment)


def _names(event: dict[str, Any], thing: str) -> bool:
    # Independent of the code under test: the id appears as a JSON string in the entry.
    return f'"{thing}"' in json.dumps(event)


@SETTINGS
@given(moves=random_moves(), data=st.data())
def test_custody_at_a_moment_is_the_fold_of_the_entries_up_to_it(
    base_world: BaseWorld, moves: list[Any], data: st.DataObject
) -> None:
    """Where, who, chambers and state at t are those of fold(entries up to t), cited rightly."""
    app, events = _day(base_world, moves)
    prefixes = _prefixes(events)
    with app.forensics(base_world.slug) as f:
        for _ in range(4):
            moment = _moment(data, events)
            k = _count_up_to(events, moment)
            for weapon in WEAPONS:
                expected = prefixes[k].weapon(weapon)
                assert expected is not None  # received in the base world
                got = f.custody_at(weapon, moment.isoformat())
                assert got.location == expected["location"]
                assert got.chambers == expected["chambers"]
                assert got.state == expected["state"]
                assert got.uncertain == expected["uncertain"]
                assert got.through_entry == k - 1
                # The cited entry moved it there, and nothing moved it since.
                moved = prefixes[got.entry + 1].weapon(weapon)
                before = prefixes[got.entry].weapon(weapon)
                assert moved is not None and moved["location"] == got.location
                assert before is None or before["location"] != got.location
                assert all(
                    p.weapon(weapon)["location"] == got.location  # type: ignore[index]
                    for p in prefixes[got.entry + 1 : k + 1]
                )
                inspections = [
                    i
                    for i, e in enumerate(events[:k])
                    if e["type"] == "ShowClearInspected" and e["weapon"] == weapon
                ]
                assert got.inspection == (inspections[-1] if inspections else None)
    app.close()


@SETTINGS
@given(moves=random_moves(), data=st.data())
def test_a_weapon_chain_lists_every_holder_and_every_entry_the_fold_shows(
    base_world: BaseWorld, moves: list[Any], data: st.DataObject
) -> None:
    """Holders, moves, inspections (each chamber), loads and discharges between two moments."""
    app, events = _day(base_world, moves)
    prefixes = _prefixes(events)
    a, b = sorted((_moment(data, events), _moment(data, events)))
    weapon = data.draw(st.sampled_from(WEAPONS))
    with app.forensics(base_world.slug) as f:
        chain = f.weapon_chain(weapon, a.isoformat(), b.isoformat())
    start, end = _count_before(events, a), _count_up_to(events, b)
    window = range(start, end)

    def where(p: Projection) -> str | None:
        record = p.weapon(weapon)
        return record["location"] if record else None

    # Where it was as the period opened (if received by then), then every move in it.
    expected = [(where(prefixes[start]), None)] if where(prefixes[start]) else []
    for j in window:
        now = where(prefixes[j + 1])
        if now is not None and (not expected or now != expected[-1][0]):
            expected.append((now, j))
    assert [h.location for h in chain.holds] == [place for place, _ in expected]
    assert [h.entry for h in chain.holds if h.entry >= start] == [
        j for _, j in expected if j is not None
    ]
    for held, after in zip(chain.holds, chain.holds[1:], strict=False):
        assert (held.until, held.until_entry) == (after.since, after.entry)
    assert not chain.holds or chain.holds[-1].until is None

    expected_entries = [
        j
        for j in window
        if _names(events[j], weapon) or prefixes[j].weapon(weapon) != prefixes[j + 1].weapon(weapon)
    ]
    assert [e.index for e in chain.entries] == expected_entries
    for entry in chain.entries:
        after = prefixes[entry.index + 1].weapon(weapon)
        if after is None:  # named before it was received (a plan, a refused attempt)
            assert (entry.location, entry.chambers, entry.state) == (None, [], None)
            continue
        assert (entry.location, entry.chambers, entry.state) == (
            after["location"],
            after["chambers"],
            after["state"],
        )
        assert entry.event == events[entry.index]
    kinds = {e.type for e in chain.entries}
    for j in window:
        if events[j].get("weapon") == weapon and events[j]["type"] in (
            "ShowClearInspected", "RoundsLoaded", "WeaponDischarged", "WeaponHandedOver",
        ):  # fmt: skip
            assert events[j]["type"] in kinds
    assert set(chain.cites) >= {e.index for e in chain.entries}
    app.close()


@SETTINGS
@given(moves=random_moves(), data=st.data())
def test_a_lot_chain_follows_its_counts_and_every_weapon_carrying_its_rounds(
    base_world: BaseWorld, moves: list[Any], data: st.DataObject
) -> None:
    """Counts after each movement, every count change, and who had its rounds, as the fold says."""
    app, events = _day(base_world, moves)
    prefixes = _prefixes(events)
    a, b = sorted((_moment(data, events), _moment(data, events)))
    lot = data.draw(st.sampled_from(LOTS))
    with app.forensics(base_world.slug) as f:
        chain = f.lot_chain(lot, a.isoformat(), b.isoformat())
        accounting = f.lot_accounting(lot)
    start, end = _count_before(events, a), _count_up_to(events, b)

    def counters(p: Projection) -> dict[str, int] | None:
        record: Any = p.lot(lot)
        return {key: record[key] for key in COUNTERS} if record else None

    def carried(p: Projection) -> set[tuple[str, int, str]]:
        return {
            (w, r["chambers"].count(lot), r["location"])
            for w, r in p.weapons()
            if lot in r["chambers"]
        }

    assert chain.opening == counters(prefixes[start])
    assert chain.closing == counters(prefixes[end])
    for movement in chain.movements:
        assert movement.balance == counters(prefixes[movement.index + 1])
    changed = [j for j in range(start, end) if counters(prefixes[j]) != counters(prefixes[j + 1])]
    assert set(changed) <= {m.index for m in chain.movements}
    for j in range(start, end):
        open_then = {
            (c.weapon, c.rounds, c.location)
            for c in chain.carriers
            if c.entry <= j and (c.until_entry is None or c.until_entry > j)
        }
        assert open_then == carried(prefixes[j + 1])

    final = counters(prefixes[-1])
    assert final is not None
    assert {k: getattr(accounting, k) for k in COUNTERS} == final
    totals = {k: sum(m.change.get(k, 0) for m in accounting.movements) for k in COUNTERS}
    assert totals == final  # every round that moved is accounted for by a cited entry
    assert accounting.accounted == sum(
        final[k] for k in ("in_storage", "in_weapons", "expended", "returned", "destroyed",
                           "missing")
    )  # fmt: skip
    app.close()
