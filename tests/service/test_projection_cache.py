"""The decoded projection is kept between commands and checked against the ledger's size.

Issue 17: every command decoded the whole stored projection. Now each process keeps it per
production, tagged with the size it reflects; inside each write transaction the stored
size is compared with it, so a command is never decided against a state another process
has moved on from, and a transaction that fails leaves no trace in it.
"""

from __future__ import annotations

import pytest
from tests.api.world import World, build_world
from tests.conftest import Backend

from showclear.service import TRUSTED, App, FixedClock, build_app
from showclear.service.errors import NotFound
from showclear.service.keys import MemoryKeyring

TAKE_OUT = {"type": "WeaponTakenOut", "actor": "ava", "weapon": "rev-1", "setup": "12a-1"}
CONCERN = {
    "type": "ConcernRaised",
    "actor": "cree",
    "text": "the cart has no lid",
    "anonymous": False,
    "stop_work": False,
}


@pytest.fixture
def world(app: App, clock: FixedClock) -> World:
    return build_world(app, clock, "Dust Creek")


def test_a_command_after_a_command_uses_the_kept_projection_without_decoding_it(
    world: World,
) -> None:
    """The same in-memory projection serves the next command, and it matches the store."""
    app, slug = world.app, world.slug
    app.submit(slug, dict(CONCERN), TRUSTED)
    kept = app.group.state(slug)
    assert kept is not None and kept.size == world.size()
    app.submit(slug, dict(TAKE_OUT), TRUSTED)
    again = app.group.state(slug)
    assert again is not None
    assert again.projection is kept.projection  # not decoded again
    assert again.size == world.size()
    assert again.projection == app.projection(slug)  # what the store holds, record for record
    assert app.verify(slug).ok


def test_another_process_appending_makes_the_next_command_decode_the_store_again(
    backend: Backend, keyring: MemoryKeyring, clock: FixedClock
) -> None:
    """A second App on the same database (another process) takes the weapon out: the first
    one's kept projection is stale, so its own take-out is decided against the store and
    refused."""
    first = build_app(backend.url, keyring=keyring, clock=clock)
    second = build_app(backend.url, keyring=keyring, clock=clock)
    try:
        world = build_world(first, clock, "Dust Creek")
        slug = world.slug
        first.submit(slug, dict(CONCERN), TRUSTED)
        stale = first.group.state(slug)
        assert stale is not None
        taken = second.submit(slug, dict(TAKE_OUT), TRUSTED)
        assert not taken.refused
        again = first.submit(slug, dict(TAKE_OUT), TRUSTED)
        assert again.refused
        assert again.first_index == taken.first_index + 1
        fresh = first.group.state(slug)
        assert fresh is not None and fresh.projection is not stale.projection
        assert fresh.projection == first.projection(slug)
        assert first.verify(slug).ok
    finally:
        second.close()
        first.close()


def test_a_failed_transaction_leaves_the_kept_projection_as_the_store_has_it(
    world: World,
) -> None:
    """A follow-up that raises after the event was decided: nothing recorded, nothing kept."""
    app, slug = world.app, world.slug
    app.submit(slug, dict(CONCERN), TRUSTED)
    size = world.size()

    def fails(_: object) -> None:
        raise NotFound("the follow-up found nothing")

    with pytest.raises(NotFound, match="found nothing"):
        app.submit(slug, dict(TAKE_OUT), TRUSTED, then=fails)
    assert world.size() == size
    assert app.group.state(slug) is None  # dropped with the transaction
    # The weapon is still in storage: the next take-out is decided against the store.
    receipt = app.submit(slug, dict(TAKE_OUT), TRUSTED)
    assert not receipt.refused
    kept = app.group.state(slug)
    assert kept is not None and kept.projection == app.projection(slug)
    assert app.verify(slug).ok
