"""The ``showclear`` command line: thin commands over the service layer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli import (
    admin,
    bulk,
    custody,
    day,
    demo,
    documents,
    incidents,
    inventory,
    labels,
    ledger,
    passkeys,
    people,
    promote,
    publish,
    repair,
    reports,
    scenario,
    serve,
    settings,
    setups,
    studio,
    suppliers,
    sync,
    tls,
    views,
    weapons,
    witness,
    witnessing,
)
from showclear.cli.context import (
    CliState,
    ExitCode,
    GlobalOptionsAnywhere,
    default_db,
    default_documents,
    err_console,
)
from showclear.errors import ShowclearError, presentation

__all__ = ["app", "main"]

app = typer.Typer(
    name="showclear",
    help="Prop weapons and ammunition under a safety protocol, in a ledger anyone can verify.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    # `showclear verify --db x.db` as well as `showclear --db x.db verify`
    cls=GlobalOptionsAnywhere,
)


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str,
        typer.Option(
            help="Database: a SQLite file path or a postgresql:// URL. "
            "Default: $SHOWCLEAR_DB or ./showclear.db."
        ),
    ] = "",
    key_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where production private keys live. "
            "Default: $SHOWCLEAR_KEY_DIR or ~/.config/showclear/keys."
        ),
    ] = None,
    production: Annotated[
        str | None, typer.Option(help="Which production (slug), when the database holds several.")
    ] = None,
    documents: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            help="Where scans of paperwork are kept (showclear document). Default: "
            "$SHOWCLEAR_DOCUMENTS, or <db>.documents/ beside a SQLite file; PostgreSQL "
            "needs one.",
        ),
    ] = None,
) -> None:
    state = CliState(
        db=db or default_db(),
        key_dir=key_dir,
        production=production,
        documents=documents or default_documents(),
    )
    ctx.obj = state
    ctx.call_on_close(state.close)


ledger.register(app)
demo.register(app)
scenario.register(app)
serve.register(app)
tls.register(app)
labels.register(app)
admin.register(app)
witness.register(app)
witnessing.register(app)
repair.register(app)
publish.register(app)
promote.register(app)
bulk.register(app)
studio.register(app)
sync.register(app)
for _module in (
    people,
    passkeys,
    settings,
    day,
    suppliers,
    inventory,
    documents,
    weapons,
    setups,
    custody,
    incidents,
    views,
    reports,
):
    _module.register(app)


def main() -> None:
    """Run the CLI, turning known errors into one clear message and an exit code."""
    try:
        code = app(standalone_mode=False)
    except ShowclearError as e:  # the exit code is the kind's (showclear.errors.KINDS)
        err_console.print(f"[bold red]Error:[/] {escape(str(e))}")
        sys.exit(presentation(e).exit_code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        err_console.print("Aborted.")
        sys.exit(ExitCode.FAILED)
    except typer.TyperException as e:  # usage errors: bad options, unknown commands
        # Typer vendors click: these are not click.ClickException.
        show = getattr(e, "show", None)
        if not callable(show):
            raise
        show()
        sys.exit(e.exit_code)
    # Outside standalone mode, click returns the code of a typer.Exit instead of raising it.
    if isinstance(code, int) and code:
        sys.exit(code)
