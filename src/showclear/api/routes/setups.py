"""Setups and safety meetings."""

from fastapi import APIRouter

from showclear.api.commands import ChangeSetup, CompleteSetup, HoldMeeting, PlanSetup
from showclear.api.fields import SetupPath
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["setups and meetings"])


@command(router, "/setups", PlanSetup)
def plan_setup(body: PlanSetup, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/setups/{setup}", ChangeSetup, method="PUT")
def change_setup(setup: SetupPath, body: ChangeSetup, actor: Actor) -> CommandResult:
    return actor.submit(body, setup=setup)


@command(router, "/setups/{setup}/complete", CompleteSetup)
def complete_setup(setup: SetupPath, actor: Actor) -> CommandResult:
    return actor.submit(CompleteSetup(), setup=setup)


@command(router, "/meetings", HoldMeeting)
def hold_meeting(body: HoldMeeting, actor: Actor) -> CommandResult:
    return actor.submit(body)
