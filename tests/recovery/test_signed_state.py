"""The key remembers what it signed: a database that lost acknowledged entries is refused,
never signed into a second checkpoint at a size the key already signed (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.service import App, FileKeyring, FixedClock, KeyFileError, MemoryKeyring, build_app
from showclear.service.ledger import RolledBack, append_entries
from showclear.store import ProductionInfo

if TYPE_CHECKING:
    from tests.conftest import Backend, Engine


def person(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


@pytest.fixture
def keyring(key_dir: Path) -> FileKeyring:
    """Keys as files, each with its signed-state file beside it."""
    return FileKeyring(key_dir)


@pytest.fixture
def opened(
    backend: Backend, keyring: FileKeyring, clock: FixedClock
) -> Iterator[tuple[App, ProductionInfo]]:
    app = build_app(backend.url, keyring=keyring, clock=clock)
    info = app.init_production("Dust Creek")
    yield app, info
    app.close()


def _checkpoint(app: App, info: ProductionInfo) -> tuple[int, bytes]:
    verifier = Ed25519Verifier.from_verifier_key(info.verifier_key)
    cp = open_checkpoint(app.checkpoint(info.slug), verifier)
    return cp.size, cp.root


def test_the_key_remembers_the_latest_checkpoint_it_signed_and_saw_committed(
    opened: tuple[App, ProductionInfo], keyring: FileKeyring, key_dir: Path
) -> None:
    """last_signed is the database's latest checkpoint, kept in <keyfile>.signed."""
    app, info = opened
    assert keyring.last_signed(info.verifier_key) == _checkpoint(app, info)
    app.append_unchecked(info.slug, [person(1), person(2)])
    assert keyring.last_signed(info.verifier_key) == _checkpoint(app, info)
    assert keyring.last_signed(info.verifier_key)[0] == 3  # type: ignore[index]
    (signed,) = key_dir.glob("*.key.signed")
    assert signed.read_text().startswith("showclear signed-state v1\nconfirmed 3 ")
    assert FileKeyring(key_dir).last_signed(info.verifier_key) == _checkpoint(app, info)


def test_an_older_copy_of_the_database_is_refused_instead_of_forking_the_production(
    engine: Engine,
    backend: Backend,
    keyring: FileKeyring,
    clock: FixedClock,
) -> None:
    """Restore a backup taken two appends ago: appending is refused, nothing is signed."""
    app = build_app(backend.url, keyring=keyring, clock=clock)
    info = app.init_production("Dust Creek")
    app.append_unchecked(info.slug, [person(1)])
    app.close()
    backup = engine.clone(backend)  # size 2
    app = build_app(backend.url, keyring=keyring, clock=clock)
    app.append_unchecked(info.slug, [person(2)])
    app.append_unchecked(info.slug, [person(3)])  # size 4, acknowledged
    signed = keyring.last_signed(info.verifier_key)
    app.close()

    restored = build_app(backup.url, keyring=FileKeyring(keyring.directory), clock=clock)
    try:
        before = restored.checkpoint(info.slug)
        with pytest.raises(RolledBack, match=r"holds 2 entries .* checkpoint of 4 entries"):
            restored.append_unchecked(info.slug, [person(9), person(10)])
        with pytest.raises(RolledBack, match="restore the newest backup"):
            restored.append_unchecked(info.slug, [person(9)])
        assert restored.checkpoint(info.slug) == before  # nothing signed, nothing stored
        assert restored.production(info.slug).size == 2
        assert keyring.last_signed(info.verifier_key) == signed
    finally:
        restored.close()
        engine.drop(backup)


def test_a_database_that_lost_its_last_acknowledged_entry_is_refused(
    engine: Engine, backend: Backend, keyring: FileKeyring, clock: FixedClock
) -> None:
    """Losing exactly the last transaction (a damaged WAL) is caught too: same size, other root
    would be a fork."""
    app = build_app(backend.url, keyring=keyring, clock=clock)
    info = app.init_production("Dust Creek")
    app.close()
    backup = engine.clone(backend)  # size 1
    app = build_app(backend.url, keyring=keyring, clock=clock)
    app.append_unchecked(info.slug, [person(1)])  # size 2, acknowledged
    app.close()
    restored = build_app(backup.url, keyring=FileKeyring(keyring.directory), clock=clock)
    try:
        with pytest.raises(RolledBack, match="checkpoint of 2 entries"):
            restored.append_unchecked(info.slug, [person(2)])
    finally:
        restored.close()
        engine.drop(backup)


def test_a_database_with_other_entries_at_a_signed_size_is_refused(
    engine: Engine, backend: Backend, keyring: FileKeyring, clock: FixedClock
) -> None:
    """A copy that went on without this key's memory holds another root at a signed size."""
    app = build_app(backend.url, keyring=keyring, clock=clock)
    info = app.init_production("Dust Creek")
    app.close()
    backup = engine.clone(backend)
    other_dir = keyring.directory.parent / "copy-of-keys"
    other_dir.mkdir()
    for file in keyring.directory.iterdir():
        (other_dir / file.name).write_bytes(file.read_bytes())
        (other_dir / file.name).chmod(0o600)
    app = build_app(backend.url, keyring=keyring, clock=clock)
    app.append_unchecked(info.slug, [person(1), person(2)])  # size 3 here
    app.close()
    fork = build_app(backup.url, keyring=FileKeyring(other_dir), clock=clock)
    fork.append_unchecked(info.slug, [person(7), person(8), person(9)])  # size 4 there
    fork.close()
    # The forked database now meets the original key directory: size 4 >= 3, root differs.
    forked = build_app(backup.url, keyring=FileKeyring(keyring.directory), clock=clock)
    try:
        with pytest.raises(RolledBack, match="checkpoint of 3 entries"):
            forked.append_unchecked(info.slug, [person(10)])
    finally:
        forked.close()
        engine.drop(backup)


def test_a_transaction_that_did_not_commit_leaves_the_ledger_writable(
    opened: tuple[App, ProductionInfo], keyring: FileKeyring
) -> None:
    """A checkpoint signed in a transaction that rolled back (a full disk at commit) was never
    acknowledged: the next append extends the database, the key's memory follows."""
    app, info = opened
    signer = keyring.signer_for(info.verifier_key)
    with pytest.raises(OSError, match="disk full at commit"), app.store.write(info.slug) as session:
        append_entries(session, signer, [b'{"pretend":"entry"}'])
        raise OSError("disk full at commit")
    state = signer.memory.load()
    assert state is not None and state.pending is not None and state.pending[0] == 2
    assert keyring.last_signed(info.verifier_key) == (1, _checkpoint(app, info)[1])
    app.append_unchecked(info.slug, [person(1), person(2)])
    assert keyring.last_signed(info.verifier_key) == _checkpoint(app, info)
    assert app.verify(info.slug).problem is None


def test_the_memory_keyring_refuses_a_rolled_back_database_too(
    engine: Engine, backend: Backend, clock: FixedClock
) -> None:
    """MemoryKeyring remembers in memory what it signed, with the same rule."""
    keys = MemoryKeyring()
    app = build_app(backend.url, keyring=keys, clock=clock)
    info = app.init_production("Dust Creek")
    app.close()
    backup = engine.clone(backend)
    app = build_app(backend.url, keyring=keys, clock=clock)
    app.append_unchecked(info.slug, [person(1)])
    assert keys.last_signed(info.verifier_key) == _checkpoint(app, info)
    app.close()
    restored = build_app(backup.url, keyring=keys, clock=clock)
    try:
        with pytest.raises(RolledBack):
            restored.append_unchecked(info.slug, [person(2)])
    finally:
        restored.close()
        engine.drop(backup)


def test_a_damaged_signed_state_file_is_named_with_the_way_out(
    opened: tuple[App, ProductionInfo], key_dir: Path, keyring: FileKeyring
) -> None:
    """A garbled memory is not silently ignored: the error names the file and the remedy."""
    _, info = opened
    (signed,) = key_dir.glob("*.key.signed")
    signed.write_text("rubbish\n")
    fresh = FileKeyring(key_dir)
    with pytest.raises(KeyFileError, match=r"signed-state file .* is damaged; restore it"):
        fresh.last_signed(info.verifier_key)


def test_a_copy_of_a_memory_keyring_remembers_on_its_own(
    engine: Engine, backend: Backend, clock: FixedClock
) -> None:
    """Two copies of one database, each with its own copy of the keys (as a copied key
    directory), grow apart unrefused; one keyring used on both refuses the fork."""
    keys = MemoryKeyring()
    app = build_app(backend.url, keyring=keys, clock=clock)
    info = app.init_production("Dust Creek")
    app.close()
    other = engine.clone(backend)
    try:
        for url, events in ((backend.url, [person(1)]), (other.url, [person(7), person(8)])):
            copy = build_app(url, keyring=keys.copy(), clock=clock)
            assert copy.append_unchecked(info.slug, events).size == 1 + len(events)
            copy.close()
        for url, refused in ((backend.url, False), (other.url, True)):
            shared = build_app(url, keyring=keys, clock=clock)
            try:
                if refused:
                    with pytest.raises(RolledBack):
                        shared.append_unchecked(info.slug, [person(3)])
                else:
                    shared.append_unchecked(info.slug, [person(3)])  # size 3 here
            finally:
                shared.close()
    finally:
        engine.drop(other)


def test_a_damaged_wal_that_loses_the_last_acknowledged_write_is_refused(
    tmp_path: Path, key_dir: Path, clock: FixedClock
) -> None:
    """The issue's case: the WAL's last frame is damaged, SQLite drops the last transaction
    and the ledger still verifies; the next append is refused instead of signing a second
    checkpoint at that size."""
    live = tmp_path / "live"
    live.mkdir()
    app = build_app(str(live / "showclear.db"), keyring=FileKeyring(key_dir), clock=clock)
    info = app.init_production("Dust Creek")
    app.append_unchecked(info.slug, [person(1)])
    app.append_unchecked(info.slug, [person(2)])  # acknowledged, in the WAL
    # What the disk holds at a crash: the database and its WAL, the WAL's end damaged.
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        (crashed / f"showclear.db{suffix}").write_bytes(
            (live / f"showclear.db{suffix}").read_bytes()
        )
    app.close()
    wal = bytearray((crashed / "showclear.db-wal").read_bytes())
    wal[-10] ^= 0xFF
    (crashed / "showclear.db-wal").write_bytes(bytes(wal))
    after = build_app(str(crashed / "showclear.db"), keyring=FileKeyring(key_dir), clock=clock)
    try:
        assert after.production(info.slug).size == 2  # the last write is gone
        with pytest.raises(RolledBack, match=r"holds 2 entries .* checkpoint of 3 entries"):
            after.append_unchecked(info.slug, [person(9)])
    finally:
        after.close()
