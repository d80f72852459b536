"""Tampering: whatever someone changes in the database file, verification fails and says where.

A ledger of 40 entries under seven checkpoints is altered with plain ``sqlite3``,
as anyone holding a copy of the file could, then checked with ``App.verify`` and
with ``showclear verify`` (which must exit 1 and name the place).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import MemoryTree, canonical_json, leaf_hash
from showclear.service import FixedClock, MemoryKeyring, VerifyReport, build_app

if TYPE_CHECKING:
    from tests.conftest import CliRun

SLUG = "dust-creek"
#: init writes entry 0; the appends below add 3, 8, 1, 12, 7 and 8 entries.
BATCHES = (3, 8, 1, 12, 7, 8)
CHECKPOINTS = (1, 4, 12, 13, 25, 32, 40)
SIZE = 40

Tamper = Callable[[sqlite3.Connection], None]


def event(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": f"2026-11-25T08:{n:02d}:00Z",
        "actor": None,
        "person": f"crew-{n:03d}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untouched ledger of 40 entries and 7 checkpoints, built once per module."""
    path = tmp_path_factory.mktemp("template") / "showclear.db"
    app = build_app(
        str(path), keyring=MemoryKeyring(), clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
    )
    app.init_production("Dust Creek")
    n = 1
    for batch in BATCHES:
        app.append_unchecked(SLUG, [event(i) for i in range(n, n + batch)])
        n += batch
    app.close()
    assert not Path(f"{path}-wal").exists()  # closed cleanly: one self-contained file
    return path


@contextmanager
def copy_of(template: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "showclear.db"
        shutil.copyfile(template, path)
        yield path


@pytest.fixture
def ledger(template: Path) -> Iterator[Path]:
    """A fresh copy of the template ledger for one test to damage."""
    with copy_of(template) as path:
        yield path


def tamper(path: Path, change: Tamper) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        change(conn)


def verify(path: Path) -> VerifyReport:
    app = build_app(str(path), keyring=MemoryKeyring())
    try:
        return app.verify(SLUG)
    finally:
        app.close()


def one(conn: sqlite3.Connection, sql: str, *args: object) -> bytes:
    return bytes(conn.execute(sql, args).fetchone()[0])


def flip(value: bytes, position: int, mask: int = 0x01) -> bytes:
    changed = bytearray(value)
    changed[position] ^= mask
    return bytes(changed)


# -- ways to damage a ledger --------------------------------------------------------


def entry_byte(index: int, position: int, mask: int = 0x01) -> Tamper:
    def change(conn: sqlite3.Connection) -> None:
        data = one(conn, "SELECT data FROM entries WHERE idx = ?", index)
        conn.execute(
            "UPDATE entries SET data = ? WHERE idx = ?", (flip(data, position, mask), index)
        )

    return change


def leaf_byte(index: int, position: int, mask: int = 0x01) -> Tamper:
    def change(conn: sqlite3.Connection) -> None:
        leaf = one(conn, "SELECT leaf_hash FROM entries WHERE idx = ?", index)
        conn.execute(
            "UPDATE entries SET leaf_hash = ? WHERE idx = ?", (flip(leaf, position, mask), index)
        )

    return change


def node_byte(level: int, index: int, position: int, mask: int = 0x01) -> Tamper:
    def change(conn: sqlite3.Connection) -> None:
        h = one(conn, "SELECT hash FROM nodes WHERE level = ? AND idx = ?", level, index)
        conn.execute(
            "UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?",
            (flip(h, position, mask), level, index),
        )

    return change


def note_byte(size: int, position: int, mask: int = 0x01) -> Tamper:
    def change(conn: sqlite3.Connection) -> None:
        note = one(conn, "SELECT CAST(note AS BLOB) FROM checkpoints WHERE size = ?", size)
        conn.execute(
            "UPDATE checkpoints SET note = CAST(? AS TEXT) WHERE size = ?",
            (flip(note, position, mask), size),
        )

    return change


def signature_padding_bits(size: int) -> Tamper:
    """Change the unused low bits of the signature's last base64 character."""

    def change(conn: sqlite3.Connection) -> None:
        (note,) = conn.execute("SELECT note FROM checkpoints WHERE size = ?", (size,)).fetchone()
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        at = note.rindex("=") - 1
        same_bits = alphabet[alphabet.index(note[at]) ^ 0b01]
        conn.execute(
            "UPDATE checkpoints SET note = ? WHERE size = ?",
            (note[:at] + same_bits + note[at + 1 :], size),
        )

    return change


def sql(statement: str, *args: object) -> Tamper:
    def change(conn: sqlite3.Connection) -> None:
        conn.execute(statement, args)

    return change


def insert_entry(index: int) -> Tamper:
    data = canonical_json(event(index))
    return sql(
        "INSERT INTO entries (production, idx, data, leaf_hash) VALUES (?, ?, ?, ?)",
        SLUG,
        index,
        data,
        leaf_hash(data),
    )


def swap_entries(a: int, b: int, *, with_leaf_hashes: bool) -> Tamper:
    columns = ("data", "leaf_hash") if with_leaf_hashes else ("data",)

    def change(conn: sqlite3.Connection) -> None:
        for column in columns:
            va = one(conn, f"SELECT {column} FROM entries WHERE idx = ?", a)
            vb = one(conn, f"SELECT {column} FROM entries WHERE idx = ?", b)
            conn.execute(f"UPDATE entries SET {column} = ? WHERE idx = ?", (vb, a))
            conn.execute(f"UPDATE entries SET {column} = ? WHERE idx = ?", (va, b))

    return change


def rewrite_entry(index: int, *, recompute_nodes: bool) -> Tamper:
    """Replace an entry with other canonical bytes and a matching leaf hash (and nodes)."""
    forged = canonical_json({**event(index), "name": "Someone else"})

    def change(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE entries SET data = ?, leaf_hash = ? WHERE idx = ?",
            (forged, leaf_hash(forged), index),
        )
        if recompute_nodes:
            leaves = [
                bytes(h) for (h,) in conn.execute("SELECT leaf_hash FROM entries ORDER BY idx")
            ]
            tree = MemoryTree(leaves)
            for level, idx in conn.execute("SELECT level, idx FROM nodes").fetchall():
                (h,) = tree.nodes([(level, idx)])
                conn.execute(
                    "UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?", (h, level, idx)
                )

    return change


CASES = [
    # Entries and their leaf hashes.
    pytest.param(entry_byte(0, 0), r"^entry 0: its bytes", id="first byte of entry 0"),
    pytest.param(entry_byte(17, 40, 0x20), r"^entry 17: its bytes", id="a byte of entry 17"),
    pytest.param(entry_byte(39, -1), r"^entry 39: its bytes", id="last byte of the last entry"),
    pytest.param(leaf_byte(0, 31), r"^entry 0: its bytes", id="leaf hash of entry 0"),
    pytest.param(leaf_byte(22, 0, 0x80), r"^entry 22: its bytes", id="leaf hash of entry 22"),
    pytest.param(
        rewrite_entry(17, recompute_nodes=False),
        r"^tree node \(level 1, index 8\) over entries 16-17 does not match",
        id="entry rewritten with its leaf hash",
    ),
    pytest.param(
        rewrite_entry(17, recompute_nodes=True),
        r"^checkpoint at size 25: the entries do not have the signed root hash",
        id="entry rewritten with its leaf hash and every tree node",
    ),
    # Deleted, inserted and reordered entries.
    pytest.param(
        sql("DELETE FROM entries WHERE idx = 20"),
        r"^entry 20 is missing \(the next stored entry is 21\)",
        id="middle entry deleted",
    ),
    pytest.param(
        sql("DELETE FROM entries WHERE idx = 39"),
        r"^entry 39 is missing: .* checkpoint at size 40",
        id="last entry deleted",
    ),
    pytest.param(
        sql("DELETE FROM entries WHERE idx >= 30"),
        r"^entries 30-39 are missing: .* checkpoint at size 40",
        id="last ten entries deleted",
    ),
    pytest.param(
        insert_entry(40),
        r"^entry 40 is not covered by any signed checkpoint \(the latest is at size 40\)",
        id="entry inserted after the last",
    ),
    pytest.param(insert_entry(1000), r"^entry 1000 is not covered", id="entry inserted far out"),
    pytest.param(insert_entry(-1), r"^entry -1 has an index outside", id="entry inserted at -1"),
    pytest.param(
        swap_entries(5, 30, with_leaf_hashes=False),
        r"^entry 5: its bytes",
        id="two entries swapped",
    ),
    pytest.param(
        swap_entries(5, 30, with_leaf_hashes=True),
        r"^tree node \(level 1, index 2\) over entries 4-5 does not match",
        id="two entries swapped with their leaf hashes",
    ),
    pytest.param(
        swap_entries(38, 39, with_leaf_hashes=True),
        r"^tree node \(level 1, index 19\) over entries 38-39 does not match",
        id="the last two entries swapped with their leaf hashes",
    ),
    # Tree nodes.
    pytest.param(node_byte(1, 3, 0), r"^tree node \(level 1, index 3\)", id="a level-1 node"),
    pytest.param(node_byte(5, 0, 31), r"^tree node \(level 5, index 0\)", id="the level-5 node"),
    pytest.param(
        sql("UPDATE nodes SET hash = substr(hash, 1, 31) WHERE level = 2 AND idx = 1"),
        r"^tree node \(level 2, index 1\) over entries 4-7 does not match",
        id="node hash truncated",
    ),
    pytest.param(
        sql("DELETE FROM nodes WHERE level = 2 AND idx = 5"),
        r"^tree node \(level 2, index 5\) over entries 20-23 is missing",
        id="node deleted",
    ),
    pytest.param(
        sql("DELETE FROM nodes WHERE level = 3 AND idx = 4"),
        r"^tree node \(level 3, index 4\) over entries 32-39 is missing",
        id="last node of a level deleted",
    ),
    pytest.param(
        sql("INSERT INTO nodes VALUES (?, 1, 20, zeroblob(32))", SLUG),
        r"^tree node \(level 1, index 20\) belongs to no entry",
        id="spurious node past the end",
    ),
    pytest.param(
        sql("INSERT INTO nodes VALUES (?, 9, 0, zeroblob(32))", SLUG),
        r"^tree node \(level 9, index 0\) belongs to no entry",
        id="spurious node above the root",
    ),
    pytest.param(
        sql("INSERT INTO nodes VALUES (?, 0, 3, zeroblob(32))", SLUG),
        r"^tree node \(level 0, index 3\) belongs to no entry",
        id="spurious node at level 0",
    ),
    # Checkpoints.
    pytest.param(note_byte(1, 0), r"^checkpoint at size 1: ", id="origin of checkpoint 1"),
    pytest.param(
        note_byte(25, len(f"showclear.example/productions/{SLUG}\n")),
        r"^checkpoint at size 25: ",
        id="size line of checkpoint 25",
    ),
    pytest.param(note_byte(13, -1, 0x20), r"^checkpoint at size 13: ", id="last byte of a note"),
    pytest.param(note_byte(40, -10), r"^checkpoint at size 40: ", id="signature of the latest"),
    pytest.param(
        signature_padding_bits(12),
        r"^checkpoint at size 12: signature by .* is not in canonical base64",
        id="unused bits of a signature's base64",
    ),
    pytest.param(
        sql("UPDATE checkpoints SET size = 26 WHERE size = 25"),
        r"^checkpoint stored at size 26 is signed for size 25",
        id="checkpoint moved to another size",
    ),
    pytest.param(
        sql(
            "UPDATE checkpoints SET note = (SELECT note FROM checkpoints WHERE size = 4) "
            "WHERE size = 12"
        ),
        r"^checkpoint stored at size 12 is signed for size 4",
        id="checkpoint replaced by an older one",
    ),
    pytest.param(
        sql("DELETE FROM checkpoints WHERE size = 40"),
        r"^entry 32 is not covered by any signed checkpoint \(the latest is at size 32\)",
        id="latest checkpoint deleted",
    ),
    # The production's own record.
    pytest.param(
        sql("UPDATE productions SET size = 41"),
        r"^the production records 41 entries but the ledger holds 40",
        id="production size changed",
    ),
    pytest.param(
        sql(
            "UPDATE productions SET verifier_key = "
            "'showclear.example/productions/dust-creek+c1b8f0dd+"
            "ATYgXzN5E4zeGs3wwyjjrRkwqhw6QhZnAD9onu72i2ip'"
        ),
        r"verifier key|^entry 0 does not name this production's public key",
        id="production key replaced",
    ),
]


def test_the_untouched_ledger_verifies(ledger: Path) -> None:
    """The template itself is sound, so every failure below comes from the damage."""
    report = verify(ledger)
    assert report.problem is None
    assert (report.entries, report.checkpoints) == (SIZE, len(CHECKPOINTS))


@pytest.mark.parametrize(("damage", "place"), CASES)
def test_damage_makes_verify_fail_naming_the_place(
    ledger: Path, damage: Tamper, place: str
) -> None:
    """App.verify reports not-ok, and its problem names the entry, node or checkpoint."""
    tamper(ledger, damage)
    report = verify(ledger)
    assert not report.ok
    assert report.problem is not None
    assert re.search(place, report.problem), report.problem


@pytest.mark.parametrize(("damage", "place"), CASES)
def test_damage_makes_showclear_verify_exit_1_naming_the_place(
    ledger: Path, damage: Tamper, place: str, showclear: Callable[..., CliRun]
) -> None:
    """``showclear verify`` prints FAILED with the place on stderr and exits 1."""
    tamper(ledger, damage)
    run = showclear("--db", str(ledger), "verify")
    assert run.code == 1, run.err
    message = run.err_text
    assert message.startswith("FAILED: ")
    assert re.search(place.removeprefix("^"), message), message


# -- any byte, anywhere ---------------------------------------------------------------


def _lengths(template: Path) -> tuple[list[int], list[tuple[int, int]], dict[int, int]]:
    with closing(sqlite3.connect(template)) as conn:
        entries = [n for (n,) in conn.execute("SELECT length(data) FROM entries ORDER BY idx")]
        nodes = conn.execute("SELECT level, idx FROM nodes ORDER BY level, idx").fetchall()
        notes = dict(conn.execute("SELECT size, length(CAST(note AS BLOB)) FROM checkpoints"))
    return entries, nodes, notes


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_changing_any_byte_of_any_stored_value_fails_naming_its_place(
    template: Path, data: st.DataObject
) -> None:
    """Any bit pattern XORed into any byte of an entry, leaf hash, node or note is caught."""
    entries, nodes, notes = _lengths(template)
    kind = data.draw(st.sampled_from(["entry", "leaf", "node", "note"]), label="kind")
    mask = data.draw(st.integers(1, 255), label="mask")
    if kind in ("entry", "leaf"):
        index = data.draw(st.integers(0, SIZE - 1), label="index")
        length = entries[index] if kind == "entry" else 32
        position = data.draw(st.integers(0, length - 1), label="position")
        damage = (entry_byte if kind == "entry" else leaf_byte)(index, position, mask)
        place = rf"^entry {index}: its bytes do not match its stored leaf hash"
    elif kind == "node":
        level, index = data.draw(st.sampled_from(nodes), label="node")
        damage = node_byte(level, index, data.draw(st.integers(0, 31), label="position"), mask)
        place = rf"^tree node \(level {level}, index {index}\) .* does not match"
    else:
        size = data.draw(st.sampled_from(CHECKPOINTS), label="checkpoint")
        position = data.draw(st.integers(0, notes[size] - 1), label="position")
        damage = note_byte(size, position, mask)
        place = rf"^checkpoint at size {size}: "
    with copy_of(template) as ledger:
        tamper(ledger, damage)
        report = verify(ledger)
    assert report.problem is not None
    assert re.search(place, report.problem), report.problem


def test_a_changed_letter_in_a_registrations_field_name_is_named_by_its_hash(
    template: Path,
) -> None:
    """Found by the test above in CI: one bit of entry 1 turned its field "person" into
    "qerson", and the passkey check read the field the entry no longer had (a KeyError);
    the change is named by the entry's hash, as any other changed byte."""
    data = _entry_data(template, 1)
    position = data.index(b'"person"') + 1
    assert data[position : position + 1] == b"p"
    with copy_of(template) as ledger:
        tamper(ledger, entry_byte(1, position, 0x01))
        report = verify(ledger)
    assert report.problem is not None
    assert re.search(r"^entry 1: its bytes do not match its stored leaf hash", report.problem)


def _entry_data(template: Path, index: int) -> bytes:
    with closing(sqlite3.connect(template)) as conn:
        (data,) = conn.execute("SELECT data FROM entries WHERE idx = ?", (index,)).fetchone()
    return bytes(data)
