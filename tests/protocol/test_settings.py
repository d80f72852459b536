"""A production's time zone and unit system: recorded as settings, read for people.

Entries keep UTC and centimetres; the settings say how a time and a distance are shown,
and how a time without a zone or a bare number is read (issue 16 item 1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from protocol_world import World, plan, refused_by

from showclear.protocol.catalogue import validate_event
from showclear.protocol.catalogue.settings import ProductionSettings, settings_of
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.fold import apply
from showclear.protocol.projection import Projection
from showclear.protocol.rules.base import event_date
from showclear.protocol.time import (
    check_zone,
    local_date,
    local_day,
    local_hm,
    local_stamp,
    read_local_time,
)
from showclear.protocol.units import distance_text, read_distance


def _near(distance_cm: int) -> list[dict[str, object]]:
    return [
        {
            "who": "boom operator",
            "distance_cm": distance_cm,
            "eye_protection": True,
            "hearing_protection": True,
        }
    ]


def test_a_production_that_never_chose_lives_in_utc_and_works_in_feet(world: World) -> None:
    """No ProductionSettingsChanged yet: UTC and feet, as the catalog's figures are written."""
    assert settings_of(world.projection) == ProductionSettings("UTC", "ft")


def test_the_producer_sets_the_zone_and_a_later_change_keeps_what_it_does_not_name(
    world: World,
) -> None:
    """Setting only the units keeps the zone recorded before."""
    world.ok("ProductionSettingsChanged", "pat", time_zone="America/Los_Angeles", units="m")
    world.ok("ProductionSettingsChanged", "sam", units="ft", reason="US crew")
    assert settings_of(world.projection) == ProductionSettings("America/Los_Angeles", "ft")


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "IANA time zone"),
        ({"time_zone": "../../etc/passwd"}, "IANA time zone"),
        ({"units": "yards"}, "units"),
        ({}, "sets nothing"),
    ],
)
def test_a_zone_the_iana_database_lacks_or_an_unknown_unit_is_malformed(
    fields: dict[str, str], wrong: str
) -> None:
    """A settings change is checked before anything is recorded, naming what is wrong."""
    event = {"type": "ProductionSettingsChanged", "at": "2026-11-25T08:00:00Z", "actor": "pat"}
    with pytest.raises(MalformedEventError, match=wrong):
        validate_event({**event, **fields})


@pytest.mark.parametrize("typed", ["20ft", "20 ft", "20'", "20 feet", "6.096m", "609.6cm", "20"])
def test_twenty_feet_is_610_cm_however_it_is_typed(typed: str) -> None:
    """A bare number is in the production's unit (feet here); one foot is 30.48 cm."""
    assert read_distance(typed, "ft") == 610


def test_a_bare_number_is_in_the_productions_unit() -> None:
    assert read_distance("6", "m") == 600
    assert read_distance("6", "ft") == 183
    assert read_distance("6,1 m", "ft") == 610  # a decimal comma, as typed in Europe


@pytest.mark.parametrize("typed", ["", "far", "20 yards", "-3m", "6 m m", "1e9"])
def test_what_is_not_a_distance_is_refused_saying_which_forms_are(typed: str) -> None:
    with pytest.raises(ValueError, match=r"20ft, 20 ft, 6m, 6\.1 m or 610cm"):
        read_distance(typed, "ft")


def test_a_distance_is_said_in_the_productions_unit_first() -> None:
    assert distance_text(610, "ft") == "20 ft (6.1 m)"
    assert distance_text(610, "m") == "6.1 m (20 ft)"
    assert distance_text(900, "m") == "9 m (29.5 ft)"


def test_plan_distance_speaks_feet_in_a_feet_production(world: World) -> None:
    """PLAN-DISTANCE: the refusal names the distance and the minimum in feet, metres after."""
    setup = plan("D9", "W2", "blanks", lot_id="L2", people_near=_near(305))
    decision = world.record("SetupPlanned", "dee", **setup)
    assert refused_by(decision) == {"PLAN-DISTANCE"}
    message = decision.findings[0].message + " " + decision.findings[0].remedy
    assert "boom operator at 10 ft (3.1 m)" in message
    assert "minimum of 20 ft (6.1 m)" in message
    assert " cm" not in message


def test_plan_distance_speaks_metres_in_a_metre_production(world: World) -> None:
    world.ok("ProductionSettingsChanged", "pat", units="m")
    setup = plan("D9", "W2", "blanks", lot_id="L2", people_near=_near(305))
    decision = world.record("SetupPlanned", "dee", **setup)
    assert refused_by(decision) == {"PLAN-DISTANCE"}
    message = decision.findings[0].message
    assert "boom operator at 3.1 m (10 ft)" in message
    assert "minimum of 6.1 m (20 ft)" in message


def test_a_zone_name_is_checked_against_the_iana_database() -> None:
    assert str(check_zone("America/Los_Angeles")) == "America/Los_Angeles"
    with pytest.raises(ValueError, match="IANA name like America/Los_Angeles"):
        check_zone("Pacific Time")


def test_a_time_without_a_zone_is_the_productions_local_time() -> None:
    """14:05 in Los Angeles in November is 22:05 UTC; a time with Z or an offset stays as given."""
    la = "America/Los_Angeles"
    assert read_local_time("2026-11-25 14:05", la) == datetime(2026, 11, 25, 22, 5, tzinfo=UTC)
    assert read_local_time("2026-11-25T14:05:00Z", la) == datetime(2026, 11, 25, 14, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="2026-11-25 14:05"):
        read_local_time("half past two", la)


def test_a_los_angeles_afternoon_is_still_today_there() -> None:
    """16:30 PST on 25 November is 00:30 UTC on the 26th: the local date is the 25th."""
    moment = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    assert local_date(moment, "America/Los_Angeles") == date(2026, 11, 25)
    assert local_date(moment, "UTC") == date(2026, 11, 26)


def test_a_local_day_runs_midnight_to_midnight_in_its_zone() -> None:
    start, end = local_day(date(2026, 11, 25), "America/Los_Angeles")
    assert (start, end) == (
        datetime(2026, 11, 25, 8, tzinfo=UTC),
        datetime(2026, 11, 26, 8, tzinfo=UTC),
    )


def test_times_are_shown_with_the_zone_abbreviation_summer_and_winter() -> None:
    la = "America/Los_Angeles"
    assert local_hm("2026-07-25T21:05:00Z", la) == "14:05 PDT"
    assert local_hm("2026-11-25T22:05:00Z", la) == "14:05 PST"
    assert local_stamp("2026-11-25T22:05:00Z", la) == "2026-11-25 14:05 PST"
    assert local_hm("2026-11-25T22:05:00Z", "UTC") == "22:05 UTC"


def test_with_no_day_open_an_entry_is_dated_where_the_production_shoots() -> None:
    """PLAN-PERMIT's date: 16:30 in Los Angeles on the 25th is 00:30 UTC on the 26th."""
    state = Projection.empty()
    created = {
        "type": "ProductionCreated",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "production": "Dust Creek",
        "slug": "dust-creek",
        "origin": "example/dust",
        "public_key": "example/dust+00000000+AAAA",
    }
    apply(state, created)
    apply(
        state,
        {
            "type": "ProductionSettingsChanged",
            "at": "2026-11-25T08:00:00Z",
            "actor": None,
            "time_zone": "America/Los_Angeles",
        },
    )
    late_call = {"type": "WrapCalled", "at": "2026-11-26T00:30:00Z", "actor": "pat"}
    assert event_date(state, late_call) == "2026-11-25"
    assert event_date(Projection.empty(), late_call) == "2026-11-26"  # a UTC production
