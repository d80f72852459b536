"""The handler's setup sign-off given on the handler's own phone (PLAN-POINTING, ID-OWN).

Dana (first AD) plans on the tablet a take with a dummy-loaded revolver pointed toward a
shielded stunt double, names Maria (armorer) as the handler who signs it off, and
chooses "Handler signs off on their own phone": Dana's passkey (the tablet's virtual
authenticator) signs the plan, and the tablet shows a QR code. Maria's phone (a second
browser context with its own authenticator, not signed in) opens that address, sees
the whole setup (scene, weapons, lot, rounds, distances, who is in the line of fire and
shielded) and signs it off with her passkey; the tablet, polling, shows the setup
planned. The entry holds both signatures, says both parts were proven by passkey, and
``showclear verify`` checks them offline. The PIN on the tablet stays the fallback,
recorded as a PIN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .axe import violations
from .conftest import PINS, Site
from .test_passkeys import Phone, chromium, two_devices  # noqa: F401  (a fixture)

if TYPE_CHECKING:
    from tests.conftest import CliRun

PHONE = {"width": 390, "height": 844}


def _fill_plan(page: Any, setup: str) -> None:
    """The setup form: colt-1 with dummies for Jack, pointed toward a shielded stunt double."""
    page.get_by_label("Setup id").fill(setup)
    page.get_by_label("Scene", exact=True).fill("16")
    page.get_by_label("Rehearsal or take").select_option("take")
    page.get_by_label("Direction of fire").fill("toward the stunt double behind glass")
    page.get_by_label("Weapon 1").select_option("colt-1")
    page.locator("#w0-performer").fill("jack")
    page.locator("#w0-load").select_option("dummies")
    page.locator("#w0-lot").select_option("dum-45")
    page.locator("#w0-rounds").fill("6")
    page.get_by_label("Who 1").fill("stunt double")
    page.locator("#n0-m").fill("4m")
    page.locator("input[name=n_line][value='0']").check()
    page.locator("input[name=n_shielded][value='0']").check()
    page.locator("input[name=n_eye][value='0']").check()
    page.get_by_label("Handler's sign-off (if pointed toward a person)").fill("maria")


def _planned(site: Site, slug: str, since: int, setup: str) -> dict[str, Any]:
    _, rows = site.app.entries(slug, since, 50)
    found = [e for e in (row.event() for row in rows) if e.get("setup") == setup]
    assert len(found) == 1, found
    return found[0]


def test_the_handler_signs_the_setup_off_on_their_own_phone(
    site: Site,
    chromium: Any,  # noqa: F811
    showclear: Callable[..., CliRun],
) -> None:
    slug = site.production()
    # The phone's page needs no sign-in: the passkey is the proof.
    tablet, phone, origin, _ = two_devices(
        site, chromium, slug, {"dana": "maria"}, {"maria": "ruth"}
    )

    page = tablet.page
    page.fill("#person", "dana")
    page.fill("#pin", PINS["dana"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    page.goto(f"{origin}{tablet.base}/ui/setups")
    _fill_plan(page, "16")
    size = site.app.production(slug).size
    page.get_by_role("button", name="Handler signs off on their own phone").click()
    page.wait_for_url(re.compile(r"/ui/confirm/[0-9a-f]{16}/wait$"))
    assert page.locator(".qr-code svg").count() == 1
    address = page.locator("[data-confirm-url]").get_attribute("data-confirm-url")
    assert address is not None and address.startswith(origin) and "/ui/confirm/" in address
    assert "maria" in page.locator("#phone-wait").inner_text()
    assert site.app.production(slug).size == size  # nothing recorded until Maria signs off

    # Maria's phone: the whole setup, in words, then her passkey.
    mobile = phone.page
    mobile.set_viewport_size(PHONE)
    mobile.goto(address)
    assert mobile.locator("h1").inner_text() == "Sign off setup 16"
    main = " ".join(mobile.locator("main").inner_text().split())
    for fact in (
        "Scene 16, a take",
        "Planned by dana",
        "Signed off by maria, as the weapons handler",
        "toward the stunt double behind glass",
        "colt-1",
        "for jack: dummies from dum-45 (dummy), 6 rounds",
        "stunt double: 13.1 ft (4 m) from the line of fire; in the line of fire; shielded; "
        "eye protection: yes; hearing protection: no",
        "Pointed toward stunt double: PLAN-POINTING",
    ):
        assert fact in main, (fact, main)
    button = mobile.get_by_role("button", name="Sign off with my passkey")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    assert violations(mobile) == []
    button.click()
    mobile.locator("h1", has_text="Recorded").wait_for()

    # The tablet noticed, and shows the setup planned.
    page.wait_for_url(re.compile(r"/ui/setups$"))
    assert "planned setup 16" in page.locator(".flash").inner_text()
    assert "stunt double" in page.locator("#setup-16").inner_text()

    planned = _planned(site, slug, size, "16")
    assert planned["type"] == "SetupPlanned"
    assert (planned["handler_signoff"], planned["handler_signoff_confirmed"]) == ("maria", True)
    assert planned["assurance"] == {"dana": "passkey", "maria": "passkey"}
    assert set(planned["signatures"]) == {"dana", "maria"}
    credential = phone.credentials()[0]["credentialId"]
    assert planned["signatures"]["maria"]["credential"] == credential.rstrip("=").replace(
        "+", "-"
    ).replace("/", "_")
    report = site.app.verify(slug)
    assert report.ok, report.problem
    assert "2 passkey signatures verified" in report.notes
    checked = showclear("--db", site.app.store.url, "--production", slug, "verify")
    assert checked.code == 0, checked.err
    for device in (tablet, phone):
        device.context.close()


def test_the_pin_on_the_tablet_stays_the_fallback_recorded_as_a_pin(
    site: Site,
    chromium: Any,  # noqa: F811
) -> None:
    slug = site.production()
    origin = "http://localhost:" + site.url.rsplit(":", 1)[1]
    tablet = Phone(chromium, origin, slug)
    page = tablet.page
    page.fill("#person", "dana")
    page.fill("#pin", PINS["dana"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    page.goto(f"{origin}{tablet.base}/ui/setups")
    _fill_plan(page, "17")
    page.get_by_label("Handler's PIN").fill(PINS["maria"])
    size = site.app.production(slug).size
    page.get_by_role("button", name="Plan setup").click()
    page.locator(".flash").wait_for()
    planned = _planned(site, slug, size, "17")
    assert planned["handler_signoff_confirmed"] is True
    assert planned["assurance"] == {"dana": "session", "maria": "pin"}
    assert "signatures" not in planned
    tablet.context.close()


def test_the_phone_route_needs_a_handler_other_than_the_planner(
    site: Site,
    chromium: Any,  # noqa: F811
) -> None:
    """No handler named, or the planner naming themselves: the tablet says what to do."""
    slug = site.production()
    origin = "http://localhost:" + site.url.rsplit(":", 1)[1]
    tablet = Phone(chromium, origin, slug)
    page = tablet.page
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    page.goto(f"{origin}{tablet.base}/ui/setups")
    _fill_plan(page, "18")
    size = site.app.production(slug).size
    page.get_by_role("button", name="Handler signs off on their own phone").click()
    problem = page.locator("#signoff-phone-error")
    problem.wait_for()
    assert "you are maria, the handler" in problem.inner_text()
    page.get_by_label("Handler's sign-off (if pointed toward a person)").fill("")
    page.get_by_role("button", name="Handler signs off on their own phone").click()
    page.get_by_text("name the handler who signs the setup off").wait_for()
    assert site.app.production(slug).size == size
    tablet.context.close()
