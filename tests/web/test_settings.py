"""The settings page (issue 16 item 1): the producer or the safety coordinator picks the
production's time zone and unit on the tablet; everyone else reads them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from showclear.protocol.catalogue.settings import settings_of

from .axe import SMALL_TARGETS, violations
from .conftest import Crew, Site
from .test_every_page import _OVERFLOW, SIZES

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_the_producer_sets_los_angeles_and_metres_and_the_page_shows_the_local_time(
    crew: Crew, site: Site
) -> None:
    """The nav leads to it; saving records ProductionSettingsChanged; the page then shows
    the zone, metres and the local time now in Pacific time."""
    page = crew.page
    crew.sign_in("paul")
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(re.compile(r"/ui/settings$"))
    assert page.locator("#current-zone").inner_text() == "UTC"
    assert page.locator("#current-units").inner_text() == "feet"
    assert page.locator("#local-now").inner_text().endswith("UTC")
    # The common zones come first, then every zone the IANA database knows.
    options = page.locator("#s-zone option").evaluate_all("els => els.map(e => e.value)")
    assert options[0] == "America/Los_Angeles"
    assert {"Europe/London", "Pacific/Chatham", "America/Argentina/Salta"} <= set(options)
    page.get_by_label("Time zone where the production shoots").select_option("America/Los_Angeles")
    crew.choose("Distances in", "Metres")
    page.get_by_label("Reason (optional)").fill("we shoot in Santa Clarita")
    crew.submit("Save settings")
    assert "set the production's time zone America/Los_Angeles and units m" in crew.recorded()
    assert page.locator("#current-zone").inner_text() == "America/Los_Angeles"
    assert page.locator("#current-units").inner_text() == "metres"
    assert re.search(r" P[SD]T$", page.locator("#local-now").inner_text())
    found = settings_of(site.app.projection(crew.slug))
    assert (found.time_zone, found.units) == ("America/Los_Angeles", "m")
    # Saving again with nothing changed records nothing and says so.
    size = site.app.production(crew.slug).size
    crew.submit("Save settings")
    assert "nothing changed: the production is already in America/Los_Angeles" in (page.content())
    assert site.app.production(crew.slug).size == size


@ON_THE_TABLET
def test_only_what_changed_is_recorded(crew: Crew, site: Site) -> None:
    """Changing the unit alone records units, not the zone the form also carried."""
    page = crew.page
    crew.sign_in("ruth")
    page.goto(crew.ui("/settings"))
    crew.choose("Distances in", "Metres")
    crew.submit("Save settings")
    assert "set the production's units m" in crew.recorded()


@ON_THE_TABLET
def test_the_armorer_reads_the_settings_without_a_form(crew: Crew, site: Site) -> None:
    """Only oversight roles change them; the page says who does."""
    page = crew.page
    crew.sign_in("maria")
    page.goto(crew.ui("/settings"))
    assert page.locator("#current-units").inner_text() == "feet"
    assert page.locator("#settings-form").count() == 0
    assert "A producer or the safety coordinator changes these." in page.content()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_form_fits_the_screen_with_big_targets_and_no_axe_violation(
    site: Site, browser: Any, size: str
) -> None:
    """The producer's form (the crawl of every page signs in as the armorer, who sees none)
    at 1024x768 and 390x844: no sideways scroll, targets >= 44 px, axe clean."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        device = Crew(page, site.url, site.production(), f"settings-{size}")
        device.sign_in("ruth")
        page.goto(device.ui("/settings"))
        assert page.locator("#settings-form").count() == 1
        fit = page.evaluate(_OVERFLOW)
        assert fit["scroll"] <= fit["width"], fit
        assert page.evaluate(SMALL_TARGETS, 44) == []
        assert violations(page) == []
    finally:
        context.close()
