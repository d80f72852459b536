"""Reports as one self-contained HTML page (Jinja2): figures inline, no external files."""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from showclear.reports.document import Block, Document, Facts, Figure, Para, Pre, Table

__all__ = ["render_html"]

_ENV = Environment(
    loader=PackageLoader("showclear.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> Markup:
    """Escaped text with `code` spans set as <code>."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))


def _kind(block: Block) -> str:
    return {Para: "para", Facts: "facts", Table: "table", Figure: "figure", Pre: "pre"}[type(block)]


def _svg(figure: Figure) -> str:
    # Inline SVG in HTML starts at the <svg> element (no XML declaration or doctype).
    return figure.svg[figure.svg.index("<svg") :]


def render_html(document: Document) -> str:
    """The document as a standalone HTML page."""
    template = _ENV.get_template("report.html.j2")
    return template.render(doc=document, kind=_kind, svg=_svg, inline=_inline)
