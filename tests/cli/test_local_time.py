"""Local time and units on the command line (issue 16 item 1).

A production lives in its time zone and measures in feet or metres: ``init --time-zone
--units`` records them first, ``settings`` shows or changes them, ``day open`` opens
today *there*, every distance takes either unit, and refusals speak the production's unit.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tests.cli.conftest import Cli, ready_to_hand_over

from showclear.cli.parse import parse_near

LA = "America/Los_Angeles"
BLANKS_PLAN = (
    "setup", "plan", "9", "--scene", "Saloon", "--kind", "take",
    "--weapon", "colt-1:ana:blanks:B-1:2", "--direction", "east",
)  # fmt: skip


def _flat(text: str) -> str:
    return " ".join(text.split())


def _events(cli: Cli) -> list[dict[str, Any]]:
    app = cli.app()
    try:
        slug = app.resolve(None)
        _, rows = app.entries(slug, 0, app.production(slug).size)
        return [row.event() for row in rows]
    finally:
        app.close()


def _opened_date(cli: Cli) -> str:
    return next(e["date"] for e in reversed(_events(cli)) if e["type"] == "DayOpened")


def test_init_records_the_time_zone_and_units_as_the_productions_first_settings(
    cli: Cli,
) -> None:
    """Entry #1 sets them, before anyone is registered; ``settings`` shows them."""
    cli.ok("init", "--production", "Dust Creek", "--time-zone", LA, "--units", "m")
    first = _events(cli)[1]
    assert first["type"] == "ProductionSettingsChanged"
    assert (first["actor"], first["time_zone"], first["units"]) == (None, LA, "m")
    shown = _flat(cli.ok("settings").output)
    assert f"Time zone: {LA}" in shown
    assert "Units: m" in shown
    assert "Local time now: 2026-11-24 23:01 PST" in shown  # the clock: 07:01 UTC


def test_a_zone_the_iana_database_lacks_is_a_usage_error_before_anything_is_made(
    cli: Cli,
) -> None:
    result = cli("init", "--production", "Dust Creek", "--time-zone", "Pacific Time")
    assert result.exit_code == 2
    assert "IANA name like America/Los_Angeles" in _flat(result.output)
    after = _flat(cli.main("settings").text)  # nothing was made: no production to show
    assert "no showclear database" in after or "has no production yet" in after


def test_only_a_producer_or_the_safety_coordinator_changes_the_settings(crew: Cli) -> None:
    refused = crew.main("settings", "--time-zone", LA, "--as", "kim")
    assert refused.code != 0
    assert "only a producer or safety coordinator may" in refused.text
    crew.ok("settings", "--time-zone", LA, "--reason", "we shoot in LA", "--as", "pat")
    assert f"Time zone: {LA}" in _flat(crew.ok("settings").output)


def test_a_los_angeles_call_at_half_past_four_opens_today_not_tomorrow(crew: Cli) -> None:
    """16:30 PST on the 25th is 00:30 UTC on the 26th: ``day open`` opens the 25th."""
    crew.ok("settings", "--time-zone", LA, "--as", "pat")
    crew.now = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    crew.ok("day", "open", "--duty", "mo=handler", "--as", "lee")
    assert _opened_date(crew) == "2026-11-25"


def test_a_utc_production_opens_the_utc_date(crew: Cli) -> None:
    crew.now = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    crew.ok("day", "open", "--duty", "mo=handler", "--as", "lee")
    assert _opened_date(crew) == "2026-11-26"


def test_twenty_feet_six_point_one_metres_and_610_cm_are_the_same_distance() -> None:
    """In a feet production a bare 20 is 20 ft; every spelling gives 610 cm."""
    for typed in ("20ft", "20 ft", "6.1m", "6.1 m", "610cm", "20"):
        assert parse_near(f"camera:{typed}:eye").to_event("ft")["distance_cm"] == 610, typed
    assert parse_near("camera:6").to_event("m")["distance_cm"] == 600


def test_a_plan_records_the_distance_in_cm_whatever_unit_was_typed(stocked: Cli) -> None:
    """The ledger keeps centimetres: 30ft, 9.144m and 914cm are one distance."""
    for setup, typed in (("21", "30ft"), ("22", "9.144m"), ("23", "914cm")):
        stocked.ok(
            "setup", "plan", setup, "--scene", "Saloon", "--kind", "take",
            "--weapon", "colt-1:ana:empty", "--direction", "east",
            "--near", f"camera A:{typed}:eye:hearing", "--as", "lee",
        )  # fmt: skip
    planned = [e for e in _events(stocked) if e["type"] == "SetupPlanned"]
    assert [e["people_near"][0]["distance_cm"] for e in planned[-3:]] == [914, 914, 914]


def test_a_distance_in_words_is_a_usage_error_naming_the_forms(stocked: Cli) -> None:
    result = stocked(*BLANKS_PLAN, "--near", "camera:far", "--as", "lee")
    assert result.exit_code == 2
    assert "20ft, 20 ft, 6m, 6.1 m or 610cm" in _flat(result.output)


def test_a_feet_production_is_refused_in_feet(stocked: Cli) -> None:
    """PLAN-DISTANCE names the distance and the minimum in feet, with metres after."""
    refused = stocked.refused(
        *BLANKS_PLAN, "--near", "boom:10:eye:hearing", "--as", "lee", rules={"PLAN-DISTANCE"}
    )
    text = _flat(refused.output)
    assert "boom at 10 ft (3.1 m)" in text  # 10 ft is 305 cm
    assert "minimum of 20 ft (6.1 m)" in text


def test_a_metre_production_is_refused_in_metres(stocked: Cli) -> None:
    stocked.ok("settings", "--units", "m", "--as", "sam")
    refused = stocked.refused(
        *BLANKS_PLAN, "--near", "boom:3:eye:hearing", "--as", "lee", rules={"PLAN-DISTANCE"}
    )
    text = _flat(refused.output)
    assert "boom at 3 m (9.8 ft)" in text
    assert "minimum of 6.1 m (20 ft)" in text


def test_who_reads_a_time_without_a_zone_as_the_productions_local_time(stocked: Cli) -> None:
    """In Los Angeles, 23:30 on the 24th is 07:30 UTC on the 25th."""
    stocked.ok("settings", "--time-zone", LA, "--as", "pat")
    shown = _flat(stocked.ok("who", "--weapon", "colt-1", "--at", "2026-11-24 23:30").output)
    assert "colt-1 at 2026-11-25T07:30:00Z" in shown
    bad = stocked("who", "--weapon", "colt-1", "--at", "half past eleven")
    assert bad.exit_code == 2
    assert "2026-11-25 14:05" in _flat(bad.output)


def test_the_board_and_a_weapons_history_read_in_the_productions_zone(planned: Cli) -> None:
    """colt-1's show-clear at 07:2x UTC on the 25th is 23:2x PST on the 24th in Los Angeles."""
    planned.ok("settings", "--time-zone", LA, "--as", "pat")
    ready_to_hand_over(planned)
    board = _flat(planned.ok("board").output)
    assert re.search(r"23:\d\d PST by", board), board
    history = _flat(planned.ok("history", "colt-1").output)
    assert re.search(r"2026-11-24 23:\d\d", history), history
    assert "PST" in history  # the zone, on the cell's next line


def test_the_blank_distance_policy_takes_feet_and_the_refusal_says_them(stocked: Cli) -> None:
    """policy set blank_min_distance_cm=25ft records 762 cm; 22 ft is then too close."""
    stocked.ok("policy", "set", "blank_min_distance_cm=25ft", "--as", "sam")
    refused = stocked.refused(
        *BLANKS_PLAN, "--near", "boom:22ft:eye:hearing", "--as", "lee", rules={"PLAN-DISTANCE"}
    )
    assert "minimum of 25 ft (7.6 m)" in _flat(refused.output)
    changed = [e for e in _events(stocked) if e["type"] == "PolicyChanged"]
    assert changed[-1]["changes"] == {"blank_min_distance_cm": 762}
