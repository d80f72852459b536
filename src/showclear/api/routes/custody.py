"""Custody of one weapon: out of storage, loaded, inspected, handed over, fired, returned."""

from fastapi import APIRouter

from showclear.api.commands import (
    CheckBarrel,
    Discharge,
    HandOver,
    Inspect,
    LoadRounds,
    ReportFoundUnattended,
    ReturnToStorage,
    TakeOut,
    UnloadRounds,
)
from showclear.api.fields import WeaponPath
from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}/weapons/{weapon}", tags=["custody"])


@command(router, "/take-out", TakeOut)
def take_out(weapon: WeaponPath, body: TakeOut, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/load", LoadRounds)
def load(weapon: WeaponPath, body: LoadRounds, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/unload", UnloadRounds)
def unload(weapon: WeaponPath, body: UnloadRounds, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/inspect", Inspect)
def inspect(weapon: WeaponPath, body: Inspect, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/hand-over", HandOver)
def hand_over(weapon: WeaponPath, body: HandOver, actor: Actor) -> CommandResult:
    # The giver is whoever is signed in: the giver records a handover (CUS-TWO-PARTY).
    return actor.submit(body, weapon=weapon, giver=actor.person)


@command(router, "/discharge", Discharge)
def discharge(weapon: WeaponPath, body: Discharge, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/barrel-check", CheckBarrel)
def barrel_check(weapon: WeaponPath, body: CheckBarrel, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/return", ReturnToStorage)
def return_to_storage(weapon: WeaponPath, body: ReturnToStorage, actor: Actor) -> CommandResult:
    return actor.submit(body, weapon=weapon)


@command(router, "/found-unattended", ReportFoundUnattended)
def found_unattended(
    weapon: WeaponPath, body: ReportFoundUnattended, actor: Actor
) -> CommandResult:
    return actor.submit(body, weapon=weapon, secured_by=body.secured_by or actor.person)
