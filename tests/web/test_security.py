"""The pages' own guards, without a browser: where a form comes from, what a page may load,
and what an error page may say (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from tests.api.world import Server

from showclear.limits import COMMANDS_PER_MINUTE, command_rate
from showclear.service import KeyFileError
from showclear.web.routing import CONTENT_SECURITY_POLICY, page_router

from .conftest import Site
from .seed import PINS


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        yield c


def _login(slug: str) -> str:
    return f"/productions/{slug}/ui/login"


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "null"}, {}, {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["origin-null", "neither", "fetch-site-none", "cross-site"],
)
def test_a_form_that_does_not_say_it_comes_from_this_server_is_refused(
    site: Site, client: httpx.Client, headers: dict[str, str]
) -> None:
    """Origin: null, or no Origin and no Sec-Fetch-Site: 403, and no session is made."""
    slug = site.production()
    answer = client.post(
        _login(slug), data={"person": "maria", "pin": PINS["maria"]}, headers=headers
    )
    assert answer.status_code == 403
    assert "showclear did not read it" in answer.text
    assert "showclear_session" not in answer.cookies


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "{url}"}],
    ids=["same-origin", "own-origin"],
)
def test_a_form_from_this_server_is_read(
    site: Site, client: httpx.Client, headers: dict[str, str]
) -> None:
    """A browser's form from a page of this server signs in."""
    slug = site.production()
    sent = {k: v.format(url=site.url) for k, v in headers.items()}
    answer = client.post(_login(slug), data={"person": "maria", "pin": PINS["maria"]}, headers=sent)
    assert answer.status_code == 303, answer.text


def test_every_page_says_what_it_may_load_and_that_it_is_never_framed(
    site: Site, client: httpx.Client
) -> None:
    """A page, an error page and a redirect carry the CSP; the guard's headers too."""
    slug = site.production()
    for answer in (
        client.get(_login(slug)),
        client.get(f"/productions/{slug}/ui/"),
        client.get("/productions/no-such-production/ui/login"),
    ):
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


def test_an_unusable_key_is_a_clear_page_that_names_no_path(tmp_path: Path) -> None:
    """The page says what to do; the key's path stays in the server's log."""
    secret = tmp_path / "keys" / "dust-creek.key"
    pages = page_router(prefix="")

    @pages.get("/broken")
    def broken() -> None:
        raise KeyFileError(f"the private key {secret} is readable by others")

    app = FastAPI()
    app.include_router(pages)
    with Server(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        answer = c.get("/broken")
    assert answer.status_code == 503
    assert str(secret) not in answer.text and "keys" not in answer.text
    assert "signing key cannot be used" in answer.text
    assert "Nothing was recorded" in answer.text


def test_the_pages_work_in_a_browser_under_their_policy(site: Site, browser: Any) -> None:
    """Chromium enforces the CSP: signing in, the board refreshing itself and a weapon's page
    run with no script, style or frame refused, and no JavaScript error."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    slug = site.production()
    try:
        page.goto(f"{site.url}{_login(slug)}")
        page.fill("#person", "maria")
        page.fill("#pin", PINS["maria"])
        page.click("form#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/ui/$"))
        assert page.evaluate("document.scripts.length") >= 1
        page.goto(f"{site.url}/productions/{slug}/ui/weapons/colt-1")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not refused, refused


def test_a_form_past_the_command_limit_is_a_page_naming_the_limit(
    site: Site, client: httpx.Client
) -> None:
    """429, a page saying nothing was recorded and the limit; the ledger unchanged."""
    slug = site.production()
    signed_in = client.post(
        _login(slug), data={"person": "maria", "pin": PINS["maria"]}, headers={"Origin": site.url}
    )
    client.cookies.set("showclear_session", signed_in.cookies["showclear_session"])
    rate = command_rate(site.app)
    rate.per_minute = 0
    size = site.app.production(slug).size
    try:
        answer = client.post(
            f"/productions/{slug}/ui/weapons/colt-1/take-out",
            data={"setup": "12B"},
            headers={"Origin": site.url},
        )
    finally:
        rate.per_minute = COMMANDS_PER_MINUTE
    assert answer.status_code == 429
    assert "Not recorded: too many this minute" in answer.text
    assert "commands per person per minute is 0" in answer.text
    assert site.app.production(slug).size == size
