"""Inventory: weapons and lots received, dummies verified, rounds returned, destroyed, missing."""

from fastapi import APIRouter

from showclear.api.commands import (
    DestroyRounds,
    ReceiveLot,
    ReceiveWeapon,
    RecordMissingRounds,
    ReturnRoundsToSupplier,
    VerifyDummies,
)
from showclear.api.fields import LotPath
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["inventory"])


@command(router, "/weapons", ReceiveWeapon)
def receive_weapon(body: ReceiveWeapon, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/lots", ReceiveLot)
def receive_lot(body: ReceiveLot, actor: Actor) -> CommandResult:
    return actor.submit(body)


@command(router, "/lots/{lot}/dummies-verified", VerifyDummies)
def verify_dummies(lot: LotPath, body: VerifyDummies, actor: Actor) -> CommandResult:
    return actor.submit(body, lot=lot)


@command(router, "/lots/{lot}/returned", ReturnRoundsToSupplier)
def return_rounds(lot: LotPath, body: ReturnRoundsToSupplier, actor: Actor) -> CommandResult:
    return actor.submit(body, lot=lot)


@command(router, "/lots/{lot}/destroyed", DestroyRounds)
def destroy_rounds(lot: LotPath, body: DestroyRounds, actor: Actor) -> CommandResult:
    return actor.submit(body, lot=lot)


@command(router, "/lots/{lot}/missing", RecordMissingRounds)
def record_missing_rounds(lot: LotPath, body: RecordMissingRounds, actor: Actor) -> CommandResult:
    return actor.submit(body, lot=lot)
