"""The production's settings: ``settings`` shows or changes its time zone and unit system."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.markup import escape

from showclear.cli.acting import act
from showclear.cli.context import out_console, state
from showclear.cli.identity import AS_HELP
from showclear.protocol.catalogue.settings import (
    SETTINGS_KEY,
    ProductionSettings,
    settings_from,
)
from showclear.protocol.time import (
    ZONE_EXAMPLE,
    check_zone,
    format_time,
    local_stamp,
    read_local_time,
)
from showclear.protocol.units import UNITS

__all__ = [
    "TimeZoneOpt",
    "UnitsOpt",
    "check_time_zone",
    "local_moment",
    "production_settings",
    "register",
]


def production_settings(ctx: typer.Context) -> ProductionSettings:
    """The time zone and units of the production this invocation acts on."""
    st = state(ctx)
    with st.app().store.read(st.slug()) as session:  # one record, not the whole state
        return settings_from(session.record(SETTINGS_KEY))


def local_moment(ctx: typer.Context, text: str | None, option: str) -> str | None:
    """A time a person typed, as the ledger writes it: one without a zone
    (``2026-11-25 14:05``) is in the production's time zone.

    Raises:
        typer.BadParameter: not a time, naming the forms accepted.
    """
    if text is None:
        return None
    try:
        moment = read_local_time(text, production_settings(ctx).time_zone)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None
    return format_time(moment)


def check_time_zone(value: str | None) -> str | None:
    """The IANA zone name as given, checked before anyone is asked for a PIN.

    Raises:
        typer.BadParameter: not a zone of the IANA time zone database.
    """
    if value is None:
        return None
    try:
        check_zone(value)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    return value


TimeZoneOpt = Annotated[
    str | None,
    typer.Option(
        "--time-zone",
        metavar="ZONE",
        callback=check_time_zone,
        help=f"The production's time zone, an IANA name such as {ZONE_EXAMPLE}, "
        "Europe/London or UTC: times are shown and typed in it (the ledger keeps UTC).",
    ),
]
UnitsOpt = Annotated[
    Literal["ft", "m"] | None,
    typer.Option(
        "--units",
        help="Feet or metres: distances are shown in it, and a bare number typed is in it "
        "(20ft, 6m and 610cm are always understood).",
    ),
]


def _show(settings: ProductionSettings, now: str) -> None:
    out_console.print(f"Time zone: [bold]{escape(settings.time_zone)}[/]")
    out_console.print(f"Units: [bold]{settings.units}[/] (of {', '.join(UNITS)})")
    out_console.print(f"Local time now: {local_stamp(now, settings.time_zone)}")


def settings(
    ctx: typer.Context,
    time_zone: TimeZoneOpt = None,
    units: UnitsOpt = None,
    reason: Annotated[str | None, typer.Option(help="Why the settings change.")] = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", metavar="PERSON", help=AS_HELP + " Needed to change them."),
    ] = None,
) -> None:
    """Show the production's time zone and units, or change them (producer or safety
    coordinator).

    Entries keep UTC and centimetres; the settings say how times and distances are shown,
    and how a time without a zone or a bare number is read.

    Example: showclear settings --time-zone America/Los_Angeles --units ft --as sam
    """
    if time_zone is None and units is None:
        _show(production_settings(ctx), format_time(state(ctx).app().clock.now()))
        return
    if as_ is None:
        raise typer.BadParameter("say who changes them", param_hint="--as")
    act(
        ctx,
        "ProductionSettingsChanged",
        "settings changed",
        actor=as_,
        time_zone=time_zone,
        units=units,
        reason=reason,
    )


def register(app: typer.Typer) -> None:
    app.command("settings")(settings)
