"""Read models for people: the board, a weapon's history, custody at a time, rounds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, cast

from showclear.protocol import Projection, apply
from showclear.protocol.time import parse_time
from showclear.service.forensics.replay import mentions_weapon
from showclear.store import Session

__all__ = ["Board", "BoardWeapon", "board", "custody_at", "rounds", "weapon_history"]


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
        return asdict(self)


def _board_weapon(weapon_id: str, w: dict[str, Any]) -> BoardWeapon:
    location = str(w["location"])
    kind, _, where = location.partition(":")
    return BoardWeapon(
        weapon=weapon_id,
        description=f"{w['make']} {w['model']} ({w['caliber']}, serial {w['serial']})",
        category=str(w["category"]),
        state=str(w["state"]),
        location=location,
        holder=where if kind == "person" else None,
        storage=where if kind == "storage" else None,
        chambers=list(w["chambers"]),
        setup=w.get("setup"),
        last_inspection=w.get("last_inspection"),
        uncertain=w.get("uncertain"),
    )


def board(session: Session) -> Board:
    """Where every weapon is, its derived state, and whether the set is in cease-fire."""
    p = Projection.from_records(session.projection())
    info = session.production()
    return Board(
        production=info.name,
        day=dict(day) if (day := p.day()) else None,
        ceasefire=dict(p.ceasefire()),
        weapons=[_board_weapon(wid, dict(w)) for wid, w in p.weapons()],
        open_incidents=[{"incident": n, **i} for n, i in p.open_incidents()],
        open_concerns=[{"concern": n, **c} for n, c in p.open_concerns()],
        size=info.size,
    )


#: Where every received round is, for the AMMO-COUNT balance.
_ACCOUNTED = ("in_storage", "in_weapons", "expended", "returned", "destroyed", "missing")


def rounds(session: Session) -> list[dict[str, Any]]:
    """Every lot's accounting: received = in storage + in weapons + expended + returned + destroyed
    (+ missing), with ``accounted`` (that sum) and ``balanced`` (it equals ``received`` and the
    last count found no difference)."""
    p = Projection.from_records(session.projection())
    rows = []
    for lot_id, lot in p.lots():
        counts = cast(dict[str, int], lot)
        accounted = sum(counts[key] for key in _ACCOUNTED)
        balanced = accounted == lot["received"] and lot["discrepancy"] == 0
        rows.append({"lot": lot_id, **lot, "accounted": accounted, "balanced": balanced})
    return rows


def weapon_history(session: Session, weapon: str) -> list[dict[str, Any]]:
    """Every ledger entry about ``weapon``, in order, with its index."""
    return [
        {"index": row.index, **event}
        for row in session.entries()
        if isinstance(event := row.event(), dict) and mentions_weapon(event, weapon)
    ]


def custody_at(session: Session, weapon: str, at: str) -> dict[str, Any] | None:
    """The weapon's record (where, who, chambers, last inspection) as it stood at time ``at``.

    Replays the ledger up to ``at``; returns None if the weapon was not yet received.
    """
    moment = parse_time(at)
    projection = Projection.empty()
    last_index = -1
    for row in session.entries():
        event = row.event()
        if parse_time(str(event["at"])) > moment:
            break
        apply(projection, event)
        last_index = row.index
    record = projection.weapon(weapon)
    if record is None:
        return None
    return {"weapon": weapon, "as_of": at, "through_entry": last_index, **record}
