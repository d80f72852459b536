"""Every page a signed-in handler can reach, at a tablet's 1024x768 and a phone's 390x844:
no horizontal overflow, every target at least 44 px, axe-core clean, and a screenshot.

The pages are found by following the links from the board (as the handler would tap them),
with a weapon in each state on the board first: one HOT, one with a performer, one in the
safe. Screenshots go to ``artifacts/screenshots/`` (gitignored; CI keeps them as artifacts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest

from showclear.service import TRUSTED

from .axe import SMALL_TARGETS, violations
from .conftest import ROOT, Site
from .seed import PINS

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SIZES = {"tablet-1024": (1024, 768), "phone-390": (390, 844)}
#: Pages alike but for a number (ledger entries, the ledger's pages): two of each are enough.
_ALIKE = re.compile(r"\d+")
_MAX_PAGES = 70

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter(el => el.getBoundingClientRect().right > width + 1
                  && getComputedStyle(el).visibility !== "hidden"
                  && !el.closest(".skip, .visually-hidden"))
    .slice(0, 3).map(el => el.outerHTML.slice(0, 80));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _weapons_in_every_state(site: Site, slug: str) -> None:
    """colt-2 loaded with a blank (HOT), replica-1 with jack, colt-1 with maria (COLD)."""
    empty = ["empty"] * 6

    def submit(**event: Any) -> None:
        outcome = site.app.submit(slug, event, TRUSTED)
        assert not outcome.refused, (event["type"], outcome.rule_ids)

    submit(type="WeaponTakenOut", actor="maria", weapon="replica-1", setup="12A")
    submit(
        type="ShowClearInspected",
        actor="maria",
        weapon="replica-1",
        chambers=empty,
        barrel_clear=True,
        performer="jack",
        performer_confirmed=True,
    )
    submit(
        type="WeaponHandedOver",
        actor="maria",
        weapon="replica-1",
        receiver="jack",
        giver="maria",
        receiver_confirmed=True,
    )
    for weapon, setup in (("colt-1", "12B"), ("colt-2", "14")):
        submit(type="WeaponTakenOut", actor="maria", weapon=weapon, setup=setup)
        submit(
            type="ShowClearInspected",
            actor="maria",
            weapon=weapon,
            chambers=empty,
            barrel_clear=True,
            performer=None,
            performer_confirmed=False,
        )
    submit(type="RoundsLoaded", actor="maria", weapon="colt-2", lot="blk-45", chambers=[1])


@pytest.fixture(scope="module")
def handler_pages(site: Site) -> str:
    """The UI prefix of a production with weapons in every state."""
    slug = site.production()
    _weapons_in_every_state(site, slug)
    return f"/productions/{slug}/ui"


def _crawl(page: Any, base: str, prefix: str) -> Iterator[str]:
    """Each page under ``prefix`` reachable by links from the board, once."""
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    queue = [f"{prefix}/"]
    while queue and len(seen) < _MAX_PAGES:
        path = queue.pop(0)
        kind = _ALIKE.sub("N", path.removeprefix(prefix)) if "/ledger" in path else path
        if path in seen or kinds.get(kind, 0) >= 2:
            continue
        seen.add(path)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = page.goto(base + path)
        assert response is not None and response.status < 500, (path, response and response.status)
        yield path
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link = urlparse(urldefrag(href)[0])
            if link.netloc == urlparse(base).netloc and link.path.startswith(prefix):
                target = link.path + (f"?{link.query}" if link.query else "")
                if target not in seen and not target.endswith((".pdf", ".zip", ".csv")):
                    queue.append(target)


def _name(path: str, prefix: str) -> str:
    rest = path.removeprefix(prefix).strip("/") or "board"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", rest)


def _fits(page: Any, name: str, screenshot: Path, problems: dict[str, Any]) -> None:
    """Keep a screenshot of the page; note any sideways scroll, target under 44 px or axe
    violation in ``problems`` under ``name``."""
    page.screenshot(path=str(screenshot), full_page=True)
    fit = page.evaluate(_OVERFLOW)
    if fit["scroll"] > fit["width"]:
        problems[f"{name} overflows"] = fit
    small = page.evaluate(SMALL_TARGETS, 44)
    if small:
        problems[f"{name} small targets"] = small[:4]
    found = violations(page)
    if found:
        problems[f"{name} axe"] = found


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_fits_the_screen_with_big_targets_and_no_axe_violation(
    site: Site, browser: Any, handler_pages: str, size: str
) -> None:
    """At each size, each page: no sideways scroll, targets >= 44 px, axe clean, a screenshot."""
    prefix = handler_pages
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, Any] = {}
    visited = []

    def check(path: str) -> None:
        visited.append(path)
        _fits(page, path, SCREENSHOTS / f"{size}-{_name(path, prefix)}.png", problems)

    page.goto(f"{site.url}{prefix}/login")
    check(f"{prefix}/login")
    page.fill("#person", "maria")
    page.fill("#pin", PINS["maria"])
    page.click("form#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/$"))
    try:
        for path in _crawl(page, site.url, prefix):
            check(path)
    finally:
        context.close()
    assert len(visited) > 15, visited
    assert any("/weapons/colt-2" in p for p in visited) and any("/setups" in p for p in visited)
    assert {f"{prefix}/day", f"{prefix}/meeting", f"{prefix}/settings"} <= set(visited), visited
    (SCREENSHOTS / f"{size}-problems.json").write_text(json.dumps(problems, indent=1))
    (SCREENSHOTS / f"{size}-pages.txt").write_text("\n".join(visited))
    assert not problems, json.dumps(problems, indent=1)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_studio_view_fits_the_screen_with_big_targets_and_no_axe_violation(
    site: Site, browser: Any, size: str
) -> None:
    """The studio view and its sign-in, a production in cease-fire with a weapon out on it,
    pass the checks every production page passes (docs/studio.md)."""
    from showclear.service.studio import add_account

    slug = site.production()
    token = add_account(site.app, f"safety-{size}").token
    for event in (
        {"type": "StudioAccessGranted", "account": f"safety-{size}", "role": "safety-office"},
        {"type": "WeaponTakenOut", "weapon": "colt-1", "setup": "12B"},
        {"type": "IncidentReported", "kind": "misfire", "description": "colt-1 misfired"},
    ):
        actor = {"StudioAccessGranted": "paul", "IncidentReported": "ruth"}.get(event["type"])
        outcome = site.app.submit(slug, {**event, "actor": actor or "maria"}, TRUSTED)
        assert not outcome.refused, outcome.rule_ids
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, Any] = {}
    try:
        page.goto(f"{site.url}/studio")
        page.wait_for_url(re.compile(r"/studio/signin$"))
        for step in ("signin", "view"):
            if step == "view":
                page.fill("#token", token)
                page.click("form#studio-signin button[type=submit]")
                page.wait_for_url(re.compile(r"/studio$"))
                assert page.locator(".studio-row.rank-1").count() == 1
            _fits(page, step, SCREENSHOTS / f"{size}-studio-{step}.png", problems)
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1)
