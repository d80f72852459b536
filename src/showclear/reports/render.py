"""One call per report for the CLI and the API: read a snapshot, build, render."""

from __future__ import annotations

from dataclasses import dataclass

from showclear.reports.daily import day_report
from showclear.reports.daily_document import day_document
from showclear.reports.document import Document
from showclear.reports.html import render_html
from showclear.reports.incident import incident_report
from showclear.reports.incident_document import incident_document
from showclear.reports.pdf import render_pdf
from showclear.service import App

__all__ = ["Rendered", "day_files", "incident_files"]


@dataclass(frozen=True)
class Rendered:
    """A report rendered as asked: PDF bytes and/or an HTML page."""

    title: str
    pdf: bytes | None
    html: str | None


def _render(document: Document, *, pdf: bool, html: bool) -> Rendered:
    return Rendered(
        title=f"{document.title} — {document.subtitle}",
        pdf=render_pdf(document) if pdf else None,
        html=render_html(document) if html else None,
    )


def day_files(app: App, slug: str, day: str, *, pdf: bool = True, html: bool = False) -> Rendered:
    """The daily firearms report of ``day`` (YYYY-MM-DD).

    Raises:
        BadRequest: not a date.
        NotFound: nothing was recorded that day.
    """
    with app.forensics(slug) as f:
        report = day_report(f, day)
    return _render(day_document(report), pdf=pdf, html=html)


def incident_files(
    app: App,
    slug: str,
    number: int,
    *,
    before_minutes: int = 120,
    after_minutes: int = 60,
    pdf: bool = True,
    html: bool = False,
) -> Rendered:
    """The report of incident ``number``, with a proof for every entry it cites.

    Raises:
        NotFound: no such incident.
        BadRequest: a negative window.
    """
    with app.forensics(slug) as f:
        report = incident_report(
            f, number, before_minutes=before_minutes, after_minutes=after_minutes
        )
    return _render(incident_document(report), pdf=pdf, html=html)
