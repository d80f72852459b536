"""The service reads what it needs: signing in and account checks read one person's record.

Authentication runs on every request; it must not decode (let alone copy) the whole
projection to find one person's roles. A store that refuses ``projection()`` proves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from showclear.service import App, AuthError, Forbidden, NotFound, Trusted
from showclear.store import Session, Store

SLUG = "dust-creek"
PEOPLE = {"ava": ["armorer"], "sam": ["safety_coordinator"], "cal": ["crew"]}


class _NoWholeProjection:
    """A session that fails the test if the whole projection is read (a fake, not a patch)."""

    def __init__(self, inner: Session, reads: list[str]) -> None:
        self._inner = inner
        self._reads = reads

    def projection(self) -> dict[str, Any]:
        raise AssertionError("read the whole projection to answer a question about one record")

    def record(self, key: str) -> Any:
        self._reads.append(key)
        return self._inner.record(key)

    def logins(self, person: str | None = None) -> Any:
        self._reads.append(f"logins:{person}")
        return self._inner.logins(person)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _WatchedStore:
    """The app's store, whose sessions refuse to read the whole projection."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.reads: list[str] = []

    def _watched(self, opened: AbstractContextManager[Session]) -> Iterator[Any]:
        with opened as session:
            yield _NoWholeProjection(session, self.reads)

    @contextmanager
    def read(self, slug: str) -> Iterator[Any]:
        yield from self._watched(self._inner.read(slug))

    @contextmanager
    def write(self, slug: str) -> Iterator[Any]:
        yield from self._watched(self._inner.write(slug))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def watched(app: App) -> Iterator[_WatchedStore]:
    """A production with three people who have PINs, then a store that watches reads."""
    app.init_production("Dust Creek")
    for person, roles in PEOPLE.items():
        event = {"type": "PersonRegistered", "actor": None, "person": person}
        app.submit(SLUG, {**event, "name": person.title(), "roles": roles}, Trusted())
        app.set_pin(SLUG, person, f"{person}-pin")
    store = _WatchedStore(app.store)
    app.store = store  # type: ignore[assignment]
    yield store
    app.store = store._inner


def test_a_token_is_resolved_to_its_person_and_roles_from_one_record(
    app: App, watched: _WatchedStore
) -> None:
    """principal_for_token reads the token's person alone and carries their roles."""
    issued = app.login(SLUG, "ava", "ava-pin", kind="token")
    watched.reads.clear()
    principal = app.principal_for_token(SLUG, issued.secret)
    assert (principal.person, principal.roles) == ("ava", ("armorer",))
    assert watched.reads == ["person:ava"]


def test_a_token_of_someone_no_longer_on_the_production_is_forbidden(
    app: App, watched: _WatchedStore
) -> None:
    """A token whose person has no record is not a member's: 403, not a crash."""
    issued = app.login(SLUG, "cal", "cal-pin", kind="token")
    with watched._inner.write(SLUG) as session:
        session.put_projection({"person:cal": None})
    with pytest.raises(Forbidden, match="cal is not a member"):
        app.principal_for_token(SLUG, issued.secret)


def test_account_checks_read_only_the_people_they_name(app: App, watched: _WatchedStore) -> None:
    """Listing tokens, revoking one and changing a PIN read the actor and subject only
    (and, for the ledger entry a PIN change is, the production's own records)."""
    sam = app.principal_for_token(SLUG, app.login(SLUG, "sam", "sam-pin").secret)
    cal = app.principal_for_token(SLUG, app.login(SLUG, "cal", "cal-pin").secret)
    assert {t.person for t in app.tokens(SLUG, sam)} == {"sam", "cal"}
    assert {t.person for t in app.tokens(SLUG, cal)} == {"cal"}
    with pytest.raises(Forbidden, match="cal may manage only their own sign-in"):
        app.revoke_token(SLUG, cal, sam.login.id)
    with pytest.raises(NotFound, match="no person 'nobody'"):
        app.change_pin(SLUG, sam, "nobody", "1234", None)
    # ID-RESET: sam alone cannot set cal's PIN; the attempt is recorded, the PIN stays.
    assert app.change_pin(SLUG, sam, "cal", "new-cal-pin", None).refused
    app.authenticate(SLUG, "cal", "cal-pin")
    app.revoke_token(SLUG, sam, cal.login.id)
    own = {"production", "meta", "policy", "credential:sam", "credential:cal", "credential:nobody"}
    records = {read for read in watched.reads if not read.startswith("logins:")}
    assert records <= {"person:sam", "person:cal", "person:nobody", *own}


def test_a_session_is_checked_by_its_id_not_by_listing_sign_ins(
    app: App, watched: _WatchedStore
) -> None:
    """Inside a command, the principal's session is found by its id: many sign-ins of the
    person are not listed, a live one passes and a revoked one is refused."""
    for _ in range(5):
        app.login(SLUG, "ava", "ava-pin")
    ava = app.principal_for_token(SLUG, app.login(SLUG, "ava", "ava-pin").secret)
    other = app.principal_for_token(SLUG, app.login(SLUG, "ava", "ava-pin").secret)
    watched.reads.clear()
    app.revoke_token(SLUG, ava, other.login.id)
    assert not [read for read in watched.reads if read.startswith("logins:")]
    with pytest.raises(AuthError, match="was revoked"):
        app.revoke_token(SLUG, other, ava.login.id)
    with pytest.raises(NotFound, match="no live session or token 'nope'"):
        app.revoke_token(SLUG, ava, "nope")


def test_a_weapon_history_checks_the_weapon_by_its_record(app: App, watched: _WatchedStore) -> None:
    """An unknown weapon is NotFound after reading that one record."""
    with pytest.raises(NotFound, match="no weapon 'rev-9'"):
        app.history(SLUG, "rev-9")
    assert watched.reads == ["weapon:rev-9"]
