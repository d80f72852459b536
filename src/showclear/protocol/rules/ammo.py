"""Ammunition rules: AMMO-NO-LIVE, AMMO-SOURCE, AMMO-SUSPECT, AMMO-DUMMY-VERIFIED,
AMMO-CALIBER, AMMO-COUNT."""

from __future__ import annotations

from typing import Final, cast

from showclear.protocol.catalogue.day import DayClosed, day_close_differences
from showclear.protocol.catalogue.setups import normalize_plan
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.record_views import SupplierView
from showclear.protocol.rules.base import (
    LOADING,
    Event,
    Finding,
    Rule,
    Severity,
    name,
    rounds_loaded,
)

__all__ = [
    "PLACEHOLDERS",
    "AmmoCaliber",
    "AmmoCount",
    "AmmoDummyVerified",
    "AmmoNoLive",
    "AmmoSource",
    "AmmoSuspect",
    "find_person",
    "find_supplier",
    "is_placeholder",
]

_LOT_EVENTS = frozenset(
    {
        *LOADING,
        "DummiesVerified",
        "LotReverified",
        "RoundsReturnedToSupplier",
        "RoundsDestroyed",
        "RoundsMissingRecorded",
    }
)


#: What people write when they do not know where rounds came from: no origin (AMMO-SOURCE).
PLACEHOLDERS: Final = frozenset({"unknown", "none", "n/a", "-", "?", "loose"})


def is_placeholder(value: str | None) -> bool:
    """Whether ``value`` says nothing: empty, or a placeholder such as "unknown" or "-"."""
    text = (value or "").strip().casefold()
    return not text or text in PLACEHOLDERS


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def find_supplier(projection: Projection, given: str) -> tuple[str, SupplierView] | None:
    """The supplier on the list that ``given`` names, by its id or its name."""
    by_id = projection.supplier(given) if given.strip() else None
    if by_id is not None:
        return given, by_id
    wanted = _plain(given)
    for supplier_id, supplier in projection.suppliers():
        if _plain(supplier["name"]) == wanted or supplier_id.casefold() == wanted:
            return supplier_id, supplier
    return None


def find_person(projection: Projection, given: str) -> str | None:
    """The person of the production that ``given`` names, by id or name: rounds they
    supply are personal ammunition."""
    wanted = _plain(given)
    for person_id, person in projection.people():
        if person_id.casefold() == wanted or _plain(person["name"]) == wanted:
            return person_id
    return None


def _same_caliber(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _fired_content(projection: Projection, event: Event) -> list[tuple[int, str]]:
    weapon = projection.weapon(event["weapon"])
    if weapon is None:
        return []
    size = len(weapon["chambers"])
    return [(c, weapon["chambers"][c - 1]) for c in event["chambers"] if c <= size]


class AmmoNoLive(Rule):
    id = "AMMO-NO-LIVE"
    severity = Severity.BLOCK
    summary = "Live ammunition is never received, stored, loaded or carried."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "LotReceived" and event["kind"] == "live":
            return [
                self.finding(
                    f"Lot {event['lot']} is live ammunition, which is never allowed on set.",
                    "Refuse the delivery and send it back; receive only dummies or blanks.",
                    policy,
                )
            ]
        if kind in LOADING:
            lot = projection.lot(event["lot"])
            if lot is not None and lot["live_found"]:
                return [
                    self.finding(
                        f"Live rounds were found in lot {event['lot']}, so none of its rounds "
                        "may be loaded.",
                        f"Quarantine lot {event['lot']} for return or destruction and load from "
                        "a lot with no live rounds found.",
                        policy,
                    )
                ]
        if kind == "LiveRoundsFound":
            return [
                self.finding(
                    f"{event['count']} live round(s) were found ({event['where']}); the "
                    "production is in cease-fire.",
                    "Secure the rounds away from the set and wait for the safety coordinator's "
                    "and a producer's review.",
                    policy,
                )
            ]
        return []


class AmmoSource(Rule):
    id = "AMMO-SOURCE"
    severity = Severity.BLOCK
    summary = (
        "Every lot is received from a listed, approved supplier, with a documented origin "
        "and a count; never personal ammunition."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "LotReceived":
            return self._receipt(projection, event, policy)
        if kind in ("SupplierListed", "SupplierApproved"):
            return self._supplier_list(projection, event, policy)
        lot_ids = self._lots_named(event)
        unknown = [lot_id for lot_id in lot_ids if projection.lot(lot_id) is None]
        findings = [
            self.finding(
                f"Lot {lot_id} was never received, so its rounds are of unknown origin.",
                "Use only rounds from a lot received with its supplier and origin; set these "
                "rounds aside for the safety coordinator.",
                policy,
            )
            for lot_id in unknown
        ]
        if kind == "ShowClearInspected":
            findings += self._rounds_in_unknown_chambers(projection, event, policy)
        return findings

    def _receipt(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        lot_id = event["lot"]
        findings = []
        missing = [
            label
            for label, value in (
                ("a supplier", event["supplier"]),
                ("a documented origin", event["origin"]),
            )
            if is_placeholder(value)
        ]
        if not event["count"]:
            missing.append("a count")
        if missing:
            given = [
                repr(value)
                for value in (event["supplier"], event["origin"])
                if value and is_placeholder(value)
            ]
            said = f" ({', '.join(given)} is no origin)" if given else ""
            findings.append(
                self.finding(
                    f"Lot {lot_id} is received without {' and '.join(missing)}{said}: its "
                    "rounds would be of unknown origin.",
                    "Receive rounds only with the supplier, the document that names the count "
                    "(invoice, packing slip or transfer document, e.g. 'invoice WP-2211') and "
                    "the count; set loose, leftover or personal rounds aside.",
                    policy,
                )
            )
        supplier_given = event["supplier"] and not is_placeholder(event["supplier"])
        person = find_person(projection, event["supplier"]) if supplier_given else None
        if event.get("personal") or person is not None:
            whose = f"{name(projection, person)}'s own" if person else "personal"
            findings.append(
                self.finding(
                    f"Lot {lot_id} is {whose} ammunition: rounds of a person, not of a "
                    "supplier, are of unknown origin and are never received.",
                    "Hand the rounds to the armorer to be set aside and returned to their "
                    "owner off set; receive only rounds from an approved supplier.",
                    policy,
                )
            )
        elif supplier_given:
            findings += self._listed_and_approved(projection, event, policy)
        return findings

    def _listed_and_approved(
        self, projection: Projection, event: Event, policy: Policy
    ) -> list[Finding]:
        found = find_supplier(projection, event["supplier"])
        if found is None:
            listed = ", ".join(s for s, _ in projection.suppliers()) or "none yet"
            return [
                self.finding(
                    f"Supplier {event['supplier']!r} of lot {event['lot']} is not on the "
                    f"production's supplier list (listed: {listed}).",
                    "The armorer or property master lists the supplier with its licence or "
                    "registration (supplier add), a producer approves it (supplier approve); "
                    "then receive the lot.",
                    policy,
                )
            ]
        supplier_id, supplier = found
        if supplier["approved_by"] is None:
            return [
                self.finding(
                    f"Supplier {supplier_id} ({supplier['name']}) is listed but no producer "
                    "has approved it yet.",
                    f"Ask a producer to approve supplier {supplier_id} (supplier approve), "
                    "then receive the lot.",
                    policy,
                )
            ]
        return []

    def _supplier_list(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        actor = event["actor"]
        findings = []
        if event["type"] == "SupplierListed":
            if not (
                projection.has_role(actor, "armorer")
                or projection.has_role(actor, "property_master")
            ):
                findings.append(
                    self.finding(
                        f"{name(projection, actor)} is not an armorer or property master, "
                        "who list the production's suppliers.",
                        "Ask the armorer or the property master to list the supplier.",
                        policy,
                    )
                )
            if is_placeholder(event["licence"]):
                findings.append(
                    self.finding(
                        f"Supplier {event['supplier']} is listed without a licence or "
                        f"registration ({event['licence']!r}).",
                        "List the supplier with its licence or registration number as shown "
                        "on its paperwork.",
                        policy,
                    )
                )
            return findings
        supplier = projection.supplier(event["supplier"])
        if not projection.has_role(actor, "producer"):
            findings.append(
                self.finding(
                    f"{name(projection, actor)} is not a producer; only a producer approves "
                    "a supplier.",
                    f"Ask a producer to approve supplier {event['supplier']}.",
                    policy,
                )
            )
        elif supplier is not None and supplier["listed_by"] == actor:
            findings.append(
                self.finding(
                    f"{name(projection, actor)} listed supplier {event['supplier']} and cannot "
                    "also approve it: two people each vouch for it.",
                    "Ask another producer to approve the supplier.",
                    policy,
                )
            )
        return findings

    @staticmethod
    def _lots_named(event: Event) -> list[str]:
        kind = event["type"]
        if kind in _LOT_EVENTS:
            return [event["lot"]]
        if kind in ("SetupPlanned", "SetupChanged"):
            return sorted({w["lot"] for w in event["weapons"] if w.get("lot")})
        if kind == "ShowClearInspected":
            return sorted({c for c in event["chambers"] if c != "empty"})
        return []

    def _rounds_in_unknown_chambers(
        self, projection: Projection, event: Event, policy: Policy
    ) -> list[Finding]:
        weapon = projection.weapon(event["weapon"])
        if weapon is None or len(weapon["chambers"]) != len(event["chambers"]):
            return []
        found = [
            i + 1
            for i, (recorded, seen) in enumerate(
                zip(weapon["chambers"], event["chambers"], strict=True)
            )
            if recorded == "unknown" and seen != "empty"
        ]
        if not found:
            return []
        return [
            self.finding(
                f"Chamber(s) {found} of {event['weapon']} held rounds that were never recorded "
                "as loaded: their origin is unknown.",
                "Remove those rounds, set them aside for the safety coordinator, and inspect "
                "again with the chambers empty.",
                policy,
            )
        ]


class AmmoSuspect(Rule):
    """A suspect lot supplies nothing; its rounds, and misfired rounds, are quarantined
    wherever they are: a weapon holding one goes to no performer, fires not, and stays
    with the handler until it is unloaded."""

    id = "AMMO-SUSPECT"
    severity = Severity.BLOCK
    summary = (
        "Rounds of a suspect lot, and misfired rounds, are quarantined wherever they are; "
        "a suspect lot supplies nothing until re-verified, returned or destroyed."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind in LOADING:
            return self._load(projection, event, policy)
        if kind == "LotReverified":
            return self._reverify(projection, event, policy)
        if kind in ("WeaponHandedOver", "WeaponReturnedToStorage", "WeaponDischarged"):
            return self._quarantined_weapon(projection, event, policy)
        return []

    def _load(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        lot = projection.lot(event["lot"])
        suspect = lot.get("suspect") if lot is not None else None
        if suspect is None:
            return []
        return [
            self.finding(
                f"Lot {event['lot']} is suspect ({suspect['reason']}): none of its rounds is "
                "loaded.",
                f"Load from a lot that is not suspect. Lot {event['lot']} is returned or "
                "destroyed whole, or, for dummies, every remaining round is re-verified one by "
                "one (lot reverify) once its incident is reviewed.",
                policy,
            )
        ]

    def _reverify(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        lot_id, lot = event["lot"], projection.lot(event["lot"])
        if lot is None:
            return []  # AMMO-SOURCE: a lot never received
        problems = []
        if not (
            projection.has_role(event["actor"], "armorer")
            or projection.has_role(event["actor"], "property_master")
        ):
            problems.append(
                f"{name(projection, event['actor'])} is not an armorer or property master"
            )
        if lot.get("suspect") is None:
            problems.append(f"lot {lot_id} is not suspect (verify its dummies with verify-dummies)")
        if lot["kind"] != "dummy":
            problems.append(f"lot {lot_id} is {lot['kind']}s; only dummies can be shown inert")
        if lot["live_found"]:
            problems.append(
                f"a live round was found in lot {lot_id}; its rounds are never loaded again "
                "(AMMO-NO-LIVE)"
            )
        if lot["in_weapons"]:
            problems.append(f"{lot['in_weapons']} of its rounds are still in weapons")
        if event["count"] != lot["in_storage"]:
            problems.append(
                f"it has {lot['in_storage']} rounds in storage and every one is checked, "
                f"not {event['count']}"
            )
        # The incident its suspicion opened (at the same moment, or naming the lot) is
        # reviewed first.
        suspicion = lot.get("suspect")
        since = suspicion["at"] if suspicion is not None else None
        open_ = [
            n
            for n, i in projection.open_incidents()
            if i["lot"] == lot_id or (since is not None and i["opened_at"] >= since)
        ]
        if open_:
            problems.append(f"incident {open_[0]} about it is not reviewed yet")
        if not problems:
            return []
        return [
            self.finding(
                f"Lot {lot_id} cannot be re-verified: {'; '.join(problems)}.",
                "Unload every round of the lot, have the incident reviewed, then the armorer "
                "checks every remaining round one by one and records them all; or return or "
                "destroy the lot.",
                policy,
            )
        ]

    def _quarantined_weapon(
        self, projection: Projection, event: Event, policy: Policy
    ) -> list[Finding]:
        weapon_id = event["weapon"]
        why = projection.quarantine(weapon_id)
        if why is None:
            return []
        kind = event["type"]
        if kind == "WeaponHandedOver":
            if projection.is_handler(event["receiver"]):
                return []  # back to a handler, who unloads it
            act = f"cannot go to {name(projection, event['receiver'])}"
        elif kind == "WeaponReturnedToStorage":
            act = "cannot leave the handler for storage"
        else:
            act = "must not be fired"
        return [
            self.finding(
                f"{weapon_id} {act}: it {why}, and those rounds are quarantined.",
                f"The handler unloads {weapon_id} (misfired rounds go to the lot's quarantine), "
                "inspects it, and loads only rounds of a lot that is not suspect.",
                policy,
            )
        ]


class AmmoDummyVerified(Rule):
    id = "AMMO-DUMMY-VERIFIED"
    severity = Severity.BLOCK
    summary = "Only dummies the armorer verified inert, round by round, may be loaded."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "DummiesVerified":
            return self._verification(projection, event, policy)
        if kind in LOADING:
            lot = projection.lot(event["lot"])
            if lot is None or lot["kind"] != "dummy":
                return []
            wanted = lot["in_weapons"] + rounds_loaded(event)
            if wanted > lot["verified"]:
                return [
                    self.finding(
                        f"Only {lot['verified']} dummies of lot {event['lot']} are verified "
                        f"inert and {lot['in_weapons']} are already loaded; loading "
                        f"{rounds_loaded(event)} more would use unverified rounds.",
                        "Verify the rounds one by one (rattle, side hole, primer pocket) and "
                        "record it before loading them.",
                        policy,
                    )
                ]
        if kind == "WeaponDischarged":
            fired = [
                (c, lot_id)
                for c, lot_id in _fired_content(projection, event)
                if (lot := projection.lot(lot_id)) is not None and lot["kind"] == "dummy"
            ]
            if fired:
                chamber, lot_id = fired[0]
                return [
                    self.finding(
                        f"A round of dummy lot {lot_id} fired from chamber {chamber} of "
                        f"{event['weapon']}: it was not inert.",
                        f"Stop using lot {lot_id}; cease-fire until the safety coordinator and "
                        "a producer review it.",
                        policy,
                    )
                ]
        return []

    def _verification(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        findings = []
        actor = projection.person(event["actor"]) if event["actor"] else None
        if actor is None or not {"armorer", "property_master"} & set(actor["roles"]):
            findings.append(
                self.finding(
                    f"{name(projection, event['actor'])} is not an armorer or property master, "
                    "so cannot record dummies as verified inert.",
                    "Ask the armorer to check each round and record the verification.",
                    policy,
                )
            )
        lot = projection.lot(event["lot"])
        if lot is not None and lot["kind"] != "dummy":
            findings.append(
                self.finding(
                    f"Lot {event['lot']} is a lot of {lot['kind']}s; only dummies are verified "
                    "inert.",
                    "Record the verification against the lot of dummies it belongs to.",
                    policy,
                )
            )
        return findings


class AmmoCaliber(Rule):
    id = "AMMO-CALIBER"
    severity = Severity.BLOCK
    summary = "Rounds loaded must match the weapon's caliber."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        pairs: list[tuple[str, str]] = []
        if kind in LOADING:
            pairs = [(event["weapon"], event["lot"])]
        elif kind in ("SetupPlanned", "SetupChanged"):
            plan = normalize_plan(event)
            pairs = [(w["weapon"], w["lot"]) for w in plan["weapons"] if w["lot"]]
        findings = []
        for weapon_id, lot_id in pairs:
            weapon, lot = projection.weapon(weapon_id), projection.lot(lot_id)
            if weapon and lot and not _same_caliber(weapon["caliber"], lot["caliber"]):
                findings.append(
                    self.finding(
                        f"Lot {lot_id} is {lot['caliber']} but {weapon_id} takes "
                        f"{weapon['caliber']}.",
                        f"Use a lot of {weapon['caliber']} rounds for {weapon_id}.",
                        policy,
                    )
                )
        return findings


class AmmoCount(Rule):
    id = "AMMO-COUNT"
    severity = Severity.BLOCK
    summary = (
        "Every round is accounted for: received = in storage + in weapons + expended "
        "+ returned + destroyed."
    )

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind in LOADING:
            return self._enough(projection, event["lot"], rounds_loaded(event), policy)
        if kind in ("RoundsReturnedToSupplier", "RoundsDestroyed"):
            source = "quarantined" if event.get("quarantined") else "in_storage"
            return self._enough(projection, event["lot"], event["count"], policy, source)
        if kind == "RoundsMissingRecorded":
            return self._write_off(projection, event, policy)
        if kind == "ShowClearInspected":
            return self._inspection_agrees(projection, event, policy)
        if kind == "WeaponDischarged":
            empty = [c for c, content in _fired_content(projection, event) if content == "empty"]
            if empty:
                return [
                    self.finding(
                        f"{event['weapon']} fired from chamber(s) {empty}, which the ledger has "
                        "as empty: an unrecorded round was in the weapon.",
                        "Cease-fire: secure the weapon and account for every round before "
                        "anything else.",
                        policy,
                    )
                ]
        if kind == "DayClosed":
            differences = day_close_differences(projection, cast(DayClosed, event))
            if differences:
                listed = ", ".join(f"{lot_id} {diff:+d}" for lot_id, diff in differences.items())
                return [
                    self.finding(
                        f"The round count does not match the ledger ({listed}); every round "
                        "must be accounted for.",
                        "Recount; the difference is now an incident: cease-fire until the "
                        "safety coordinator and a producer review it.",
                        policy,
                    )
                ]
        return []

    def _enough(
        self,
        projection: Projection,
        lot_id: str,
        wanted: int,
        policy: Policy,
        source: str = "in_storage",
    ) -> list[Finding]:
        lot = projection.lot(lot_id)
        have = cast("dict[str, int]", lot).get(source, 0) if lot is not None else 0
        if lot is None or have >= wanted:
            return []
        where = "in quarantine" if source == "quarantined" else "in storage"
        return [
            self.finding(
                f"Lot {lot_id} has {have} rounds {where}, not {wanted}.",
                f"Count the rounds {where} again; move only rounds the ledger has there.",
                policy,
            )
        ]

    def _write_off(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        lot = projection.lot(event["lot"])
        if lot is None:
            return []
        problems = []
        if not projection.has_role(event["actor"], "safety_coordinator"):
            problems.append("only the safety coordinator writes rounds off as missing")
        if projection.incident(event["incident"]) is not None:
            problems.append(f"incident {event['incident']} has not been reviewed yet")
        if event["count"] > -lot["discrepancy"] or event["count"] > lot["in_storage"]:
            problems.append(
                f"the last count of lot {event['lot']} found {max(0, -lot['discrepancy'])} "
                f"round(s) missing, not {event['count']}"
            )
        return [
            self.finding(
                f"These rounds cannot be written off: {'; '.join(problems)}.",
                "Review the round-count incident first; then the safety coordinator records "
                "the rounds that were not found.",
                policy,
            )
            for _ in problems[:1]
        ]

    def _inspection_agrees(
        self, projection: Projection, event: Event, policy: Policy
    ) -> list[Finding]:
        weapon = projection.weapon(event["weapon"])
        if weapon is None or len(weapon["chambers"]) != len(event["chambers"]):
            return []
        differ = [
            (i + 1, recorded, seen)
            for i, (recorded, seen) in enumerate(
                zip(weapon["chambers"], event["chambers"], strict=True)
            )
            if recorded not in ("unknown", seen)
        ]
        if not differ:
            return []
        chamber, recorded, seen = differ[0]
        return [
            self.finding(
                f"The inspection finds {seen} in chamber {chamber} of {event['weapon']} but the "
                f"ledger has {recorded}: a round is unaccounted for.",
                "Stop and find the round; the difference is now an incident: cease-fire until "
                "it is reviewed.",
                policy,
            )
        ]
