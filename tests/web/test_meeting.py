"""The whole crew's safety meeting sign-in: the call sheet ticked at once, each attendee's own
PIN, visitors by name and company, and the form kept (never a PIN) after a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from showclear.service import TRUSTED

from .axe import SMALL_TARGETS, violations
from .conftest import Crew, Site
from .seed import PINS

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


def _last_event(site: Site, slug: str) -> dict[str, Any]:
    size = site.app.production(slug).size
    _, rows = site.app.entries(slug, size - 1, 1)
    event = rows[0].event()
    assert isinstance(event, dict)
    return event


def _sheet_of(crew: Crew, site: Site, *people: str) -> None:
    """Today's call sheet revised to ``people`` (the others stay registered)."""
    sheet = [{"person": p, "duties": ["handler" if p == "maria" else "crew"]} for p in people]
    event = {"type": "CallSheetRevised", "actor": "dana", "call_sheet": sheet}
    assert not site.app.submit(crew.slug, event, TRUSTED).refused


def _row(crew: Crew, person: str) -> Any:
    return crew.page.locator(".crew-row", has=crew.page.locator(f"input[value='{person}']"))


def test_the_whole_crew_signs_in_at_once_with_visitors_recorded_by_name(
    crew: Crew, site: Site
) -> None:
    """Maria ticks everyone on the call sheet with one button; Jack and Dana type their PINs;
    two visitors are typed in (one on an added row). The entry: Maria, Jack and Dana
    confirmed, the rest present but not confirming, the visitors by name and company."""
    page = crew.page
    crew.sign_in("maria")
    page.goto(crew.ui("/day"))
    page.get_by_role("link", name="Safety meeting sign-in: the whole crew").click()
    page.wait_for_url("**/ui/meeting")
    everyone = page.get_by_role("button", name="Everyone on the call sheet")
    everyone.click()
    assert everyone.get_attribute("aria-pressed") == "true"
    ticked = page.locator("#crew-sheet input[name=attended]:checked")
    assert sorted(ticked.evaluate_all("els => els.map(e => e.value)")) == [
        "dana",
        "jack",
        "ken",
        "paul",
        "ruth",
    ]
    box = _row(crew, "jack").locator("input[type=checkbox]").bounding_box()
    assert box is not None and box["height"] >= 48
    _row(crew, "jack").get_by_label("jack's PIN").fill(PINS["jack"])
    _row(crew, "dana").get_by_label("dana's PIN").fill(PINS["dana"])
    page.get_by_label("Visitor's name").first.fill("Sam Reed")
    page.get_by_label("Company").first.fill("Acme Prop Rentals")
    page.get_by_role("button", name="Add a visitor").click()
    page.get_by_label("Visitor's name").last.fill("Lee Chan")
    page.get_by_role("button", name="Record the meeting").click()
    flash = crew.recorded()
    assert "3 of 6 attendees confirmed; 2 visitors present" in flash
    event = _last_event(site, crew.slug)
    assert event["type"] == "SafetyMeetingHeld"
    assert event["setups"] == ["12A", "12B", "14"]
    confirmed = {a["person"]: a["confirmed"] for a in event["attendees"]}
    assert confirmed == {
        "maria": True,
        "jack": True,
        "dana": True,
        "ruth": False,
        "paul": False,
        "ken": False,
    }
    assert event["visitors"] == [
        {"name": "Sam Reed", "company": "Acme Prop Rentals"},
        {"name": "Lee Chan"},
    ]
    assert "Sam Reed (Acme Prop Rentals)" in page.locator("#held-h + ul").inner_text()


@ON_THE_TABLET
def test_a_registered_person_off_the_call_sheet_is_picked_and_confirms_with_their_pin(
    crew: Crew, site: Site
) -> None:
    """Someone registered but not on today's call sheet is one tap away; typing their PIN
    ticks them, and they are recorded as confirming."""
    page = crew.page
    _sheet_of(crew, site, "maria", "dana")
    crew.sign_in("maria")
    page.goto(crew.ui("/meeting"))
    assert page.locator("#crew-sheet input[name=person]").evaluate_all(
        "els => els.map(e => e.value)"
    ) == ["dana"]
    page.get_by_text("Others registered on this production").click()
    jack = _row(crew, "jack")
    jack.get_by_label("jack's PIN").fill(PINS["jack"])
    assert jack.locator("input[type=checkbox]").is_checked()
    page.get_by_role("button", name="Record the meeting").click()
    crew.recorded()
    event = _last_event(site, crew.slug)
    assert {a["person"]: a["confirmed"] for a in event["attendees"]} == {
        "maria": True,
        "jack": True,
    }
    assert "visitors" not in event


@ON_THE_TABLET
def test_a_wrong_pin_keeps_the_ticks_and_visitors_but_never_a_pin(crew: Crew, site: Site) -> None:
    """Jack's PIN mistyped: nothing recorded; Back finds everyone still ticked and the three
    visitor rows filled in again, every PIN field empty."""
    page = crew.page
    crew.sign_in("maria")
    size = site.app.production(crew.slug).size
    page.goto(crew.ui("/meeting"))
    page.get_by_role("button", name="Everyone on the call sheet").click()
    _row(crew, "jack").get_by_label("jack's PIN").fill("0000")
    _row(crew, "dana").get_by_label("dana's PIN").fill(PINS["dana"])
    names = ["Sam Reed", "Lee Chan", "Ana Ruiz"]
    page.get_by_role("button", name="Add a visitor").click()
    for i, name in enumerate(names):
        page.get_by_label("Visitor's name").nth(i).fill(name)
    page.get_by_label("Company").nth(2).fill("Studio tour")
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_load_state()
    assert "Not recorded" in page.locator("h1").inner_text()
    assert site.app.production(crew.slug).size == size
    kept = "".join(page.evaluate("() => Object.values(sessionStorage)"))
    assert "Sam Reed" in kept and PINS["dana"] not in kept and "0000" not in kept
    page.go_back()
    page.wait_for_load_state()
    assert page.locator(".kept-note").count() == 1
    ticked = page.locator("#crew-sheet input[name=attended]:checked").count()
    assert ticked == 5
    assert (
        page.get_by_role("button", name="Everyone on the call sheet").get_attribute("aria-pressed")
        == "true"
    )
    visitors = page.get_by_label("Visitor's name")
    assert [visitors.nth(i).input_value() for i in range(visitors.count())] == names
    assert page.get_by_label("Company").nth(2).input_value() == "Studio tour"
    pins = page.locator("input[name=pin]").evaluate_all("els => els.map(e => e.value)")
    assert pins and not any(pins)


@ON_THE_TABLET
def test_a_visitor_company_without_a_name_is_refused_before_anything_is_recorded(
    crew: Crew, site: Site
) -> None:
    """A company typed with no name: the page says whose name is missing; nothing recorded."""
    page = crew.page
    crew.sign_in("maria")
    size = site.app.production(crew.slug).size
    page.goto(crew.ui("/meeting"))
    page.get_by_label("Company").first.fill("Acme Prop Rentals")
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_load_state()
    assert (
        "type the name of the visitor from Acme Prop Rentals" in page.locator("main").inner_text()
    )
    assert site.app.production(crew.slug).size == size


_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_meeting_page_fits_with_big_targets_and_no_axe_violation(
    crew: Crew, site: Site
) -> None:
    """With the people off the call sheet unfolded and a visitor row added: no sideways
    scroll, every target at least 44 px, axe-core clean (the crawl sees it folded)."""
    page = crew.page
    _sheet_of(crew, site, "maria", "dana", "ken")
    crew.sign_in("maria")
    page.goto(crew.ui("/meeting"))
    page.get_by_role("button", name="Add a visitor").click()
    page.get_by_role("button", name="Everyone on the call sheet").click()
    page.get_by_text("Others registered on this production").click()
    assert page.locator(".crew-more .crew-row").count() == 3  # jack, ruth, paul
    # A name is read across its row, never squeezed beside the PIN field on a phone.
    widths = page.locator(".crew-row .tick").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert min(widths) >= 250, widths
    assert page.evaluate(_OVERFLOW) <= 0
    assert page.evaluate(SMALL_TARGETS, 44) == []
    assert violations(page) == []
    crew.shot("meeting")
