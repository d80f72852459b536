"""Weapons and custody: CUS-INVENTORY, CUS-HANDLER, CUS-TWO-PARTY, CUS-SHOW-CLEAR,
CUS-BARREL, CUS-SECURED, CUS-SOLE-DUTY, CUS-RETURN."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from showclear.protocol.catalogue.magazines import MAGAZINE_ACTS
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection, WeaponState
from showclear.protocol.record_views import WeaponView
from showclear.protocol.rules.base import (
    HANDLER_ACTIONS,
    HANDLER_ROLES,
    LOADING,
    Event,
    Finding,
    Rule,
    Severity,
    gives_to_performer,
    name,
    uncertainty,
)
from showclear.protocol.time import parse_time

__all__ = [
    "CusBarrel",
    "CusHandler",
    "CusInventory",
    "CusReturn",
    "CusSecured",
    "CusShowClear",
    "CusSoleDuty",
    "CusTwoParty",
]

#: Events that put rounds in a weapon: loading its chambers or a magazine, seating one.
_PUTS_ROUNDS_IN = frozenset({*LOADING, "MagazineSeated"})
#: Events that name one weapon of the inventory in their ``weapon`` field.
_WEAPON_EVENTS = frozenset(
    {
        *HANDLER_ACTIONS,
        "WeaponHandedOver",
        "WeaponReturnedToStorage",
        "WeaponDischarged",
        "WeaponFoundUnattended",
        "OverrideGranted",
        "WeaponReleased",
        "MagazineReceived",
    }
)
#: What may still be done with a surrendered personal weapon: put back in storage, found,
#: released to its owner, a fact about it corrected (CUS-INVENTORY). Nothing else.
_SURRENDERED_MAY = frozenset(
    {"WeaponReturnedToStorage", "WeaponFoundUnattended", "WeaponReleased", "OverrideGranted"}
)
#: Acts on a weapon that only the person holding it can do (CUS-TWO-PARTY).
_HOLDER_ACTS = frozenset(
    {
        "RoundsLoaded",
        "RoundsUnloaded",
        "ShowClearInspected",
        "BarrelChecked",
        "WeaponReturnedToStorage",
        *MAGAZINE_ACTS,
    }
)


def _is_first_ad(projection: Projection, person_id: str) -> bool:
    return "first_ad" in projection.duties(person_id) or projection.has_role(person_id, "first_ad")


class CusInventory(Rule):
    id = "CUS-INVENTORY"
    severity = Severity.BLOCK
    summary = "Only weapons received into the production's inventory can be used."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "WeaponReceived":
            findings = []
            if event["personal"]:
                findings.append(
                    self.finding(
                        f"{event['weapon']} is a personal weapon; no personal weapons are used "
                        "on set.",
                        "Use a weapon the production rents or owns, received by the armorer.",
                        policy,
                    )
                )
            if not event["serial"].strip():
                findings.append(
                    self.finding(
                        f"{event['weapon']} has no serial number recorded.",
                        "Record the serial number stamped on the weapon when receiving it.",
                        policy,
                    )
                )
            return findings
        if kind == "LotReleased":
            return self._lot_release(projection, event, policy)
        weapon_ids: list[str] = []
        if kind in _WEAPON_EVENTS and event.get("weapon"):
            weapon_ids = [event["weapon"]]
        elif kind in ("SetupPlanned", "SetupChanged"):
            weapon_ids = [w["weapon"] for w in event["weapons"]]
        findings = [
            self.finding(
                f"{weapon_id} is not in the production's inventory.",
                "Use only weapons the armorer has received into inventory; take any other "
                "weapon off the set.",
                policy,
            )
            for weapon_id in weapon_ids
            if projection.weapon(weapon_id) is None
        ]
        # Whoever ends up holding a surrendered weapon (found unattended) gives it back to a
        # handler: that handover locks it away again, so it is not a use.
        back_to_handler = kind == "WeaponHandedOver" and projection.is_handler(event["receiver"])
        if kind not in _SURRENDERED_MAY and not back_to_handler:
            findings += [
                self._surrendered(weapon_id, surrendered["by"], policy)
                for weapon_id in weapon_ids
                if (weapon := projection.weapon(weapon_id)) is not None
                and (surrendered := weapon.get("surrendered")) is not None
            ]
        weapon = projection.weapon(weapon_ids[0]) if len(weapon_ids) == 1 else None
        if weapon is not None:
            findings += self._magazines(projection, event, weapon, policy)
            if kind == "WeaponReleased":
                findings += self._weapon_release(projection, event, weapon, policy)
        if kind == "FactCorrected" and event["field"] == "serial" and not event["new"].strip():
            findings.append(
                self.finding(
                    f"The correction leaves {event['item']} without a serial number.",
                    "Record the serial number stamped on the weapon.",
                    policy,
                )
            )
        return findings

    def _surrendered(self, weapon_id: str, by: str | None, policy: Policy) -> Finding:
        owner = f" by {by}" if by else ""
        return self.finding(
            f"{weapon_id} is a surrendered personal weapon (surrendered{owner}): it is locked "
            "away and used by no one.",
            "Leave it locked in storage until it is released to its owner; use a weapon the "
            "armorer has received into the production's inventory.",
            policy,
        )

    def _magazines(
        self, projection: Projection, event: Event, weapon: WeaponView, policy: Policy
    ) -> list[Finding]:
        kind = event["type"]
        if kind == "MagazineReceived" and "magazines" not in weapon:
            return [
                self.finding(
                    f"{event['weapon']} was received as a weapon that takes no detachable "
                    "magazine.",
                    "Receive the weapon with its magazine capacity, or correct the record, "
                    "before receiving magazines for it.",
                    policy,
                )
            ]
        if kind in MAGAZINE_ACTS and projection.magazine(event["magazine"]) is None:
            return [
                self.finding(
                    f"Magazine {event['magazine']} is not in the production's inventory.",
                    "Use only magazines received into the inventory with the weapon they are "
                    "issued with; take any other magazine off the set.",
                    policy,
                )
            ]
        return []

    def _weapon_release(
        self, projection: Projection, event: Event, weapon: WeaponView, policy: Policy
    ) -> list[Finding]:
        problems = []
        if not weapon["location"].startswith("storage:"):
            problems.append(f"it is with {name(projection, projection.holder(event['weapon']))}")
        loaded = {c for c in weapon["chambers"] if c not in ("empty", "unknown")}
        loaded |= set(projection.magazine_rounds(event["weapon"]))
        if loaded:
            problems.append(f"it still holds rounds of lot {', '.join(sorted(loaded))}")
        surrendered = weapon.get("surrendered")
        if surrendered is not None and (
            event["reason"] != "owner_return"
            or (
                surrendered["by"]
                and surrendered["by"].casefold().strip() != event["to"].casefold().strip()
            )
        ):
            problems.append(
                f"it is a personal weapon surrendered by {surrendered['by'] or 'its owner'}, "
                "and leaves only back to its owner"
            )
        if not problems:
            return []
        return [
            self.finding(
                f"{event['weapon']} cannot be released: {'; '.join(problems)}.",
                "Return it to storage with every round unloaded, then release it with the "
                "receiving party and the document (a surrendered weapon: to its owner).",
                policy,
            )
        ]

    def _lot_release(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        lot = projection.lot(event["lot"])
        if lot is None:
            return [
                self.finding(
                    f"Lot {event['lot']} is not in the production's inventory.",
                    "Release only a lot that was received.",
                    policy,
                )
            ]
        problems = []
        if lot["in_weapons"]:
            problems.append(f"{lot['in_weapons']} of its rounds are in weapons")
        left = lot["in_storage"] + lot.get("quarantined", 0)
        if event["count"] != left:
            problems.append(f"it has {left} rounds in storage, not {event['count']}")
        if not problems:
            return []
        return [
            self.finding(
                f"Lot {event['lot']} cannot be released: {'; '.join(problems)}.",
                "Unload its rounds from every weapon, count what is in storage, and release "
                "the lot with that count on the document.",
                policy,
            )
        ]


class CusHandler(Rule):
    id = "CUS-HANDLER"
    severity = Severity.BLOCK
    summary = "Only a handler on duty takes out, loads, inspects and hands a weapon to a performer."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        actor = event["actor"]
        if kind in HANDLER_ACTIONS and not projection.is_handler(actor):
            return [
                self.finding(
                    f"{name(projection, actor)} is not on duty today as a weapons handler.",
                    "Call the armorer (or the property master designated as handler) to do it.",
                    policy,
                )
            ]
        if kind == "WeaponReturnedToStorage" and not projection.is_handler(actor):
            return [
                self.finding(
                    f"{name(projection, actor)} is not a handler on duty; only a handler puts "
                    "a weapon back in storage.",
                    "Hand the weapon to the handler, who returns it to storage.",
                    policy,
                )
            ]
        if kind == "WeaponHandedOver":
            return self._handover(projection, event, policy)
        if kind in ("DayOpened", "CallSheetRevised"):
            return self._call_sheet(projection, event, policy)
        return []

    def _handover(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        giver, receiver = event["giver"], event["receiver"]
        if projection.is_handler(receiver):
            return []  # anyone gives a weapon back to a handler
        if not projection.is_handler(giver):
            if _is_first_ad(projection, giver):
                message = (
                    f"{name(projection, giver)} is an assistant director, who never hands a "
                    "weapon to anyone."
                )
            else:
                message = (
                    f"{name(projection, giver)} is not a handler on duty; only a handler hands "
                    f"a weapon to {name(projection, receiver)}."
                )
            return [
                self.finding(
                    message,
                    "Give the weapon back to the handler; only the handler hands it to a "
                    "performer.",
                    policy,
                )
            ]
        if not projection.is_performer(receiver):
            return [
                self.finding(
                    f"{name(projection, receiver)} is neither a performer nor a handler on "
                    "today's call sheet.",
                    "Hand weapons only to the performer who uses them, or to another handler.",
                    policy,
                )
            ]
        return []

    def _call_sheet(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        return [
            self.finding(
                f"{name(projection, entry['person'])} is put on duty as weapons handler but is "
                "not an armorer or property master.",
                "Designate the armorer or a property master as the day's handler.",
                policy,
            )
            for entry in event["call_sheet"]
            if "handler" in entry["duties"]
            and not HANDLER_ROLES
            & set((projection.person(entry["person"]) or {"roles": []})["roles"])
        ]


class CusTwoParty(Rule):
    id = "CUS-TWO-PARTY"
    severity = Severity.BLOCK
    summary = "Every transfer is confirmed by both people; a weapon is always in exactly one place."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        weapon_id = event.get("weapon")
        weapon = projection.weapon(weapon_id) if isinstance(weapon_id, str) else None
        if weapon is None:
            return []
        where = weapon["location"]
        holder = projection.holder(weapon_id) if weapon_id else None
        place = f"with {name(projection, holder)}" if holder else f"in {where[8:]}"
        findings = []
        if kind == "WeaponHandedOver":
            if event["actor"] != event["giver"]:
                findings.append(
                    self.finding(
                        f"{name(projection, event['actor'])} records a handover by "
                        f"{name(projection, event['giver'])}; the giver records it.",
                        "The person giving the weapon records the handover themselves.",
                        policy,
                    )
                )
            if holder != event["giver"]:
                findings.append(
                    self.finding(
                        f"{weapon_id} is recorded {place}, not with "
                        f"{name(projection, event['giver'])}.",
                        "Whoever has the weapon now hands it to a handler; it must be inspected.",
                        policy,
                    )
                )
            if not event["receiver_confirmed"]:
                findings.append(
                    self.finding(
                        f"{name(projection, event['receiver'])} has not confirmed receiving "
                        f"{weapon_id}.",
                        "The receiver confirms with their own PIN before the weapon changes hands.",
                        policy,
                    )
                )
        elif kind == "WeaponDischarged":
            shooter = event.get("shooter")
            if shooter is None or shooter != holder:
                who = name(projection, shooter) if shooter else "Someone the ledger does not name"
                findings.append(
                    self.finding(
                        f"{who} fired {weapon_id}, which is recorded {place}: anyone but the "
                        "person holding a weapon firing it is a custody finding.",
                        "Cease-fire: the weapon goes back to the handler for a full inspection; "
                        "only the performer it was handed to, confirmed, fires it.",
                        policy,
                    )
                )
        elif kind == "WeaponTakenOut" and holder is not None:
            findings.append(
                self.finding(
                    f"{weapon_id} is recorded {place}, not in storage.",
                    f"{name(projection, holder)} hands it over, recorded and confirmed.",
                    policy,
                )
            )
        elif kind in _HOLDER_ACTS and holder != event["actor"]:
            findings.append(
                self.finding(
                    f"{weapon_id} is recorded {place}, "
                    f"not with {name(projection, event['actor'])}.",
                    "Record the handover to you first, confirmed by both of you.",
                    policy,
                )
            )
        return findings


class CusShowClear(Rule):
    id = "CUS-SHOW-CLEAR"
    severity = Severity.BLOCK
    summary = "A weapon goes to a performer only straight after a confirmed show-clear inspection."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        weapon = projection.weapon(event["weapon"]) if "weapon" in event else None
        if weapon is None:
            return []
        if kind == "ShowClearInspected" and "magazines" in weapon:
            return self._magazines_shown(projection, event, weapon, policy)
        if kind in _PUTS_ROUNDS_IN and weapon["state"] == WeaponState.UNKNOWN:
            if weapon["uncertain"] == "fired":
                return []  # CUS-BARREL says what to do
            return [
                self.finding(
                    f"{event['weapon']} is UNKNOWN because {uncertainty(weapon)}.",
                    "The handler inspects every chamber and the barrel before anything else.",
                    policy,
                )
            ]
        if not gives_to_performer(projection, event):
            return []
        problem = self._problem(projection, event, policy)
        if problem is None:
            return []
        return [
            self.finding(
                f"{event['weapon']} cannot go to {name(projection, event['receiver'])}: {problem}.",
                "The handler shows every chamber and the barrel to the performer, who confirms, "
                "and hands the weapon over straight away.",
                policy,
            )
        ]

    def _magazines_shown(
        self, projection: Projection, event: Event, weapon: WeaponView, policy: Policy
    ) -> list[Finding]:
        """A show-clear of a weapon that takes magazines shows its magazine well and every
        magazine issued with it, each with the rounds the ledger has in it."""
        problems = []
        recorded_well = weapon.get("well") or "empty"
        shown_well = event.get("magazine_well")
        if shown_well is None:
            problems.append("its magazine well is not shown")
        elif shown_well != recorded_well:
            problems.append(
                f"the magazine well is shown with {shown_well}, and the ledger has "
                f"{recorded_well} in it"
            )
        shown = {m["magazine"]: m["rounds"] for m in event.get("magazines", [])}
        for magazine_id, magazine in projection.magazines_of(event["weapon"]):
            if magazine_id not in shown:
                problems.append(f"magazine {magazine_id} issued with it is not shown")
                continue
            recorded: dict[str, int] = {}
            for lot_id in magazine["rounds"]:
                recorded[lot_id] = recorded.get(lot_id, 0) + 1
            if {k: v for k, v in shown[magazine_id].items() if v} != recorded:
                problems.append(
                    f"magazine {magazine_id} is shown with {_by_lot(shown[magazine_id])}, and "
                    f"the ledger has {_by_lot(recorded)} in it"
                )
        if not problems:
            return []
        return [
            self.finding(
                f"The show-clear of {event['weapon']} is not whole: {'; '.join(problems)}.",
                "Show the chamber, the magazine well and every magazine issued with the weapon, "
                "counting the rounds in each by lot.",
                policy,
            )
        ]

    @staticmethod
    def _problem(projection: Projection, event: Event, policy: Policy) -> str | None:
        weapon = projection.weapon(event["weapon"])
        assert weapon is not None
        inspection = weapon["last_inspection"]
        if inspection is None:
            return "it has never had a show-clear inspection"
        if not weapon["inspection_is_last_event"]:
            return "something happened to it since its last show-clear inspection"
        age = parse_time(event["at"]) - parse_time(inspection["at"])
        if age > timedelta(minutes=policy.show_clear_validity_minutes):
            return (
                f"its show-clear inspection is more than {policy.show_clear_validity_minutes} "
                "minutes old"
            )
        if not inspection["barrel_clear"]:
            return "its barrel was not checked clear"
        if inspection["performer"] != event["receiver"]:
            return "the show-clear inspection was not shown to this performer"
        if not inspection["performer_confirmed"]:
            return "the performer did not confirm the show-clear inspection"
        if weapon["state"] == WeaponState.UNKNOWN:
            return f"it is UNKNOWN because {uncertainty(weapon)}"
        return None


def _by_lot(rounds: Mapping[str, int]) -> str:
    counts = [f"{n} of {lot}" for lot, n in sorted(rounds.items()) if n]
    return ", ".join(counts) or "no rounds"


class CusBarrel(Rule):
    id = "CUS-BARREL"
    severity = Severity.BLOCK
    summary = "The barrel is checked clear before and after every firing sequence with blanks."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        weapon = projection.weapon(event["weapon"]) if "weapon" in event else None
        if weapon is None:
            return []
        if kind in _PUTS_ROUNDS_IN and not weapon["barrel_checked"]:
            # Whatever else made the weapon UNKNOWN since (an incident after an unintended
            # discharge), a barrel not recorded clear is this rule's own finding.
            why = (
                "fired and its barrel has not been checked since"
                if weapon["uncertain"] in ("fired", "incident")
                else "has no barrel check recorded clear"
            )
            return [
                self.finding(
                    f"{event['weapon']} {why}.",
                    "Check the barrel clear and record it before loading.",
                    policy,
                )
            ]
        if kind == "WeaponDischarged" and not weapon["barrel_checked"]:
            return [
                self.finding(
                    f"{event['weapon']} fired without its barrel checked clear before.",
                    "Cease-fire: the handler checks the barrel before and after every firing "
                    "sequence.",
                    policy,
                )
            ]
        if kind == "BarrelChecked" and not event["clear"]:
            # A recorded fact, not a refusal: the obstruction opens an incident (squib).
            return [
                self.finding(
                    f"The barrel of {event['weapon']} is not clear: a projectile may be stuck "
                    "in it.",
                    "Do not load or fire it; cease-fire until the weapon is cleared and reviewed.",
                    policy,
                    severity=Severity.WARN,
                )
            ]
        return []


class CusSecured(Rule):
    id = "CUS-SECURED"
    severity = Severity.BLOCK
    overridable = True
    summary = "A weapon not in use is in locked storage."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind in ("MealBreakCalled", "WrapCalled", "DayClosed"):
            outside = [
                w for w, rec in projection.weapons() if rec["location"].startswith("person:")
            ]
            if outside:
                what = {
                    "MealBreakCalled": "A meal break",
                    "WrapCalled": "Wrap",
                    "DayClosed": "Closing the day",
                }[kind]
                return [
                    self.finding(
                        f"{what} is called with {', '.join(outside)} outside storage.",
                        "The handler collects every weapon and locks it in storage first.",
                        policy,
                    )
                ]
        if kind in ("WeaponReceived", "WeaponReturnedToStorage", "WeaponSurrendered"):
            storage = projection.storage(event["storage"])
            if storage is not None and not storage["lockable"]:
                return [
                    self.finding(
                        f"{storage['name']} cannot be locked.",
                        "Keep weapons only in a lockable storage location.",
                        policy,
                        overridable=False,
                    )
                ]
        if kind == "WeaponFoundUnattended":
            return [
                self.finding(
                    f"{event['weapon']} was found unattended ({event['where']}).",
                    "It stays UNKNOWN until the handler inspects it; cease-fire until the "
                    "incident is reviewed.",
                    policy,
                    overridable=False,
                )
            ]
        return []


class CusSoleDuty(Rule):
    id = "CUS-SOLE-DUTY"
    severity = Severity.WARN
    policy_switch = "sole_duty"
    summary = "While a weapon is out of storage, its handler has no other duty."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "WeaponTakenOut":
            return self._other_duties(
                event["actor"], projection.duties(event["actor"]), projection, policy
            )
        if kind in ("DayOpened", "CallSheetRevised"):
            holders = {projection.holder(w) for w, _ in projection.weapons()}
            findings = []
            for entry in event["call_sheet"]:
                if entry["person"] in holders and "handler" in entry["duties"]:
                    findings += self._other_duties(
                        entry["person"], entry["duties"], projection, policy
                    )
            return findings
        return []

    def _other_duties(
        self, person_id: str, duties: list[str], projection: Projection, policy: Policy
    ) -> list[Finding]:
        others = sorted(set(duties) - {"handler"})
        if not others or "handler" not in duties:
            return []
        return [
            self.finding(
                f"{name(projection, person_id)} handles weapons out of storage but is also on "
                f"the call sheet for {', '.join(others)}.",
                "Take the other duties off the handler's call sheet while weapons are out.",
                policy,
            )
        ]


class CusReturn(Rule):
    id = "CUS-RETURN"
    severity = Severity.BLOCK
    summary = "A performer returns the weapon to a handler; never to anyone else."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "WeaponHandedOver":
            giver, receiver = event["giver"], event["receiver"]
            # An assistant director is no performer returning a weapon: CUS-HANDLER is the
            # rule they break. A performer (whoever else they are) returns only to a handler.
            returning = not _is_first_ad(projection, giver) or projection.is_performer(giver)
            if (
                returning
                and not projection.is_handler(giver)
                and not projection.is_handler(receiver)
            ):
                return [
                    self.finding(
                        f"{name(projection, giver)} gives {event['weapon']} to "
                        f"{name(projection, receiver)}, and neither is a handler.",
                        "Return the weapon to a handler; only a handler passes it on.",
                        policy,
                    )
                ]
        if kind == "SetupCompleted":
            held = [
                w
                for w, rec in projection.weapons()
                if rec["setup"] == event["setup"]
                and (holder := projection.holder(w)) is not None
                and not projection.is_handler(holder)
            ]
            if held:
                return [
                    self.finding(
                        f"Setup {event['setup']} ends with {', '.join(held)} still with a "
                        "performer.",
                        "On cut, every performer returns their weapon to a handler.",
                        policy,
                    )
                ]
        return []
