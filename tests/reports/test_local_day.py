"""The daily report follows the production's day, in its time zone (issue 16 item 1).

A Los Angeles production shoots nights: the call at 18:00 on the 25th (02:00 UTC on the
26th), wrap and the close of the day at 04:00 on the 26th. The night crosses midnight UTC
and midnight in Los Angeles and is still one daily report, the 25th's; the 26th's report
starts when that night closed. The report reads its times on the clock in Los Angeles,
each with its zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.cli.conftest import (
    Cli,
    plan_and_meet,
    ready_to_hand_over,
    register_cast,
    stock_inventory,
)
from tests.conftest import Backend

from showclear.reports import day_files
from showclear.reports.daily import DayReport, day_report
from showclear.service import App

from .reading import pdf_text

LA = "America/Los_Angeles"


def _at(cli: Cli, day: int, hour: int, minute: int = 0) -> None:
    """Set the clock to a moment in UTC (Los Angeles is 8 hours behind in November)."""
    cli.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def night(backend: Backend, tmp_path: Path) -> Iterator[tuple[App, dict[str, int]]]:
    """The night shoot of the 25th and a morning's work on the 26th; the entries of note."""
    cli = Cli(backend.url, tmp_path / "keys")
    _at(cli, 25, 16)  # 08:00 PST on the 25th: the production is set up
    register_cast(cli)
    cli.ok("settings", "--time-zone", LA, "--units", "ft", "--as", "pat")
    stock_inventory(cli)
    _at(cli, 26, 2)  # the call: 18:00 PST on the 25th, 02:00 UTC on the 26th
    cli.ok(
        "day", "open", "--duty", "mo=handler", "--duty", "ana=performer",
        "--duty", "lee=first_ad", "--as", "lee",
    )  # fmt: skip
    plan_and_meet(cli)
    _at(cli, 26, 7, 50)  # 23:50 PST: the weapon goes out just before local midnight
    ready_to_hand_over(cli)
    _at(cli, 26, 11, 30)  # 03:30 PST on the 26th: back in the safe, and the day closes
    cli.ok("unload", "colt-1", "--chambers", "1-6", "--as", "mo")
    cli.ok("return", "colt-1", "--storage", "safe-1", "--as", "mo")
    cli.ok("close-day", "--count", "D-1=12", "--count", "B-1=12", "--as", "mo")
    _at(cli, 26, 18)  # 10:00 PST on the 26th, no day open: a new safe arrives
    cli.ok("storage", "add", "safe-2", "--name", "Stage safe", "--lockable", "--as", "mo")
    app = cli.app()
    slug = app.resolve(None)
    _, rows = app.entries(slug, 0, app.production(slug).size)
    events: list[tuple[int, dict[str, Any]]] = [(row.index, row.event()) for row in rows]
    marks = {
        "opened": next(i for i, e in events if e["type"] == "DayOpened"),
        "taken": next(i for i, e in events if e["type"] == "WeaponTakenOut"),
        "closed": next(i for i, e in events if e["type"] == "DayClosed"),
        "safe-2": next(i for i, e in events if e.get("storage") == "safe-2"),
    }
    yield app, marks
    app.close()


def _report(app: App, day: str) -> DayReport:
    with app.forensics(app.resolve(None)) as f:
        return day_report(f, day)


def test_a_night_shoot_across_both_midnights_is_one_daily_report(
    night: tuple[App, dict[str, int]],
) -> None:
    """The 25th's report runs from the call to the close, through 00:00 UTC and 00:00 PST."""
    app, marks = night
    report = _report(app, "2026-11-25")
    first, last = report.entries
    assert first < marks["opened"] and last == marks["closed"]
    assert [w.weapon for w in report.weapons] == ["colt-1"]  # taken out at 23:50 PST
    assert report.start == "2026-11-25T08:00:00Z"  # midnight in Los Angeles
    assert report.end.startswith("2026-11-26T11:3")  # the close, at 03:3x PST


def test_the_next_day_starts_when_the_night_closed(night: tuple[App, dict[str, int]]) -> None:
    """The 26th's report holds the morning's safe and none of the night before."""
    app, marks = night
    report = _report(app, "2026-11-26")
    assert report.entries == [marks["safe-2"], marks["safe-2"]]
    assert report.weapons == []


def test_the_report_reads_its_times_in_los_angeles_with_the_zone(
    night: tuple[App, dict[str, int]],
) -> None:
    app, _ = night
    rendered = day_files(app, app.resolve(None), "2026-11-25")
    assert rendered.pdf is not None
    flat = " ".join(pdf_text(rendered.pdf).split())
    assert "Time zone America/Los_Angeles" in flat
    assert "Period covered 2026-11-25 00:00 PST to 2026-11-26 03:3" in flat
    assert "times in America/Los_Angeles" in flat
    assert "camera A at 29.5 ft (9 m)" in flat  # the plan's 900 cm, in the production's unit
