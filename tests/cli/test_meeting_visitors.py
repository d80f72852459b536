"""A safety meeting's visitors on the command line: named, with their company, confirming
nothing."""

from __future__ import annotations

from typing import Any

from showclear.protocol.catalogue import describe

from .conftest import Cli


def _last_event(cli: Cli) -> dict[str, Any]:
    app = cli.app()
    try:
        size = app.production("dust-creek").size
        _, rows = app.entries("dust-creek", size - 1, 1)
        event = rows[0].event()
        assert isinstance(event, dict)
        return event
    finally:
        app.close()


def test_visitors_are_recorded_by_name_and_company_and_count_for_nothing(stocked: Cli) -> None:
    """`--visitor NAME[:COMPANY]` (repeated) records each visitor; PLAN-MEETING still needs the
    performer's own confirmation, which a visitor cannot give."""
    stocked.ok(
        "setup", "plan", "1", "--scene", "Saloon", "--kind", "take",
        "--weapon", "colt-1:ana:dummies:D-1:6", "--direction", "east", "--as", "lee",
    )  # fmt: skip
    stocked.ok(
        "meeting", "1", "--attendee", "mo,lee", "--as", "lee",
        "--visitor", "Sam Reed:Acme Prop Rentals", "--visitor", "Lee Chan",
    )  # fmt: skip
    event = _last_event(stocked)
    assert event["type"] == "SafetyMeetingHeld"
    assert event["visitors"] == [
        {"name": "Sam Reed", "company": "Acme Prop Rentals"},
        {"name": "Lee Chan"},
    ]
    assert {a["person"] for a in event["attendees"]} == {"mo", "lee"}
    assert describe(event).endswith("2 of 2 attendees confirmed; 2 visitors present")
    # Ana, the setup's performer, did not confirm: no visitor stands in for her.
    stocked.refused("take-out", "colt-1", "--setup", "1", "--as", "mo", rules={"PLAN-MEETING"})
