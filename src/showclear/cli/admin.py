"""Database administration: ``migrate`` a database, ``copy`` a production between two."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.service import App, MemoryKeyring, SystemClock
from showclear.store import open_store
from showclear.store.copy import copy_production
from showclear.store.postgres import redact
from showclear.store.sql import LATEST_SCHEMA

__all__ = ["register"]


def migrate(ctx: typer.Context) -> None:
    """Bring the database's schema up to date (SQLite file or PostgreSQL).

    Applies every migration this showclear ships that the database lacks, in
    order, in one transaction. Refuses a database whose schema is newer than
    this showclear (exit 5) rather than touch it.

    Examples: showclear migrate ; showclear --db postgresql://studio-db/showclear migrate
    """
    st = state(ctx)
    store = open_store(st.db, migrate=False)
    try:
        applied = store.migrate()
    finally:
        store.close()
    where = escape(redact(st.db))
    if applied:
        versions = ", ".join(str(v) for v in applied)
        out_console.print(f"Applied migration(s) {versions} to {where}; schema {LATEST_SCHEMA}.")
    else:
        out_console.print(f"{where} is up to date (schema {LATEST_SCHEMA}).")


def copy(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Option("--from", help="The database to copy from (path or postgresql://).")
    ],
    target: Annotated[
        str, typer.Option("--to", help="The database to copy into (path or postgresql://).")
    ],
    production: Annotated[
        str | None,
        typer.Option(help="The production's slug (needed when --from holds several)."),
    ] = None,
) -> None:
    """Copy a production from one database to another, then verify both.

    Copies the ledger byte for byte, its tree and signed checkpoints, the
    current state, people's PIN hashes, sign-in sessions and API tokens, and the
    public verifier key; never a private key (bring the key directory along to
    keep appending). Refuses to overwrite a production already in --to. Works
    between any two backends, e.g. from a set laptop's SQLite file to the
    studio's PostgreSQL server. Exits 1 if either copy fails verification.

    Example: showclear copy --from set.db --to postgresql://studio-db/showclear
    """
    st = state(ctx)
    # Copying and verifying never sign: no private key is loaded, none is needed.
    keys, clock = MemoryKeyring(), SystemClock()
    with ExitStack() as stack:
        src = App(open_store(source, create=False), keys, clock)
        stack.callback(src.close)
        slug = src.resolve(production or st.production)
        dst = App(open_store(target), keys, clock)
        stack.callback(dst.close)
        report = copy_production(src.store, dst.store, slug)
        out_console.print(
            f"Copied production [cyan]{slug}[/] from {escape(redact(source))} "
            f"to {escape(redact(target))}: {report.entries:,} entries, {report.nodes:,} tree "
            f"nodes, {report.checkpoints:,} checkpoints, {report.records:,} state records, "
            f"{report.credentials} PIN hashes, {report.logins} sessions and tokens."
        )
        failed = False
        for name, app in (("source", src), ("copy", dst)):
            check = app.verify(slug)
            if check.ok:
                out_console.print(f"Verified the {name}: {check.entries:,} entries hold.")
            else:
                err_console.print(f"[bold red]The {name} does not verify:[/] {check.problem}")
                failed = True
        if failed:
            raise typer.Exit(ExitCode.FAILED)
        if report.checkpoint_note is not None:
            root = report.checkpoint_note.splitlines()[2]
            out_console.print(f"Both at size {report.size:,}, root {root}.")


def register(app: typer.Typer) -> None:
    for command in (migrate, copy):
        app.command()(command)
