"""The inspection and the handover work from a keyboard alone: Tab, then Space or Enter."""

from __future__ import annotations

import pytest

from .conftest import Crew
from .seed import PINS

KEYS_ONLY = pytest.mark.parametrize("viewport", ["tablet"])


def _tab_to(crew: Crew, selector: str, limit: int = 150) -> None:
    """Press Tab until the focus is on ``selector``; the focus must be visible there."""
    for _ in range(limit):
        crew.page.keyboard.press("Tab")
        if crew.page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            outline = crew.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"the focus on {selector} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector}")


def _press(crew: Crew, selector: str, key: str = "Space") -> None:
    _tab_to(crew, selector)
    crew.page.keyboard.press(key)


def _sign_in_by_keyboard(crew: Crew, person: str) -> None:
    crew.page.goto(crew.ui("/login"))
    _tab_to(crew, "#person")
    crew.page.keyboard.type(person)
    _tab_to(crew, "#pin")
    crew.page.keyboard.type(PINS[person])
    crew.page.keyboard.press("Enter")
    crew.page.wait_for_url(crew.ui("/"))


@KEYS_ONLY
def test_inspection_and_handover_by_keyboard_alone(crew: Crew) -> None:
    """Maria takes the replica out, Jack watches the show-clear and receives it: no pointer."""
    page = crew.page
    _sign_in_by_keyboard(crew, "maria")

    _press(crew, "a.weapon-link[href$='/weapons/replica-1']", "Enter")
    page.wait_for_url(crew.ui("/weapons/replica-1"))
    _press(crew, "main a[href$='/take-out']", "Enter")
    page.wait_for_url(crew.ui("/weapons/replica-1/take-out"))
    _press(crew, ".opt[data-value='12A']")
    _press(crew, "main button[type=submit]", "Enter")
    page.wait_for_url(crew.ui("/weapons/replica-1"))
    assert "took replica-1 out" in crew.recorded()

    _press(crew, "main a[href$='/inspect']", "Enter")
    page.wait_for_url(crew.ui("/weapons/replica-1/inspect"))
    # A chamber left unrecorded is caught before anything is sent, and focus goes to it.
    _press(crew, "main button[type=submit]", "Enter")
    assert (
        page.evaluate(
            "document.activeElement.closest('fieldset').querySelector('legend').textContent"
        )
        == "Chamber 1"
    )
    assert page.locator(".choice.invalid").count() == 8  # six chambers, barrel, performer
    page.keyboard.press("Space")  # the focus is on chamber 1's first option: Empty
    for n in range(2, 7):
        _press(crew, f".chamber-rows fieldset:nth-of-type({n}) .opt[data-value='empty']")
    _press(crew, "fieldset:has(input[name=barrel]) .opt[data-value='yes']")
    _press(crew, "#performer-choice .opt[data-value='jack']")
    _tab_to(crew, "#performer-pin")
    page.keyboard.type(PINS["jack"])
    crew.shot("inspection")
    page.keyboard.press("Enter")
    page.wait_for_url(crew.ui("/weapons/replica-1/hand-over"))
    assert "shown to jack, who confirmed" in crew.recorded()

    _press(crew, "#receiver-choice .opt[data-value='jack']", "Enter")
    _tab_to(crew, "#receiver-pin")
    page.keyboard.type(PINS["jack"])
    crew.shot("handover")
    _press(crew, "main button[type=submit]", "Space")
    page.wait_for_url(crew.ui("/weapons/replica-1"))
    assert "maria handed replica-1 to jack, who confirmed" in crew.recorded()
    assert "With jack" in page.locator(".where-big").inner_text()
