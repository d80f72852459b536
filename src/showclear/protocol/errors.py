"""Errors of the protocol core: input that cannot be decided at all.

A rule refusal is *not* an exception: it is a :class:`~showclear.protocol.engine.Decision`
whose events (an ``AttemptRefused``) are recorded in the ledger. These exceptions are
for input that is wrong before any rule can look at it; nothing is appended for them.

The tree, under :class:`showclear.errors.ShowclearError`; each class's kind (docs/errors.md)
is ``invalid-event`` unless the last column says otherwise::

    ProtocolError                 root of this package
    ├── MalformedEventError       an event is not shaped as its type requires (names the field)
    ├── UnknownReferenceError     an event names a person, storage location,  unknown-reference
    │                             incident, concern or production that does not exist
    ├── TimeOrderError            an event is earlier than the last one       conflict
    ├── InconsistentEventError    well-formed, but impossible against the     conflict
    │                             current state (a duplicate id, a chamber
    │                             already loaded, a day not open)
    ├── PolicyError               a policy file or a policy change is malformed
    └── RuleSetError              a rule set is empty or names a rule twice   internal
                                  (a programming error)
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = [
    "InconsistentEventError",
    "MalformedEventError",
    "PolicyError",
    "ProtocolError",
    "RuleSetError",
    "TimeOrderError",
    "UnknownReferenceError",
]


class ProtocolError(ShowclearError):
    """Input the protocol core cannot decide; the message says what to correct."""

    kind = ErrorKind.INVALID_EVENT


class MalformedEventError(ProtocolError):
    """An event is missing a field, has an unknown field, or a field of the wrong kind."""


class UnknownReferenceError(ProtocolError):
    """An event names something the production has never recorded."""

    kind = ErrorKind.UNKNOWN_REFERENCE


class TimeOrderError(ProtocolError):
    """An event is earlier than the last event of the production (DESIGN: Time)."""

    kind = ErrorKind.CONFLICT


class InconsistentEventError(ProtocolError):
    """An event contradicts the recorded state in a way no rule can decide."""

    kind = ErrorKind.CONFLICT


class PolicyError(ProtocolError):
    """A policy file or a policy change cannot be read."""


class RuleSetError(ProtocolError):
    """A rule set is empty or inconsistent; evaluating it would bypass the protocol."""

    kind = ErrorKind.INTERNAL
