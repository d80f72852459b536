"""The acquisition and disposition book: every weapon held, received from whom, released to whom."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from forensics.histories import record_demo_day
from showclear.reports.book import BOOK_COLUMNS, book, book_file
from showclear.service import TRUSTED, App, BadRequest, FixedClock, MemoryKeyring, build_app

from .conftest import START
from .reading import pdf_text

RENTAL_AGREEMENT = b"Western Prop Rentals - rental agreement 8812 - Uberti 1873"
RETURN_SLIP = b"Western Prop Rentals - return slip R-8812"


@dataclass
class Held:
    """A copy of the demo day with a weapon rented, returned, rented again, corrected, and
    one surrendered on set."""

    app: App
    slug: str
    agreement: str  # SHA-256 of the stored rental agreement
    slip: str  # SHA-256 of the stored return slip


def _submit(app: App, clock: FixedClock, slug: str, event_type: str, **fields: Any) -> None:
    clock.set(clock.now() + timedelta(minutes=5))
    receipt = app.submit(slug, {"type": event_type, "actor": "maria", **fields}, TRUSTED)
    assert not receipt.refused, (event_type, receipt.findings)


RECEIVED = {
    "weapon": "rev-9",
    "serial": "UB-9901",
    "make": "Uberti",
    "model": "1873 Cattleman",
    "category": "blank_firing",
    "caliber": ".45 Colt",
    "chambers": 6,
    "action": "revolver",
    "storage": "safe",
    "personal": False,
    "received_from": "Western Prop Rentals",
}


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Held]:
    clock = FixedClock(START)
    app = build_app(
        str(tmp_path_factory.mktemp("book") / "showclear.db"), keyring=MemoryKeyring(), clock=clock
    )
    slug = record_demo_day(app, clock)
    agreement = app.put_document(slug, RENTAL_AGREEMENT)
    slip = app.put_document(slug, RETURN_SLIP)
    _submit(app, clock, slug, "WeaponReceived", **RECEIVED, document_sha256=agreement)
    _submit(
        app, clock, slug, "WeaponReleased", weapon="rev-9", reason="rental_return",
        to="Western Prop Rentals", document="return slip R-8812", document_sha256=slip,
    )  # fmt: skip
    _submit(app, clock, slug, "WeaponReceived", **{**RECEIVED, "serial": "UB-9910"})
    with app.store.read(slug) as session:
        received_again = session.size() - 1
    _submit(
        app, clock, slug, "FactCorrected", kind="weapon", item="rev-9", field="serial",
        old="UB-9910", new="UB-9901", entry=received_again, reason="read off the frame",
    )  # fmt: skip
    _submit(
        app, clock, slug, "WeaponSurrendered", weapon="personal-1",
        description="a performer's own .38 revolver", serial="", surrendered_by="Jack Hale",
        storage="safe",
    )  # fmt: skip
    yield Held(app, slug, agreement, slip)
    app.close()


def test_every_weapon_ever_held_has_a_row_per_holding(held: Held) -> None:
    """The demo's three weapons, rev-9 twice (rented, returned, rented again), personal-1."""
    with held.app.forensics(held.slug) as f:
        made = book(f)
    weapons = [row.weapon for row in made.rows]
    assert sorted(weapons) == ["colt-1", "colt-2", "personal-1", "replica-1", "rev-9", "rev-9"]
    first, second = (row for row in made.rows if row.weapon == "rev-9")
    assert first.received_from == "Western Prop Rentals"
    assert first.received_documents == [held.agreement]
    assert first.released_to == "Western Prop Rentals"
    assert first.release_reason == "returned to the rental house"
    assert first.release_documents == [held.slip]
    assert first.released_at is not None and first.released_at > first.received_at
    assert second.released_at is None
    assert second.serial == "UB-9901" and second.corrections  # the correction is applied
    assert second.status == "held: UNKNOWN, in storage safe"
    surrendered = next(row for row in made.rows if row.weapon == "personal-1")
    assert surrendered.received_from == "surrendered on set by Jack Hale"


def test_the_book_as_csv_names_documents_by_their_sha256(held: Held) -> None:
    """--format csv: one row per holding with the documents' SHA-256 and the entries."""
    text = book_file(held.app, held.slug, fmt="csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == BOOK_COLUMNS
    returned = next(r for r in rows if r["weapon"] == "rev-9" and r["released_at"])
    assert returned["received_documents"] == hashlib.sha256(RENTAL_AGREEMENT).hexdigest()
    assert returned["release_documents"] == hashlib.sha256(RETURN_SLIP).hexdigest()
    assert returned["release_document"] == "return slip R-8812"
    assert returned["received_entry"] and returned["released_entry"]
    colt = next(r for r in rows if r["weapon"] == "colt-1")
    assert (colt["make"], colt["serial"]) == ("Colt", "SA-10481")
    assert colt["type"] == "functional_firearm"
    assert colt["status"].startswith("held: COLD")


def test_the_book_as_pdf_reads_back_with_each_weapon_and_its_paperwork(held: Held) -> None:
    """pdftotext finds the title, each weapon with its serial, the sources and the hashes."""
    text = " ".join(pdf_text(book_file(held.app, held.slug, fmt="pdf")).split())
    assert "Acquisition and disposition book" in text
    for expected in ("colt-1", "SA-10481", "rev-9", "UB-9901", "personal-1"):
        assert expected in text, expected
    assert "Western Prop Rentals" in text
    assert "returned to the rental house" in text
    assert "surrendered on set by Jack Hale" in text
    assert held.agreement[:16] in text.replace(" ", "")
    assert "How to check this book" in text


def test_an_unknown_format_or_paper_is_a_bad_request(held: Held) -> None:
    with pytest.raises(BadRequest, match="format 'xls' is not one of pdf, csv"):
        book_file(held.app, held.slug, fmt="xls")
    with pytest.raises(BadRequest, match="paper 'tabloid'"):
        book_file(held.app, held.slug, paper="tabloid")
