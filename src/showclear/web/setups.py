"""Setups and the safety meeting: plan a setup, then everyone signs in with their own PIN.

The handler's sign-off of a plan is theirs to give (ID-OWN): their PIN on the tablet, their
own sign-in when they plan it, or their passkey on their own phone (``web/confirm.py``).

The API has no list of setups; the page shows the plans recorded since the day
opened, read from the ledger's entries as ``GET /productions/{slug}/ledger/entries``
answers them (newest first, back to the day's ``DayOpened``). Whether a plan is
safe is the protocol's to decide when a weapon is taken out for it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response

from showclear.commands.fields import Slug
from showclear.http import Service
from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.catalogue.setups import normalize_plan
from showclear.protocol.units import DEFAULT_UNITS, DISTANCE_FORMS, read_distance
from showclear.service import App, BadRequest
from showclear.web.custody import call_sheet, lots, roster
from showclear.web.ledger import entries
from showclear.web.render import board_of, page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["PlanForm", "day_setups", "router"]

router = page_router()

_PAGE = 500
#: How far back the setups page reads, at most (a day is far shorter).
_MAX_SCAN = 20_000
WEAPON_ROWS = 3
NEAR_ROWS = 4


def day_setups(app: App, slug: str) -> list[dict[str, Any]]:
    """The setups planned since the day opened, each with its latest plan and meetings."""
    newest: list[dict[str, Any]] = []
    end = app.production(slug).size
    while end > 0 and len(newest) < _MAX_SCAN:
        start = max(0, end - _PAGE)
        _, chunk = entries(app, slug, start, end - start)
        events = [e.event for e in reversed(chunk) if isinstance(e.event, dict)]
        opened = next((i for i, e in enumerate(events) if e.get("type") == "DayOpened"), None)
        newest.extend(events if opened is None else events[: opened + 1])
        if opened is not None:
            break
        end = start
    plans: dict[str, dict[str, Any]] = {}
    for event in reversed(newest):
        kind = event.get("type")
        if kind in ("SetupPlanned", "SetupChanged"):
            previous = plans.get(event["setup"], {})
            # Every optional field filled (a plan from the API may leave out a lot or rounds).
            plans[event["setup"]] = {
                **event,
                **normalize_plan(event),
                "handler_signoff": event.get("handler_signoff"),
                "completed": False,
                "meetings": previous.get("meetings", []),
            }
        elif kind == "SetupCompleted" and event["setup"] in plans:
            plans[event["setup"]]["completed"] = True
        elif kind == "SafetyMeetingHeld":
            for setup in event["setups"]:
                if setup in plans:
                    plans[setup]["meetings"].append(event)
    return list(plans.values())


@router.get("/setups")
def setups_page(request: Request, slug: Slug, member: Viewer, app: Service) -> Response:
    """Today's setups, the meeting sign-in, and a form to plan a setup."""
    board = board_of(request)
    return page(
        request,
        "setups.html",
        title="Setups & meeting",
        setups=day_setups(app, slug),
        people=call_sheet(request),
        roster=roster(request, slug),
        weapons=[w.weapon for w in board.weapons],
        lots=[lot["lot"] for lot in lots(request, slug)],
        weapon_rows=WEAPON_ROWS,
        near_rows=NEAR_ROWS,
        units=settings_of(app.projection(slug)).units,
    )


def _centimetres(text: str, who: str, units: str = DEFAULT_UNITS) -> int:
    """The distance typed for ``who`` in centimetres: 20ft, 6m, 610cm, or a bare number in
    the production's unit.

    Raises:
        BadRequest: not a distance, saying which forms are.
    """
    try:
        return read_distance(text, units)
    except ValueError:
        raise BadRequest(
            f"the distance of {who}: {text!r} is not one; write {DISTANCE_FORMS}"
        ) from None


def _plan_form(
    *,
    slug: Slug,
    app: Service,
    setup: Annotated[str, Form()],
    scene: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    direction: Annotated[str, Form()],
    w_weapon: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    w_performer: Annotated[list[str], Form()] = [],  # noqa: B006
    w_load: Annotated[list[str], Form()] = [],  # noqa: B006
    w_lot: Annotated[list[str], Form()] = [],  # noqa: B006
    w_rounds: Annotated[list[str], Form()] = [],  # noqa: B006
    n_who: Annotated[list[str], Form()] = [],  # noqa: B006
    n_metres: Annotated[list[str], Form()] = [],  # noqa: B006
    n_line: Annotated[list[int], Form()] = [],  # noqa: B006  (row numbers ticked)
    n_shielded: Annotated[list[int], Form()] = [],  # noqa: B006
    n_remote: Annotated[list[int], Form()] = [],  # noqa: B006
    n_eye: Annotated[list[int], Form()] = [],  # noqa: B006
    n_hearing: Annotated[list[int], Form()] = [],  # noqa: B006
    handler_signoff: Annotated[str, Form()] = "",
    functional_reason: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    """The PlanSetup body the setup form describes, without anyone's PIN."""
    weapons = []
    for i, weapon in enumerate(w_weapon):
        if not weapon:
            continue
        rounds = w_rounds[i].strip() if i < len(w_rounds) else ""
        weapons.append(
            {
                "weapon": weapon,
                "performer": w_performer[i].strip() if i < len(w_performer) else "",
                "load": w_load[i] if i < len(w_load) else "empty",
                "lot": (w_lot[i] if i < len(w_lot) else "") or None,
                "rounds": int(rounds) if rounds.isdigit() else None,
            }
        )
    near = []
    units = settings_of(app.projection(slug)).units if any(w.strip() for w in n_who) else ""
    for i, who in enumerate(n_who):
        if not who.strip():
            continue
        metres = n_metres[i] if i < len(n_metres) else ""
        near.append(
            {
                "who": who.strip(),
                "distance_cm": _centimetres(metres, who.strip(), units or DEFAULT_UNITS),
                "in_line_of_fire": i in n_line,
                "shielded": i in n_shielded,
                "remote": i in n_remote,
                "eye_protection": i in n_eye,
                "hearing_protection": i in n_hearing,
            }
        )
    return {
        "setup": setup.strip(),
        "scene": scene.strip(),
        "kind": kind,
        "weapons": weapons,
        "direction": direction.strip(),
        "people_near": near,
        "handler_signoff": handler_signoff.strip() or None,
        "functional_reason": functional_reason.strip() or None,
    }


#: The setup form's plan, as a PlanSetup body without PINs (shared with the phone's route).
PlanForm = Annotated[dict[str, Any], Depends(_plan_form)]


@router.post("/setups")
def plan_setup(
    *,
    slug: Slug,
    actor: Doer,
    plan: PlanForm,
    handler_pin: Annotated[str, Form()] = "",
) -> Response:
    """Plan a setup; the handler's sign-off given by their PIN or by being the planner."""
    # The handler confirms their own sign-off (ID-OWN): their PIN, typed by them, unless
    # they are the one signed in and planning. On their own phone: confirm.setup_on_phone.
    body = command("PlanSetup", {**plan, "handler_pin": handler_pin or None})
    return recorded(slug, actor.submit(body), "/setups")


@router.post("/meetings")
def hold_meeting(
    *,
    slug: Slug,
    actor: Doer,
    setups: Annotated[list[str], Form()] = [],  # noqa: B006
    person: Annotated[list[str], Form()] = [],  # noqa: B006
    pin: Annotated[list[str], Form()] = [],  # noqa: B006
    me_attends: Annotated[bool, Form()] = False,
) -> Response:
    """Each attendee confirms with their own PIN; the signed-in person by their session."""
    if not setups:
        raise BadRequest("tick the setups the meeting covered")
    attendees: dict[str, str | None] = {actor.person: None} if me_attends else {}
    for who, secret in zip(person, pin, strict=False):
        if who.strip() and secret and who.strip() != actor.person:
            attendees[who.strip()] = secret
    if not attendees:
        raise BadRequest("nobody signed in: each attendee types their own PIN")
    body = command(
        "HoldMeeting",
        {"setups": setups, "attendees": [{"person": p, "pin": s} for p, s in attendees.items()]},
    )
    return recorded(slug, actor.submit(body), "/setups")
