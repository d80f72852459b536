"""Inventory: ``receive weapon|lot``, ``verify-dummies``,
``lot return|destroy|reverify|missing``."""

from __future__ import annotations

from typing import Annotated

import typer

from showclear.cli.acting import act
from showclear.cli.documents import DocumentFile, store_document
from showclear.cli.identity import ActAs
from showclear.protocol.catalogue.fields import Category, DummyMethod, LotKind

__all__ = ["register"]

receive_app = typer.Typer(
    help="Receive weapons and lots of rounds into the production's inventory.\n\n"
    "Example: showclear receive lot D-1 --kind dummy --caliber '.45 Colt' --count 50 "
    "--supplier 'Prop House' --origin 'invoice 4471' --storage safe-1 --as mo",
    no_args_is_help=True,
)
lot_app = typer.Typer(
    help="Rounds leaving a lot: returned to the supplier, destroyed, or written off as "
    "missing.\n\nExample: showclear lot return B-1 --count 20 --reference 'RMA 88' --as mo",
    no_args_is_help=True,
)

StorageOpt = Annotated[
    str, typer.Option("--storage", metavar="STORAGE", help="The storage location it goes into.")
]
LotArg = Annotated[str, typer.Argument(metavar="LOT", help="The lot's id, e.g. D-1.")]
CountOpt = Annotated[int, typer.Option(min=1, help="How many rounds.")]
QuarantinedOpt = Annotated[
    bool,
    typer.Option(help="The rounds come from the lot's quarantine (misfired rounds)."),
]


@receive_app.command("weapon")
def receive_weapon(
    ctx: typer.Context,
    weapon: Annotated[str, typer.Argument(metavar="WEAPON", help="Its id, e.g. colt-1.")],
    *,
    serial: Annotated[str, typer.Option(help="The serial number stamped on it.")],
    make: Annotated[str, typer.Option(help="Maker, e.g. Colt.")],
    model: Annotated[str, typer.Option(help="Model, e.g. 'Single Action Army'.")],
    category: Annotated[Category, typer.Option(help="What it is.")],
    caliber: Annotated[str, typer.Option(help="Caliber, e.g. '.45 Colt'; 'none' for a replica.")],
    chambers: Annotated[int, typer.Option(min=0, help="Number of chambers (0 if none).")],
    action: Annotated[
        str, typer.Option(help="The kind of weapon performers train for: revolver, rifle, ...")
    ],
    storage: StorageOpt,
    as_: ActAs,
    personal: Annotated[
        bool, typer.Option(help="Someone's own weapon (always refused: CUS-INVENTORY).")
    ] = False,
    magazine_capacity: Annotated[
        int | None,
        typer.Option(min=1, help="It takes detachable magazines of this many rounds."),
    ] = None,
    received_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="WHO",
            help="Who it came from: the rental house, supplier or owner on its paperwork "
            "(the acquisition and disposition book's 'received from').",
        ),
    ] = None,
    document_file: DocumentFile = None,
) -> None:
    """Receive a weapon into the inventory, into a locked storage location.

    It is UNKNOWN until the handler's first show-clear inspection. With --from and
    --document FILE, the acquisition and disposition book (report book) names where it
    came from and the paperwork's SHA-256.

    Example: showclear receive weapon colt-1 --serial SA-19921 --make Colt \\
    --model 'Single Action Army' --category blank_firing --caliber '.45 Colt' \\
    --chambers 6 --action revolver --storage safe-1 --as mo
    """
    document = store_document(ctx, document_file)
    act(
        ctx,
        "WeaponReceived",
        f"weapon {weapon} received into {storage}",
        actor=as_,
        weapon=weapon,
        serial=serial,
        make=make,
        model=model,
        category=category,
        caliber=caliber,
        chambers=chambers,
        action=action,
        storage=storage,
        personal=personal,
        magazine_capacity=magazine_capacity,
        received_from=received_from,
        document_sha256=document,
    )


@receive_app.command("lot")
def receive_lot(
    ctx: typer.Context,
    lot: LotArg,
    *,
    kind: Annotated[LotKind, typer.Option(help="dummy or blank (live is always refused).")],
    caliber: Annotated[str, typer.Option(help="Caliber, e.g. '.45 Colt'.")],
    storage: StorageOpt,
    as_: ActAs,
    count: Annotated[
        int | None, typer.Option(min=0, help="Rounds received (required: AMMO-SOURCE).")
    ] = None,
    supplier: Annotated[
        str | None, typer.Option(help="Who supplied them (required: AMMO-SOURCE).")
    ] = None,
    origin: Annotated[
        str | None,
        typer.Option(help="The documented origin, e.g. an invoice (required: AMMO-SOURCE)."),
    ] = None,
    load: Annotated[
        str | None, typer.Option(help="Load size of blanks, e.g. quarter, half, full.")
    ] = None,
    close_range: Annotated[
        bool, typer.Option(help="A specialty close-range blank load (PLAN-DISTANCE).")
    ] = False,
    personal: Annotated[
        bool, typer.Option(help="Someone's own ammunition (always refused: AMMO-SOURCE).")
    ] = False,
    document_file: DocumentFile = None,
) -> None:
    """Receive a lot of dummy or blank rounds, with its supplier, origin and count.

    The supplier (its id or name) must be on the production's supplier list, approved by
    a producer (supplier add, supplier approve); the origin is the document that names
    the count (invoice, packing slip, transfer document), never "unknown", "-" or
    "loose". Anything else, and personal ammunition, is refused (AMMO-SOURCE); live
    ammunition is always refused (AMMO-NO-LIVE). Dummies must then be verified round by
    round before any is loaded (verify-dummies). With --document FILE, a scan of the
    origin document is kept beside the database and its SHA-256 is in the entry.

    Example: showclear receive lot B-1 --kind blank --caliber '.45 Colt' --count 30 \\
    --load quarter --supplier 'Prop House' --origin 'invoice 4472' --storage safe-1 --as mo
    """
    act(
        ctx,
        "LotReceived",
        f"lot {lot} received into {storage}",
        actor=as_,
        lot=lot,
        kind=kind,
        caliber=caliber,
        count=count,
        supplier=supplier,
        origin=origin,
        storage=storage,
        load=load,
        close_range=True if close_range else None,
        personal=True if personal else None,
        document_sha256=store_document(ctx, document_file),
    )


def verify_dummies(
    ctx: typer.Context,
    lot: LotArg,
    count: Annotated[int, typer.Option(min=1, help="How many rounds were checked, one by one.")],
    method: Annotated[DummyMethod, typer.Option(help="How each round was shown to be inert.")],
    as_: ActAs,
) -> None:
    """Record dummy rounds verified inert, round by round (AMMO-DUMMY-VERIFIED).

    A lot can never supply more dummies than were verified.

    Example: showclear verify-dummies D-1 --count 50 --method rattle --as mo
    """
    act(
        ctx,
        "DummiesVerified",
        f"{count} dummies of lot {lot} verified by {method}",
        actor=as_,
        lot=lot,
        count=count,
        method=method,
    )


@lot_app.command("return")
def lot_return(
    ctx: typer.Context,
    lot: LotArg,
    *,
    count: CountOpt,
    reference: Annotated[str, typer.Option(help="The supplier's return reference.")],
    as_: ActAs,
    quarantined: QuarantinedOpt = False,
) -> None:
    """Record rounds from storage (or, with --quarantined, from the lot's quarantine)
    returned to the supplier (AMMO-COUNT, AMMO-SUSPECT).

    Example: showclear lot return B-1 --count 20 --reference 'RMA 88' --as mo
    """
    act(
        ctx,
        "RoundsReturnedToSupplier",
        f"{count} rounds of lot {lot} returned to the supplier",
        actor=as_,
        lot=lot,
        count=count,
        reference=reference,
        quarantined=True if quarantined else None,
    )


@lot_app.command("destroy")
def lot_destroy(
    ctx: typer.Context,
    lot: LotArg,
    *,
    count: CountOpt,
    method: Annotated[str, typer.Option(help="How they were destroyed.")],
    as_: ActAs,
    quarantined: QuarantinedOpt = False,
) -> None:
    """Record rounds from storage (or, with --quarantined, from the lot's quarantine)
    destroyed (AMMO-COUNT, AMMO-SUSPECT).

    Example: showclear lot destroy D-1 --count 2 --method 'crushed, witnessed by sam' --as mo
    """
    act(
        ctx,
        "RoundsDestroyed",
        f"{count} rounds of lot {lot} destroyed",
        actor=as_,
        lot=lot,
        count=count,
        method=method,
        quarantined=True if quarantined else None,
    )


@lot_app.command("reverify")
def lot_reverify(
    ctx: typer.Context,
    lot: LotArg,
    count: Annotated[
        int, typer.Option(min=1, help="Rounds checked one by one: every round in storage.")
    ],
    method: Annotated[DummyMethod, typer.Option(help="How each round was shown to be inert.")],
    as_: ActAs,
) -> None:
    """Record every remaining round of a suspect dummy lot re-verified inert (AMMO-SUSPECT).

    Only once its rounds are unloaded and its incident reviewed; the lot then supplies
    rounds again. A lot where a live round was found is returned or destroyed instead.

    Example: showclear lot reverify D-1 --count 44 --method rattle --as mo
    """
    act(
        ctx,
        "LotReverified",
        f"all {count} rounds of suspect lot {lot} re-verified by {method}",
        actor=as_,
        lot=lot,
        count=count,
        method=method,
    )


@lot_app.command("missing")
def lot_missing(
    ctx: typer.Context,
    lot: LotArg,
    *,
    count: CountOpt,
    incident: Annotated[int, typer.Option(min=1, help="The round-count incident it follows.")],
    reason: Annotated[str, typer.Option(help="What the search found.")],
    as_: ActAs,
) -> None:
    """Write off rounds not found after a reviewed round-count incident (safety coordinator).

    Example: showclear lot missing D-1 --count 1 --incident 2 \\
    --reason 'not found after a full search' --as sam
    """
    act(
        ctx,
        "RoundsMissingRecorded",
        f"{count} rounds of lot {lot} written off as missing",
        actor=as_,
        lot=lot,
        count=count,
        incident=incident,
        reason=reason,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(receive_app, name="receive")
    app.command("verify-dummies")(verify_dummies)
    app.add_typer(lot_app, name="lot")
