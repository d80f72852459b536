"""The shoot day: the call sheet as a table, meal break, wrap, and closing with the round count.

The call sheet is edited as a table (person, duties, call time; rows added and removed),
and can start as a copy of the previous day's: the last sheet that day published, read
from the ledger's ``DayOpened`` and ``CallSheetRevised`` entries as
``GET /productions/{slug}/ledger/entries`` answers them. Opening the day and revising the
sheet are the API's ``OpenDay`` and ``ReviseCallSheet``.

Closing the day is the round reconciliation of AMMO-COUNT: the handler types the
rounds physically counted per lot (the form is never pre-filled with what the
ledger expects); a difference is refused and opens an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Form, Query, Request, Response

from showclear.commands.fields import Slug
from showclear.http import Service, service_of
from showclear.protocol.time import local_date
from showclear.service import App, BadRequest
from showclear.web.custody import lots, roster
from showclear.web.ledger import entries
from showclear.web.render import board_of, page, production_settings
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["CallSheets", "SheetRow", "call_sheets", "router"]

router = page_router()

#: Empty rows offered below the sheet's people (more are added with "Add a row").
BLANK_ROWS = 3
#: At least this many rows on a new sheet.
MIN_ROWS = 6
#: The duties a call sheet names most; any other may be typed.
DUTIES = ("handler", "performer", "first_ad", "armorer", "safety_coordinator", "producer")
_PAGE = 500
#: How far back the call sheets are read, at most (two days are far shorter).
_MAX_SCAN = 20_000
_SHEETS = frozenset({"DayOpened", "CallSheetRevised"})
_CALL_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class SheetRow:
    """One row of the call sheet table."""

    person: str = ""
    duties: str = ""
    call_time: str = ""


@dataclass(frozen=True)
class CallSheets:
    """The latest day's call sheet as last published, and the day before's (or None)."""

    latest: list[SheetRow] | None
    latest_date: str | None
    previous: list[SheetRow] | None
    previous_date: str | None


def _rows(sheet: list[dict[str, Any]]) -> list[SheetRow]:
    return [
        SheetRow(
            str(row.get("person", "")),
            ", ".join(str(d) for d in row.get("duties", [])),
            str(row.get("call_time", "")),
        )
        for row in sheet
        if isinstance(row, dict)
    ]


def call_sheets(app: App, slug: str) -> CallSheets:
    """The last call sheet of the latest day opened, and of the day before it."""
    found: list[tuple[str, list[SheetRow] | None]] = []  # (date, last sheet) newest first
    sheet: list[SheetRow] | None = None
    end, scanned = app.production(slug).size, 0
    while end > 0 and scanned < _MAX_SCAN and len(found) < 2:
        start = max(0, end - _PAGE)
        _, chunk = entries(app, slug, start, end - start)
        scanned += len(chunk)
        for entry in reversed(chunk):
            event = entry.event
            if not isinstance(event, dict) or event.get("type") not in _SHEETS:
                continue
            if sheet is None:  # newest first: the first one seen is the day's last word
                sheet = _rows(event.get("call_sheet", []))
            if event["type"] == "DayOpened":
                found.append((str(event.get("date", "")), sheet))
                sheet = None
                if len(found) == 2:
                    break
        end = start
    latest = found[0] if found else (None, None)
    previous = found[1] if len(found) > 1 else (None, None)
    return CallSheets(latest[1], latest[0], previous[1], previous[0])


def _table(rows: list[SheetRow]) -> list[SheetRow]:
    """``rows`` and the empty rows below them."""
    return rows + [SheetRow()] * max(BLANK_ROWS, MIN_ROWS - len(rows))


@router.get("/day")
def day_page(
    request: Request,
    slug: Slug,
    member: Viewer,
    app: Service,
    copy: Annotated[str, Query(pattern="^(yesterday)?$")] = "",
) -> Response:
    """The day's call sheet as a table, meal break and wrap, and closing with the round count.

    ``?copy=yesterday`` fills the table with the previous day's last call sheet.
    """
    day = board_of(request).day
    is_open = bool(day and day.get("open"))
    sheets = call_sheets(app, slug)
    # "Yesterday" is the day before the open one, or the last day when none is open.
    before, before_date = (
        (sheets.previous, sheets.previous_date) if is_open else (sheets.latest, sheets.latest_date)
    )
    copied = bool(copy) and before is not None
    if copied and before is not None:
        rows = before
    elif is_open and sheets.latest is not None:
        rows = sheets.latest  # as published: its order and call times
    elif is_open:  # the sheet is further back than the pages read: the projection's duties
        duties: dict[str, list[str]] = (day or {}).get("duties", {})
        rows = [SheetRow(p, ", ".join(d)) for p, d in duties.items()]
    else:
        rows = []
    return page(
        request,
        "day.html",
        title="Day",
        day=day,
        # Today where the production shoots: a Los Angeles call at 16:30 is still today.
        today=local_date(
            service_of(request).clock.now(), production_settings(request).time_zone
        ).isoformat(),
        sheet=_table(rows),
        copied_from=before_date if copied else None,
        yesterday=before_date if before is not None else None,
        duty_names=DUTIES,
        roster=roster(request, slug),
        lots=lots(request, slug),
    )


def _call_time(text: str, who: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    found = _CALL_TIME.match(text)
    if not found:
        raise BadRequest(f"the call time of {who} must be a time of day like 07:30, not {text!r}")
    return f"{int(found[1]):02d}:{found[2]}"


def _call_sheet(
    person: list[str], duties: list[str], call_time: list[str]
) -> list[dict[str, object]]:
    sheet: list[dict[str, object]] = []
    for i, typed in enumerate(person):
        who = typed.strip()
        if not who:
            continue
        jobs = duties[i] if i < len(duties) else ""
        row: dict[str, object] = {
            "person": who,
            "duties": [d.strip().replace(" ", "_") for d in jobs.split(",") if d.strip()],
        }
        called = _call_time(call_time[i] if i < len(call_time) else "", who)
        if called:
            row["call_time"] = called
        sheet.append(row)
    if not sheet:
        raise BadRequest("put at least one person on the call sheet")
    return sheet


@router.post("/day/open")
def open_day(
    *,
    slug: Slug,
    actor: Doer,
    date: Annotated[str, Form()],
    person: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    duties: Annotated[list[str], Form()] = [],  # noqa: B006
    call_time: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    body = command("OpenDay", {"date": date, "call_sheet": _call_sheet(person, duties, call_time)})
    return recorded(slug, actor.submit(body), "/day")


@router.post("/day/call-sheet")
def revise_call_sheet(
    slug: Slug,
    actor: Doer,
    person: Annotated[list[str], Form()] = [],  # noqa: B006
    duties: Annotated[list[str], Form()] = [],  # noqa: B006
    call_time: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    body = command("ReviseCallSheet", {"call_sheet": _call_sheet(person, duties, call_time)})
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
