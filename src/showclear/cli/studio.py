"""The studio view from the command line: grants on a production, studio accounts, the list.

On a production (the set's laptop or any server writing it): ``studio grant`` and
``studio revoke`` record a producer's decision in the production's ledger. On the studio
server: ``studio account add|remove|list`` manage who signs in to ``/studio``, and
``studio list`` shows every production to whoever runs the server (docs/studio.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from showclear.cli.acting import act
from showclear.cli.context import out_console, state
from showclear.cli.identity import ActAs
from showclear.cli.render import emit_json
from showclear.service.studio import (
    StudioRow,
    add_account,
    list_accounts,
    remove_account,
    studio_view,
)

__all__ = ["register"]

studio_app = typer.Typer(
    help="The studio view: which studio accounts may see this production (a producer "
    "grants, in the production's ledger), the studio's accounts, and every production's "
    "status in one list (docs/studio.md).\n\n"
    "Example: showclear studio grant safety-office --role safety-office --as pru",
    no_args_is_help=True,
)
account_app = typer.Typer(
    help="Studio accounts on the studio server: who signs in to /studio with a token. "
    "Which productions an account sees is granted in each production's ledger.\n\n"
    "Example: showclear studio account add safety-office",
    no_args_is_help=True,
)


class StudioRoleChoice(StrEnum):
    """The roles a studio account may be granted (protocol.catalogue.studio)."""

    SAFETY_OFFICE = "safety-office"
    INSURER = "insurer"


class Status(StrEnum):
    """The statuses ``studio list --status`` filters by (service.studio.STATUSES)."""

    CEASE_FIRE = "cease-fire"
    STOP_WORK = "stop-work"
    INCIDENT = "incident"
    FORK = "fork"
    STALE = "stale"


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


AccountArg = Annotated[
    str,
    typer.Argument(metavar="ACCOUNT", help="The studio account's name, e.g. safety-office."),
]
Reason = Annotated[str | None, typer.Option(help="Why, in a few words (kept in the entry).")]


@studio_app.command("grant")
def grant(
    ctx: typer.Context,
    account: AccountArg,
    *,
    role: Annotated[
        StudioRoleChoice,
        typer.Option(
            help="safety-office: everything the studio view shows; insurer: the same "
            "without personal data beyond names."
        ),
    ],
    reason: Reason = None,
    as_: ActAs,
) -> None:
    """Let a studio account see this production on the studio view (a producer).

    The grant is an entry of this production's ledger; the studio's mirror learns it by
    the next sync. A second grant to the same account replaces its role.

    Example: showclear studio grant safety-office --role safety-office --as pru
    """
    act(
        ctx,
        "StudioAccessGranted",
        f"studio account {account} may see this production as {role.value}",
        actor=as_,
        account=account,
        role=role.value,
        reason=reason,
    )


@studio_app.command("revoke")
def revoke(ctx: typer.Context, account: AccountArg, reason: Reason = None, *, as_: ActAs) -> None:
    """Stop a studio account from seeing this production on the studio view (a producer).

    Example: showclear studio revoke insurer --reason 'policy ended' --as pru
    """
    act(
        ctx,
        "StudioAccessRevoked",
        f"studio account {account} no longer sees this production",
        actor=as_,
        account=account,
        reason=reason,
    )


@account_app.command("add")
def account_add(ctx: typer.Context, name: AccountArg) -> None:
    """Make a studio account and print its sign-in token, once (only its SHA-256 is kept).

    Give the token to the account's holder: they sign in at /studio/signin, or send it
    as ``Authorization: Bearer TOKEN`` to GET /api/studio/productions.

    Example: showclear studio account add safety-office
    """
    issued = add_account(state(ctx).app(create=True), name)
    out_console.print(f"Studio account {issued.account.name} made. Its sign-in token (shown once):")
    typer.echo(issued.token)


@account_app.command("remove")
def account_remove(ctx: typer.Context, name: AccountArg) -> None:
    """Remove a studio account: its token and sign-ins stop working at once.

    Example: showclear studio account remove insurer
    """
    remove_account(state(ctx).app(), name)
    out_console.print(f"Studio account {name} removed.")


@account_app.command("list")
def account_list(ctx: typer.Context) -> None:
    """List the studio accounts (never their tokens).

    Example: showclear studio account list
    """
    for account in list_accounts(state(ctx).app()):
        out_console.print(f"{account.name}  (since {account.created_at})")


def _cell(items: list[str]) -> str:
    return "\n".join(items) or "-"


def _lags(row: StudioRow) -> str:
    parts = []
    if row.mirror is not None:
        parts.append(str(row.mirror["freshness"]))
    for lag in row.witnesses:
        parts.append(
            f"{lag['witness']}: {lag['behind_entries']} entries, {lag['behind_minutes']} min"
        )
    return _cell(parts)


def _table(rows: list[StudioRow]) -> Table:
    table = Table(title="Every production (alarms first)", title_justify="left")
    for column in ("Production", "Alarms", "Incidents", "Concerns", "Out", "Lag"):
        table.add_column(column)
    for row in rows:
        style = "bold red" if row.rank <= 1 else ("yellow" if row.rank == 2 else "")
        concerns: list[Any] = [
            f"#{c['number']}{' stop-work' if c['stop_work'] else ''}"
            f"{' ESCALATED' if c['escalated'] else ''}"
            for c in row.concerns
        ]
        table.add_row(
            Text(f"{row.name}\n{row.slug} · {row.size:,} entries", style=style),
            Text(_cell(row.alarms), style=style),
            _cell([f"#{i['number']} {i['kind']}" for i in row.incidents]),
            _cell(concerns),
            _cell(
                [f"{w['weapon']} ({w['state']}) {w['holder_name'] or ''}" for w in row.weapons_out]
            ),
            _lags(row),
        )
    return table


@studio_app.command("list")
def studio_list(
    ctx: typer.Context,
    status: Annotated[
        Status | None, typer.Option(help="Only the productions with this status.")
    ] = None,
    format_: Annotated[
        Format, typer.Option("--format", help="table for people, json for scripts.")
    ] = Format.TABLE,
) -> None:
    """Every production in this database, one row each, alarms first (the operator's view).

    Cease-fire and stop-work, open incidents and concerns (escalated or not), weapons out
    of storage, suspect lots, a day left open, witness lag and, for a mirror, how fresh
    it is and any refused fork. Records nothing.

    Example: showclear studio list --status cease-fire --format json
    """
    view = studio_view(state(ctx).app(), None, status.value if status else None)
    if format_ is Format.JSON:
        emit_json(view.to_json())
        return
    if not view.rows:
        out_console.print("No production" + (f" with status {status.value}" if status else ""))
        return
    out_console.print(_table(view.rows))


def register(app: typer.Typer) -> None:
    studio_app.add_typer(account_app, name="account")
    app.add_typer(studio_app, name="studio")
