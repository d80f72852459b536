"""People's credentials: argon2-hashed PINs or passwords, with lock-out.

A person proves who they are with their own PIN (or password). Secrets are
stored only as argon2id hashes, outside the ledger. After ``MAX_FAILURES``
wrong attempts in a row the person is locked out for ``LOCKOUT``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from showclear.protocol.time import format_time, parse_time
from showclear.service.errors import AuthError, BadRequest
from showclear.store import Session

__all__ = ["LOCKOUT", "MAX_FAILURES", "MIN_SECRET_LENGTH", "check_secret", "set_secret"]

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_SECRET_LENGTH = 4

# argon2id at OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 25 ms per
# check on a set laptop, so a handoff with two PINs stays quick on a tablet. A short
# PIN cannot be made safe by hashing cost alone; the lock-out above is what stops
# guessing, and the hashes live outside the ledger, which may be handed to others.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def set_secret(session: Session, person: str, secret: str) -> None:
    """Store a new PIN or password for ``person`` (hashed), clearing any lock-out.

    Raises:
        BadRequest: the secret is shorter than ``MIN_SECRET_LENGTH``.
    """
    if len(secret) < MIN_SECRET_LENGTH:
        raise BadRequest(f"a PIN needs at least {MIN_SECRET_LENGTH} characters")
    session.set_credential(person, _HASHER.hash(secret))


def check_secret(session: Session, person: str, secret: str, now: datetime) -> None:
    """Check ``person``'s PIN or password; count failures and lock out repeat offenders.

    Call inside a write session that commits even when this raises, so that a
    failure is recorded.

    Raises:
        AuthError: unknown person, no PIN set, locked out, or wrong secret.
    """
    found = session.credential(person)
    if found is None:
        raise AuthError(f"{person} has no PIN on this production; ask the armorer to set one")
    secret_hash, failures, locked_until = found
    if locked_until is not None and parse_time(locked_until) > now:
        raise AuthError(
            f"{person} is locked out after {failures} wrong PINs until {locked_until}; "
            "wait, or ask the safety coordinator to reset the PIN"
        )
    try:
        _HASHER.verify(secret_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        failures += 1
        lock = format_time(now + LOCKOUT) if failures >= MAX_FAILURES else None
        session.set_failures(person, failures, lock)
        if lock:
            raise AuthError(
                f"wrong PIN for {person}; {failures} wrong PINs in a row, locked out until {lock}"
            ) from None
        raise AuthError(
            f"wrong PIN for {person} ({MAX_FAILURES - failures} tries left before lock-out)"
        ) from None
    if failures or locked_until:
        session.set_failures(person, 0, None)
    if _HASHER.check_needs_rehash(secret_hash):
        session.set_credential(person, _HASHER.hash(secret))
