"""Read models for people: the board, a weapon's history, every lot's round accounting.

Custody at a moment and the chains of custody are forensic queries
(:mod:`showclear.service.forensics`): they cite the entries they rest on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
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
    # Why rounds it holds are quarantined, in words, e.g. "holds rounds of suspect lot L1"
    # (AMMO-SUSPECT): it is UNKNOWN, goes to no performer and stays with its handler.
    quarantine: str | None = None
    misfired: list[int] = field(default_factory=list)  # chambers holding a misfired round

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
    # Lots no round of which is used (AMMO-SUSPECT): why and since when, and the weapons
    # holding their rounds.
    suspect_lots: list[dict[str, Any]] = field(default_factory=list)
    # Misfired rounds set aside per lot, until destroyed or returned (AMMO-SUSPECT).
    quarantined: list[dict[str, Any]] = field(default_factory=list)

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
        quarantine=w.get("quarantine"),
        misfired=list(w.get("misfired", [])),
    )


def _holding(p: Projection, lot_id: str) -> list[dict[str, Any]]:
    """The weapons holding rounds of ``lot_id`` (chambers and issued magazines), with why
    their rounds are quarantined, if they are."""
    held = []
    for weapon_id, w in p.weapons():
        rounds = list(w["chambers"]).count(lot_id) + p.magazine_rounds(weapon_id).count(lot_id)
        if rounds:
            held.append(
                {
                    "weapon": weapon_id,
                    "rounds": rounds,
                    "location": w["location"],
                    "quarantine": w.get("quarantine"),
                }
            )
    return held


def _suspect_lots(p: Projection) -> list[dict[str, Any]]:
    return [
        {
            "lot": lot_id,
            "kind": lot["kind"],
            "caliber": lot["caliber"],
            **dict(lot["suspect"] or {}),
            "in_storage": lot["in_storage"],
            "in_weapons": lot["in_weapons"],
            "quarantined": lot.get("quarantined", 0),
            "weapons": _holding(p, lot_id),
        }
        for lot_id, lot in p.lots()
        if lot.get("suspect")
    ]


def _quarantined(p: Projection) -> list[dict[str, Any]]:
    rows = []
    for lot_id, lot in p.lots():
        held = [w for w in _holding(p, lot_id) if w["quarantine"]] if lot["in_weapons"] else []
        if lot.get("quarantined", 0) or held:
            rows.append(
                {
                    "lot": lot_id,
                    "kind": lot["kind"],
                    "rounds": lot.get("quarantined", 0),
                    "weapons": held,
                }
            )
    return rows


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
        suspect_lots=_suspect_lots(p),
        quarantined=_quarantined(p),
    )


def rounds(session: Session) -> list[dict[str, Any]]:
    """Every lot's accounting: received = in storage + in weapons + quarantined + expended +
    returned + destroyed (+ missing), with ``accounted`` (that sum) and ``balanced`` (it equals
    ``received`` and the last count found no difference); see
    :func:`showclear.protocol.projection.lot_balance`. ``suspect`` says why and since when no
    round of the lot is used, ``quarantined`` counts its misfired rounds set aside, and
    ``weapons`` lists the weapons holding its rounds, with why theirs are quarantined
    (AMMO-SUSPECT)."""
    rows = []
    p = Projection.adopt(session.projection())
    for lot_id, lot in p.lots():
        accounted, balanced = lot_balance(lot)
        rows.append(
            {
                "lot": lot_id,
                **lot,
                "accounted": accounted,
                "balanced": balanced,
                "weapons": _holding(p, lot_id) if lot["in_weapons"] else [],
            }
        )
    return rows


def weapon_history(session: Session, weapon: str) -> list[dict[str, Any]]:
    """Every ledger entry about ``weapon``, in order, with its index.

    Read through the entry index (schema 6): only the entries naming the weapon, however
    long the ledger; each is still held to :func:`mentions_weapon`, the words of "about".
    """
    return [
        {"index": row.index, **event}
        for row in session.entries_naming("weapon", weapon)
        if isinstance(event := row.event(), dict) and mentions_weapon(event, weapon)
    ]
