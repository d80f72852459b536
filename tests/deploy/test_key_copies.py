"""Two servers on one database, each with its own copy of the key directory (two hosts).

Each host's ``<keyfile>.signed`` remembers what that host signed. Growth by the other
host is a valid extension and is never refused; a database restored behind what either
host signed is refused by that host (issue 18 item 6).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.recovery.test_signed_state import person

from showclear.ledger import Ed25519Verifier, open_checkpoint, tree_root
from showclear.service import App, FileKeyring, FixedClock, build_app
from showclear.service.keys import SignedState
from showclear.service.ledger import RolledBack
from showclear.store import ProductionInfo

if TYPE_CHECKING:
    from tests.conftest import Backend, Engine


def copy_key_dir(source: Path, target: Path) -> Path:
    """What an operator does for a second host: the key files and their .signed files."""
    shutil.copytree(source, target)
    return target


@pytest.fixture
def hosts(
    backend: Backend, key_dir: Path, tmp_path: Path, clock: FixedClock
) -> Iterator[tuple[App, App, ProductionInfo]]:
    """Host A and host B on one database, each with a copy of the key directory."""
    first = build_app(backend.url, keyring=FileKeyring(key_dir), clock=clock)
    info = first.init_production("Dust Creek")
    other = copy_key_dir(key_dir, tmp_path / "keys-b")
    second = build_app(backend.url, keyring=FileKeyring(other), clock=clock)
    yield first, second, info
    first.close()
    second.close()


def _root(app: App, info: ProductionInfo) -> tuple[int, bytes]:
    cp = open_checkpoint(
        app.checkpoint(info.slug), Ed25519Verifier.from_verifier_key(info.verifier_key)
    )
    return cp.size, cp.root


def test_each_host_extends_what_the_other_appended(
    hosts: tuple[App, App, ProductionInfo],
) -> None:
    """Appends alternate between the hosts: none is refused, the ledger verifies."""
    a, b, info = hosts
    for n in range(6):
        (a if n % 2 else b).append_unchecked(info.slug, [person(n)])
    assert a.production(info.slug).size == 7
    assert a.verify(info.slug).ok and b.verify(info.slug).ok


def test_a_host_killed_before_its_commit_still_extends_the_others_growth(
    hosts: tuple[App, App, ProductionInfo],
) -> None:
    """A SIGKILL between signing and committing leaves a pending checkpoint in that host's
    memory; the other host grows the ledger meanwhile; the restarted host appends again."""
    a, b, info = hosts
    a.append_unchecked(info.slug, [person(1)])  # size 2, confirmed by A
    signer = a.keyring.signer_for(info.verifier_key)
    confirmed = _root(a, info)
    # What the killed process left: its checkpoint of size 3 signed, its commit never made.
    signer.memory.will_sign(SignedState(confirmed, (3, b"\x07" * 32)))
    b.append_unchecked(info.slug, [person(7), person(8)])  # size 4, by B
    result = a.append_unchecked(info.slug, [person(2)])
    assert result.size == 5
    assert a.keyring.last_signed(info.verifier_key) == _root(a, info)
    assert a.verify(info.slug).ok


def test_a_restored_database_is_refused_by_the_host_that_signed_beyond_it(
    engine: Engine, backend: Backend, hosts: tuple[App, App, ProductionInfo], clock: FixedClock
) -> None:
    """Rollback detection still holds with two memories: an older copy restored under both
    hosts is refused by every host that signed past it, and nothing is signed."""
    a, b, info = hosts
    a.append_unchecked(info.slug, [person(1)])
    backup = engine.clone(backend)  # size 2
    b.append_unchecked(info.slug, [person(2)])  # size 3, signed by B
    a.append_unchecked(info.slug, [person(3)])  # size 4, signed by A
    try:
        for keys in (a.keyring, b.keyring):
            assert isinstance(keys, FileKeyring)
            restored = build_app(backup.url, keyring=FileKeyring(keys.directory), clock=clock)
            try:
                with pytest.raises(RolledBack, match=r"holds 2 entries"):
                    restored.append_unchecked(info.slug, [person(9)])
                assert restored.production(info.slug).size == 2
            finally:
                restored.close()
    finally:
        engine.drop(backup)


def test_a_host_whose_confirmed_checkpoint_is_lost_refuses_pending_or_not(
    engine: Engine, backend: Backend, hosts: tuple[App, App, ProductionInfo], clock: FixedClock
) -> None:
    """A host whose confirmed checkpoint the database no longer holds refuses, pending or not."""
    a, _, info = hosts
    backup = engine.clone(backend)  # size 1
    a.append_unchecked(info.slug, [person(1)])  # size 2, confirmed by A
    signer = a.keyring.signer_for(info.verifier_key)
    with a.store.read(info.slug) as session:
        root = tree_root(2, session)
    signer.memory.will_sign(SignedState((2, root), (3, b"\x07" * 32)))
    assert isinstance(a.keyring, FileKeyring)
    restored = build_app(backup.url, keyring=FileKeyring(a.keyring.directory), clock=clock)
    try:
        with pytest.raises(RolledBack, match=r"holds 1 entries .* checkpoint of 2 entries"):
            restored.append_unchecked(info.slug, [person(9)])
    finally:
        restored.close()
        engine.drop(backup)
