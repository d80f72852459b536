"""Views: ``board``, ``history``, ``rounds``; each with ``--json`` for scripts.

Custody at a moment (``custody --at`` and its alias ``who``) is in :mod:`showclear.cli.reports`.
"""

from __future__ import annotations

import json as json_
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from showclear.cli.context import out_console, state
from showclear.cli.render import emit_json, print_board, print_rounds
from showclear.cli.settings import production_settings
from showclear.cli.sync import note_mirror
from showclear.protocol.time import local_stamp
from showclear.reports.common import confirmed_by

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout, nothing else.")]


def board(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show every weapon: where it is, who holds it and its state, COLD / DUMMY / HOT / UNKNOWN.

    States read without colour too: ○ COLD (every chamber empty, barrel checked),
    ◐ DUMMY (only verified dummies), ▲ HOT (a blank is loaded), ? UNKNOWN (anything
    since the last inspection could have changed it). A cease-fire shows as a banner,
    with suspect lots, quarantined rounds, open incidents and concerns below the weapons.

    Example: showclear board --json
    """
    st = state(ctx)
    result = st.app().board(st.slug())
    note_mirror(st)
    if json:
        emit_json(result.to_json())
    else:
        print_board(result, production_settings(ctx).time_zone)


_COMMON = ("index", "type", "at", "actor", "weapon", "assurance")  # assurance: under Who


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

    "Who (how proven)" names whoever did or confirmed each entry and how each person's
    part was proven: passkey signature, PIN checked by the server, or signed-in session
    (the entry's assurance; --json gives it as ``assurance``).

    Example: showclear history colt-1
    """
    st = state(ctx)
    rows = st.app().history(st.slug(), weapon)
    note_mirror(st)
    if json:
        emit_json(rows)
        return
    zone = production_settings(ctx).time_zone
    table = Table(title=f"History of {weapon}", title_justify="left")
    for column in ("#", "At", "What", "Who (how proven)", "Details"):
        table.add_column(column)
    for row in rows:
        if row.get("type") == "AttemptRefused":
            what = Text(f"REFUSED {row['attempted'].get('type')}", style="bold red")
        else:
            what = Text(str(row["type"]))
        table.add_row(
            str(row["index"]),
            local_stamp(row["at"], zone),
            what,
            confirmed_by(row, {}) or row.get("actor") or "—",
            Text(_details(row)),
        )
    out_console.print(table)


def rounds(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show every lot's round accounting and whether it balances (AMMO-COUNT).

    Balanced means received = in storage + in weapons + quarantined + expended +
    returned + destroyed + missing, and the last close-day count found no difference.
    A suspect lot (AMMO-SUSPECT) is named with why and since when, with every weapon
    holding its rounds; misfired rounds show in the quarantined count.

    Example: showclear rounds --json
    """
    st = state(ctx)
    rows = st.app().rounds(st.slug())
    note_mirror(st)
    if json:
        emit_json(rows)
    else:
        print_rounds(rows)


def register(app: typer.Typer) -> None:
    for command in (board, history, rounds):
        app.command()(command)
