"""Scans of the paperwork on the command line: ``--document FILE``, ``document get|check``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .conftest import Cli

INVOICE = b"%PDF-1.4 Prop House invoice 4471: 50 dummy rounds .45 Colt\n"
SHA = hashlib.sha256(INVOICE).hexdigest()


@pytest.fixture
def listed(crew: Cli, tmp_path: Path) -> Cli:
    """The cast, a safe, and Prop House listed and approved; documents in a folder of the test."""
    crew.env["SHOWCLEAR_DOCUMENTS"] = str(tmp_path / "documents")
    crew.ok("storage", "add", "safe-1", "--name", "Truck 2 gun safe", "--lockable", "--as", "mo")
    crew.ok(
        "supplier", "add", "prop-house", "--name", "Prop House", "--licence", "FFL 9-85-01234",
        "--contact", "Jo Reyes, 505 555 0100", "--as", "mo",
    )  # fmt: skip
    crew.ok("supplier", "approve", "prop-house", "--as", "pat")
    return crew


def _receive(cli: Cli, *extra: str) -> None:
    cli.ok(
        "receive", "lot", "D-1", "--kind", "dummy", "--caliber", ".45 Colt", "--count", "50",
        "--supplier", "prop-house", "--origin", "invoice 4471", "--storage", "safe-1",
        *extra, "--as", "mo",
    )  # fmt: skip


def _last_entry(cli: Cli) -> dict[str, object]:
    app = cli.app()
    try:
        _, rows = app.entries("dust-creek", app.production("dust-creek").size - 1, 1)
    finally:
        app.close()
    event = rows[0].event()
    assert isinstance(event, dict)
    return event


def test_a_lot_received_with_its_invoice_names_the_scan_and_the_check_passes(
    listed: Cli, tmp_path: Path
) -> None:
    """--document stores the file; the entry holds its SHA-256; document check finds it held."""
    scan = tmp_path / "invoice-4471.pdf"
    scan.write_bytes(INVOICE)
    _receive(listed, "--document", str(scan))
    assert _last_entry(listed)["document_sha256"] == SHA
    assert (tmp_path / "documents" / "dust-creek" / SHA[:2] / SHA[2:]).read_bytes() == INVOICE
    checked = listed.main("document", "check")
    assert checked.code == 0, checked.text
    assert "every document the ledger names (1) is held" in checked.text
    out = tmp_path / "copy.pdf"
    listed.ok("document", "get", SHA, "--out", str(out))
    assert out.read_bytes() == INVOICE


def test_a_changed_document_is_reported_and_the_ledger_still_verifies(
    listed: Cli, tmp_path: Path
) -> None:
    """document check exits 1 naming it; verify keeps its verdict and adds a line of its own."""
    scan = tmp_path / "invoice-4471.pdf"
    scan.write_bytes(INVOICE)
    _receive(listed, "--document", str(scan))
    stored = tmp_path / "documents" / "dust-creek" / SHA[:2] / SHA[2:]
    stored.write_bytes(INVOICE.replace(b"50", b"60"))
    checked = listed.main("document", "check")
    assert checked.code == 1
    assert f"document {SHA} has changed" in checked.text
    verified = listed.main("verify")
    assert verified.code == 0, verified.text
    assert "OK:" in verified.text and f"document {SHA} has changed" in verified.text
    fetched = listed.main("document", "get", SHA, "--out", str(tmp_path / "copy.pdf"))
    assert fetched.code == 1 and "no longer hash to its name" in fetched.text
    stored.unlink()
    assert f"document {SHA} is missing" in listed.main("document", "check").text


def test_a_supplier_is_listed_with_a_scan_of_its_licence(crew: Cli, tmp_path: Path) -> None:
    """supplier add --document puts the licence scan's SHA-256 in the entry and its words."""
    crew.env["SHOWCLEAR_DOCUMENTS"] = str(tmp_path / "documents")
    licence = tmp_path / "ffl.jpg"
    licence.write_bytes(b"\xff\xd8\xff licence FFL 1-23-456")
    sha = hashlib.sha256(licence.read_bytes()).hexdigest()
    crew.ok(
        "supplier", "add", "acme", "--name", "Acme Blanks", "--licence", "FFL 1-23-456",
        "--contact", "Jo Reyes, 505 555 0100", "--document", str(licence), "--as", "mo",
    )  # fmt: skip
    assert _last_entry(crew)["document_sha256"] == sha
    assert crew.main("document", "check").code == 0


def test_a_document_not_stored_is_not_found(listed: Cli) -> None:
    """document get of an unknown hash is not-found (exit 3) and writes no file."""
    result = listed.main("document", "get", SHA, "--out", "never.pdf")
    assert result.code == 3
    assert f"there is no document {SHA}" in result.text
    assert not Path("never.pdf").exists()
    assert "The ledger names no document." in listed.main("document", "check").text
