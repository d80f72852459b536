"""The entry index (schema 6): entries found by the weapons, lots and people they name.

A weapon's history reads only the entries citing the weapon; it must be exactly the
entries a scan of the whole ledger finds. The index is derived from the entries, so an
old database gets it back-filled when migrated, ``showclear check`` notices one that
disagrees with its entries, and ``showclear repair index`` rebuilds it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from showclear.demo import western_day
from showclear.protocol.time import parse_time
from showclear.service import TRUSTED, App, FixedClock
from showclear.service.forensics.replay import mentions_lot, mentions_weapon
from showclear.service.repair import check_database, rebuild_index
from showclear.service.views import weapon_history
from showclear.store import open_store
from showclear.store.refs import entry_refs

if TYPE_CHECKING:
    from tests.conftest import Backend

DAY = date(2026, 11, 26)  # after the production is created (START)


@pytest.fixture
def day(app: App, clock: FixedClock) -> str:
    """The demo's western day played in full (refusals included), as trusted commands."""
    slug = app.init_production("Dust Creek").slug
    for step in western_day(DAY).steps:
        clock.set(parse_time(step.event["at"]))
        app.submit(slug, dict(step.event), TRUSTED)
    return slug


def _scan(app: App, slug: str) -> list[tuple[int, dict[str, object]]]:
    with app.store.read(slug) as session:
        return [(row.index, row.event()) for row in session.entries()]


def test_a_weapons_history_through_the_index_is_the_scan_of_the_whole_ledger(
    app: App, day: str
) -> None:
    """Every weapon's history read through the index equals a scan for mentions_weapon."""
    entries = _scan(app, day)
    weapons = {str(e["weapon"]) for _, e in entries if e.get("type") == "WeaponReceived"}
    assert len(weapons) >= 3
    for weapon in sorted(weapons):
        scanned = [{"index": i, **e} for i, e in entries if mentions_weapon(e, weapon)]
        assert app.history(day, weapon) == scanned
        assert len(scanned) > 2  # received, inspected, handed over at least


def test_every_entry_naming_a_lot_or_a_person_is_found_by_it(app: App, day: str) -> None:
    """The index finds a lot's entries as mentions_lot does, and each person's entries."""
    entries = _scan(app, day)
    lots = {str(e["lot"]) for _, e in entries if e.get("type") == "LotReceived"}
    with app.store.read(day) as session:
        for lot in lots:
            found = [row.index for row in session.entries_naming("lot", lot)]
            assert {i for i, e in entries if mentions_lot(e, lot)} <= set(found)
            assert found == sorted(found)
        jack = [row.index for row in session.entries_naming("person", "jack")]
    assert jack == [i for i, e in entries if ("person", "jack") in entry_refs(e)]
    assert len(jack) > 3


def test_entries_naming_starts_at_an_index_and_stops_at_a_limit(app: App, day: str) -> None:
    """``start`` is the lowest entry index returned, ``limit`` the most entries."""
    with app.store.read(day) as session:
        every = [row.index for row in session.entries_naming("weapon", "colt-1")]
        later = [row.index for row in session.entries_naming("weapon", "colt-1", every[2])]
        two = [row.index for row in session.entries_naming("weapon", "colt-1", limit=2)]
        none = list(session.entries_naming("weapon", "no-such-weapon"))
    assert later == every[2:]
    assert two == every[:2]
    assert none == []


def test_an_old_database_gets_its_index_back_filled_when_migrated(
    app: App, day: str, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before schema 6 is indexed from its stored entries on migration."""
    with app.store.read(day) as session:
        before = weapon_history(session, "colt-1")
    app.close()
    # The database as schema 5 left it: no index, no later migration recorded.
    backend.execute("DROP TABLE entry_refs", ())
    backend.execute("DELETE FROM schema_migrations WHERE version >= 6", ())
    from showclear.store import postgres, sqlite
    from showclear.store import sql as sql_module

    up_to_6 = [m for m in sql_module.migration_files() if m[0] <= 6]
    for module in (sqlite, postgres):
        monkeypatch.setattr(module, "migration_files", lambda: up_to_6)
        monkeypatch.setattr(module, "LATEST_SCHEMA", 6)
    store = open_store(backend.url)
    try:
        assert store.schema_version() == 6
        with store.read(day) as session:
            assert weapon_history(session, "colt-1") == before
            assert session.entry_refs_agree() is None
    finally:
        store.close()


def test_check_finds_an_index_that_disagrees_and_repair_index_rebuilds_it(
    app: App, day: str, backend: Backend
) -> None:
    """A deleted index row is named by `showclear check`; `repair index` restores it."""
    report, advice = check_database(app.store)
    assert report.ok, report.problems
    backend.execute(
        "DELETE FROM entry_refs WHERE production = ? AND kind = 'weapon' AND ref = 'colt-1' "
        "AND idx = (SELECT MIN(idx) FROM entry_refs WHERE kind = 'weapon' AND ref = 'colt-1')",
        (day,),
    )
    report, advice = check_database(app.store)
    assert not report.ok
    assert report.problems == [
        f"the entry index of {day!r} disagrees with its entries "
        f"({_count(backend)} index rows where the entries name {_count(backend) + 1} things)"
    ]
    assert "showclear repair index" in advice.message
    after = rebuild_index(app.store)
    assert after.ok, after.problems
    with app.store.read(day) as session:
        assert session.entry_refs_agree() is None


def _count(backend: Backend) -> int:
    return int(backend.execute("SELECT COUNT(*) FROM entry_refs", ())[0][0])
