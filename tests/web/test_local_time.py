"""The tablet in the production's time zone and unit (issue 16 item 1): a Los Angeles
production working in metres sees times in Pacific time, with the zone, and types a
distance as a bare number of metres."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from showclear.protocol.time import format_time
from showclear.service import TRUSTED

from .conftest import Crew, Site

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_a_metre_production_in_los_angeles_plans_in_metres_and_reads_pacific_time(
    crew: Crew, site: Site
) -> None:
    settings = {
        "type": "ProductionSettingsChanged",
        "at": format_time(datetime.now(UTC)),
        "actor": "paul",
        "time_zone": "America/Los_Angeles",
        "units": "m",
    }
    assert not site.app.submit(crew.slug, settings, TRUSTED).refused
    page = crew.page
    crew.sign_in("dana")
    page.get_by_role("link", name="Setups & meeting").click()
    assert "Distance from the line of fire (m; or 20ft, 6m)" in page.content()
    page.get_by_label("Setup id").fill("31")
    page.get_by_label("Scene", exact=True).fill("31")
    page.get_by_label("Rehearsal or take").select_option("take")
    page.get_by_label("Direction of fire").fill("toward the barn wall, away from everyone")
    page.get_by_label("Weapon 1").select_option("colt-1")
    page.locator("#w0-performer").fill("jack")
    page.locator("#w0-load").select_option("dummies")
    page.locator("#w0-lot").select_option("dum-45")
    page.locator("#w0-rounds").fill("6")
    page.get_by_label("Who 1").fill("camera A")
    page.locator("#n0-m").fill("9.5")  # a bare number: the production's metres
    crew.submit("Plan setup")
    assert "camera A 9.5 m (31.2 ft)" in page.locator("#setup-31").inner_text()
    page.goto(crew.ui("/ledger"))
    times = page.locator("time").all_inner_texts()
    assert times and all(re.fullmatch(r"\d\d:\d\d P[SD]T", t) for t in times), times
