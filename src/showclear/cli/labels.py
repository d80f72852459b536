"""``showclear labels``: a printable PDF of QR labels for weapons, lots and storage locations."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from showclear.cli.context import out_console, state
from showclear.cli.files import write_output

__all__ = ["register"]


class PageSize(StrEnum):
    A4 = "a4"
    LETTER = "letter"


def labels(
    ctx: typer.Context,
    pdf: Annotated[
        Path, typer.Option("--pdf", help="Where to write the PDF.", dir_okay=False, writable=True)
    ],
    page_size: Annotated[
        PageSize, typer.Option("--page-size", help="The paper.", case_sensitive=False)
    ] = PageSize.A4,
) -> None:
    """Write QR labels for every weapon, lot and storage location, to print and attach.

    Each label shows its id in large type beside a QR code holding
    showclear:<weapon|lot|storage>:<id>, which the web UI reads with a tablet's
    camera (typing the id works too). 14 labels a page, with cut lines.

    Example: showclear labels --pdf labels.pdf --page-size letter
    """
    from showclear.reports.labels import labels_of, labels_pdf

    st = state(ctx)
    app = st.app()
    slug = st.slug()
    found = labels_of(app, slug)
    data = labels_pdf(found, production=app.production(slug).name, page_size=page_size.value)
    write_output(pdf, data)
    out_console.print(f"Wrote {len(found)} labels to {pdf}.")


def register(app: typer.Typer) -> None:
    app.command()(labels)
