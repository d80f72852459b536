"""No password hash on the command path (issue 17): the confirmation window.

A performer confirming on the armorer's tablet gives their PIN with each inspection. It is
checked with argon2 once; for CONFIRMATION_WINDOW afterwards the same PIN is accepted by a
keyed hash kept in memory. A wrong PIN still goes to argon2 and counts toward the lock-out,
and a lock-out or a new PIN ends the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.api.world import PIN, World, build_world
from tests.conftest import CHEAP_PIN_HASHER, Backend

from showclear.service import App, FixedClock, build_app
from showclear.service.auth import CONFIRMATION_WINDOW, MAX_FAILURES, Argon2idHasher
from showclear.service.errors import AuthError
from showclear.service.keys import MemoryKeyring
from showclear.service.sessions import LockedOut, SignedIn


class CountingHasher:
    """The test suite's argon2id, counting how often a PIN is checked with it."""

    def __init__(self, inner: Argon2idHasher) -> None:
        self.inner = inner
        self.checks = 0

    def hash(self, secret: str, /) -> str:
        return self.inner.hash(secret)

    def verify(self, stored: str, secret: str, /) -> bool:
        self.checks += 1
        return self.inner.verify(stored, secret)

    def check_needs_rehash(self, stored: str, /) -> bool:
        return self.inner.check_needs_rehash(stored)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher(CHEAP_PIN_HASHER)


@pytest.fixture
def counted(
    backend: Backend, keyring: MemoryKeyring, clock: FixedClock, hasher: CountingHasher
) -> Iterator[App]:
    application = build_app(backend.url, keyring=keyring, clock=clock, hasher=hasher)
    yield application
    application.close()


@pytest.fixture
def world(counted: App, clock: FixedClock) -> World:
    built = build_world(counted, clock, "Dust Creek")
    ava = SignedIn(counted.principal_for_token(built.slug, built.tokens["ava"]))
    taken = {"type": "WeaponTakenOut", "weapon": "rev-1", "setup": "12a-1"}
    assert not counted.submit(built.slug, taken, ava).refused
    return built


def inspect(world: World, pin: str) -> None:
    """The armorer shows rev-1 clear to pat, who confirms with ``pin`` on the tablet."""
    ava = world.app.principal_for_token(world.slug, world.tokens["ava"])
    inspection = {
        "type": "ShowClearInspected",
        "weapon": "rev-1",
        "chambers": ["empty"] * 6,
        "barrel_clear": True,
        "performer": "pat",
    }
    receipt = world.app.submit(world.slug, inspection, SignedIn(ava, {"pat": pin}))
    assert receipt.events[0]["type"] == "ShowClearInspected"
    assert receipt.events[0]["performer_confirmed"] is True


def test_a_pin_confirmed_again_within_the_window_is_not_hashed_again(
    world: World, hasher: CountingHasher
) -> None:
    """One argon2 check for the first confirmation, none for the next ones in the window."""
    before = hasher.checks
    inspect(world, PIN["pat"])
    assert hasher.checks == before + 1
    for _ in range(3):
        inspect(world, PIN["pat"])
    assert hasher.checks == before + 1


def test_the_window_closes_after_its_length(
    world: World, hasher: CountingHasher, clock: FixedClock
) -> None:
    """After CONFIRMATION_WINDOW the PIN is checked with argon2 again."""
    inspect(world, PIN["pat"])
    clock.advance(seconds=CONFIRMATION_WINDOW.total_seconds() + 1)
    before = hasher.checks
    inspect(world, PIN["pat"])
    assert hasher.checks == before + 1


def test_a_wrong_pin_in_the_window_is_hashed_counted_and_still_locks_out(
    world: World, hasher: CountingHasher
) -> None:
    """Every wrong PIN goes to argon2 and counts; the lock-out then stops the right PIN too."""
    inspect(world, PIN["pat"])
    before = hasher.checks
    for n in range(MAX_FAILURES - 1):
        with pytest.raises(AuthError, match="wrong PIN"):
            inspect(world, "0000")
        assert hasher.checks == before + n + 1
    with pytest.raises(LockedOut, match="locked out"):
        inspect(world, "0000")
    with pytest.raises(LockedOut, match="locked out"):
        inspect(world, PIN["pat"])  # the window closed with the lock-out


def test_a_right_pin_after_a_wrong_one_is_checked_with_argon2(
    world: World, hasher: CountingHasher
) -> None:
    """A wrong PIN counted since the window opened sends the right one to argon2 (and clears
    the count), so a guesser cannot keep a window open between guesses."""
    inspect(world, PIN["pat"])
    with pytest.raises(AuthError, match="wrong PIN"):
        inspect(world, "0000")
    before = hasher.checks
    inspect(world, PIN["pat"])
    assert hasher.checks == before + 1
    inspect(world, PIN["pat"])
    assert hasher.checks == before + 1  # the window is open again


def test_a_new_pin_ends_the_window_for_the_old_one(world: World, hasher: CountingHasher) -> None:
    """Once pat sets a new PIN, the old one is refused by argon2, not accepted from memory."""
    inspect(world, PIN["pat"])
    pat = world.app.principal_for_token(world.slug, world.tokens["pat"])
    world.app.change_pin(world.slug, pat, "pat", "9753", PIN["pat"])
    before = hasher.checks
    with pytest.raises(AuthError, match="wrong PIN"):
        inspect(world, PIN["pat"])
    assert hasher.checks == before + 1
    inspect(world, "9753")


def test_the_window_is_short() -> None:
    """Minutes, not a shift: a PIN seen over a shoulder is of no use to a device later on."""
    assert timedelta(0) < CONFIRMATION_WINDOW <= timedelta(minutes=5)
