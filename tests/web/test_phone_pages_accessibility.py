"""The phone confirmation pages pass axe-core with no violation, at phone size, in Chromium.

Each page a person opens on their own phone to confirm with their passkey (ID-OWN): the
show-clear and the handover Jack confirms, the safety meeting he signs in to, and the
setup Maria signs off as its handler (PLAN-POINTING). Each is checked at 390 x 844 while
it waits for its person and once recorded: axe-core finds no violation of any impact,
and every control is at least 44 x 44 px (WCAG 2.5.5), for a thumb on set.
"""

from __future__ import annotations

from typing import Any

from .axe import SMALL_TARGETS, violations
from .conftest import Site
from .test_passkeys import SCRIPT, chromium, two_devices  # noqa: F401  (a fixture)
from .test_phone_confirm import _taken_out

PHONE = {"width": 390, "height": 844}
#: The smallest target a thumb gets, in CSS px (WCAG 2.5.5, Apple's HIG).
MIN_TARGET = 44


def test_every_phone_confirmation_page_passes_axe_with_thumb_sized_targets(
    site: Site,
    chromium: Any,  # noqa: F811
) -> None:
    slug = site.production()
    _taken_out(site, slug)
    tablet, phone, origin, token = two_devices(
        site, chromium, slug, {"maria": "ruth", "dana": "maria"}, {"jack": "maria"}
    )
    mobile = phone.page
    mobile.set_viewport_size(PHONE)
    device = {"maria": tablet, "dana": tablet, "jack": phone}
    chambers = len(
        next(w for w in site.app.board(slug).weapons if w.weapon == "replica-1").chambers
    )

    pages = [
        (
            "show-clear",
            "maria",
            "Inspect",
            {
                "weapon": "replica-1",
                "chambers": ["empty"] * chambers,
                "barrel_clear": True,
                "performer": "jack",
            },
        ),
        ("handover", "maria", "HandOver", {"weapon": "replica-1", "receiver": "jack"}),
        (
            "meeting",
            "maria",
            "HoldMeeting",
            {"setups": ["12B"], "attendees": [{"person": "maria"}, {"person": "jack"}]},
        ),
        (
            "setup sign-off",
            "dana",
            "PlanSetup",
            {
                "setup": "16",
                "scene": "16",
                "kind": "take",
                "weapons": [
                    {"weapon": "colt-1", "performer": "jack", "load": "dummies", "lot": "dum-45"}
                ],
                "direction": "toward the stunt double behind glass",
                "people_near": [
                    {
                        "who": "stunt double",
                        "distance_cm": 400,
                        "in_line_of_fire": True,
                        "shielded": True,
                    }
                ],
                "handler_signoff": "maria",
            },
        ),
    ]
    problems: dict[str, Any] = {}
    buttons: dict[str, int] = {}
    for name, proposer, command, body in pages:
        proposed = tablet.call("propose", token[proposer], command, body)
        pending = proposed["pending"]
        tablet.call("sign", pending, proposer, proposed["publicKey"])
        mobile.goto(f"{origin}{phone.base}/ui/confirm/{pending}")
        buttons[name] = mobile.locator("button[data-sign-as]").count()
        problems[f"{name}, waiting"] = _problems(mobile)
        for person in tablet.call("show", pending)["waiting"]:
            signer = device[person]
            # The phone's page left the test script behind: bring it back to sign.
            signer.page.evaluate(f"window.showclear || {SCRIPT}")
            options = signer.call("options", pending, person)
            signer.call("sign", pending, person, options["publicKey"])
        mobile.reload()
        assert mobile.locator("h1").inner_text() == "Recorded", name
        problems[f"{name}, recorded"] = _problems(mobile)
    assert buttons == {"show-clear": 1, "handover": 1, "meeting": 1, "setup sign-off": 1}
    assert {page: found for page, found in problems.items() if found} == {}
    for each in (tablet, phone):
        each.context.close()


def _problems(page: Any) -> dict[str, Any]:
    """axe-core's violations and the controls too small for a thumb, if any."""
    found: dict[str, Any] = {}
    axe = violations(page)
    if axe:
        found["axe"] = axe
    small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
    if small:
        found["small"] = small
    return found
