"""Who is asking: an authenticated person with the confirmations they bring along.

Confirmation fields in an event (a handover's ``receiver_confirmed``, an
inspection's ``performer_confirmed``, a meeting attendee's ``confirmed``) are
set by the service from checked credentials, never taken from the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TRUSTED", "Credentials", "Trusted", "apply_confirmations", "confirmers"]


@dataclass(frozen=True)
class Credentials:
    """The acting person's secret, and the secrets of people confirming with them."""

    actor: str | None
    secret: str | None = None
    confirmations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Trusted:
    """A replay whose confirmations are taken as written: scenarios, the demo, imports.

    Never built from a request: only code that replays a recorded or scripted
    day passes :data:`TRUSTED`.
    """


TRUSTED = Trusted()


def confirmers(event: dict[str, Any]) -> list[str]:
    """The people whose own credential confirms this event."""
    kind = event.get("type")
    if kind == "WeaponHandedOver" and event.get("receiver"):
        return [str(event["receiver"])]
    if kind == "ShowClearInspected" and event.get("performer"):
        return [str(event["performer"])]
    if kind == "SafetyMeetingHeld":
        return [str(a.get("person")) for a in event.get("attendees", []) if isinstance(a, dict)]
    return []


def apply_confirmations(event: dict[str, Any], confirmed: set[str]) -> dict[str, Any]:
    """A copy of ``event`` whose confirmation fields say exactly who was checked."""
    out = dict(event)
    kind = out.get("type")
    if kind == "WeaponHandedOver":
        out["receiver_confirmed"] = out.get("receiver") in confirmed
    elif kind == "ShowClearInspected":
        out["performer_confirmed"] = out.get("performer") in confirmed
    elif kind == "SafetyMeetingHeld":
        out["attendees"] = [
            {**a, "confirmed": a.get("person") in confirmed} for a in out.get("attendees", [])
        ]
    return out
