"""Publishing commands: the ledger as static files for auditors (C2SP tlog-tiles)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import out_console, state
from showclear.service.tiles import publish_tiles

__all__ = ["register"]


def tiles(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            file_okay=False,
            help="The directory to publish into; a static web server or object store serves it.",
        ),
    ],
) -> None:
    """Publish the ledger as C2SP tlog-tiles: the checkpoint, hash tiles and entry bundles.

    Only what the ledger grew by since the last run is written; full tiles are never
    rewritten, each file lands whole (written then renamed) and the checkpoint last.
    A directory that holds another production or a different history is refused.
    See docs/tiles.md for serving it.

    Example: showclear publish tiles --out /srv/tiles/dust-creek
    """
    st = state(ctx)
    report = publish_tiles(st.app(), st.slug(), out)
    where = escape(str(report.directory))
    if report.unchanged:
        out_console.print(f"{where} already publishes all {report.size} entries")
        return
    out_console.print(
        f"Published {report.size} entries of {escape(report.origin)} into {where}: "
        f"{len(report.written)} new files ({report.already_there} already there), "
        f"from {report.previous_size} entries before"
    )


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Publish the ledger for auditors as static files.\n\n"
        "Example: showclear publish tiles --out /srv/tiles/dust-creek",
        no_args_is_help=True,
    )
    group.command()(tiles)
    app.add_typer(group, name="publish")
