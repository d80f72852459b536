"""Copying a production from one store to another, on any two backends.

A copy carries everything the production's ledger needs to be verified and
continued elsewhere, exactly as stored: the productions row (with its public
verifier key), every ledger entry byte for byte, the tree's stored nodes, every
signed checkpoint note, the projection, the credentials' argon2 hashes with
their lockout state, and sign-in sessions and API tokens (their SHA-256 only).
A mirror stays a mirror: its ``mirrors`` row (where the production is written,
how fresh the copy is, the upload token's SHA-256) goes with it, so a copied
mirror never becomes a second writer; the forks a mirror or a promoted writer
refused (``mirror_forks``) go too, as the evidence they are.
Never a private key: keys live in a keyring, outside every store.

The source is read in one read session (one snapshot) and the target written
in one write session, so a failed copy leaves nothing in the target and a copy
never mixes two states of the source. Everything goes through the ``Store``
and ``Session`` port, so it works between any two backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from showclear.store.base import Session, Store

__all__ = ["CopyReport", "copy_production"]

#: Rows per insert batch: big enough to amortize a round trip, small enough for memory.
BATCH = 2048

#: Projection records of people are keyed ``person:<id>``; their credentials are copied.
_PERSON = "person:"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What a copy wrote to the target."""

    slug: str
    size: int
    entries: int
    nodes: int
    checkpoints: int
    records: int
    credentials: int
    logins: int
    checkpoint_note: str | None  # the latest signed checkpoint, identical in both stores
    mirror_source: str | None = None  # where a copied mirror is written; None for a writer
    forks: int = 0  # refused forks kept as evidence, copied with it


def copy_production(source: Store, target: Store, slug: str) -> CopyReport:
    """Copy production ``slug`` from ``source`` into ``target``, as one transaction.

    Raises:
        ProductionNotFound: ``source`` has no production ``slug``.
        ProductionExists: ``target`` already has a production with that slug or
            origin; nothing is overwritten.
        StoreError: either database failed; the target is left unchanged.
    """
    with source.read(slug) as src:
        info = src.production()
        with target.create_production(info) as dst:
            return _copy(src, dst, info.size)


def _copy(src: Session, dst: Session, size: int) -> CopyReport:
    entries = _in_batches(src.entries(), dst.add_entries)
    nodes = 0
    for level in range(1, src.max_level() + 1):
        nodes += _in_batches(
            ((level, index, h) for index, h in src.level_nodes(level)), dst.add_nodes
        )
    checkpoints = 0
    latest: str | None = None
    for checkpoint_size, note in src.checkpoints():
        dst.add_checkpoint(checkpoint_size, note)
        checkpoints += 1
        latest = note
    records = src.projection()
    dst.replace_projection(records)
    credentials = 0
    for person in (key.removeprefix(_PERSON) for key in records if key.startswith(_PERSON)):
        if (credential := src.credential(person)) is not None:
            secret_hash, failures, locked_until = credential
            dst.set_credential(person, secret_hash)
            dst.set_failures(person, failures, locked_until)
            credentials += 1
    logins = src.logins()
    for login in logins:
        dst.add_login(login)
    # A mirror's row says it is read-only here: without it the copy would take commands.
    if (mirror := src.mirror()) is not None:
        dst.add_mirror(mirror)
    forks = src.mirror_forks()
    for fork in forks:
        dst.add_mirror_fork(fork)
    return CopyReport(
        dst.slug,
        size,
        entries,
        nodes,
        checkpoints,
        len(records),
        credentials,
        len(logins),
        latest,
        mirror.source if mirror is not None else None,
        len(forks),
    )


def _in_batches(rows: Iterable[T], write: Callable[[Sequence[T]], None]) -> int:
    count = 0
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        write(batch)
        count += len(batch)
    return count
