"""A crew drives a take through the web UI in a real browser, on a tablet and on a phone."""

from __future__ import annotations

from .conftest import Crew
from .seed import PINS


def _open(crew: Crew, weapon: str, action: str | None = None) -> None:
    crew.page.goto(crew.ui("/"))
    crew.page.locator(".weapon-link", has_text=weapon).first.click()
    if action:
        crew.page.get_by_role("link", name=action, exact=True).click()


def _state_of(crew: Crew, weapon: str) -> str:
    crew.page.goto(crew.ui("/"))
    card = crew.page.locator(".weapon-card", has=crew.page.locator(".weapon-id", has_text=weapon))
    return str(card.locator(".state .word").inner_text())


def test_a_compliant_blank_take_from_sign_in_to_day_close(crew: Crew) -> None:
    """Sign in, take out, inspect with the performer's PIN, hand over, fire, return, close."""
    page = crew.page
    page.goto(crew.ui("/"))
    crew.shot("01-login")
    crew.sign_in("maria")
    crew.shot("02-board")

    _open(crew, "colt-2", "Take out of storage")
    crew.choose("For setup", "14")
    crew.submit("Take colt-2 out")
    assert "took colt-2 out" in crew.recorded()

    # Maria's own check before loading: every chamber seen empty, barrel clear.
    page.get_by_role("link", name="Show-clear inspection").click()
    for n in range(1, 7):
        crew.choose(f"Chamber {n}", "Empty")
    crew.choose("Barrel checked", "Clear")
    crew.choose("Shown to", "Nobody")
    crew.submit("Record inspection")
    crew.recorded()

    page.get_by_role("link", name="Load", exact=True).click()
    crew.choose("Rounds from lot", "blk-45")
    page.locator("input[name=chamber][value='1']").check()
    crew.submit("Record load")
    assert "loaded" in crew.recorded()

    # The show-clear inspection Jack watches and confirms with his own PIN, on this screen.
    page.get_by_role("link", name="Show-clear inspection").click()
    crew.choose("Chamber 1", "blk-45")
    for n in range(2, 7):
        crew.choose(f"Chamber {n}", "Empty")
    crew.choose("Barrel checked", "Clear")
    crew.choose("Shown to", "jack")
    page.get_by_label("jack's PIN").fill(PINS["jack"])
    crew.shot("03-inspection")
    crew.submit("Record inspection")
    assert "jack" in crew.recorded()

    # Straight on to the handover; Jack confirms with his PIN.
    assert page.url.endswith("/weapons/colt-2/hand-over")
    crew.choose("Receiver", "jack")
    page.get_by_label("jack's PIN").fill(PINS["jack"])
    crew.shot("04-handover")
    crew.submit("Hand over colt-2")
    assert "jack" in crew.recorded()
    assert _state_of(crew, "colt-2") == "HOT"
    crew.shot("05-board-hot")

    # Jack takes the tablet: the shot, then the weapon goes back to Maria, who confirms.
    crew.switch_to("jack")
    _open(crew, "colt-2", "Report it fired")
    page.locator("input[name=chamber][value='1']").check()
    crew.choose("Intended?", "Yes")
    crew.choose("Did it go off?", "Yes")
    crew.submit("Record")
    crew.recorded()
    page.locator("main").get_by_role("link", name="Hand over", exact=True).click()
    crew.choose("Receiver", "maria")
    page.get_by_label("maria's PIN").fill(PINS["maria"])
    crew.submit("Hand over colt-2")
    crew.recorded()
    assert _state_of(crew, "colt-2") == "UNKNOWN"  # fired, barrel not yet checked (CUS-BARREL)

    crew.switch_to("maria")
    _open(crew, "colt-2", "Barrel check")
    crew.choose("Barrel", "Clear")
    crew.submit("Record barrel check")
    crew.recorded()
    page.get_by_role("link", name="Return to storage").click()
    crew.choose("Into locked storage", "safe")
    crew.submit("Return colt-2")
    crew.recorded()
    assert _state_of(crew, "colt-2") == "COLD"

    # Close the day with every round counted: 24 dummies, 11 blanks (one fired).
    page.get_by_role("link", name="Day", exact=True).click()
    page.get_by_label("Counted now: dum-45").fill("24")
    page.get_by_label("Counted now: blk-45").fill("11")
    crew.shot("06-day-close")
    crew.submit("Close the day")
    assert "closed the day" in crew.recorded()
    assert "closed" in page.locator("h1").inner_text()
    crew.shot("07-day-closed")

    page.get_by_role("link", name="Ledger").click()
    page.locator(".entries-table a.entry-n").first.click()
    page.get_by_role("button", name="Check the proof in this browser").click()
    assert "Proven" in page.locator("#proof-result").inner_text(timeout=5000)
    crew.shot("08-proof")


def test_a_handover_without_a_show_clear_inspection_is_a_full_screen_stop(crew: Crew) -> None:
    """The stop names the rule, what is wrong and what to do; the board has not moved."""
    page = crew.page
    crew.sign_in("maria")
    _open(crew, "colt-1", "Take out of storage")
    crew.choose("For setup", "12B")
    crew.submit("Take colt-1 out")
    crew.recorded()

    page.locator("main").get_by_role("link", name="Hand over", exact=True).click()
    crew.choose("Receiver", "jack")
    page.get_by_label("jack's PIN").fill(PINS["jack"])
    crew.submit("Hand over colt-1")

    stop = page.locator(".stop-panel")
    assert "STOP" in stop.locator("h1").inner_text()
    rules = stop.locator(".rule-id").all_inner_texts()
    assert "CUS-SHOW-CLEAR" in rules
    rule = stop.locator(".rule", has=page.locator(".rule-id", has_text="CUS-SHOW-CLEAR"))
    assert rule.locator(".rule-message").inner_text().strip()
    assert rule.locator(".rule-remedy").inner_text().strip()
    # The whole screen, not a toast: nothing else on it but the way back and the cease-fire.
    assert page.locator("body.stop-screen").count() == 1
    assert page.locator(".main-nav").count() == 0
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(179, 20, 15)"
    crew.shot("stop")

    card = page.goto(crew.ui("/weapons/colt-1"))
    assert card is not None
    assert "With maria" in page.locator(".where-big").inner_text()
    assert "REFUSED" in page.locator(".entries").last.inner_text()
