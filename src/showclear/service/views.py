"""Read models for people: the board, a weapon's history, every lot's round accounting.

Custody at a moment and the chains of custody are forensic queries
(:mod:`showclear.service.forensics`): they cite the entries they rest on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from showclear.protocol import Projection
from showclear.protocol.projection import lot_balance
from showclear.service.forensics.replay import mentions_weapon
from showclear.store import Session

__all__ = ["Board", "BoardWeapon", "board", "rounds", "weapon_history"]


@dataclass(frozen=True)
class BoardWeapon:
    weapon: str
    description: str
    category: str
    state: str
    location: str
    holder: str | None
    storage: str | None
    chambers: list[str]
    setup: str | None
    last_inspection: dict[str, Any] | None
    uncertain: str | None

    def to_json(self) -> dict[str, Any]:
        """The weapon's line as JSON-ready data (its values are already plain JSON)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Board:
    production: str
    day: dict[str, Any] | None
    ceasefire: dict[str, Any]
    weapons: list[BoardWeapon]
    open_incidents: list[dict[str, Any]]
    open_concerns: list[dict[str, Any]]
    size: int

    def to_json(self) -> dict[str, Any]:
        """The board as JSON-ready data, without copying what it already holds."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["weapons"] = [w.to_json() for w in self.weapons]
        return data


def _board_weapon(weapon_id: str, w: Mapping[str, Any]) -> BoardWeapon:
    kind, _, where = w["location"].partition(":")
    inspection = w["last_inspection"]
    return BoardWeapon(
        weapon=weapon_id,
        description=f"{w['make']} {w['model']} ({w['caliber']}, serial {w['serial']})",
        category=w["category"],
        state=w["state"],
        location=w["location"],
        holder=where if kind == "person" else None,
        storage=where if kind == "storage" else None,
        chambers=list(w["chambers"]),
        setup=w["setup"],
        last_inspection=dict(inspection) if inspection is not None else None,
        uncertain=w["uncertain"],
    )


def board(session: Session) -> Board:
    """Where every weapon is, its derived state, and whether the set is in cease-fire."""
    # The records were just decoded for this read and nobody else holds them: no copy.
    p = Projection.adopt(session.projection())
    info = session.production()
    day = p.day()
    return Board(
        production=info.name,
        day=dict(day) if day is not None else None,
        ceasefire=dict(p.ceasefire()),
        weapons=[_board_weapon(wid, w) for wid, w in p.weapons()],
        open_incidents=[{"incident": n, **i} for n, i in p.open_incidents()],
        open_concerns=[{"concern": n, **c} for n, c in p.open_concerns()],
        size=info.size,
    )


def rounds(session: Session) -> list[dict[str, Any]]:
    """Every lot's accounting: received = in storage + in weapons + expended + returned + destroyed
    (+ missing), with ``accounted`` (that sum) and ``balanced`` (it equals ``received`` and the
    last count found no difference); see :func:`showclear.protocol.projection.lot_balance`."""
    rows = []
    for lot_id, lot in Projection.adopt(session.projection()).lots():
        accounted, balanced = lot_balance(lot)
        rows.append({"lot": lot_id, **lot, "accounted": accounted, "balanced": balanced})
    return rows


def weapon_history(session: Session, weapon: str) -> list[dict[str, Any]]:
    """Every ledger entry about ``weapon``, in order, with its index."""
    return [
        {"index": row.index, **event}
        for row in session.entries()
        if isinstance(event := row.event(), dict) and mentions_weapon(event, weapon)
    ]
