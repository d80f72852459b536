"""Views for people: the board, round accounting, a weapon's history, custody at a time."""

from typing import Annotated

from fastapi import APIRouter, Query

from showclear.api.fields import Moment, Slug, WeaponPath
from showclear.api.responses import Board, CustodyAt, LotAccount, RecordedEntry
from showclear.api.routing import READ_ERRORS
from showclear.api.security import Member, Service
from showclear.protocol.time import format_time
from showclear.service import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["views"], responses=READ_ERRORS)


@router.get("/board")
def board(slug: Slug, _: Member, app: Service) -> Board:
    """Where every weapon is, its state (COLD, DUMMY, HOT, UNKNOWN), and any cease-fire."""
    return Board.of(app.board(slug))


@router.get("/rounds")
def rounds(slug: Slug, _: Member, app: Service) -> list[LotAccount]:
    """Every lot's round accounting (AMMO-COUNT)."""
    return [LotAccount.model_validate(lot) for lot in app.rounds(slug)]


@router.get("/weapons/{weapon}/history")
def history(slug: Slug, weapon: WeaponPath, _: Member, app: Service) -> list[RecordedEntry]:
    """Every ledger entry about a weapon, in order, including refused attempts."""
    return [
        RecordedEntry(index=entry.pop("index"), event=entry) for entry in app.history(slug, weapon)
    ]


@router.get("/weapons/{weapon}/custody")
def custody_at(
    slug: Slug,
    weapon: WeaponPath,
    at: Annotated[Moment, Query(description="The time, RFC 3339, e.g. 2026-11-25T08:00:00Z.")],
    _: Member,
    app: Service,
) -> CustodyAt:
    """Who had a weapon at a time, where it was and what was in its chambers."""
    record = app.custody_at(slug, weapon, format_time(at))
    if record is None:
        raise NotFound(f"{weapon} was not in the inventory at {format_time(at)}")
    return CustodyAt.model_validate(record)
