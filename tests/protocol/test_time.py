"""The one time module: the ledger's own form strictly, what people type leniently."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from showclear.protocol.time import (
    add_minutes,
    format_time,
    parse_date,
    parse_time,
    read_time,
    time_of_day_date,
)

EIGHT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_format_time_writes_utc_with_z_in_whole_seconds() -> None:
    """Any aware moment is written in UTC, its fraction of a second dropped."""
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 25, 9, 0, 5, 987_654, tzinfo=paris)
    assert format_time(moment) == "2026-11-25T08:00:05Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T08:00:00Z", EIGHT),
        ("2026-11-25T08:00:00.5Z", EIGHT.replace(microsecond=500_000)),
    ],
)
def test_parse_time_reads_the_ledger_form(text: str, expected: datetime) -> None:
    """A ledger time, with or without a fraction, reads as the UTC moment it names."""
    assert parse_time(text) == expected
    assert parse_time(text).tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["2026-11-25T08:00:00", "2026-11-25T09:00:00+01:00", "2026-11-25 08:00:00Z", "yesterday"],
)
def test_parse_time_refuses_anything_else_naming_the_form(text: str) -> None:
    """No zone, an offset, a space or words: refused with the form it expects."""
    with pytest.raises(ValueError, match=r"is not an RFC 3339 UTC time like 2026-11-25T08:00:00Z"):
        parse_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25T08:00:00Z",
        "2026-11-25T09:00:00+01:00",
        "2026-11-25T01:00-07:00",
    ],
)
def test_read_time_accepts_what_people_type(text: str) -> None:
    """Z and offsets are honoured."""
    assert read_time(text) == EIGHT


@pytest.mark.parametrize("text", ["2026-11-25T08:00:00", "2026-11-25T08:00"])
def test_read_time_refuses_a_time_without_a_zone_saying_how_to_give_one(text: str) -> None:
    """A time without a zone is not silently taken as UTC (issue 15): it is refused."""
    with pytest.raises(ValueError, match="has no time zone: add Z for UTC or an offset"):
        read_time(text)


def test_read_time_refuses_words() -> None:
    """A time that is not ISO 8601 at all is a ValueError."""
    with pytest.raises(ValueError, match="yesterday"):
        read_time("yesterday")


def test_a_formatted_time_parses_back_to_the_same_second() -> None:
    """format_time and parse_time are each other's inverse on whole seconds."""
    assert parse_time(format_time(EIGHT + timedelta(seconds=59))) == EIGHT + timedelta(seconds=59)


def test_add_minutes_keeps_the_fraction_of_a_second() -> None:
    """Deadlines computed from an event's time lose nothing (rule timings compare exactly)."""
    assert add_minutes("2026-11-25T08:00:00Z", 90) == "2026-11-25T09:30:00Z"
    assert add_minutes("2026-11-25T08:00:00.25Z", 1) == "2026-11-25T08:01:00.250000Z"


def test_dates_are_strict_and_a_time_has_its_utc_date() -> None:
    """parse_date takes YYYY-MM-DD only; time_of_day_date gives an event's UTC day."""
    assert parse_date("2026-11-25") == date(2026, 11, 25)
    with pytest.raises(ValueError, match="is not a date like 2026-11-25"):
        parse_date("25/11/2026")
    assert time_of_day_date("2026-11-25T23:59:59Z") == "2026-11-25"
