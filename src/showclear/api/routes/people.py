"""People and places: registering people, their trainings and permits, storage locations."""

from fastapi import APIRouter

from showclear.api.commands import AddStorage, RecordPermit, RecordTraining, RegisterPerson
from showclear.api.fields import PersonPath
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["people and places"])


@command(router, "/people", RegisterPerson)
def register_person(body: RegisterPerson, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/people/{person}/trainings", RecordTraining)
def record_training(person: PersonPath, body: RecordTraining, actor: Actor) -> CommandResult:
    return actor.submit(body, person=person)


@command(router, "/people/{person}/permits", RecordPermit)
def record_permit(person: PersonPath, body: RecordPermit, actor: Actor) -> CommandResult:
    return actor.submit(body, person=person)


@command(router, "/storage", AddStorage)
def add_storage(body: AddStorage, actor: Actor) -> CommandResult:
    return actor.submit(body)
