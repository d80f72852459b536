"""The studio view: grants in each production's ledger decide who sees it, and each row
says what the safety office must know (cease-fire, incidents, concerns, weapons out, lag)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from tests.conftest import Backend

from showclear.demo import PINS
from showclear.ledger.cosignature import Cosigner
from showclear.service import App, BadRequest, Credentials, FixedClock, Forbidden
from showclear.service.studio import STATUSES, studio_view

from .conftest import ARMORER, SAFETY, grant, in_trouble, revoke, submit


def _slugs(app: App, account: str | None, status: str | None = None) -> list[str]:
    return [row.slug for row in studio_view(app, account, status).rows]


def test_a_granted_account_sees_its_production_and_no_other(
    app: App, seeded: Callable[[str], str]
) -> None:
    """Only the productions whose ledger grants the account are in its view."""
    dust, mesa = seeded("Dust Creek"), seeded("Mesa Verde")
    grant(app, dust, "safety-office", "safety-office")
    assert _slugs(app, "safety-office") == [dust]
    assert _slugs(app, "insurer") == []
    assert sorted(_slugs(app, None)) == sorted([dust, mesa])  # the operator sees every one


def test_a_revoked_account_stops_seeing_the_production(
    app: App, seeded: Callable[[str], str]
) -> None:
    """A revocation in the ledger ends the account's view; a new grant gives it back."""
    dust = seeded("Dust Creek")
    grant(app, dust, "insurer", "insurer")
    revoke(app, dust, "insurer")
    assert _slugs(app, "insurer") == []
    grant(app, dust, "insurer", "insurer")
    assert _slugs(app, "insurer") == [dust]


def test_only_a_producer_may_grant_and_the_grant_is_a_ledger_entry(
    app: App, seeded: Callable[[str], str]
) -> None:
    """The armorer is refused (403, nothing recorded); the producer's grant is an entry."""
    dust = seeded("Dust Creek")
    size = app.production(dust).size
    with pytest.raises(Forbidden, match="only a producer may"):
        app.submit(
            dust,
            {"type": "StudioAccessGranted", "account": "x", "role": "insurer"},
            Credentials(ARMORER, PINS[ARMORER]),
        )
    assert app.production(dust).size == size
    receipt = grant(app, dust, "safety-office", "safety-office")
    _, rows = app.entries(dust, receipt.first_index, 1)
    assert rows[0].event()["type"] == "StudioAccessGranted"
    assert rows[0].event()["account"] == "safety-office"


def test_the_row_of_a_production_in_cease_fire(app: App, seeded: Callable[[str], str]) -> None:
    """Cease-fire, stop-work, the open incident and concern, the weapon out and who has it."""
    dust = seeded("Dust Creek")
    grant(app, dust, "safety-office", "safety-office")
    in_trouble(app, dust)
    (row,) = studio_view(app, "safety-office").rows
    assert row.role == "safety-office"
    assert row.ceasefire and row.ceasefire_incidents == [1] and row.stop_work == [1]
    assert [(i["number"], i["kind"]) for i in row.incidents] == [(1, "unintended_discharge")]
    assert row.incidents[0]["description"].startswith("Jack Dalton's hand")
    (concern,) = row.concerns
    assert concern["stop_work"] and not concern["escalated"]
    assert concern["raised_by"] == "jack" and concern["text"].startswith("My ears")
    assert [(w["weapon"], w["holder_name"]) for w in row.weapons_out] == [("colt-1", "Maria Reyes")]
    assert {"cease-fire", "stop-work", "incident"} <= set(row.statuses)
    assert row.rank == 1
    assert any(alarm.startswith("CEASE-FIRE: incident 1") for alarm in row.alarms)
    assert row.day is not None and row.day["open"] and row.days_not_closed == 0
    assert row.mirror is None and row.size == app.production(dust).size


def test_the_insurer_sees_no_personal_data_beyond_names(
    app: App, seeded: Callable[[str], str]
) -> None:
    """No incident description, no concern text, never who raised a concern; names stay."""
    dust = seeded("Dust Creek")
    grant(app, dust, "insurer", "insurer")
    in_trouble(app, dust)
    (row,) = studio_view(app, "insurer").rows
    text = json.dumps(row.to_json())
    assert "grazed" not in text and "ears" not in text
    assert "description" not in row.incidents[0]
    assert "text" not in row.concerns[0] and "raised_by" not in row.concerns[0]
    assert row.weapons_out[0]["holder_name"] == "Maria Reyes"
    assert row.ceasefire and row.incidents[0]["kind"] == "unintended_discharge"


def test_a_concern_past_its_hours_shows_escalated_before_any_entry_says_so(
    app: App, seeded: Callable[[str], str], clock: FixedClock
) -> None:
    """INC-CONCERN: 24 h unanswered is escalated on the view, though the set wrote nothing."""
    dust = seeded("Dust Creek")
    in_trouble(app, dust)
    clock.advance(hours=25)
    (row,) = studio_view(app, None).rows
    assert row.concerns[0]["escalated"]
    assert any("escalated to the producers" in alarm for alarm in row.alarms)
    assert row.days_not_closed == 1  # the day opened more than 24 hours ago is still open


def test_filters_by_status_and_alarms_come_first(app: App, seeded: Callable[[str], str]) -> None:
    """?status= keeps the rows that have it; a production in cease-fire sorts before calm ones."""
    calm, trouble = seeded("Apache Pass"), seeded("Zuni Flats")
    in_trouble(app, trouble)
    assert _slugs(app, None) == [trouble, calm]
    for status in ("cease-fire", "stop-work", "incident"):
        assert _slugs(app, None, status) == [trouble]
    assert _slugs(app, None, "fork") == []
    assert _slugs(app, None, "stale") == []
    with pytest.raises(BadRequest, match="unknown status 'hot'"):
        studio_view(app, None, "hot")
    assert STATUSES == ("cease-fire", "stop-work", "incident", "fork", "stale")


def _execute(backend: Backend, sql: str, args: tuple[object, ...]) -> None:
    backend.execute(sql if backend.name == "sqlite" else sql.replace("?", "%s"), args)


def test_a_refused_fork_is_an_alarm_row_at_the_top(
    app: App, backend: Backend, seeded: Callable[[str], str]
) -> None:
    """A fork kept in mirror_forks puts its production first, in red (rank 0), for everyone."""
    trouble, forked = seeded("Apache Pass"), seeded("Zuni Flats")
    in_trouble(app, trouble)
    grant(app, forked, "insurer", "insurer")
    _execute(
        backend,
        "INSERT INTO mirror_forks (production, received_at, held_note, offered_note, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        (forked, "2026-11-25T09:00:00Z", "held", "offered", "checkpoint 12 does not extend 10"),
    )
    rows = studio_view(app, None).rows
    assert [row.slug for row in rows] == [forked, trouble]
    assert rows[0].rank == 0 and rows[0].alarms[0].startswith("FORK: 1 sync")
    assert rows[0].forks == 1
    assert rows[0].mirror is None and "stale" not in rows[0].statuses, "written here: no mirror"
    assert _slugs(app, None, "fork") == [forked]
    assert _slugs(app, "insurer", "fork") == [forked]


def test_a_mirror_not_synced_for_a_day_is_stale(
    app: App, backend: Backend, seeded: Callable[[str], str], clock: FixedClock
) -> None:
    """The row says as of which entry and how long ago it synced; 24 h or more is stale."""
    dust = seeded("Dust Creek")
    synced = (clock.now() - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _execute(
        backend,
        "INSERT INTO mirrors (production, source, synced_at, synced_size, created_at, "
        "upload_token_hash) VALUES (?, ?, ?, ?, ?, ?)",
        (dust, "https://set.example", synced, 42, synced, "0" * 64),
    )
    (row,) = studio_view(app, None, "stale").rows
    assert row.mirror == {
        "source": "https://set.example",
        "synced_at": synced,
        "synced_size": 42,
        "synced_minutes_ago": 30 * 60,
        "forks": 0,
        "freshness": "as of entry 42, synced 30 h ago",
    }
    assert "stale" in row.statuses and row.rank == 2


def test_a_suspect_lot_and_a_lagging_witness_are_in_the_row(
    app: App, seeded: Callable[[str], str], clock: FixedClock
) -> None:
    """AMMO-SUSPECT lots by reason; a listed witness that cosigned nothing lags by every
    entry, in minutes since the first one, and is stale after 24 hours."""
    dust = seeded("Dust Creek")
    submit(
        app,
        dust,
        type="LiveRoundsFound",
        actor=SAFETY,
        count=1,
        where="in the dummy box",
        lot="dum-45",
    )
    key = Cosigner.generate("insurer.example/witness").verifier_key
    witness = {"name": "insurer", "url": "http://127.0.0.1:9", "key": key}
    submit(
        app,
        dust,
        type="PolicyChanged",
        actor=SAFETY,
        changes={"witnesses": [witness], "witness_quorum": 1},
    )
    clock.advance(hours=25)
    (row,) = studio_view(app, None).rows
    assert [(lot["lot"], lot["reason"]) for lot in row.suspect_lots] == [
        ("dum-45", "a live round was found in it")
    ]
    (lag,) = row.witnesses
    assert lag["witness"] == "insurer" and lag["behind_entries"] == app.production(dust).size
    assert lag["behind_minutes"] == 25 * 60
    assert "stale" in row.statuses and row.weapons_out == []
