"""Clocks: every event carries the time it happened, from an injectable clock.

The clock is a port (DESIGN: "Time"): the machine's clock in service, a fixed one
that scenarios, tests and the demo move by hand. Reading and writing times is
:mod:`showclear.protocol.time`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock"]


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
