"""Printable QR labels for weapons, lots and storage locations (a PDF sheet).

A label's QR code holds ``showclear:<kind>:<id>`` (kind ``weapon``, ``lot`` or
``storage``), which the web UI's scanner reads (showclear.web.board.parse_code);
the id is printed large beside it, so a person can always type it instead.
A label holds nothing that changes (no state, no holder): only what identifies
the thing. QR codes are drawn as vector squares (segno's matrix, error
correction level M, a quiet zone of four modules), so they print sharp at any size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import segno
from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from showclear.service import App

__all__ = ["QR_SCHEME", "Label", "labels_of", "labels_pdf", "qr_text"]

QR_SCHEME = "showclear"
Kind = Literal["weapon", "lot", "storage"]

_PAGES = {"a4": A4, "letter": LETTER}
_COLUMNS, _ROWS = 2, 7
_MARGIN = 10 * mm
_QUIET = 4  # modules of white around the code (ISO/IEC 18004)


@dataclass(frozen=True)
class Label:
    """One label: what it names, and up to three short lines about it."""

    kind: Kind
    ident: str
    lines: tuple[str, ...]


def qr_text(kind: Kind, ident: str) -> str:
    """What a label's QR code holds."""
    return f"{QR_SCHEME}:{kind}:{ident}"


def labels_of(app: App, slug: str) -> list[Label]:
    """A label for every weapon, lot and storage location of the production."""
    projection = app.projection(slug)
    found: list[Label] = []
    for weapon, w in projection.weapons():
        found.append(
            Label(
                "weapon",
                weapon,
                (f"{w['make']} {w['model']}", f"{w['caliber']} · serial {w['serial']}"),
            )
        )
    for lot, record in projection.lots():
        found.append(
            Label("lot", lot, (f"{record['kind']} · {record['caliber']}", record["supplier"]))
        )
    for key, place in projection.records().items():
        if key.startswith("storage:"):
            lockable = "lockable" if place.get("lockable") else "NOT lockable"
            found.append(Label("storage", key[8:], (str(place.get("name", "")), lockable)))
    return found


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _qr(canvas: Canvas, text: str, x: float, y: float, side: float) -> None:
    matrix = segno.make(text, error="m", micro=False).matrix
    modules = len(matrix) + 2 * _QUIET
    unit = side / modules
    canvas.setFillGray(0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                left = x + (c + _QUIET) * unit
                top = y + side - (r + _QUIET + 1) * unit
                canvas.rect(left, top, unit, unit, stroke=0, fill=1)


def _label(
    canvas: Canvas, label: Label, production: str, box: tuple[float, float, float, float]
) -> None:
    x, y, width, height = box
    canvas.setStrokeGray(0.75)
    canvas.setLineWidth(0.4)
    canvas.roundRect(x, y, width, height, 2 * mm, stroke=1, fill=0)
    side = height - 4 * mm
    _qr(canvas, qr_text(label.kind, label.ident), x + 2 * mm, y + 2 * mm, side)
    left = x + side + 4 * mm
    room = width - side - 6 * mm
    canvas.setFillGray(0)
    canvas.setFont("Helvetica-Bold", 8)
    canvas.drawString(left, y + height - 7 * mm, label.kind.upper())
    canvas.setFont("Helvetica-Bold", 20)
    ident = _fit(canvas, label.ident, "Helvetica-Bold", 20, room)
    canvas.drawString(left, y + height - 15 * mm, ident)
    canvas.setFont("Helvetica", 8.5)
    for i, line in enumerate(label.lines[:3]):
        text = _fit(canvas, line, "Helvetica", 8.5, room)
        canvas.drawString(left, y + height - (21 + 4.5 * i) * mm, text)
    canvas.setFont("Helvetica", 6)
    canvas.setFillGray(0.35)
    canvas.drawString(left, y + 3 * mm, _fit(canvas, production, "Helvetica", 6, room))


def _cell(page: tuple[float, float]) -> tuple[float, float]:
    width, height = page
    return (width - 2 * _MARGIN) / _COLUMNS, (height - 2 * _MARGIN) / _ROWS


def labels_pdf(labels: list[Label], *, production: str, page_size: str = "a4") -> bytes:
    """A PDF of ``labels``, 14 a page in a 2 x 7 grid, with cut lines."""
    page = _PAGES[page_size]  # "a4" or "letter"
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page, invariant=True)
    canvas.setTitle(f"showclear labels: {production}")
    canvas.setAuthor("showclear")
    width, height = _cell(page)
    per_page = _COLUMNS * _ROWS
    for n, label in enumerate(labels):
        if n and n % per_page == 0:
            canvas.showPage()
        slot = n % per_page
        column, row = slot % _COLUMNS, slot // _COLUMNS
        x = _MARGIN + column * width
        y = page[1] - _MARGIN - (row + 1) * height
        _label(canvas, label, production, (x, y, width, height))
    if not labels:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(_MARGIN, page[1] - 2 * _MARGIN, "No weapons, lots or storage yet.")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
