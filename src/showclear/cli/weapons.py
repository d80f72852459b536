"""The inventory's edges and magazines: surrender, release, correct, and magazine acts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

from showclear.cli.acting import act
from showclear.cli.documents import ReleaseDocumentFile, store_document
from showclear.cli.identity import ActAs
from showclear.cli.inventory import receive_app

__all__ = ["ShownMagazine", "parse_shown_magazine", "register"]

release_app = typer.Typer(
    help="A weapon or a lot leaves the inventory: back to its rental house or owner, or out "
    "for repair (CUS-INVENTORY).\n\n"
    "Example: showclear release weapon colt-1 --reason repair --to 'Cole Gunsmiths' "
    "--document 'job card 4471' --as mo",
    no_args_is_help=True,
)
magazine_app = typer.Typer(
    help="Magazines of a weapon you hold: load, unload, seat, remove (handler on duty).\n\n"
    "Example: showclear magazine load g17-1 g17-1-m1 --lot D-9 --count 15 --as mo",
    no_args_is_help=True,
)

WeaponArg = Annotated[str, typer.Argument(metavar="WEAPON", help="The weapon's id, e.g. g17-1.")]
MagazineArg = Annotated[
    str, typer.Argument(metavar="MAGAZINE", help="The magazine's id, e.g. g17-1-m1.")
]


class Reason(StrEnum):
    """Why an item leaves the inventory."""

    RENTAL_RETURN = "rental_return"
    OWNER_RETURN = "owner_return"
    REPAIR = "repair"


class Kind(StrEnum):
    """What kind of item a correction is about."""

    WEAPON = "weapon"
    LOT = "lot"


ReasonOpt = Annotated[Reason, typer.Option(help="rental_return, owner_return or repair.")]
ToOpt = Annotated[
    str, typer.Option("--to", help="Who receives it: the rental house, owner or repairer.")
]
DocumentOpt = Annotated[str, typer.Option(help="The document of the release, e.g. 'slip 88'.")]


@dataclass(frozen=True)
class ShownMagazine:
    """A magazine shown at a show-clear: ``MAG=LOT:N,LOT:N`` (``MAG=`` when empty)."""

    magazine: str
    rounds: dict[str, int]

    def to_event(self) -> dict[str, object]:
        return {"magazine": self.magazine, "rounds": dict(self.rounds)}


def parse_shown_magazine(text: str) -> ShownMagazine:
    """``g17-1-m1=D-1:15`` -> magazine g17-1-m1 holding 15 rounds of lot D-1."""
    magazine, sep, rest = text.partition("=")
    rounds: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        lot, colon, count = part.partition(":")
        if not colon or not lot.strip() or not count.strip().isdigit():
            magazine = ""
            break
        rounds[lot.strip()] = rounds.get(lot.strip(), 0) + int(count)
    if not sep or not magazine.strip():
        raise typer.BadParameter(
            f"{text!r}: write MAGAZINE=LOT:N[,LOT:N], e.g. g17-1-m1=D-1:15, or g17-1-m1= "
            "for an empty magazine"
        )
    return ShownMagazine(magazine.strip(), rounds)


def surrender(
    ctx: typer.Context,
    weapon: Annotated[
        str, typer.Argument(metavar="WEAPON", help="An id for its label, e.g. personal-1.")
    ],
    *,
    description: Annotated[str, typer.Option(help="What it is, as seen: make, model, kind.")],
    storage: Annotated[str, typer.Option(metavar="STORAGE", help="The lockable storage.")],
    as_: ActAs,
    serial: Annotated[str, typer.Option(help="Its serial number, if it has one.")] = "",
    surrendered_by: Annotated[
        str | None,
        typer.Option("--by", metavar="NAME", help="Who surrendered it: its owner, if known."),
    ] = None,
) -> None:
    """Record a personal weapon found on set, surrendered to you and locked away.

    Nobody uses it: every take-out, load, inspection, handover or plan with it is
    refused (CUS-INVENTORY) until it is released to its owner (release weapon
    --reason owner_return).

    Example: showclear surrender personal-1 --description 'Glock 19, black' \\
    --serial BXR-114 --by 'Jo Reyes' --storage safe-1 --as mo
    """
    act(
        ctx,
        "WeaponSurrendered",
        f"personal weapon {weapon} surrendered and locked in {storage}",
        actor=as_,
        weapon=weapon,
        description=description,
        serial=serial,
        surrendered_by=surrendered_by,
        storage=storage,
    )


@release_app.command("weapon")
def release_weapon(
    ctx: typer.Context,
    weapon: WeaponArg,
    *,
    reason: ReasonOpt,
    to: ToOpt,
    document: DocumentOpt,
    as_: ActAs,
    document_file: ReleaseDocumentFile = None,
) -> None:
    """Release a weapon in storage out of the inventory, with the receiving party and document.

    It comes back by a new receipt (receive weapon) under the same id.

    Example: showclear release weapon colt-1 --reason repair --to 'Cole Gunsmiths' \\
    --document 'job card 4471' --as mo
    """
    act(
        ctx,
        "WeaponReleased",
        f"{weapon} released to {to}",
        actor=as_,
        weapon=weapon,
        reason=reason.value,
        to=to,
        document=document,
        document_sha256=store_document(ctx, document_file),
    )


@release_app.command("lot")
def release_lot(
    ctx: typer.Context,
    lot: Annotated[str, typer.Argument(metavar="LOT", help="The lot's id, e.g. B-1.")],
    *,
    reason: ReasonOpt,
    to: ToOpt,
    document: DocumentOpt,
    count: Annotated[int, typer.Option(min=0, help="Every round of the lot left in storage.")],
    as_: ActAs,
    document_file: ReleaseDocumentFile = None,
) -> None:
    """Release a lot out of the inventory with every round it has left in storage.

    Example: showclear release lot B-1 --reason rental_return --to 'Blanks Ltd' \\
    --document 'return slip 88 (44 rounds)' --count 44 --as mo
    """
    act(
        ctx,
        "LotReleased",
        f"lot {lot} released to {to}",
        actor=as_,
        lot=lot,
        reason=reason.value,
        to=to,
        document=document,
        count=count,
        document_sha256=store_document(ctx, document_file),
    )


def correct(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help="weapon or lot.")],
    item: Annotated[str, typer.Argument(metavar="ITEM", help="Its id, e.g. colt-1.")],
    *,
    field: Annotated[str, typer.Option(help="The fact: serial, make, model, caliber, ...")],
    old: Annotated[str, typer.Option(help="The value recorded until now.")],
    new: Annotated[str, typer.Option(help="The correct value.")],
    entry: Annotated[
        int, typer.Option(min=0, help="The ledger index of the entry that recorded it wrong.")
    ],
    reason: Annotated[str, typer.Option(help="Why: how the mistake was found.")],
    as_: ActAs,
) -> None:
    """Correct a recorded fact about a weapon or lot; the original entry stays.

    Only facts about the item (serial, make, model, caliber, action; a lot's caliber,
    load, origin), never custody or confirmations.

    Example: showclear correct weapon colt-1 --field serial --old SA-19921 \\
    --new SA-19912 --entry 7 --reason 'digits swapped at receipt' --as mo
    """
    act(
        ctx,
        "FactCorrected",
        f"the {field} of {item} corrected",
        actor=as_,
        kind=kind.value,
        item=item,
        field=field,
        old=old,
        new=new,
        entry=entry,
        reason=reason,
    )


def receive_magazine(
    ctx: typer.Context,
    magazine: MagazineArg,
    *,
    weapon: Annotated[str, typer.Option(help="The weapon it is issued with.")],
    capacity: Annotated[int, typer.Option(min=1, help="Rounds it holds, e.g. 15.")],
    as_: ActAs,
) -> None:
    """Receive a magazine issued with a weapon that takes magazines (received empty).

    Example: showclear receive magazine g17-1-m1 --weapon g17-1 --capacity 15 --as mo
    """
    act(
        ctx,
        "MagazineReceived",
        f"magazine {magazine} received with {weapon}",
        actor=as_,
        magazine=magazine,
        weapon=weapon,
        capacity=capacity,
    )


@magazine_app.command("load")
def magazine_load(
    ctx: typer.Context,
    weapon: WeaponArg,
    magazine: MagazineArg,
    *,
    lot: Annotated[str, typer.Option(help="The lot the rounds come from.")],
    count: Annotated[int, typer.Option(min=1, help="How many rounds.")],
    as_: ActAs,
) -> None:
    """Load rounds of a lot into a magazine of a weapon you hold.

    Example: showclear magazine load g17-1 g17-1-m1 --lot D-9 --count 15 --as mo
    """
    act(
        ctx,
        "MagazineLoaded",
        f"magazine {magazine} loaded",
        actor=as_,
        weapon=weapon,
        magazine=magazine,
        lot=lot,
        count=count,
    )


@magazine_app.command("unload")
def magazine_unload(
    ctx: typer.Context,
    weapon: WeaponArg,
    magazine: MagazineArg,
    *,
    count: Annotated[int, typer.Option(min=1, help="How many rounds.")],
    as_: ActAs,
) -> None:
    """Unload rounds from a magazine, last loaded first; they go back to their lots.

    Example: showclear magazine unload g17-1 g17-1-m1 --count 15 --as mo
    """
    act(
        ctx,
        "MagazineUnloaded",
        f"magazine {magazine} unloaded",
        actor=as_,
        weapon=weapon,
        magazine=magazine,
        count=count,
    )


@magazine_app.command("seat")
def magazine_seat(ctx: typer.Context, weapon: WeaponArg, magazine: MagazineArg, as_: ActAs) -> None:
    """Seat a magazine in the magazine well of a weapon you hold.

    Example: showclear magazine seat g17-1 g17-1-m1 --as mo
    """
    act(
        ctx,
        "MagazineSeated",
        f"magazine {magazine} seated in {weapon}",
        actor=as_,
        weapon=weapon,
        magazine=magazine,
    )


@magazine_app.command("remove")
def magazine_remove(
    ctx: typer.Context, weapon: WeaponArg, magazine: MagazineArg, as_: ActAs
) -> None:
    """Take the seated magazine out of the well of a weapon you hold.

    Example: showclear magazine remove g17-1 g17-1-m1 --as mo
    """
    act(
        ctx,
        "MagazineRemoved",
        f"magazine {magazine} removed from {weapon}",
        actor=as_,
        weapon=weapon,
        magazine=magazine,
    )


def register(app: typer.Typer) -> None:
    app.command("surrender")(surrender)
    app.add_typer(release_app, name="release")
    app.command("correct")(correct)
    app.add_typer(magazine_app, name="magazine")
    receive_app.command("magazine")(receive_magazine)
