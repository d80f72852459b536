"""The acquisition and disposition book: every weapon the production ever held, where it came
from and where it went, with the paperwork of each.

A licensee's bound book (in the United States, 27 CFR 478.125) lists each firearm with
its make, model, serial number and type, the date it was received and from whom, and
the date it was disposed of and to whom. Prop houses and insurers ask a production for
the same. This book is built from the ledger, not typed: one row per holding, from the
entry that brought the weapon in (``WeaponReceived``, or ``WeaponSurrendered`` for a
weapon found on set that was not the production's) to the entry that let it go
(``WeaponReleased``), each citing its entry (#N) and the SHA-256 of every stored scan of
its paperwork. A weapon received again under the same id after a release has a row per
holding. A correction (``FactCorrected``) of its serial, make, model or caliber shows the
corrected value and cites the correcting entry; the original entry stays in the ledger.
A receipt a rule refused (a personal weapon) was never held and has no row.

The book is a :class:`~showclear.reports.document.Document` rendered by the same PDF
machinery as the daily report, or CSV for a spreadsheet (:func:`book_csv`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from typing import Any

from showclear.reports.common import Basis, basis_of, person, stamp
from showclear.reports.document import Document, Facts, Para, Pre, Section, Table
from showclear.reports.pdf import PAPERS, render_pdf
from showclear.reports.render import default_paper
from showclear.service import App
from showclear.service.errors import BadRequest
from showclear.service.forensics import Forensics

__all__ = [
    "BOOK_COLUMNS",
    "BOOK_FORMATS",
    "Book",
    "BookRow",
    "book",
    "book_csv",
    "book_document",
    "book_file",
]

#: The words for a release's reason (WeaponReleased.reason).
_REASONS = {
    "rental_return": "returned to the rental house",
    "owner_return": "returned to its owner",
    "repair": "out for repair",
}
#: The facts of a weapon a FactCorrected entry may change that the book shows.
_SHOWN = frozenset({"serial", "make", "model", "caliber"})


@dataclass(frozen=True)
class BookRow:
    """One holding of one weapon: how it came in, how it left (if it has), and its status."""

    weapon: str
    make: str
    model: str
    serial: str
    category: str  # its type: blank_firing, replica, ... or "surrendered"
    caliber: str
    received_at: str
    received_from: str  # the rental house or owner on its paperwork; "" if not recorded
    received_by: str  # the person who recorded the receipt (an id)
    received_entry: int
    received_documents: list[str]  # SHA-256 of each stored scan
    released_at: str | None = None
    released_to: str = ""
    release_reason: str = ""
    release_document: str = ""  # the release's document as named (a return slip number)
    release_documents: list[str] = field(default_factory=list)
    released_by: str = ""
    released_entry: int | None = None
    status: str = ""
    corrections: list[int] = field(default_factory=list)  # entries that corrected a fact


@dataclass(frozen=True)
class Book:
    """The production's acquisition and disposition book, from one signed snapshot."""

    production: str
    rows: list[BookRow]
    names: dict[str, str]
    basis: Basis
    jurisdiction: str


def _documents(event: dict[str, Any]) -> list[str]:
    sha = event.get("document_sha256")
    return [sha] if isinstance(sha, str) and sha else []


def _status(f: Forensics, weapon: str, names: dict[str, str]) -> str:
    """Where a weapon still held is now, and its state."""
    record = f.final.weapon(weapon)
    if record is None:
        return "not in the inventory"
    kind, _, where = str(record["location"]).partition(":")
    place = f"with {person(names, where)}" if kind == "person" else f"in storage {where}"
    return f"held: {record['state']}, {place}"


def book(f: Forensics) -> Book:
    """The book of every weapon the production ever held, from the snapshot ``f``."""
    names = f.names
    open_rows: dict[str, BookRow] = {}
    done: list[BookRow] = []
    for item in f.events:
        e = item.event
        kind = item.type
        weapon = e.get("weapon")
        if kind == "WeaponReceived" and isinstance(weapon, str):
            open_rows[weapon] = BookRow(
                weapon=weapon,
                make=str(e["make"]),
                model=str(e["model"]),
                serial=str(e["serial"]),
                category=str(e["category"]),
                caliber=str(e["caliber"]),
                received_at=item.time,
                received_from=str(e.get("received_from") or ""),
                received_by=str(e.get("actor") or ""),
                received_entry=item.index,
                received_documents=_documents(e),
            )
        elif kind == "WeaponSurrendered" and isinstance(weapon, str):
            by = e.get("surrendered_by")
            open_rows[weapon] = BookRow(
                weapon=weapon,
                make=str(e["description"]),
                model="",
                serial=str(e["serial"]),
                category="surrendered",
                caliber="",
                received_at=item.time,
                received_from=f"surrendered on set by {by}" if by else "surrendered on set",
                received_by=str(e.get("actor") or ""),
                received_entry=item.index,
                received_documents=[],
            )
        elif kind == "FactCorrected" and e.get("kind") == "weapon":
            row = open_rows.get(str(e["item"]))
            if row is not None and e["field"] in _SHOWN:
                facts: dict[str, Any] = {str(e["field"]): str(e["new"])}
                open_rows[row.weapon] = replace(
                    row, **facts, corrections=[*row.corrections, item.index]
                )
        elif kind == "WeaponReleased" and isinstance(weapon, str) and weapon in open_rows:
            row = open_rows.pop(weapon)
            done.append(
                replace(
                    row,
                    released_at=item.time,
                    released_to=str(e["to"]),
                    release_reason=_REASONS.get(str(e["reason"]), str(e["reason"])),
                    release_document=str(e["document"]),
                    release_documents=_documents(e),
                    released_by=str(e.get("actor") or ""),
                    released_entry=item.index,
                    status=_REASONS.get(str(e["reason"]), "released"),
                )
            )
    held = [replace(row, status=_status(f, row.weapon, names)) for row in open_rows.values()]
    rows = sorted([*done, *held], key=lambda r: (r.received_entry, r.weapon))
    return Book(
        production=f.production.name,
        rows=rows,
        names=names,
        basis=basis_of(f),
        jurisdiction=f.final.policy().jurisdiction,
    )


#: The columns of the book as CSV.
BOOK_COLUMNS = (
    "weapon", "make", "model", "serial", "type", "caliber",
    "received_at", "received_from", "received_by", "received_entry", "received_documents",
    "released_at", "released_to", "release_reason", "release_document", "release_documents",
    "released_by", "released_entry", "status", "corrected_by_entries",
)  # fmt: skip


def book_csv(b: Book) -> str:
    """The book as CSV text: one row per holding, the documents' SHA-256 separated by ';'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BOOK_COLUMNS)
    for r in b.rows:
        writer.writerow(
            [
                r.weapon, r.make, r.model, r.serial, r.category, r.caliber,
                r.received_at, r.received_from, r.received_by, r.received_entry,
                "; ".join(r.received_documents),
                r.released_at or "", r.released_to, r.release_reason, r.release_document,
                "; ".join(r.release_documents), r.released_by,
                "" if r.released_entry is None else r.released_entry, r.status,
                "; ".join(str(i) for i in r.corrections),
            ]
        )  # fmt: skip
    return out.getvalue()


def _short(sha: str) -> str:
    return f"SHA-256 {sha[:16]}…"


def _received(r: BookRow, names: dict[str, str]) -> str:
    parts = [stamp(r.received_at), r.received_from or "source not recorded"]
    parts.append(f"recorded by {person(names, r.received_by)} (#{r.received_entry})")
    parts += [_short(sha) for sha in r.received_documents]
    return "\n".join(parts)


def _released(r: BookRow, names: dict[str, str]) -> str:
    if r.released_at is None:
        return "—"
    parts = [stamp(r.released_at), f"to {r.released_to}", r.release_reason]
    parts.append(f"document: {r.release_document}")
    parts.append(f"recorded by {person(names, r.released_by)} (#{r.released_entry})")
    parts += [_short(sha) for sha in r.release_documents]
    return "\n".join(parts)


def _described(r: BookRow) -> str:
    what = " ".join(part for part in (r.make, r.model) if part)
    lines = [r.weapon, what, f"serial {r.serial or '(none)'}", r.category.replace("_", " ")]
    if r.caliber:
        lines.append(r.caliber)
    if r.corrections:
        lines.append("corrected: " + ", ".join(f"#{i}" for i in r.corrections))
    return "\n".join(lines)


def book_document(b: Book) -> Document:
    """The book as a report document: the table, the documents in full, how to check it."""
    names = b.names
    held = sum(r.released_at is None for r in b.rows)
    table = Table(
        header=["Weapon", "Received from", "Released or returned to", "Status"],
        rows=[[_described(r), _received(r, names), _released(r, names), r.status] for r in b.rows],
        widths=[2.2, 2.6, 2.6, 1.6],
        empty="The production has held no weapon.",
    )
    documents = [
        (r.weapon, what, sha)
        for r in b.rows
        for what, shas in (("received", r.received_documents), ("released", r.release_documents))
        for sha in shas
    ]
    sections = [
        Section(
            "Weapons received and released",
            [
                Facts(
                    [
                        ("Weapons held", str(len({r.weapon for r in b.rows}))),
                        ("Holdings still open", str(held)),
                        ("Holdings closed", str(len(b.rows) - held)),
                    ]
                ),
                table,
            ],
            "book",
        ),
        Section(
            "Documents",
            [
                Para(
                    "The SHA-256 of every stored scan of the paperwork (rental agreement, "
                    "transfer record, return slip); `showclear document check` compares a "
                    "file with it."
                ),
                Table(
                    header=["Weapon", "Entry", "SHA-256"],
                    rows=[[weapon, what, sha] for weapon, what, sha in documents],
                    widths=[1.4, 1.0, 6.0],
                    empty="No scans of paperwork were stored.",
                ),
            ],
            "documents",
        ),
        Section(
            "How to check this book",
            [
                Para(
                    f"This book was made from the production's ledger as signed at size "
                    f"{b.basis.size}. Each #N is a ledger entry; `showclear prove --index N` "
                    "prints its inclusion proof against the signed checkpoint below."
                ),
                Pre(b.basis.note, "The signed checkpoint (C2SP tlog-checkpoint), verbatim"),
            ],
            "check",
        ),
    ]
    return Document(
        title="Acquisition and disposition book",
        subtitle=b.production,
        facts=[
            ("Production", b.production),
            ("Signed checkpoint", f"size {b.basis.size}, root {b.basis.root}"),
        ],
        sections=sections,
        footer=(
            f"{b.production} · acquisition and disposition book · from the signed checkpoint "
            f"of size {b.basis.size}"
        ),
    )


#: The formats the book is written in.
BOOK_FORMATS = ("pdf", "csv")


def book_file(app: App, slug: str, *, fmt: str = "pdf", paper: str | None = None) -> bytes:
    """The book of production ``slug`` as PDF (on ``paper``: ``a4`` or ``letter``, by default
    Letter for a US jurisdiction) or as UTF-8 CSV.

    Raises:
        NotFound: no such production.
        BadRequest: a format other than pdf or csv, or an unknown paper.
    """
    if fmt not in BOOK_FORMATS:
        raise BadRequest(f"format {fmt!r} is not one of {', '.join(BOOK_FORMATS)}")
    if paper is not None and paper.lower() not in PAPERS:
        raise BadRequest(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    with app.forensics(slug) as f:
        made = book(f)
    if fmt == "csv":
        return book_csv(made).encode("utf-8")
    chosen = paper.lower() if paper is not None else default_paper(made.jurisdiction)
    return render_pdf(book_document(made), chosen)
