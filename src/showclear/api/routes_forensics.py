"""Forensics, reports and export: who held, loaded, inspected and fired what, with proof.

Every answer cites the ledger entries it rests on (``/ledger/entries/{index}/inclusion``
proves any of them). The reports are the same as ``showclear report``; the export
bundle is the same as ``showclear export --bundle`` and checks offline with
``showclear verify --bundle``.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from showclear.api.routing import READ_ERRORS
from showclear.commands.fields import (
    ID_PATTERN,
    Date,
    IncidentPath,
    LocalMoment,
    LotPath,
    RuleId,
    Slug,
    WeaponPath,
)
from showclear.http import Member, Service
from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.time import check_zone
from showclear.service import App
from showclear.service.forensics import (
    Custody,
    LotAccounting,
    LotChain,
    RefusalReport,
    WeaponChain,
)

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["forensics"], responses=READ_ERRORS)

_LOCAL = " Without a zone (2026-11-25T14:05), in the production's time zone."
From = Annotated[
    LocalMoment | None,
    Query(
        alias="from",
        description=f"From this time (RFC 3339); default: the first entry.{_LOCAL}",
    ),
]
To = Annotated[
    LocalMoment | None,
    Query(alias="to", description=f"Up to this time (RFC 3339); default: the last entry.{_LOCAL}"),
]
#: The moment of a custody query.
At = Annotated[LocalMoment, Query(description=f"The moment (RFC 3339).{_LOCAL}")]
Format = Annotated[Literal["pdf", "html"], Query(description="A PDF, or one HTML page.")]
Paper = Annotated[
    Literal["letter", "a4"] | None,
    Query(description="The PDF's paper; by default Letter for a US jurisdiction, else A4."),
]
_REPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report, as a PDF or as one self-contained HTML page.",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}
_ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The bundle (zip).",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def query_time(app: App, slug: str, moment: datetime) -> str:
    """A query's time in UTC (ISO 8601): one given without a zone is the production's local
    time (issue 16 item 1), as the CLI reads it."""
    if moment.tzinfo is None:
        zone = settings_of(app.projection(slug)).time_zone
        moment = moment.replace(tzinfo=check_zone(zone))
    return moment.astimezone(UTC).isoformat()


def _time(app: App, slug: str, moment: datetime | None) -> str | None:
    return query_time(app, slug, moment) if moment is not None else None


@router.get("/forensics/weapons/{weapon}/custody")
def weapon_custody_at(
    slug: Slug,
    weapon: WeaponPath,
    at: At,
    _: Member,
    app: Service,
) -> Custody:
    """Where a weapon was at a moment: who held it since which entry, its chambers, its last
    show-clear. `GET /weapons/{weapon}/custody` is an alias."""
    when = query_time(app, slug, at)
    with app.forensics(slug) as f:
        return f.custody_at(weapon, when)


@router.get("/forensics/weapons/{weapon}/chain")
def weapon_chain(
    slug: Slug, weapon: WeaponPath, _: Member, app: Service, start: From = None, end: To = None
) -> WeaponChain:
    """A weapon's chain of custody: every holder and every entry about it, with its chambers."""
    with app.forensics(slug) as f:
        return f.weapon_chain(weapon, _time(app, slug, start), _time(app, slug, end))


@router.get("/forensics/lots/{lot}/chain")
def lot_chain(
    slug: Slug, lot: LotPath, _: Member, app: Service, start: From = None, end: To = None
) -> LotChain:
    """A lot's chain of custody: its counts, every movement, every weapon carrying its rounds."""
    with app.forensics(slug) as f:
        return f.lot_chain(lot, _time(app, slug, start), _time(app, slug, end))


@router.get("/forensics/lots/{lot}/accounting")
def lot_accounting(slug: Slug, lot: LotPath, _: Member, app: Service) -> LotAccounting:
    """Every round of a lot: where it is or went, every movement and every close-of-day count."""
    with app.forensics(slug) as f:
        return f.lot_accounting(lot)


@router.get("/forensics/refusals")
def refusals(
    slug: Slug,
    _: Member,
    app: Service,
    person: Annotated[
        str | None,
        Query(pattern=ID_PATTERN, max_length=64, description="Only those naming this person."),
    ] = None,
    rule: Annotated[RuleId | None, Query(description="Only this rule.")] = None,
) -> RefusalReport:
    """Every refused attempt and override, by person and by rule; and every warning."""
    with app.forensics(slug) as f:
        return f.refusals(person, rule.value if rule is not None else None)


def _report(title: str, pdf: bytes | None, html: str | None, name: str) -> Response:
    if pdf is not None:
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    return Response(html or "", media_type="text/html; charset=utf-8")


@router.get("/reports/day/{date}", response_class=Response, responses=_REPORT)
def day_report(
    slug: Slug,
    date: Date,
    _: Member,
    app: Service,
    format: Format = "pdf",
    paper: Paper = None,
) -> Response:
    """The daily firearms report of a shoot day (as `showclear report day`)."""
    from showclear.reports import day_files

    rendered = day_files(
        app, slug, date.isoformat(), pdf=format == "pdf", html=format == "html", paper=paper
    )
    return _report(rendered.title, rendered.pdf, rendered.html, f"{slug}-{date.isoformat()}")


@router.get("/reports/incidents/{incident}", response_class=Response, responses=_REPORT)
def incident_report(
    slug: Slug,
    incident: IncidentPath,
    _: Member,
    app: Service,
    *,
    format: Format = "pdf",
    before: Annotated[int, Query(ge=0, le=7 * 24 * 60, description="Minutes before.")] = 120,
    after: Annotated[int, Query(ge=0, le=7 * 24 * 60, description="Minutes after.")] = 60,
) -> Response:
    """An incident report, with the inclusion proof of every entry it cites."""
    from showclear.reports import incident_files

    rendered = incident_files(
        app,
        slug,
        incident,
        before_minutes=before,
        after_minutes=after,
        pdf=format == "pdf",
        html=format == "html",
    )
    return _report(rendered.title, rendered.pdf, rendered.html, f"{slug}-incident-{incident}")


_BOOK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The acquisition and disposition book, as a PDF or as CSV.",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.get("/reports/book", response_class=Response, responses=_BOOK)
def book_report(
    slug: Slug,
    _: Member,
    app: Service,
    format: Annotated[
        Literal["pdf", "csv"], Query(description="A PDF, or CSV for a spreadsheet.")
    ] = "pdf",
    paper: Paper = None,
) -> Response:
    """The acquisition and disposition book: every weapon held, from whom, to whom (as
    `showclear report book`)."""
    from showclear.reports.book import book_file

    data = book_file(app, slug, fmt=format, paper=paper)
    if format == "csv":
        return Response(
            data,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-book.csv"'},
        )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{slug}-book.pdf"'},
    )


@router.get("/export/bundle", response_class=Response, responses=_ZIP)
def export_bundle(slug: Slug, _: Member, app: Service) -> Response:
    """The whole ledger as a bundle anyone can check offline (`showclear verify --bundle`)."""
    data, _summary = app.export_bundle(slug)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}-ledger.zip"'},
    )
