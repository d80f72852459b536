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

Checking a PIN is slow on purpose (argon2). :func:`check_pin` and
:func:`record_pin_attempt` split the check so that the caller verifies the hash
outside any database transaction and only records the outcome in a short write:
a person who guesses PINs cannot hold up everyone else's commands.
"""

from __future__ import annotations

import hashlib
import secrets
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
    "Issued",
    "LockedOut",
    "PinCheck",
    "Principal",
    "SignedIn",
    "TokenInfo",
    "check_pin",
    "check_still_valid",
    "issue",
    "production_of",
    "record_pin_attempt",
    "resolve",
    "token_hash",
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
    rows = [r for r in session.logins(principal.person) if r.id == principal.login.id]
    _live(rows[0] if rows else None, now)


def _live(row: LoginRow | None, now: datetime) -> TokenInfo:
    if row is None:
        raise AuthError("this session or token is not known here; sign in again")
    if row.revoked_at is not None:
        raise AuthError(f"this {row.kind} was revoked at {row.revoked_at}; sign in again")
    if parse_time(row.expires_at) <= now:
        raise AuthError(f"this {row.kind} expired at {row.expires_at}; sign in again")
    return TokenInfo.of(row)


# -- PIN checks: verify outside any transaction, record the outcome in a short one ----


@dataclass(frozen=True)
class PinCheck:
    """The outcome of checking a PIN against its stored hash, before it is recorded."""

    person: str
    ok: bool
    locked_until: str | None = None
    missing: bool = False
    clear_failures: bool = False
    rehash: bool = False

    @property
    def needs_write(self) -> bool:
        """Whether recording this check changes the store (a failure, a reset, a rehash)."""
        if self.missing or self.locked_until is not None:
            return False
        return not self.ok or self.clear_failures or self.rehash

    def refusal(self) -> AuthError | None:
        """The error for a check that failed without anything to record, else None."""
        if self.missing:
            return AuthError(
                f"{self.person} has no PIN on this production; ask the armorer to set one"
            )
        if self.locked_until is not None:
            return LockedOut(
                f"{self.person} is locked out after {MAX_FAILURES} wrong PINs until "
                f"{self.locked_until}; wait, or ask the safety coordinator to reset the PIN",
                person=self.person,
                until=self.locked_until,
            )
        return None


def check_pin(
    credential: tuple[str, int, str | None] | None,
    person: str,
    secret: str,
    now: datetime,
    hasher: PinHasher,
) -> PinCheck:
    """Check ``secret`` against ``person``'s stored credential (slow: argon2), writing nothing."""
    if credential is None:
        return PinCheck(person, ok=False, missing=True)
    secret_hash, failures, locked_until = credential
    if locked_until is not None and parse_time(locked_until) > now:
        return PinCheck(person, ok=False, locked_until=locked_until)
    if not hasher.verify(secret_hash, secret):
        return PinCheck(person, ok=False)
    return PinCheck(
        person,
        ok=True,
        clear_failures=bool(failures or locked_until),
        rehash=hasher.check_needs_rehash(secret_hash),
    )


def record_pin_attempt(
    session: CredentialSession,
    check: PinCheck,
    secret: str,
    now: datetime,
    hasher: PinHasher,
) -> None:
    """Record a check that :attr:`PinCheck.needs_write`: count a failure or clear the count.

    Call inside a write session that commits even when this raises.

    Raises:
        LockedOut: this wrong PIN reached the limit.
        AuthError: a wrong PIN.
    """
    person = check.person
    if check.ok:
        if check.rehash:
            session.set_credential(person, hasher.hash(secret))
        elif check.clear_failures:
            session.set_failures(person, 0, None)
        return
    # Re-read inside this write transaction, so that concurrent wrong PINs all count.
    current = session.credential(person)
    failures = (current[1] if current else 0) + 1
    lock = format_time(now + LOCKOUT) if failures >= MAX_FAILURES else None
    session.set_failures(person, failures, lock)
    if lock:
        raise LockedOut(
            f"wrong PIN for {person}; {failures} wrong PINs in a row, locked out until {lock}",
            person=person,
            until=lock,
        )
    raise AuthError(
        f"wrong PIN for {person} ({MAX_FAILURES - failures} tries left before lock-out)"
    )
