"""People's credentials: argon2-hashed PINs or passwords, with lock-out.

A person proves who they are with their own PIN (or password). Secrets are
stored only as argon2id hashes, outside the ledger. After ``MAX_FAILURES``
wrong attempts in a row the person is locked out for ``LOCKOUT``
(:mod:`showclear.service.sessions` checks PINs and counts the failures).

Hashing is a port, :class:`PinHasher`, handed to the service by
:func:`showclear.service.build_app`. Production uses :data:`OWASP_ARGON2ID`; the
test suite hands it argon2id at its cheapest parameters, so that a wrong PIN is
still refused by a real check while a thousand sign-ins take no time.

A confirmer's PIN on a shared tablet is checked with argon2 once; for
:data:`CONFIRMATION_WINDOW` afterwards the same PIN is accepted by comparing a keyed
SHA-256 (HMAC) of it, kept in this process's memory only (:class:`ConfirmationWindow`):
no password hash on the command path (issue 17). A different PIN still goes to argon2
and counts toward the lock-out; a lock-out, a reset or a new PIN ends the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from showclear.service.errors import BadRequest
from showclear.store import CredentialSession

__all__ = [
    "CONFIRMATION_WINDOW",
    "LOCKOUT",
    "MAX_FAILURES",
    "MIN_SECRET_LENGTH",
    "OWASP_ARGON2ID",
    "VOID_SECRET",
    "Argon2idHasher",
    "ConfirmationWindow",
    "PinHasher",
    "check_new_secret",
    "set_secret",
]

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_SECRET_LENGTH = 4

#: How long after an argon2 check of a person's PIN the same PIN is accepted without one
#: (a keyed SHA-256 compared in memory): a handoff's receiver confirming again on the same
#: tablet. Short, so a PIN seen over a shoulder is worth nothing to a device a little later.
CONFIRMATION_WINDOW: Final = timedelta(minutes=5)


class PinHasher(Protocol):
    """How PINs and passwords are hashed for storage and checked (argon2-cffi's three calls).

    Hashes carry their own parameters, so a hash made with other parameters still
    verifies; :meth:`check_needs_rehash` says when to store a new one.
    """

    def hash(self, secret: str, /) -> str:
        """A new salted hash of ``secret``, in the PHC string format."""
        ...

    def verify(self, stored: str, secret: str, /) -> bool:
        """Whether ``secret`` matches the ``stored`` hash; False for a malformed hash too."""
        ...

    def check_needs_rehash(self, stored: str, /) -> bool:
        """Whether ``stored`` was made with other parameters than this hasher's."""
        ...


class Argon2idHasher:
    """argon2id with the given cost: ``time_cost`` passes over ``memory_cost`` KiB."""

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self.time_cost = time_cost
        self.memory_cost = memory_cost
        self.parallelism = parallelism
        self._argon2 = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )

    def __repr__(self) -> str:
        return (
            f"Argon2idHasher(time_cost={self.time_cost}, memory_cost={self.memory_cost}, "
            f"parallelism={self.parallelism})"
        )

    def hash(self, secret: str, /) -> str:
        return self._argon2.hash(secret)

    def verify(self, stored: str, secret: str, /) -> bool:
        try:
            return self._argon2.verify(stored, secret)
        except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
            return False

    def check_needs_rehash(self, stored: str, /) -> bool:
        return self._argon2.check_needs_rehash(stored)


#: argon2id at OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 25 ms per
#: check on a set laptop, so a handoff with two PINs stays quick on a tablet. A short
#: PIN cannot be made safe by hashing cost alone; the lock-out above is what stops
#: guessing, and the hashes live outside the ledger, which may be handed to others.
OWASP_ARGON2ID: Final = Argon2idHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def check_new_secret(secret: str) -> None:
    """Refuse a new PIN or password that is too easy to guess or to mistype.

    Raises:
        BadRequest: fewer than ``MIN_SECRET_LENGTH`` characters that are not spaces.
    """
    if len("".join(secret.split())) < MIN_SECRET_LENGTH:
        raise BadRequest(f"a PIN needs at least {MIN_SECRET_LENGTH} characters that are not spaces")


def set_secret(session: CredentialSession, person: str, secret: str, hasher: PinHasher) -> None:
    """Store a new PIN or password for ``person`` (hashed), clearing any lock-out.

    Raises:
        BadRequest: fewer than ``MIN_SECRET_LENGTH`` characters that are not spaces.
    """
    check_new_secret(secret)
    session.set_credential(person, hasher.hash(secret))


#: What a reset leaves in place of a person's PIN hash: no PIN verifies against it
#: (not a PHC string), until a new one is set (ID-RESET).
VOID_SECRET: Final = "!reset"


@dataclass(frozen=True)
class _Opened:
    digest: bytes  # HMAC-SHA-256 of the PIN under this process's key
    stored: str  # the argon2 hash it was checked against: a new PIN ends the window
    until: datetime


class ConfirmationWindow:
    """PINs checked with argon2 lately, per production and person, as keyed hashes in memory.

    The key is random per process and never stored, so the digests are useless outside it.
    """

    def __init__(self, length: timedelta = CONFIRMATION_WINDOW) -> None:
        self.length = length
        self._key = secrets.token_bytes(32)
        self._open: dict[tuple[str, str], _Opened] = {}
        self._guard = threading.Lock()

    def _digest(self, slug: str, person: str, secret: str) -> bytes:
        message = "\x00".join((slug, person, secret)).encode("utf-8", "surrogateescape")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def open(self, slug: str, person: str, secret: str, stored: str, now: datetime) -> None:
        """Remember that ``secret`` matched ``person``'s ``stored`` hash at ``now``."""
        opened = _Opened(self._digest(slug, person, secret), stored, now + self.length)
        with self._guard:
            if len(self._open) > 10_000:  # bounded memory: forget windows that passed
                self._open = {k: v for k, v in self._open.items() if v.until > now}
            self._open[(slug, person)] = opened

    def accepts(self, slug: str, person: str, secret: str, now: datetime) -> str | None:
        """The stored hash ``secret`` was checked against, if it is within its window; else None.

        The caller still checks that the person's stored hash is that one, and that they
        are not locked out.
        """
        with self._guard:
            opened = self._open.get((slug, person))
        if opened is None or now >= opened.until:
            return None
        if not hmac.compare_digest(opened.digest, self._digest(slug, person, secret)):
            return None
        return opened.stored

    def close(self, slug: str, person: str) -> None:
        """End ``person``'s window: a lock-out, a reset, a new PIN."""
        with self._guard:
            self._open.pop((slug, person), None)
