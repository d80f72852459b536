"""Verifying a stored log in one pass over its entries: RFC 9162 §2.1 and C2SP tlog-checkpoint.

A log is stored as its entries (the exact bytes, each with its leaf hash), the hashes
of its complete subtrees (``(level, index)`` as in :mod:`showclear.ledger.merkle`) and
its signed checkpoints. :class:`LogVerifier` rebuilds the tree from the entries, in
index order and in batches, and holds every stored part to what the entries give:

1. indexes run 0, 1, 2, ... with none missing, none added, and none past the
   latest signed checkpoint;
2. every leaf hash is recomputed from the entry's exact bytes (RFC 9162 §2.1.1);
3. every entry is canonical JSON (:func:`~showclear.ledger.canonical.parse_entry`);
4. every stored tree node is recomputed as the compact range grows
   (:class:`~showclear.ledger.merkle.CompactRange`), and no stored node is left over;
5. the root at every checkpoint's size is recomputed, and every checkpoint's signed
   note verifies with the log's key and names that size and root (C2SP
   tlog-checkpoint, C2SP signed-note);
6. each checkpoint is consistent with the next (RFC 9162 §2.1.4): this follows from
   step 5, every root being recomputed from the one stream of entries, so no proof is
   made (:func:`check_consistency` checks roots known otherwise);
7. the latest checkpoint covers every entry.

Steps 1, 2 and 4 run per batch in :meth:`LogVerifier.hash`, which reports the first
failure with its position instead of raising, so that a caller can first decode
(:func:`decode_entry`, step 3) and check what it must of the entries before it, then
the checkpoints they reach (:meth:`LogVerifier.check_checkpoints`, step 5), and so name
the failure that comes first in entry order; :meth:`LogVerifier.finish` does steps 4
and 7 at the end. Checkpoints may come as a stream, read as the entries reach them, so
that memory stays flat at any length. Everything here is pure: the stored nodes come through the
:class:`StoredNodes` port, the entries and checkpoints from the caller.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from showclear.ledger.canonical import JSONValue, parse_entry
from showclear.ledger.checkpoint import open_checkpoint
from showclear.ledger.errors import LedgerError, VerificationError
from showclear.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    NodeSource,
    consistency_proof,
    leaf_hash,
    verify_consistency,
)
from showclear.ledger.note import Ed25519Verifier

__all__ = [
    "BatchFailure",
    "LogVerifier",
    "StoredEntry",
    "StoredNodes",
    "check_checkpoint",
    "check_consistency",
    "decode_entry",
]


class StoredEntry(Protocol):
    """One stored entry: its index, its exact bytes and the leaf hash stored with it."""

    @property
    def index(self) -> int: ...

    @property
    def data(self) -> bytes: ...

    @property
    def leaf_hash(self) -> bytes: ...


class StoredNodes(NodeSource, Protocol):
    """Where a log's stored complete-subtree hashes are read: by coordinates, or a level."""

    def level_nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        """Every stored ``(index, hash)`` at ``level``, in index order."""
        ...


@dataclass(frozen=True)
class BatchFailure:
    """The first entry of a batch that failed steps 1, 2 or 4, and why."""

    position: int
    error: VerificationError


class LogVerifier:
    """The tree rebuilt from a log's entries, checked against what is stored as it grows.

    Feed it the entries in batches: :meth:`prefetch` the stored nodes a batch will
    complete, :meth:`hash` the batch, then :meth:`check_checkpoints` as each decoded
    entry reaches a checkpoint's size; :meth:`finish` when the entries run out.
    """

    def __init__(
        self,
        checkpoints: Iterable[tuple[int, str]],
        key: Ed25519Verifier,
        nodes: StoredNodes,
        *,
        latest: int | None = None,
        keep_roots: bool = True,
    ) -> None:
        """Verify a log with the stored ``(size, signed note)`` ``checkpoints`` and ``nodes``.

        Given ``latest`` (the largest checkpoint size), ``checkpoints`` is read once, in
        order of size, as the entries reach each one: a stream from the database, never
        held whole. Without it they are sorted first. ``keep_roots`` keeps every
        checkpoint's root in :attr:`signed_roots`; a verifier of a long log passes False,
        so that its memory stays flat however many checkpoints there are.

        Raises:
            ValueError: no checkpoint is given.
        """
        if latest is None:
            ordered = sorted(checkpoints)
            if not ordered:
                raise ValueError("a log to verify needs at least one checkpoint")
            latest = ordered[-1][0]
            checkpoints = ordered
        self._key = key
        self._unread: Iterator[tuple[int, str]] | None = iter(checkpoints)
        #: Checkpoints read from the stream and not yet checked, smallest size first.
        self._pending: collections.deque[tuple[int, str]] = collections.deque()
        self._keep = keep_roots
        self._source = nodes
        self._edge = CompactRange()
        self._streams: list[Iterator[tuple[int, bytes]]] = []
        self._ahead: list[list[tuple[int, bytes]]] = []
        self._taken: list[int] = []
        #: The size of the latest checkpoint: no entry may lie at or beyond it.
        self.signed_size = latest
        #: The stored nodes recomputed and found identical so far.
        self.nodes = 0
        #: How many checkpoints were checked so far.
        self.checked = 0
        #: The recomputed root at each checkpoint size reached and not yet checked (and at
        #: every one, with ``keep_roots``).
        self.roots: dict[int, bytes] = {0: EMPTY_ROOT}
        #: The root of every checkpoint checked so far, by size (with ``keep_roots``).
        self.signed_roots: dict[int, bytes] = {}

    def _read_through(self, size: int) -> None:
        """Read checkpoints from the stream up to the first one beyond ``size``."""
        pending = self._pending
        while self._unread is not None and (not pending or pending[-1][0] <= size):
            found = next(self._unread, None)
            if found is None:
                self._unread = None
            else:
                pending.append(found)

    @property
    def size(self) -> int:
        """The number of entries verified so far."""
        return self._edge.size

    def _stream(self, level: int) -> Iterator[tuple[int, bytes]]:
        while len(self._streams) <= level:
            self._streams.append(self._source.level_nodes(len(self._streams)))
        return self._streams[level]

    def prefetch(self, count: int) -> None:
        """Read the stored nodes that the next ``count`` entries complete, level by level,
        and the checkpoints they reach."""
        size = self.size
        end = size + count
        self._read_through(end)
        self._ahead = [[]]
        for level in range(1, end.bit_length()):
            completed = (end >> level) - (size >> level)
            self._ahead.append(list(itertools.islice(self._stream(level), completed)))
        self._taken = [0] * len(self._ahead)

    def hash(self, entries: Sequence[StoredEntry]) -> BatchFailure | None:
        """Steps 1, 2 and 4 for ``entries`` (prefetched); the first failure, if any."""
        start = self.size
        end = start + len(entries)
        # 1. and 2. for the whole batch by list comparison; entry by entry only to find
        #    the first failure.
        leaves = [leaf_hash(entry.data) for entry in entries]
        failure: BatchFailure | None = None
        if not (
            end <= self.signed_size
            and [entry.index for entry in entries] == list(range(start, end))
            and leaves == [entry.leaf_hash for entry in entries]
        ):
            failure = self._first_bad_entry(start, entries, leaves)
            if failure is not None:
                del leaves[failure.position :]
        # 4. The range grows by the sound leaves, stopping at each checkpoint's size for
        #    its root; every node they complete must be stored, identical. A node is
        #    completed by its last leaf, so a bad node comes before any failure above.
        edge, reach = self._edge, start + len(leaves)
        self._read_through(reach)
        sizes = [size for size, _ in self._pending if start < size <= reach]
        for stop in [*sizes, reach]:
            before = edge.size
            made = edge.extend(leaves[before - start : stop - start])
            bad = self._first_bad_node(before, made)
            if bad is not None:
                level, index, got = bad
                position = ((index + 1) << level) - 1 - start
                return BatchFailure(position, _node_problem(level, index, got))
            if stop in sizes:
                self.roots[edge.size] = edge.root()
        return failure

    def _first_bad_node(
        self, before: int, made: list[list[bytes]]
    ) -> tuple[int, int, tuple[int, bytes] | None] | None:
        """The first node of ``made`` (in the order the leaves completed them) that is not
        stored identically, as ``(level, index, what is stored there)``; None if all are.
        """
        bad: tuple[int, int, int, tuple[int, bytes] | None] | None = None
        for level in range(1, len(made)):
            hashes = made[level]
            taken = self._taken[level]
            stored = self._ahead[level][taken : taken + len(hashes)]
            self._taken[level] = taken + len(hashes)
            base = before >> level
            if stored == list(zip(range(base, base + len(hashes)), hashes, strict=True)):
                self.nodes += len(hashes)
                continue
            for k, node in enumerate(hashes):
                got = stored[k] if k < len(stored) else None
                if got != (base + k, node):
                    index = base + k
                    last_leaf = ((index + 1) << level) - 1
                    # Lower levels first among the nodes one leaf completes, as it hashes them.
                    if bad is None or (last_leaf, level) < (bad[0], bad[1]):
                        bad = (last_leaf, level, index, got)
                    break
        return None if bad is None else bad[1:]

    def _first_bad_entry(
        self, start: int, entries: Sequence[StoredEntry], leaves: Sequence[bytes]
    ) -> BatchFailure | None:
        signed_size = self.signed_size
        for position, entry in enumerate(entries):
            size = start + position
            # 1. No gaps, no insertions, nothing past the latest signed checkpoint.
            if entry.index != size and size < signed_size:
                return BatchFailure(position, self._misplaced(entry.index, size))
            if entry.index >= signed_size:
                return BatchFailure(
                    position,
                    VerificationError(
                        f"entry {entry.index} is not covered by any signed checkpoint "
                        f"(the latest is at size {signed_size}): it was added afterwards"
                    ),
                )
            # 2. The leaf hash comes from the exact stored bytes (RFC 9162 §2.1.1).
            if leaves[position] != entry.leaf_hash:
                return BatchFailure(
                    position,
                    VerificationError(
                        f"entry {entry.index}: its bytes do not match its stored leaf hash"
                    ),
                )
        return None

    def _misplaced(self, index: int, size: int) -> VerificationError:
        if index < size:
            return VerificationError(f"entry {index} has an index outside the ledger")
        return VerificationError(
            f"{_entries(size, min(index, self.signed_size))} missing "
            f"(the next stored entry is {index})"
        )

    def check_checkpoints(self, size: int) -> int:
        """Step 5 for every checkpoint up to ``size`` not yet checked; how many it checked.

        Call it once the entries below ``size`` are hashed and decoded.

        Raises:
            VerificationError: a checkpoint does not verify (see :func:`check_checkpoint`).
        """
        pending = self._pending
        if self._unread is not None and (not pending or pending[-1][0] <= size):
            self._read_through(size)
        checked = 0
        while pending and pending[0][0] <= size:
            stored_size, note = pending[0]
            root = check_checkpoint(stored_size, note, self.roots, self._key)
            pending.popleft()
            checked += 1
            if self._keep:
                self.signed_roots[stored_size] = root
            elif stored_size:
                self.roots.pop(stored_size, None)
        self.checked += checked
        return checked

    def finish(self, max_level: int) -> None:
        """Steps 4 and 7 at the end: nothing left over, every entry signed.

        Step 6 (each checkpoint consistent with the next) needs no proof here: every
        checkpoint's root was checked against the tree recomputed from the same entries
        as they streamed past, so each checkpoint's tree is a prefix of the next one's
        by construction; :func:`check_consistency` remains for roots known otherwise.
        ``max_level`` is the highest level any node is stored at.

        Raises:
            VerificationError: entries are missing at the end, a stored node belongs to
                no entry, or entries are not covered by the latest checkpoint.
        """
        self._read_through(self.signed_size)
        if self._pending:
            raise VerificationError(
                f"{_entries(self.size, self.signed_size)} missing: the ledger ends after "
                f"{self.size} entries, but the checkpoint at size {self.signed_size} was "
                f"signed over {self.signed_size}"
            )
        # Level 0 too: leaf hashes live with the entries, so any level-0 node is extra.
        for level in range(max(max_level, 0) + 1):
            extra = next(self._stream(level), None)
            if extra is not None:
                raise VerificationError(_extra_node(level, extra[0]))
        # 7. Everything is covered by the latest checkpoint.
        if self.signed_size != self.size:
            raise VerificationError(
                f"{_entries(self.signed_size, self.size)} not covered by any signed checkpoint"
            )


def decode_entry(entry: StoredEntry) -> JSONValue:
    """Step 3: the entry's value, its bytes being canonical JSON.

    Raises:
        VerificationError: the bytes are not canonical JSON; the message names the entry.
    """
    try:
        return parse_entry(entry.data)
    except LedgerError as e:
        raise VerificationError(f"entry {entry.index}: {e}") from e


def check_checkpoint(
    size: int, note: str, roots: Mapping[int, bytes], key: Ed25519Verifier
) -> bytes:
    """Step 5: the checkpoint stored at ``size`` is signed by ``key`` over the recomputed root.

    Returns the checkpoint's root.

    Raises:
        VerificationError: the note does not verify, names another size, or another root.
    """
    try:
        signed = open_checkpoint(note, key)
    except LedgerError as e:
        raise VerificationError(f"checkpoint at size {size}: {e}") from e
    if signed.size != size:
        raise VerificationError(
            f"checkpoint stored at size {size} is signed for size {signed.size}"
        )
    if roots.get(size) != signed.root:
        raise VerificationError(
            f"checkpoint at size {size}: the entries do not have the signed root hash"
        )
    return signed.root


def check_consistency(signed_roots: Mapping[int, bytes], source: NodeSource) -> None:
    """Step 6: each checkpoint's tree is a prefix of the next one's (RFC 9162 §2.1.4).

    ``signed_roots`` maps each checkpoint's size to its root; the proofs are made from
    ``source`` and verified against those roots.

    Raises:
        VerificationError: names the first pair of checkpoints that is not consistent.
    """
    for old, new in itertools.pairwise(sorted(signed_roots)):
        try:
            verify_consistency(
                old, new, signed_roots[old], signed_roots[new], consistency_proof(old, new, source)
            )
        except LedgerError as e:
            raise VerificationError(
                f"checkpoint {old} is not consistent with checkpoint {new}: {e}"
            ) from e


def _node_problem(level: int, index: int, got: tuple[int, bytes] | None) -> VerificationError:
    first, last = index << level, ((index + 1) << level) - 1
    where = f"tree node (level {level}, index {index}) over entries {first}-{last}"
    if got is None or got[0] > index:
        return VerificationError(f"{where} is missing from the database")
    if got[0] < index:
        return VerificationError(_extra_node(level, got[0]))
    return VerificationError(f"{where} does not match the hash of those entries")


def _extra_node(level: int, index: int) -> str:
    return (
        f"tree node (level {level}, index {index}) belongs to no entry of this ledger "
        "(inserted, or left behind by deleted entries)"
    )


def _entries(start: int, end: int) -> str:
    """``entry 4 is`` or ``entries 4-9 are``, for the half-open range ``[start, end)``."""
    return f"entry {start} is" if end - start <= 1 else f"entries {start}-{end - 1} are"
