"""Incidents, concerns, overrides and policy: ``incident``, ``found-live``, ``review``,
``concern raise|answer``, ``override``, ``policy set``; and an incident's file:
``incident-narrative``, ``incident-statement``, ``incident-photo``, ``incident-injury``,
``incident-notify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from showclear.cli.acting import act
from showclear.cli.context import ExitCode, err_console
from showclear.cli.documents import DocumentFile, store_document
from showclear.cli.identity import AS_HELP, ActAs
from showclear.cli.parse import PolicySetting, parse_policy_setting
from showclear.protocol.catalogue.fields import IncidentKind, ReviewRole
from showclear.protocol.catalogue.incidents import NotifiedParty

__all__ = ["register"]

concern_app = typer.Typer(
    help="Safety concerns: anyone raises one (optionally anonymous); the safety "
    "coordinator or a producer answers in writing.\n\n"
    "Example: showclear concern raise --text 'Nobody is watching the cart' --stop-work --as kim",
    no_args_is_help=True,
)
policy_app = typer.Typer(
    help="The production's policy: the catalog's figures, made stricter (or looser, by the "
    "safety coordinator only).\n\n"
    "Example: showclear policy set blank_min_distance_cm=900 --reason 'wide lens' --as sam",
    no_args_is_help=True,
)

WeaponOpt = Annotated[str | None, typer.Option(metavar="WEAPON", help="The weapon involved.")]
LotOpt = Annotated[str | None, typer.Option(metavar="LOT", help="The lot involved.")]


def incident(
    ctx: typer.Context,
    kind: Annotated[IncidentKind, typer.Argument(help="What happened.")],
    *,
    description: Annotated[str, typer.Option(help="What happened, in plain words.")],
    as_: ActAs,
    weapon: WeaponOpt = None,
    lot: LotOpt = None,
) -> None:
    """Report an incident; the production goes into cease-fire until it is reviewed.

    Nothing leaves storage until the safety coordinator and a producer each record
    a review (INC-CEASEFIRE). Returning weapons to storage stays allowed.

    Example: showclear incident injury --description 'Powder burn on the grip hand' \\
    --weapon colt-1 --as lee
    """
    act(
        ctx,
        "IncidentReported",
        f"incident ({kind.replace('_', ' ')})",
        actor=as_,
        kind=kind,
        description=description,
        weapon=weapon,
        lot=lot,
    )


def found_live(
    ctx: typer.Context,
    *,
    count: Annotated[int, typer.Option(min=1, help="How many live rounds.")],
    where: Annotated[str, typer.Option(help="Where they were found.")],
    as_: ActAs,
    weapon: WeaponOpt = None,
    lot: LotOpt = None,
) -> None:
    """Report live rounds found on set: always recorded, and a cease-fire (AMMO-NO-LIVE).

    Example: showclear found-live --count 1 --where 'in the box labelled D-1' --lot D-1 --as mo
    """
    act(
        ctx,
        "LiveRoundsFound",
        f"{count} live round(s) found",
        actor=as_,
        count=count,
        where=where,
        weapon=weapon,
        lot=lot,
    )


def review(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="INCIDENT", min=1, help="The incident number.")],
    role: Annotated[ReviewRole, typer.Option(help="The role you review in.")],
    findings: Annotated[str, typer.Option(help="What the review found and what changes.")],
    as_: ActAs,
) -> None:
    """Record your review of an incident, as safety coordinator or producer.

    The cease-fire ends when both have reviewed, as two different people (INC-CEASEFIRE).

    Example: showclear review 1 --role safety_coordinator \\
    --findings 'Round was a dud; lot quarantined' --as sam
    """
    act(
        ctx,
        "ReviewRecorded",
        f"review of incident {number}",
        actor=as_,
        incident=number,
        role=role,
        findings=findings,
    )


IncidentArg = Annotated[int, typer.Argument(metavar="INCIDENT", min=1, help="The incident number.")]


def incident_narrative(
    ctx: typer.Context,
    number: IncidentArg,
    *,
    narrative: Annotated[str, typer.Option(help="What happened, in order, in plain words.")],
    as_: ActAs,
) -> None:
    """Add a narrative to an incident's file; the incident report prints it.

    Example: showclear incident-narrative 1 --narrative 'At 10:12 on take 3 colt-1 \
    clicked on chamber 3; Jack froze and held it up' --as sam
    """
    act(
        ctx,
        "IncidentNarrativeAdded",
        f"narrative of incident {number}",
        actor=as_,
        incident=number,
        narrative=narrative,
    )


def incident_statement(
    ctx: typer.Context,
    number: IncidentArg,
    *,
    witness: Annotated[
        str, typer.Option(help="Who gives the statement: a person's id or a visitor's name.")
    ],
    statement: Annotated[str, typer.Option(help="The statement, in the witness's words.")],
    as_: ActAs,
    document_file: DocumentFile = None,
) -> None:
    """Add a witness statement to an incident's file, optionally with its signed scan.

    Example: showclear incident-statement 1 --witness jack \
    --statement 'I heard a click, no bang; I froze' --document statement.pdf --as sam
    """
    document = store_document(ctx, document_file)
    act(
        ctx,
        "IncidentStatementAdded",
        f"statement on incident {number}",
        actor=as_,
        incident=number,
        witness=witness,
        statement=statement,
        document_sha256=document,
    )


def incident_photo(
    ctx: typer.Context,
    number: IncidentArg,
    *,
    document_file: Annotated[
        Path,
        typer.Option(
            "--photo",
            metavar="FILE",
            dir_okay=False,
            help="The photo (JPEG, PNG or GIF): kept beside the database, its SHA-256 "
            "recorded in the entry (document_sha256).",
        ),
    ],
    caption: Annotated[str, typer.Option(help="What the photo shows, where and when.")],
    as_: ActAs,
) -> None:
    """Add a photo to an incident's file; the incident report shows it.

    Example: showclear incident-photo 1 --photo cart.jpg \
    --caption 'colt-1 on the cart after the misfire' --as sam
    """
    document = store_document(ctx, document_file)
    act(
        ctx,
        "IncidentPhotoAdded",
        f"photo for incident {number}",
        actor=as_,
        incident=number,
        document_sha256=document,
        caption=caption,
    )


def incident_injury(
    ctx: typer.Context,
    number: IncidentArg,
    *,
    person: Annotated[str, typer.Option(help="Who was hurt: a person's id or a name.")],
    injury: Annotated[str, typer.Option(help="The injury, in plain words.")],
    as_: ActAs,
    treatment: Annotated[
        str | None, typer.Option(help="First aid or care given, and by whom.")
    ] = None,
) -> None:
    """Record an injury an incident caused, and the care given.

    Example: showclear incident-injury 1 --person jack --injury 'powder burn, left hand' \
    --treatment 'dressed by the set medic' --as sam
    """
    act(
        ctx,
        "IncidentInjuryRecorded",
        f"injury in incident {number}",
        actor=as_,
        incident=number,
        person=person,
        injury=injury,
        treatment=treatment,
    )


def incident_notify(
    ctx: typer.Context,
    number: IncidentArg,
    *,
    to: Annotated[NotifiedParty, typer.Option(help="Whom the incident was reported to.")],
    as_: ActAs,
    made_at: Annotated[
        str | None,
        typer.Option("--when", metavar="TIME", help="When it was made (RFC 3339), if not now."),
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="Who received it: a name, an office, a phone.")
    ] = None,
    reference: Annotated[
        str | None, typer.Option(help="Their case, claim or report number.")
    ] = None,
) -> None:
    """Record that an incident was reported to OSHA, the police, the insurer or a union
    (safety coordinator or producer).

    Example: showclear incident-notify 1 --to insurer --contact 'claims desk' \
    --reference CLM-2211 --as sam
    """
    act(
        ctx,
        "IncidentNotificationMade",
        f"notification of incident {number}",
        actor=as_,
        incident=number,
        to=to,
        made_at=made_at,
        contact=contact,
        reference=reference,
    )


@concern_app.command("raise")
def concern_raise(
    ctx: typer.Context,
    text: Annotated[str, typer.Option(help="The concern, in plain words.")],
    as_: Annotated[
        str | None,
        typer.Option("--as", metavar="PERSON", help=AS_HELP + " Leave out with --anonymous."),
    ] = None,
    anonymous: Annotated[bool, typer.Option(help="Record nobody's name; no PIN is asked.")] = False,
    stop_work: Annotated[
        bool, typer.Option(help="Stop work: a cease-fire until the concern is answered.")
    ] = False,
) -> None:
    """Raise a safety concern; unanswered after 24 hours (default) it goes to the producers.

    With --stop-work, nothing leaves storage until it is answered (INC-CONCERN).

    Example: showclear concern raise --text 'The cart was left alone at lunch' \\
    --anonymous --stop-work
    """
    if anonymous == (as_ is not None):
        err_console.print(
            "[bold red]Error:[/] give --as PERSON, or --anonymous to raise the concern "
            "without a name (not both)."
        )
        raise typer.Exit(ExitCode.USAGE)
    what = "safety concern" + (" (stop work)" if stop_work else "")
    act(ctx, "ConcernRaised", what, actor=as_, text=text, anonymous=anonymous, stop_work=stop_work)


@concern_app.command("answer")
def concern_answer(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="CONCERN", min=1, help="The concern number.")],
    answer: Annotated[str, typer.Option(help="The written answer.")],
    as_: ActAs,
) -> None:
    """Answer a concern in writing (safety coordinator or producer); ends its stop-work.

    Example: showclear concern answer 1 --answer 'A second handler now guards the cart' --as sam
    """
    act(
        ctx,
        "ConcernAnswered",
        f"answer to concern {number}",
        actor=as_,
        concern=number,
        answer=answer,
    )


def override(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(metavar="RULE", help="The rule id, e.g. CUS-SECURED.")],
    *,
    reason: Annotated[str, typer.Option(help="The written reason (required).")],
    as_: ActAs,
    weapon: WeaponOpt = None,
    setup: Annotated[
        str | None, typer.Option(metavar="SETUP", help="Limit it to one setup.")
    ] = None,
) -> None:
    """Grant a one-time override of an overridable rule (safety coordinator only).

    Only CUS-SECURED, PLAN-REHEARSAL and PLAN-DISTANCE can be overridden; the
    override is used by the next command it lifts and shows in every report
    (INC-OVERRIDE).

    Example: showclear override PLAN-DISTANCE --setup 14 \\
    --reason 'close-range load with shield, per SB1' --as sam
    """
    act(
        ctx,
        "OverrideGranted",
        f"override of {rule}",
        actor=as_,
        rule=rule,
        reason=reason,
        weapon=weapon,
        setup=setup,
    )


@policy_app.command("set")
def policy_set(
    ctx: typer.Context,
    setting: Annotated[
        list[PolicySetting],
        typer.Argument(
            parser=parse_policy_setting,
            metavar="KEY=VALUE...",
            help="blank_min_distance_cm, show_clear_validity_minutes, "
            "concern_escalation_hours (whole numbers), rehearsal_functional_weapon, "
            "sole_duty (warn or block), jurisdiction (an ISO 3166 code such as US-CA: "
            "sets the defaults its law requires), passkeys_for_performer_handovers (off or "
            "block: a handover to a performer needs the giver's and the performer's passkeys).",
        ),
    ],
    as_: ActAs,
    reason: Annotated[str | None, typer.Option(help="Why the policy changes.")] = None,
) -> None:
    """Change the production's policy; each change is a ledger entry (POLICY-CHANGE).

    A producer or the safety coordinator makes it stricter; only the safety
    coordinator makes it looser.

    Example: showclear policy set sole_duty=block show_clear_validity_minutes=5 --as sam
    """
    changes = {s.key: s.value for s in setting}
    act(ctx, "PolicyChanged", "policy change", actor=as_, changes=changes, reason=reason)


def register(app: typer.Typer) -> None:
    app.command("incident")(incident)
    app.command("found-live")(found_live)
    app.command("review")(review)
    app.command("incident-narrative")(incident_narrative)
    app.command("incident-statement")(incident_statement)
    app.command("incident-photo")(incident_photo)
    app.command("incident-injury")(incident_injury)
    app.command("incident-notify")(incident_notify)
    app.add_typer(concern_app, name="concern")
    app.command("override")(override)
    app.add_typer(policy_app, name="policy")
