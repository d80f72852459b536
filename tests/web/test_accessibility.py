"""Every main page passes axe-core with no serious or critical violation, labels every field,
and offers touch targets of at least 48 px for gloved hands."""

from __future__ import annotations

from typing import Any

import pytest

from .axe import violations
from .conftest import AXE, Crew, need
from .seed import PINS

#: The main pages, signed in as the armorer (paths under /productions/{slug}/ui).
PAGES = [
    "/",
    "/weapons/colt-1",
    "/weapons/colt-1/inspect",
    "/weapons/colt-1/hand-over",
    "/weapons/colt-1/take-out",
    "/weapons/colt-1/load",
    "/weapons/colt-1/unload",
    "/weapons/colt-1/discharge",
    "/weapons/colt-1/barrel-check",
    "/weapons/colt-1/return",
    "/handoff",
    "/receive",
    "/setups",
    "/day",
    "/ceasefire",
    "/concerns",
    "/reviews",
    "/ledger",
    "/ledger/3",
    "/weapons/no-such-weapon",
]

_UNLABELLED = """() => Array.from(document.querySelectorAll(
    "input:not([type=hidden]), select, textarea"))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                && !el.getAttribute("aria-labelledby"))
  .map(el => el.outerHTML.slice(0, 120))"""

_SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    "button, .btn, .opt, .tick, input:not([type=hidden]):not([type=checkbox]), select"))
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.height < 48 || r.width < 48)
  .map(([el, r]) => `${el.outerHTML.slice(0, 80)} ${r.width | 0}x${r.height | 0}`)"""


def _serious(crew: Crew) -> list[dict[str, Any]]:
    found = violations(crew.page)  # through DevTools: the page's CSP allows only its scripts
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _stop_screen(crew: Crew) -> None:
    """A refusal: Dana, the first AD, tries to hand over a revolver from the safe."""
    crew.switch_to("dana")
    crew.page.goto(crew.ui("/weapons/colt-1/hand-over"))
    crew.choose("Receiver", "jack")
    crew.page.get_by_label("jack's PIN").fill(PINS["jack"])
    crew.submit("Hand over colt-1")
    assert crew.page.locator(".stop-panel").count() == 1


@pytest.mark.parametrize("viewport", ["tablet"])
def test_main_pages_have_no_serious_accessibility_violations(crew: Crew) -> None:
    """axe-core, injected into each page, finds nothing serious or critical."""
    need(AXE, "axe-core (npm install --prefix .cache/npm axe-core@4)")
    crew.page.goto(crew.ui("/login"))
    problems = {"/login": _serious(crew)}
    crew.sign_in("maria")
    for path in PAGES:
        crew.page.goto(crew.ui(path))
        problems[path] = _serious(crew)
    _stop_screen(crew)
    problems["stop screen"] = _serious(crew)
    assert {path: found for path, found in problems.items() if found} == {}


def test_every_page_can_stop_the_set_labels_its_fields_and_fits_a_gloved_finger(
    crew: Crew,
) -> None:
    """On the tablet and on the phone: the cease-fire button on every page, no unlabelled
    field, no target under 48 x 48 px."""
    crew.page.goto(crew.ui("/login"))
    unlabelled = {"/login": crew.page.evaluate(_UNLABELLED)}
    small = {"/login": crew.page.evaluate(_SMALL_TARGETS)}
    crew.sign_in("maria")
    without_stop = []
    for path in PAGES:
        crew.page.goto(crew.ui(path))
        if not crew.page.get_by_role("link", name="CEASE FIRE").is_visible():
            without_stop.append(path)
        unlabelled[path] = crew.page.evaluate(_UNLABELLED)
        small[path] = crew.page.evaluate(_SMALL_TARGETS)
    assert without_stop == []
    assert {p: f for p, f in unlabelled.items() if f} == {}
    assert {p: f for p, f in small.items() if f} == {}
