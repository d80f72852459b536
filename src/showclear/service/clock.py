"""Clocks: every event carries the time it happened, from an injectable clock.

The clock is a port (DESIGN: "Time"): the machine's clock in service, a fixed one
that scenarios, tests and the demo move by hand. Reading and writing times is
:mod:`showclear.protocol.time`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from showclear.protocol.time import format_time, parse_time
from showclear.service.errors import BadRequest

__all__ = [
    "FUTURE_TOLERANCE",
    "NEVER_REFUSED_FOR_TIME",
    "Clock",
    "FixedClock",
    "SystemClock",
    "check_not_ahead",
    "stamp",
]

#: How far ahead of this computer's clock a given time (``SHOWCLEAR_NOW``) may be: a
#: device clock a little fast is no error, but an entry stamped in the future would make
#: every later command "earlier than the last entry" until that moment (issue 15).
FUTURE_TOLERANCE: Final = timedelta(minutes=5)

#: What a clock must never stop (DESIGN: Time; INC-CONCERN, INC-CEASEFIRE): a concern and
#: an incident report, which starts the cease-fire, and live rounds found. When the clock
#: stands behind the last entry (stepped back) they are recorded at the last entry's time,
#: so the ledger's times still never go backwards; every other command is refused.
NEVER_REFUSED_FOR_TIME: Final = frozenset(
    {"ConcernRaised", "ConcernEscalated", "IncidentReported", "LiveRoundsFound"}
)


def check_not_ahead(moment: datetime, *, real: datetime | None = None) -> datetime:
    """``moment``, if it is at most :data:`FUTURE_TOLERANCE` ahead of the real clock.

    Raises:
        BadRequest: it is further ahead, naming both times and the tolerance.
    """
    now = real or datetime.now(UTC)
    if moment - now > FUTURE_TOLERANCE:
        minutes = int(FUTURE_TOLERANCE.total_seconds() // 60)
        raise BadRequest(
            f"the time {format_time(moment)} is more than {minutes} minutes ahead of this "
            f"computer's clock ({format_time(now)}); an entry in the future would refuse "
            "every later command until then. Give the time it is now."
        )
    return moment


def stamp(now: datetime, last: str | None, kind: str) -> str:
    """The time to record an event of ``kind`` at: ``now``, or for a report the clock must
    never stop (:data:`NEVER_REFUSED_FOR_TIME`) the last entry's time when ``now`` is before it.
    """
    at = format_time(now)
    if kind in NEVER_REFUSED_FOR_TIME and last is not None and parse_time(at) < parse_time(last):
        return last
    return at


class Clock(Protocol):
    """Anything that tells the current time, as an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for scenarios, tests and the demo."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
