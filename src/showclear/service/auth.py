"""People's credentials: argon2-hashed PINs or passwords, with lock-out.

A person proves who they are with their own PIN (or password). Secrets are
stored only as argon2id hashes, outside the ledger. After ``MAX_FAILURES``
wrong attempts in a row the person is locked out for ``LOCKOUT``
(:mod:`showclear.service.sessions` checks PINs and counts the failures).

Hashing is a port, :class:`PinHasher`, handed to the service by
:func:`showclear.service.build_app`. Production uses :data:`OWASP_ARGON2ID`; the
test suite hands it argon2id at its cheapest parameters, so that a wrong PIN is
still refused by a real check while a thousand sign-ins take no time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from showclear.service.errors import BadRequest
from showclear.store import CredentialSession

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "MIN_SECRET_LENGTH",
    "OWASP_ARGON2ID",
    "VOID_SECRET",
    "Argon2idHasher",
    "PinHasher",
    "check_new_secret",
    "set_secret",
]

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_SECRET_LENGTH = 4


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
