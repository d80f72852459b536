"""Setups and safety meetings: ``setup plan|change|complete``, ``meeting``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from showclear.cli.acting import act
from showclear.cli.identity import ActAs
from showclear.cli.parse import (
    Near,
    PlannedWeapon,
    parse_near,
    parse_planned_weapon,
    read_setup_file,
    split_ids,
)
from showclear.cli.settings import production_settings
from showclear.protocol.units import DEFAULT_UNITS

__all__ = ["register"]

setup_app = typer.Typer(
    help="Plan the day's setups: which weapon, which load, which performer, rehearsal or "
    "take, direction of fire, who is near.\n\n"
    "Example: showclear setup plan 12A --scene 'Saloon standoff' --kind take "
    "--weapon colt-1:ana:blanks:B-1:2 --direction 'north, away from camera' "
    "--near 'camera A:900:eye:hearing' --as lee",
    no_args_is_help=True,
)

SetupArg = Annotated[str, typer.Argument(metavar="SETUP", help="The setup's id, e.g. 12A.")]


def _plan(
    *,
    setup: str,
    file: Path | None,
    fields: dict[str, Any],
    weapons: list[PlannedWeapon] | None,
    near: list[Near] | None,
    signoff_by: str | None,
    units: str = DEFAULT_UNITS,
) -> dict[str, Any]:
    """A setup's plan (SetupPlanned, SetupChanged): the file's fields, then the options given."""
    plan: dict[str, Any] = read_setup_file(file) if file is not None else {}
    named = plan.pop("setup", setup)
    if named != setup:
        raise typer.BadParameter(f"{file} plans setup {named}, not {setup}", param_hint="--file")
    plan.update({key: value for key, value in fields.items() if value is not None})
    if weapons:
        plan["weapons"] = [w.to_event() for w in weapons]
    if near is not None:
        plan["people_near"] = [n.to_event(units) for n in near]
    plan.setdefault("people_near", [])
    for required in ("scene", "kind", "direction", "weapons"):
        if required not in plan:
            option = "--weapon" if required == "weapons" else f"--{required}"
            raise typer.BadParameter(f"give {option} or put {required!r} in the setup file")
    if signoff_by is not None:
        plan["handler_signoff"] = signoff_by
    return {"setup": setup, **plan}


FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        exists=True,
        dir_okay=False,
        help="A YAML file with the plan: scene, kind, direction, weapons (list of weapon, "
        "performer, load, lot, rounds), people_near (list of who, distance_cm, "
        "in_line_of_fire, shielded, remote, eye_protection, hearing_protection), "
        "functional_reason. Options given on the command line replace the file's.",
    ),
]
SceneOpt = Annotated[str | None, typer.Option(help="Scene, e.g. 'Saloon standoff'.")]
KindOpt = Annotated[Literal["rehearsal", "take"] | None, typer.Option(help="Rehearsal or take.")]
WeaponOpt = Annotated[
    list[PlannedWeapon] | None,
    typer.Option(
        "--weapon",
        parser=parse_planned_weapon,
        metavar="W:PERFORMER:LOAD[:LOT[:ROUNDS]]",
        help="A weapon, its performer and its load (empty, dummies or blanks), optionally "
        "the lot and how many rounds (repeat for each weapon).",
    ),
]
DirectionOpt = Annotated[str | None, typer.Option(help="Direction of fire.")]
NearOpt = Annotated[
    list[Near] | None,
    typer.Option(
        "--near",
        parser=parse_near,
        metavar="WHO:DISTANCE[:line][:shielded][:remote][:eye][:hearing]",
        help="Someone near the line of fire and their distance from it (20ft, 6m, 610cm; "
        "a bare number is in the production's unit); 'line' if "
        "they are in it, 'remote' for a remotely operated camera, 'eye'/'hearing' for "
        "protection worn (repeat for each).",
    ),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option(help="For a rehearsal: why a functional weapon is needed (PLAN-REHEARSAL)."),
]
SignoffOpt = Annotated[
    bool,
    typer.Option(
        "--signoff",
        help="You (--as, the handler) sign the setup off; needed for pointing a weapon "
        "toward a person (PLAN-POINTING).",
    ),
]


def _plan_command(event_type: str, done: str, doc: str) -> Callable[..., None]:
    """``setup plan`` and ``setup change``: the same options, one event type each."""

    def command(
        ctx: typer.Context,
        setup: SetupArg,
        *,
        as_: ActAs,
        file: FileOpt = None,
        scene: SceneOpt = None,
        kind: KindOpt = None,
        weapon: WeaponOpt = None,
        direction: DirectionOpt = None,
        near: NearOpt = None,
        functional_reason: ReasonOpt = None,
        signoff: SignoffOpt = False,
    ) -> None:
        fields = {"scene": scene, "kind": kind, "direction": direction,
                  "functional_reason": functional_reason}  # fmt: skip
        plan = _plan(
            setup=setup, file=file, fields=fields, weapons=weapon, near=near,
            signoff_by=as_ if signoff else None,
            units=production_settings(ctx).units if near else DEFAULT_UNITS,
        )  # fmt: skip
        act(ctx, event_type, f"setup {setup} {done}", actor=as_, **plan)

    command.__doc__ = doc
    return command


setup_app.command("plan")(
    _plan_command(
        "SetupPlanned",
        "planned",
        """Schedule a setup that declares every weapon's use (PLAN-SETUP).

    A weapon leaves storage only for a setup that plans it. Blanks need everyone
    beyond the minimum distance (PLAN-DISTANCE); pointing toward a person needs an
    empty or dummy load, a shield or remote camera and the handler's sign-off
    (PLAN-POINTING).

    Example: showclear setup plan 12A --scene 'Saloon standoff' --kind take \\
    --weapon colt-1:ana:blanks:B-1:2 --direction 'north, away from camera' \\
    --near 'camera A:900:eye:hearing' --as lee
    """,
    )
)
setup_app.command("change")(
    _plan_command(
        "SetupChanged",
        "changed",
        """Restate a setup's whole plan; a new load, performer or direction needs a new safety
    meeting (PLAN-MEETING).

    Example: showclear setup change 12A --file setup-12A.yaml --as lee
    """,
    )
)


@setup_app.command("complete")
def setup_complete(ctx: typer.Context, setup: SetupArg, as_: ActAs) -> None:
    """Call cut on a setup: every performer must have returned their weapon (CUS-RETURN).

    Example: showclear setup complete 12A --as lee
    """
    act(ctx, "SetupCompleted", f"setup {setup} completed", actor=as_, setup=setup)


def meeting(
    ctx: typer.Context,
    setup: Annotated[
        list[str], typer.Argument(metavar="SETUP...", help="The setups the meeting covers.")
    ],
    attendee: Annotated[
        list[str],
        typer.Option(
            "--attendee",
            metavar="PERSON[,PERSON...]",
            help="Who attended (repeat, or separate with commas). Each confirms with their "
            "own PIN: $SHOWCLEAR_PIN_<PERSON> or a hidden prompt; Enter declines.",
        ),
    ],
    as_: ActAs,
    visitors: Annotated[
        list[str] | None,
        typer.Option(
            "--visitor",
            metavar="NAME[:COMPANY]",
            help="Someone present with no account (repeat): recorded by name, confirming nothing.",
        ),
    ] = None,
) -> None:
    """Record a safety meeting for setups, each attendee confirming with their own PIN.

    Needed before the day's first use and again after any change of load,
    performers or direction (PLAN-MEETING). An attendee who declines the prompt is
    recorded as present but not confirming.

    Example: showclear meeting 12A 14 --attendee mo,ana,lee,sam --visitor "Sam Reed:Acme" --as sam
    """
    attendees = [{"person": p} for p in split_ids(attendee)]
    present = [_visitor(v) for v in visitors or []]
    act(ctx, "SafetyMeetingHeld", f"safety meeting for {', '.join(setup)}", actor=as_,
        setups=split_ids(setup), attendees=attendees,
        **({"visitors": present} if present else {}))  # fmt: skip


def _visitor(text: str) -> dict[str, str]:
    """``NAME[:COMPANY]`` as a meeting's visitor."""
    name, _, company = (part.strip() for part in text.partition(":"))
    return {"name": name, "company": company} if company else {"name": name}


def register(app: typer.Typer) -> None:
    app.add_typer(setup_app, name="setup")
    app.command("meeting")(meeting)
