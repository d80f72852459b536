"""The demo's western shoot day: a scenario file, played through the service as a crew would.

The day itself is ``western-day.yaml`` beside this module, an ordinary scenario file
(docs/scenarios.md) dated ``today``, played on the latest day already over
(:func:`demo_day`): its people, inventory and timed steps, each with
the note the demo prints and the outcome it expects, the refusals with their rule ids.
This module only adds what a scenario run does not have: a PIN for each person, typed
by the actor and by everyone whose confirmation a step records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any, Final

from showclear.protocol.time import parse_time
from showclear.scenarios import (
    Scenario,
    StepResult,
    parse_scenario,
    replay_steps,
)
from showclear.scenarios.runner import Decided
from showclear.service import App, Credentials, FixedClock
from showclear.service.identity import confirmers

__all__ = ["DAY_FILE", "PINS", "demo_day", "play", "western_day"]

#: The scenario file of the demo day, shipped in this package.
DAY_FILE: Final = "western-day.yaml"

#: Demo PINs, in the order the people join. On a real set each person types their own
#: at a hidden prompt.
PINS: Final[dict[str, str]] = {
    "paul": "2111",
    "ruth": "3222",
    "maria": "4333",
    "dana": "5444",
    "jack": "6555",
    "ken": "7666",
}


def demo_day(now: datetime) -> date:
    """The day the demo plays: the latest whose last step is already past at ``now``.

    Today once its last step (17:10) is over, else yesterday: a day still to come would
    leave entries in the future, and every command before then would be refused as
    earlier than the last entry (DESIGN: Time).
    """
    today = now.astimezone(UTC).date()
    last = max(parse_time(step.event["at"]) for step in western_day(today).steps)
    return today if last <= now else today - timedelta(days=1)


def western_day(day: date) -> Scenario:
    """The demo day's scenario, its times of day falling on ``day``.

    Raises ScenarioError if the shipped file is malformed (a test holds it valid).
    """
    resource = files("showclear.demo").joinpath(DAY_FILE)
    return parse_scenario(resource.read_text(encoding="utf-8"), str(resource), today=day)


def play(app: App, slug: str, clock: FixedClock, scenario: Scenario) -> Iterator[StepResult]:
    """Replay ``scenario`` on production ``slug``, yielding each step's result as it is decided.

    Each step is submitted at its own time, by its actor with their PIN, and confirmed
    by each person it names as confirming (a handover's receiver, an inspection's
    performer, every attendee of a meeting) with theirs; each person registered gets
    their demo PIN, so the ledger holds real, PIN-checked confirmations.
    """

    def submit(event: dict[str, Any]) -> Decided:
        clock.set(parse_time(event["at"]))
        actor = event["actor"]
        auth = Credentials(
            actor,
            PINS[actor] if actor else None,
            {person: PINS[person] for person in confirmers(event)},
        )
        outcome = app.submit(slug, event, auth)
        if event["type"] == "PersonRegistered" and not outcome.refused:
            app.set_pin(slug, event["person"], PINS[event["person"]])
        return outcome

    return replay_steps(scenario, submit)
