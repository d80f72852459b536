"""Moving a production between databases, on any two backends: ``copy_production`` and
``showclear copy``.

The copy is the same ledger (every entry byte for byte, the same tree and signed
checkpoints, so the same root), the same state, the same credentials' hashes; it
verifies on both sides and continues with the production's own key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.world import PIN, START, build_world
from showclear.service import App, AuthError, FileKeyring, FixedClock, build_app
from showclear.store import ProductionExists, ProductionInfo, Session, Store
from showclear.store.copy import copy_production

if TYPE_CHECKING:
    from tests.conftest import CliRun

PAIRS = [
    ("sqlite", "postgresql"),
    ("postgresql", "sqlite"),
    ("postgresql", "postgresql"),
    ("sqlite", "sqlite"),
]

Databases = Callable[[str], str]


@pytest.fixture
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Makes empty databases of either kind (a SQLite file, a PostgreSQL schema)."""
    made: list[str] = []
    server = None
    files = iter(range(1000))

    def make(kind: str) -> str:
        nonlocal server
        if kind == "sqlite":
            return str(tmp_path / f"db{next(files)}.db")
        server = server or request.getfixturevalue("postgresql_server")
        made.append(server.fresh())
        return made[-1]

    yield make
    for url in made:
        server.drop(url)  # type: ignore[union-attr]


@pytest.fixture(params=PAIRS, ids=["->".join(p) for p in PAIRS])
def pair(
    request: pytest.FixtureRequest, databases: Databases, tmp_path: Path
) -> Iterator[tuple[App, App]]:
    """A production full of history in a source database, and an empty target database.

    "Dust Creek" has people with PINs (one with a wrong PIN counted), API tokens,
    inventory, a planned take and its meeting.
    """
    source_kind, target_kind = request.param
    keys = FileKeyring(tmp_path / "keys")
    clock = FixedClock(START)
    source = build_app(databases(source_kind), keyring=keys, clock=clock)
    target = build_app(databases(target_kind), keyring=keys, clock=clock)
    world = build_world(source, clock, "Dust Creek", spares=1)
    with pytest.raises(AuthError):
        source.authenticate(world.slug, "pat", "0000")
    yield source, target
    source.close()
    target.close()


def everything(store: Store, slug: str) -> dict[str, Any]:
    """All a store holds about a production, through the storage port."""
    with store.read(slug) as s:
        records = s.projection()
        people = sorted(k.removeprefix("person:") for k in records if k.startswith("person:"))
        return {
            "production": s.production(),
            "entries": list(s.entries()),
            "nodes": {lvl: list(s.level_nodes(lvl)) for lvl in range(1, s.max_level() + 1)},
            "checkpoints": list(s.checkpoints()),
            "projection": records,
            "credentials": {p: s.credential(p) for p in people},
            "logins": s.logins(),
        }


def test_a_copy_holds_the_same_ledger_state_and_credentials(pair: tuple[App, App]) -> None:
    """Entries byte for byte, tree, checkpoints (so the root), state, PIN hashes with their
    failure counts, tokens' hashes and the public key are the same; both verify."""
    source, target = pair
    report = copy_production(source.store, target.store, "dust-creek")
    copied = everything(target.store, "dust-creek")
    assert copied == everything(source.store, "dust-creek")
    assert copied["credentials"]["pat"][1] == 1  # the wrong PIN counted, and copied
    assert len(copied["logins"]) == report.logins > 0
    assert report.entries == report.size == source.production("dust-creek").size
    assert target.checkpoint("dust-creek") == source.checkpoint("dust-creek")
    assert report.checkpoint_note == source.checkpoint("dust-creek")
    assert source.verify("dust-creek").ok
    assert target.verify("dust-creek").ok


def test_the_copy_takes_people_and_commands_with_the_same_key_and_pins(
    pair: tuple[App, App],
) -> None:
    """PINs check against the copied hashes, and the production's key signs the copy's next
    checkpoint, which is consistent with everything copied."""
    source, target = pair
    copy_production(source.store, target.store, "dust-creek")
    size = target.production("dust-creek").size
    target.authenticate("dust-creek", "ava", PIN["ava"])
    event = {"type": "PersonRegistered", "actor": None, "person": "new", "name": "New Hire"}
    from showclear.service import TRUSTED

    outcome = target.submit("dust-creek", {**event, "roles": ["crew"]}, TRUSTED)
    assert (outcome.first_index, outcome.size) == (size, size + 1)
    assert target.verify("dust-creek").ok
    assert target.prove_consistency("dust-creek", size).new_size == size + 1


def test_copying_onto_a_production_already_there_is_refused_and_changes_nothing(
    pair: tuple[App, App],
) -> None:
    """Slug (or origin) taken in the target: ProductionExists, the target untouched."""
    source, target = pair
    target.init_production("Dust Creek")
    before = everything(target.store, "dust-creek")
    with pytest.raises(ProductionExists, match="already exists"):
        copy_production(source.store, target.store, "dust-creek")
    assert everything(target.store, "dust-creek") == before


class Boom(Exception):
    """The target failing halfway through a copy."""


class FailingStore:
    """A target store whose session fails on the third checkpoint it is given (a fake)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def create_production(self, info: ProductionInfo) -> AbstractContextManager[Session]:
        @contextmanager
        def failing() -> Iterator[Any]:
            with self._inner.create_production(info) as session:
                yield _FailingSession(session)

        return failing()


class _FailingSession:
    def __init__(self, inner: Session) -> None:
        self._inner = inner
        self._checkpoints = 0

    def add_checkpoint(self, size: int, note: str) -> None:
        self._checkpoints += 1
        if self._checkpoints == 3:
            raise Boom
        self._inner.add_checkpoint(size, note)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_copy_that_fails_midway_leaves_nothing_in_the_target(pair: tuple[App, App]) -> None:
    """One transaction in the target: no production, no entries, after a failure."""
    source, target = pair
    with pytest.raises(Boom):
        copy_production(source.store, FailingStore(target.store), "dust-creek")  # type: ignore[arg-type]
    assert target.productions() == []
    copy_production(source.store, target.store, "dust-creek")  # and it can be done again
    assert target.verify("dust-creek").ok


def test_showclear_copy_copies_verifies_both_and_prints_the_shared_root(
    databases: Databases, showclear: Callable[..., CliRun], tmp_path: Path
) -> None:
    """From a set laptop's SQLite file to PostgreSQL and back to a new file; a second copy
    onto the same database exits 5 naming the production."""
    laptop, studio, back = databases("sqlite"), databases("postgresql"), databases("sqlite")
    keys = str(tmp_path / "keys")
    assert (
        showclear("--db", laptop, "--key-dir", keys, "init", "--production", "Dust Creek").code == 0
    )
    root = showclear("--db", laptop, "checkpoint").out.splitlines()[2]

    moved = showclear("copy", "--from", laptop, "--to", studio)
    assert moved.code == 0, moved.err
    assert "Verified the source" in moved.out and "Verified the copy" in moved.out
    assert f"root {root}" in " ".join(moved.out.split())
    assert showclear("--db", studio, "verify").code == 0
    assert showclear("copy", "--from", studio, "--to", back, "--production", "dust-creek").code == 0
    assert showclear("--db", back, "checkpoint").out.splitlines()[2] == root

    again = showclear("copy", "--from", laptop, "--to", studio)
    assert again.code == 5
    assert "'dust-creek'" in again.err_text and "already exists" in again.err_text


def test_showclear_copy_never_reads_or_writes_a_private_key(
    databases: Databases, showclear: Callable[..., CliRun], tmp_path: Path
) -> None:
    """Keys stay in their directory: the copy runs without one, and nothing it wrote
    holds the private key."""
    source, target = databases("sqlite"), databases("postgresql")
    keys = tmp_path / "keys"
    assert showclear("--db", source, "--key-dir", str(keys), "init", "--production", "X").code == 0
    (key_file,) = keys.glob("*.key")
    secret = key_file.read_text().strip().rsplit("+", 1)[1]
    copied = showclear(
        "--key-dir", str(tmp_path / "empty"), "copy", "--from", source, "--to", target
    )
    assert copied.code == 0, copied.err
    assert not (tmp_path / "empty").exists()
    app = build_app(target, keyring=FileKeyring(tmp_path / "empty"))
    try:
        assert secret not in repr(everything(app.store, "x"))
    finally:
        app.close()
