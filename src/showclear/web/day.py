"""The shoot day: the call sheet, meal break, wrap, and closing with the round count.

Closing the day is the round reconciliation of AMMO-COUNT: the handler types the
rounds physically counted per lot (the form is never pre-filled with what the
ledger expects); a difference is refused and opens an incident.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from showclear.commands.fields import Slug
from showclear.http import service_of
from showclear.service import BadRequest
from showclear.web.custody import lots, roster
from showclear.web.render import board_of, page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["router"]

router = page_router()

CALL_SHEET_ROWS = 12


@router.get("/day")
def day_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """The day's call sheet, meal break and wrap, and closing with the round count."""
    day = board_of(request).day
    duties: dict[str, list[str]] = (day or {}).get("duties", {})
    rows = [(p, ", ".join(d)) for p, d in duties.items()]
    rows += [("", "")] * max(2, CALL_SHEET_ROWS - len(rows))
    return page(
        request,
        "day.html",
        title="Day",
        day=day,
        today=service_of(request).clock.now().date().isoformat(),
        sheet=rows,
        roster=roster(request, slug),
        lots=lots(request, slug),
    )


def _call_sheet(person: list[str], duties: list[str]) -> list[dict[str, object]]:
    sheet: list[dict[str, object]] = []
    for who, jobs in zip(person, duties, strict=False):
        if who.strip():
            sheet.append(
                {
                    "person": who.strip(),
                    "duties": [d.strip().replace(" ", "_") for d in jobs.split(",") if d.strip()],
                }
            )
    if not sheet:
        raise BadRequest("put at least one person on the call sheet")
    return sheet


@router.post("/day/open")
def open_day(
    slug: Slug,
    actor: Doer,
    date: Annotated[str, Form()],
    person: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    duties: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    body = command("OpenDay", {"date": date, "call_sheet": _call_sheet(person, duties)})
    return recorded(slug, actor.submit(body), "/day")


@router.post("/day/call-sheet")
def revise_call_sheet(
    slug: Slug,
    actor: Doer,
    person: Annotated[list[str], Form()] = [],  # noqa: B006
    duties: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    body = command("ReviseCallSheet", {"call_sheet": _call_sheet(person, duties)})
    return recorded(slug, actor.submit(body), "/day")


@router.post("/day/meal-break")
def meal_break(slug: Slug, actor: Doer) -> Response:
    return recorded(slug, actor.submit(command("CallMealBreak")), "/day")


@router.post("/day/wrap")
def wrap(slug: Slug, actor: Doer) -> Response:
    return recorded(slug, actor.submit(command("CallWrap")), "/day")


@router.post("/day/close")
def close_day(
    slug: Slug,
    actor: Doer,
    lot: Annotated[list[str], Form()] = [],  # noqa: B006
    counted: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    counts: dict[str, int] = {}
    for lot_id, text in zip(lot, counted, strict=False):
        if not text.strip().isdigit():
            raise BadRequest(f"count the rounds of {lot_id} and type the number")
        counts[lot_id] = int(text)
    body = command("CloseDay", {"counts": counts})
    return recorded(slug, actor.submit(body), "/day")
