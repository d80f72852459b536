"""The incident report: the record around incident 1 (the misfire), each cited entry proven.

Every entry the report cites comes with its bytes and its inclusion proof against the
checkpoint the report names; the tests check those proofs from the report's data,
and again from the text a reader gets out of the PDF, with nothing but the ledger
package: no database, no server.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape

from forensics.histories import Demo
from showclear.ledger import (
    Ed25519Verifier,
    TlogProof,
    leaf_hash,
    open_checkpoint,
    verify_tlog_proof,
)
from showclear.reports import (
    IncidentReport,
    incident_document,
    incident_report,
    render_html,
    render_pdf,
)
from showclear.service import BadRequest, NotFound

from .reading import pdf_text


@pytest.fixture(scope="module")
def report(demo: Demo) -> IncidentReport:
    with demo.app.forensics(demo.slug) as f:
        return incident_report(f, 1)


@pytest.fixture(scope="module")
def pdf(report: IncidentReport) -> bytes:
    return render_pdf(incident_document(report))


def _cited(report: IncidentReport) -> set[int]:
    """Every entry index any statement of the report rests on."""
    cited = set(report.facts.cites) | {row.index for row in report.entries}
    for chain in report.weapons:
        cited |= set(chain.cites) | {h.entry for h in chain.holds}
    for lot in report.lots:
        cited |= set(lot.cites) | {m.index for m in lot.movements}
    for custody in report.at_incident:
        cited |= set(custody.cites)
    return cited


def test_the_report_covers_the_misfire_its_weapon_its_lot_and_the_people(
    report: IncidentReport,
) -> None:
    """The misfire of colt-2 (#46, #47) held by Jack, the blank lot, and who did what."""
    assert (report.facts.kind, report.facts.index, report.facts.related) == ("misfire", 47, [46])
    assert [c.weapon for c in report.weapons] == ["colt-2"]
    assert [c.lot for c in report.lots] == ["blk-45"]
    (custody,) = report.at_incident
    assert (custody.holder, custody.since, custody.entry) == ("jack", "2026-11-25T08:52:00Z", 45)
    assert custody.chambers == ["blk-45"] + ["empty"] * 5
    people = {p.person: p for p in report.people}
    assert set(people) >= {"maria", "jack", "ruth", "paul"}
    assert "held colt-2 when the incident opened (since 08:52, #45)" in people["jack"].parts
    assert any("reviewed the incident as safety coordinator" in p for p in people["ruth"].parts)
    assert people["maria"].duties == ["handler"]


def test_every_cited_entry_has_a_proof_that_verifies_against_the_cited_checkpoint(
    report: IncidentReport, demo: Demo
) -> None:
    """Each proof's checkpoint is the report's, signed by the production's key; each leads
    from the entry's exact bytes to its root; and no cited entry lacks one."""
    verifier = Ed25519Verifier.from_verifier_key(report.basis.verifier_key)
    basis = open_checkpoint(report.basis.note, verifier)
    proven = {}
    for evidence in report.evidence:
        proof = TlogProof.parse(evidence.proof)
        assert proof.index == evidence.index
        assert proof.checkpoint_note == report.basis.note
        checkpoint = verify_tlog_proof(proof, evidence.entry.encode(), verifier)
        assert (checkpoint.size, checkpoint.root) == (basis.size, basis.root)
        assert leaf_hash(evidence.entry.encode()).hex() == evidence.leaf_hash
        proven[evidence.index] = evidence.entry.encode()
    assert _cited(report) <= set(proven)
    with demo.app.store.read(demo.slug) as session:
        for index, data in proven.items():
            assert session.entry(index).data == data


def test_the_pdf_names_the_incident_the_holder_and_the_checkpoint(
    report: IncidentReport, pdf: bytes
) -> None:
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Incident report no. 1" in flat
    assert "misfire: colt-2 discharged: misfire." in flat
    assert "Jack Dalton since 08:52 (#45)" in flat
    assert "1 blk-45, 2–6 empty" in flat
    for line in report.basis.note.rstrip("\n").split("\n"):
        if line and not line.startswith("—"):
            assert line in text  # the signed note's body, verbatim
    assert report.basis.verifier_key in flat


def _unwrap(text: str) -> str:
    return text.replace("↵\n", "")


def test_each_proof_read_back_from_the_pdf_verifies(report: IncidentReport, pdf: bytes) -> None:
    """A reader copies an entry and its proof out of the PDF and checks it against the
    checkpoint printed in the report: every one verifies."""
    text = _unwrap(pdf_text(pdf))
    verifier = Ed25519Verifier.from_verifier_key(report.basis.verifier_key)
    note = report.basis.note
    found = 0
    for match in re.finditer(r"Entry #(\d+) · \S+ · \w+\n(\{.*\})\n", text):
        index, entry = int(match[1]), match[2].encode()
        after = text[match.end() :]
        proof = re.search(
            rf"Inclusion proof of entry #{index} \(leaf hash ([0-9a-f]{{64}})\)\n"
            rf"c2sp.org/tlog-proof@v1\nindex {index}\n((?:[A-Za-z0-9+/]{{43}}=\n)*)",
            after,
        )
        assert proof is not None, index
        assert leaf_hash(entry).hex() == proof[1]
        hashes = [base64.b64decode(h) for h in proof[2].split()]
        verify_tlog_proof(TlogProof(index, hashes, note), entry, verifier)
        found += 1
    assert found == len(report.evidence)


def test_the_html_gives_every_proof_verbatim(report: IncidentReport) -> None:
    html = render_html(incident_document(report))
    assert str(escape(report.basis.note)) in html
    for evidence in report.evidence:
        assert str(escape(evidence.proof)) in html
        assert str(escape(evidence.entry)) in html


def test_an_unknown_incident_or_a_negative_window_is_refused(demo: Demo) -> None:
    with demo.app.forensics(demo.slug) as f:
        with pytest.raises(NotFound, match="no incident 3"):
            incident_report(f, 3)
        with pytest.raises(BadRequest, match="cannot be negative"):
            incident_report(f, 1, before_minutes=-5)


def test_showclear_report_incident_writes_the_pdf(
    showclear: Callable[..., object], demo: Demo, tmp_path: Path
) -> None:
    target = tmp_path / "incident-1.pdf"
    run = showclear("--db", str(demo.db), "report", "incident", "1", "--pdf", str(target))
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert "Incident report no. 1" in pdf_text(target.read_bytes())
    unknown = showclear("--db", str(demo.db), "report", "incident", "9", "--pdf", str(target))
    assert unknown.code == 3  # type: ignore[attr-defined]
    assert "no incident 9" in unknown.err_text  # type: ignore[attr-defined]


def test_the_live_round_incident_names_the_suspect_lot_why_and_since_when(demo: Demo) -> None:
    """Incident 2 (a live round in dum-45's box) shows the lot as suspect (AMMO-SUSPECT)."""
    with demo.app.forensics(demo.slug) as f:
        live = incident_report(f, 2)
    [chain] = [c for c in live.lots if c.lot == "dum-45"]
    assert chain.suspect is not None
    text = " ".join(pdf_text(render_pdf(incident_document(live))).split())
    assert f"SUSPECT LOT a live round was found in it, since {chain.suspect['at'][:10]}" in text
    assert f"(#{chain.suspect['entry']}): every round of it is quarantined" in text
    assert "quarantined 0" in text  # the counters include the quarantine
