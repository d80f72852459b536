"""The views: board, history, who, rounds, in words for people and JSON for scripts."""

from __future__ import annotations

import json
from datetime import timedelta

from showclear.protocol.time import format_time

from .conftest import Cli, ready_to_hand_over


def test_board_shows_each_state_in_words_and_a_shape(planned: Cli) -> None:
    """The board names the state and gives it a shape, so it reads without colour."""
    result = planned.ok("board")
    assert "? UNKNOWN" in result.stdout
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    board = planned.ok("board").stdout
    assert "◐ DUMMY" in board
    assert "with ana" in board
    assert "Dust Creek" in board
    assert "CEASE-FIRE" not in board


def test_board_shows_a_cease_fire_banner_and_the_open_incident(planned: Cli) -> None:
    """An open incident shows as a banner and a line saying whose review is pending."""
    planned.ok("incident", "injury", "--description", "Burn on a hand", "--as", "lee")
    board = " ".join(planned.ok("board").stdout.split())
    assert "CEASE-FIRE" in board
    assert "incident 1" in board
    assert "Review pending: safety coordinator, producer" in board


def test_board_json_is_plain_json_with_every_weapon(planned: Cli) -> None:
    """`board --json` prints one JSON document: weapons, cease-fire, incidents, concerns."""
    result = planned.ok("board", "--json")
    board = json.loads(result.stdout)
    assert {w["weapon"] for w in board["weapons"]} == {"colt-1", "replica-1"}
    assert set(board) >= {"ceasefire", "day", "open_incidents", "open_concerns", "size"}
    assert board["production"] == "Dust Creek"


def test_history_lists_every_entry_about_the_weapon_including_refusals(planned: Cli) -> None:
    """`history` shows the weapon's entries in ledger order, refused attempts included."""
    ready_to_hand_over(planned)
    planned.refused("hand-over", "colt-1", "--to", "ana", "--as", "lee", rules={"CUS-HANDLER"})
    rows = planned.json("history", "colt-1")
    types = [row["type"] for row in rows]
    assert types[:2] == ["WeaponReceived", "SetupPlanned"]
    assert "ShowClearInspected" in types
    assert "AttemptRefused" in types
    assert [row["index"] for row in rows] == sorted(row["index"] for row in rows)
    text = planned.ok("history", "colt-1").stdout
    assert "REFUSED" in text
    assert "CUS-HANDLER" in text


def test_who_answers_who_held_the_weapon_at_a_moment(planned: Cli) -> None:
    """`who --at` replays the ledger to that time: holder, chambers, last inspection."""
    half_a_minute = timedelta(seconds=30)  # commands run a minute apart
    received = format_time(planned.now - half_a_minute)  # after the fixtures
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    with_ana = format_time(planned.now - half_a_minute)
    planned.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")

    then = planned.json("who", "--weapon", "colt-1", "--at", with_ana)
    assert then["location"] == "person:ana"
    assert then["last_inspection"]["performer"] == "ana"
    before = planned.json("who", "--weapon", "colt-1", "--at", received)
    assert (before["location"], before["state"]) == ("storage:safe-1", "UNKNOWN")
    assert planned.json("who", "--weapon", "colt-1")["location"] == "person:mo"  # now
    text = " ".join(planned.ok("who", "--weapon", "colt-1", "--at", with_ana).stdout.split())
    assert "with ana" in text
    assert "shown to ana (confirmed)" in text


def test_who_before_the_weapon_existed_or_at_a_bad_time_fails(planned: Cli) -> None:
    """Exit 3 for a weapon not in the inventory at that time; exit 2 for a malformed time."""
    early = planned.main("who", "--weapon", "colt-1", "--at", "2000-01-01T00:00:00Z")
    assert early.code == 3
    assert "no weapon colt-1" in early.text
    assert planned.main("who", "--weapon", "colt-1", "--at", "yesterday").code == 2


def test_who_is_an_alias_of_custody_at_a_moment(planned: Cli) -> None:
    """`who --weapon W --at T` answers exactly what `custody W --at T` does, in JSON and words."""
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    moment = format_time(planned.now)
    alias = planned.json("who", "--weapon", "colt-1", "--at", moment)
    assert alias == planned.json("custody", "colt-1", "--at", moment)
    assert (alias["holder"], alias["at"]) == ("ana", moment)
    assert alias["entry"] in alias["cites"]
    words = planned.ok("who", "--weapon", "colt-1", "--at", moment).stdout
    assert words == planned.ok("custody", "colt-1", "--at", moment).stdout


def test_rounds_shows_each_lot_and_its_balance(planned: Cli) -> None:
    """`rounds` accounts for every round per lot and says whether the lot balances."""
    ready_to_hand_over(planned)
    rows = {row["lot"]: row for row in planned.json("rounds")}
    dummies = rows["D-1"]
    assert (dummies["received"], dummies["in_storage"], dummies["in_weapons"]) == (12, 6, 6)
    assert dummies["accounted"] == 12
    assert dummies["balanced"] is True
    text = planned.ok("rounds").stdout
    assert "D-1" in text
    assert "B-1" in text
    assert "✓ balanced" in text


def test_every_view_prints_only_json_with_json(planned: Cli) -> None:
    """With --json, stdout parses as JSON: nothing else is printed there."""
    for args in (["board"], ["rounds"], ["history", "colt-1"], ["who", "--weapon", "colt-1"]):
        result = planned.ok(*args, "--json")
        json.loads(result.stdout)


def test_history_says_how_each_persons_part_was_proven(planned: Cli) -> None:
    """Issue 13 item 3: each entry's line names whoever did or confirmed it and how each
    part was proven; --json gives the entry's assurance as recorded."""
    ready_to_hand_over(planned)
    planned.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    rows = planned.json("history", "colt-1")
    handover = next(r for r in rows if r["type"] == "WeaponHandedOver")
    assert handover["assurance"] == {"ana": "pin", "mo": "pin"}
    lines = planned.ok("history", "colt-1", env={"COLUMNS": "300"}).stdout.splitlines()
    assert any("Who (how proven)" in line for line in lines)
    [line] = [line for line in lines if f"│ {handover['index']} " in line]
    assert "mo (PIN checked by the server); ana (PIN checked by the server)" in line
    assert "assurance=" not in line
