"""JSON values as the ledger stores them, and the time formats events use.

Entries hold integers only (no floats: distances in centimetres), and times as
RFC 3339 strings in UTC with a ``Z`` suffix (DESIGN: "The ledger format").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TypeAlias, cast

__all__ = [
    "JSON",
    "JSONObject",
    "add_minutes",
    "copy_json",
    "copy_object",
    "format_time",
    "is_json",
    "parse_date",
    "parse_time",
    "time_of_day_date",
]

JSON: TypeAlias = "bool | int | str | list[JSON] | dict[str, JSON] | None"
JSONObject: TypeAlias = "dict[str, JSON]"

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_time(text: str) -> datetime:
    """The UTC datetime of an RFC 3339 time such as ``2026-11-25T08:00:00Z``.

    Raises ValueError if ``text`` is not in that form.
    """
    if not _TIME.match(text):
        raise ValueError(f"{text!r} is not an RFC 3339 UTC time like 2026-11-25T08:00:00Z")
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def format_time(moment: datetime) -> str:
    """The RFC 3339 UTC form of ``moment``, seconds precision unless it has microseconds."""
    moment = moment.astimezone(UTC)
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def add_minutes(text: str, minutes: int) -> str:
    """The RFC 3339 time ``minutes`` after ``text``."""
    return format_time(parse_time(text) + timedelta(minutes=minutes))


def parse_date(text: str) -> date:
    """The calendar date of ``YYYY-MM-DD``. Raises ValueError otherwise."""
    if not _DATE.match(text):
        raise ValueError(f"{text!r} is not a date like 2026-11-25")
    return date.fromisoformat(text)


def time_of_day_date(text: str) -> str:
    """The ``YYYY-MM-DD`` date (UTC) of an RFC 3339 time."""
    return parse_time(text).date().isoformat()


def is_json(value: object) -> bool:
    """Whether ``value`` is a JSON value the ledger can hold (no floats, string keys)."""
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return type(value) is int
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


def copy_json(value: JSON) -> JSON:
    """A deep copy of a JSON value (faster than ``copy.deepcopy`` for plain data)."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def copy_object(value: JSONObject) -> JSONObject:
    """A deep copy of a JSON object."""
    return cast("JSONObject", copy_json(value))
