"""Full verification of a production's ledger from its stored bytes.

Checks, in one pass over the entries (DESIGN, "The ledger format"):

1. indexes run 0, 1, 2, ... with none missing and none added;
2. every leaf hash is recomputed from the entry's exact stored bytes;
3. every entry is canonical JSON, and entry 0 names the production's key;
4. every stored tree node is recomputed, and no stored node is left over;
5. the root at every stored checkpoint is recomputed, and every checkpoint's
   signature verifies with the production's key;
6. each checkpoint is consistent with the next (an RFC 9162 proof, verified);
7. the latest checkpoint covers every entry, and the production's size agrees.

The first failure stops the check and is named in the report.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from showclear.ledger import (
    CompactRange,
    Ed25519Verifier,
    LedgerError,
    consistency_proof,
    leaf_hash,
    open_checkpoint,
    parse_entry,
    verify_consistency,
)
from showclear.store import Session

__all__ = ["VerifyFailed", "VerifyReport", "verify_ledger"]

Progress = Callable[[int, int], None]
EntryHook = Callable[[int, Any], None]


class VerifyFailed(Exception):
    """The ledger does not verify; the message names the first place that is wrong."""


@dataclass
class VerifyReport:
    """What a verification looked at, how long it took, and the first problem found."""

    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    hashing_seconds: float = 0.0
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


class _StoredLevels:
    """Streams of stored nodes, one per level, consumed as the tree is rebuilt."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._streams: dict[int, Iterator[tuple[int, bytes]]] = {}
        self.count = 0

    def _stream(self, level: int) -> Iterator[tuple[int, bytes]]:
        if level not in self._streams:
            self._streams[level] = self._session.level_nodes(level)
        return self._streams[level]

    def expect(self, level: int, index: int, computed: bytes) -> None:
        got = next(self._stream(level), None)
        first, last = index << level, ((index + 1) << level) - 1
        where = f"tree node (level {level}, index {index}) over entries {first}-{last}"
        if got is None or got[0] > index:
            raise VerifyFailed(f"{where} is missing from the database")
        if got[0] < index:
            raise VerifyFailed(f"tree node (level {level}, index {got[0]}) is stored twice")
        if got[1] != computed:
            raise VerifyFailed(f"{where} does not match the hash of those entries")
        self.count += 1

    def leftovers(self, max_level: int) -> None:
        for level in range(1, max_level + 1):
            extra = next(self._stream(level), None)
            if extra is not None:
                raise VerifyFailed(
                    f"tree node (level {level}, index {extra[0]}) belongs to no entry "
                    "of this ledger (inserted or left behind by deleted entries)"
                )


def verify_ledger(
    session: Session,
    *,
    progress: Progress | None = None,
    on_entry: EntryHook | None = None,
) -> VerifyReport:
    """Recompute and check everything stored for one production.

    ``on_entry(index, event)`` sees every decoded entry in order (the projection
    rebuild uses it). The report's ``problem`` names the first failure; a
    ``VerifyFailed`` raised by ``on_entry`` is reported the same way.
    """
    report = VerifyReport()
    started = time.perf_counter()
    try:
        _verify(session, report, progress, on_entry)
    except VerifyFailed as e:
        report.problem = str(e)
    except LedgerError as e:
        report.problem = f"the ledger cannot be read: {e}"
    report.seconds = time.perf_counter() - started
    return report


def _verify(
    session: Session,
    report: VerifyReport,
    progress: Progress | None,
    on_entry: EntryHook | None,
) -> None:
    info = session.production()
    try:
        verifier = Ed25519Verifier.from_verifier_key(info.verifier_key)
    except LedgerError as e:
        raise VerifyFailed(f"the production's verifier key is unreadable: {e}") from e
    checkpoints = list(session.checkpoints())
    if not checkpoints:
        raise VerifyFailed("the ledger has no checkpoint")
    edge = CompactRange()
    levels = _StoredLevels(session)
    pending = iter(checkpoints)
    next_cp = next(pending, None)
    hashing = 0.0
    total = info.size
    for row in session.entries():
        # 1. No gaps, no insertions.
        if row.index != edge.size:
            raise VerifyFailed(
                f"entry {edge.size} is missing (the next stored entry is {row.index})"
            )
        t0 = time.perf_counter()
        # 2. The leaf hash comes from the exact stored bytes.
        leaf = leaf_hash(row.data)
        if leaf != row.leaf_hash:
            raise VerifyFailed(f"entry {row.index}: its bytes do not match its stored leaf hash")
        # 4. Every node this leaf completes must be stored, identical.
        for level, index, computed in edge.append(leaf):
            if level:
                levels.expect(level, index, computed)
        hashing += time.perf_counter() - t0
        # 3. The bytes are canonical JSON; entry 0 names this production's key.
        try:
            event = parse_entry(row.data)
        except LedgerError as e:
            raise VerifyFailed(f"entry {row.index}: {e}") from e
        if row.index == 0 and (
            not isinstance(event, dict) or event.get("public_key") != info.verifier_key
        ):
            raise VerifyFailed("entry 0 does not name this production's public key")
        if on_entry is not None:
            on_entry(row.index, event)
        # 5. A checkpoint at this size must have this root and a valid signature.
        while next_cp is not None and next_cp[0] == edge.size:
            _check_checkpoint(next_cp, edge.root(), verifier)
            report.checkpoints += 1
            next_cp = next(pending, None)
        if progress is not None and edge.size % 4096 == 0:
            progress(edge.size, total)
    report.entries = edge.size
    report.hashing_seconds = hashing
    if next_cp is not None:
        raise VerifyFailed(
            f"checkpoint at size {next_cp[0]} claims entries the ledger does not hold "
            f"(it holds {edge.size}): entries were deleted"
        )
    levels.leftovers(max(session.max_level(), 0))
    report.nodes = levels.count
    # 6. Each checkpoint is consistent with the next.
    sizes = [size for size, _ in checkpoints]
    roots = {size: open_checkpoint(note, verifier).root for size, note in checkpoints}
    for old, new in itertools.pairwise(sizes):
        try:
            verify_consistency(
                old, new, roots[old], roots[new], consistency_proof(old, new, session)
            )
        except LedgerError as e:
            raise VerifyFailed(
                f"checkpoint {old} is not consistent with checkpoint {new}: {e}"
            ) from e
    # 7. Everything is covered by the latest checkpoint.
    if sizes[-1] != edge.size:
        raise VerifyFailed(
            f"entries {sizes[-1]}-{edge.size - 1} are not covered by any signed checkpoint"
        )
    if info.size != edge.size:
        raise VerifyFailed(
            f"the production records {info.size} entries but the ledger holds {edge.size}"
        )
    if progress is not None:
        progress(edge.size, total)


def _check_checkpoint(checkpoint: tuple[int, str], root: bytes, verifier: Ed25519Verifier) -> None:
    size, note = checkpoint
    try:
        signed = open_checkpoint(note, verifier)
    except LedgerError as e:
        raise VerifyFailed(f"checkpoint at size {size}: {e}") from e
    if signed.size != size:
        raise VerifyFailed(f"checkpoint stored at size {size} is signed for size {signed.size}")
    if signed.root != root:
        raise VerifyFailed(
            f"checkpoint at size {size}: the entries do not have the signed root hash"
        )
