"""The supplier list: listed by the armorer or property master, approved by a producer."""

from __future__ import annotations

import pytest
from protocol_world import World

from showclear.protocol import describe, fold
from showclear.protocol.errors import InconsistentEventError, UnknownReferenceError

SUPPLIER = {
    "supplier": "acme",
    "name": "Acme Blanks",
    "licence": "FFL 1-23-456",
    "contact": "Jo Reyes, 505 555 0100",
}


def test_a_listed_supplier_is_a_record_of_the_projection(world: World) -> None:
    """SupplierListed folds into supplier:<id> with who listed it, not yet approved."""
    world.ok("SupplierListed", "ana", **SUPPLIER)
    record = world.projection.supplier("acme")
    assert record is not None
    assert (record["name"], record["licence"], record["listed_by"]) == (
        "Acme Blanks",
        "FFL 1-23-456",
        "ana",
    )
    assert record["approved_by"] is None


def test_a_producer_approves_a_listed_supplier(world: World) -> None:
    """SupplierApproved records the producer and the time on the supplier's record."""
    world.ok("SupplierListed", "bo", **SUPPLIER)
    world.ok("SupplierApproved", "pat", supplier="acme")
    record = world.projection.supplier("acme")
    assert record is not None and record["approved_by"] == "pat"
    assert fold(world.events) == world.projection


def test_a_supplier_is_listed_once(world: World) -> None:
    """Listing the same supplier id twice is an input error, not a second record."""
    world.ok("SupplierListed", "ana", **SUPPLIER)
    with pytest.raises(InconsistentEventError, match="already exists"):
        world.decide("SupplierListed", "ana", **SUPPLIER)


def test_approving_a_supplier_never_listed_says_to_list_it(world: World) -> None:
    """An approval names a supplier on the list."""
    with pytest.raises(UnknownReferenceError, match="list it first"):
        world.decide("SupplierApproved", "pat", supplier="nobody")


def test_supplier_entries_read_in_plain_words(world: World) -> None:
    """The ledger says who listed and who approved which supplier."""
    listed = world.ok("SupplierListed", "ana", **SUPPLIER).events[-1]
    approved = world.ok("SupplierApproved", "pat", supplier="acme").events[-1]
    names = {"ana": "Ana Ortega", "pat": "Pat Lee"}
    assert describe(listed, names=names).startswith("Ana Ortega listed supplier acme (Acme")
    assert describe(approved, names=names) == "Pat Lee approved supplier acme"
