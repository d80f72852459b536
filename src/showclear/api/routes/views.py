"""Views for people: the board, round accounting, a weapon's history.

``GET /weapons/{weapon}/custody`` stays as an alias of the forensic query
``GET /forensics/weapons/{weapon}/custody`` (:mod:`showclear.api.routes_forensics`).
"""

from fastapi import APIRouter

from showclear.api.responses import Board, LotAccount, RecordedEntry
from showclear.api.routes_forensics import At, query_time
from showclear.api.routing import READ_ERRORS
from showclear.commands.fields import Slug, WeaponPath
from showclear.http import Member, Service
from showclear.service.forensics import Custody

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
    at: At,
    _: Member,
    app: Service,
) -> Custody:
    """Alias of `GET /forensics/weapons/{weapon}/custody`: the same query, the same answer."""
    when = query_time(app, slug, at)
    with app.forensics(slug) as f:
        return f.custody_at(weapon, when)
