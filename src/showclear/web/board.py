"""The day's board, a weapon's page, and finding a weapon by its QR label or its id.

The board is ``GET /productions/{slug}/board``; a weapon's page adds its history
(``GET .../weapons/{weapon}/history``) and the lots' kinds from ``GET .../rounds``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from showclear.api.fields import Slug, WeaponPath
from showclear.api.responses import Board, BoardWeapon
from showclear.api.routes import views as api_views
from showclear.api.security import Service
from showclear.service import NotFound
from showclear.web.labels import QR_SCHEME
from showclear.web.render import board_of, fragment, page
from showclear.web.routing import Viewer, page_router, ui_path

__all__ = ["find_weapon", "lot_kinds", "parse_code", "router", "weapon_of"]

router = page_router()


def parse_code(code: str) -> tuple[str | None, str]:
    """A label's ``showclear:weapon:colt-1`` (web/labels.py) as ``("weapon", "colt-1")``;
    a typed id as ``(None, id)``."""
    text = code.strip()
    parts = text.split(":")
    if len(parts) == 3 and parts[0].lower() == QR_SCHEME:
        return parts[1].lower(), parts[2]
    return None, text


def weapon_of(board: Board, weapon: str) -> BoardWeapon:
    """The board's row of ``weapon``.

    Raises:
        NotFound: no such weapon in the inventory.
    """
    for row in board.weapons:
        if row.weapon == weapon:
            return row
    raise NotFound(f"there is no weapon {weapon!r} in this production's inventory")


def lot_kinds(request: Request, slug: str, member: Any) -> dict[str, str]:
    """Each lot's kind (dummy, blank, live), from ``GET .../rounds``."""
    rows = api_views.rounds(slug, member, request.app.state.showclear)
    return {row.lot: str(getattr(row, "kind", "unknown")) for row in rows}


def _live(request: Request, board: Board, slug: str) -> str:
    return fragment("board_live.html", board=board, ui=lambda rest="/": ui_path(slug, rest))


@router.get("/")
def board_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Every weapon: its state, where it is, who holds it; refreshes by itself."""
    board = board_of(request)
    return page(request, "board.html", title="Board", live=_live(request, board, slug))


@router.get("/board/live")
def board_live(request: Request, slug: Slug, member: Viewer) -> Response:
    """The part of the board that refreshes: the banner and every weapon."""
    board = board_of(request)
    banner = fragment("banner.html", board=board, ui=lambda rest="/": ui_path(slug, rest))
    html = f'<div id="banner">{banner}</div><div id="live">{_live(request, board, slug)}</div>'
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/weapons/{weapon}")
def weapon_page(
    request: Request, slug: Slug, weapon: WeaponPath, member: Viewer, app: Service
) -> Response:
    """A weapon: state, chambers, where it is, its custody history and its inspections."""
    row = weapon_of(board_of(request), weapon)
    history = api_views.history(slug, weapon, member, app)
    inspections = [
        e.event
        for e in history
        if e.event.get("type") == "ShowClearInspected" and e.event.get("weapon") == weapon
    ]
    return page(
        request,
        "weapon.html",
        title=weapon,
        w=row,
        kinds=lot_kinds(request, slug, member),
        history=list(reversed(history)),
        inspections=list(reversed(inspections)),
    )


@router.get("/find")
def find_weapon(
    request: Request,
    slug: Slug,
    member: Viewer,
    code: Annotated[str, Query(max_length=200)],
    then: Literal["weapon", "hand-over"] = "weapon",
) -> Response:
    """Open what a scanned label (or a typed id) names."""
    kind, ident = parse_code(code)
    if kind == "lot":
        return RedirectResponse(ui_path(slug, f"/receive#lot-{ident}"), 303)
    if kind not in (None, "weapon"):
        raise NotFound(f"{code!r} is not a weapon's label; scan the label on the weapon")
    row = weapon_of(board_of(request), ident)
    rest = f"/weapons/{row.weapon}" + ("/hand-over" if then == "hand-over" else "")
    return RedirectResponse(ui_path(slug, rest), 303)


@router.get("/handoff")
def handoff_pick(request: Request, slug: Slug, member: Viewer) -> Response:
    """Hand over: pick the weapon (or scan it), then the receiver confirms."""
    board = board_of(request)
    mine = [w for w in board.weapons if w.holder == member.person]
    others = [w for w in board.weapons if w.holder != member.person]
    return page(request, "handoff_pick.html", title="Hand over", mine=mine, others=others)
