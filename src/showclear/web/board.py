"""The day's board, a weapon's page, and finding a weapon by its QR label or its id.

The board is the service's (as ``GET /productions/{slug}/board`` answers it); a
weapon's page adds its history (as ``GET .../weapons/{weapon}/history``) and the
lots' kinds (as ``GET .../rounds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from showclear.commands.fields import Slug, WeaponPath
from showclear.http import Service, service_of
from showclear.reports.labels import QR_SCHEME
from showclear.service import App, NotFound
from showclear.service.views import Board, BoardWeapon
from showclear.service.witnessing import witness_status
from showclear.web.render import board_of, fragment, page, ui_path
from showclear.web.routing import Viewer, page_router

__all__ = [
    "Entry",
    "by_danger",
    "find_weapon",
    "history_of",
    "lot_kinds",
    "next_action",
    "parse_code",
    "router",
    "weapon_of",
]

router = page_router()


def parse_code(code: str) -> tuple[str | None, str]:
    """A label's ``showclear:weapon:colt-1`` (reports/labels.py) as ``("weapon", "colt-1")``;
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


def lot_kinds(request: Request, slug: str) -> dict[str, str]:
    """Each lot's kind (dummy, blank, live), from the round accounting (``GET .../rounds``)."""
    return {row["lot"]: str(row.get("kind", "unknown")) for row in service_of(request).rounds(slug)}


@dataclass(frozen=True)
class Entry:
    """A ledger entry about a weapon: its index and its event."""

    index: int
    event: dict[str, Any]


def history_of(app: App, slug: str, weapon: str) -> list[Entry]:
    """Every ledger entry about ``weapon``, in order (``GET .../weapons/{weapon}/history``).

    Raises:
        NotFound: no such weapon in the inventory.
    """
    return [Entry(entry.pop("index"), entry) for entry in app.history(slug, weapon)]


def _performers(board: Board) -> set[str]:
    day = board.day or {}
    duties: dict[str, list[str]] = day.get("duties", {}) if day.get("open") else {}
    return {person for person, jobs in duties.items() if "performer" in jobs}


def by_danger(board: Board) -> list[BoardWeapon]:
    """The board's weapons, the most dangerous first: HOT, UNKNOWN, out with a performer,
    out with anyone else, then in storage; by id within each."""
    performers = _performers(board)

    def rank(w: BoardWeapon) -> tuple[int, str]:
        if w.state == "HOT":
            return 0, w.weapon
        if w.state == "UNKNOWN":
            return 1, w.weapon
        if w.holder is not None and w.holder in performers:
            return 2, w.weapon
        return (3 if w.holder is not None else 4), w.weapon

    return sorted(board.weapons, key=rank)


@dataclass(frozen=True)
class NextAction:
    """The one safe step a weapon's state calls for: the page it is done on, and why."""

    step: str
    label: str
    why: str


def next_action(board: Board, w: BoardWeapon) -> NextAction:
    """What the handler does next with ``w``, from where it is and what is in it."""
    if w.holder is not None and w.holder in _performers(board):
        # Whatever is in it, a performer hands it back to the handler after the take.
        return NextAction(
            "hand-over", f"Next: take it back from {w.holder}", "Back to the handler after use."
        )
    if w.holder is None:
        return NextAction(
            "take-out", "Next: take it out", "Out of storage for a setup, then show it clear."
        )
    if w.state == "HOT" or w.quarantine:
        return NextAction(
            "unload",
            "Next: unload it",
            "It holds blanks or suspect rounds: unload, then check the barrel.",
        )
    return NextAction(
        "inspect",
        "Next: show it clear",
        "A show-clear inspection, with the performer watching, comes before any handover.",
    )


def _live(request: Request, board: Board, slug: str) -> str:
    # How far behind each witness is (as ``GET .../ledger/witnesses`` answers it).
    witnesses = witness_status(service_of(request), slug)
    return fragment(
        "board_live.html",
        request,
        board=board,
        weapons=by_danger(board),
        witnesses=witnesses,
        ui=lambda rest="/": ui_path(slug, rest),
    )


@router.get("/")
def board_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Every weapon: its state, where it is, who holds it; refreshes by itself."""
    board = board_of(request)
    return page(request, "board.html", title="Board", live=_live(request, board, slug))


@router.get("/board/live")
def board_live(request: Request, slug: Slug, member: Viewer) -> Response:
    """The part of the board that refreshes: the banner and every weapon."""
    board = board_of(request)
    banner = fragment("banner.html", request, board=board, ui=lambda rest="/": ui_path(slug, rest))
    html = f'<div id="banner">{banner}</div><div id="live">{_live(request, board, slug)}</div>'
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/weapons/{weapon}")
def weapon_page(
    request: Request, slug: Slug, weapon: WeaponPath, member: Viewer, app: Service
) -> Response:
    """A weapon: state, chambers, where it is, its custody history and its inspections."""
    row = weapon_of(board_of(request), weapon)
    history = history_of(app, slug, weapon)
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
        next=next_action(board_of(request), row),
        kinds=lot_kinds(request, slug),
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
