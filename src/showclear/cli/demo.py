"""``showclear demo``: play a realistic western shoot day and show what showclear did."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.demo import PINS, demo_day, play, western_day
from showclear.protocol.time import parse_time
from showclear.scenarios import StepResult
from showclear.service import FileKeyring, FixedClock, build_app

__all__ = ["demo", "register", "runnable_name"]

_MARKS = {
    "allowed": "[green]✔ allowed[/]",
    "warned": "[yellow]⚠ allowed with warning[/]",
    "refused": "[bold red]✘ REFUSED[/]",
    "error": "[bold red]✘ ERROR[/]",
}


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
    along the way an assistant director's handoff, a stale inspection, a
    misfire's cease-fire and a revolver holding dummies of a lot where a live round
    was found (AMMO-SUSPECT) are refused. Then the ledger is verified. The day is the
    scenario file src/showclear/demo/western-day.yaml, played on the latest day already over
    (today after 17:10, else yesterday), so the database takes commands at once.

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
    scenario = western_day(demo_day(datetime.now(UTC)))
    clock = FixedClock(parse_time(scenario.created_at))
    app = build_app(str(db), keyring=keyring, clock=clock)
    try:
        slug = app.init_production(scenario.production).slug
        out_console.rule(
            f"[bold]showclear demo[/]: {scenario.production}, a western, {scenario.date}"
        )
        surprises = 0
        for result in play(app, slug, clock, scenario):
            surprises += not result.matched
            _narrate(result)
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


def _narrate(result: StepResult) -> None:
    """The step's time, its note and its outcome; each finding with its remedy."""
    stamp = parse_time(result.step.event["at"]).strftime("%H:%M")
    out_console.print(f"[dim]{stamp}[/]  {result.step.note}  {_MARKS[result.outcome]}")
    for finding in result.findings:
        colour = "red" if result.outcome == "refused" else "yellow"
        out_console.print(f"        [{colour}]{finding.rule_id}[/]: {finding.message}")
        out_console.print(f"        [dim]→ {finding.remedy}[/]")
    if result.outcome == "error":
        for message in result.messages:
            err_console.print(f"        [red]{escape(message)}[/]")
    if not result.matched:
        err_console.print("        [bold red]The demo expected a different outcome here.[/]")


def _explore(db: Path, key_dir: Path, seconds: float) -> None:
    people = ", ".join(f"{person} (PIN {pin})" for person, pin in PINS.items())
    out_console.rule("[bold]Explore it")
    out_console.print(f"The demo took {seconds:.1f} s and left its database at {db}")
    out_console.print(f"and the production's private key in {key_dir}. Try:")
    base = f"{runnable_name()} --db {shlex.quote(str(db))} --key-dir {shlex.quote(str(key_dir))}"
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


def runnable_name() -> str:
    """``showclear`` as this user can type it: the bare name when it is on the PATH, else the
    path of the running script relative to the current directory (``.venv/bin/showclear``
    after the README's Quick start, where the virtual environment is not activated)."""
    if shutil.which("showclear"):
        return "showclear"
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.stem != "showclear" or not script.exists():
        return "showclear"  # not run as the console script (a test runner, python -c)
    relative = os.path.relpath(script.absolute())
    if os.sep not in relative:
        relative = os.path.join(os.curdir, relative)  # ./showclear: the shell needs a slash
    return shlex.quote(relative)


def register(app: typer.Typer) -> None:
    app.command()(demo)
