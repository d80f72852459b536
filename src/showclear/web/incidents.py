"""Stopping the set: cease-fire and incidents, live rounds, unattended weapons, concerns, reviews.

Reporting is never restricted (anyone can stop the set); reviews and answers are
for the safety coordinator and producers (the service's role matrix decides).
Each form becomes the typed command the API's incident routes take, submitted as
the signed-in member.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from showclear.commands.fields import ConcernPath, IncidentPath, Slug
from showclear.service import BadRequest
from showclear.service.authz import MATRIX
from showclear.web.custody import lots
from showclear.web.render import board_of, page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["router"]

router = page_router()

INCIDENT_KINDS = [
    ("unintended_discharge", "Unintended discharge"),
    ("misfire", "Misfire"),
    ("squib", "Squib / obstruction"),
    ("injury", "Injury"),
    ("lost_weapon", "Weapon lost"),
    ("unattended_weapon", "Weapon unattended"),
    ("live_round_found", "Live round found"),
    ("round_count_difference", "Round count wrong"),
]


@router.get("/ceasefire")
def ceasefire_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Stop the set: report an incident, live rounds or an unattended weapon."""
    board = board_of(request)
    return page(
        request,
        "ceasefire.html",
        title="CEASE FIRE",
        kinds=INCIDENT_KINDS,
        weapons=[w.weapon for w in board.weapons],
        lots=[lot["lot"] for lot in lots(request, slug)],
    )


@router.post("/ceasefire")
def report_incident(
    slug: Slug,
    actor: Doer,
    kind: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    weapon: Annotated[str, Form()] = "",
) -> Response:
    if not kind:
        raise BadRequest("tap what happened")
    label = dict(INCIDENT_KINDS).get(kind, kind)
    body = command(
        "ReportIncident",
        {
            "kind": kind,
            "description": description.strip() or f"{label}: cease-fire called by {actor.person}",
            "weapon": weapon or None,
        },
    )
    return recorded(slug, actor.submit(body), "/reviews")


@router.post("/live-rounds")
def report_live_rounds(
    *,
    slug: Slug,
    actor: Doer,
    count: Annotated[int, Form()],
    where: Annotated[str, Form()],
    lot: Annotated[str, Form()] = "",
    weapon: Annotated[str, Form()] = "",
) -> Response:
    body = command(
        "ReportLiveRounds",
        {"count": count, "where": where.strip(), "lot": lot or None, "weapon": weapon or None},
    )
    return recorded(slug, actor.submit(body), "/reviews")


@router.post("/found-unattended")
def found_unattended(
    slug: Slug,
    actor: Doer,
    weapon: Annotated[str, Form()],
    where: Annotated[str, Form()],
) -> Response:
    body = command("ReportFoundUnattended", where=where.strip())
    # Secured by whoever reports it (the API's default when its body names nobody).
    outcome = actor.submit(body, weapon=weapon, secured_by=actor.person)
    return recorded(slug, outcome, "/reviews")


# -- concerns -------------------------------------------------------------------------------


@router.get("/concerns")
def concerns_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Raise a safety concern (anonymously if you like); answers for oversight roles."""
    may_answer = bool(set(member.roles) & MATRIX["ConcernAnswered"])
    return page(request, "concerns.html", title="Safety concerns", may_answer=may_answer)


@router.post("/concerns")
def raise_concern(
    slug: Slug,
    actor: Doer,
    text: Annotated[str, Form()],
    anonymous: Annotated[bool, Form()] = False,
    stop_work: Annotated[bool, Form()] = False,
) -> Response:
    body = command("RaiseConcern", text=text.strip(), anonymous=anonymous, stop_work=stop_work)
    return recorded(slug, actor.submit(body), "/concerns")


@router.post("/concerns/{concern}/answer")
def answer_concern(
    slug: Slug, concern: ConcernPath, actor: Doer, answer: Annotated[str, Form()]
) -> Response:
    body = command("AnswerConcern", answer=answer.strip())
    return recorded(slug, actor.submit(body, concern=concern), "/concerns")


# -- reviews --------------------------------------------------------------------------------


@router.get("/reviews")
def reviews_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Open incidents; the safety coordinator and a producer each record a review."""
    roles = [r for r in ("safety_coordinator", "producer") if r in member.roles]
    return page(request, "reviews.html", title="Reviews", review_roles=roles)


@router.post("/incidents/{incident}/review")
def record_review(
    slug: Slug,
    incident: IncidentPath,
    actor: Doer,
    role: Annotated[str, Form()],
    findings: Annotated[str, Form()],
) -> Response:
    body = command("RecordReview", {"role": role, "findings": findings.strip()})
    return recorded(slug, actor.submit(body, incident=incident), "/reviews")
