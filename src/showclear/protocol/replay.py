"""The state at a moment: the projection after a prefix of the ledger.

Every question about the past (where was this weapon at 10:05, what was in its
chambers, who was on the call sheet when the incident opened, how many rounds of a
lot were in storage before the count) is answered by the projection of the entries
up to a point, folded with the protocol's own :func:`~showclear.protocol.fold.apply`.
So an answer about the past can never disagree with what the rules read then.

A cut-off is an entry index (``through``: that entry and every one before it) or a
moment (``at``: every entry recorded at or before it), or both (whichever comes
first). The ledger is in index order and never goes back in time (TimeOrderError),
so a replay stops at the first entry past its cut-off.

Pure: the entries are handed in as ``(index, event)`` pairs, in ledger order; nothing
here reads a store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from showclear.protocol.fold import apply
from showclear.protocol.projection import Projection
from showclear.protocol.time import parse_time

__all__ = ["Step", "projection_at", "replay"]


@dataclass(frozen=True, slots=True)
class Step:
    """One entry replayed: the entry, the projection keys it changed, the state after it.

    ``projection`` is the replay's one projection, updated in place by the next step:
    copy what you keep from it.
    """

    index: int
    event: dict[str, Any]
    at: datetime  # the entry's own time
    changed: frozenset[str]
    projection: Projection


def replay(
    entries: Iterable[tuple[int, dict[str, Any]]],
    *,
    through: int | None = None,
    at: datetime | None = None,
) -> Iterator[Step]:
    """Fold ``entries`` in order into an empty projection, yielding the state after each one.

    Stops before the first entry whose index is above ``through`` or whose time is after
    ``at``.

    Raises:
        MalformedEventError: an entry is not a well-formed event.
        InconsistentEventError: an entry names something the projection does not hold.
        ValueError: an entry's time is not an RFC 3339 UTC time.
    """
    projection = Projection.empty()
    for index, event in entries:
        if through is not None and index > through:
            return
        moment = parse_time(str(event["at"]))
        if at is not None and moment > at:
            return
        changed = apply(projection, event)
        yield Step(index, event, moment, frozenset(changed), projection)


def projection_at(
    entries: Iterable[tuple[int, dict[str, Any]]],
    *,
    through: int | None = None,
    at: datetime | None = None,
) -> Projection:
    """The projection after every entry up to the cut-off (empty before the first entry).

    Raises what :func:`replay` raises.
    """
    state = Projection.empty()
    for step in replay(entries, through=through, at=at):
        state = step.projection
    return state
