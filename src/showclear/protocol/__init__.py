"""The pure protocol core: events, the projection fold, the rules and the engine.

No I/O lives here: no database, no files, no clock. The service layer calls
:func:`decide` with the stored projection and a proposed event, appends
``decision.events``, folds each into the projection with :func:`apply`, and commits.
"""

from showclear.protocol.catalogue import (
    CATALOGUE,
    EVENT_TYPES,
    REPORT_TYPES,
    SYSTEM_TYPES,
    EventType,
    describe,
    validate_event,
)
from showclear.protocol.engine import DEFAULT_RULES, Decision, Outcome, RuleSet, decide
from showclear.protocol.errors import (
    InconsistentEventError,
    MalformedEventError,
    PolicyError,
    ProtocolError,
    RuleSetError,
    TimeOrderError,
    UnknownReferenceError,
)
from showclear.protocol.fold import apply, fold
from showclear.protocol.jsontypes import JSON, JSONObject
from showclear.protocol.policy import DEFAULT_POLICY, Policy, PolicyComparison, compare_policies
from showclear.protocol.projection import Projection, WeaponState, derive_state
from showclear.protocol.rules import (
    ALL_RULES,
    CATALOG_IDS,
    OVERRIDABLE_RULES,
    Finding,
    Rule,
    Severity,
)

__all__ = [
    "ALL_RULES",
    "CATALOGUE",
    "CATALOG_IDS",
    "DEFAULT_POLICY",
    "DEFAULT_RULES",
    "EVENT_TYPES",
    "JSON",
    "OVERRIDABLE_RULES",
    "REPORT_TYPES",
    "SYSTEM_TYPES",
    "Decision",
    "EventType",
    "Finding",
    "InconsistentEventError",
    "JSONObject",
    "MalformedEventError",
    "Outcome",
    "Policy",
    "PolicyComparison",
    "PolicyError",
    "Projection",
    "ProtocolError",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Severity",
    "TimeOrderError",
    "UnknownReferenceError",
    "WeaponState",
    "apply",
    "compare_policies",
    "decide",
    "derive_state",
    "describe",
    "fold",
    "validate_event",
]
