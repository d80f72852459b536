"""The whole crew's safety meeting sign-in on one page: people ticked, visitors by name.

The day's call sheet is listed first, one 48 px row a person with their PIN beside them,
and "Everyone on the call sheet" ticks them all; everyone else registered on the
production is one tap further down. Each registered attendee confirms with their own PIN
(ID-OWN); the signed-in person by their sign-in. Someone ticked who types no PIN is
recorded as present, not confirming, and PLAN-MEETING counts only those who confirmed.
Visitors (no account: a rental house's driver, a guest) are typed by name and company
and recorded as the meeting's visitors; they confirm nothing.

Recording the meeting is the API's ``HoldMeeting`` (``POST /productions/{slug}/meetings``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request, Response

from showclear.commands.fields import Slug
from showclear.http import Service
from showclear.service import BadRequest
from showclear.web.custody import call_sheet, roster
from showclear.web.render import board_of, page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded
from showclear.web.setups import day_setups

__all__ = ["router"]

router = page_router()

#: Empty visitor rows offered (more are added with "Add a visitor").
VISITOR_ROWS = 2


@router.get("/meeting")
def meeting_page(request: Request, slug: Slug, member: Viewer, app: Service) -> Response:
    """The meeting sign-in: the setups covered, the crew ticked with their PINs, visitors."""
    day = board_of(request).day or {}
    on_sheet = call_sheet(request)
    listed = {p for p, _ in on_sheet} | {member.person}
    setups = day_setups(app, slug) if day.get("open") else []
    meetings: dict[str, dict[str, Any]] = {}
    for setup in setups:
        for held in setup["meetings"]:
            meetings[held["at"]] = held
    return page(
        request,
        "meeting.html",
        title="Safety meeting",
        day=day,
        setups=[s for s in setups if not s["completed"]],
        crew=[(p, label) for p, label in on_sheet if p != member.person],
        others=[
            (p, label) for p, label in roster(request, slug) if p not in listed | {member.person}
        ],
        meetings=sorted(meetings.values(), key=lambda m: str(m["at"])),
        visitor_rows=VISITOR_ROWS,
    )


def _attendees(
    me: str | None, person: list[str], pin: list[str], attended: list[str]
) -> list[dict[str, str | None]]:
    """Who attended, each with the PIN they typed (None: present, not confirming)."""
    ticked = set(attended)
    found: dict[str, str | None] = {me: None} if me else {}
    for i, who in enumerate(person):
        secret = pin[i] if i < len(pin) else ""
        if who and who != me and (who in ticked or secret):
            found[who] = secret or None
    return [{"person": p, "pin": s} for p, s in found.items()]


def _visitors(name: list[str], company: list[str]) -> list[dict[str, str]]:
    visitors = []
    for i, typed in enumerate(name):
        who = typed.strip()
        firm = company[i].strip() if i < len(company) else ""
        if not who and firm:
            raise BadRequest(f"type the name of the visitor from {firm}")
        if who:
            visitors.append({"name": who, "company": firm} if firm else {"name": who})
    return visitors


@router.post("/meeting")
def hold_meeting(
    *,
    slug: Slug,
    actor: Doer,
    setups: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    person: Annotated[list[str], Form()] = [],  # noqa: B006
    pin: Annotated[list[str], Form()] = [],  # noqa: B006
    attended: Annotated[list[str], Form()] = [],  # noqa: B006
    me_attends: Annotated[bool, Form()] = False,
    visitor_name: Annotated[list[str], Form()] = [],  # noqa: B006
    visitor_company: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    """Record the meeting: each attendee's own PIN confirms them (ID-OWN), visitors by name."""
    if not setups:
        raise BadRequest("tick the setups the meeting covered")
    attendees = _attendees(actor.person if me_attends else None, person, pin, attended)
    if not attendees:
        raise BadRequest("tick who attended: each registered attendee types their own PIN")
    body: dict[str, Any] = {"setups": setups, "attendees": attendees}
    visitors = _visitors(visitor_name, visitor_company)
    if visitors:
        body["visitors"] = visitors
    return recorded(slug, actor.submit(command("HoldMeeting", body)), "/meeting")
