"""A production ready for the web UI's flows: the demo day's people, inventory, plans and meeting.

The first steps of :func:`showclear.demo.western_day` (people, the safe, the call
sheet, two revolvers and a replica, a verified dummy lot and a blank lot, three
setups and the safety meeting) are replayed as trusted, at the real time of the
test, so the browser then does the rest at the same clock.
"""

from __future__ import annotations

from datetime import date

from showclear.demo import PINS, western_day
from showclear.service import TRUSTED, App

__all__ = ["PINS", "USERS", "seed_production"]

#: The people the browser signs in as or confirms with; only they get a PIN (argon2 is slow).
USERS = ("maria", "jack", "dana", "ruth", "paul")


def seed_production(app: App, name: str, today: date) -> str:
    """A production named ``name`` whose day ``today`` is open and ready for a take; its slug."""
    slug = app.init_production(name).slug
    for step in western_day(today).steps:
        # At the service's clock, not the file's times of day: the browser goes on from there.
        event = {key: value for key, value in step.event.items() if key != "at"}
        outcome = app.submit(slug, event, TRUSTED)
        assert not outcome.refused, (event["type"], outcome.rule_ids)
        if event["type"] == "SafetyMeetingHeld":
            break
    for person in USERS:
        app.set_pin(slug, person, PINS[person])
    return slug
