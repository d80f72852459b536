"""Merkle tree hashing and proofs, exactly as RFC 9162 §2.1 (RFC 6962 §2.1).

- Leaf hash: ``SHA-256(0x00 || entry)``; node hash: ``SHA-256(0x01 || left || right)``
  (§2.1.1); the empty tree's root is ``SHA-256("")``.
- A tree of ``n > 1`` leaves splits at ``k``, the largest power of two below ``n``.
- Inclusion proofs (§2.1.3) and consistency proofs (§2.1.4) are the RFC's audit
  paths, 0-based indexes, ordered from the leaf (or old root) upwards.

Proof generation reads only the hashes of *complete* subtrees, addressed as
``(level, index)``: the subtree over leaves ``[index * 2**level, (index + 1) *
2**level)``. Any range the RFC's recursion names is the right fold of at most
``log2(n)`` such subtrees, so a proof costs O(log n) node reads from any
:class:`NodeSource` (memory here, database tables in ``showclear.store``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from showclear.ledger.errors import ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "CompactRange",
    "MemoryTree",
    "NodeSource",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

#: RFC 9162 §2.1.1 domain separation: leaves and interior nodes never collide.
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Coord = tuple[int, int]


def leaf_hash(entry: bytes) -> bytes:
    """Return the RFC 9162 leaf hash of one entry's exact bytes."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 hash of an interior node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    """Anything that can return the hashes of complete subtrees."""

    def nodes(self, coords: Sequence[Coord]) -> Sequence[bytes]:
        """Return the hash at each ``(level, index)``, in the same order."""
        ...


def _chunks(start: int, end: int) -> list[Coord]:
    """Decompose ``[start, end)`` into maximal aligned complete subtrees, left to right."""
    coords: list[Coord] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        coords.append((level, start >> level))
        start += 1 << level
    return coords


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Right-fold subtree hashes into the root of their range."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _range_hashes(ranges: Sequence[tuple[int, int]], source: NodeSource) -> list[bytes]:
    # One batched read for every subtree any range needs.
    per_range = [_chunks(a, b) for a, b in ranges]
    wanted = sorted({c for chunks in per_range for c in chunks})
    found = dict(zip(wanted, source.nodes(wanted), strict=True))
    return [_fold([found[c] for c in chunks]) for chunks in per_range]


def tree_root(size: int, source: NodeSource) -> bytes:
    """Return the root hash of the first ``size`` leaves."""
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    if size == 0:
        return EMPTY_ROOT
    return _range_hashes([(0, size)], source)[0]


def _path_ranges(m: int, start: int, end: int) -> list[tuple[int, int]]:
    # RFC 9162 §2.1.3.1: PATH(m, D[n]).
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path_ranges(m, start, start + k), (start + k, end)]
    return [*_path_ranges(m - k, start + k, end), (start, start + k)]


def _subproof_ranges(m: int, start: int, end: int, complete: bool) -> list[tuple[int, int]]:
    # RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], b).
    n = end - start
    if m == n:
        return [] if complete else [(start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof_ranges(m, start, start + k, complete), (start + k, end)]
    return [*_subproof_ranges(m - k, start + k, end, False), (start, start + k)]


def inclusion_proof(index: int, size: int, source: NodeSource) -> list[bytes]:
    """Return the audit path proving leaf ``index`` is in the tree of ``size`` leaves.

    Raises:
        ProofError: ``index`` is not in ``[0, size)``.
    """
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    return _range_hashes(_path_ranges(index, 0, size), source)


def consistency_proof(old_size: int, new_size: int, source: NodeSource) -> list[bytes]:
    """Return the proof that the tree of ``old_size`` leaves is a prefix of ``new_size``.

    Raises:
        ProofError: ``old_size`` is 0 or greater than ``new_size``.
    """
    if old_size <= 0:
        raise ProofError("a consistency proof needs an old tree of at least one entry")
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        return []
    return _range_hashes(_subproof_ranges(old_size, 0, new_size, True), source)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof (RFC 9162 §2.1.3.2).

    Raises:
        ProofError: the proof does not show ``leaf`` at ``index`` under ``root``.
    """
    # 1. leaf_index must be below tree_size.
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf)}")
    if len(proof) != len(_path_ranges(index, 0, size)):
        raise ProofError(
            f"an inclusion proof for index {index} in size {size} has "
            f"{len(_path_ranges(index, 0, size))} hashes, not {len(proof)}"
        )
    # 2. fn = leaf_index, sn = tree_size - 1; 3. r = hash.
    fn, sn, r = index, size - 1, leaf
    # 4. For each p in the path:
    for p in proof:
        # a. sn == 0 with entries left fails.
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        # b. A right child (or the last node of its level) hashes p on the left.
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # ii. Skip the levels where this node has no right sibling.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        # c. One level up.
        fn >>= 1
        sn >>= 1
    # 5. Both sn == 0 and r == root must hold.
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    if r != root:
        raise ProofError(f"inclusion proof for index {index} does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof (RFC 9162 §2.1.4.2).

    Raises:
        ProofError: the proof does not show the old tree is a prefix of the new one.
    """
    if old_size <= 0:
        raise ProofError("a consistency proof needs an old tree of at least one entry")
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}")
        return
    expected = len(_subproof_ranges(old_size, 0, new_size, True))
    # 1. An empty path fails (and any other length than the RFC's own).
    if len(proof) != expected:
        raise ProofError(
            f"a consistency proof from {old_size} to {new_size} has {expected} hashes, "
            f"not {len(proof)}"
        )
    path = list(proof)
    # 2. If first is an exact power of two, prepend first_hash.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = old_size - 1, new_size - 1
    # 4. Shift both right while LSB(fn) is set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first path value.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        # a. sn == 0 with entries left fails.
        if sn == 0:
            raise ProofError("consistency proof is longer than the tree is deep")
        # b. fn is a right child, or the last node of its level.
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # iii. Shift until LSB(fn) is set or fn is 0.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        # c. One level up.
        fn >>= 1
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash and sn == 0.
    if sn != 0:
        raise ProofError("consistency proof is shorter than the tree is deep")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the root of size {old_size}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the root of size {new_size}")


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the root of a tree given all its leaf hashes."""
    cr = CompactRange()
    for h in leaf_hashes:
        cr.append(h)
    return cr.root()


class CompactRange:
    """The right edge of a tree: the peaks that an append extends.

    Appending a leaf returns every complete subtree it completes, so a store can
    keep all complete-subtree hashes while hashing each node exactly once.
    """

    __slots__ = ("_peaks", "_size")

    def __init__(self, size: int = 0, peaks: Iterable[bytes] = ()) -> None:
        self._size = size
        self._peaks = list(peaks)
        if len(self._peaks) != size.bit_count():
            raise ValueError(
                f"a tree of size {size} has {size.bit_count()} peaks, not {len(self._peaks)}"
            )

    @property
    def size(self) -> int:
        return self._size

    @property
    def peaks(self) -> tuple[bytes, ...]:
        return tuple(self._peaks)

    @staticmethod
    def peak_coords(size: int) -> list[Coord]:
        """The ``(level, index)`` of each peak of a tree of ``size`` leaves, left to right."""
        coords: list[Coord] = []
        offset = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                coords.append((level, offset >> level))
                offset += 1 << level
        return coords

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return each ``(level, index, hash)`` it completes."""
        level, index, cur = 0, self._size, leaf
        made = [(0, index, cur)]
        while index & 1:
            cur = node_hash(self._peaks.pop(), cur)
            level += 1
            index >>= 1
            made.append((level, index, cur))
        self._peaks.append(cur)
        self._size += 1
        return made

    def extend(self, leaves: Iterable[bytes]) -> list[list[bytes]]:
        """Add leaf hashes in order; return the hashes of the nodes they complete, by level.

        ``result[level]`` lists the nodes completed at ``level`` in index order, the
        first at index ``old_size >> level`` (a tree of ``old_size`` leaves has that many
        complete subtrees there); ``result[0]`` is empty, the leaves being the input.
        Every node is hashed exactly once (RFC 9162 §2.1.1).
        """
        # append's step for many leaves in one loop, the node hash inlined and no tuple
        # made per node: verification runs it for every entry (tests/ledger holds the two
        # to the same nodes).
        sha256, peaks, size = hashlib.sha256, self._peaks, self._size
        made: list[list[bytes]] = [[]]
        for leaf in leaves:
            cur, index, level = leaf, size, 0
            # Each trailing 1-bit of the size closes a complete subtree with the peak
            # to its left.
            while index & 1:
                cur = sha256(NODE_PREFIX + peaks.pop() + cur).digest()
                index >>= 1
                level += 1
                if level == len(made):
                    made.append([])
                made[level].append(cur)
            peaks.append(cur)
            size += 1
        self._size = size
        return made

    def root(self) -> bytes:
        """Return the root hash of the tree so far."""
        return _fold(self._peaks) if self._peaks else EMPTY_ROOT


class MemoryTree:
    """A whole tree held in memory: every complete subtree hash, by level."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self._edge = CompactRange()
        for h in leaf_hashes:
            self.append(h)

    @property
    def size(self) -> int:
        return self._edge.size

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash."""
        for level, index, h in self._edge.append(leaf):
            if level == len(self._levels):
                self._levels.append([])
            assert len(self._levels[level]) == index
            self._levels[level].append(h)

    def nodes(self, coords: Sequence[Coord]) -> list[bytes]:
        """Return the hash of each complete subtree ``(level, index)``."""
        try:
            return [self._levels[level][index] for level, index in coords]
        except IndexError:
            raise ProofError(f"the tree of size {self.size} lacks a node in {coords}") from None

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first ``size`` leaves (all by default)."""
        return tree_root(self.size if size is None else size, self)
