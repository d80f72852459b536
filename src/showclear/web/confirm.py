"""Confirm on your own phone (ID-OWN): handovers, show-clears, meetings and setups signed
with passkeys.

The tablet's handover and show-clear pages offer, beside the receiver's or performer's
PIN, "Confirm on their own phone" (the meeting form likewise for each attendee, and the
setup form for the handler's sign-off, PLAN-POINTING): the signed-in person proposes the
command (:meth:`showclear.service.passkeys.Passkeys.propose`) and signs it with their own
passkey on the tablet; the tablet then shows a QR code of the confirmation page and
waits. The receiver, performer, attendee or handler scans it, sees on their phone
exactly what they confirm (the weapon, each chamber, the giver, the receiver, the time;
a setup's weapons, loads, lots, distances and who is in the line of fire) and approves
with their own passkey; no sign-in: the passkey is the proof. The last signature records
the command; the tablet, polling, shows what was recorded (the usual flash) or the stop
page naming every rule a refusal broke.

The pages call the passkey ceremonies of the API (``/sign/...``) from the browser, and
the service's own methods here; the PIN on the shared tablet stays the fallback.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import segno
from fastapi import Form, Path, Request, Response
from fastapi.responses import JSONResponse
from markupsafe import Markup

from showclear.commands.fields import Slug, WeaponPath
from showclear.http import Service, relying_of, service_of
from showclear.protocol.catalogue import apply_confirmations, describe
from showclear.service import BadRequest, NotFound
from showclear.service.passkeys import Pending
from showclear.service.sessions import Principal
from showclear.web.board import weapon_of
from showclear.web.custody import NOBODY
from showclear.web.render import page, stop_page, ui_path
from showclear.web.routing import Viewer, page_router, recorded
from showclear.web.setups import PlanForm

__all__ = ["router"]

router = page_router()

PendingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
_WEAPON = "/weapons/{weapon}"
#: Proposals the setups page made, and goes back to once they are recorded.
_SETUP_PAGES = frozenset({"SafetyMeetingHeld", "SetupPlanned", "SetupChanged"})


def _proposed(
    request: Request, slug: str, member: Principal, command: str, body: dict[str, Any]
) -> Response:
    """Propose ``command``; answer the proposer's passkey options and where to wait."""
    app = service_of(request)
    pending = app.passkeys.propose(slug, member, command, body)
    options = app.passkeys.options(slug, pending.id, member.person, relying_of(request))
    wait = ui_path(slug, f"/confirm/{pending.id}/wait")
    return JSONResponse({**options, "wait": wait})


@router.post(_WEAPON + "/hand-over/phone")
def hand_over_on_phone(
    request: Request,
    slug: Slug,
    weapon: WeaponPath,
    member: Viewer,
    receiver: Annotated[str, Form()] = "",
) -> Response:
    """The handover, to be confirmed on the receiver's own phone (CUS-TWO-PARTY, ID-OWN)."""
    if not receiver:
        raise BadRequest("choose who receives the weapon")
    return _proposed(request, slug, member, "HandOver", {"weapon": weapon, "receiver": receiver})


@router.post(_WEAPON + "/inspect/phone")
def inspect_on_phone(
    *,
    request: Request,
    slug: Slug,
    weapon: WeaponPath,
    member: Viewer,
    chamber: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    barrel: Annotated[str, Form()] = "",
    performer: Annotated[str, Form()] = "",
) -> Response:
    """The show-clear inspection, to be confirmed on the performer's own phone."""
    missing = [str(n) for n, content in enumerate(chamber, start=1) if not content]
    if not chamber or missing:
        raise BadRequest(
            f"chamber {', '.join(missing) or 'contents'} not recorded: look into every chamber "
            "and record it"
        )
    if barrel not in ("yes", "no"):
        raise BadRequest("answer: is the barrel clear?")
    if not performer or performer == NOBODY:
        raise BadRequest("choose the performer who confirms on their own phone")
    body = {
        "weapon": weapon,
        "chambers": chamber,
        "barrel_clear": barrel == "yes",
        "performer": performer,
    }
    return _proposed(request, slug, member, "Inspect", body)


@router.post("/meetings/phone")
def meeting_on_phones(
    *,
    request: Request,
    slug: Slug,
    member: Viewer,
    setups: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    on_phone: Annotated[list[str], Form()] = [],  # noqa: B006
    me_attends: Annotated[bool, Form()] = False,
) -> Response:
    """The meeting sign-in, each attendee confirming on their own phone (ID-OWN).

    Every attendee is a signer of the proposal: it is recorded once all have signed.
    """
    if not setups:
        raise BadRequest("tick the setups the meeting covered")
    people = [p.strip() for p in on_phone if p.strip() and p.strip() != member.person]
    attendees = ([member.person] if me_attends else []) + list(dict.fromkeys(people))
    if not people:
        raise BadRequest("tick who confirms on their own phone")
    body = {"setups": setups, "attendees": [{"person": p} for p in attendees]}
    return _proposed(request, slug, member, "HoldMeeting", body)


@router.post("/setups/phone")
def setup_on_phone(request: Request, slug: Slug, member: Viewer, plan: PlanForm) -> Response:
    """The setup, its handler signing it off on their own phone (PLAN-POINTING, ID-OWN).

    The planner signs the proposal with their passkey here; the handler named in the
    sign-off is its second signer, so nothing is recorded until they sign it themselves.
    """
    handler = plan["handler_signoff"]
    if not handler:
        raise BadRequest("name the handler who signs the setup off on their own phone")
    if handler == member.person:
        raise BadRequest(
            f"you are {handler}, the handler: your own sign-in signs it off; use Plan setup"
        )
    return _proposed(request, slug, member, "PlanSetup", plan)


# -- the tablet waits for the phone --------------------------------------------------------------


def _words(found: Pending) -> str:
    """The proposal in words, as it reads once everyone it needs has signed."""
    return describe(apply_confirmations(found.event, set(found.signers)))


def _qr_svg(text: str) -> Markup:
    svg = segno.make(text, error="m").svg_inline(scale=5, light="#fff", border=4)
    # Drawn for the eye; the address beside it says the same in words.
    return Markup(re.sub(r"^<svg ", '<svg aria-hidden="true" focusable="false" ', svg))


@router.get("/confirm/{pending}/wait")
def wait(request: Request, slug: Slug, pending: PendingId, member: Viewer) -> Response:
    """The QR code of the confirmation page, and the tablet polling until it is signed."""
    found = service_of(request).passkeys.pending(slug, pending)
    address = str(request.url_for("confirm_page", slug=slug, pending=pending))
    return page(
        request,
        "confirm_wait.html",
        title="Confirm on their own phone",
        pending=found,
        what=_words(found),
        address=address,
        qr=_qr_svg(address),
    )


@router.get("/confirm/{pending}/status")
def status(request: Request, slug: Slug, pending: PendingId) -> Response:
    """Whether the proposal still waits (and for whom), was recorded, or was refused."""
    passkeys = service_of(request).passkeys
    finished = passkeys.finished(slug, pending)
    if finished is not None:
        state = "refused" if finished[1].refused else "recorded"
        return JSONResponse({"state": state, "waiting": []})
    try:
        found = passkeys.pending(slug, pending)
    except NotFound as e:
        return JSONResponse({"state": "gone", "waiting": [], "detail": str(e)})
    return JSONResponse({"state": "waiting", "waiting": found.waiting})


@router.get("/confirm/{pending}/done")
def done(request: Request, slug: Slug, pending: PendingId, member: Viewer) -> Response:
    """What the signed proposal recorded: the usual flash, or the stop page of a refusal."""
    finished = service_of(request).passkeys.finished(slug, pending)
    if finished is None:
        raise NotFound(
            f"proposal {pending} recorded nothing (it expired, or a signature failed): "
            "propose it again, or confirm with the PIN"
        )
    proposal, receipt = finished
    if receipt.refused:
        return stop_page(request, receipt)
    weapon = proposal.event.get("weapon")
    then = f"/weapons/{weapon}" if weapon else "/"
    if proposal.event.get("type") in _SETUP_PAGES:
        then = "/setups"
    if proposal.event.get("type") == "ShowClearInspected" and proposal.event.get("performer"):
        then = f"/weapons/{weapon}/hand-over"
    return recorded(slug, receipt, then)


# -- the phone -----------------------------------------------------------------------------------


def _facts(request: Request, slug: str, event: dict[str, Any]) -> dict[str, Any]:
    """What the phone shows beside the proposal: the weapon as the board has it now (its
    chambers), a setup's weapons described, and each lot's kind."""
    app = service_of(request)
    kinds = {row["lot"]: str(row.get("kind", "unknown")) for row in app.rounds(slug)}
    if isinstance(event.get("weapons"), list):  # a setup: each weapon's use
        board = app.board(slug)
        described = {row.weapon: row.description for row in board.weapons}
        return {"kinds": kinds, "described": described}
    weapon = event.get("weapon")
    if not weapon:
        return {}
    try:
        row = weapon_of(app.board(slug), str(weapon))
    except NotFound:
        return {}
    return {"w": row, "kinds": kinds}


@router.get("/confirm/{pending}", name="confirm_page")
def confirm_page(request: Request, slug: Slug, pending: PendingId, app: Service) -> Response:
    """What the receiver or performer confirms, in words, and their passkey button.

    No sign-in: the pending id is the address, the person's passkey is the proof.
    """
    finished = app.passkeys.finished(slug, pending)
    found: Pending
    if finished is not None:
        found, receipt = finished
        if receipt.refused:
            return stop_page(request, receipt)
        return page(
            request,
            "confirm.html",
            title="Recorded",
            pending=found,
            event=found.event,
            what=describe(receipt.events[0]) if receipt.events else _words(found),
            done=True,
            **_facts(request, slug, found.event),
        )
    found = app.passkeys.pending(slug, pending)
    return page(
        request,
        "confirm.html",
        title="Confirm with your passkey",
        pending=found,
        event=found.event,
        what=_words(found),
        done=False,
        **_facts(request, slug, found.event),
    )
