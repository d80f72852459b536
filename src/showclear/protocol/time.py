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

A production keeps its entries in UTC and lives in its own time zone (its settings:
``ProductionSettingsChanged``, an IANA name such as ``America/Los_Angeles``; UTC when
never set). For people, in that zone:

- :func:`check_zone` reads a zone's name, refusing one the IANA database lacks;
- :func:`read_local_time` reads a time as :func:`read_time` does, and a time without
  a zone (``2026-11-25 14:05``) as the production's local time;
- :func:`local_date` the production's calendar date at a moment (``day open``'s
  default), :func:`local_day` the UTC bounds of a local calendar day;
- :func:`local_hm` and :func:`local_stamp` say a ledger time locally with the zone's
  abbreviation: ``14:05 PDT``, ``2026-11-25 14:05 PDT``.

Pure: imports nothing from showclear.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DATE_EXAMPLE",
    "DEFAULT_ZONE",
    "TIME_EXAMPLE",
    "ZONE_EXAMPLE",
    "add_minutes",
    "check_zone",
    "format_time",
    "local_date",
    "local_day",
    "local_hm",
    "local_stamp",
    "parse_date",
    "parse_time",
    "read_local_time",
    "read_time",
    "time_of_day_date",
]

#: The forms named in error messages, so that a person can copy them.
TIME_EXAMPLE = "2026-11-25T08:00:00Z"
DATE_EXAMPLE = "2026-11-25"

#: A production that never chose its time zone lives in UTC.
DEFAULT_ZONE = "UTC"
ZONE_EXAMPLE = "America/Los_Angeles"

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


def check_zone(name: str) -> ZoneInfo:
    """The time zone of an IANA name such as ``America/Los_Angeles`` or ``UTC``.

    Raises:
        ValueError: ``name`` is not a zone of the IANA time zone database.
    """
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"{name!r} is not a time zone: give an IANA name like {ZONE_EXAMPLE}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not a time zone: give an IANA name like {ZONE_EXAMPLE}, "
            "Europe/London or UTC"
        ) from None


def _zone(zone: str | tzinfo) -> tzinfo:
    return check_zone(zone) if isinstance(zone, str) else zone


def read_local_time(text: str, zone: str | tzinfo) -> datetime:
    """The aware datetime of a time someone gave: with ``Z`` or an offset as written, and
    without one (``2026-11-25 14:05``) in the production's zone ``zone``.

    Raises:
        ValueError: ``text`` is not an ISO 8601 time, or ``zone`` is not a time zone.
    """
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: write it like 2026-11-25 14:05 (the production's local "
            f"time) or {TIME_EXAMPLE} (UTC)"
        ) from None
    if value.tzinfo is None:
        # fold=0: in the hour repeated when clocks go back, the first of the two moments.
        value = value.replace(tzinfo=_zone(zone))
    return value


def local_date(moment: datetime, zone: str | tzinfo) -> date:
    """The calendar date in ``zone`` at ``moment`` (a Los Angeles 16:30 is still today)."""
    return moment.astimezone(_zone(zone)).date()


def local_day(day: date, zone: str | tzinfo) -> tuple[datetime, datetime]:
    """The UTC moments a calendar day of ``zone`` starts and ends (the end excluded)."""
    where = _zone(zone)
    start = datetime.combine(day, time(0), where)
    end = datetime.combine(day + timedelta(days=1), time(0), where)
    return start.astimezone(UTC), end.astimezone(UTC)


def _local(moment: str | datetime, zone: str | tzinfo) -> datetime:
    value = parse_time(moment) if isinstance(moment, str) else moment
    return value.astimezone(_zone(zone))


def local_hm(moment: str | datetime, zone: str | tzinfo) -> str:
    """``14:05 PDT``: a ledger time as the clock on set shows it, with the zone's abbreviation."""
    return _local(moment, zone).strftime("%H:%M %Z")


def local_stamp(moment: str | datetime, zone: str | tzinfo) -> str:
    """``2026-11-25 14:05 PDT``: a ledger time's local date and time, with the zone."""
    return _local(moment, zone).strftime("%Y-%m-%d %H:%M %Z")
