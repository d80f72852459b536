"""Errors of the protocol core: input that cannot be decided at all.

A rule refusal is *not* an exception: it is a :class:`~showclear.protocol.engine.Decision`
whose events (an ``AttemptRefused``) are recorded in the ledger. These exceptions are
for input that is wrong before any rule can look at it; nothing is appended for them.

    ProtocolError                 root of this package
    ├── MalformedEventError       an event is not shaped as its type requires (names the field)
    ├── UnknownReferenceError     an event names a person, storage location, incident,
    │                             concern or production that does not exist
    ├── TimeOrderError            an event is earlier than the last recorded one
    ├── InconsistentEventError    well-formed, but impossible against the current state
    │                             (a duplicate id, a chamber already loaded, a day not open)
    ├── PolicyError               a policy file or a policy change is malformed
    └── RuleSetError              a rule set is empty or names a rule twice (a programming error)
"""

from __future__ import annotations

__all__ = [
    "InconsistentEventError",
    "MalformedEventError",
    "PolicyError",
    "ProtocolError",
    "RuleSetError",
    "TimeOrderError",
    "UnknownReferenceError",
]


class ProtocolError(Exception):
    """Input the protocol core cannot decide; the message says what to correct."""


class MalformedEventError(ProtocolError):
    """An event is missing a field, has an unknown field, or a field of the wrong kind."""


class UnknownReferenceError(ProtocolError):
    """An event names something the production has never recorded."""


class TimeOrderError(ProtocolError):
    """An event is earlier than the last event of the production (DESIGN: Time)."""


class InconsistentEventError(ProtocolError):
    """An event contradicts the recorded state in a way no rule can decide."""


class PolicyError(ProtocolError):
    """A policy file or a policy change cannot be read."""


class RuleSetError(ProtocolError):
    """A rule set is empty or inconsistent; evaluating it would bypass the protocol."""
