"""Who is asking: an authenticated person with the confirmations they bring along.

Confirmation fields in an event (a handover's ``receiver_confirmed``, an
inspection's ``performer_confirmed``, a meeting attendee's ``confirmed``) are
set by the service from checked credentials, never taken from the request. Which
fields those are is declared with each event type in the catalogue
(:func:`showclear.protocol.catalogue.confirmers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from showclear.protocol.catalogue import apply_confirmations, confirmers

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
