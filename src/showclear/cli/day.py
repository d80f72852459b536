"""The shoot day: ``day open|revise``, ``meal-break``, ``wrap``, ``close-day``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.acting import act
from showclear.cli.context import out_console, state
from showclear.cli.identity import ActAs
from showclear.cli.parse import Duty, LotCount, parse_duty, parse_lot_count
from showclear.cli.settings import production_settings
from showclear.protocol.time import local_date, parse_date

__all__ = ["register"]

day_app = typer.Typer(
    help="Publish the day's call sheet: who is on duty, in which role.\n\n"
    "Example: showclear day open --duty mo=handler --duty ana=performer --duty lee=first_ad "
    "--as lee",
    no_args_is_help=True,
)

DutyOpt = Annotated[
    list[Duty],
    typer.Option(
        "--duty",
        parser=parse_duty,
        metavar="PERSON=DUTY[,DUTY...]",
        help="A person and their duties today, e.g. mo=handler or kim=props,handler (repeat "
        "for each person). Duties: handler, performer, first_ad, or any other by name.",
    ),
]


def _sheet(duty: list[Duty]) -> list[dict[str, object]]:
    return [d.to_event() for d in duty]


@day_app.command("open")
def day_open(
    ctx: typer.Context,
    duty: DutyOpt,
    as_: ActAs,
    date: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="The shoot day (default: today in the production's time zone, so a night "
            "shoot called at 18:00 opens the date it was called on).",
        ),
    ] = None,
) -> None:
    """Open a shoot day by publishing its call sheet.

    Only a person on the call sheet as handler (an armorer or a property master) may
    take weapons out that day (CUS-HANDLER); a handler with other duties draws
    CUS-SOLE-DUTY.

    Example: showclear day open --duty mo=handler --duty ana=performer --duty lee=first_ad --as lee
    """
    if date is not None:
        try:
            day = parse_date(date.strip()).isoformat()
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--date") from None
    else:
        zone = production_settings(ctx).time_zone
        day = local_date(state(ctx).app().clock.now(), zone).isoformat()
    act(ctx, "DayOpened", f"shoot day {day} opened", actor=as_, date=day, call_sheet=_sheet(duty))


@day_app.command("revise")
def day_revise(ctx: typer.Context, duty: DutyOpt, as_: ActAs) -> None:
    """Replace the open day's call sheet with a revised one (every person, every duty).

    Example: showclear day revise --duty mo=handler --duty kim=handler --duty ana=performer --as lee
    """
    act(ctx, "CallSheetRevised", "call sheet revised", actor=as_, call_sheet=_sheet(duty))


def meal_break(ctx: typer.Context, as_: ActAs) -> None:
    """Call a meal break; refused while any weapon is outside storage (CUS-SECURED).

    Example: showclear meal-break --as lee
    """
    act(ctx, "MealBreakCalled", "meal break", actor=as_)


def wrap(ctx: typer.Context, as_: ActAs) -> None:
    """Call wrap; refused while any weapon is outside storage (CUS-SECURED).

    Example: showclear wrap --as lee
    """
    act(ctx, "WrapCalled", "wrap", actor=as_)


def close_day(
    ctx: typer.Context,
    count: Annotated[
        list[LotCount],
        typer.Option(
            "--count",
            parser=parse_lot_count,
            metavar="LOT=N",
            help="Rounds of the lot physically counted, in storage and in weapons (repeat "
            "for every lot).",
        ),
    ],
    as_: ActAs,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE.pdf",
            help="Then write the closed day's daily firearms report here (as report day).",
        ),
    ] = None,
) -> None:
    """Close the day with the round count of every lot (AMMO-COUNT).

    A count that differs from the ledger is refused and opens an incident, which
    puts the production in cease-fire until reviewed. With --report FILE.pdf, the
    day's report is written once it is closed.

    Example: showclear close-day --count D-1=12 --count B-1=10 --report day.pdf --as mo
    """
    counts = {c.lot: c.count for c in count}
    st = state(ctx)
    day = st.app().projection(st.slug()).open_day()
    act(ctx, "DayClosed", "day closed", actor=as_, counts=counts)
    if report is not None and day is not None:  # no open day: act has said so and exited
        from showclear.cli.files import write_output
        from showclear.reports import day_files

        rendered = day_files(st.app(), st.slug(), day["date"], pdf=True)
        assert rendered.pdf is not None
        write_output(report, rendered.pdf)
        out_console.print(f"Wrote {escape(str(report))} ({len(rendered.pdf):,} bytes)")


def register(app: typer.Typer) -> None:
    app.add_typer(day_app, name="day")
    app.command("meal-break")(meal_break)
    app.command("wrap")(wrap)
    app.command("close-day")(close_day)
