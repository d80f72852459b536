"""Turning results into output: a command's outcome, the board, the round accounting, JSON.

A refusal prints, for each finding, the rule id, what is wrong (the finding's message)
and what to do instead (its remedy), and exits 4. Warnings print the same way and the
command exits 0. Messages are the protocol's own words; nothing here judges safety.
Weapon states read without colour too: each has a word and a shape.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from showclear.cli.context import ExitCode, err_console, out_console
from showclear.protocol.catalogue import follow_ups
from showclear.protocol.time import DEFAULT_ZONE, local_hm, local_stamp
from showclear.service.commands import Receipt
from showclear.service.views import Board

__all__ = [
    "STATE_LOOK",
    "emit_json",
    "inspection_text",
    "outcome",
    "print_board",
    "print_rounds",
    "state_label",
    "where_text",
]

#: Each derived state as a shape and a colour, shown with its word.
STATE_LOOK: dict[str, tuple[str, str]] = {
    "COLD": ("○", "bold blue"),
    "DUMMY": ("◐", "bold yellow"),
    "HOT": ("▲", "bold white on red"),
    "UNKNOWN": ("?", "bold magenta"),
}


def state_label(state: str) -> Text:
    """A weapon's state as ``▲ HOT`` in its colour."""
    symbol, style = STATE_LOOK.get(state, ("?", "bold magenta"))
    return Text(f"{symbol} {state}", style=style)


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout, and nothing else."""
    typer.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


# -- a command's outcome -------------------------------------------------------------


def _findings(console: Console, result: Receipt) -> None:
    """Each finding: its rule id, what is wrong, and (indented) what to do instead."""
    if not result.findings:
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for finding in result.findings:
        blocks = str(finding.severity) == "block"
        colour, tag = ("red", "refused by") if blocks else ("yellow", "warning")
        grid.add_row(
            Text.from_markup(f"  [bold {colour}]{finding.rule_id}[/]"),
            Text(f"({tag}) {finding.message}"),
        )
        grid.add_row("", Text(f"Instead: {finding.remedy}", style="italic"))
    console.print(grid)


def _follow_ups(console: Console, result: Receipt) -> None:
    """What showclear recorded on top of the command: incidents, escalations, custody gaps."""
    for sentence in follow_ups(result.events):
        console.print(f"  [bold]→[/] {escape(sentence)}")


_ASSIGNED = {
    "IncidentReported": "incident",
    "ConcernRaised": "concern",
    "OverrideGranted": "override",
}


def _number(result: Receipt) -> str:
    """The number showclear gave the recorded incident, concern or override, if any."""
    for event in result.events:
        field = _ASSIGNED.get(str(event.get("type")))
        system_opened = event.get("type") == "IncidentReported" and event.get("actor") is None
        if field and field in event and not system_opened:
            return f" ({field} {event[field]})"
    return ""


def outcome(result: Receipt, what: str) -> None:
    """Print what happened to the command described by ``what`` (a noun phrase such as
    "handover of colt-1 from mo to ana"); exit 4 (REFUSED) if a rule refused it."""
    last = result.size - 1
    entries = (
        f"entry {result.first_index}"
        if result.first_index == last
        else f"entries {result.first_index}-{last}"
    )
    if result.refused:
        err_console.print(f"[bold red]✗ REFUSED[/]: {escape(what)}.")
        _findings(err_console, result)
        _follow_ups(err_console, result)
        err_console.print(f"The refused attempt is recorded in the ledger ({entries}).")
        raise typer.Exit(ExitCode.REFUSED)
    if result.outcome == "warned":
        head = "[bold yellow]⚠ Recorded with warnings[/]"
    else:
        head = "[bold green]✓ Recorded[/]"
    out_console.print(f"{head}: {escape(what)}{_number(result)}, {entries}.")
    _findings(out_console, result)
    _follow_ups(out_console, result)
    for notice in result.notices:
        out_console.print(f"  [bold yellow]⚠[/] {escape(notice)}")


# -- the board ------------------------------------------------------------------------


def chamber_marks(chambers: list[str]) -> str:
    """The board's one mark per chamber, in order: a lot id, · for empty, ? for unknown.

    A glyph row for a table cell; the plain words are
    :func:`showclear.protocol.catalogue.chambers_text`.
    """
    marks = {"empty": "·", "unknown": "?"}
    return " ".join(marks.get(c, c) for c in chambers) or "—"


def where_text(location: str) -> str:
    """``storage:safe-1`` as "in safe-1", ``person:ana`` as "with ana"."""
    kind, _, place = location.partition(":")
    return f"with {place}" if kind == "person" else f"in {place}"


def inspection_text(
    inspection: dict[str, Any] | None, *, clock_only: bool = False, zone: str = DEFAULT_ZONE
) -> str:
    """The last show-clear inspection in one line, its time in ``zone`` (the production's)
    with the zone's abbreviation; ``clock_only`` shows ``14:05 PST`` without the date."""
    if not inspection:
        return "never"
    moment = inspection["at"]
    at = local_hm(moment, zone) if clock_only else local_stamp(moment, zone)
    barrel = "barrel clear" if inspection.get("barrel_clear") else "barrel NOT clear"
    shown = inspection.get("performer")
    if shown:
        confirmed = "confirmed" if inspection.get("performer_confirmed") else "NOT confirmed"
        barrel += f", shown to {shown} ({confirmed})"
    return f"{at} by {inspection['by']}, {barrel}"


def _banner(ceasefire: dict[str, Any]) -> Panel:
    why = [f"incident {n}" for n in ceasefire.get("incidents", [])]
    why += [f"stop-work concern {n}" for n in ceasefire.get("stop_work_concerns", [])]
    text = Text.assemble(
        ("■ CEASE-FIRE ■", "bold white on red"),
        f"  Nothing leaves storage until {' and '.join(why)} is closed. "
        "Returning weapons to storage is always allowed.",
    )
    return Panel(text, border_style="bold red")


def print_board(board: Board, zone: str = DEFAULT_ZONE) -> None:
    """Every weapon with its state, where it is and its last show-clear; the cease-fire
    banner; open incidents and concerns."""
    data = board.to_json()
    day = data.get("day")
    when = f"day {day['date']} ({'open' if day['open'] else 'closed'})" if day else "no day open"
    out_console.print(f"[bold]{escape(data['production'])}[/] — {when} — {data['size']} entries")
    if data["ceasefire"].get("active"):
        out_console.print(_banner(data["ceasefire"]))
    if not data["weapons"]:
        out_console.print("No weapons in the inventory yet.")
    else:
        table = Table(title="Weapons", title_justify="left")
        for column in ("Weapon", "State", "Where", "Setup", "Chambers", "Last show-clear"):
            table.add_column(column)
        for w in data["weapons"]:
            label = state_label(w["state"])
            if w.get("uncertain"):
                label.append(f"\n({w['uncertain'].replace('_', ' ')})", style="magenta")
            if w.get("quarantine"):
                # AMMO-SUSPECT: said in words, not only by colour.
                label.append(f"\nQUARANTINED: {w['quarantine']}", style="bold white on red")
            table.add_row(
                Text.assemble((w["weapon"], "bold"), "\n", (w["description"], "dim")),
                label,
                Text(where_text(w["location"])),
                Text(w.get("setup") or "—"),
                Text(chamber_marks(w["chambers"])),
                Text(inspection_text(w.get("last_inspection"), clock_only=True, zone=zone)),
            )
        out_console.print(table)
    _print_quarantine(data)
    for incident in data["open_incidents"]:
        reviews = incident.get("reviews") or {}
        roles = ("safety_coordinator", "producer")
        pending = [r.replace("_", " ") for r in roles if r not in reviews]
        out_console.print(
            f"[bold red]Incident {incident['incident']}[/] "
            f"({escape(incident['kind'].replace('_', ' '))}, "
            f"{local_stamp(incident['opened_at'], zone)}): "
            f"{escape(incident['description'])} Review pending: {', '.join(pending) or 'none'}."
        )
    for concern in data["open_concerns"]:
        who = "anonymous" if concern.get("anonymous") else concern.get("raised_by")
        stop = " [bold red]STOP WORK[/]" if concern.get("stop_work") else ""
        out_console.print(
            f"[bold yellow]Concern {concern['concern']}[/]{stop} ({escape(str(who))}, "
            f"{local_stamp(concern['raised_at'], zone)}): {escape(concern['text'])}"
        )


def _held_by(weapons: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{w['weapon']} ({w['rounds']} {'round' if w['rounds'] == 1 else 'rounds'}, "
        f"{where_text(w['location'])})"
        for w in weapons
    )


def _print_quarantine(data: dict[str, Any]) -> None:
    """Suspect lots and quarantined rounds (AMMO-SUSPECT), each in words on its own line."""
    for lot in data.get("suspect_lots", []):
        line = Text.assemble(
            ("■ SUSPECT LOT ■", "bold white on red"),
            f" {lot['lot']} ({lot['kind']} {lot['caliber']}): {lot['reason']}, since "
            f"{lot['at']} (entry {lot['entry']}). No round of it is used until it is "
            "re-verified round by round, returned or destroyed.",
        )
        if lot.get("weapons"):
            line.append(f" Its rounds are in: {_held_by(lot['weapons'])}.", style="bold")
        out_console.print(line)
    suspect = {lot["lot"] for lot in data.get("suspect_lots", [])}
    for row in data.get("quarantined", []):
        if row["lot"] in suspect and not row["rounds"]:
            continue  # its weapons are named with the suspect lot above
        parts = []
        if row["rounds"]:
            parts.append(
                f"{row['rounds']} misfired {'round' if row['rounds'] == 1 else 'rounds'} "
                "set aside, to be destroyed or returned"
            )
        parts += [f"{w['weapon']} {w['quarantine']}" for w in row["weapons"]]
        out_console.print(
            Text.assemble(
                ("■ QUARANTINED ■", "bold white on red"),
                f" lot {row['lot']} ({row['kind']}): {'; '.join(parts)}.",
            )
        )


# -- rounds ---------------------------------------------------------------------------

_ROUND_COLUMNS = (
    ("received", "Received"),
    ("in_storage", "In storage"),
    ("in_weapons", "In weapons"),
    ("quarantined", "Quarantined"),
    ("expended", "Expended"),
    ("returned", "Returned"),
    ("destroyed", "Destroyed"),
    ("missing", "Missing"),
    ("verified", "Verified"),
)


def _balance(row: dict[str, Any]) -> Text:
    if row.get("balanced"):
        return Text("✓ balanced", style="bold green")
    off = row["received"] - row["accounted"] or row["discrepancy"]
    return Text(f"✗ off by {off:+d}", style="bold red")


def print_rounds(rows: list[dict[str, Any]]) -> None:
    """Every lot's accounting and its balance (AMMO-COUNT): a column per lot, so a day's
    few lots read like an account book on a narrow screen."""
    if not rows:
        out_console.print("No lots received yet.")
        return
    table = Table(title="Rounds per lot", title_justify="left")
    table.add_column("")
    for row in rows:
        table.add_column(row["lot"], justify="right")
    table.add_row("Kind", *(f"{row['kind']} {row['caliber']}" for row in rows))
    for key, title in _ROUND_COLUMNS:
        table.add_row(title, *(str(row.get(key, 0)) for row in rows))
    if any(row.get("live_found") for row in rows):
        table.add_row(
            Text("Live found", style="bold red"),
            *(Text(str(row["live_found"]), style="bold red") for row in rows),
        )
    if any(row.get("suspect") for row in rows):
        table.add_row(
            Text("Suspect", style="bold red"),
            *(
                Text("■ SUSPECT", style="bold white on red") if row.get("suspect") else "no"
                for row in rows
            ),
        )
    table.add_row(Text("Balance", style="bold"), *(_balance(row) for row in rows))
    out_console.print(table)
    for row in rows:
        suspect = row.get("suspect")
        if suspect:
            out_console.print(
                Text.assemble(
                    ("■ SUSPECT LOT ■", "bold white on red"),
                    f" {row['lot']}: {suspect['reason']}, since {suspect['at']} "
                    f"(entry {suspect['entry']}). No round of it is used until it is "
                    "re-verified, returned or destroyed.",
                )
            )
        quarantined = [w for w in row.get("weapons", []) if w.get("quarantine")]
        for w in quarantined:
            out_console.print(
                Text.assemble(
                    ("■ QUARANTINED ■", "bold white on red"),
                    f" {w['weapon']} ({where_text(w['location'])}) {w['quarantine']}: "
                    "unload it before it goes anywhere but its handler.",
                )
            )
        if row.get("quarantined"):
            out_console.print(
                f"{row['lot']}: {row['quarantined']} misfired "
                f"{'round' if row['quarantined'] == 1 else 'rounds'} quarantined, never "
                "loaded again: destroy or return them (--quarantined)."
            )
