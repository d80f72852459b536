"""Issue 16 on the tablet: a plan from the API keeps the setups page up, and a refused form
keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from showclear.service import TRUSTED

from .conftest import Crew, Site
from .seed import PINS

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_a_setup_planned_through_the_api_without_a_lot_is_listed_on_the_setups_page(
    crew: Crew, site: Site
) -> None:
    """A weapon planned without ``lot``, ``rounds`` or protection flags does not break the page."""
    token = site.app.create_token(crew.slug, "dana", PINS["dana"], label="test", ttl=None).secret
    plan = {
        "setup": "20-api",
        "scene": "20",
        "kind": "rehearsal",
        "weapons": [{"weapon": "replica-1", "performer": "jack", "load": "empty"}],
        "direction": "toward the empty street",
        "people_near": [{"who": "camera B", "distance_cm": 800}],
    }
    answer = httpx.post(
        f"{site.url}/productions/{crew.slug}/setups",
        json=plan,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code < 300, answer.text
    crew.sign_in("dana")
    response = crew.page.goto(crew.ui("/setups"))
    assert response is not None and response.status == 200
    card = crew.page.locator("#setup-20-api").inner_text()
    assert "replica-1 for jack: empty" in card
    assert "camera B 26.2 ft (8 m)" in card  # the production works in feet


def _plan_pointed_at_someone(crew: Crew) -> None:
    """A take pointed at an unshielded person with no sign-off: PLAN-POINTING refuses it."""
    page = crew.page
    page.get_by_label("Setup id").fill("16")
    page.get_by_label("Scene", exact=True).fill("16")
    page.get_by_label("Rehearsal or take").select_option("take")
    page.get_by_label("Direction of fire").fill("toward the sheriff's double")
    page.get_by_label("Weapon 1").select_option("colt-1")
    page.locator("#w0-performer").fill("jack")
    page.locator("#w0-load").select_option("dummies")
    page.locator("#w0-lot").select_option("dum-45")
    page.locator("#w0-rounds").fill("6")
    page.get_by_label("Who 1").fill("sheriff's double")
    page.locator("#n0-m").fill("3.5m")
    page.locator("input[name=n_line][value='0']").check()


def _assert_plan_kept(crew: Crew) -> None:
    page = crew.page
    assert page.get_by_label("Setup id").input_value() == "16"
    assert page.get_by_label("Rehearsal or take").input_value() == "take"
    assert page.get_by_label("Direction of fire").input_value() == "toward the sheriff's double"
    assert page.get_by_label("Weapon 1").input_value() == "colt-1"
    assert page.locator("#w0-performer").input_value() == "jack"
    assert page.locator("#w0-lot").input_value() == "dum-45"
    assert page.locator("#w0-rounds").input_value() == "6"
    assert page.locator("#n0-m").input_value() == "3.5m"
    assert page.locator("input[name=n_line][value='0']").is_checked()
    assert page.locator(".kept-note").is_visible()


@ON_THE_TABLET
def test_going_back_after_a_refused_setup_finds_the_form_as_it_was_typed(crew: Crew) -> None:
    """Both the stop screen's Back button and the browser's Back keep every field typed."""
    page = crew.page
    crew.sign_in("dana")
    page.goto(crew.ui("/setups"))
    _plan_pointed_at_someone(crew)
    crew.submit("Plan setup")
    assert "PLAN-POINTING" in page.locator(".stop-panel .rule-id").all_inner_texts()
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_load_state()
    _assert_plan_kept(crew)

    crew.submit("Plan setup")
    assert page.locator(".stop-panel").is_visible()
    page.go_back()
    page.wait_for_load_state()
    _assert_plan_kept(crew)


@ON_THE_TABLET
def test_a_recorded_form_starts_empty_the_next_time(crew: Crew) -> None:
    """Once the page says Recorded, nothing typed before comes back."""
    page = crew.page
    crew.sign_in("dana")
    page.goto(crew.ui("/setups"))
    _plan_pointed_at_someone(crew)
    page.locator("input[name=n_line][value='0']").uncheck()
    crew.submit("Plan setup")
    assert "16" in crew.recorded()
    page.goto(crew.ui("/setups"))
    assert page.get_by_label("Setup id").input_value() == ""
    assert not page.locator(".kept-note").count()


def _every_state_and_a_new_weapon(site: Site, slug: str) -> None:
    """colt-2 HOT with maria, replica-1 with jack, colt-1 COLD with maria, a-new-1 in the safe."""
    from .test_every_page import _weapons_in_every_state

    _weapons_in_every_state(site, slug)
    outcome = site.app.submit(
        slug,
        {
            "type": "WeaponReceived",
            "actor": "maria",
            "weapon": "a-new-1",
            "serial": "N-1",
            "make": "Colt",
            "model": "Single Action Army",
            "category": "functional_firearm",
            "caliber": ".45 Colt",
            "chambers": 6,
            "action": "revolver",
            "storage": "safe",
            "personal": False,
        },
        TRUSTED,
    )
    assert not outcome.refused, outcome.rule_ids


@ON_THE_TABLET
def test_the_board_lists_hot_then_unknown_then_with_a_performer_then_the_rest(
    crew: Crew, site: Site
) -> None:
    """Not by id: colt-2 (HOT), a-new-1 (UNKNOWN), replica-1 (with jack), colt-1 (with maria)."""
    _every_state_and_a_new_weapon(site, crew.slug)
    crew.sign_in("maria")
    ids = crew.page.locator(".weapons .weapon-id").all_inner_texts()
    assert ids == ["colt-2", "a-new-1", "replica-1", "colt-1"]
    states = crew.page.locator(".weapons .weapon-card .state").all_inner_texts()
    assert "HOT" in states[0] and "UNKNOWN" in states[1]


@ON_THE_TABLET
def test_a_weapon_page_puts_the_next_safe_step_for_its_state_first(crew: Crew, site: Site) -> None:
    """In storage: take out; with a performer: take back; HOT: unload; with the handler: show
    clear; the first action on the page, and it opens that step's form."""
    _every_state_and_a_new_weapon(site, crew.slug)
    crew.sign_in("maria")
    expected = {
        "a-new-1": ("Next: take it out", "/take-out"),
        "replica-1": ("Next: take it back from jack", "/hand-over"),
        "colt-2": ("Next: unload it", "/unload"),
        "colt-1": ("Next: show it clear", "/inspect"),
    }
    for weapon, (label, step) in expected.items():
        crew.page.goto(crew.ui(f"/weapons/{weapon}"))
        first = crew.page.locator("main .btn").first
        assert first.inner_text() == label
        first.click()
        crew.page.wait_for_url(f"**/weapons/{weapon}{step}")


def _picker(crew: Crew) -> dict[str, str]:
    options = crew.page.locator("datalist#people-list option")
    return {o.get_attribute("value") or "": o.inner_text() for o in options.all()}


@ON_THE_TABLET
def test_people_are_picked_by_name_and_role_not_typed_by_id(
    crew: Crew, site: Site, browser: Any
) -> None:
    """Sign-in (on a device used before), the setup, meeting and call sheet forms offer every
    registered person by name with role; the handover's choices name them too."""
    page = crew.page
    page.goto(crew.ui("/login"))
    assert not page.locator("datalist#people-list").count()  # a new device sees no roster
    crew.sign_in("maria")
    for path in ("/setups", "/day"):
        page.goto(crew.ui(path))
        people = _picker(crew)
        assert people["jack"] == "Jack Dalton · jack (performer)"
        assert people["ken"] == "Ken Ito · ken (crew)"  # registered, not on the call sheet
    page.goto(crew.ui("/setups"))
    for field in ("#w0-performer", "#p-signoff", "#extra-person-0", "#n0-who"):
        assert page.locator(field).get_attribute("list") == "people-list"
    page.goto(crew.ui("/weapons/colt-1/hand-over"))
    receivers = page.locator("#receiver-choice .opt").all_inner_texts()
    assert any("Jack Dalton · jack (performer)" in r for r in receivers), receivers

    crew.switch_to("jack")  # the tablet has seen a sign-in: the login page offers names
    page.click("text=Switch person")
    page.wait_for_url(re.compile(r"/ui/login"))
    assert _picker(crew)["dana"] == "Dana Kim · dana (first ad)"
    assert page.locator("#person").get_attribute("list") == "people-list"
    assert "Jack Dalton · jack (performer)" in page.locator(".person-pick").all_inner_texts()
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(crew.ui("/login"))
        assert not other.locator("datalist#people-list").count()
    finally:
        stranger.close()


@ON_THE_TABLET
def test_a_refused_handover_goes_back_to_the_receiver_chosen_but_never_their_pin(
    crew: Crew,
) -> None:
    """Dana (first AD) hands a revolver from the safe to Jack: refused; Back keeps Jack as
    the chosen receiver, and his PIN is typed again by him, never kept."""
    page = crew.page
    crew.sign_in("dana")
    page.goto(crew.ui("/weapons/colt-1/hand-over"))
    crew.choose("Receiver", "jack")
    page.get_by_label("jack's PIN").fill(PINS["jack"])
    crew.submit("Hand over colt-1")
    assert page.locator(".stop-panel").count() == 1
    kept = "".join(page.evaluate("() => Object.values(sessionStorage)"))
    assert '"value":"jack"' in kept and PINS["jack"] not in kept
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_load_state()
    chosen = page.locator("#receiver-choice .opt[aria-pressed=true]")
    assert chosen.get_attribute("data-value") == "jack"
    assert page.locator("#receiver-choice input[type=hidden]").input_value() == "jack"
    assert page.get_by_label("jack's PIN").input_value() == ""
