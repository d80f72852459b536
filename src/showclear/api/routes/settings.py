"""The production's settings as a client reads them: its time zone and unit system.

``PATCH /productions/{slug}/settings`` (the command ``ChangeSettings``) changes them, as
every command does, from the catalogue (:mod:`showclear.api.routes.commands`).
"""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from showclear.api.routing import READ_ERRORS
from showclear.commands.fields import Slug
from showclear.http import Member, Service
from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.time import local_stamp

__all__ = ["ProductionSettingsView", "router"]

router = APIRouter(prefix="/productions/{slug}", tags=["the production"], responses=READ_ERRORS)


class ProductionSettingsView(BaseModel):
    """How the production reads and types times and distances; entries keep UTC and cm."""

    time_zone: str = Field(description="IANA time zone name, e.g. America/Los_Angeles.")
    units: str = Field(description='"ft" or "m": distances shown, and a bare number typed.')
    local_now: str = Field(description="The server's time now, in that zone: 2026-11-25 14:05 PST.")


@router.get("/settings")
def production_settings(slug: Slug, _: Member, app: Service) -> ProductionSettingsView:
    """The production's time zone and unit system (UTC and feet until set)."""
    found = settings_of(app.projection(slug))
    now = local_stamp(app.clock.now(), found.time_zone)
    return ProductionSettingsView(time_zone=found.time_zone, units=found.units, local_now=now)
