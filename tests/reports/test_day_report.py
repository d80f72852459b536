"""The daily firearms report states who held each weapon when, and every lot's counts."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape

from forensics.histories import Demo
from showclear.reports import day_document, day_files, day_report, render_html, render_pdf
from showclear.service import BadRequest, NotFound
from system_tools import need_program

from .reading import pdf_text, rows

DAY = "2026-11-25"


@pytest.fixture(scope="module")
def pdf(demo: Demo) -> bytes:
    rendered = day_files(demo.app, demo.slug, DAY, pdf=True)
    assert rendered.pdf is not None
    return rendered.pdf


@pytest.fixture(scope="module")
def html(demo: Demo) -> str:
    rendered = day_files(demo.app, demo.slug, DAY, pdf=False, html=True)
    assert rendered.html is not None
    return rendered.html


def test_the_report_is_a_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")


def test_the_report_draws_the_custody_figure_as_an_image(pdf: bytes) -> None:
    """The timeline is drawn as an image in the PDF."""
    pdfimages = need_program("pdfimages", "poppler-utils", "list the report's images")
    images = subprocess.run([pdfimages, "-list", "-", ], input=pdf, capture_output=True,
                            check=False).stdout.decode()  # fmt: skip
    assert len(images.strip().splitlines()) >= 3  # header, rule, at least one image


def test_it_names_the_production_the_day_and_the_checkpoint(demo: Demo, pdf: bytes) -> None:
    text = pdf_text(pdf)
    assert "Daily firearms report" in text
    assert f"Dust Creek — shoot day {DAY}" in text
    with demo.app.forensics(demo.slug) as f:
        note = f.checkpoint_note
        key = f.verifier_key
    body = note.split("\n\n")[0].split("\n")
    assert f"size 80, root {body[2]}" in text
    for line in body:  # the signed note, verbatim
        assert line in text
    assert key in text


def test_it_states_who_held_colt_1_and_when(pdf: bytes) -> None:
    """Maria 08:00, Dana's one-minute gap 08:04, Maria 08:05, Jack 08:07 to 08:15, Maria."""
    text = pdf_text(pdf, layout=True)
    for held in (
        "08:00–08:04 Maria Reyes (#27)",
        "08:04–08:05 Dana Kim (#31)",
        "08:05–08:07 Maria Reyes (#32)",
        "08:07–08:15 Jack Dalton (#34)",
        "08:15–08:18 Maria Reyes (#35)",
    ):
        assert held in text
    assert "10:34–10:37 Jack Dalton (#61)" in text  # colt-2's second blank take


def test_it_counts_every_round_of_each_lot(pdf: bytes) -> None:
    """Blanks: 12 received, 2 fired (1 misfired, kept), 1 expended, 1 returned, 10 at close."""
    table = {r[0]: r for r in rows(pdf_text(pdf, layout=True))}
    expected = {
        "Received": ["12", "24"],
        "Loaded": ["2", "12"],
        "Fired": ["2", "0"],
        "Expended": ["1", "0"],
        "Unloaded": ["1", "12"],
        "Returned": ["1", "24"],  # dum-45 went back: a live round was found in its box
        "Counted": ["10", "0"],
    }
    for label, (blanks, dummies) in expected.items():
        assert table[label][-2:] == [blanks, dummies], table[label]
    lines = {" ".join(r[:-2]): r[-2:] for r in rows(pdf_text(pdf, layout=True))}
    assert lines["of which misfired (round kept)"] == ["1", "0"]
    assert lines["On hand at the end of the day"] == ["10", "0"]
    assert lines["Balances (AMMO-COUNT)"] == ["yes", "yes"]


def test_it_lists_the_refusals_the_warning_and_the_reviewed_incident(pdf: bytes) -> None:
    text = " ".join(pdf_text(pdf).split())
    assert "CUS-HANDLER" in text and "CUS-SHOW-CLEAR" in text
    assert "Dana Kim is an assistant director, who never hands a weapon to anyone." in text
    assert "misfire: colt-2 discharged: misfire." in text
    assert "Ruth Okafor (safety coordinator)" in text and "Paul Ortega (producer)" in text
    assert "closed 2026-11-25 09:20" in text
    layout = pdf_text(pdf, layout=True)
    glance = {
        label: re.search(rf"^\s*{label}\s+(.+?)\s*$", layout, re.M)[1]  # type: ignore[index]
        for label in ("Refused attempts", "Warnings", "Incidents", "Rounds expended")
    }
    assert glance == {
        "Refused attempts": "4",
        "Warnings": "1",
        "Incidents": "2 (all reviewed)",
        "Rounds expended": "blk-45: 1",
    }


def test_it_names_the_meeting_and_its_attendees(pdf: bytes) -> None:
    text = " ".join(pdf_text(pdf).split())
    assert "Paul Ortega, Ruth Okafor, Maria Reyes, Dana Kim, Jack Dalton, Ken Ito" in text
    assert "colt-1: dummies (lot dum-45, 6 rounds), for Jack Dalton" in text


def test_the_html_page_says_the_same(html: str) -> None:
    """Same sections and facts; the figure inline as SVG; nothing to fetch from elsewhere."""
    assert html.startswith("<!doctype html>")
    assert str(escape("08:07–08:15 Jack Dalton (#34)")) in html
    assert "<svg" in html and "<img" not in html and "http://" not in html.split("<svg", 1)[0]
    for section in (
        "Weapons used",
        "Rounds per lot",
        "Refused attempts",
        "Overrides",
        "Safety meetings",
        "Incidents",
        "Concerns",
        "How to check this report",
    ):
        assert f"<h2>{section}</h2>" in html


def test_a_report_is_reproducible(demo: Demo, pdf: bytes) -> None:
    """The same ledger gives the same PDF, byte for byte (no clock in it)."""
    with demo.app.forensics(demo.slug) as f:
        again = render_pdf(day_document(day_report(f, DAY)))
    assert again == pdf


def test_a_day_without_entries_or_a_bad_date_is_refused(demo: Demo) -> None:
    with demo.app.forensics(demo.slug) as f:
        with pytest.raises(NotFound, match="nothing was recorded on 2026-11-26"):
            day_report(f, "2026-11-26")
        with pytest.raises(BadRequest, match="not a date"):
            day_report(f, "25/11/2026")


def test_showclear_report_day_writes_the_pdf_and_the_html(
    showclear: Callable[..., object], demo: Demo, tmp_path: Path
) -> None:
    pdf_file, html_file = tmp_path / "day.pdf", tmp_path / "day.html"
    run = showclear("--db", str(demo.db), "report", "day", DAY, "--pdf", str(pdf_file),
                    "--html", str(html_file))  # fmt: skip
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert "08:07–08:15 Jack Dalton (#34)" in pdf_text(pdf_file.read_bytes(), layout=True)
    assert "Daily firearms report" in html_file.read_text()
    missing = showclear("--db", str(demo.db), "report", "day", DAY)
    assert missing.code == 2  # type: ignore[attr-defined]
    assert render_html  # the renderers are public


def test_it_shows_the_suspect_lot_with_why_and_since_when(pdf: bytes) -> None:
    """dum-45, where a live round was found, is named SUSPECT at a glance and in the rounds."""
    text = " ".join(pdf_text(pdf).split())
    assert "Suspect lots SUSPECT: dum-45" in text
    assert "SUSPECT LOT dum-45: a live round was found in it, since 2026-11-25 11:10" in text
    assert "re-verified round by round, returned or destroyed (AMMO-SUSPECT)" in text
    layout = [" ".join(r) for r in rows(pdf_text(pdf, layout=True))]
    assert any(line.endswith("no SUSPECT since 11:10") for line in layout), layout


def test_the_report_says_who_confirmed_each_handover_show_clear_and_meeting_and_how(
    pdf: bytes,
) -> None:
    """Issue 13: each confirmation with how it was proven (PIN, session, passkey)."""
    text = " ".join(pdf_text(pdf).split())
    assert "Confirmations and how each was proven" in text
    assert "Confirmed by (how)" in text
