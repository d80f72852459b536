"""The production's settings page: its time zone and its unit of distance.

The producer or the safety coordinator picks the IANA time zone the production shoots in
and feet or metres; everyone else reads them. The form becomes the ``ChangeSettings``
command ``PATCH /productions/{slug}/settings`` takes, submitted as the signed-in member
(the service's role matrix decides who may).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Form, Request, Response

from showclear.commands.fields import Slug
from showclear.http import service_of
from showclear.protocol.time import local_stamp
from showclear.service import BadRequest
from showclear.service.authz import MATRIX
from showclear.web.render import page, production_settings
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["COMMON_ZONES", "router"]

router = page_router()

#: Where films are mostly shot, offered first; every other IANA zone follows.
COMMON_ZONES: Final = (
    ("America/Los_Angeles", "Los Angeles, Vancouver (Pacific)"),
    ("America/Denver", "Albuquerque, Denver (Mountain)"),
    ("America/Chicago", "Chicago, Austin (Central)"),
    ("America/New_York", "New York, Atlanta, Toronto (Eastern)"),
    ("America/Mexico_City", "Mexico City"),
    ("Europe/London", "London"),
    ("Europe/Dublin", "Dublin"),
    ("Europe/Berlin", "Berlin"),
    ("Europe/Budapest", "Budapest"),
    ("Europe/Prague", "Prague"),
    ("Europe/Madrid", "Madrid"),
    ("Europe/Rome", "Rome"),
    ("Africa/Johannesburg", "Cape Town, Johannesburg"),
    ("Asia/Kolkata", "Mumbai"),
    ("Asia/Seoul", "Seoul"),
    ("Asia/Tokyo", "Tokyo"),
    ("Australia/Sydney", "Sydney"),
    ("Australia/Brisbane", "Gold Coast, Brisbane"),
    ("Pacific/Auckland", "Auckland, Wellington"),
    ("UTC", "UTC"),
)
UNIT_CHOICES: Final = (("ft", "Feet"), ("m", "Metres"))


def _all_zones() -> list[str]:
    from zoneinfo import available_timezones

    common = {zone for zone, _ in COMMON_ZONES}
    return sorted(z for z in available_timezones() if "/" in z and z not in common)


@router.get("/settings")
def settings_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """The time zone and units in force, the local time now; a form for oversight roles."""
    found = production_settings(request)
    may_change = bool(set(member.roles) & MATRIX["ProductionSettingsChanged"])
    return page(
        request,
        "settings.html",
        title="Production settings",
        settings=found,
        local_now=local_stamp(service_of(request).clock.now(), found.time_zone),
        may_change=may_change,
        common_zones=COMMON_ZONES,
        all_zones=_all_zones(),
        units=UNIT_CHOICES,
    )


@router.post("/settings")
def change_settings(
    *,
    request: Request,
    slug: Slug,
    actor: Doer,
    time_zone: Annotated[str, Form()] = "",
    units: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    # Only what changed is recorded: the form always carries both values.
    current = production_settings(request)
    values = {
        "time_zone": time_zone if time_zone and time_zone != current.time_zone else None,
        "units": units if units and units != current.units else None,
    }
    if not any(values.values()):
        raise BadRequest(
            f"nothing changed: the production is already in {current.time_zone}, "
            f"in {'feet' if current.units == 'ft' else 'metres'}; choose another zone or unit"
        )
    body = command("ChangeSettings", values, reason=reason.strip() or None)
    return recorded(slug, actor.submit(body), "/settings")
