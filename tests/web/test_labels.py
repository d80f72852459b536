"""QR labels: a printable PDF for every weapon, lot and storage location, read by the scanner."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from showclear.reports.labels import labels_of, labels_pdf, qr_text
from showclear.service import MemoryKeyring, build_app
from showclear.web.board import parse_code
from system_tools import need_program

from .seed import seed_production

if TYPE_CHECKING:
    from tests.conftest import CliRun


def test_a_label_holds_what_the_scanner_reads() -> None:
    """``showclear:<kind>:<id>`` goes in; the scanner gets the kind and the id back out."""
    assert qr_text("weapon", "colt-1") == "showclear:weapon:colt-1"
    assert parse_code(qr_text("weapon", "colt-1")) == ("weapon", "colt-1")
    assert parse_code(" colt-1 ") == (None, "colt-1")


def test_labels_name_every_weapon_lot_and_storage_location(tmp_path: Path) -> None:
    """The demo inventory: three weapons, two lots, one safe; 14 labels fit a page."""
    app = build_app(str(tmp_path / "showclear.db"), keyring=MemoryKeyring())
    try:
        slug = seed_production(app, "Dust Creek", datetime.now(UTC).date())
        labels = labels_of(app, slug)
    finally:
        app.close()
    assert [(label.kind, label.ident) for label in labels] == [
        ("weapon", "colt-1"),
        ("weapon", "colt-2"),
        ("weapon", "replica-1"),
        ("lot", "blk-45"),
        ("lot", "dum-45"),
        ("storage", "safe"),
    ]
    assert labels[0].lines == ("Colt Single Action Army", ".45 Colt · serial SA-10481")
    pdf = labels_pdf(labels * 3, production="Dust Creek", page_size="letter")
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2  # 18 labels, 14 a page


def test_showclear_labels_writes_a_pdf_a_person_can_read(
    tmp_path: Path, showclear: Callable[..., CliRun]
) -> None:
    """`showclear labels --pdf FILE` prints each id in large type beside its code."""
    db = tmp_path / "set.db"
    app = build_app(str(db), keyring=MemoryKeyring())
    try:
        seed_production(app, "Dust Creek", datetime.now(UTC).date())
    finally:
        app.close()
    out = tmp_path / "labels.pdf"
    run = showclear("--db", str(db), "labels", "--pdf", str(out))
    assert run.code == 0, run.err
    assert "Wrote 6 labels" in run.out
    pdftotext = need_program("pdftotext", "poppler-utils", "read the labels PDF back")
    text = subprocess.run(
        [pdftotext, str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for ident in ("colt-1", "colt-2", "replica-1", "blk-45", "dum-45", "safe"):
        assert ident in text
