"""A mirror keeps its decoded projection between batches, checked against the stored size.

The studio's real store and batches of the set's real entries; the store is wrapped only to
count how often a batch reads the stored projection (the whole state, decoded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.sync.conftest import Set, Studio

from showclear.protocol import Projection, apply
from showclear.service import Keyring
from showclear.service.clock import Clock
from showclear.service.mirrors import Batch, MirrorBatchInvalid, receive_batch
from showclear.store import Session, Store


class _Counted:
    """A session whose ``projection()`` reads are counted; everything else is the real one."""

    def __init__(self, session: Session, reads: list[int]) -> None:
        self._session = session
        self._reads = reads

    def projection(self) -> Any:
        self._reads.append(1)
        return self._session.projection()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class _CountingStore:
    """The studio's real store; its write sessions count their stored-projection reads."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads: list[int] = []

    @contextmanager
    def write(self, slug: str) -> Iterator[Any]:
        with self._store.write(slug) as session:
            yield _Counted(session, self.reads)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@dataclass(eq=False)  # hashed by identity, as an App is
class _Server:
    """A studio server: the real store (counted), the studio's clock and key directory."""

    store: Any
    clock: Clock
    keyring: Keyring
    commit_listeners: list[Callable[[str], None]] = field(default_factory=list)


def _batches(the_set: Set) -> list[Batch]:
    """The set's ledger as batches, each ending at one of its checkpoints."""
    with the_set.app.store.read(the_set.slug) as session:
        sizes = [s for s, _ in session.checkpoints()]
        notes = dict(session.checkpoints())
        data = [r.data for r in session.entries()]
    starts = [0, *sizes[:-1]]
    return [Batch(a, tuple(data[a:b]), (notes[b],)) for a, b in zip(starts, sizes, strict=True)]


def _replayed(studio: Studio, slug: str) -> dict[str, Any]:
    """The projection a full replay of what the mirror stored gives."""
    from showclear.ledger import parse_entry

    projection = Projection({})
    with studio.app.store.read(slug) as session:
        for row in session.entries():
            apply(projection, parse_entry(row.data))  # type: ignore[arg-type]
    return projection.records()


def _stored(studio: Studio, slug: str) -> dict[str, Any]:
    with studio.app.store.read(slug) as session:
        return session.projection()


def test_batches_after_the_first_reuse_the_projection_until_another_server_stores_one(
    the_set: Set, studio: Studio
) -> None:
    """One decode for a server's first batch, none for its next ones; after another server
    (same database) stored a batch, the size differs and it decodes once again. The stored
    projection is the full replay's throughout."""
    slug = the_set.slug
    batches = _batches(the_set)
    assert len(batches) >= 4
    one = _Server(_CountingStore(studio.app.store), studio.app.clock, studio.app.keyring)
    other = _Server(_CountingStore(studio.app.store), studio.app.clock, studio.app.keyring)
    receive_batch(one, slug, studio.token, batches[0])
    receive_batch(one, slug, studio.token, batches[1])
    assert len(one.store.reads) == 1, "the second batch reused the first one's projection"
    receive_batch(other, slug, studio.token, batches[2])  # another studio server
    receive_batch(one, slug, studio.token, batches[3])
    assert len(one.store.reads) == 2, "stale by one batch: decoded again"
    assert _stored(studio, slug) == _replayed(studio, slug)
    for batch in batches[4:]:
        receive_batch(one, slug, studio.token, batch)
    assert len(one.store.reads) == 2
    assert _stored(studio, slug) == _replayed(studio, slug)


def test_a_refused_batch_drops_the_kept_projection(the_set: Set, studio: Studio) -> None:
    """A batch is refused whole; whatever it did to the projection in memory is dropped
    with it, so the next good batch decodes the stored projection again."""
    slug = the_set.slug
    first, second, *_ = _batches(the_set)
    server = _Server(_CountingStore(studio.app.store), studio.app.clock, studio.app.keyring)
    receive_batch(server, slug, studio.token, first)
    # The real entries and one more, under no checkpoint: refused, nothing stored.
    bad = Batch(second.start, (*second.entries, b"{}"), second.checkpoints)
    with pytest.raises(MirrorBatchInvalid):
        receive_batch(server, slug, studio.token, bad)
    receive_batch(server, slug, studio.token, second)
    assert len(server.store.reads) == 2, "the refused batch dropped the kept projection"
    assert _stored(studio, slug) == _replayed(studio, slug)
