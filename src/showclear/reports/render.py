"""One call per report for the CLI and the API: read a snapshot, build, render."""

from __future__ import annotations

from dataclasses import dataclass

from showclear.protocol.catalogue.settings import settings_of
from showclear.reports.common import local_times
from showclear.reports.daily import day_report
from showclear.reports.daily_document import day_document
from showclear.reports.document import Document
from showclear.reports.html import render_html
from showclear.reports.incident import incident_report
from showclear.reports.incident_document import incident_document
from showclear.reports.pdf import PAPERS, render_pdf
from showclear.service import App
from showclear.service.documents import DocumentError
from showclear.service.errors import BadRequest

__all__ = ["Rendered", "day_files", "default_paper", "incident_files"]


def default_paper(jurisdiction: str) -> str:
    """US Letter for a production shooting in the United States (``US``, ``US-CA``), else A4."""
    return "letter" if jurisdiction.upper().startswith("US") else "a4"


def _paper(paper: str | None, jurisdiction: str) -> str:
    if paper is None:
        return default_paper(jurisdiction)
    if paper.lower() not in PAPERS:
        raise BadRequest(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    return paper.lower()


@dataclass(frozen=True)
class Rendered:
    """A report rendered as asked: PDF bytes and/or an HTML page."""

    title: str
    pdf: bytes | None
    html: str | None


def _render(document: Document, *, pdf: bool, html: bool, paper: str) -> Rendered:
    return Rendered(
        title=f"{document.title} — {document.subtitle}",
        pdf=render_pdf(document, paper) if pdf else None,
        html=render_html(document) if html else None,
    )


def day_files(
    app: App,
    slug: str,
    day: str,
    *,
    pdf: bool = True,
    html: bool = False,
    paper: str | None = None,
) -> Rendered:
    """The daily firearms report of ``day`` (YYYY-MM-DD), on ``paper`` (``a4`` or
    ``letter``; by default Letter for a US jurisdiction, else A4).

    Raises:
        BadRequest: not a date, or an unknown paper.
        NotFound: nothing was recorded that day.
    """
    with app.forensics(slug) as f:
        report = day_report(f, day)
    chosen = _paper(paper, report.jurisdiction)
    with local_times(report.time_zone, report.units):  # the production's zone and unit
        document = day_document(report)
    return _render(document, pdf=pdf, html=html, paper=chosen)


def incident_files(
    app: App,
    slug: str,
    number: int,
    *,
    before_minutes: int = 120,
    after_minutes: int = 60,
    pdf: bool = True,
    html: bool = False,
    paper: str | None = None,
) -> Rendered:
    """The report of incident ``number``, with a proof for every entry it cites, on
    ``paper`` (as :func:`day_files`).

    Raises:
        NotFound: no such incident.
        BadRequest: a negative window, or an unknown paper.
    """
    with app.forensics(slug) as f:
        settings = settings_of(f.final)
        zone, units = settings.time_zone, settings.units
        with local_times(zone, units):  # the production's zone and unit
            report = incident_report(
                f, number, before_minutes=before_minutes, after_minutes=after_minutes
            )
        jurisdiction = f.final.policy().jurisdiction
    chosen = _paper(paper, jurisdiction)
    photos = {
        str(e.event["document_sha256"]) for e in report.file if e.type == "IncidentPhotoAdded"
    }
    with local_times(zone, units):
        document = incident_document(report, {sha: _held(app, slug, sha) for sha in sorted(photos)})
    return _render(document, pdf=pdf, html=html, paper=chosen)


def _held(app: App, slug: str, sha: str) -> bytes | None:
    """A stored document's bytes, or None when missing or changed: the report says so
    in place of the photo rather than fail."""
    try:
        return app.document(slug, sha)
    except DocumentError:
        return None
