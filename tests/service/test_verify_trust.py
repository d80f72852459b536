"""``verify`` checks everything the database states, and who signed it when a key is pinned.

The ``productions`` row against entry 0, the key the caller pinned, the witnesses'
cosignatures, and the database against what the production's key remembers signing
(``Keyring.last_signed``): each is damaged here the way someone holding the file, or
restoring an old copy of it, could.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from showclear.bundle import verify_bundle
from showclear.ledger import Ed25519Signer
from showclear.ledger.cosignature import Cosigner
from showclear.ledger.pins import Pins
from showclear.service import App, FileKeyring, FixedClock, MemoryKeyring, build_app
from showclear.store import WitnessStateRow

SLUG = "dust-creek"
CREATED = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def event(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": f"2026-11-25T08:{n:02d}:00Z",
        "actor": None,
        "person": f"crew-{n:03d}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A closed ledger of 6 entries under 3 checkpoints, and its verifier key."""
    path = tmp_path / "showclear.db"
    app = build_app(str(path), keyring=MemoryKeyring(), clock=FixedClock(CREATED))
    key = app.init_production("Dust Creek").verifier_key
    app.append_unchecked(SLUG, [event(1), event(2)])
    app.append_unchecked(SLUG, [event(3), event(4), event(5)])
    app.close()
    yield path, key


def verify(path: Path, pins: Pins | None = None) -> str | None:
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        return app.verify(SLUG, pins=pins).problem
    finally:
        app.close()


def change_row(path: Path, column: str, value: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"UPDATE productions SET {column} = ?", (value,))


@pytest.mark.parametrize(
    ("column", "value", "what"),
    [
        ("name", "Dust Creek II", "name"),
        ("origin", "showclear.example/productions/other", "origin"),
        ("created_at", "2026-11-24T06:00:00Z", "creation time"),
    ],
)
def test_a_changed_productions_row_is_named(
    ledger: tuple[Path, str], column: str, value: str, what: str
) -> None:
    """The row states what entry 0 records; an edited name, origin or creation time fails."""
    path, _ = ledger
    assert verify(path) is None
    change_row(path, column, value)
    problem = verify(path)
    assert problem is not None
    assert problem.startswith(f"the productions row gives the production's {what} as {value!r}")
    assert "entry 0" in problem


def test_a_pinned_key_is_checked_and_said(ledger: tuple[Path, str]) -> None:
    """With the production's own key the report says so; without one it does not claim it."""
    path, key = ledger
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        assert app.verify(SLUG).pinned is False
        report = app.verify(SLUG, pins=Pins.parse(key))
    finally:
        app.close()
    assert report.ok, report.problem
    assert report.pinned is True


def test_a_ledger_signed_with_another_key_than_the_pinned_one_fails(
    ledger: tuple[Path, str],
) -> None:
    """A consistent ledger under the same origin, by another key, is not the production's."""
    path, key = ledger
    other = Ed25519Signer.generate("showclear.example/productions/dust-creek").verifier()
    problem = verify(path, Pins.parse(other.verifier_key()))
    assert problem is not None
    assert problem.startswith(f"this production's ledger is signed with the key {key}, not")


def test_pinned_witnesses_must_have_cosigned_the_latest_checkpoint(
    ledger: tuple[Path, str],
) -> None:
    """No cosignature stored: a quorum of pinned witnesses is missing, and named."""
    path, key = ledger
    insurer = Cosigner.generate("insurer.example/witness")
    problem = verify(path, Pins.parse(key, [insurer.verifier_key]))
    assert problem is not None
    assert "checkpoint 6 is cosigned by 0 of the witnesses you pinned" in problem
    assert "insurer.example/witness" in problem


@pytest.fixture
def keyed(tmp_path: Path) -> Path:
    """A closed production of 3 entries whose key directory remembers what it signed."""
    path = tmp_path / "showclear.db"
    app = open_app(path)
    app.init_production("Dust Creek")
    app.append_unchecked(SLUG, [event(1), event(2)])
    app.close()
    return path


def open_app(path: Path) -> App:
    return build_app(
        str(path), keyring=FileKeyring(path.parent / "keys"), clock=FixedClock(CREATED)
    )


def test_a_restored_older_copy_is_named_with_the_entries_it_lacks(keyed: Path) -> None:
    """The key signed checkpoint 6; the database copied at 3 is restored: 3 entries missing."""
    backup = keyed.parent / "backup.db"
    shutil.copyfile(keyed, backup)
    app = open_app(keyed)
    app.append_unchecked(SLUG, [event(3), event(4), event(5)])
    assert app.verify(SLUG).ok
    app.close()
    shutil.copyfile(backup, keyed)
    app = open_app(keyed)
    try:
        report = app.verify(SLUG)
    finally:
        app.close()
    assert report.problem == (
        "the database holds 3 entries but checkpoint 6 was signed: 3 acknowledged entries "
        "are missing (a damaged database file, or an older copy restored); restore the "
        "newest backup of the database"
    )


def test_the_latest_signed_checkpoint_deleted_with_its_entries_is_named(keyed: Path) -> None:
    """Truncating the ledger to an earlier checkpoint (rows deleted) is seen by the key."""
    with closing(sqlite3.connect(keyed, isolation_level=None)) as conn:
        conn.execute("DELETE FROM checkpoints WHERE size = 3")
        conn.execute("DELETE FROM entries WHERE idx >= 1")
        conn.execute("DELETE FROM nodes")
        conn.execute("UPDATE productions SET size = 1")
    app = open_app(keyed)
    try:
        problem = app.verify(SLUG).problem
    finally:
        app.close()
    assert problem is not None
    assert problem.startswith("the database holds 1 entry but checkpoint 3 was signed")


def delete_checkpoint(path: Path, size: int) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("DELETE FROM checkpoints WHERE size = ?", (size,))


def test_a_checkpoint_deleted_from_between_two_others_is_named(
    ledger: tuple[Path, str],
) -> None:
    """Checkpoints 1, 3, 6: deleting 3 leaves a consistent ledger, but 6 names 3."""
    path, _ = ledger
    delete_checkpoint(path, 3)
    assert verify(path) == (
        "checkpoint 3 is missing: the checkpoint at size 6 names it as the one signed just "
        "before it (it was deleted)"
    )


def test_the_first_checkpoint_deleted_is_named(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    delete_checkpoint(path, 1)
    problem = verify(path)
    assert problem is not None
    assert problem.startswith("checkpoint at size 3 says the chain of checkpoints starts at size 1")


def test_a_stored_checkpoint_may_carry_only_the_productions_own_lines(
    ledger: tuple[Path, str],
) -> None:
    """Cosignatures are stored apart: a line added to a stored note is named."""
    path, _ = ledger
    body = "x\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    line = Cosigner.generate("insurer.example/w").cosign(body, 1)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("UPDATE checkpoints SET note = note || ? WHERE size = 3", (line,))
    assert verify(path) == (
        "checkpoint at size 3: it carries a signature line that is neither the production's "
        "signature nor its link to the checkpoint before it"
    )


def test_removing_the_links_of_the_first_checkpoints_does_not_hide_a_deletion(
    ledger: tuple[Path, str],
) -> None:
    """Strip checkpoint 1's and 3's links to pass them off as older than the chain: 6 says
    the chain starts at 1."""
    path, _ = ledger
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for size, note in conn.execute("SELECT size, note FROM checkpoints WHERE size < 6"):
            head, _, lines = note.rpartition("\n\n")
            stripped = f"{head}\n\n{lines.split(chr(10))[0]}\n"
            conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (stripped, size))
    problem = verify(path)
    assert problem is not None
    assert problem.startswith(
        "checkpoint at size 6 says the chain of checkpoints starts at size 1, but the "
        "checkpoints from there to 3 lost the lines naming"
    )


@pytest.fixture
def cosigned(ledger: tuple[Path, str]) -> tuple[Path, str, Cosigner]:
    """The ledger, its latest checkpoint (6) cosigned by the insurer as the submitter stores it."""
    path, key = ledger
    insurer = Cosigner.generate("insurer.example/w")
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        note = app.checkpoint(SLUG)
        line = insurer.cosign(note[: note.rfind("\n\n") + 1], 1_790_000_000)
        with app.store.write(SLUG) as session:
            session.put_witness_state(WitnessStateRow(insurer.name, 6, 6))
            session.add_cosignature(6, insurer.name, line, 1_790_000_000, "2026-11-25T09:00:00Z")
    finally:
        app.close()
    return path, key, insurer


def test_stored_cosignatures_are_verified_with_the_pinned_witness(
    cosigned: tuple[Path, str, Cosigner],
) -> None:
    path, key, insurer = cosigned
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        report = app.verify(SLUG, pins=Pins.parse(key, [insurer.verifier_key]))
        unpinned = app.verify(SLUG)
        bundle, _ = app.export_bundle(SLUG)
    finally:
        app.close()
    assert report.ok, report.problem
    assert report.witnessed == {"insurer.example/w": 1_790_000_000}
    assert (unpinned.ok, unpinned.unchecked_cosignatures) == (True, 1)
    # The export carries the cosigned note: it verifies offline with the same pins.
    offline = verify_bundle(bundle, Pins.parse(key, [insurer.verifier_key]))
    assert offline.ok, offline.problem
    assert offline.witnessed == {"insurer.example/w": 1_790_000_000}


def test_a_changed_stored_cosignature_is_named(cosigned: tuple[Path, str, Cosigner]) -> None:
    """The stored cosignature's time moved a second: the pinned witness's line fails."""
    path, key, insurer = cosigned
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        (line,) = conn.execute("SELECT line FROM cosignatures").fetchone()
        name, blob = line.rstrip("\n").rsplit(" ", 1)
        data = bytearray(base64.b64decode(blob))
        data[11] ^= 1
        changed = f"{name} {base64.b64encode(data).decode()}\n"
        conn.execute("UPDATE cosignatures SET line = ?", (changed,))
    problem = verify(path, Pins.parse(key, [insurer.verifier_key]))
    assert problem is not None
    assert problem.startswith("checkpoint 6: the cosignature by witness insurer.example/w")


def test_cosignatures_by_witnesses_the_policy_lists_must_verify_even_unpinned(
    tmp_path: Path,
) -> None:
    """Without --witness, the stored cosignatures of the policy's witnesses are checked."""
    path = tmp_path / "showclear.db"
    insurer = Cosigner.generate("insurer.example/w")
    listed = [{"name": insurer.name, "url": "http://insurer.example", "key": insurer.verifier_key}]
    app = build_app(str(path), keyring=MemoryKeyring(), clock=FixedClock(CREATED))
    try:
        app.init_production("Dust Creek")
        change = {"witnesses": listed, "witness_quorum": 1}
        policy = {"type": "PolicyChanged", "at": "2026-11-25T09:00:00Z", "actor": None}
        app.append_unchecked(SLUG, [{**policy, "changes": change}])
        note = app.checkpoint(SLUG)
        body = note[: note.rfind("\n\n") + 1]
        forged = Cosigner(insurer.name, bytes(32)).cosign(body, 1_790_000_000)
        with app.store.write(SLUG) as session:
            session.put_witness_state(WitnessStateRow(insurer.name, 2, 2))
            session.add_cosignature(2, insurer.name, insurer.cosign(body, 1_790_000_000), 1, "x")
        good = app.verify(SLUG)
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            # Another key, same name: not the listed witness, so merely unchecked...
            conn.execute("UPDATE cosignatures SET line = ?", (forged,))
        other = app.verify(SLUG)
        (line,) = [insurer.cosign(body, 1_790_000_001)]
        # ...but the listed witness's own line over another time is named.
        blob = bytearray(base64.b64decode(line.rstrip("\n").rsplit(" ", 1)[1]))
        blob[11] ^= 1
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            bad = f"\u2014 {insurer.name} {base64.b64encode(blob).decode()}\n"
            conn.execute("UPDATE cosignatures SET line = ?", (bad,))
        broken = app.verify(SLUG)
    finally:
        app.close()
    assert (good.ok, good.unchecked_cosignatures) == (True, 0), good.problem
    assert (other.ok, other.unchecked_cosignatures) == (True, 1), other.problem
    assert broken.problem is not None
    assert broken.problem.startswith("checkpoint 2: the cosignature by witness insurer.example/w")


def test_a_ledger_whose_checkpoints_name_no_predecessor_says_so(
    ledger: tuple[Path, str],
) -> None:
    """Every link removed (or a ledger from before them): consistent, and said unseeable."""
    path, _ = ledger
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for size, note in list(conn.execute("SELECT size, note FROM checkpoints")):
            head, _, lines = note.rpartition("\n\n")
            stripped = f"{head}\n\n{lines.split(chr(10))[0]}\n"
            conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (stripped, size))
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        report = app.verify(SLUG)
    finally:
        app.close()
    assert report.ok, report.problem
    assert report.unseen == [
        "no checkpoint names the one signed before it: a deleted checkpoint cannot be seen"
    ]
