"""Forensics and reports: ``custody`` (and its alias ``who``), ``lot-account``, ``refusals``,
``report``, ``export``.

Every answer names the ledger entries (#N) it rests on; ``showclear prove --index N``
proves any of them against the signed checkpoint.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.cli.files import output_file, write_output
from showclear.cli.render import emit_json, inspection_text, state_label, where_text
from showclear.cli.settings import local_moment
from showclear.protocol.catalogue import chambers_text
from showclear.protocol.time import format_time
from showclear.service.forensics import Custody

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout, nothing else.")]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="TIME",
        help="From this time: 2026-11-25 14:05 in the production's zone, or RFC 3339 with Z "
        "or an offset (default: the start).",
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="TIME",
        help="Up to this time, local or RFC 3339 as --from (default: the end).",
    ),
]
PdfOpt = Annotated[Path | None, typer.Option("--pdf", metavar="FILE", help="Write the PDF here.")]
HtmlOpt = Annotated[
    Path | None, typer.Option("--html", metavar="FILE", help="Write the HTML page here.")
]


def _where(location: str | None, names: dict[str, str] | None = None) -> str:
    kind, _, where = (location or "").partition(":")
    if kind == "person":
        return (names or {}).get(where, where)
    return f"storage {where}" if kind == "storage" else "—"


def _refs(indexes: list[int]) -> str:
    return ", ".join(f"#{i}" for i in indexes) or "—"


def _custody_at(ctx: typer.Context, weapon: str, at: str, json: bool) -> None:
    """Print where ``weapon`` was at ``at``: what ``custody --at`` and ``who`` both answer."""
    st = state(ctx)
    with st.app().forensics(st.slug()) as f:
        names = f.names
        found = f.custody_at(weapon, at)
    if json:
        emit_json(found.to_json())
    else:
        _print_custody(found, names)


def _print_custody(c: Custody, names: dict[str, str]) -> None:
    out_console.print(
        f"[bold]{escape(c.weapon)}[/] at {c.at} (ledger through entry {c.through_entry})"
    )
    where = where_text(c.location)
    if c.holder in names:
        where += f" ({names[c.holder]})"
    last = inspection_text(c.last_inspection)
    if c.inspection is not None:
        last += f" (entry #{c.inspection})"
    lines = [
        ("Where", Text(f"{where}, since {c.since} (entry #{c.entry})")),
        ("State", state_label(c.state)),
        ("Chambers", Text(chambers_text(c.chambers))),
        ("Setup", Text(c.setup or "—")),
        ("Last show-clear", Text(last)),
    ]
    if c.uncertain:
        lines.append(("Unknown because", Text(c.uncertain.replace("_", " "))))
    grid = Table.grid(padding=(0, 2))
    for label, value in lines:
        grid.add_row(Text(label, style="bold"), value)
    out_console.print(grid)
    out_console.print(f"Rests on entries {_refs(c.cites)}.")


def custody(
    ctx: typer.Context,
    weapon: Annotated[str, typer.Argument(metavar="WEAPON", help="The weapon's id.")],
    *,
    start: FromOpt = None,
    end: ToOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            metavar="TIME",
            help="Only where it was at this moment: 2026-11-25 14:05 in the production's "
            "zone, or RFC 3339 with Z or an offset.",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Show a weapon's chain of custody: every holder, inspection, load and discharge, cited.

    With --at, where it was at that moment, who held it since which entry, what was
    in each chamber, and its last show-clear. Otherwise every holder between --from
    and --to (default: the whole ledger), and every entry about it with each chamber's
    content after it.

    Examples: showclear custody colt-1 --from 2026-11-25T08:00:00Z --to 2026-11-25T09:00:00Z ;
    showclear custody colt-1 --at 2026-11-25T08:10:00Z
    """
    # A time without a zone is the production's local time (its settings).
    start, end = local_moment(ctx, start, "--from"), local_moment(ctx, end, "--to")
    if at is not None:
        _custody_at(ctx, weapon, local_moment(ctx, at, "--at") or at, json)
        return
    st = state(ctx)
    with st.app().forensics(st.slug()) as f:
        names = f.names
        result = f.weapon_chain(weapon, start, end)
    if json:
        emit_json(result.to_json())
        return
    holds = Table(
        title=f"Holders of {weapon}, {result.start} to {result.end}", title_justify="left"
    )
    for column in ("From", "To", "Where", "Entries"):
        holds.add_column(column)
    for hold in result.holds:
        where = _where(hold.location, names)
        until = hold.until or "(still)"
        moves = f"#{hold.entry}" + (f" → #{hold.until_entry}" if hold.until_entry else "")
        holds.add_row(hold.since, until, where, moves)
    out_console.print(holds)
    entries = Table(title=f"Every entry about {weapon}", title_justify="left")
    for column in ("#", "At", "What", "Chambers after", "State"):
        entries.add_column(column)
    for entry in result.entries:
        entries.add_row(
            str(entry.index),
            entry.at,
            Text(entry.summary, style="bold red" if entry.refused else ""),
            chambers_text(entry.chambers),
            state_label(entry.state) if entry.state else Text("—"),
        )
    out_console.print(entries)


def who(
    ctx: typer.Context,
    weapon: Annotated[str, typer.Option(metavar="WEAPON", help="The weapon's id.")],
    at: Annotated[
        str | None,
        typer.Option(
            metavar="TIME",
            help="A time: 2026-11-25 10:05 in the production's zone, or RFC 3339 with Z or "
            "an offset, e.g. 2026-11-25T10:05:00Z.",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Alias of "showclear custody WEAPON --at TIME" (default: now): the same answer.

    Who held a weapon at a moment, what was in each chamber, its last show-clear,
    and the entries that say so.

    Example: showclear who --weapon colt-1 --at 2026-11-25T10:05:00Z
    """
    moment = local_moment(ctx, at, "--at") or format_time(state(ctx).app().clock.now())
    _custody_at(ctx, weapon, moment, json)


def lot_account(
    ctx: typer.Context,
    lot_id: Annotated[str, typer.Argument(metavar="LOT", help="The lot's id.")],
    start: FromOpt = None,
    end: ToOpt = None,
    json: JsonOpt = False,
) -> None:
    """Account for every round of a lot: where each one is or went, and every entry that moved it.

    With --from or --to, the lot's chain of custody in that period instead: its
    counts at the start and end, every movement, and who had its rounds in which weapon.

    Examples: showclear lot-account blk-45 ;
    showclear lot-account blk-45 --from 2026-11-25T08:00:00Z --json
    """
    start, end = local_moment(ctx, start, "--from"), local_moment(ctx, end, "--to")
    st = state(ctx)
    with st.app().forensics(st.slug()) as f:
        names = f.names
        period = start is not None or end is not None
        result: Any = f.lot_chain(lot_id, start, end) if period else f.lot_accounting(lot_id)
    if json:
        emit_json(result.to_json())
        return
    if not period:
        balance = "[green]balances[/]" if result.balanced else "[bold red]DOES NOT BALANCE[/]"
        out_console.print(
            f"[bold]{escape(lot_id)}[/]: {result.received} {escape(result.kind)} rounds received "
            f"({escape(result.caliber)}, from {escape(result.supplier)}); {balance}"
        )
        out_console.print(
            f"in storage {result.in_storage}, in weapons {result.in_weapons}, quarantined "
            f"{result.quarantined}, expended {result.expended}, returned {result.returned}, "
            f"destroyed {result.destroyed}, missing {result.missing}; verified inert "
            f"{result.verified}"
        )
        if result.suspect:
            out_console.print(
                f"[bold white on red]■ SUSPECT LOT ■[/] {escape(result.suspect['reason'])}, "
                f"since {result.suspect['at']} (entry {result.suspect['entry']}): no round "
                "of it is used until it is re-verified, returned or destroyed"
            )
        for loaded in result.loaded:
            out_console.print(
                f"  {loaded.weapon} chambers {loaded.chambers}, held by "
                f"{escape(_where(loaded.location, names))}"
                + (
                    f" [bold red]QUARANTINED: {escape(loaded.quarantine)}[/]"
                    if loaded.quarantine
                    else ""
                )
            )
    table = Table(title=f"Every movement of {lot_id}", title_justify="left")
    for column in ("#", "At", "What", "Change"):
        table.add_column(column)
    for m in result.movements:
        change = ", ".join(f"{k} {v:+d}" for k, v in m.change.items()) or "—"
        table.add_row(
            str(m.index), m.at, Text(m.summary, style="bold red" if m.refused else ""), change
        )
    out_console.print(table)


def refusals(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        typer.Option(metavar="PERSON", help="Only those this person attempted or was named in."),
    ] = None,
    rule: Annotated[
        str | None, typer.Option(metavar="RULE", help="Only this rule, e.g. CUS-HANDLER.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List every refused attempt and every override, by person and by rule; and the warnings.

    Example: showclear refusals --rule CUS-SHOW-CLEAR
    """
    st = state(ctx)
    with st.app().forensics(st.slug()) as f:
        names = f.names
        result = f.refusals(person, rule)
    if json:
        emit_json(result.to_json())
        return
    table = Table(title="Refused attempts", title_justify="left")
    for column in ("#", "At", "Who", "Attempted", "Rules", "Why"):
        table.add_column(column)
    for r in result.refusals:
        table.add_row(
            str(r.index),
            r.at,
            names.get(r.actor or "", r.actor or "—"),
            r.summary.split("attempted: ", 1)[-1],
            "\n".join(r.rules),
            "\n".join(r.reasons),
        )
    out_console.print(table)
    overrides = Table(title="Overrides", title_justify="left")
    for column in ("#", "At", "Granted by", "Rule", "Reason", "Used in"):
        overrides.add_column(column)
    for o in result.overrides:
        overrides.add_row(
            str(o.index),
            o.at,
            names.get(o.granted_by or "", "—"),
            o.rule,
            o.reason,
            _refs(o.used_in),
        )
    out_console.print(overrides)
    by_rule = ", ".join(f"{k}: {len(v)}" for k, v in result.by_rule.items()) or "none"
    out_console.print(f"By rule (refusals and warnings): {by_rule}")
    by_person = ", ".join(f"{names.get(k, k)}: {len(v)}" for k, v in result.by_person.items())
    out_console.print(f"By person (refusals attempted): {by_person or 'none'}")


def _write(rendered: Any, pdf: Path | None, html: Path | None) -> None:
    if pdf is not None:
        write_output(pdf, rendered.pdf)
        out_console.print(f"Wrote {escape(str(pdf))} ({len(rendered.pdf):,} bytes)")
    if html is not None:
        write_output(html, rendered.html)
        out_console.print(f"Wrote {escape(str(html))}")


def _need_output(pdf: Path | None, html: Path | None) -> None:
    if pdf is None and html is None:
        err_console.print("Give --pdf FILE, --html FILE, or both.")
        raise typer.Exit(ExitCode.USAGE)


class Paper(StrEnum):
    """The paper a PDF report is laid out on."""

    letter = "letter"
    a4 = "a4"


def report_day(
    ctx: typer.Context,
    date: Annotated[str, typer.Argument(metavar="DATE", help="The shoot day, YYYY-MM-DD.")],
    pdf: PdfOpt = None,
    html: HtmlOpt = None,
    paper: Annotated[
        Paper | None,
        typer.Option(
            help="The PDF's paper; by default Letter for a US jurisdiction, else A4.",
        ),
    ] = None,
) -> None:
    """Write the daily firearms report of a shoot day, for a producer or an insurer.

    Setups and weapons used with their serial numbers, the handlers' permits, safety
    meetings and attendees, each confirmation and how it was proven, rounds per lot,
    refusals, overrides, warnings, incidents and concerns, the full inventory at the
    day's start and end, a timeline of who held each weapon when, and lines to sign;
    every row cites its ledger entry.

    Example: showclear report day 2026-11-25 --pdf day.pdf --paper letter
    """
    from showclear.reports import day_files

    _need_output(pdf, html)
    st = state(ctx)
    rendered = day_files(
        st.app(),
        st.slug(),
        date,
        pdf=pdf is not None,
        html=html is not None,
        paper=paper.value if paper is not None else None,
    )
    _write(rendered, pdf, html)


def report_incident(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="ID", help="The incident's number.")],
    *,
    pdf: PdfOpt = None,
    html: HtmlOpt = None,
    before: Annotated[int, typer.Option(help="Minutes of timeline before the incident.")] = 120,
    after: Annotated[int, typer.Option(help="Minutes of timeline after the incident.")] = 60,
) -> None:
    """Write an incident report, with the inclusion proof of every entry it cites.

    The timeline around the incident, the custody chain of every weapon and lot
    involved, the people and their roles, the signed checkpoint the report rests
    on, and in an appendix each cited entry's bytes and tlog-proof.

    Example: showclear report incident 1 --pdf incident-1.pdf
    """
    from showclear.reports import incident_files

    _need_output(pdf, html)
    st = state(ctx)
    rendered = incident_files(
        st.app(),
        st.slug(),
        number,
        before_minutes=before,
        after_minutes=after,
        pdf=pdf is not None,
        html=html is not None,
    )
    _write(rendered, pdf, html)


class BookFormat(StrEnum):
    """What the acquisition and disposition book is written as."""

    pdf = "pdf"
    csv = "csv"


def report_book(
    ctx: typer.Context,
    format: Annotated[
        BookFormat, typer.Option("--format", help="A PDF to print, or CSV for a spreadsheet.")
    ] = BookFormat.pdf,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write it (default: PRODUCTION-book.pdf; CSV goes to stdout).",
        ),
    ] = None,
    paper: Annotated[
        Paper | None,
        typer.Option(help="The PDF's paper; by default Letter for a US jurisdiction, else A4."),
    ] = None,
) -> None:
    """Write the acquisition and disposition book: every weapon the production ever held.

    One row per weapon held: make, model, serial and type; when it was received and
    from whom (the rental house or owner, receive weapon --from), with the SHA-256 of
    each stored scan of its paperwork; when it was released or returned and to whom,
    with its document; and its status now. Every row cites its ledger entries.

    Example: showclear report book --format csv --out book.csv
    """
    from showclear.reports.book import book_file

    st = state(ctx)
    slug = st.slug()
    data = book_file(
        st.app(), slug, fmt=format.value, paper=paper.value if paper is not None else None
    )
    if out is None and format is BookFormat.csv:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    target = out if out is not None else Path(f"{slug}-book.pdf")
    write_output(target, data)
    out_console.print(f"Wrote {escape(str(target))} ({len(data):,} bytes)")


def export(
    ctx: typer.Context,
    bundle: Annotated[
        Path, typer.Option("--bundle", metavar="FILE.zip", help="Where to write the bundle.")
    ],
) -> None:
    """Export the whole ledger as a bundle anyone can check offline.

    The zip holds every entry's exact bytes, every signed checkpoint, the verifier
    key, and a README saying how to check it, with showclear or standard tools.

    Example: showclear export --bundle dust-creek.zip && showclear verify --bundle dust-creek.zip
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()
    # Streamed into the file: memory stays flat however long the ledger (issue 17).
    with output_file(bundle) as out:
        summary = app.export_bundle_to(slug, out)
    out_console.print(
        f"Wrote {escape(str(bundle))}: {summary.entries:,} entries, {summary.checkpoints:,} "
        f"checkpoints ({summary.size_bytes:,} bytes)"
    )


def register(app: typer.Typer) -> None:
    for command in (custody, who, refusals, export):
        app.command()(command)
    app.command("lot-account")(lot_account)
    report = typer.Typer(
        help="Write reports: the daily firearms report, incident reports (PDF and HTML), the "
        "acquisition and disposition book (PDF or CSV).\n\n"
        "Example: showclear report day 2026-11-25 --pdf day.pdf",
        no_args_is_help=True,
    )
    report.command("day")(report_day)
    report.command("incident")(report_incident)
    report.command("book")(report_book)
    app.add_typer(report, name="report")
