"""The production's supplier list: who may supply ammunition (AMMO-SOURCE).

A supplier is listed by the armorer or the property master (name, licence or
registration, contact) and approved by a producer: two entries by two people. A lot is
received only from a supplier that is listed and approved.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from showclear.protocol.catalogue.declare import STOCK, Command, EventType
from showclear.protocol.catalogue.fields import DocumentHash, Event, Id, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, document
from showclear.protocol.projection import SupplierRecord
from showclear.protocol.schema import Doc

__all__ = ["APPROVERS", "TYPES", "SupplierApproved", "SupplierListed"]

#: The API groups this module's commands under this topic.
TOPIC = "suppliers"

#: Who approves a supplier (AMMO-SOURCE).
APPROVERS = frozenset({"producer"})


class SupplierListed(Event):
    """A supplier is put on the production's supplier list (AMMO-SOURCE)."""

    supplier: Annotated[Id, Doc("The supplier's id, named by each lot it supplies.")]
    name: Annotated[Text, Doc("The supplier's name, e.g. Western Props Ltd.")]
    licence: Annotated[Text, Doc("Its licence or registration, e.g. FFL 9-12-345.")]
    contact: Annotated[Text, Doc("How to reach it: a person, a phone number, an address.")]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc(
                "The SHA-256 of a stored scan of its licence or registration; the document "
                "must be uploaded first."
            ),
        ]
    ]


class SupplierApproved(Event):
    """A producer approves a listed supplier: its lots may then be received (AMMO-SOURCE)."""

    supplier: Id


def _listed(f: Fold, e: SupplierListed) -> None:
    record: SupplierRecord = {
        "name": e["name"],
        "licence": e["licence"],
        "contact": e["contact"],
        "listed_by": str(e["actor"]),
        "listed_at": e["at"],
        "approved_by": None,
        "approved_at": None,
    }
    f.put(f"supplier:{e['supplier']}", record)


def _approved(f: Fold, e: SupplierApproved) -> None:
    supplier = f.record(f"supplier:{e['supplier']}")
    supplier["approved_by"] = str(e["actor"])
    supplier["approved_at"] = e["at"]


def _listed_words(e: SupplierListed, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} listed supplier {e['supplier']} ({e['name']}, "
        f"licence {e['licence']}, contact {e['contact']}){document(e)}"
    )


def _approved_words(e: SupplierApproved, w: Words) -> str:
    return f"{w.who(e['actor'])} approved supplier {e['supplier']}"


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        SupplierListed,
        "command",
        _listed,
        _listed_words,
        roles=STOCK,
        command=Command(
            "ListSupplier",
            "Put a supplier on the production's supplier list, with its licence or "
            "registration and contact; a producer then approves it (AMMO-SOURCE).",
            route=("POST", "/suppliers"),
            cli="supplier add",
            example={
                "supplier": "blanks-ltd",
                "name": "Blanks Ltd",
                "licence": "FFL 9-12-345",
                "contact": "Jo Reyes, +1 505 555 0100",
            },
        ),
    ),
    EventType(
        SupplierApproved,
        "command",
        _approved,
        _approved_words,
        roles=APPROVERS,
        command=Command(
            "ApproveSupplier",
            "A producer approves a listed supplier; its lots may then be received (AMMO-SOURCE).",
            path="supplier",
            route=("POST", "/suppliers/{supplier}/approve"),
            cli="supplier approve",
        ),
    ),
)
