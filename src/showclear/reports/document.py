"""A report as a document: titled sections of paragraphs, tables, figures and verbatim text.

The report builders (:mod:`~showclear.reports.daily`, :mod:`~showclear.reports.incident`)
decide *what* a report says, once; the renderers (:mod:`~showclear.reports.html`,
:mod:`~showclear.reports.pdf`) decide how it looks, the same way for every report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Block",
    "Document",
    "Facts",
    "Figure",
    "Para",
    "Picture",
    "Pre",
    "Section",
    "Signatures",
    "Table",
    "Tone",
]

#: How a row or a paragraph stands out: an alert (refusal, incident), a warning, or not.
Tone = Literal["alert", "warn", "ok", ""]


@dataclass(frozen=True)
class Para:
    text: str
    tone: Tone = ""


@dataclass(frozen=True)
class Facts:
    """Label / value pairs, e.g. a summary of the day's figures."""

    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    tones: list[Tone] = field(default_factory=list)  # one per row, or none
    empty: str = "None."  # said instead of an empty table


@dataclass(frozen=True)
class Figure:
    png: bytes  # for the PDF
    svg: str  # for the HTML
    width_in: float
    height_in: float
    caption: str


@dataclass(frozen=True)
class Pre:
    """Text to be read and copied exactly: a signed note, an entry, a proof."""

    text: str
    caption: str = ""


@dataclass(frozen=True)
class Picture:
    """An image kept as evidence (a photo), shown as it was stored: PNG, JPEG or GIF bytes."""

    data: bytes
    media_type: str  # image/png, image/jpeg or image/gif
    caption: str


@dataclass(frozen=True)
class Signatures:
    """Lines to sign by hand: each a role and the printed name of who signs it."""

    lines: list[tuple[str, str]]  # (role, printed name; "" when left to print by hand)


Block = Para | Facts | Table | Figure | Pre | Picture | Signatures


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block]
    anchor: str = ""
    new_page: bool = False


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]  # shown under the title
    sections: list[Section]
    footer: str  # on every page: what the report rests on
