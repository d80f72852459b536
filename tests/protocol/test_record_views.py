"""The projection's typed reads are read-only views of its records, never copies."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_world import World

from showclear.protocol import Projection
from showclear.protocol import projection as records
from showclear.protocol import record_views as views

#: Each view and the record it shows; nested records have views of their own.
PAIRS = [
    (getattr(views, name), getattr(records, name.removesuffix("View") + "Record"))
    for name in views.__all__
]


@pytest.mark.parametrize(("view", "record"), PAIRS, ids=[v.__name__ for v, _ in PAIRS])
def test_every_view_has_exactly_the_fields_of_its_record(view: Any, record: Any) -> None:
    """A field added to a record and not to its view (or the reverse) fails here."""
    assert list(view.__annotations__) == list(record.__annotations__)
    written = [getattr(a, "__forward_arg__", a) for a in view.__annotations__.values()]
    assert all(a.startswith("ReadOnly[") for a in written)


def test_a_typed_read_cannot_change_the_projection(world: World) -> None:
    """Assigning through what weapon(), person(), lots() ... return raises TypeError."""
    weapon = world.projection.weapon("W2")
    assert weapon is not None
    with pytest.raises(TypeError):
        weapon["location"] = "person:nobody"  # type: ignore[typeddict-readonly-mutated]
    _, lot = world.projection.lots()[0]
    with pytest.raises(TypeError):
        lot["received"] = 0  # type: ignore[typeddict-readonly-mutated]
    with pytest.raises(TypeError):
        Projection.empty().ceasefire()["active"] = True  # type: ignore[typeddict-readonly-mutated]
    assert world.projection.weapon("W2")["location"].startswith("storage:")  # type: ignore[index]


def test_a_typed_read_is_a_view_of_the_current_record_not_a_copy(world: World) -> None:
    """Reading a record copies nothing, and a view shows what the fold applied since."""
    before = world.projection.weapon("W2")
    assert before is not None
    assert before["chambers"] is world.projection.weapon("W2")["chambers"]  # type: ignore[index]
    world.out_and_checked("W2")
    assert before["location"] != "storage:S1"
    assert before == world.projection.weapon("W2")


def test_people_lists_every_person_by_id(world: World) -> None:
    """people() is each registered person's id and view, in id order."""
    people = world.projection.people()
    assert [pid for pid, _ in people] == sorted(pid for pid, _ in people)
    assert all(world.projection.person(pid) == person for pid, person in people)
    assert Projection.empty().people() == []
