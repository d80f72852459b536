"""Confirm on your own phone, in the web UI (ID-OWN, issue 13 item 2), in a real Chromium.

Maria, signed in on the tablet, chooses "Confirm on their own phone" on the handover
page: her passkey (the tablet's virtual authenticator) signs the proposal, and the
tablet shows a QR code of the confirmation page. Jack's phone (a second browser
context with its own authenticator, not signed in) opens that address, sees the weapon,
each chamber, the giver, the receiver and the time, and confirms with his passkey; the
tablet, polling, shows the handover recorded. The ledger verifies both signatures.
"""

from __future__ import annotations

import re
from typing import Any

from showclear.demo import western_day
from showclear.service import TRUSTED

from .axe import violations
from .conftest import AXE, PINS, Site
from .test_passkeys import Phone, _ready_for_handover, chromium, two_devices  # noqa: F401  (a fixture)


def test_a_handover_confirmed_on_the_receivers_own_phone(site: Site, chromium: Any) -> None:  # noqa: F811
    slug = site.production()
    _ready_for_handover(site, slug)
    tablet, phone, origin, _ = two_devices(
        site, chromium, slug, {"maria": "ruth"}, {"jack": "maria"}
    )

    page = tablet.page
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    page.goto(f"{origin}{tablet.base}/ui/weapons/replica-1/hand-over")
    page.locator("#receiver-choice .opt", has_text="jack").first.click()
    size = site.app.production(slug).size
    page.get_by_role("button", name="Confirm on their own phone").click()
    page.wait_for_url(re.compile(r"/ui/confirm/[0-9a-f]{16}/wait$"))
    assert page.locator(".qr-code svg").count() == 1
    address = page.locator("[data-confirm-url]").get_attribute("data-confirm-url")
    assert address is not None and address.startswith(origin) and "/ui/confirm/" in address
    assert "jack" in page.locator("#phone-wait").inner_text()
    assert site.app.production(slug).size == size  # nothing recorded until Jack confirms

    # Jack's phone: what he confirms, in words, then his passkey.
    mobile = phone.page
    mobile.set_viewport_size({"width": 390, "height": 844})
    mobile.goto(address)
    main = mobile.locator("main").inner_text()
    assert "replica-1" in main and "maria" in main and "jack" in main, main
    chambers = mobile.locator("ol.chambers li")
    row = next(w for w in site.app.board(slug).weapons if w.weapon == "replica-1")
    assert chambers.count() == len(row.chambers) > 0
    button = mobile.get_by_role("button", name="Confirm with my passkey")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 48
    if AXE.exists():
        found = [v["id"] for v in violations(mobile)]  # through DevTools: the page's CSP
        assert found == [], found
    button.click()
    mobile.locator("h1", has_text="Recorded").wait_for()

    # The tablet noticed, and shows the usual flash.
    page.wait_for_url(re.compile(r"/ui/weapons/replica-1$"))
    flash = page.locator(".flash").inner_text()
    assert "jack" in flash, flash

    _, rows = site.app.entries(slug, size, 50)
    handed = [e for e in (row.event() for row in rows) if e["type"] == "WeaponHandedOver"]
    assert len(handed) == 1 and handed[0]["receiver"] == "jack"
    assert handed[0]["assurance"] == {"jack": "passkey", "maria": "passkey"}
    report = site.app.verify(slug)
    assert report.ok, report.problem
    assert "2 passkey signatures verified" in report.notes
    for device in (tablet, phone):
        device.context.close()


def _choose(page: Any, legend: str, option: str) -> None:
    group = page.locator(
        "fieldset[data-choice]",
        has=page.locator("legend", has_text=re.compile(f"^{re.escape(legend)}$")),
    ).first
    group.locator(".opt", has_text=option).first.click()


def _taken_out(site: Site, slug: str) -> None:
    """Maria takes the replica out for 12A, as the demo day does; nobody has inspected it."""
    steps = western_day(site.app.clock.now().date()).steps
    meeting = next(i for i, s in enumerate(steps) if s.event["type"] == "SafetyMeetingHeld")
    for step in steps[: meeting + 2]:
        event = {key: value for key, value in step.event.items() if key != "at"}
        if event["type"] == "WeaponTakenOut":
            outcome = site.app.submit(slug, event, TRUSTED)
            assert not outcome.refused, (event["type"], outcome.rule_ids)
            return
    raise AssertionError("the demo day takes no weapon out after its meeting")


def test_a_show_clear_confirmed_on_the_performers_own_phone(site: Site, chromium: Any) -> None:  # noqa: F811
    slug = site.production()
    _taken_out(site, slug)
    tablet, phone, origin, _ = two_devices(
        site, chromium, slug, {"maria": "ruth"}, {"jack": "maria"}
    )

    page = tablet.page
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    row = next(w for w in site.app.board(slug).weapons if w.weapon == "replica-1")
    page.goto(f"{origin}{tablet.base}/ui/weapons/replica-1/inspect")
    for n in range(1, len(row.chambers) + 1):
        _choose(page, f"Chamber {n}", "Empty")
    _choose(page, "Barrel checked", "Clear")
    _choose(page, "Shown to", "jack")
    size = site.app.production(slug).size
    page.get_by_role("button", name="Confirm on their own phone").click()
    page.wait_for_url(re.compile(r"/ui/confirm/[0-9a-f]{16}/wait$"))
    assert page.locator(".qr-code svg").count() == 1
    address = page.locator("[data-confirm-url]").get_attribute("data-confirm-url")
    assert address is not None and "/ui/confirm/" in address
    assert "jack" in page.locator("#phone-wait").inner_text()
    assert site.app.production(slug).size == size

    mobile = phone.page
    mobile.set_viewport_size({"width": 390, "height": 844})
    mobile.goto(address)
    assert "Confirm the show-clear" in mobile.locator("h1").inner_text()
    main = mobile.locator("main").inner_text()
    assert "replica-1" in main and "maria" in main and "jack" in main, main
    assert mobile.locator("ol.chambers li").count() == len(row.chambers)
    if AXE.exists():
        found = [v["id"] for v in violations(mobile)]  # through DevTools: the page's CSP
        assert found == [], found
    mobile.get_by_role("button", name="Confirm with my passkey").click()
    mobile.locator("h1", has_text="Recorded").wait_for()

    # The tablet goes on to the handover, as after a show-clear confirmed by PIN.
    page.wait_for_url(re.compile(r"/ui/weapons/replica-1/hand-over$"))
    assert "jack" in page.locator(".flash").inner_text()

    _, rows = site.app.entries(slug, size, 50)
    shown = [e for e in (row.event() for row in rows) if e["type"] == "ShowClearInspected"]
    assert len(shown) == 1 and shown[0]["performer"] == "jack"
    assert shown[0]["assurance"] == {"jack": "passkey", "maria": "passkey"}
    report = site.app.verify(slug)
    assert report.ok, report.problem
    for device in (tablet, phone):
        device.context.close()


def test_a_meeting_signed_in_by_each_attendee_on_their_own_phone(site: Site, chromium: Any) -> None:  # noqa: F811
    slug = site.production()
    token = {
        person: site.app.create_token(slug, person, PINS[person], label="web", ttl=None).secret
        for person in ("maria", "jack", "ruth")
    }
    origin = "http://localhost:" + site.url.rsplit(":", 1)[1]
    tablet = Phone(chromium, origin, slug)
    phones = {p: Phone(chromium, origin, slug) for p in ("jack", "ruth")}
    tablet.call("enrol", token["maria"], "ruth", PINS["ruth"])
    for person, phone in phones.items():
        phone.call("enrol", token[person], "maria", PINS["maria"])
        phone.context.clear_cookies()

    page = tablet.page
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    page.goto(f"{origin}{tablet.base}/ui/setups")
    for person in phones:
        page.locator(f"input[name=on_phone][value='{person}']").check()
    size = site.app.production(slug).size
    page.get_by_role("button", name="Confirm on their own phones").click()
    page.wait_for_url(re.compile(r"/ui/confirm/[0-9a-f]{16}/wait$"))
    address = page.locator("[data-confirm-url]").get_attribute("data-confirm-url")
    assert address is not None
    assert site.app.production(slug).size == size

    for person, phone in phones.items():
        phone.page.goto(address)
        assert "safety meeting" in phone.page.locator("h1").inner_text()
        assert person in phone.page.locator("main").inner_text()
        phone.page.get_by_role(
            "button",
            name=re.compile(f"Confirm with my passkey.*{person}|^Confirm with my passkey$"),
        ).click()
        phone.page.wait_for_load_state()
    phones["ruth"].page.locator("h1", has_text="Recorded").wait_for()
    page.wait_for_url(re.compile(r"/ui/setups$"))

    _, rows = site.app.entries(slug, size, 50)
    held = [e for e in (row.event() for row in rows) if e["type"] == "SafetyMeetingHeld"]
    assert len(held) == 1
    assert {a["person"] for a in held[0]["attendees"] if a["confirmed"]} == {
        "maria",
        "jack",
        "ruth",
    }
    assert held[0]["assurance"] == {"jack": "passkey", "maria": "passkey", "ruth": "passkey"}
    report = site.app.verify(slug)
    assert report.ok, report.problem
    for device in (tablet, *phones.values()):
        device.context.close()
