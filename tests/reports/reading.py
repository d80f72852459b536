"""Reading reports back as a reader does: ``pdftotext`` (poppler-utils), independent of us.

Outside CI a machine without pdftotext skips those tests with the reason; in CI
(``CI`` set; .ci/run installs poppler-utils) its absence fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

__all__ = ["pdf_text", "rows"]


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text of a PDF, extracted by pdftotext as an independent reader."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) must be installed in CI: .ci/run installs it")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    args = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def rows(text: str) -> list[list[str]]:
    """Each line of layout text as its words."""
    return [line.split() for line in text.splitlines() if line.strip()]
