"""Views: ``board``, ``history``, ``who``, ``rounds``; each with ``--json`` for scripts."""

from __future__ import annotations

import json as json_
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.cli.render import (
    chambers_text,
    emit_json,
    inspection_text,
    print_board,
    print_rounds,
    state_label,
    where_text,
)
from showclear.protocol.time import format_time, read_time

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout, nothing else.")]


def board(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show every weapon: where it is, who holds it and its state, COLD / DUMMY / HOT / UNKNOWN.

    States read without colour too: ○ COLD (every chamber empty, barrel checked),
    ◐ DUMMY (only verified dummies), ▲ HOT (a blank is loaded), ? UNKNOWN (anything
    since the last inspection could have changed it). A cease-fire shows as a banner,
    with the open incidents and concerns below the weapons.

    Example: showclear board --json
    """
    st = state(ctx)
    result = st.app().board(st.slug())
    if json:
        emit_json(result.to_json())
    else:
        print_board(result)


_COMMON = ("index", "type", "at", "actor", "weapon")


def _details(event: dict[str, Any]) -> str:
    if event.get("type") == "AttemptRefused":
        return f"refused by {', '.join(event.get('rules', []))}"
    parts = []
    for key in sorted(set(event) - set(_COMMON)):
        value = event[key]
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            text = ",".join(str(v) for v in value)
        elif isinstance(value, str):
            text = value
        else:
            text = json_.dumps(value, separators=(",", ":"), ensure_ascii=False)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def history(
    ctx: typer.Context,
    weapon: Annotated[str, typer.Argument(metavar="WEAPON", help="The weapon's id.")],
    json: JsonOpt = False,
) -> None:
    """Show every ledger entry about a weapon, refused attempts included, in order.

    Example: showclear history colt-1
    """
    st = state(ctx)
    rows = st.app().history(st.slug(), weapon)
    if json:
        emit_json(rows)
        return
    table = Table(title=f"History of {weapon}", title_justify="left")
    for column in ("#", "At", "What", "Who", "Details"):
        table.add_column(column)
    for row in rows:
        if row.get("type") == "AttemptRefused":
            what = Text(f"REFUSED {row['attempted'].get('type')}", style="bold red")
        else:
            what = Text(str(row["type"]))
        table.add_row(
            str(row["index"]), row["at"], what, row.get("actor") or "—", Text(_details(row))
        )
    out_console.print(table)


def who(
    ctx: typer.Context,
    weapon: Annotated[str, typer.Option(metavar="WEAPON", help="The weapon's id.")],
    at: Annotated[
        str | None,
        typer.Option(metavar="TIME", help="An RFC 3339 time, e.g. 2026-11-25T10:05:00Z."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Show who held a weapon at a moment (default: now), what was in it, its last show-clear.

    Example: showclear who --weapon colt-1 --at 2026-11-25T10:05:00Z
    """
    st = state(ctx)
    app = st.app()
    try:
        moment = format_time(read_time(at) if at else app.clock.now())
    except ValueError:
        raise typer.BadParameter(
            f"{at!r} is not a time like 2026-11-25T10:05:00Z", param_hint="--at"
        ) from None
    record = app.custody_at(st.slug(), weapon, moment)
    if record is None:
        err_console.print(
            f"[bold red]Error:[/] no weapon {escape(weapon)} was in the inventory at {moment}."
        )
        raise typer.Exit(ExitCode.NOT_FOUND)
    if json:
        emit_json(record)
        return
    through = record["through_entry"]
    out_console.print(f"[bold]{escape(weapon)}[/] at {moment} (ledger through entry {through})")
    lines = [
        ("Where", Text(where_text(record["location"]))),
        ("State", state_label(record["state"])),
        ("Chambers", Text(chambers_text(record["chambers"]))),
        ("Setup", Text(record.get("setup") or "—")),
        ("Last show-clear", Text(inspection_text(record.get("last_inspection")))),
    ]
    if record.get("uncertain"):
        lines.append(("Unknown because", Text(record["uncertain"].replace("_", " "))))
    grid = Table.grid(padding=(0, 2))
    for label, value in lines:
        grid.add_row(Text(label, style="bold"), value)
    out_console.print(grid)


def rounds(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show every lot's round accounting and whether it balances (AMMO-COUNT).

    Balanced means received = in storage + in weapons + expended + returned +
    destroyed + missing, and the last close-day count found no difference.

    Example: showclear rounds --json
    """
    st = state(ctx)
    rows = st.app().rounds(st.slug())
    if json:
        emit_json(rows)
    else:
        print_rounds(rows)


def register(app: typer.Typer) -> None:
    for command in (board, history, who, rounds):
        app.command()(command)
