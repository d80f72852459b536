"""Incidents, reviews, concerns, overrides and the production's policy."""

from fastapi import APIRouter

from showclear.api.commands import (
    AnswerConcern,
    ChangePolicy,
    GrantOverride,
    RaiseConcern,
    RecordReview,
    ReportIncident,
    ReportLiveRounds,
)
from showclear.api.fields import ConcernPath, IncidentPath
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["incidents and oversight"])


@command(router, "/incidents", ReportIncident)
def report_incident(body: ReportIncident, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/live-rounds", ReportLiveRounds)
def report_live_rounds(body: ReportLiveRounds, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/incidents/{incident}/reviews", RecordReview)
def record_review(incident: IncidentPath, body: RecordReview, actor: Actor) -> CommandResult:
    return actor.submit(body, incident=incident)


@command(router, "/concerns", RaiseConcern)
def raise_concern(body: RaiseConcern, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/concerns/{concern}/answer", AnswerConcern)
def answer_concern(concern: ConcernPath, body: AnswerConcern, actor: Actor) -> CommandResult:
    return actor.submit(body, concern=concern)


@command(router, "/overrides", GrantOverride)
def grant_override(body: GrantOverride, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/policy", ChangePolicy, method="PATCH")
def change_policy(body: ChangePolicy, actor: Actor) -> CommandResult:
    return actor.submit(body)
