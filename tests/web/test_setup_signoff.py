"""The handler's sign-off of a setup pointed toward a person, given by the handler (ID-OWN).

Dana (first AD) plans a setup on the tablet with a dummy-loaded revolver pointed toward a
shielded stunt performer; the sign-off names Maria, the armorer. Typed by Dana alone it is
refused (PLAN-POINTING: a sign-off naming another person counts only when that person
gives it). Maria types her own PIN into the handler's PIN field, and the plan is
recorded with her sign-off confirmed.
"""

from __future__ import annotations

import pytest

from .conftest import Crew
from .seed import PINS


@pytest.mark.parametrize("viewport", ["tablet"])
def test_the_handlers_sign_off_is_confirmed_with_the_handlers_own_pin(crew: Crew) -> None:
    page = crew.page
    crew.sign_in("dana")
    page.get_by_role("link", name="Setups & meeting").click()

    def plan(pin: str) -> None:
        page.get_by_label("Setup id").fill("16")
        page.get_by_label("Scene", exact=True).fill("16")
        page.get_by_label("Rehearsal or take").select_option("take")
        page.get_by_label("Direction of fire").fill("toward the stunt performer behind glass")
        page.get_by_label("Weapon 1").select_option("colt-1")
        page.locator("#w0-performer").fill("jack")
        page.locator("#w0-load").select_option("dummies")
        page.locator("#w0-lot").select_option("dum-45")
        page.locator("#w0-rounds").fill("6")
        page.get_by_label("Who 1").fill("stunt double")
        page.locator("#n0-m").fill("4m")
        page.locator("input[name=n_line][value='0']").check()
        page.locator("input[name=n_shielded][value='0']").check()
        page.get_by_label("Handler's sign-off (if pointed toward a person)").fill("maria")
        page.get_by_label("Handler's PIN").fill(pin)
        crew.submit("Plan setup")

    # Dana cannot give Maria's sign-off: without Maria's PIN nothing is recorded.
    plan("")
    page.locator(".flash, .stop-panel, .problem").first.wait_for()
    assert not page.locator(".flash").count()
    # An unconfirmed sign-off counts as none: the plan is refused by PLAN-POINTING.
    assert "PLAN-POINTING" in page.locator(".stop-panel .rule-id").all_inner_texts()

    page.goto(crew.ui("/setups"))
    plan(PINS["maria"])
    assert "planned setup 16" in crew.recorded()
    assert "stunt double" in page.locator("#setup-16").inner_text()
