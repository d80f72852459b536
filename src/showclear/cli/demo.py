"""``showclear demo``: play a realistic western shoot day and show what showclear did."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.demo import CAST, PINS, western_day
from showclear.service import Credentials, FileKeyring, FixedClock, build_app
from showclear.service.commands import Receipt

__all__ = ["demo", "register"]

PRODUCTION = "Dust Creek"


def demo(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Where to keep the demo database (default: a new temporary file)."
        ),
    ] = None,
) -> None:
    """Play a western shoot day on a new production, with the refusals that matter.

    Two revolvers and a replica, dummies verified round by round, blanks, a
    safety meeting, a rehearsal, a dummy close-up, a blank take and a meal break;
    along the way an assistant director's handoff, a stale inspection and a
    misfire's cease-fire are refused. Then the ledger is verified.

    Example: showclear demo --db dust-creek.db
    """
    started = time.perf_counter()
    key_dir: Path | None
    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="showclear-demo-"))
        db = folder / "showclear-demo.db"
        key_dir = folder / "keys"
    else:
        key_dir = state(ctx).key_dir
        if db.exists():
            err_console.print(f"{db} already exists; give a new path to --db.")
            raise typer.Exit(ExitCode.USAGE)
    keyring = FileKeyring(key_dir)
    today = datetime.now(UTC).date()
    call = datetime(today.year, today.month, today.day, 7, 0, tzinfo=UTC)
    clock = FixedClock(call - timedelta(minutes=30))
    app = build_app(str(db), keyring=keyring, clock=clock)
    try:
        slug = app.init_production(PRODUCTION).slug
        out_console.rule(f"[bold]showclear demo[/]: {PRODUCTION}, a western, {today.isoformat()}")
        surprises = 0
        for step in western_day(today):
            clock.set(call + timedelta(minutes=step.minutes))
            auth = Credentials(
                step.actor,
                PINS[step.actor] if step.actor else None,
                {person: PINS[person] for person in step.confirm},
            )
            outcome = app.submit(slug, dict(step.event), auth)
            if step.event["type"] == "PersonRegistered":
                app.set_pin(slug, step.event["person"], PINS[step.event["person"]])
            expected = outcome.outcome == step.expect and set(step.rules) <= set(outcome.rule_ids)
            surprises += not expected
            _narrate(clock.now(), step.narration, outcome, expected)
        report = app.verify(slug)
        out_console.rule("[bold]The record")
        if report.ok:
            out_console.print(
                f"[bold green]Ledger verified[/]: {report.entries} entries, every hash, tree "
                f"node and signed checkpoint recomputed ({report.seconds * 1000:.0f} ms)."
            )
        else:
            err_console.print(f"[bold red]Ledger does not verify[/]: {escape(str(report.problem))}")
        from showclear.cli.render import print_board, print_rounds

        print_board(app.board(slug))
        print_rounds(app.rounds(slug))
        out_console.print("[bold]Latest signed checkpoint[/] (C2SP tlog-checkpoint):")
        out_console.print(app.checkpoint(slug), end="", soft_wrap=True)
        _explore(db, keyring.directory, time.perf_counter() - started)
        if surprises or not report.ok:
            raise typer.Exit(ExitCode.FAILED)
    finally:
        app.close()


def _narrate(moment: datetime, narration: str, outcome: Receipt, expected: bool) -> None:
    stamp = moment.strftime("%H:%M")
    mark = {
        "allowed": "[green]✔ allowed[/]",
        "warned": "[yellow]⚠ allowed with warning[/]",
        "refused": "[bold red]✘ REFUSED[/]",
    }[outcome.outcome]
    out_console.print(f"[dim]{stamp}[/]  {narration}  {mark}")
    for finding in outcome.findings:
        colour = "red" if outcome.refused else "yellow"
        out_console.print(f"        [{colour}]{finding.rule_id}[/]: {finding.message}")
        out_console.print(f"        [dim]→ {finding.remedy}[/]")
    if not expected:
        err_console.print("        [bold red]The demo expected a different outcome here.[/]")


def _explore(db: Path, key_dir: Path, seconds: float) -> None:
    people = ", ".join(f"{person} (PIN {PINS[person]})" for person in CAST)
    out_console.rule("[bold]Explore it")
    out_console.print(f"The demo took {seconds:.1f} s and left its database at {db}")
    out_console.print(f"and the production's private key in {key_dir}. Try:")
    base = f"showclear --db {db} --key-dir {key_dir}"
    for command in (
        "board",
        "rounds",
        "history colt-1",
        "verify",
        "prove --index 3",
        "checkpoint",
    ):
        out_console.print(f"  {base} {command}", soft_wrap=True, highlight=False)
    out_console.print(f"People and their demo PINs: {people}.")


def register(app: typer.Typer) -> None:
    app.command()(demo)
