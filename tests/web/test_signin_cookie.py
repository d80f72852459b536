"""The sign-in's person picker is shown only on a device the server itself remembered.

The recent-people cookie is signed by the server (a secret derived from the production's
private key): a cookie it wrote brings back the picker; one written by hand, changed, or
taken from another production shows only the id field, as on a stranger's device.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from .conftest import Crew, Site
from .seed import PINS

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])
RECENT = "showclear_recent"


def _recent_cookie(crew: Crew) -> dict[str, Any]:
    found = [c for c in crew.page.context.cookies() if c["name"] == RECENT]
    assert len(found) == 1, found
    return dict(found[0])


def _login_page_with(browser: Any, crew: Crew, slug: str, value: str) -> Any:
    """A fresh device holding only ``value`` as its recent-people cookie for ``slug``."""
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": RECENT,
                "value": value,
                "domain": "127.0.0.1",
                "path": f"/productions/{slug}",
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{crew.base}/productions/{slug}/ui/login")
    return page


def _shows_picker(page: Any) -> bool:
    roster = page.locator("datalist#people-list").count() > 0
    recent = page.locator(".person-pick").count() > 0
    assert roster == recent, (roster, recent)  # both come from the same signed cookie
    return roster


@ON_THE_TABLET
def test_a_device_someone_signed_in_on_gets_the_picker_from_the_signed_cookie(
    crew: Crew, browser: Any
) -> None:
    """After Maria signs in, the login page offers her as a button and everyone by name; the
    cookie is signed, and the same value on another device brings the same picker."""
    crew.sign_in("maria")
    crew.page.click("text=Switch person")
    crew.page.wait_for_url(re.compile(r"/ui/login"))
    assert crew.page.locator(".person-pick").all_inner_texts() == ["Maria Reyes · maria (armorer)"]
    assert _shows_picker(crew.page)
    value = _recent_cookie(crew)["value"]
    payload, dot, mac = value.partition(".")
    assert dot and len(mac) == 43  # base64url of an HMAC-SHA256
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == ["maria"]
    copied = _login_page_with(browser, crew, crew.slug, value)
    try:
        assert _shows_picker(copied)
    finally:
        copied.context.close()


@ON_THE_TABLET
def test_a_forged_changed_or_foreign_recent_cookie_shows_no_picker(
    crew: Crew, site: Site, browser: Any
) -> None:
    """An unsigned list (the old cookie), a signed one whose list was changed, a made-up
    signature, and a cookie another production signed: each shows only the id field."""
    crew.sign_in("maria")
    value = _recent_cookie(crew)["value"]
    payload, _, mac = value.partition(".")
    jack = base64.urlsafe_b64encode(json.dumps(["jack"]).encode()).rstrip(b"=").decode()
    other = site.production()
    page = crew.page
    page.goto(f"{crew.base}/productions/{other}/ui/login")
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    foreign = next(
        c["value"]
        for c in page.context.cookies()
        if c["name"] == RECENT and c["path"] == f"/productions/{other}"
    )
    assert foreign != value
    forged = {
        "unsigned": '["maria"]',
        "unsigned, quoted": "%5B%22maria%22%5D",
        "list changed": f"{jack}.{mac}",
        "signature made up": f"{payload}.{'A' * 43}",
        "no signature": f"{payload}.",
        "signed for another production": foreign,
    }
    for why, cookie in forged.items():
        device = _login_page_with(browser, crew, crew.slug, cookie)
        try:
            assert device.locator("#person").is_visible(), why
            assert not _shows_picker(device), why
            assert "Maria Reyes" not in device.content(), why
        finally:
            device.context.close()
    genuine = _login_page_with(browser, crew, crew.slug, value)
    try:
        assert _shows_picker(genuine)
    finally:
        genuine.context.close()
