"""Suspect lots and quarantined rounds on the board and in the round accounting (AMMO-SUSPECT)."""

from __future__ import annotations

from .conftest import EMPTY6, Cli, plan_and_meet, ready_to_hand_over

BLANKS2 = "B-1,B-1,empty,empty,empty,empty"


def _words(text: str) -> str:
    return " ".join(text.split())


def _live_round_in_d1(cli: Cli) -> None:
    """colt-1 holds six dummies of D-1 when a live round is found in D-1's box."""
    ready_to_hand_over(cli)
    cli.ok(
        "found-live", "--count", "1", "--where", "in the box labelled D-1", "--lot", "D-1",
        "--as", "mo",
    )  # fmt: skip


def test_board_names_a_suspect_lot_why_and_since_when_and_the_weapon_holding_it(
    planned: Cli,
) -> None:
    """A suspect lot and the weapon holding its rounds stand out in words, not colour alone."""
    _live_round_in_d1(planned)
    board = planned.json("board")
    [lot] = board["suspect_lots"]
    assert lot["lot"] == "D-1"
    assert "live" in lot["reason"]
    assert lot["at"] and isinstance(lot["entry"], int)
    assert lot["weapons"] == [
        {"weapon": "colt-1", "rounds": 6, "location": "person:mo",
         "quarantine": "holds rounds of suspect lot D-1"}
    ]  # fmt: skip
    colt = planned.weapon("colt-1")
    assert colt["state"] == "UNKNOWN"
    assert colt["quarantine"] == "holds rounds of suspect lot D-1"
    text = _words(planned.ok("board").stdout)
    assert "SUSPECT LOT" in text
    assert f"D-1 (dummy .45 Colt): {lot['reason']}, since {lot['at']}" in text
    assert "QUARANTINED:" in text  # under colt-1's state, in a narrow table cell
    assert "Its rounds are in: colt-1 (6 rounds, with mo)" in text


def test_rounds_show_the_suspect_lot_and_the_weapon_holding_quarantined_rounds(
    planned: Cli,
) -> None:
    """`rounds` names the suspect lot and every weapon holding its rounds, with why."""
    _live_round_in_d1(planned)
    row = planned.lot("D-1")
    assert row["suspect"]["reason"]
    assert row["weapons"][0]["quarantine"] == "holds rounds of suspect lot D-1"
    text = _words(planned.ok("rounds").stdout)
    assert "■ SUSPECT" in text
    assert "SUSPECT LOT ■ D-1:" in text
    assert "colt-1 (with mo) holds rounds of suspect lot D-1" in text


def test_a_misfired_round_shows_in_its_weapon_then_in_the_quarantined_count(
    stocked: Cli,
) -> None:
    """A misfired round is shown in its chamber, then in its lot's quarantined count."""
    plan_and_meet(stocked, setup="2", load="blanks:B-1:2")
    stocked.ok("take-out", "colt-1", "--setup", "2", "--as", "mo")
    stocked.ok("inspect", "colt-1", "--chambers", EMPTY6, "--barrel-clear", "--as", "mo")
    stocked.ok("load", "colt-1", "--lot", "B-1", "--chambers", "1-2", "--as", "mo")
    stocked.ok(
        "inspect", "colt-1", "--chambers", BLANKS2, "--barrel-clear",
        "--performer", "ana", "--as", "mo",
    )  # fmt: skip
    stocked.ok("hand-over", "colt-1", "--to", "ana", "--as", "mo")
    stocked.ok("discharge", "colt-1", "--chambers", "1", "--misfire", "--as", "ana")
    stocked.ok("hand-over", "colt-1", "--to", "mo", "--as", "ana")

    colt = stocked.weapon("colt-1")
    assert colt["misfired"] == [1]
    assert colt["quarantine"] == "holds a misfired round in chamber 1"
    assert stocked.json("board")["suspect_lots"] == []
    text = _words(stocked.ok("board").stdout)
    assert "QUARANTINED:" in text
    assert "lot B-1 (blank): colt-1 holds a misfired round in chamber 1" in text

    stocked.ok("unload", "colt-1", "--chambers", "1-2", "--as", "mo")
    board = stocked.json("board")
    assert board["quarantined"] == [{"lot": "B-1", "kind": "blank", "rounds": 1, "weapons": []}]
    assert stocked.weapon("colt-1")["quarantine"] is None
    row = stocked.lot("B-1")
    assert (row["quarantined"], row["in_storage"], row["balanced"]) == (1, 11, True)
    text = _words(stocked.ok("rounds").stdout)
    assert "Quarantined" in text
    assert "B-1: 1 misfired round quarantined, never loaded again" in text
    assert "1 misfired round set aside" in _words(stocked.ok("board").stdout)
