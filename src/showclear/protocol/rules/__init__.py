"""The rules of shared/SAFETY_RULES.md, one small object each.

``ALL_RULES`` holds one instance of every rule, in catalog order; the engine
(:mod:`showclear.protocol.engine`) evaluates them all on every proposed event.
"""

from __future__ import annotations

from typing import Final

from showclear.protocol.rules.ammo import (
    AmmoCaliber,
    AmmoCount,
    AmmoDummyVerified,
    AmmoNoLive,
    AmmoSource,
    AmmoSuspect,
)
from showclear.protocol.rules.base import Finding, Rule, Severity
from showclear.protocol.rules.custody import (
    CusBarrel,
    CusHandler,
    CusInventory,
    CusReturn,
    CusSecured,
    CusShowClear,
    CusSoleDuty,
    CusTwoParty,
)
from showclear.protocol.rules.identity import IdOwn, IdReset
from showclear.protocol.rules.incidents import IncCeasefire, IncConcern, IncOverride, PolicyChange
from showclear.protocol.rules.plan import (
    PlanDistance,
    PlanMeeting,
    PlanPermit,
    PlanPointing,
    PlanPpe,
    PlanRehearsal,
    PlanSetup,
    PlanTrained,
)

__all__ = ["ALL_RULES", "CATALOG_IDS", "OVERRIDABLE_RULES", "Finding", "Rule", "Severity"]

_ONE_EACH: tuple[Rule, ...] = (
    AmmoNoLive(),
    AmmoSource(),
    AmmoSuspect(),
    AmmoDummyVerified(),
    AmmoCaliber(),
    AmmoCount(),
    CusInventory(),
    CusHandler(),
    CusTwoParty(),
    CusShowClear(),
    CusBarrel(),
    CusSecured(),
    CusSoleDuty(),
    CusReturn(),
    PlanSetup(),
    PlanMeeting(),
    PlanRehearsal(),
    PlanPointing(),
    PlanDistance(),
    PlanPpe(),
    PlanTrained(),
    PlanPermit(),
    IncCeasefire(),
    IncConcern(),
    IdOwn(),
    IdReset(),
)

#: Rules the safety coordinator may override (marked *overridable* in the catalog).
OVERRIDABLE_RULES: Final = frozenset(rule.id for rule in _ONE_EACH if rule.overridable)

ALL_RULES: Final[tuple[Rule, ...]] = (*_ONE_EACH, IncOverride(OVERRIDABLE_RULES), PolicyChange())

#: Every rule id of SAFETY_RULES.md, plus POLICY-CHANGE (documented in docs/rules.md).
CATALOG_IDS: Final = tuple(rule.id for rule in ALL_RULES)
