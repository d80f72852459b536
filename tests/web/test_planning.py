"""Receiving weapons and lots, verifying dummies, planning a setup and the meeting sign-in."""

from __future__ import annotations

import pytest

from .conftest import Crew
from .seed import PINS

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_receiving_a_weapon_and_a_lot_then_verifying_dummies_round_by_round(crew: Crew) -> None:
    """The lot's counts show how many dummies are verified; a lot with no origin is refused."""
    page = crew.page
    crew.sign_in("maria")
    page.get_by_role("link", name="Receive", exact=True).click()
    for label, value in {
        "Weapon id (on its label)": "colt-3",
        "Serial number": "SA-20211",
        "Make": "Colt",
        "Model": "Single Action Army",
        "Caliber": ".45 Colt",
        "Action (what performers train for)": "revolver",
    }.items():
        page.locator("form[action$='/receive/weapon']").get_by_label(label, exact=True).fill(value)
    page.locator("#w-storage").fill("safe")
    crew.submit("Receive weapon")
    assert "received colt-3" in crew.recorded()
    assert "UNKNOWN" in page.locator(".weapon-head .state").inner_text()

    page.get_by_role("link", name="Receive", exact=True).click()
    lot = page.locator("form[action$='/receive/lot']")
    lot.get_by_label("Lot id (on its label)").fill("dum-45b")
    lot.get_by_label("Caliber").fill(".45 Colt")
    lot.get_by_label("Count").fill("12")
    lot.get_by_label("Supplier").fill("Prop Ammo Co.")
    lot.get_by_label("Documented origin (invoice, certificate)").fill("certificate D-2300")
    lot.get_by_label("Locked storage").fill("safe")
    crew.submit("Receive lot")
    assert "received lot dum-45b: 12 dummy rounds" in crew.recorded()

    page.get_by_label("Rounds verified inert").last.fill("12")
    page.get_by_label("Method").last.select_option("side_hole")
    page.get_by_role("button", name="Record verified dummies").last.click()
    assert "verified 12 dummies of dum-45b" in crew.recorded()
    assert "12 of 12" in page.locator("#lot-dum-45b").inner_text()
    crew.shot("receive")

    # Loose rounds of unknown origin are never received into a lot that may be loaded.
    lot = page.locator("form[action$='/receive/lot']")
    lot.get_by_label("Lot id (on its label)").fill("loose-1")
    lot.get_by_label("Caliber").fill(".45 Colt")
    lot.get_by_label("Count").fill("3")
    lot.get_by_label("Supplier").fill("found in a drawer")
    lot.get_by_label("Documented origin (invoice, certificate)").evaluate("e => e.required = false")
    lot.get_by_label("Locked storage").fill("safe")
    crew.submit("Receive lot")
    assert "AMMO-SOURCE" in page.locator(".stop-panel .rule-id").all_inner_texts()


@ON_THE_TABLET
def test_planning_a_setup_and_signing_everyone_in_at_the_safety_meeting(crew: Crew) -> None:
    """Each attendee types their own PIN on the tablet; the setup shows who confirmed."""
    page = crew.page
    crew.sign_in("dana")
    page.get_by_role("link", name="Setups & meeting").click()
    page.get_by_label("Setup id").fill("15")
    page.get_by_label("Scene", exact=True).fill("15")
    page.get_by_label("Rehearsal or take").select_option("take")
    page.get_by_label("Direction of fire").fill("toward the barn wall, away from everyone")
    page.get_by_label("Weapon 1").select_option("colt-1")
    page.locator("#w0-performer").fill("jack")
    page.locator("#w0-load").select_option("dummies")
    page.locator("#w0-lot").select_option("dum-45")
    page.locator("#w0-rounds").fill("6")
    page.get_by_label("Who 1").fill("camera A")
    page.locator("#n0-m").fill("9.5m")
    crew.submit("Plan setup")
    assert "planned setup 15 (take): colt-1 with dummies for jack" in crew.recorded()
    assert "camera A 31.2 ft (9.5 m)" in page.locator("#setup-15").inner_text()

    meeting = page.locator("form[action$='/meetings']")
    for box in meeting.locator("input[name=setups]").all():
        if box.get_attribute("value") != "15":
            box.uncheck()
    for person in ("maria", "jack"):
        # The PIN fields: the form also offers each person's tick for confirming on a phone.
        meeting.locator(".attendees").get_by_label(f"{person} (", exact=False).fill(PINS[person])
    crew.shot("meeting")
    crew.submit("Record the meeting")
    assert "held a safety meeting for 15: 3 of 3 attendees confirmed" in crew.recorded()
    confirmed = page.locator("#setup-15").inner_text().split("confirmed by ")[1]
    assert sorted(confirmed.strip().split(", ")) == ["dana", "jack", "maria"]
