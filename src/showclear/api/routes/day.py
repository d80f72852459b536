"""The shoot day: call sheet, meal break, wrap, and closing with the round count."""

from fastapi import APIRouter

from showclear.api.commands import CallMealBreak, CallWrap, CloseDay, OpenDay, ReviseCallSheet
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}/day", tags=["the day"])


@command(router, "", OpenDay)
def open_day(body: OpenDay, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/call-sheet", ReviseCallSheet, method="PUT")
def revise_call_sheet(body: ReviseCallSheet, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/meal-break", CallMealBreak)
def call_meal_break(actor: Actor) -> CommandResult:
    return actor.submit(CallMealBreak())


@command(router, "/wrap", CallWrap)
def call_wrap(actor: Actor) -> CommandResult:
    return actor.submit(CallWrap())


@command(router, "/close", CloseDay)
def close_day(body: CloseDay, actor: Actor) -> CommandResult:
    return actor.submit(body)
