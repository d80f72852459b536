"""The board's live part names suspect lots and quarantined rounds in words (AMMO-SUSPECT)."""

from __future__ import annotations

from showclear.service.views import Board, BoardWeapon
from showclear.web.render import fragment, ui_path


def _board() -> Board:
    colt = BoardWeapon(
        weapon="colt-1",
        description="Colt Single Action Army (.45 Colt, serial SA-1)",
        category="functional_firearm",
        state="UNKNOWN",
        location="person:maria",
        holder="maria",
        storage=None,
        chambers=["L1"] * 6,
        setup="12B",
        last_inspection=None,
        uncertain=None,
        quarantine="holds rounds of suspect lot L1",
    )
    return Board(
        production="Dust Creek",
        day=None,
        ceasefire={"active": False, "incidents": [], "stop_work_concerns": []},
        weapons=[colt],
        open_incidents=[],
        open_concerns=[],
        size=80,
        suspect_lots=[
            {
                "lot": "L1",
                "kind": "dummy",
                "caliber": ".45 Colt",
                "reason": "a live round was found in it",
                "at": "2026-11-25T11:10:00Z",
                "entry": 69,
                "in_storage": 18,
                "in_weapons": 6,
                "quarantined": 0,
                "weapons": [
                    {
                        "weapon": "colt-1",
                        "rounds": 6,
                        "location": "person:maria",
                        "quarantine": "holds rounds of suspect lot L1",
                    }
                ],
            },
        ],
        quarantined=[{"lot": "B1", "kind": "blank", "rounds": 1, "weapons": []}],
    )


def test_the_board_names_the_suspect_lot_and_the_quarantined_weapon_in_words() -> None:
    """Words and the stop tag, not colour alone: SUSPECT LOT, QUARANTINED, why and since when."""
    html = fragment("board_live.html", board=_board(), ui=lambda rest="/": ui_path("dc", rest))
    text = " ".join(html.split())
    assert "QUARANTINED</span> holds rounds of suspect lot L1" in text
    assert "Unknown: its barrel" not in text  # the reason is the quarantine, not a guess
    assert 'stop-tag">SUSPECT LOT</span>' in text
    assert "a live round was found in it, since" in text and "(entry #69)" in text
    assert "colt-1</a> (6, with maria)" in text
    assert "1 misfired round set aside, never loaded again" in text
