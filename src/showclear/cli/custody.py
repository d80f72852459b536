"""Custody of a weapon, step by step: take out, load, inspect, hand over, fire, check, return."""

from __future__ import annotations

from typing import Annotated

import typer

from showclear.cli.acting import act
from showclear.cli.identity import ActAs
from showclear.cli.parse import (
    Chambers,
    Contents,
    parse_chambers,
    parse_contents,
    parse_distance,
)
from showclear.cli.settings import production_settings
from showclear.cli.weapons import ShownMagazine, parse_shown_magazine
from showclear.protocol.units import read_distance

__all__ = ["register"]

WeaponArg = Annotated[str, typer.Argument(metavar="WEAPON", help="The weapon's id, e.g. colt-1.")]


def _chambers_opt(what: str) -> object:
    return typer.Option(
        "--chambers", parser=parse_chambers, metavar="N[,N|N-M...]", help=f"Chambers {what}."
    )


def take_out(
    ctx: typer.Context,
    weapon: WeaponArg,
    as_: ActAs,
    setup: Annotated[
        str | None, typer.Option(help="The setup it is taken out for (PLAN-SETUP).")
    ] = None,
) -> None:
    """Take a weapon out of storage for a planned setup (handler on duty only).

    Refused without a setup that plans the weapon (PLAN-SETUP), before the setup's
    safety meeting (PLAN-MEETING), and during a cease-fire (INC-CEASEFIRE).

    Example: showclear take-out colt-1 --setup 12A --as mo
    """
    act(
        ctx,
        "WeaponTakenOut",
        f"{weapon} taken out of storage",
        actor=as_,
        weapon=weapon,
        setup=setup,
    )


def load(
    ctx: typer.Context,
    weapon: WeaponArg,
    lot: Annotated[str, typer.Option(help="The lot the rounds come from.")],
    chambers: Annotated[Chambers, _chambers_opt("loaded, e.g. 1-2")],
    as_: ActAs,
) -> None:
    """Load rounds of one lot into chambers of a weapon you hold (handler on duty only).

    Dummies must be verified (AMMO-DUMMY-VERIFIED), calibers must match
    (AMMO-CALIBER), and the load must be the setup's plan (PLAN-SETUP).

    Example: showclear load colt-1 --lot B-1 --chambers 1-2 --as mo
    """
    act(
        ctx,
        "RoundsLoaded",
        f"{weapon} loaded from lot {lot}",
        actor=as_,
        weapon=weapon,
        lot=lot,
        chambers=chambers.to_event(),
    )


def unload(
    ctx: typer.Context,
    weapon: WeaponArg,
    chambers: Annotated[Chambers, _chambers_opt("unloaded, e.g. 1-6")],
    as_: ActAs,
) -> None:
    """Unload rounds from chambers of a weapon you hold; they go back to their lot.

    Example: showclear unload colt-1 --chambers 1-2 --as mo
    """
    act(
        ctx,
        "RoundsUnloaded",
        f"{weapon} unloaded",
        actor=as_,
        weapon=weapon,
        chambers=chambers.to_event(),
    )


def inspect(
    ctx: typer.Context,
    weapon: WeaponArg,
    *,
    chambers: Annotated[
        Contents,
        typer.Option(
            "--chambers",
            parser=parse_contents,
            metavar="CONTENT,CONTENT,...",
            help="What each chamber holds, in order: 'empty' or the lot id, e.g. "
            "empty,empty,empty,empty,B-1,B-1.",
        ),
    ],
    barrel_clear: Annotated[
        bool,
        typer.Option(
            "--barrel-clear/--barrel-not-clear", help="Whether you checked the barrel clear."
        ),
    ],
    as_: ActAs,
    performer: Annotated[
        str | None,
        typer.Option(
            metavar="PERSON",
            help="The performer it is shown to; they confirm with their own PIN "
            "($SHOWCLEAR_PIN_<PERSON> or a hidden prompt; Enter declines).",
        ),
    ] = None,
    magazine_well: Annotated[
        str | None,
        typer.Option(
            metavar="MAGAZINE|empty",
            help="A weapon that takes magazines: what its well holds, 'empty' or the magazine.",
        ),
    ] = None,
    magazines: Annotated[
        list[ShownMagazine] | None,
        typer.Option(
            "--magazine",
            parser=parse_shown_magazine,
            metavar="MAGAZINE=LOT:N",
            help="Each magazine issued with it and its rounds per lot (repeat for each; "
            "MAGAZINE= when empty).",
        ),
    ] = None,
) -> None:
    """Record a show-clear inspection: every chamber's content and the barrel (handler only).

    Show it to the performer, who confirms with their own PIN; the handover must be
    the weapon's next event, within 10 minutes by default (CUS-SHOW-CLEAR). A weapon
    that takes magazines shows its magazine well and every magazine issued with it.

    Example: showclear inspect colt-1 --chambers empty,empty,empty,empty,B-1,B-1 \\
    --barrel-clear --performer ana --as mo

    Example: showclear inspect g17-1 --chambers D-9 --magazine-well g17-1-m1 \\
    --magazine g17-1-m1=D-9:14 --magazine g17-1-m2= --barrel-clear --performer ana --as mo
    """
    act(
        ctx,
        "ShowClearInspected",
        f"show-clear inspection of {weapon}",
        actor=as_,
        weapon=weapon,
        chambers=chambers.to_event(),
        barrel_clear=barrel_clear,
        performer=performer,
        magazine_well=magazine_well,
        magazines=[m.to_event() for m in magazines] if magazines else None,
    )


def hand_over(
    ctx: typer.Context,
    weapon: WeaponArg,
    to: Annotated[
        str,
        typer.Option(
            metavar="PERSON",
            help="Who receives it; they confirm with their own PIN "
            "($SHOWCLEAR_PIN_<PERSON> or a hidden prompt; Enter declines).",
        ),
    ],
    as_: ActAs,
) -> None:
    """Hand a weapon you hold to someone, who confirms with their own PIN (CUS-TWO-PARTY).

    Only a handler hands a weapon to a performer, straight after a show-clear
    they confirmed (CUS-HANDLER, CUS-SHOW-CLEAR); a performer hands it back only
    to a handler (CUS-RETURN).

    Example: showclear hand-over colt-1 --to ana --as mo
    """
    act(
        ctx,
        "WeaponHandedOver",
        f"handover of {weapon} from {as_} to {to}",
        actor=as_,
        weapon=weapon,
        receiver=to,
    )


def return_(
    ctx: typer.Context,
    weapon: WeaponArg,
    storage: Annotated[str, typer.Option(metavar="STORAGE", help="The locked storage.")],
    as_: ActAs,
) -> None:
    """Return a weapon you hold to locked storage (handler on duty only).

    Always allowed during a cease-fire.

    Example: showclear return colt-1 --storage safe-1 --as mo
    """
    act(
        ctx,
        "WeaponReturnedToStorage",
        f"{weapon} returned to {storage}",
        actor=as_,
        weapon=weapon,
        storage=storage,
    )


def discharge(
    ctx: typer.Context,
    weapon: WeaponArg,
    *,
    chambers: Annotated[Chambers, _chambers_opt("that fired (or misfired), e.g. 1,2")],
    as_: ActAs,
    intended: Annotated[
        bool, typer.Option("--intended/--unintended", help="Whether the shot was planned.")
    ] = True,
    misfire: Annotated[bool, typer.Option(help="A round did not fire.")] = False,
    squib: Annotated[bool, typer.Option(help="A weak or incomplete discharge.")] = False,
    rounds: Annotated[
        int | None,
        typer.Option(min=1, help="A weapon that takes magazines: how many rounds fired."),
    ] = None,
    shooter: Annotated[
        str | None,
        typer.Option(
            metavar="PERSON",
            help="Who fired; default: the person holding it (anyone else is a custody finding).",
        ),
    ] = None,
    direction: Annotated[str | None, typer.Option(help="Where the muzzle pointed.")] = None,
    nearest: Annotated[
        str | None,
        typer.Option(
            "--nearest",
            parser=parse_distance,
            metavar="DISTANCE",
            help="The nearest person's distance: 20ft, 6m, 610cm, or a bare number in the "
            "production's unit.",
        ),
    ] = None,
) -> None:
    """Report that a weapon discharged: which chambers, intended or not, who fired, where.

    Always recorded. A misfire, squib or unintended discharge opens an incident and
    a cease-fire (INC-CEASEFIRE); the barrel must be checked before anything else
    (CUS-BARREL). The shooter is the holder unless named; anyone else firing is a
    custody finding (CUS-TWO-PARTY): an incident and a custody gap.

    Example: showclear discharge colt-1 --chambers 1,2 --direction 'upstage' \\
    --nearest 23ft --as ana
    """
    act(
        ctx,
        "WeaponDischarged",
        f"discharge of {weapon}",
        actor=as_,
        weapon=weapon,
        chambers=chambers.to_event(),
        intended=intended,
        misfire=misfire,
        squib=True if squib else None,
        rounds=rounds,
        shooter=shooter,
        direction=direction,
        nearest_cm=(
            read_distance(nearest, production_settings(ctx).units) if nearest is not None else None
        ),
    )


def barrel_check(
    ctx: typer.Context,
    weapon: WeaponArg,
    clear: Annotated[
        bool, typer.Option("--clear/--not-clear", help="Whether the barrel is clear.")
    ],
    as_: ActAs,
) -> None:
    """Record a barrel check of a weapon you hold (handler on duty only; CUS-BARREL).

    A barrel found not clear opens an incident (squib) and a cease-fire.

    Example: showclear barrel-check colt-1 --clear --as mo
    """
    act(ctx, "BarrelChecked", f"barrel check of {weapon}", actor=as_, weapon=weapon, clear=clear)


def found_unattended(
    ctx: typer.Context,
    weapon: WeaponArg,
    where: Annotated[str, typer.Option(help="Where it was found.")],
    as_: ActAs,
) -> None:
    """Report a weapon found unattended; you now hold it (CUS-SECURED).

    It becomes UNKNOWN, an incident opens and the production goes into cease-fire;
    hand it to the handler for inspection.

    Example: showclear found-unattended colt-1 --where 'on the props cart' --as lee
    """
    act(
        ctx,
        "WeaponFoundUnattended",
        f"{weapon} found unattended",
        actor=as_,
        weapon=weapon,
        where=where,
    )


def register(app: typer.Typer) -> None:
    app.command("take-out")(take_out)
    app.command("load")(load)
    app.command("unload")(unload)
    app.command("inspect")(inspect)
    app.command("hand-over")(hand_over)
    app.command("return")(return_)
    app.command("discharge")(discharge)
    app.command("barrel-check")(barrel_check)
    app.command("found-unattended")(found_unattended)
