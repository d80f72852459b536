"""The one-pass log verifier: a sound log passes, and each kind of damage is named.

A small log is built in memory (entries, every complete-subtree hash, checkpoints
signed at a few sizes), then a copy of one part is damaged and the log is checked
with :class:`showclear.ledger.LogVerifier` exactly as a caller feeds it: in batches,
decoding each entry and checking the checkpoints it reaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import (
    BatchFailure,
    Checkpoint,
    CompactRange,
    Ed25519Signer,
    LogVerifier,
    MemoryTree,
    VerificationError,
    canonical_json,
    check_checkpoint,
    check_consistency,
    decode_entry,
    leaf_hash,
    sign_checkpoint,
)

ORIGIN = "showclear.example/productions/test-log"
SIGNER = Ed25519Signer.generate(ORIGIN)
KEY = SIGNER.verifier()


@dataclass(frozen=True)
class Entry:
    index: int
    data: bytes
    leaf_hash: bytes


@dataclass
class Log:
    """A stored log held in memory: what a database would hold, free to damage."""

    entries: list[Entry]
    #: ``level -> index -> hash`` for every complete subtree of level 1 and up.
    levels: dict[int, dict[int, bytes]]
    checkpoints: list[tuple[int, str]]
    reads: list[int] = field(default_factory=list)

    def level_nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        self.reads.append(level)
        return iter(sorted(self.levels.get(level, {}).items()))

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        return [
            self.entries[index].leaf_hash if level == 0 else self.levels[level][index]
            for level, index in coords
        ]


def build(size: int, checkpoint_sizes: Sequence[int]) -> Log:
    """A sound log of ``size`` entries signed at ``checkpoint_sizes``."""
    entries: list[Entry] = []
    levels: dict[int, dict[int, bytes]] = {}
    edge = CompactRange()
    for n in range(size):
        data = canonical_json({"n": n, "type": "Something"})
        entries.append(Entry(n, data, leaf_hash(data)))
        for level, index, node in edge.append(leaf_hash(data)):
            if level:
                levels.setdefault(level, {})[index] = node
    tree = MemoryTree(e.leaf_hash for e in entries)
    checkpoints = [
        (s, sign_checkpoint(Checkpoint(ORIGIN, s, tree.root(s)), [SIGNER]))
        for s in checkpoint_sizes
    ]
    return Log(entries, levels, checkpoints)


def verify(log: Log, batch: int = 4) -> LogVerifier:
    """Check ``log`` as a caller does; raise the first VerificationError in entry order."""
    verifier = LogVerifier(log.checkpoints, KEY, log)
    for start in range(0, len(log.entries), batch):
        chunk = log.entries[start : start + batch]
        verifier.prefetch(len(chunk))
        failure = verifier.hash(chunk)
        done = len(chunk) if failure is None else failure.position
        for entry in chunk[:done]:
            decode_entry(entry)
            verifier.check_checkpoints(entry.index + 1)
        if failure is not None:
            raise failure.error
    verifier.finish(max(log.levels, default=0))
    return verifier


def test_a_sound_log_verifies_and_every_node_is_recomputed() -> None:
    """13 entries under four checkpoints: every root and every stored node checks out."""
    log = build(13, [1, 4, 12, 13])
    verifier = verify(log)
    assert verifier.size == 13
    assert verifier.nodes == sum(len(nodes) for nodes in log.levels.values())
    assert sorted(verifier.signed_roots) == [1, 4, 12, 13]
    assert verifier.signed_roots[13] == MemoryTree(e.leaf_hash for e in log.entries).root()


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 70), batch=st.integers(1, 17), data=st.data())
def test_any_sound_log_verifies_whatever_the_batch_size(
    size: int, batch: int, data: st.DataObject
) -> None:
    """Batches split anywhere in the tree; the verdict and the roots do not change."""
    sizes = sorted(data.draw(st.sets(st.integers(1, size), max_size=5)) | {size})
    log = build(size, sizes)
    verifier = verify(log, batch)
    tree = MemoryTree(e.leaf_hash for e in log.entries)
    assert verifier.signed_roots == {s: tree.root(s) for s in sizes}


def damaged(change: str) -> Log:
    log = build(13, [1, 4, 12, 13])
    entries = log.entries
    if change == "entry bytes":
        e = entries[6]
        entries[6] = Entry(6, e.data.replace(b'"n":6', b'"n":7'), e.leaf_hash)
    elif change == "leaf hash":
        entries[9] = Entry(9, entries[9].data, bytes(32))
    elif change == "not canonical":
        # Its leaf hash matches; the node over entries 4-5 it changes is found at entry 5.
        data = b'{"n": 4}'
        entries[4] = Entry(4, data, leaf_hash(data))
    elif change == "node":
        log.levels[1][2] = bytes(32)
    elif change == "node missing":
        del log.levels[2][1]
    elif change == "extra node":
        log.levels[1][40] = bytes(32)
    elif change == "entry missing":
        del entries[3]
    elif change == "entries missing at the end":
        del entries[10:]
    elif change == "entry after the latest checkpoint":
        data = canonical_json({"n": 13})
        entries.append(Entry(13, data, leaf_hash(data)))
    elif change == "checkpoint of another size":
        log.checkpoints[1] = (4, log.checkpoints[0][1])
    elif change == "checkpoint signed by another key":
        other = Ed25519Signer.generate(ORIGIN)
        tree = MemoryTree(e.leaf_hash for e in entries)
        log.checkpoints[2] = (12, sign_checkpoint(Checkpoint(ORIGIN, 12, tree.root(12)), [other]))
    elif change == "checkpoint over other entries":
        log.checkpoints[2] = (12, sign_checkpoint(Checkpoint(ORIGIN, 12, bytes(32)), [SIGNER]))
    return log


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("entry bytes", r"^entry 6: its bytes do not match its stored leaf hash$"),
        ("leaf hash", r"^entry 9: its bytes do not match its stored leaf hash$"),
        ("not canonical", r"^entry 4: entry bytes are not in canonical form$"),
        ("node", r"^tree node \(level 1, index 2\) over entries 4-5 does not match"),
        ("node missing", r"^tree node \(level 2, index 1\) over entries 4-7 is missing"),
        ("extra node", r"^tree node \(level 1, index 40\) belongs to no entry"),
        ("entry missing", r"^entry 3 is missing \(the next stored entry is 4\)$"),
        ("entries missing at the end", r"^entries 10-12 are missing: .* size 13 was signed"),
        ("entry after the latest checkpoint", r"^entry 13 is not covered by any signed checkpoint"),
        ("checkpoint of another size", r"^checkpoint stored at size 4 is signed for size 1$"),
        ("checkpoint signed by another key", r"^checkpoint at size 12: "),
        ("checkpoint over other entries", r"^checkpoint at size 12: the entries do not have the"),
    ],
)
def test_each_kind_of_damage_is_named(change: str, message: str) -> None:
    """The first failure in entry order is raised, worded for a person to find it."""
    with pytest.raises(VerificationError, match=message):
        verify(damaged(change))


def test_a_hashing_failure_is_returned_with_its_position_not_raised() -> None:
    """hash() stops at the first bad entry and says where, so the entries before it can be
    decoded first."""
    log = damaged("leaf hash")
    verifier = LogVerifier(log.checkpoints, KEY, log)
    verifier.prefetch(13)
    failure = verifier.hash(log.entries)
    assert isinstance(failure, BatchFailure)
    assert failure.position == 9
    assert str(failure.error) == "entry 9: its bytes do not match its stored leaf hash"


def test_checkpoints_are_checked_only_once_their_entries_are_in() -> None:
    """check_checkpoints(size) checks the checkpoints up to size, each once."""
    log = build(13, [1, 4, 12, 13])
    verifier = LogVerifier(log.checkpoints, KEY, log)
    verifier.prefetch(13)
    assert verifier.hash(log.entries) is None
    assert verifier.check_checkpoints(4) == 2
    assert verifier.check_checkpoints(4) == 0
    assert verifier.check_checkpoints(13) == 2


def test_a_log_without_checkpoints_cannot_be_verified() -> None:
    """There is nothing to hold the entries to: a ValueError, not a pass."""
    with pytest.raises(ValueError, match="at least one checkpoint"):
        LogVerifier([], KEY, build(1, [1]))


def test_check_checkpoint_returns_the_signed_root() -> None:
    """A checkpoint that verifies yields its root, for the consistency checks."""
    log = build(4, [4])
    root = MemoryTree(e.leaf_hash for e in log.entries).root()
    assert check_checkpoint(4, log.checkpoints[0][1], {4: root}, KEY) == root


def test_check_consistency_names_the_first_inconsistent_pair() -> None:
    """Roots that no append could join are refused, naming both checkpoints."""
    log = build(8, [8])
    tree = MemoryTree(e.leaf_hash for e in log.entries)
    check_consistency({3: tree.root(3), 8: tree.root(8)}, log)
    with pytest.raises(
        VerificationError, match=re.escape("checkpoint 3 is not consistent with checkpoint 8")
    ):
        check_consistency({3: bytes(32), 8: tree.root(8)}, log)
