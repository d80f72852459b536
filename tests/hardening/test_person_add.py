"""Issue 15: ``person add`` registers the person and sets their PIN in one transaction.

It was two: a failure after the first left a person registered without a PIN, who could
not get one from the CLI (``pin set`` asks for their current PIN; a reset needs two
approvals for someone who never had one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, register_cast
from tests.conftest import CHEAP_PIN_HASHER

from showclear.service import app as composition


class _HasherThatCannotHash:
    """A PIN hasher whose hashing fails (out of memory, say); checking PINs still works."""

    def hash(self, secret: str) -> str:
        raise MemoryError("argon2 could not allocate its memory")

    def verify(self, stored: str, secret: str) -> bool:
        return CHEAP_PIN_HASHER.verify(stored, secret)

    def check_needs_rehash(self, stored: str) -> bool:
        return False


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(str(tmp_path / "showclear.db"), tmp_path / "keys")
    register_cast(cli)
    return cli


@pytest.fixture
def failing_hasher() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(composition, "DEFAULT_PIN_HASHER", _HasherThatCannotHash())
        yield


def test_a_person_whose_pin_cannot_be_stored_is_not_registered(
    cli: Cli, failing_hasher: None
) -> None:
    """The PIN's hash fails: nothing is recorded, and the same person add can run again."""
    with closing(cli.app()) as service:
        size = service.production(service.resolve(None)).size
    with pytest.raises(MemoryError):
        cli.main("person", "add", "eve", "--name", "Eve Moss", "--role", "crew", "--as", "sam",
                 env={"SHOWCLEAR_PIN_EVE": "8888"})  # fmt: skip
    with closing(cli.app()) as service:
        slug = service.resolve(None)
        assert service.production(slug).size == size
        assert service.projection(slug).person("eve") is None


def test_person_add_records_the_person_and_their_pin_together(cli: Cli) -> None:
    """The new person can act with their PIN at once; both entries follow one another."""
    ran = cli.main("person", "add", "eve", "--name", "Eve Moss", "--role", "armorer",
                   "--as", "sam", env={"SHOWCLEAR_PIN_EVE": "8888"})  # fmt: skip
    assert ran.code == 0, ran.text
    assert "PIN set for eve" in ran.text
    with closing(cli.app()) as service:
        slug = service.resolve(None)
        _size, rows = service.entries(slug, 0, 1000)
        kinds = [row.event()["type"] for row in rows[-2:]]
    assert kinds == ["PersonRegistered", "CredentialEnrolled"]
    added = cli.main("storage", "add", "safe-2", "--name", "Safe", "--lockable", "--as", "eve",
                     env={"SHOWCLEAR_PIN_EVE": "8888"})  # fmt: skip
    assert added.code == 0, added.text
