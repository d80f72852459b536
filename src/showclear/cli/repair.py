"""The database's own integrity check beside ``verify``, and repairs of what is derived
from the ledger: ``showclear check``, ``showclear repair projection|index``."""

from __future__ import annotations

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.service.repair import check_database, rebuild_index, rebuild_projection
from showclear.store import DatabaseDamaged, open_store
from showclear.store.postgres import redact

__all__ = ["register"]


def check(ctx: typer.Context) -> None:
    """Ask the database engine whether its own pages and indexes hold together.

    SQLite runs PRAGMA integrity_check over every page; PostgreSQL reports whether
    data checksums are on and checks every index with amcheck where it is installed.
    This is what `showclear verify` cannot see (it checks the ledger's hashes and
    signatures): e.g. a damaged index makes entries look missing. Says what to do:
    `showclear repair index` for index damage, else restore the newest backup. Exits 0
    if the database is intact, 5 if it is damaged.

    Example: showclear check
    """
    st = state(ctx)
    try:
        store = open_store(st.db, migrate=False, create=False)
    except DatabaseDamaged as e:
        err_console.print(
            f"[bold red]{escape(redact(st.db))} cannot be opened as a database:[/] "
            f"{escape(str(e.__cause__ or e))}. Keep the file aside and restore the newest "
            "backup (docs/operations.md, 'Restore')."
        )
        raise typer.Exit(ExitCode.UNAVAILABLE) from e
    try:
        report, advice = check_database(store)
    finally:
        store.close()
    for note in report.notes:
        out_console.print(escape(note))
    for problem in report.problems[:20]:
        err_console.print(f"  {escape(problem)}")
    if len(report.problems) > 20:
        err_console.print(f"  ... and {len(report.problems) - 20} more")
    if advice.ok:
        out_console.print(f"[green]{escape(advice.message)}[/]")
        return
    err_console.print(f"[bold red]{escape(redact(st.db))}: {escape(advice.message)}[/]")
    raise typer.Exit(ExitCode.UNAVAILABLE)


def projection(ctx: typer.Context) -> None:
    """Rebuild the production's current state (the projection) from its ledger.

    The ledger is verified first; a ledger that does not verify is not used, and
    nothing changes (restore the newest backup instead). For a state record that
    cannot be read ("damaged" errors naming a state record). Nothing is appended to
    the ledger.

    Example: showclear repair projection
    """
    st = state(ctx)
    app = st.app()
    slug = app.resolve(st.production)
    replayed = rebuild_projection(app.store, slug)
    out_console.print(
        f"Rebuilt the state of [cyan]{slug}[/] from its {replayed:,} verified ledger entries."
    )


def index(ctx: typer.Context) -> None:
    """Rebuild every index of the database from its tables (REINDEX), then check again.

    For index damage found by `showclear check` (with it, `verify` can claim entries
    are missing that are there). Exits 5 if the database is still damaged afterwards.

    Example: showclear repair index
    """
    st = state(ctx)
    store = open_store(st.db, migrate=False, create=False)
    try:
        report = rebuild_index(store)
    finally:
        store.close()
    if report.ok:
        out_console.print("Rebuilt the indexes; the database is intact. Run: showclear verify")
        return
    err_console.print(
        "[bold red]The indexes were rebuilt, but the database is still damaged:[/] "
        f"{escape('; '.join(report.problems[:5]))}. Restore the newest backup "
        "(docs/operations.md, 'Restore')."
    )
    raise typer.Exit(ExitCode.UNAVAILABLE)


def register(app: typer.Typer) -> None:
    app.command()(check)
    group = typer.Typer(
        help="Rebuild what is derived from the ledger: the current state, the indexes.\n\n"
        "Example: showclear repair projection",
        no_args_is_help=True,
    )
    group.command("projection")(projection)
    group.command("index")(index)
    app.add_typer(group, name="repair")
