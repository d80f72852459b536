"""Stopping the set from any page, anonymous concerns, and the reviews that lift a cease-fire."""

from __future__ import annotations

import pytest

from showclear.service import TRUSTED

from .conftest import Crew, Site

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_cease_fire_from_any_page_until_both_reviews_are_recorded(crew: Crew) -> None:
    """The red button is on every page; the banner stays until the coordinator and a producer
    have each reviewed the incident."""
    page = crew.page
    crew.sign_in("jack")
    page.goto(crew.ui("/ledger"))
    page.get_by_role("link", name="CEASE FIRE").click()
    crew.choose("What happened?", "Unintended discharge")
    page.get_by_label("Which weapon").select_option("colt-2")
    crew.submit("STOP THE SET: report incident")
    assert "incident 1 opened" in crew.recorded()
    for path in ("/", "/handoff", "/day"):
        page.goto(crew.ui(path))
        assert "CEASE-FIRE" in page.locator(".ceasefire-banner").inner_text()
    crew.shot("banner")

    crew.switch_to("ruth")
    page.goto(crew.ui("/reviews"))
    page.get_by_label("Findings").fill("Blank fired on the cart; handling retrained.")
    crew.submit("Record review of incident 1")
    crew.recorded()
    assert page.locator(".ceasefire-banner").count() == 1  # a producer has not reviewed yet

    crew.switch_to("paul")
    page.goto(crew.ui("/reviews"))
    page.get_by_label("Findings").fill("Agreed; resume.")
    crew.submit("Record review of incident 1")
    crew.recorded()
    assert page.locator(".ceasefire-banner").count() == 0
    assert "No open incidents" in page.locator("main").inner_text()


@ON_THE_TABLET
def test_an_anonymous_concern_names_nobody_in_the_ledger(crew: Crew) -> None:
    """Raised by a signed-in member, recorded with no actor; a stop-work concern stops the set."""
    page = crew.page
    crew.sign_in("jack")
    page.get_by_role("link", name="Concerns").click()
    page.get_by_label("Your concern").fill("The blanks box was left open on the cart.")
    page.get_by_text("Anonymous: do not record my name").click()
    page.get_by_text("Stop work until this is answered").click()
    crew.submit("Raise concern")
    assert "an anonymous person raised concern 1 (stop work)" in crew.recorded()
    assert "someone anonymous" in page.locator("#concern-1").inner_text()
    assert page.locator(".ceasefire-banner").count() == 1

    page.get_by_role("link", name="Ledger").click()
    row = page.locator(".entries-table tbody tr").first
    assert "an anonymous person raised concern 1" in row.inner_text()
    assert "jack" not in row.inner_text()

    crew.switch_to("ruth")
    page.goto(crew.ui("/concerns"))
    page.get_by_label("Written answer").fill("Box closed and locked; armorer briefed.")
    crew.submit("Answer concern 1")
    crew.recorded()
    assert page.locator(".ceasefire-banner").count() == 0


@ON_THE_TABLET
def test_the_board_shows_a_cease_fire_called_on_another_device_without_a_reload(
    crew: Crew, site: Site
) -> None:
    """The board refreshes itself every 10 s: the banner appears, the page is not reloaded."""
    page = crew.page
    page.clock.install()
    crew.sign_in("maria")
    page.evaluate("window.notReloaded = true")
    assert page.locator(".ceasefire-banner").count() == 0
    incident = {
        "type": "IncidentReported",
        "actor": "ken",
        "kind": "unattended_weapon",
        "description": "a revolver on the prop cart",
    }
    assert not site.app.submit(crew.slug, incident, TRUSTED).refused
    page.clock.run_for(11_000)
    page.locator(".ceasefire-banner").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert "updated" in page.locator("[data-updated]").inner_text()
