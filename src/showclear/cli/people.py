"""People, PINs and storage: ``person add|training|permit``, ``pin set``, ``storage add``."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.acting import act, propose
from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.cli.identity import AS_HELP, ActAs, actor_pin, credentials, new_pin
from showclear.cli.parse import Permit, Role, parse_permit
from showclear.cli.render import outcome
from showclear.service.auth import MIN_SECRET_LENGTH
from showclear.service.commands import Receipt
from showclear.service.known import check_decidable


class CredentialKind(StrEnum):
    """The kinds of credential a reset can concern."""

    pin = "pin"
    passkey = "passkey"


__all__ = ["register"]

person_app = typer.Typer(
    help="Register people, their training and permits.\n\n"
    "Example: showclear person add ana --name 'Ana Reyes' --role performer --training revolver "
    "--as sam",
    no_args_is_help=True,
)
pin_app = typer.Typer(
    help="Change your own PIN; reset someone else's only with two approvals (ID-RESET).\n\n"
    "Example: showclear pin set ana",
    no_args_is_help=True,
)
storage_app = typer.Typer(
    help="Storage locations for weapons and rounds.\n\n"
    "Example: showclear storage add safe-1 --name 'Truck safe' --lockable --as mo",
    no_args_is_help=True,
)

PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="The person's id, e.g. ana.")]
PermitOpt = Annotated[
    list[Permit] | None,
    typer.Option(
        "--permit",
        parser=parse_permit,
        metavar="KIND:NUMBER:EXPIRES",
        help="A permit or qualification with its expiry date (repeat for several).",
    ),
]
TrainingOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--training",
        metavar="ACTION",
        help="A kind of weapon the person is trained for, e.g. revolver (repeat for several).",
    ),
]


def _check_pin(person: str, pin: str) -> None:
    if len("".join(pin.split())) < MIN_SECRET_LENGTH:
        err_console.print(
            f"[bold red]Error:[/] the PIN for {escape(person)} needs at least "
            f"{MIN_SECRET_LENGTH} characters that are not spaces."
        )
        raise typer.Exit(ExitCode.USAGE)


def _enrolled(receipt: Receipt, person: str, done: str) -> None:
    """Print what became of a PIN set: done, or refused by ID-RESET (exit 4)."""
    if receipt.refused:
        for finding in receipt.findings:
            err_console.print(
                f"[bold red]Refused by {finding.rule_id}:[/] {escape(finding.message)} "
                f"{escape(finding.remedy)}"
            )
        err_console.print(f"The attempt is recorded as entry {receipt.first_index}.")
        raise typer.Exit(ExitCode.REFUSED)
    out_console.print(
        f"{done} (entry {receipt.first_index}); every sign-in of {escape(person)} has ended."
    )


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    person: PersonArg,
    *,
    name: Annotated[str, typer.Option(help="Full name, as on the call sheet.")],
    role: Annotated[
        list[Role], typer.Option(help="A role on the production (repeat for several).")
    ],
    training: TrainingOpt = None,
    permit: PermitOpt = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="PERSON",
            help=AS_HELP + " Leave out only for the production's first person "
            "(a producer or the safety coordinator), who registers themselves.",
        ),
    ] = None,
) -> None:
    """Register a person with their roles, training and permits, and set their PIN.

    The new person types their PIN twice at a hidden prompt (or it is read from
    $SHOWCLEAR_PIN_<PERSON> in scripts); only its argon2 hash is stored.

    Example: showclear person add mo --name 'Mo Diaz' --role armorer \\
    --permit ca-armorer:A-1:2027-06-30 --as sam
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()
    event = propose(
        "PersonRegistered",
        as_,
        person=person,
        name=name,
        roles=[str(r) for r in role],
        trainings=list(dict.fromkeys(training or [])),
        permits=[p.to_event() for p in permit or []],
    )
    # An input error (an id already registered) before anyone types a PIN (service/known.py).
    check_decidable(app, app.projection(slug), event, as_)
    pin = new_pin(person)
    _check_pin(person, pin)
    # One transaction: a person is never left registered without the PIN to act with.
    registered, enrolled = app.register_person(slug, event, credentials(as_), pin)
    outcome(registered, f"{person} ({name}) registered")
    if enrolled is not None:
        _enrolled(enrolled, person, f"PIN set for {escape(person)}")


@person_app.command("training")
def person_training(
    ctx: typer.Context,
    person: PersonArg,
    training: Annotated[
        list[str],
        typer.Option("--training", metavar="ACTION", help="The kind of weapon, e.g. revolver."),
    ],
    as_: ActAs,
) -> None:
    """Record that a person completed training for a kind of weapon (PLAN-TRAINED).

    Example: showclear person training ana --training revolver --as mo
    """
    for kind in dict.fromkeys(training):
        act(
            ctx,
            "TrainingRecorded",
            f"{person} trained for {kind}",
            actor=as_,
            person=person,
            kind=kind,
        )


@person_app.command("permit")
def person_permit(
    ctx: typer.Context,
    person: PersonArg,
    permit: Annotated[
        list[Permit],
        typer.Option(
            parser=parse_permit, metavar="KIND:NUMBER:EXPIRES", help="The permit and its expiry."
        ),
    ],
    as_: ActAs,
) -> None:
    """Record a handler's permit or qualification and its expiry date (PLAN-PERMIT).

    Example: showclear person permit mo --permit ca-armorer:A-1234:2027-06-30 --as sam
    """
    for one in permit:
        act(
            ctx,
            "PermitRecorded",
            f"permit {one.kind} of {person}",
            actor=as_,
            person=person,
            permit=one.to_event(),
        )


@pin_app.command("set")
def pin_set(
    ctx: typer.Context,
    person: PersonArg,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="PERSON",
            help="Who sets it, when it is not the person themselves: one of the two who "
            "approved a reset (showclear pin approve-reset). Their own PIN is asked.",
        ),
    ] = None,
) -> None:
    """Set a PIN: your own with your current one; someone else's only after a reset.

    Your own: type the current PIN at a hidden prompt, then the new one twice. Someone else's
    (forgotten or compromised): the safety coordinator and a producer each approve a
    reset first (showclear pin approve-reset), then one of them sets it with --as. Without
    that, the attempt is refused by ID-RESET and recorded. The PIN set is a ledger entry
    (never the PIN itself), and every session and token of the person ends.

    For scripts, the acting person's PIN is read from $SHOWCLEAR_PIN_<PERSON> (or
    $SHOWCLEAR_PIN) and the new one from $SHOWCLEAR_NEW_PIN. Only argon2 hashes are
    stored.

    Example: showclear pin set ana
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()
    actor = as_ or person
    app.authenticate(slug, actor, actor_pin(actor))
    pin = os.environ.get("SHOWCLEAR_NEW_PIN") or new_pin(person, env=False)
    _check_pin(person, pin)
    receipt = app.enrol_pin(slug, person, pin, actor=actor)
    _enrolled(receipt, person, f"PIN changed for {escape(person)}")


@pin_app.command("approve-reset")
def pin_approve_reset(
    ctx: typer.Context,
    person: PersonArg,
    as_: ActAs,
    kind: Annotated[
        CredentialKind, typer.Option(help="The credential to reset.")
    ] = CredentialKind.pin,
    reason: Annotated[
        str | None, typer.Option(help="Why, e.g. 'forgot their PIN' or 'PIN seen by others'.")
    ] = None,
) -> None:
    """Approve a reset of someone else's PIN; the safety coordinator and a producer must both.

    With the second approval (by the other role, another person) the old PIN stops
    working and every session and token of the person ends; then one of the two sets
    the new PIN with showclear pin set PERSON --as APPROVER (ID-RESET). With --kind
    passkey, the two approve revoking the person's passkey; then one of them revokes it
    with showclear passkey revoke PERSON CREDENTIAL --as APPROVER.

    Example: showclear pin approve-reset ana --reason 'forgot their PIN' --as sam
    """
    act(
        ctx,
        "CredentialResetApproved",
        f"reset of {person}'s PIN approved",
        actor=as_,
        person=person,
        kind=str(kind),
        reason=reason,
    )


@storage_app.command("add")
def storage_add(
    ctx: typer.Context,
    storage: Annotated[str, typer.Argument(metavar="STORAGE", help="Its id, e.g. safe-1.")],
    name: Annotated[str, typer.Option(help="What people call it, e.g. 'Truck 2 gun safe'.")],
    lockable: Annotated[
        bool,
        typer.Option(
            "--lockable/--not-lockable",
            help="Whether it locks; weapons may only be kept where it does (CUS-SECURED).",
        ),
    ],
    as_: ActAs,
) -> None:
    """Add a storage location for weapons and rounds.

    Example: showclear storage add safe-1 --name 'Truck 2 gun safe' --lockable --as mo
    """
    act(
        ctx,
        "StorageAdded",
        f"storage {storage} ({name})",
        actor=as_,
        storage=storage,
        name=name,
        lockable=lockable,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(person_app, name="person")
    app.add_typer(pin_app, name="pin")
    app.add_typer(storage_app, name="storage")
