"""Reports as PDF (reportlab): A4 or US Letter, DejaVu fonts (shipped with matplotlib),
tables that split.

The text block has the same width on both papers (A4's, the narrower), so a report
lays out the same on either; on Letter the side margins are a little wider.

Every page carries the document's footer (what the report rests on) and its page
number. Verbatim text (signed notes, entries, proofs) is set in a monospaced font;
a line too long for the page continues on the next one after a ``↵``, which is
not part of the text. Output is reproducible: the same document gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import inch, mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
    XPreformatted,
)
from reportlab.platypus import Table as RLTable

from showclear.reports.document import (
    Block,
    Document,
    Facts,
    Figure,
    Para,
    Picture,
    Section,
    Signatures,
    Table,
)

__all__ = ["PAPERS", "render_pdf"]

#: The paper sizes a report can be printed on, in points.
PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

_INK = colors.HexColor("#1b1f24")
_MUTED = colors.HexColor("#5b6570")
_HEAD = colors.HexColor("#24313f")
_RULE = colors.HexColor("#d7dce1")
_ZEBRA = colors.HexColor("#f6f8fa")
_TONES = {
    "alert": colors.HexColor("#fbe9e9"),
    "warn": colors.HexColor("#fff6e0"),
    "ok": colors.HexColor("#e9f7ee"),
}
_MARGIN = 16 * mm
_WIDTH = min(A4[0], LETTER[0]) - 2 * _MARGIN
#: Tallest a photo is drawn, so it and its caption fit a Letter page with the margins.
_PICTURE_HEIGHT = 150 * mm
#: Tallest a figure is drawn (one with many weapons shrinks), to fit a Letter page.
_FIGURE_HEIGHT = 200 * mm
_MONO_SIZE = 7.0
_CODE = re.compile(r"`([^`]+)`")
#: Verbatim blocks up to this many lines stay on one page.
_KEEP_LINES = 45
#: Characters of monospaced text per line at _MONO_SIZE (DejaVu Sans Mono advances 0.602 em).
_MONO_COLUMNS = int((_WIDTH - 12) / (0.602 * _MONO_SIZE))


@cache
def _fonts() -> dict[str, str]:
    """Register DejaVu Sans (regular, bold) and DejaVu Sans Mono, found in matplotlib's data."""
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    faces = {
        "sans": ("SCSans", "DejaVuSans.ttf"),
        "bold": ("SCSans-Bold", "DejaVuSans-Bold.ttf"),
        "mono": ("SCMono", "DejaVuSansMono.ttf"),
    }
    for name, file in faces.values():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily("SCSans", normal="SCSans", bold="SCSans-Bold")
    return {key: name for key, (name, _) in faces.items()}


@cache
def _styles() -> dict[str, ParagraphStyle]:
    f = _fonts()
    base = ParagraphStyle("body", fontName=f["sans"], fontSize=9, leading=12.5, textColor=_INK)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", base, fontName=f["bold"], fontSize=20, leading=24, textColor=_HEAD
        ),
        "subtitle": ParagraphStyle(
            "subtitle", base, fontSize=12, leading=16, textColor=_MUTED, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=f["bold"],
            fontSize=13,
            leading=17,
            textColor=_HEAD,
            spaceBefore=12,
            spaceAfter=5,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5, alignment=TA_LEFT),
        "head": ParagraphStyle(
            "head", base, fontName=f["bold"], fontSize=7.5, leading=9.5, textColor=colors.white
        ),
        "label": ParagraphStyle("label", base, fontName=f["bold"], textColor=_MUTED),
        "caption": ParagraphStyle(
            "caption", base, fontSize=8, leading=10.5, textColor=_MUTED, spaceBefore=4, spaceAfter=2
        ),
        "empty": ParagraphStyle("empty", base, textColor=_MUTED),
        "warn": ParagraphStyle(
            "warn", base, backColor=_TONES["warn"], borderPadding=5, spaceBefore=6, spaceAfter=6
        ),
        "alert": ParagraphStyle(
            "alert", base, fontName=f["bold"], textColor=colors.HexColor("#a11d1d")
        ),
        "mono": ParagraphStyle(
            "mono",
            base,
            fontName=f["mono"],
            fontSize=_MONO_SIZE,
            leading=_MONO_SIZE * 1.3,
            backColor=_ZEBRA,
            borderPadding=4,
            borderColor=_RULE,
            borderWidth=0.5,
            spaceBefore=4,
            spaceAfter=8,
        ),
    }


def _text(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, newlines kept, `code` monospaced."""
    marked = escape(text).replace("\n", "<br/>")
    return _CODE.sub(lambda m: f'<font face="{_fonts()["mono"]}">{m[1]}</font>', marked)


def _wrap(text: str, columns: int = _MONO_COLUMNS) -> str:
    lines = []
    for line in text.split("\n"):
        rest = line
        while len(rest) > columns:
            lines.append(rest[: columns - 1] + "↵")
            rest = rest[columns - 1 :]
        lines.append(rest)
    return "\n".join(lines)


def _table(block: Table) -> Flowable:
    s = _styles()
    if not block.rows:
        return Paragraph(_text(block.empty), s["empty"])
    total = sum(block.widths)
    widths = [_WIDTH * w / total for w in block.widths]
    data = [[Paragraph(_text(h), s["head"]) for h in block.header]]
    data += [[Paragraph(_text(cell), s["cell"]) for cell in row] for row in block.rows]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for i in range(1, len(data)):
        tone = block.tones[i - 1] if block.tones else ""
        if tone:
            style.append(("BACKGROUND", (0, i), (-1, i), _TONES[tone]))
            if tone == "alert":
                style.append(("LINEBEFORE", (0, i), (0, i), 2.5, colors.HexColor("#a11d1d")))
        elif i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), _ZEBRA))
    # splitInRow: a row taller than a page (a long name in a narrow column) continues on
    # the next page instead of failing the report.
    return RLTable(
        data,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(style),
        hAlign="LEFT",
    )


def _facts(pairs: list[tuple[str, str]]) -> Flowable:
    s = _styles()
    data = [[Paragraph(_text(k), s["label"]), Paragraph(_text(v), s["body"])] for k, v in pairs]
    table = RLTable(data, colWidths=[_WIDTH * 0.27, _WIDTH * 0.73], hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _figure(block: Figure) -> Flowable:
    width = min(_WIDTH, block.width_in * inch)
    height = width * block.height_in / block.width_in
    if height > _FIGURE_HEIGHT:  # many weapons: the figure shrinks to fit one page
        width, height = width * _FIGURE_HEIGHT / height, _FIGURE_HEIGHT
    return Image(io.BytesIO(block.png), width=width, height=height)


def _picture(block: Picture) -> list[Flowable]:
    s = _styles()
    caption = Paragraph(_text(block.caption), s["caption"])
    try:
        reader = ImageReader(io.BytesIO(block.data))
        wide, high = reader.getSize()
    except Exception:  # any file PIL cannot decode is named, not drawn
        return [Paragraph(_text("(the file could not be drawn as an image)"), s["empty"]), caption]
    scale = min(_WIDTH / wide, _PICTURE_HEIGHT / high)
    image = Image(io.BytesIO(block.data), width=wide * scale, height=high * scale)
    image.hAlign = "LEFT"
    return [KeepTogether([image, caption])]


def _signatures(block: Signatures) -> Flowable:
    s = _styles()
    data = [
        [
            Paragraph(_text(role), s["label"]),
            Paragraph(_text(name or "Printed name:"), s["body"]),
            Paragraph(_text("Signature"), s["caption"]),
            Paragraph(_text("Date"), s["caption"]),
        ]
        for role, name in block.lines
    ]
    widths = [_WIDTH * w for w in (0.22, 0.28, 0.34, 0.16)]
    table = RLTable(data, colWidths=widths, hAlign="LEFT", rowHeights=[34] * len(data))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (-1, -1), 0.6, _INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return KeepTogether([table])


def _block(block: Block) -> list[Flowable]:
    s = _styles()
    if isinstance(block, Picture):
        return _picture(block)
    if isinstance(block, Signatures):
        return [_signatures(block), Spacer(1, 6)]
    if isinstance(block, Para):
        return [Paragraph(_text(block.text), s[block.tone] if block.tone else s["body"])]
    if isinstance(block, Facts):
        return [_facts(block.pairs)]
    if isinstance(block, Table):
        return [_table(block), Spacer(1, 4)]
    if isinstance(block, Figure):
        return [_figure(block), Paragraph(_text(block.caption), s["caption"])]
    flow: list[Flowable] = []
    if block.caption:
        flow.append(Paragraph(_text(block.caption), s["caption"]))
    text = _wrap(block.text.rstrip("\n"))
    flow.append(XPreformatted(escape(text), s["mono"]))
    return [KeepTogether(flow)] if text.count("\n") < _KEEP_LINES else flow


def _section(section: Section) -> list[Flowable]:
    s = _styles()
    blocks = [flowable for block in section.blocks for flowable in _block(block)]
    heading = Paragraph(_text(section.title), s["h2"])
    # A heading never ends a page: keep it with the first block after it.
    flow: list[Flowable] = [PageBreak()] if section.new_page else []
    return [*flow, KeepTogether([heading, *blocks[:1]]), *blocks[1:]]


#: Characters of the footer a page shows (a production's name can be long).
_FOOTER_CHARS = 150


def _footer(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _FOOTER_CHARS else flat[: _FOOTER_CHARS - 1] + "…"


#: Said once at the top of every report (the ledger keeps UTC; a report reads it locally).
_TIMES = "Each time is the production's local time, with its zone; the ledger keeps UTC."


def render_pdf(document: Document, paper: str = "a4") -> bytes:
    """The document as PDF bytes, on ``paper`` (a key of :data:`PAPERS`).

    Raises:
        ValueError: an unknown paper size.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}: use one of {', '.join(PAPERS)}")
    page = PAPERS[paper]
    side = (page[0] - _WIDTH) / 2
    s = _styles()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=side,
        rightMargin=side,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * mm,
        title=f"{document.title} — {document.subtitle}",
        author="showclear",
        subject=document.footer,
        creator="showclear",
        invariant=True,
    )
    story: list[Flowable] = [
        Paragraph(_text(document.title), s["title"]),
        Paragraph(_text(document.subtitle), s["subtitle"]),
        _facts([*document.facts, ("Times", _TIMES)]),
        Spacer(1, 6),
    ]
    for section in document.sections:
        story += _section(section)

    def decorate(canvas: object, doc: object) -> None:
        c = canvas  # reportlab's canvas: drawn on directly
        c.saveState()  # type: ignore[attr-defined]
        c.setFont(_fonts()["sans"], 7)  # type: ignore[attr-defined]
        c.setFillColor(_MUTED)  # type: ignore[attr-defined]
        c.setStrokeColor(_RULE)  # type: ignore[attr-defined]
        y = _MARGIN - 2
        c.line(side, y + 9, page[0] - side, y + 9)  # type: ignore[attr-defined]
        c.drawString(side, y, _footer(document.footer))  # type: ignore[attr-defined]
        number = f"page {c.getPageNumber()}"  # type: ignore[attr-defined]
        c.drawRightString(page[0] - side, y, number)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]

    pdf.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
