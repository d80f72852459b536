"""Times and dates as the ledger writes them, and as people type them.

Every event's time is an RFC 3339 string in UTC with a ``Z`` suffix (DESIGN: "The
ledger format", "Time"): ``2026-11-25T08:00:00Z``, optionally with a fraction of a
second. One reading rule for each direction:

- :func:`format_time` writes that form, in whole seconds: every time the service
  stamps on an event, a session or a lock;
- :func:`parse_time` reads only that form, and says which form it expected: what
  the ledger and the store hold is never guessed at;
- :func:`read_time` reads what a person or an HTTP client gives (``--at``,
  ``SHOWCLEAR_NOW``, a query bound): any RFC 3339 / ISO 8601 time with ``Z`` or
  an offset; a time without one is refused, never guessed to be UTC (it could be
  any of 24 moments). Its result goes through :func:`format_time` before it meets
  the ledger.

Pure: imports nothing from showclear.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

__all__ = [
    "DATE_EXAMPLE",
    "TIME_EXAMPLE",
    "add_minutes",
    "format_time",
    "parse_date",
    "parse_time",
    "read_time",
    "time_of_day_date",
]

#: The forms named in error messages, so that a person can copy them.
TIME_EXAMPLE = "2026-11-25T08:00:00Z"
DATE_EXAMPLE = "2026-11-25"

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_time(moment: datetime) -> str:
    """The RFC 3339 UTC form of ``moment`` in whole seconds, e.g. ``2026-11-25T08:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """The UTC datetime of a ledger time such as ``2026-11-25T08:00:00Z``.

    Raises:
        ValueError: ``text`` is not an RFC 3339 UTC time with a ``Z`` suffix.
    """
    if not _TIME.match(text):
        raise ValueError(f"{text!r} is not an RFC 3339 UTC time like {TIME_EXAMPLE}")
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def read_time(text: str) -> datetime:
    """The aware datetime of a time someone gave, with ``Z`` or an offset such as ``+01:00``.

    Raises:
        ValueError: ``text`` is not an RFC 3339 / ISO 8601 time, or has no time zone.
    """
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(
            f"{text!r} has no time zone: add Z for UTC or an offset, like {TIME_EXAMPLE} "
            "or 2026-11-25T09:00:00+01:00"
        )
    return value


def add_minutes(text: str, minutes: int) -> str:
    """The ledger time ``minutes`` after ``text``, keeping its fraction of a second.

    Raises:
        ValueError: ``text`` is not a ledger time (see :func:`parse_time`).
    """
    moment = parse_time(text) + timedelta(minutes=minutes)
    if not moment.microsecond:
        return format_time(moment)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_date(text: str) -> date:
    """The calendar date of ``YYYY-MM-DD``.

    Raises:
        ValueError: ``text`` is not a date in that form.
    """
    if not _DATE.match(text):
        raise ValueError(f"{text!r} is not a date like {DATE_EXAMPLE}")
    return date.fromisoformat(text)


def time_of_day_date(text: str) -> str:
    """The ``YYYY-MM-DD`` date (UTC) of a ledger time."""
    return parse_time(text).date().isoformat()
