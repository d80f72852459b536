"""Reading reports back as a reader does: ``pdftotext`` (poppler-utils), independent of us.

A machine without pdftotext skips those tests with the reason; in CI (``CI=true``;
.ci/run installs poppler-utils) its absence fails them (tests/system_tools.py).
"""

from __future__ import annotations

import subprocess

from system_tools import need_program

__all__ = ["pdf_text", "rows"]


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text of a PDF, extracted by pdftotext as an independent reader."""
    pdftotext = need_program("pdftotext", "poppler-utils", "read the report back")
    args = [pdftotext, *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def rows(text: str) -> list[list[str]]:
    """Each line of layout text as its words."""
    return [line.split() for line in text.splitlines() if line.strip()]
