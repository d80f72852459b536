"""``showclear scenario run``: replay scenario files on fresh productions, check each outcome."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console
from showclear.protocol.time import read_time
from showclear.scenarios import ScenarioError, load_scenario, run_scenario
from showclear.scenarios.model import Scenario
from showclear.scenarios.runner import ScenarioResult
from showclear.service import TRUSTED, FixedClock, MemoryKeyring, build_app

__all__ = ["register"]

scenario_app = typer.Typer(
    help="Scenario files: a day's steps with the outcome each expects.\n\n"
    "Example: showclear scenario run scenarios/*.yaml"
)


@scenario_app.command("run")
def run(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", exists=True)],
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only steps that differ.")
    ] = False,
) -> None:
    """Replay each scenario on a fresh temporary production and compare every outcome.

    Exits 1 if any step's outcome differs from what its file expects, or if a
    final ledger does not verify; exits 2 if a file is malformed (with its line).

    Example: showclear scenario run scenarios/*.yaml
    """
    failed = malformed = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as e:
            err_console.print(f"[bold red]{escape(str(e))}[/]")
            malformed += 1
            continue
        result, problem = _replay(scenario)
        _print(result, problem, quiet=quiet)
        failed += (not result.passed) or problem is not None
    total = len(files)
    summary = f"{total - failed - malformed} of {total} scenario files passed"
    if failed or malformed:
        err_console.print(f"[bold red]{summary}[/]")
        raise typer.Exit(ExitCode.USAGE if malformed and not failed else ExitCode.FAILED)
    out_console.print(f"[bold green]{summary}[/]")


def _replay(scenario: Scenario) -> tuple[ScenarioResult, str | None]:
    clock = FixedClock(read_time(scenario.created_at))
    with tempfile.TemporaryDirectory(prefix="showclear-scenario-") as folder:
        app = build_app(str(Path(folder) / "scenario.db"), keyring=MemoryKeyring(), clock=clock)
        try:
            slug = app.init_production(scenario.production).slug
            result = run_scenario(scenario, lambda event: app.submit(slug, event, TRUSTED))
            report = app.verify(slug)
        finally:
            app.close()
    return result, None if report.ok else report.problem


def _print(result: ScenarioResult, problem: str | None, *, quiet: bool) -> None:
    out_console.rule(f"{result.scenario.path}: {result.scenario.production}")
    for step in result.steps:
        if quiet and step.matched:
            continue
        colour = "green" if step.matched else "bold red"
        out_console.print(f"[{colour}]{step.describe()}[/]", highlight=False, soft_wrap=True)
    verdict = (
        f"{len(result.steps)} steps, {result.refusals} refused as expected"
        if result.passed
        else f"{len(result.mismatches)} of {len(result.steps)} steps differ"
    )
    out_console.print(verdict)
    if problem:
        err_console.print(f"[bold red]The final ledger does not verify:[/] {escape(problem)}")
    else:
        out_console.print("Final ledger verified.")


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
