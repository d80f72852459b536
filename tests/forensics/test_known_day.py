"""The queries on the demo's western day, whose every holder, time and count is known."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from showclear.ledger import Ed25519Verifier, TlogProof, verify_tlog_proof
from showclear.protocol import fold
from showclear.service import BadRequest, FixedClock, MemoryKeyring, NotFound, build_app

from .histories import ROOT, Demo, event_log, record_scenario

AT = "2026-11-25T{}:00Z".format


def test_custody_at_a_moment_names_the_holder_and_the_entries_it_rests_on(demo: Demo) -> None:
    """At 08:10 Jack held colt-1 (handed over at 08:07, #34), six dummies, shown at #33."""
    with demo.app.forensics(demo.slug) as f:
        custody = f.custody_at("colt-1", AT("08:10"))
    assert (custody.holder, custody.since, custody.entry) == ("jack", AT("08:07"), 34)
    assert custody.chambers == ["dum-45"] * 6
    assert custody.state == "DUMMY"
    assert custody.inspection == 33
    assert custody.cites == [33, 34]


def test_the_chain_of_colt_1_shows_the_assistant_directors_custody_gap(demo: Demo) -> None:
    """Dana had colt-1 for a minute with no recorded transfer: the chain shows it, cited."""
    with demo.app.forensics(demo.slug) as f:
        chain = f.weapon_chain("colt-1", AT("08:00"), AT("08:20"))
    holds = [(h.holder or h.storage, h.since[11:16], h.entry) for h in chain.holds]
    assert holds == [
        ("safe", "07:06", 9),
        ("maria", "08:00", 27),
        ("dana", "08:04", 31),
        ("maria", "08:05", 32),
        ("jack", "08:07", 34),
        ("maria", "08:15", 35),
        ("safe", "08:18", 38),
    ]
    refused = [e for e in chain.entries if e.refused]
    assert [(e.index, e.rules) for e in refused] == [
        (30, ["CUS-HANDLER", "CUS-TWO-PARTY", "CUS-SHOW-CLEAR"])
    ]
    inspections = {e.index: e.chambers for e in chain.entries if e.type == "ShowClearInspected"}
    assert inspections == {28: ["empty"] * 6, 33: ["dum-45"] * 6}


def test_the_blank_lot_accounts_for_every_round(demo: Demo) -> None:
    """12 blanks: one fired, one misfired and returned to the supplier, ten counted at wrap."""
    with demo.app.forensics(demo.slug) as f:
        lot = f.lot_accounting("blk-45")
    assert (lot.received, lot.in_storage, lot.expended, lot.returned) == (12, 10, 1, 1)
    assert lot.balanced and lot.accounted == 12
    assert [(c.counted, c.recorded, c.difference) for c in lot.counts] == [(10, 10, 0)]
    fired = [m for m in lot.movements if m.type == "WeaponDischarged"]
    assert [(m.index, m.chambers, m.holder, m.change) for m in fired] == [
        (46, [1], "jack", {}),  # the misfire: the round stayed in chamber 1
        (62, [1], "jack", {"in_weapons": -1, "expended": 1}),
    ]


def test_the_lot_chain_names_who_had_its_rounds_in_which_weapon(demo: Demo) -> None:
    """The blank went from Maria to Jack in colt-2 and back, then was unloaded."""
    with demo.app.forensics(demo.slug) as f:
        chain = f.lot_chain("blk-45", AT("08:30"), AT("09:05"))
    carriers = [(c.weapon, c.holder, c.since[11:16], c.until[11:16] if c.until else None)
                for c in chain.carriers]  # fmt: skip
    assert carriers == [
        ("colt-2", "maria", "08:33", "08:52"),
        ("colt-2", "jack", "08:52", "08:56"),
        ("colt-2", "maria", "08:56", "09:00"),
    ]
    assert chain.opening is not None and chain.opening["in_storage"] == 12
    # The misfired blank, unloaded, went to the lot's quarantine, not back to its stock.
    assert chain.closing is not None and chain.closing["in_storage"] == 11


def test_refusals_are_listed_by_person_and_by_rule(demo: Demo) -> None:
    """Dana's handoff, Maria's stale inspection, the cease-fire and the suspect lot's dummies;
    each found by person or rule."""
    with demo.app.forensics(demo.slug) as f:
        everything = f.refusals()
        dana = f.refusals(person="dana")
        stale = f.refusals(rule="CUS-SHOW-CLEAR")
        jack = f.refusals(person="jack")
    assert [r.index for r in everything.refusals] == [30, 43, 49, 74]
    assert everything.by_person == {"dana": [30], "maria": [43, 49, 74]}
    assert everything.by_rule["AMMO-SUSPECT"] == [74]
    assert everything.by_rule["INC-CEASEFIRE"] == [46, 49]  # a warning and a refusal
    assert [w.index for w in everything.warnings] == [46]
    assert [r.index for r in dana.refusals] == [30]
    assert [r.index for r in stale.refusals] == [30, 43, 74]
    assert [r.index for r in jack.refusals] == [30, 43, 74]  # named as the receiver


def test_an_incident_is_cited_with_what_set_it_off_and_its_reviews(demo: Demo) -> None:
    """The misfire (#46) opened incident 1 (#47); Ruth and Paul closed it (#53, #54)."""
    with demo.app.forensics(demo.slug) as f:
        incident = f.incident(1)
    assert (incident.index, incident.related, incident.kind) == (47, [46], "misfire")
    assert [(r.actor, r.role) for r in incident.reviews] == [
        ("ruth", "safety_coordinator"),
        ("paul", "producer"),
    ]
    assert incident.closed_at == AT("09:20")
    assert incident.cites == [46, 47, 53, 54]


def test_every_index_a_query_cites_is_proven_by_the_signed_checkpoint(demo: Demo) -> None:
    """Each cited entry has an inclusion proof that verifies against the snapshot's checkpoint."""
    with demo.app.forensics(demo.slug) as f:
        verifier = Ed25519Verifier.from_verifier_key(f.verifier_key)
        cited = set(f.weapon_chain("colt-2").cites) | set(f.lot_accounting("blk-45").cites)
        cited |= set(f.refusals().cites) | set(f.incident(1).cites)
        for index in sorted(cited):
            proof = TlogProof.parse(f.prove(index).format())
            checkpoint = verify_tlog_proof(proof, f.entry(index), verifier)
            assert checkpoint.size == f.size


def test_unknown_things_and_bad_times_are_named(demo: Demo) -> None:
    """An unknown weapon, lot or incident is NotFound; a bad or reversed period is BadRequest."""
    with demo.app.forensics(demo.slug) as f:
        with pytest.raises(NotFound, match="no weapon 'colt-9'"):
            f.weapon_chain("colt-9")
        with pytest.raises(NotFound, match="inventory at 2026-11-25T07:00:00Z"):
            f.custody_at("colt-1", AT("07:00"))  # received at 07:06
        with pytest.raises(NotFound, match="no lot 'blk-99'"):
            f.lot_accounting("blk-99")
        with pytest.raises(NotFound, match="no incident 3"):
            f.incident(3)
        with pytest.raises(BadRequest, match="not a time"):
            f.weapon_chain("colt-1", "yesterday")
        with pytest.raises(BadRequest, match="is after the end"):
            f.weapon_chain("colt-1", AT("10:00"), AT("09:00"))


SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_custody_at_every_entry_of_every_scenario_is_the_fold_up_to_it(
    path: Path, tmp_path: Path
) -> None:
    """Each scenario recorded through the service: at each entry's time, each weapon is where
    and as the fold of the entries up to that time says."""
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    app = build_app(str(tmp_path / "s.db"), keyring=MemoryKeyring(), clock=clock)
    slug = record_scenario(app, clock, path).slug
    events = event_log(app, slug)
    with app.forensics(slug) as f:
        for moment in sorted({e["at"] for e in events}):
            upto = fold([e for e in events if e["at"] <= moment])
            for weapon, expected in upto.weapons():
                got = f.custody_at(weapon, moment)
                assert (got.location, got.chambers, got.state) == (
                    expected["location"],
                    expected["chambers"],
                    expected["state"],
                ), (weapon, moment)
    app.close()


def test_overrides_name_who_granted_them_and_the_entries_that_used_them(tmp_path: Path) -> None:
    """In the overrides scenario Sam granted CUS-SECURED (used by the meal break) and
    PLAN-DISTANCE (used by the close-range take); the refused tries are listed by rule."""
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    app = build_app(str(tmp_path / "o.db"), keyring=MemoryKeyring(), clock=clock)
    slug = record_scenario(app, clock, ROOT / "scenarios" / "overrides-and-policy.yaml").slug
    with app.forensics(slug) as f:
        report = f.refusals()
        sams = f.refusals(person="sam")
        distance = f.refusals(rule="PLAN-DISTANCE")
    events = event_log(app, slug)
    granted = [(o.rule, o.granted_by, o.used_in) for o in report.overrides]
    assert [(rule, by) for rule, by, _ in granted] == [
        ("CUS-SECURED", "sam"),
        ("PLAN-DISTANCE", "sam"),
    ]
    for override in report.overrides:
        assert override.used_in, override
        for index in override.used_in:
            assert override.number in events[index]["overrides"]
    assert len(report.by_rule["INC-OVERRIDE"]) == 3
    assert [o.number for o in sams.overrides] == [1, 2]
    assert [o.rule for o in distance.overrides] == ["PLAN-DISTANCE"]
    assert all("PLAN-DISTANCE" in r.rules for r in distance.refusals)
    app.close()
