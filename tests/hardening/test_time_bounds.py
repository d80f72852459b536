"""Issue 15: times are bounded, and safety reports are never refused for clock reasons.

``SHOWCLEAR_NOW=9999-12-31T23:59:59Z`` was accepted, after which every command failed
"earlier than the last entry"; a time without a zone was silently read as UTC; a clock
stepped back refused even a stop-work concern; and ``showclear demo`` played today with
times up to 17:10, so nobody could write to its database until the evening.
"""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, register_cast
from typer.testing import CliRunner

from showclear.cli import app as cli_app
from showclear.demo import PINS, demo_day, western_day
from showclear.protocol.time import format_time, parse_time, read_time
from showclear.service import Credentials, FileKeyring, build_app
from showclear.service.clock import FUTURE_TOLERANCE


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(str(tmp_path / "showclear.db"), tmp_path / "keys")
    register_cast(cli)
    return cli


def test_a_time_without_a_zone_is_refused_not_taken_as_utc() -> None:
    """2026-11-25T08:00:00 could be any of 24 moments: the reader says to add Z or an offset."""
    with pytest.raises(ValueError, match="has no time zone"):
        read_time("2026-11-25T08:00:00")
    assert read_time("2026-11-25T09:00:00+01:00") == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_showclear_now_without_a_zone_is_refused(cli: Cli) -> None:
    """Exit 2, naming the form to use; nothing is recorded."""
    ran = cli.main("storage", "add", "safe-2", "--name", "Safe", "--lockable", "--as", "mo",
                   env={"SHOWCLEAR_NOW": "2026-11-25T08:00:00"})  # fmt: skip
    assert ran.code == 2
    assert "has no time zone" in ran.text


def test_a_time_far_ahead_of_the_real_clock_is_refused_and_blocks_nothing(cli: Cli) -> None:
    """SHOWCLEAR_NOW=9999-12-31T23:59:59Z: exit 2 naming the tolerance; later commands work."""
    ran = cli.main("storage", "add", "safe-2", "--name", "Safe", "--lockable", "--as", "mo",
                   env={"SHOWCLEAR_NOW": "9999-12-31T23:59:59Z"})  # fmt: skip
    assert ran.code == 2, ran.text
    assert "ahead of this computer's clock" in ran.text
    later = cli.main("storage", "add", "safe-3", "--name", "Safe", "--lockable", "--as", "mo")
    assert later.code == 0, later.text


def test_a_time_within_the_tolerance_ahead_is_accepted(cli: Cli) -> None:
    """A device clock a minute fast is not an error."""
    ahead = datetime.now(UTC) + FUTURE_TOLERANCE - timedelta(seconds=30)
    ran = cli.main("storage", "add", "safe-2", "--name", "Safe", "--lockable", "--as", "mo",
                   env={"SHOWCLEAR_NOW": format_time(ahead)})  # fmt: skip
    assert ran.code == 0, ran.text


def test_a_clock_stepped_back_never_refuses_a_concern_or_an_incident(cli: Cli) -> None:
    """The concern and the incident are recorded at the last entry's time; others still wait."""
    last = cli.now
    cli.now = last - timedelta(seconds=90)
    refused = cli.main("storage", "add", "safe-2", "--name", "Safe", "--lockable", "--as", "mo")
    assert refused.code == 2
    assert "earlier than the last entry" in refused.text
    cli.now = last - timedelta(seconds=90)
    concern = cli.main("concern", "raise", "--text", "Nobody watches the cart", "--stop-work",
                       "--as", "kim")  # fmt: skip
    assert concern.code == 0, concern.text
    cli.now = last - timedelta(seconds=90)
    incident = cli.main("incident", "injury", "--description", "Burn on the grip hand",
                        "--as", "lee")  # fmt: skip
    assert incident.code == 0, incident.text
    with closing(cli.app()) as service:
        slug = service.resolve(None)
        _size, rows = service.entries(slug, 0, 1000)
    events = [row.event() for row in rows]
    reports = [e for e in events if e["type"] in ("ConcernRaised", "IncidentReported")]
    assert len(reports) == 2
    assert all(parse_time(e["at"]) == parse_time(format_time(last - timedelta(minutes=1)))
               for e in reports)  # fmt: skip
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_the_demo_plays_the_latest_day_that_is_already_over() -> None:
    """Before 17:10 the demo plays yesterday; after the day's last step, today."""
    morning = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert demo_day(morning).isoformat() == "2026-11-29"
    night = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert demo_day(night).isoformat() == "2026-11-30"
    last = max(parse_time(s.event["at"]) for s in western_day(demo_day(morning)).steps)
    assert last < morning


def test_a_command_right_after_the_demo_is_accepted(tmp_path: Path) -> None:
    """The demo's database takes a command at the real time at once, not this evening."""
    db, keys = tmp_path / "demo.db", tmp_path / "keys"
    ran = CliRunner().invoke(cli_app, ["--key-dir", str(keys), "demo", "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    with closing(build_app(str(db), keyring=FileKeyring(keys))) as service:
        slug = service.resolve(None)
        event = {"type": "StorageAdded", "storage": "safe-2", "name": "Truck 3 safe",
                 "lockable": True}  # fmt: skip
        receipt = service.submit(slug, event, Credentials("maria", PINS["maria"], {}))
    assert not receipt.refused
