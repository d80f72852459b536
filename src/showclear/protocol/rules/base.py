"""What a rule is, what it finds, and the facts several rules share.

A rule is a small object with a catalog id, a severity and whether it can be
overridden; ``check`` is a pure function of (projection, proposed event, policy) that
returns the rule's findings, empty when the event is fine by this rule.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Final

from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.record_views import SetupView, WeaponView
from showclear.protocol.time import local_date, parse_time

__all__ = [
    "FIRING_CATEGORIES",
    "HANDLER_ACTIONS",
    "HANDLER_ROLES",
    "LOADING",
    "USE_EVENTS",
    "Finding",
    "Rule",
    "Severity",
    "event_date",
    "gives_to_performer",
    "name",
    "planned_weapon",
    "rounds_loaded",
    "setup_has_blanks",
    "uncertainty",
]

Event = dict[str, Any]


class Severity(StrEnum):
    """BLOCK refuses a command (the refusal is recorded); WARN lets it through, recorded."""

    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: what is wrong and what to do instead, for a person on set."""

    rule_id: str
    severity: Severity
    message: str
    remedy: str
    overridable: bool = False


class Rule(ABC):
    """A rule of the catalog (shared/SAFETY_RULES.md)."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    overridable: ClassVar[bool] = False
    #: The policy key that can raise this rule from WARN to BLOCK, if any.
    policy_switch: ClassVar[str | None] = None
    summary: ClassVar[str]

    @abstractmethod
    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        """The findings of this rule about ``event`` proposed against ``projection``."""

    def severity_under(self, policy: Policy) -> Severity:
        """This rule's severity under ``policy``."""
        if self.policy_switch is not None and getattr(policy, self.policy_switch) == "block":
            return Severity.BLOCK
        return self.severity

    def finding(
        self,
        message: str,
        remedy: str,
        policy: Policy,
        *,
        severity: Severity | None = None,
        overridable: bool | None = None,
    ) -> Finding:
        """A finding of this rule; severity and overridability default to the rule's own."""
        return Finding(
            self.id,
            severity or self.severity_under(policy),
            message,
            remedy,
            self.overridable if overridable is None else overridable,
        )

    def __repr__(self) -> str:
        return f"<rule {self.id}>"


#: Acts only a handler on duty may do (CUS-HANDLER).
HANDLER_ACTIONS: Final = frozenset(
    {
        "WeaponTakenOut",
        "RoundsLoaded",
        "RoundsUnloaded",
        "ShowClearInspected",
        "BarrelChecked",
        "MagazineLoaded",
        "MagazineUnloaded",
        "MagazineSeated",
        "MagazineRemoved",
    }
)
#: Events that put rounds of a lot into a weapon: into chambers, or into a magazine issued
#: with it (every ammunition rule applies to both).
LOADING: Final = frozenset({"RoundsLoaded", "MagazineLoaded"})
#: Roles that may be designated as the day's weapons handler (CUS-HANDLER).
HANDLER_ROLES: Final = frozenset({"armorer", "property_master"})
#: Categories that can fire (PLAN-REHEARSAL).
FIRING_CATEGORIES: Final = frozenset({"functional_firearm", "blank_firing"})
#: Events that put a weapon or rounds to use, stopped by a cease-fire or stop-work.
USE_EVENTS: Final = frozenset({"WeaponTakenOut", *LOADING, "MagazineSeated"})

_UNCERTAINTY: Final = {
    "received": "it was received and has not been inspected",
    "fired": "it fired and its barrel has not been checked",
    "custody_gap": "it was held by someone the ledger did not record",
    "meal_break": "it was outside storage during a meal break",
    "wrap": "it was outside storage at wrap",
    "found_unattended": "it was found unattended",
    "barrel_not_clear": "its barrel was not clear",
    "live_round_found": "a live round was found in it",
    "incident": "an incident names it",
    "surrendered": "it is a personal weapon surrendered and locked away",
}


def uncertainty(weapon: WeaponView) -> str:
    """Why a weapon is UNKNOWN, in words."""
    code = weapon["uncertain"]
    if code is None and weapon.get("quarantine"):  # AMMO-SUSPECT
        return f"it {weapon['quarantine']}"
    if code is None:
        return "the content of a chamber is not known"
    return _UNCERTAINTY.get(code, code)


def name(projection: Projection, person_id: str | None) -> str:
    """A person as people on set know them: their name, or their id."""
    if person_id is None:
        return "someone"
    person = projection.person(person_id)
    return person["name"] if person else person_id


def event_date(projection: Projection, event: Event) -> str:
    """The shoot day's date if one is open, else the event's date where the production
    shoots (its time zone: a permit valid through the 25th still covers 16:30 in Los
    Angeles, which is the 26th in UTC)."""
    day = projection.open_day()
    if day:
        return day["date"]
    return local_date(parse_time(event["at"]), settings_of(projection).time_zone).isoformat()


def gives_to_performer(projection: Projection, event: Event) -> bool:
    """Whether a weapon is handed to someone who is not a handler, whoever gives it.

    Every rule about a weapon reaching a performer (CUS-SHOW-CLEAR, PLAN-TRAINED,
    PLAN-SETUP, the cease-fire, ...) applies whoever the giver is: an assistant director
    handing over a revolver breaks CUS-HANDLER *and* each of those, and every broken rule
    is cited (SAFETY_RULES.md: "every broken rule is cited").
    """
    return event["type"] == "WeaponHandedOver" and not projection.is_handler(event["receiver"])


def rounds_loaded(event: Event) -> int:
    """How many rounds a loading event puts into the weapon (:data:`LOADING`)."""
    return len(event["chambers"]) if event["type"] == "RoundsLoaded" else int(event["count"])


def planned_weapon(setup: SetupView, weapon_id: str) -> dict[str, Any] | None:
    """The setup's plan for one weapon, if it declares that weapon."""
    for planned in setup["weapons"]:
        if planned["weapon"] == weapon_id:
            return dict(planned)
    return None


def setup_has_blanks(setup: SetupView | dict[str, Any]) -> bool:
    return any(w["load"] == "blanks" for w in setup["weapons"])
