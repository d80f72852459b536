"""Reports as one self-contained HTML page (Jinja2): figures inline, no external files."""

from __future__ import annotations

import base64
import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from showclear.reports.document import (
    Block,
    Document,
    Facts,
    Figure,
    Para,
    Picture,
    Pre,
    Signatures,
    Table,
)

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
    kinds: dict[type, str] = {
        Para: "para",
        Facts: "facts",
        Table: "table",
        Figure: "figure",
        Pre: "pre",
        Picture: "picture",
        Signatures: "signatures",
    }
    return kinds[type(block)]


#: The image types a page shows inline; any other file is named, not shown.
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def _data_uri(picture: Picture) -> str:
    """The picture as a data: URI, or "" when it is no image a browser shows safely."""
    if picture.media_type not in _IMAGE_TYPES:
        return ""
    return f"data:{picture.media_type};base64,{base64.b64encode(picture.data).decode()}"


def _svg(figure: Figure) -> str:
    # Inline SVG in HTML starts at the <svg> element (no XML declaration or doctype).
    return figure.svg[figure.svg.index("<svg") :]


def render_html(document: Document) -> str:
    """The document as a standalone HTML page."""
    template = _ENV.get_template("report.html.j2")
    return template.render(doc=document, kind=_kind, svg=_svg, inline=_inline, data_uri=_data_uri)
