"""Group commit (issue 17): commands of one production queued at once are recorded together.

One writer decides them in order against the projection as the earlier ones left it,
appends them under one signed checkpoint and commits once; each caller gets its own
receipt. Exactly one of many handlers taking the same weapon gets it; a command that
raises gets its exception while the others are recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from tests.api.world import World, build_world
from tests.conftest import Backend, Engine

from showclear.ledger import Ed25519Verifier, TlogProof, open_checkpoint
from showclear.ledger.tlogproof import verify_tlog_proof
from showclear.service import TRUSTED, App, FixedClock, MemoryKeyring, build_app
from showclear.service.commands import Receipt
from showclear.service.errors import Forbidden, NotFound
from showclear.service.ledger import RolledBack
from showclear.service.sessions import SignedIn

TAKE_OUT = {"type": "WeaponTakenOut", "weapon": "rev-1", "setup": "12a-1"}
#: Only an armorer or property master may add storage: the crew is Forbidden (nothing recorded).
CONCERN = {
    "type": "ConcernRaised",
    "actor": "cree",
    "text": "no lid",
    "anonymous": False,
    "stop_work": False,
}
STORAGE = {"type": "StorageAdded", "storage": "cart-2", "name": "Cart", "lockable": True}


@pytest.fixture
def world(app: App, clock: FixedClock) -> World:
    return build_world(app, clock, "Dust Creek")


def signed_in(world: World, person: str) -> SignedIn:
    return SignedIn(world.app.principal_for_token(world.slug, world.tokens[person]))


def checkpoints(app: App, slug: str) -> int:
    with app.store.read(slug) as session:
        return sum(1 for _ in session.checkpoints())


def included(app: App, slug: str, receipt: Receipt) -> bool:
    """Whether each entry of the receipt is in the ledger, proven under the receipt's checkpoint."""
    verifier = Ed25519Verifier.from_verifier_key(app.verifier_key(slug))
    signed = open_checkpoint(receipt.checkpoint_note, verifier)
    if signed.size != receipt.size:
        return False
    for offset, event in enumerate(receipt.events):
        index = receipt.first_index + offset
        _, rows = app.entries(slug, index, 1)
        proof = TlogProof.parse(app.prove_inclusion(slug, index, receipt.size))
        proven = verify_tlog_proof(proof, rows[0].data, verifier)  # raises if it does not hold
        if rows[0].event() != event or (proven.size, proven.root) != (signed.size, signed.root):
            return False
    return True


@contextmanager
def queued(app: App, slug: str, count: int) -> Iterator[None]:
    """Hold the production's writer until ``count`` commands wait, then let them go at once."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app._writer(slug):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    try:
        yield
        line = app.group._line(slug)
        deadline = time.monotonic() + 20
        while len(line.waiting) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(line.waiting) == count
    finally:
        release.set()
        holder.join()


def test_thirty_two_handlers_taking_one_weapon_at_once_let_exactly_one_through(
    world: World,
) -> None:
    """A burst of 32: one allowed, 31 refused and recorded, fewer checkpoints than commands."""
    app, slug = world.app, world.slug
    ava = signed_in(world, "ava")
    size, signed = world.size(), checkpoints(app, slug)
    groups = app.group.groups
    barrier = threading.Barrier(32)

    def take_out(_: int) -> Receipt:
        barrier.wait()
        return app.submit(slug, dict(TAKE_OUT), ava)

    with ThreadPoolExecutor(32) as pool:
        receipts = list(pool.map(take_out, range(32)))

    outcomes = sorted(r.outcome for r in receipts)
    assert outcomes == ["allowed"] + ["refused"] * 31
    assert all(r.events[0]["type"] == "AttemptRefused" for r in receipts if r.refused)
    assert sorted(r.first_index for r in receipts) == list(range(size, size + 32))
    assert world.size() == size + 32
    assert all(included(app, slug, r) for r in receipts)
    assert checkpoints(app, slug) - signed == app.group.groups - groups < 32
    assert app.verify(slug).ok


def test_a_command_that_raises_in_a_group_gets_its_error_and_the_others_are_recorded(
    world: World,
) -> None:
    """Forbidden for the crew member adding storage; the armorer's take-outs are decided in
    order (one allowed, then refused), all under one checkpoint."""
    app, slug = world.app, world.slug
    ava, cree = signed_in(world, "ava"), signed_in(world, "cree")
    size, signed = world.size(), checkpoints(app, slug)
    callers = [ava, cree, ava, cree, ava]
    with queued(app, slug, len(callers)):
        pool = ThreadPoolExecutor(len(callers))
        futures = [
            pool.submit(app.submit, slug, dict(TAKE_OUT if who is ava else STORAGE), who)
            for who in callers
        ]
    results: list[Any] = []
    for future in futures:
        try:
            results.append(future.result(timeout=60))
        except Forbidden as e:
            results.append(e)
    pool.shutdown()
    assert [type(r) for r in results].count(Forbidden) == 2
    recorded = [r for r in results if isinstance(r, Receipt)]
    assert sorted(r.outcome for r in recorded) == ["allowed", "refused", "refused"]
    assert world.size() == size + 3
    assert checkpoints(app, slug) == signed + 1  # one group, one checkpoint
    assert {r.size for r in recorded} == {size + 3}
    assert all(included(app, slug, r) for r in recorded)
    assert app.verify(slug).ok


def test_a_command_that_fails_after_recording_is_run_alone_and_the_rest_still_go_through(
    world: World,
) -> None:
    """A ``then`` that raises spoils the group: each command runs alone, only that one fails."""
    app, slug = world.app, world.slug
    size = world.size()

    def fails(_: object) -> None:
        raise NotFound("the follow-up found nothing")

    concern = {
        "type": "ConcernRaised",
        "actor": "cree",
        "text": "loose grip",
        "anonymous": False,
        "stop_work": False,
    }
    with queued(app, slug, 5):
        pool = ThreadPoolExecutor(5)
        futures = []
        for n in (0, 1, None, 2, 3):  # one at a time, so that they queue in this order
            waiting = len(app.group._line(slug).waiting)
            if n is None:
                futures.append(pool.submit(app.submit, slug, dict(concern), TRUSTED, then=fails))
            else:
                text = {**concern, "text": f"concern {n}"}
                futures.append(pool.submit(app.submit, slug, text, TRUSTED))
            while len(app.group._line(slug).waiting) == waiting:
                time.sleep(0.002)
    results: list[Any] = []
    for future in futures:
        try:
            results.append(future.result(timeout=60))
        except NotFound as e:
            results.append(e)
    pool.shutdown()
    assert isinstance(results[2], NotFound)
    recorded = [r for r in results if isinstance(r, Receipt)]
    assert len(recorded) == 4 and all(r.outcome == "allowed" for r in recorded)
    assert world.size() == size + 4  # the failed one left nothing behind
    texts = [r.events[0]["text"] for r in recorded]
    assert texts == [f"concern {n}" for n in range(4)]
    assert all(included(app, slug, r) for r in recorded)
    assert app.verify(slug).ok


def test_receipts_of_one_group_share_its_checkpoint_and_none_before_the_commit(
    world: World,
) -> None:
    """Every receipt of a group names the group's size and signed note: its entries are in it."""
    app, slug = world.app, world.slug
    ava = signed_in(world, "ava")
    size = world.size()
    concern = {"type": "ConcernRaised", "anonymous": False, "stop_work": False}
    with queued(app, slug, 6):
        pool = ThreadPoolExecutor(6)
        futures = [
            pool.submit(app.submit, slug, {**concern, "text": f"c{n}"}, ava) for n in range(6)
        ]
    receipts = [f.result(timeout=60) for f in futures]
    pool.shutdown()
    assert {r.size for r in receipts} == {size + 6}
    assert len({r.checkpoint_note for r in receipts}) == 1
    assert receipts[0].checkpoint_note == app.checkpoint(slug, size + 6)
    assert sorted(r.first_index for r in receipts) == list(range(size, size + 6))


def test_a_group_whose_transaction_fails_answers_every_command_with_the_error(
    engine: Engine, backend: Backend, clock: FixedClock
) -> None:
    """A database restored behind what the key signed: every queued command of the group
    gets RolledBack (none waits for ever), and nothing is recorded."""
    keys = MemoryKeyring()
    app = build_app(backend.url, keyring=keys, clock=clock)
    world = build_world(app, clock, "Dust Creek")
    app.close()
    backup = engine.clone(backend)
    app = build_app(backend.url, keyring=keys, clock=clock)
    app.submit(world.slug, dict(CONCERN), TRUSTED)  # signed: the backup is now behind
    app.close()
    restored = build_app(backup.url, keyring=keys, clock=clock)
    try:
        size = restored.production(world.slug).size
        with queued(restored, world.slug, 4):
            pool = ThreadPoolExecutor(4)
            futures = [
                pool.submit(restored.submit, world.slug, dict(CONCERN), TRUSTED) for _ in range(4)
            ]
        for future in futures:
            with pytest.raises(RolledBack, match="acknowledged entries were lost"):
                future.result(timeout=60)
        pool.shutdown()
        assert restored.production(world.slug).size == size
    finally:
        restored.close()
        engine.drop(backup)
