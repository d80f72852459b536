"""The supplier list on the command line: ``supplier add`` then ``supplier approve``."""

from __future__ import annotations

from .conftest import Cli


def test_a_supplier_is_added_by_the_armorer_and_approved_by_a_producer(crew: Cli) -> None:
    """Two entries by two people put a supplier on the production's list."""
    crew.ok(
        "supplier", "add", "acme", "--name", "Acme Blanks", "--licence", "FFL 1-23-456",
        "--contact", "Jo Reyes, 505 555 0100", "--as", "mo",
    )  # fmt: skip
    crew.ok("supplier", "approve", "acme", "--as", "pat")
    app = crew.app()
    try:
        record = app.projection("dust-creek").supplier("acme")
    finally:
        app.close()
    assert record is not None
    assert (record["listed_by"], record["approved_by"]) == ("mo", "pat")


def test_approving_an_unlisted_supplier_says_what_to_do(crew: Cli) -> None:
    """An approval of a supplier that is not on the list is an input error naming it."""
    result = crew.main("supplier", "approve", "nobody", "--as", "pat")
    assert result.code != 0
    assert "supplier 'nobody' is not on the supplier list; list it first" in result.text
