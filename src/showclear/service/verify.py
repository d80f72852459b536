"""Full verification of a production's ledger from its stored bytes.

Checks, over the entries in index order (DESIGN, "The ledger format"):

1. indexes run 0, 1, 2, ... with none missing, none added, and none past the
   latest signed checkpoint;
2. every leaf hash is recomputed from the entry's exact stored bytes;
3. every entry is canonical JSON, and entry 0 names the production's key;
4. every stored tree node is recomputed, and no stored node is left over;
5. the root at every stored checkpoint is recomputed, and every checkpoint's
   signature verifies with the production's key (signed notes accept only
   canonical base64, so not one stored byte can change unnoticed);
6. each checkpoint is consistent with the next (an RFC 9162 proof, verified);
7. the latest checkpoint covers every entry, and the production's size agrees.

The first failure, in entry order, stops the check and is named in the report.
Entries, and the stored nodes they complete, are read in chunks; each chunk is
hashed first (steps 1, 2, 4: the ``hashing_seconds`` of the report, reading
excluded) and then decoded and checked (steps 3, 5) up to the first hashing
failure, so the failure reported is the same as if every step ran entry by entry.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from showclear.errors import ErrorKind, ShowclearError
from showclear.ledger import (
    EMPTY_ROOT,
    LEAF_PREFIX,
    MAX_ENTRY_BYTES,
    MAX_SAFE_INTEGER,
    NODE_PREFIX,
    CompactRange,
    Ed25519Verifier,
    EncodingError,
    LedgerError,
    consistency_proof,
    open_checkpoint,
    parse_entry,
    verify_consistency,
)
from showclear.store import EntryRow, Session, StoreError

__all__ = ["VerifyFailed", "VerifyReport", "verify_ledger"]

Progress = Callable[[int, int], None]
EntryHook = Callable[[int, Any], None]

#: Entries read, hashed and then decoded together.
_CHUNK = 2048
#: The lowest index a BIGINT can hold: a row stored below 0 is damage too.
_LOWEST_INDEX = -(2**63)


class VerifyFailed(ShowclearError):
    """The ledger does not verify; the message names the first place that is wrong."""

    kind = ErrorKind.VERIFICATION_FAILED


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
    except (LedgerError, StoreError) as e:
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
    tree = _Rebuild(session, [size for size, _ in checkpoints])
    pending = iter(checkpoints)
    next_cp = next(pending, None)
    signed_roots: dict[int, bytes] = {}
    rows = iter(session.entries(_LOWEST_INDEX))
    while chunk := list(itertools.islice(rows, _CHUNK)):
        tree.read_ahead(len(chunk))
        t0 = time.perf_counter()
        failure = tree.hash(chunk)
        report.hashing_seconds += time.perf_counter() - t0
        done = len(chunk) if failure is None else failure[0]
        for row in itertools.islice(chunk, done):
            # 3. The bytes are canonical JSON; entry 0 names this production's key.
            event = _decode(row)
            if row.index == 0 and (
                not isinstance(event, dict) or event.get("public_key") != info.verifier_key
            ):
                raise VerifyFailed("entry 0 does not name this production's public key")
            if on_entry is not None:
                on_entry(row.index, event)
            # 5. Every checkpoint up to this size has the recomputed root and a valid signature.
            while next_cp is not None and next_cp[0] <= row.index + 1:
                signed_roots[next_cp[0]] = _check_checkpoint(next_cp, tree.roots, verifier)
                report.checkpoints += 1
                next_cp = next(pending, None)
        if failure is not None:
            raise failure[1]
        if progress is not None:
            progress(tree.size, info.size)
    report.entries = tree.size
    if next_cp is not None:
        raise VerifyFailed(
            f"{_entries(tree.size, tree.signed_size)} missing: the ledger ends after "
            f"{tree.size} entries, but the checkpoint at size {tree.signed_size} was "
            f"signed over {tree.signed_size}"
        )
    tree.no_leftover_nodes(session.max_level())
    report.nodes = tree.nodes
    # 6. Each checkpoint is consistent with the next.
    for old, new in itertools.pairwise(sorted(signed_roots)):
        try:
            verify_consistency(
                old,
                new,
                signed_roots[old],
                signed_roots[new],
                consistency_proof(old, new, session),
            )
        except LedgerError as e:
            raise VerifyFailed(
                f"checkpoint {old} is not consistent with checkpoint {new}: {e}"
            ) from e
    # 7. Everything is covered by the latest checkpoint.
    if tree.signed_size != tree.size:
        raise VerifyFailed(
            f"{_entries(tree.signed_size, tree.size)} not covered by any signed checkpoint"
        )
    if info.size != tree.size:
        raise VerifyFailed(
            f"the production records {info.size} entries but the ledger holds {tree.size}"
        )
    if progress is not None:
        progress(tree.size, info.size)


class _Rebuild:
    """The tree rebuilt from the entries, checked against the stored nodes as it grows.

    It keeps the right edge of the tree (the peaks of RFC 9162 §2.1's complete
    subtrees) itself, as ``CompactRange`` does, so that each leaf costs one list
    operation per level it completes and no allocation.
    """

    def __init__(self, session: Session, checkpoint_sizes: Sequence[int]) -> None:
        self._session = session
        self._peaks: list[bytes] = []
        self._streams: list[Iterator[tuple[int, bytes]]] = []
        self._ahead: list[Iterator[tuple[int, bytes]]] = []
        self._wanted = frozenset(checkpoint_sizes)
        self.signed_size = max(checkpoint_sizes)
        self.size = 0
        self.nodes = 0
        #: The recomputed root at every size a checkpoint is stored for.
        self.roots: dict[int, bytes] = {0: EMPTY_ROOT}

    def _stream(self, level: int) -> Iterator[tuple[int, bytes]]:
        while len(self._streams) <= level:
            self._streams.append(self._session.level_nodes(len(self._streams)))
        return self._streams[level]

    def read_ahead(self, count: int) -> None:
        """Read the stored nodes that the next ``count`` leaves complete, level by level."""
        end = self.size + count
        self._ahead = [iter(())]
        for level in range(1, end.bit_length()):
            completed = (end >> level) - (self.size >> level)
            self._ahead.append(iter(list(itertools.islice(self._stream(level), completed))))

    def hash(self, rows: Sequence[EntryRow]) -> tuple[int, VerifyFailed] | None:
        """Steps 1, 2 and 4 for ``rows``; the position and error of the first failure."""
        sha256, peaks, ahead, wanted = hashlib.sha256, self._peaks, self._ahead, self._wanted
        size, signed_size = self.size, self.signed_size
        for position, row in enumerate(rows):
            # 1. No gaps, no insertions, nothing past the latest signed checkpoint.
            if row.index != size and size < signed_size:
                return position, self._misplaced(row.index, size)
            if row.index >= signed_size:
                return position, VerifyFailed(
                    f"entry {row.index} is not covered by any signed checkpoint "
                    f"(the latest is at size {signed_size}): it was added afterwards"
                )
            # 2. The leaf hash comes from the exact stored bytes (RFC 9162 §2.1.1).
            cur = sha256(LEAF_PREFIX + row.data).digest()
            if cur != row.leaf_hash:
                return position, VerifyFailed(
                    f"entry {row.index}: its bytes do not match its stored leaf hash"
                )
            # 4. Each trailing 1-bit of the size closes a complete subtree with the
            #    peak to its left; that node must be stored, identical.
            index, level = size, 0
            while index & 1:
                cur = sha256(NODE_PREFIX + peaks.pop() + cur).digest()
                index >>= 1
                level += 1
                got = next(ahead[level], None)
                if got is None or got[0] != index or got[1] != cur:
                    return position, self._node_problem(level, index, got)
                self.nodes += 1
            peaks.append(cur)
            size += 1
            self.size = size
            if size in wanted:
                self.roots[size] = CompactRange(size, peaks).root()
        return None

    def _misplaced(self, index: int, size: int) -> VerifyFailed:
        if index < size:
            return VerifyFailed(f"entry {index} has an index outside the ledger")
        return VerifyFailed(
            f"{_entries(size, min(index, self.signed_size))} missing "
            f"(the next stored entry is {index})"
        )

    @staticmethod
    def _node_problem(level: int, index: int, got: tuple[int, bytes] | None) -> VerifyFailed:
        first, last = index << level, ((index + 1) << level) - 1
        where = f"tree node (level {level}, index {index}) over entries {first}-{last}"
        if got is None or got[0] > index:
            return VerifyFailed(f"{where} is missing from the database")
        if got[0] < index:
            return VerifyFailed(_extra_node(level, got[0]))
        return VerifyFailed(f"{where} does not match the hash of those entries")

    def no_leftover_nodes(self, max_level: int) -> None:
        """Every stored node must have been recomputed: none may be left unread."""
        # Level 0 too: leaf hashes live with the entries, so any level-0 node is extra.
        for level in range(max(max_level, 0) + 1):
            extra = next(self._stream(level), None)
            if extra is not None:
                raise VerifyFailed(_extra_node(level, extra[0]))


def _extra_node(level: int, index: int) -> str:
    return (
        f"tree node (level {level}, index {index}) belongs to no entry of this ledger "
        "(inserted, or left behind by deleted entries)"
    )


def _entries(start: int, end: int) -> str:
    """``entry 4 is`` or ``entries 4-9 are``, for the half-open range ``[start, end)``."""
    return f"entry {start} is" if end - start <= 1 else f"entries {start}-{end - 1} are"


# -- step 3: canonical entries ------------------------------------------------------

# The same encoder as showclear.ledger.canonical; tests/service/test_verify_canonical.py
# holds _decode to parse_entry's verdict, so the two cannot drift apart unnoticed.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _refuse(text: str) -> Any:
    raise EncodingError(f"entry holds the non-integer number {text}")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise EncodingError(f"integer {text} is outside ±(2**53 - 1)")
    return value


_DECODER = json.JSONDecoder(parse_float=_refuse, parse_int=_safe_int, parse_constant=_refuse)


def _decode(row: EntryRow) -> Any:
    """The entry's value if its bytes are canonical JSON, as ``parse_entry`` decides.

    A fast path for the usual entry (ASCII, under the size limit, integers in
    range): it is canonical exactly when decoding and re-encoding gives back the
    same bytes. Anything else, and every failure, goes through ``parse_entry``,
    which also words the error.
    """
    data = row.data
    if len(data) <= MAX_ENTRY_BYTES and data.isascii():
        try:
            value = _DECODER.decode(data.decode("ascii"))
            if _ENCODER.encode(value).encode("utf-8") == data:
                return value
        except (ValueError, UnicodeError):
            pass
    try:
        return parse_entry(data)
    except LedgerError as e:
        raise VerifyFailed(f"entry {row.index}: {e}") from e


# -- step 5: checkpoints ------------------------------------------------------------------


def _check_checkpoint(
    checkpoint: tuple[int, str], roots: dict[int, bytes], verifier: Ed25519Verifier
) -> bytes:
    """Check one stored checkpoint against the recomputed roots; return its root."""
    size, note = checkpoint
    try:
        signed = open_checkpoint(note, verifier)
    except LedgerError as e:
        raise VerifyFailed(f"checkpoint at size {size}: {e}") from e
    if signed.size != size:
        raise VerifyFailed(f"checkpoint stored at size {size} is signed for size {signed.size}")
    if roots.get(size) != signed.root:
        raise VerifyFailed(
            f"checkpoint at size {size}: the entries do not have the signed root hash"
        )
    return signed.root
