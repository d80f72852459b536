"""The state at a moment: the projection after the entries up to an index or a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from protocol_world import World

from showclear.protocol import MalformedEventError, Projection, apply, fold
from showclear.protocol.replay import projection_at, replay
from showclear.protocol.time import parse_time


def _entries(events: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(events))


@pytest.fixture
def day() -> World:
    """A day with W2 taken out, inspected, loaded, handed to rio and back."""
    world = World.day()
    world.ready_with_blanks("rio")
    world.ok("WeaponHandedOver", "ana", **world.hand("W2", "ana", "rio"))
    world.ok("WeaponHandedOver", "rio", **world.hand("W2", "rio", "ana"))
    return world


def test_an_empty_ledger_is_the_empty_projection() -> None:
    """No entries: no steps, and the state at any cut-off is the empty projection."""
    assert list(replay([])) == []
    assert projection_at([]) == Projection.empty()
    assert projection_at([], through=5) == Projection.empty()
    assert projection_at([], at=parse_time("2026-11-25T08:00:00Z")) == Projection.empty()


def test_the_state_through_an_index_is_the_fold_of_the_entries_up_to_it(day: World) -> None:
    """``through=k`` folds entries 0..k; ``through=-1`` is before the first entry."""
    entries = _entries(day.events)
    assert projection_at(entries, through=-1) == Projection.empty()
    for k in range(len(day.events)):
        assert projection_at(entries, through=k) == fold(day.events[: k + 1]), k
    assert projection_at(entries, through=len(day.events) + 3) == day.projection
    assert projection_at(entries) == day.projection


def test_the_state_at_a_time_includes_every_entry_recorded_at_or_before_it(day: World) -> None:
    """At an entry's own time that entry counts; between two entries, the earlier one only."""
    entries = _entries(day.events)
    times = sorted({parse_time(e["at"]) for e in day.events})
    for moment in times:
        upto = [e for e in day.events if parse_time(e["at"]) <= moment]
        assert projection_at(entries, at=moment) == fold(upto), moment
        half_later = moment + timedelta(seconds=30)
        assert projection_at(entries, at=half_later) == fold(upto), half_later
    assert projection_at(entries, at=times[0] - timedelta(seconds=1)) == Projection.empty()


def test_the_earlier_of_two_cut_offs_wins(day: World) -> None:
    """With both an index and a time, the replay stops at whichever comes first."""
    entries = _entries(day.events)
    late = parse_time(day.events[-1]["at"])
    assert projection_at(entries, through=3, at=late) == fold(day.events[:4])
    first = parse_time(day.events[0]["at"])
    assert projection_at(entries, through=len(day.events), at=first) == fold(day.events[:1])


def test_a_weapon_not_yet_received_is_absent_then_present(day: World) -> None:
    """Before its WeaponReceived entry the weapon has no record; from that entry on it has."""
    entries = _entries(day.events)
    received = next(
        i for i, e in enumerate(day.events) if e["type"] == "WeaponReceived" and e["weapon"] == "W2"
    )
    assert projection_at(entries, through=received - 1).weapon("W2") is None
    at_receipt = projection_at(entries, through=received).weapon("W2")
    assert at_receipt is not None
    assert (at_receipt["location"], at_receipt["state"]) == ("storage:S1", "UNKNOWN")
    assert at_receipt["chambers"] == ["unknown"] * 6  # nobody has looked inside yet


def test_each_step_is_the_entry_its_changes_and_the_state_after_it(day: World) -> None:
    """One step per entry, in order: index, event, parsed time, changed keys, state after."""
    entries = _entries(day.events)
    check = Projection.empty()
    steps = 0
    for step in replay(entries):
        assert step.index == steps
        assert step.event is day.events[steps]
        assert step.at == parse_time(day.events[steps]["at"])
        assert step.changed == frozenset(apply(check, day.events[steps]))
        assert step.projection == check
        steps += 1
    assert steps == len(day.events)
    holders = [
        s.projection.holder("W2") for s in replay(entries) if s.event["type"] == "WeaponHandedOver"
    ]
    assert holders == ["rio", "ana"]


def test_a_replay_reads_no_entry_past_its_cut_off(day: World) -> None:
    """The entries after the cut-off are never folded (a malformed one there goes unread)."""
    tail = {"type": "NoSuchEvent", "at": "2999-01-01T00:00:00Z"}
    entries = [*_entries(day.events), (len(day.events), tail)]
    assert projection_at(entries, through=len(day.events) - 1) == day.projection
    assert projection_at(entries, at=parse_time(day.events[-1]["at"])) == day.projection
    with pytest.raises(MalformedEventError):
        projection_at(entries)
