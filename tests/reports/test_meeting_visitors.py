"""The daily report names a safety meeting's visitors beside its attendees."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from markupsafe import escape
from tests.web.seed import seed_production

from showclear.reports import day_files
from showclear.service import TRUSTED, FixedClock, MemoryKeyring, build_app

DAY = date(2026, 11, 25)


def test_the_day_report_lists_each_meetings_visitors_with_their_company(tmp_path: Path) -> None:
    """A meeting with two visitors: the report's meeting row names both, one with its company,
    after the attendees (who alone confirm)."""
    clock = FixedClock(datetime.fromisoformat("2026-11-25T07:00:00+00:00"))
    app = build_app(str(tmp_path / "showclear.db"), keyring=MemoryKeyring(), clock=clock)
    try:
        slug = seed_production(app, "Visitors", DAY)
        meeting = {
            "type": "SafetyMeetingHeld",
            "actor": "dana",
            "setups": ["14"],
            "attendees": [{"person": "dana", "confirmed": True}],
            "visitors": [
                {"name": "Sam Reed", "company": "Acme Prop Rentals"},
                {"name": "Lee Chan"},
            ],
        }
        assert not app.submit(slug, meeting, TRUSTED).refused
        html = day_files(app, slug, DAY.isoformat(), pdf=False, html=True).html
    finally:
        app.close()
    assert html is not None
    assert str(escape("Dana Kim; visitors: Sam Reed (Acme Prop Rentals), Lee Chan")) in html
