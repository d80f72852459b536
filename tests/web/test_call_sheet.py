"""The day's call sheet as a table: person, duties, call time; rows added and removed; copied
from yesterday; kept after a refusal. It publishes the API's OpenDay and ReviseCallSheet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from showclear.service import TRUSTED

from .axe import SMALL_TARGETS, violations
from .conftest import Crew, Site

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])
#: The seeded day's call sheet (src/showclear/demo/western-day.yaml).
SEEDED = [
    ("maria", "handler"),
    ("jack", "performer"),
    ("dana", "first_ad"),
    ("ruth", "safety_coordinator"),
    ("paul", "producer"),
    ("ken", "camera"),
]


def _last_event(site: Site, slug: str) -> dict[str, Any]:
    size = site.app.production(slug).size
    _, rows = site.app.entries(slug, size - 1, 1)
    event = rows[0].event()
    assert isinstance(event, dict)
    return event


def _table(crew: Crew) -> list[tuple[str, str, str]]:
    """The table's rows as (person, duties, call time), empty rows included."""
    return [
        (
            row.locator("select[name=person]").input_value(),
            row.locator("input[name=duties]").input_value(),
            row.locator("input[name=call_time]").input_value(),
        )
        for row in crew.page.locator("#sheet-rows tr").all()
    ]


def _filled(crew: Crew) -> list[tuple[str, str, str]]:
    return [row for row in _table(crew) if row[0]]


def _row_of(crew: Crew, person: str) -> Any:
    rows = crew.page.locator("#sheet-rows tr").all()
    return next(r for r in rows if r.locator("select[name=person]").input_value() == person)


def test_the_call_sheet_is_edited_as_a_table_and_published_with_call_times(
    crew: Crew, site: Site
) -> None:
    """Dana gives Maria a call time, removes Jack's row, adds him back at the end with his
    own call time, and publishes: one CallSheetRevised with exactly those rows."""
    page = crew.page
    crew.sign_in("dana")
    page.goto(crew.ui("/day"))
    assert _filled(crew) == [(p, d, "") for p, d in SEEDED]
    assert page.locator("#sheet-rows select[name=person] option[value=ken]").count() >= 1
    _row_of(crew, "maria").locator("input[name=call_time]").fill("06:45")
    _row_of(crew, "jack").get_by_role("button", name="Remove").click()
    assert "jack" not in [row[0] for row in _table(crew)]
    rows_before = len(_table(crew))
    page.get_by_role("button", name="Add a row").click()
    added = page.locator("#sheet-rows tr").last
    assert len(_table(crew)) == rows_before + 1
    assert added.locator("select[name=person]").evaluate("el => el === document.activeElement")
    added.locator("select[name=person]").select_option("jack")
    added.locator("input[name=duties]").fill("performer")
    added.locator("input[name=call_time]").fill("08:15")
    height = added.locator("select[name=person]").bounding_box()
    assert height is not None and height["height"] >= 44
    page.get_by_role("button", name="Publish revised call sheet").click()
    crew.recorded()
    event = _last_event(site, crew.slug)
    assert event["type"] == "CallSheetRevised"
    assert event["call_sheet"] == [
        {"person": "maria", "duties": ["handler"], "call_time": "06:45"},
        {"person": "dana", "duties": ["first_ad"]},
        {"person": "ruth", "duties": ["safety_coordinator"]},
        {"person": "paul", "duties": ["producer"]},
        {"person": "ken", "duties": ["camera"]},
        {"person": "jack", "duties": ["performer"], "call_time": "08:15"},
    ]
    # The table shows the sheet as published, call times included.
    assert ("maria", "handler", "06:45") in _filled(crew)
    assert ("jack", "performer", "08:15") in _filled(crew)


def _close_the_day(site: Site, slug: str) -> None:
    counts = {
        str(lot["lot"]): lot["in_storage"] + lot["in_weapons"] + lot.get("quarantined", 0)
        for lot in site.app.rounds(slug)
    }
    outcome = site.app.submit(
        slug, {"type": "DayClosed", "actor": "dana", "counts": counts}, TRUSTED
    )
    assert not outcome.refused, outcome.rule_ids


@ON_THE_TABLET
def test_a_new_day_starts_as_a_copy_of_yesterdays_call_sheet(crew: Crew, site: Site) -> None:
    """With yesterday's day closed, "Copy from yesterday" fills the table with its last call
    sheet; Dana changes one row and opens the next day with it."""
    page = crew.page
    yesterday = date.today().isoformat()
    _close_the_day(site, crew.slug)
    crew.sign_in("dana")
    page.goto(crew.ui("/day"))
    assert _filled(crew) == []
    page.get_by_role("link", name=f"Copy from yesterday ({yesterday})").click()
    page.wait_for_load_state()
    assert (
        f"Filled in from the call sheet of {yesterday}" in page.locator(".kept-note").inner_text()
    )
    assert _filled(crew) == [(p, d, "") for p, d in SEEDED]
    _row_of(crew, "ken").locator("input[name=duties]").fill("camera, grip")
    _row_of(crew, "ken").locator("input[name=call_time]").fill("05:30")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page.get_by_label("Date").fill(tomorrow)
    page.get_by_role("button", name="Open the day").click()
    crew.recorded()
    event = _last_event(site, crew.slug)
    assert event["type"] == "DayOpened" and event["date"] == tomorrow
    expected = [{"person": p, "duties": [d]} for p, d in SEEDED[:-1]]
    expected.append({"person": "ken", "duties": ["camera", "grip"], "call_time": "05:30"})
    assert event["call_sheet"] == expected
    # The new day is open: yesterday is still one tap away.
    assert page.get_by_role("link", name=f"Copy from yesterday ({yesterday})").count() == 1


@ON_THE_TABLET
def test_a_refused_call_sheet_comes_back_with_its_rows_added_and_removed(crew: Crew) -> None:
    """Maria (armorer) may not revise the call sheet: after the refusal, Back finds the table
    as she left it, the removed row gone and the added row filled in."""
    page = crew.page
    crew.sign_in("maria")
    page.goto(crew.ui("/day"))
    _row_of(crew, "paul").get_by_role("button", name="Remove").click()
    _row_of(crew, "ruth").get_by_role("button", name="Remove").click()
    for _ in range(2):
        page.get_by_role("button", name="Add a row").click()
    added = page.locator("#sheet-rows tr").last
    added.locator("select[name=person]").select_option("paul")
    added.locator("input[name=duties]").fill("producer")
    added.locator("input[name=call_time]").fill("09:00")
    sent = _table(crew)
    page.get_by_role("button", name="Publish revised call sheet").click()
    page.wait_for_load_state()
    assert "Not allowed" in page.locator("h1").inner_text()
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#call-sheet-form .kept-note").count() == 1
    assert _table(crew) == sent


_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_call_sheet_table_fits_with_big_targets_and_no_axe_violation(
    crew: Crew, site: Site
) -> None:
    """A closed day's page and yesterday's sheet copied into the table, a row added: no
    sideways scroll, every target at least 44 px, axe-core clean, at tablet and phone size."""
    page = crew.page
    _close_the_day(site, crew.slug)
    crew.sign_in("dana")
    page.goto(crew.ui("/day?copy=yesterday"))
    page.get_by_role("button", name="Add a row").click()
    assert len(_filled(crew)) == len(SEEDED)
    assert page.evaluate(_OVERFLOW) <= 0
    assert page.evaluate(SMALL_TARGETS, 44) == []
    assert violations(page) == []
    crew.shot("call-sheet")
