"""A typo on a form is an input error with suggestions, not a refusal, and the form is kept."""

from __future__ import annotations

import pytest

from .conftest import Crew, Site


@pytest.mark.parametrize("viewport", ["tablet"])
def test_a_performer_mistyped_on_the_setup_form_is_named_with_a_suggestion_and_kept(
    crew: Crew, site: Site
) -> None:
    """Performer "jak": the page says there is no person 'jak', did you mean jack; nothing is
    recorded, and Back finds the form as it was typed."""
    page = crew.page
    crew.sign_in("dana")
    before = site.app.entries(crew.slug, 0, 1)[0]
    page.goto(crew.ui("/setups"))
    page.get_by_label("Setup id").fill("17")
    page.get_by_label("Scene", exact=True).fill("17")
    page.get_by_label("Rehearsal or take").select_option("rehearsal")
    page.get_by_label("Direction of fire").fill("toward the empty street")
    page.get_by_label("Weapon 1").select_option("colt-1")
    page.locator("#w0-performer").fill("jak")
    page.locator("#w0-load").select_option("empty")
    crew.submit("Plan setup")
    assert page.locator("h1").inner_text().endswith("Not recorded: unknown name")
    detail = page.locator(".problem .detail").inner_text()
    assert "There is no person 'jak' in this production: did you mean jack" in detail
    assert not page.locator(".stop-panel").count()
    assert site.app.entries(crew.slug, 0, 1)[0] == before
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#w0-performer").input_value() == "jak"
    assert page.get_by_label("Setup id").input_value() == "17"
    assert page.locator(".kept-note").is_visible()
