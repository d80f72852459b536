"""Signing in: sessions for browsers, API tokens for devices, and PIN checks with lock-out.

A person proves who they are once, with their PIN or password (argon2,
:mod:`showclear.service.auth`); showclear then hands out a random bearer secret
bound to one production and one person:

- a **session** (``kind="session"``, 12 hours by default) for a browser, carried
  in an HTTP-only cookie;
- an **API token** (``kind="token"``, 30 days by default, at most a year) for a
  tablet or a script, sent as ``Authorization: Bearer <token>``.

Both are revocable and expire. The secret is shown once; the store keeps only
its SHA-256 (a 32-byte random secret needs no slow hash). The token text names
its production, ``sc1.<slug>.<secret>``, so that a token presented to another
production is told apart from an unknown one (403, not 401) without a search
across productions, and so that each production's tokens can live in its own
shard.

Checking a PIN is slow on purpose (argon2). :func:`reserve_attempt` takes one of the
person's tries in a short write (so concurrent guesses cannot pass the lock-out),
the caller verifies the hash outside any database transaction, and
:func:`record_attempt` records the outcome in another short write: a person who
guesses PINs cannot hold up everyone else's commands. :class:`SignInLimiter` limits
sign-in attempts per device, so that nobody can lock people out at will.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

from showclear.errors import ErrorKind
from showclear.protocol.time import format_time, parse_time
from showclear.service.auth import LOCKOUT, MAX_FAILURES, PinHasher
from showclear.service.errors import AuthError, BadRequest, Forbidden
from showclear.store.base import CredentialSession, LoginRow

__all__ = [
    "MAX_TOKEN_TTL",
    "SESSION_TTL",
    "TOKEN_PREFIX",
    "TOKEN_TTL",
    "Attempt",
    "Issued",
    "LockedOut",
    "Principal",
    "SignInLimiter",
    "SignedIn",
    "TokenInfo",
    "TooManyAttempts",
    "TriesBusy",
    "check_still_valid",
    "issue",
    "locked_out",
    "production_of",
    "record_attempt",
    "reserve_attempt",
    "resolve",
    "token_hash",
    "wrong_pin",
]

Kind = Literal["session", "token"]

SESSION_TTL: Final = timedelta(hours=12)  # one shoot day
TOKEN_TTL: Final = timedelta(days=30)
MAX_TOKEN_TTL: Final = timedelta(days=365)
TOKEN_PREFIX: Final = "sc1"


class LockedOut(AuthError):
    """A person is locked out after too many wrong PINs in a row."""

    kind = ErrorKind.LOCKED_OUT

    def __init__(self, message: str, *, person: str, until: str) -> None:
        super().__init__(message)
        self.person = person
        self.until = until


@dataclass(frozen=True)
class TokenInfo:
    """What anyone may see of a session or token: never its secret."""

    id: str
    kind: str
    person: str
    label: str | None
    created_at: str
    expires_at: str
    revoked_at: str | None

    @classmethod
    def of(cls, row: LoginRow) -> TokenInfo:
        return cls(
            row.id, row.kind, row.person, row.label, row.created_at, row.expires_at, row.revoked_at
        )


@dataclass(frozen=True)
class Issued:
    """A new session or token: the secret (shown once) and what it is."""

    secret: str = field(repr=False)
    info: TokenInfo


@dataclass(frozen=True)
class Principal:
    """The person a checked session or token speaks for, on one production."""

    production: str
    person: str
    roles: tuple[str, ...]
    login: TokenInfo


@dataclass(frozen=True)
class SignedIn:
    """A command's credentials: the signed-in actor and the PINs of people confirming.

    Only :meth:`showclear.service.App.principal_for_token` makes a :class:`Principal`;
    the service checks again, inside the command's transaction, that its session or
    token is still valid.
    """

    principal: Principal
    confirmations: dict[str, str] = field(default_factory=dict, repr=False)


def token_hash(token: str) -> str:
    """The stored form of a session or token secret: hex SHA-256 of its text."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def production_of(token: str) -> str | None:
    """The production slug a token names, or None if it is not a showclear token."""
    prefix, _, rest = token.partition(".")
    slug, _, secret = rest.rpartition(".")
    if prefix != TOKEN_PREFIX or not slug or not secret:
        return None
    return slug


def issue(
    session: CredentialSession,
    person: str,
    now: datetime,
    *,
    kind: Kind = "session",
    label: str | None = None,
    ttl: timedelta | None = None,
) -> Issued:
    """Create a session or API token for ``person`` on ``session``'s production.

    Raises:
        BadRequest: a lifetime of zero or less, or longer than ``MAX_TOKEN_TTL``.
    """
    ttl = ttl if ttl is not None else (SESSION_TTL if kind == "session" else TOKEN_TTL)
    if ttl <= timedelta(0) or ttl > MAX_TOKEN_TTL:
        raise BadRequest(
            f"a {kind} lasts more than 0 seconds and at most {MAX_TOKEN_TTL.days} days"
        )
    secret = f"{TOKEN_PREFIX}.{session.slug}.{secrets.token_urlsafe(32)}"
    row = LoginRow(
        id=secrets.token_hex(8),
        kind=kind,
        person=person,
        token_hash=token_hash(secret),
        label=label,
        created_at=format_time(now),
        expires_at=format_time(now + ttl),
        revoked_at=None,
    )
    session.add_login(row)
    return Issued(secret, TokenInfo.of(row))


def resolve(session: CredentialSession, token: str, now: datetime) -> TokenInfo:
    """The live session or token of ``session``'s production whose secret is ``token``.

    Raises:
        AuthError: no such session or token here, or it was revoked, or it expired.
    """
    return _live(session.login(token_hash(token)), now)


def check_still_valid(session: CredentialSession, principal: Principal, now: datetime) -> None:
    """Check, in ``session``'s transaction, that ``principal``'s session or token is live.

    Raises:
        Forbidden: the principal is of another production.
        AuthError: the session or token was revoked or expired since it was checked.
    """
    if principal.production != session.slug:
        raise Forbidden(f"this session or token is for production {principal.production!r}")
    row = session.login_by_id(principal.login.id)  # one row by its key: no scan of sign-ins
    _live(row if row is not None and row.person == principal.person else None, now)


def _live(row: LoginRow | None, now: datetime) -> TokenInfo:
    if row is None:
        raise AuthError("this session or token is not known here; sign in again")
    if row.revoked_at is not None:
        raise AuthError(f"this {row.kind} was revoked at {row.revoked_at}; sign in again")
    if parse_time(row.expires_at) <= now:
        raise AuthError(f"this {row.kind} expired at {row.expires_at}; sign in again")
    return TokenInfo.of(row)


# -- PIN checks: reserve a try, verify outside any transaction, record the outcome ----------
#
# A burst of concurrent guesses must not get more than MAX_FAILURES checks: each check first
# takes one of the person's tries in a write transaction (the lock-out check and the count
# are one atomic step), then runs argon2 outside it, then records the outcome. A wrong name
# and a wrong PIN take the same steps (a dummy hash is checked) and get the same answer.


@dataclass(frozen=True)
class Attempt:
    """A PIN check whose try was reserved in the store, before argon2 runs."""

    person: str
    stored: str | None  # the hash to check; None: no credential (a dummy hash is checked)


def wrong_pin(person: str) -> AuthError:
    """The one answer to a wrong PIN and to a name with no PIN here: they must not differ."""
    return AuthError(
        f"wrong PIN for {person}, or no such person here; {MAX_FAILURES} wrong PINs in a "
        f"row lock a person out for {int(LOCKOUT.total_seconds()) // 60} minutes"
    )


def locked_out(person: str, until: str) -> LockedOut:
    """The answer while ``person`` is locked out."""
    return LockedOut(
        f"{person} is locked out after {MAX_FAILURES} wrong PINs in a row until {until}; "
        "wait, or have the safety coordinator and a producer approve a reset of the PIN",
        person=person,
        until=until,
    )


def reserve_attempt(session: CredentialSession, person: str, now: datetime) -> Attempt:
    """Take one of ``person``'s tries, inside the write transaction that checks the lock-out.

    Raises:
        LockedOut: the person is locked out, or every try is taken by checks under way.
    """
    current = session.credential(person)
    if current is None:
        return Attempt(person, None)
    secret_hash, failures, locked_until = current
    if locked_until is not None:
        if parse_time(locked_until) > now:
            raise locked_out(person, locked_until)
        failures = MAX_FAILURES - 1  # after a lock-out ends, one wrong PIN locks again
    if failures >= MAX_FAILURES:
        # Every try is being checked right now (a burst): this one waits for their outcome.
        raise TriesBusy(
            f"{person}'s PINs are being checked too often at once; try again in a moment",
            person=person,
            until=format_time(now + LOCKOUT),
        )
    session.set_failures(person, failures + 1, None)
    return Attempt(person, secret_hash)


def record_attempt(
    session: CredentialSession,
    attempt: Attempt,
    ok: bool,
    secret: str,
    *,
    now: datetime,
    hasher: PinHasher,
) -> str | None:
    """Record a checked PIN; the lock-out's end if this wrong PIN reached the limit, else None.

    A right PIN clears the count, unless another guess locked the person out meanwhile:
    that lock stands. A check made against a PIN changed meanwhile counts for nothing.

    Raises:
        LockedOut: a right PIN while another guess locked the person out.
        AuthError: a wrong PIN or unknown name (the caller raises LockedOut for a new lock).
    """
    person = attempt.person
    current = session.credential(person) if attempt.stored is not None else None
    if current is None or current[0] != attempt.stored:
        raise wrong_pin(person)
    _, failures, locked_until = current
    locked = locked_until is not None and parse_time(locked_until) > now
    if ok:
        if locked:
            raise locked_out(person, str(locked_until))
        if hasher.check_needs_rehash(attempt.stored):
            session.set_credential(person, hasher.hash(secret))
        else:
            session.set_failures(person, 0, None)
        return None
    if locked:
        raise locked_out(person, str(locked_until))
    if failures >= MAX_FAILURES:
        until = format_time(now + LOCKOUT)
        session.set_failures(person, failures, until)
        return until
    raise wrong_pin(person)


class TriesBusy(LockedOut):
    """Every try of a person is taken by PIN checks still under way; wait for their outcome."""


class TooManyAttempts(LockedOut):
    """A device tried to sign in too often; it waits (the people it named are not locked).

    Shown as ``rate-limited`` (429 with ``Retry-After``), not as a person's lock-out.
    """

    kind = ErrorKind.RATE_LIMITED


class SignInLimiter:
    """At most ``limit`` sign-in attempts per client address per ``window``, in memory.

    It keeps an anonymous device from locking people out at will; a person's own lock-out
    after wrong PINs still applies. ``monotonic`` is the clock (seconds), a port for tests.
    """

    def __init__(
        self,
        limit: int = 10,
        window: timedelta = timedelta(minutes=1),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window.total_seconds()
        self._monotonic = monotonic
        self._seen: dict[str, deque[float]] = {}
        self._guard = threading.Lock()

    def take(self, client: str | None, person: str, now: datetime) -> None:
        """Count one attempt by ``client`` (None: not over the network, never limited).

        Raises:
            TooManyAttempts: the client used up its attempts in this window.
        """
        if client is None:
            return
        at = self._monotonic()
        with self._guard:
            if len(self._seen) > 10_000:  # bounded memory: forget clients whose window passed
                self._seen = {c: q for c, q in self._seen.items() if q and q[-1] > at - self.window}
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= at - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                wait = max(1, int(seen[0] + self.window - at) + 1)
                raise TooManyAttempts(
                    f"this device tried to sign in {self.limit} times within "
                    f"{int(self.window)} seconds; wait {wait} seconds and try again",
                    person=person,
                    until=format_time(now + timedelta(seconds=wait)),
                )
            seen.append(at)
