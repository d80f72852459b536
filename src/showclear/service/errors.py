"""Errors the service layer raises for the CLI, the API and the web to present.

The tree, under :class:`showclear.errors.ShowclearError`, with each class's kind
(docs/errors.md)::

    ServiceError                 a request the service cannot carry out         internal
    ├── KeyFileError             the production's private key is missing or     unavailable
    │                            unsafe
    ├── AuthError                a wrong or missing PIN, password or token      unauthenticated
    │   └── LockedOut            too many wrong PINs (service.sessions)         locked-out
    ├── Forbidden                the person's roles do not allow the command    forbidden
    ├── NotFound                 an unknown production, entry or checkpoint     not-found
    └── BadRequest               arguments that make no sense (index past the   bad-request
                                 end, ...)

``VerifyFailed`` (``showclear.service.verify``, ``verification-failed``) stays inside
``App.verify``, which turns it into a report. Ledger errors
(``showclear.ledger.LedgerError``), store errors (``showclear.store.StoreError``) and
protocol errors pass through unchanged.
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = ["AuthError", "BadRequest", "Forbidden", "KeyFileError", "NotFound", "ServiceError"]


class ServiceError(ShowclearError):
    """Root of the service layer's own errors."""


class KeyFileError(ServiceError):
    """The production's private key file is missing, unreadable or too open."""

    kind = ErrorKind.UNAVAILABLE


class NotFound(ServiceError, LookupError):
    """The thing asked for does not exist."""

    kind = ErrorKind.NOT_FOUND


class BadRequest(ServiceError, ValueError):
    """The arguments do not make sense for this ledger."""

    kind = ErrorKind.BAD_REQUEST


class AuthError(ServiceError):
    """A person could not be authenticated: wrong, missing or locked-out credential."""

    kind = ErrorKind.UNAUTHENTICATED


class Forbidden(ServiceError):
    """The person is known, but their roles do not allow what they asked."""

    kind = ErrorKind.FORBIDDEN
