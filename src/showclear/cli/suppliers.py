"""The production's supplier list: ``supplier add``, ``supplier approve`` (AMMO-SOURCE)."""

from __future__ import annotations

from typing import Annotated

import typer

from showclear.cli.acting import act
from showclear.cli.documents import DocumentFile, store_document
from showclear.cli.identity import ActAs

__all__ = ["register"]

supplier_app = typer.Typer(
    help="The production's supplier list: a lot is received only from a supplier listed by "
    "the armorer or property master and approved by a producer (AMMO-SOURCE).\n\n"
    "Example: showclear supplier add western-props --name 'Western Props Ltd' "
    "--licence 'FFL 9-12-345' --contact 'Jo Reyes, 505 555 0100' --as mo",
    no_args_is_help=True,
)

SupplierArg = Annotated[
    str, typer.Argument(metavar="SUPPLIER", help="The supplier's id, e.g. western-props.")
]


@supplier_app.command("add")
def supplier_add(
    ctx: typer.Context,
    supplier: SupplierArg,
    *,
    name: Annotated[str, typer.Option(help="The supplier's name, e.g. 'Western Props Ltd'.")],
    licence: Annotated[str, typer.Option(help="Its licence or registration number.")],
    contact: Annotated[str, typer.Option(help="How to reach it: a person, phone, address.")],
    as_: ActAs,
    document_file: DocumentFile = None,
) -> None:
    """Put a supplier on the production's supplier list (armorer or property master).

    Its lots can be received once a producer approves it (supplier approve). With
    --document FILE, a scan of its licence is kept and its SHA-256 is in the entry.

    Example: showclear supplier add western-props --name 'Western Props Ltd' \\
    --licence 'FFL 9-12-345' --contact 'Jo Reyes, 505 555 0100' --as mo
    """
    act(
        ctx,
        "SupplierListed",
        f"supplier {supplier} ({name}) listed",
        actor=as_,
        supplier=supplier,
        name=name,
        licence=licence,
        contact=contact,
        document_sha256=store_document(ctx, document_file),
    )


@supplier_app.command("approve")
def supplier_approve(ctx: typer.Context, supplier: SupplierArg, as_: ActAs) -> None:
    """Approve a listed supplier (a producer): its lots may then be received.

    Example: showclear supplier approve western-props --as pru
    """
    act(ctx, "SupplierApproved", f"supplier {supplier} approved", actor=as_, supplier=supplier)


def register(app: typer.Typer) -> None:
    app.add_typer(supplier_app, name="supplier")
