"""Attacks by someone on the crew, each refused or impossible (issue #13: ID-OWN, ID-RESET).

Each test is an attack measured on main before the fix: a producer setting the safety
coordinator's PIN alone, old tokens outliving a PIN change, a burst of PIN guesses past the
lock-out, a right guess lifting the lock, an unknown name told apart from a wrong PIN, PINs
of spaces, one device locking people out at will, a sign-off or custody the person never
gave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import CHEAP_PIN_HASHER, START

from showclear.service import App, AuthError, BadRequest, FixedClock, MemoryKeyring, build_app
from showclear.service.auth import MAX_FAILURES
from showclear.service.identity import TRUSTED, Credentials
from showclear.service.sessions import LockedOut, SignInLimiter, TooManyAttempts

SLUG = "dust-creek"
PEOPLE = {
    "ava": (["armorer"], "ava-pin1"),
    "dee": (["first_ad"], "dee-pin1"),
    "sam": (["safety_coordinator"], "sam-pin1"),
    "pru": (["producer"], "pru-pin1"),
    "pia": (["producer"], "pia-pin1"),
}


class CountingHasher:
    """The suite's cheap argon2id, counting every verification (a fake port, not a patch)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.verified = 0
        self.delay = delay
        self._guard = threading.Lock()

    def hash(self, secret: str, /) -> str:
        return CHEAP_PIN_HASHER.hash(secret)

    def verify(self, stored: str, secret: str, /) -> bool:
        with self._guard:
            self.verified += 1
        time.sleep(self.delay)  # a production argon2 takes time; guesses overlap meanwhile
        return CHEAP_PIN_HASHER.verify(stored, secret)

    def check_needs_rehash(self, stored: str, /) -> bool:
        return False


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def app(tmp_path: Path, hasher: CountingHasher) -> Iterator[App]:
    """A production with an armorer, a first AD, a safety coordinator and two producers."""
    application = build_app(
        f"sqlite:///{tmp_path / 'sc.db'}",
        keyring=MemoryKeyring(),
        clock=FixedClock(START),
        hasher=hasher,
    )
    application.init_production("Dust Creek", slug=SLUG)
    for person, (roles, pin) in PEOPLE.items():
        application.submit(
            SLUG,
            {
                "type": "PersonRegistered",
                "actor": None,
                "person": person,
                "name": person,
                "roles": roles,
            },
            TRUSTED,
        )
        application.set_pin(SLUG, person, pin)
    yield application
    application.close()


def _entries(app: App) -> list[dict[str, Any]]:
    _size, rows = app.entries(SLUG, 0, 10_000)
    return [row.event() for row in rows]


def _approve(app: App, approver: str, person: str) -> Any:
    event = {"type": "CredentialResetApproved", "person": person, "kind": "pin"}
    return app.submit(SLUG, event, Credentials(approver, PEOPLE[approver][1]))


def _principal(app: App, person: str, pin: str) -> Any:
    return app.principal_for_token(SLUG, app.login(SLUG, person, pin).secret)


def test_a_producer_cannot_set_the_safety_coordinators_pin_alone(app: App) -> None:
    """Refused by ID-RESET and recorded; the safety coordinator's PIN still works."""
    pru = _principal(app, "pru", "pru-pin1")
    receipt = app.change_pin(SLUG, pru, "sam", "taken-over", None)
    assert receipt.refused and receipt.rule_ids == ["ID-RESET"]
    assert _entries(app)[-1]["type"] == "AttemptRefused"
    assert _entries(app)[-1]["attempted"]["person"] == "sam"
    app.authenticate(SLUG, "sam", "sam-pin1")
    with pytest.raises(AuthError):
        app.authenticate(SLUG, "sam", "taken-over")


def test_one_person_cannot_give_both_approvals_nor_approve_their_own_reset(app: App) -> None:
    """ID-RESET: the same producer twice, two producers, or oneself: refused."""
    assert _approve(app, "sam", "sam").rule_ids == ["ID-RESET"]
    assert not _approve(app, "pru", "ava").refused
    assert _approve(app, "pru", "ava").rule_ids == ["ID-RESET"]
    assert _approve(app, "pia", "ava").rule_ids == ["ID-RESET"]
    app.authenticate(SLUG, "ava", "ava-pin1")  # no reset happened: her PIN still works


def test_a_two_person_reset_ends_old_tokens_and_is_in_the_ledger(app: App) -> None:
    """Safety coordinator + producer: the old PIN and every old token stop working."""
    old = app.login(SLUG, "ava", "ava-pin1", kind="token")
    assert not _approve(app, "pru", "ava").refused
    app.principal_for_token(SLUG, old.secret)  # one approval changes nothing yet
    assert not _approve(app, "sam", "ava").refused
    with pytest.raises(AuthError, match="revoked"):
        app.principal_for_token(SLUG, old.secret)
    with pytest.raises(AuthError):
        app.authenticate(SLUG, "ava", "ava-pin1")
    # One of the approvers sets the new PIN, with the armorer there to type it.
    receipt = app.enrol_pin(SLUG, "ava", "ava-new-pin", actor="sam")
    assert not receipt.refused
    app.authenticate(SLUG, "ava", "ava-new-pin")
    kinds = [e["type"] for e in _entries(app)[-3:]]
    assert kinds == ["CredentialResetApproved", "CredentialResetApproved", "CredentialEnrolled"]
    assert _entries(app)[-1] == {
        **_entries(app)[-1],
        "person": "ava",
        "actor": "sam",
        "reset": True,
    }
    assert "ava-new-pin" not in str(_entries(app))


def test_a_new_pin_ends_every_session_and_token_of_the_person(app: App) -> None:
    """A PIN changed by the person, with the current PIN: their old token stops working."""
    old = app.login(SLUG, "dee", "dee-pin1", kind="token")
    dee = app.principal_for_token(SLUG, old.secret)
    assert not app.change_pin(SLUG, dee, "dee", "dee-pin2", "dee-pin1").refused
    with pytest.raises(AuthError, match="revoked"):
        app.principal_for_token(SLUG, old.secret)


def test_a_burst_of_twenty_wrong_pins_checks_at_most_five(app: App, hasher: CountingHasher) -> None:
    """The lock-out check and count are one step: 20 concurrent guesses, 5 argon2 checks."""
    hasher.verified, hasher.delay = 0, 0.05
    barrier = threading.Barrier(20)

    def guess(n: int) -> str:
        barrier.wait()
        try:
            app.authenticate(SLUG, "sam", f"guess-{n:04d}")
        except LockedOut:
            return "locked"
        except AuthError:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(guess, range(20)))
    assert hasher.verified <= MAX_FAILURES
    assert "in" not in outcomes and outcomes.count("locked") >= 20 - MAX_FAILURES + 1
    assert [e["type"] for e in _entries(app)].count("PersonLockedOut") == 1


def test_a_right_pin_does_not_lift_a_lock_another_guess_set(app: App) -> None:
    """While locked out, even the right PIN is refused; the lock stands."""
    for n in range(MAX_FAILURES - 1):
        with pytest.raises(AuthError):
            app.authenticate(SLUG, "sam", f"wrong-{n}")
    with pytest.raises(LockedOut):
        app.authenticate(SLUG, "sam", "wrong-last")
    with pytest.raises(LockedOut):
        app.authenticate(SLUG, "sam", "sam-pin1")
    entry = _entries(app)[-1]
    assert entry["type"] == "PersonLockedOut" and entry["person"] == "sam"


def test_an_unknown_name_and_a_wrong_pin_answer_the_same(app: App, hasher: CountingHasher) -> None:
    """Same words (but the name), and the same argon2 work: a dummy hash is checked."""
    answers = []
    for person in ("ava", "nobody"):
        hasher.verified = 0
        with pytest.raises(AuthError) as caught:
            app.login(SLUG, person, "1234-wrong")
        assert hasher.verified == 1
        answers.append((type(caught.value), str(caught.value).replace(person, "X")))
    assert answers[0] == answers[1]


def test_an_unknown_name_and_a_wrong_pin_take_the_same_time(
    app: App, hasher: CountingHasher
) -> None:
    """With a slow hash, both take at least its time (9 ms vs 99 ms before)."""
    hasher.delay = 0.05
    times = []
    for person in ("ava", "nobody", "ava", "nobody"):
        start = time.perf_counter()
        with pytest.raises(AuthError):
            app.authenticate(SLUG, person, "1234-wrong")
        times.append(time.perf_counter() - start)
    assert min(times) >= 0.05
    assert max(times) < 2 * min(times) + 0.05


@pytest.mark.parametrize("pin", ["    ", "  1 2 ", "\t\t\t\t\t"])
def test_a_pin_of_spaces_is_refused(app: App, pin: str) -> None:
    """At least 4 characters that are not spaces."""
    dee = _principal(app, "dee", "dee-pin1")
    with pytest.raises(BadRequest, match="not spaces"):
        app.change_pin(SLUG, dee, "dee", pin, "dee-pin1")


def test_one_device_cannot_lock_people_out_at_will(app: App) -> None:
    """Past its limit a device waits, and its guesses no longer count against people."""
    app.sign_in_limiter = SignInLimiter(limit=3)
    for n in range(3):
        with pytest.raises(AuthError):
            app.login(SLUG, "sam", f"wrong-{n}", client="10.0.0.66")
    with pytest.raises(TooManyAttempts, match="wait"):
        app.login(SLUG, "sam", "wrong-3", client="10.0.0.66")
    with pytest.raises(TooManyAttempts):
        app.login(SLUG, "sam", "wrong-4", client="10.0.0.66")
    app.login(SLUG, "sam", "sam-pin1", client="10.0.0.7")  # not locked out: 3 counted


def test_a_sign_off_the_handler_never_gave_is_refused(app: App) -> None:
    """The first AD names the armorer in handler_signoff: ID-OWN, without ava's PIN."""
    plan = {
        "type": "SetupPlanned",
        "setup": "90a",
        "scene": "90",
        "kind": "take",
        "weapons": [],
        "direction": "toward camera",
        "people_near": [],
        "handler_signoff": "ava",
    }
    receipt = app.submit(SLUG, plan, Credentials("dee", "dee-pin1"))
    assert "ID-OWN" in receipt.rule_ids
    given = app.submit(
        SLUG, {**plan, "setup": "90b"}, Credentials("dee", "dee-pin1", {"ava": "ava-pin1"})
    )
    assert not given.refused
    assert given.events[-1]["handler_signoff_confirmed"] is True
    assert given.events[-1]["assurance"] == {"ava": "pin", "dee": "pin"}  # every part: actor too


def test_a_request_cannot_name_another_persons_custody_or_assurance() -> None:
    """secured_by and assurance are not fields of any request body."""
    from showclear.commands import command_for

    assert "secured_by" not in command_for("WeaponFoundUnattended").model_fields
    assert all("assurance" not in model.model_fields for model in _all_commands())


def _all_commands() -> list[Any]:
    from showclear.commands import COMMANDS

    return list(COMMANDS.values())
