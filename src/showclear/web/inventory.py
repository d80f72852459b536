"""Receiving: weapons, lots of rounds, dummies verified round by round, storage locations.

Each form becomes the typed command the API's inventory routes (and its storage
route) take, submitted as the signed-in member.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from showclear.commands.fields import LotPath, Slug
from showclear.service import BadRequest
from showclear.web.custody import lots, storages
from showclear.web.render import page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["router"]

router = page_router()

CATEGORIES = [
    ("functional_firearm", "Functional firearm"),
    ("blank_firing", "Blank-firing"),
    ("non_firing_replica", "Non-firing replica"),
    ("rubber", "Rubber"),
    ("deactivated", "Deactivated"),
]
LOT_KINDS = [("dummy", "Dummy rounds"), ("blank", "Blanks")]
DUMMY_METHODS = [
    ("rattle", "Rattle"),
    ("side_hole", "Side hole"),
    ("empty_primer_pocket", "Empty primer pocket"),
    ("drilled_primer_pocket", "Drilled primer pocket"),
    ("non_metal", "Non-metal"),
]


def _optional(text: str) -> str | None:
    return text.strip() or None


def _whole(text: str, what: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f"{what} must be a whole number") from None


@router.get("/receive")
def receive_page(request: Request, slug: Slug, member: Viewer) -> Response:
    """Receive weapons and lots; each lot's count and how many dummies are verified."""
    return page(
        request,
        "receive.html",
        title="Receive",
        lots=lots(request, slug),
        storages=storages(request, slug),
        categories=CATEGORIES,
        lot_kinds=LOT_KINDS,
        methods=DUMMY_METHODS,
    )


@router.post("/receive/weapon")
def receive_weapon(
    *,
    slug: Slug,
    actor: Doer,
    weapon: Annotated[str, Form()],
    serial: Annotated[str, Form()],
    make: Annotated[str, Form()],
    model: Annotated[str, Form()],
    category: Annotated[str, Form()],
    caliber: Annotated[str, Form()],
    chambers: Annotated[int, Form()],
    action: Annotated[str, Form()],
    storage: Annotated[str, Form()],
    personal: Annotated[bool, Form()] = False,
) -> Response:
    body = command(
        "ReceiveWeapon",
        {
            "weapon": weapon.strip(),
            "serial": serial.strip(),
            "make": make.strip(),
            "model": model.strip(),
            "category": category,
            "caliber": caliber.strip(),
            "chambers": chambers,
            "action": action.strip(),
            "storage": storage.strip(),
            "personal": personal,
        },
    )
    return recorded(slug, actor.submit(body), f"/weapons/{weapon.strip()}")


@router.post("/receive/lot")
def receive_lot(
    *,
    slug: Slug,
    actor: Doer,
    lot: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    caliber: Annotated[str, Form()],
    storage: Annotated[str, Form()],
    count: Annotated[str, Form()] = "",
    supplier: Annotated[str, Form()] = "",
    origin: Annotated[str, Form()] = "",
    load: Annotated[str, Form()] = "",
    close_range: Annotated[bool, Form()] = False,
) -> Response:
    # A missing count, supplier or origin is sent as missing: AMMO-SOURCE refuses it.
    body = command(
        "ReceiveLot",
        {
            "lot": lot.strip(),
            "kind": kind,
            "caliber": caliber.strip(),
            "count": _whole(count, "the count"),
            "supplier": _optional(supplier),
            "origin": _optional(origin),
            "storage": storage.strip(),
            "load": _optional(load),
            "close_range": close_range or None,
        },
    )
    return recorded(slug, actor.submit(body), f"/receive#lot-{lot.strip()}")


@router.post("/lots/{lot}/verify")
def verify_dummies(
    slug: Slug,
    lot: LotPath,
    actor: Doer,
    count: Annotated[int, Form()],
    method: Annotated[str, Form()],
) -> Response:
    body = command("VerifyDummies", {"count": count, "method": method})
    return recorded(slug, actor.submit(body, lot=lot), f"/receive#lot-{lot}")


@router.post("/storage")
def add_storage(
    slug: Slug,
    actor: Doer,
    storage: Annotated[str, Form()],
    name: Annotated[str, Form()],
    lockable: Annotated[bool, Form()] = False,
) -> Response:
    body = command("AddStorage", storage=storage.strip(), name=name.strip(), lockable=lockable)
    return recorded(slug, actor.submit(body), "/receive")
