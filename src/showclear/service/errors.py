"""Errors the service layer raises for the CLI, the API and the web to present.

The tree::

    ServiceError                 a request the service cannot carry out
    ├── KeyFileError             the production's private key is missing or unsafe
    ├── AuthError                a wrong, missing or locked-out PIN or password
    ├── Forbidden                the person's roles do not allow the command
    ├── NotFound                 an unknown production, entry or checkpoint
    └── BadRequest               arguments that make no sense (index past the end, ...)

Ledger errors (``showclear.ledger.LedgerError``), store errors
(``showclear.store.StoreError``) and protocol errors pass through unchanged.
"""

from __future__ import annotations

__all__ = ["AuthError", "BadRequest", "Forbidden", "KeyFileError", "NotFound", "ServiceError"]


class ServiceError(Exception):
    """Root of the service layer's own errors."""


class KeyFileError(ServiceError):
    """The production's private key file is missing, unreadable or too open."""


class NotFound(ServiceError, LookupError):
    """The thing asked for does not exist."""


class BadRequest(ServiceError, ValueError):
    """The arguments do not make sense for this ledger."""


class AuthError(ServiceError):
    """A person could not be authenticated: wrong, missing or locked-out credential."""


class Forbidden(ServiceError):
    """The person is known, but their roles do not allow what they asked."""
