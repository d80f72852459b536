"""Ammunition rules: AMMO-NO-LIVE, AMMO-SOURCE, AMMO-DUMMY-VERIFIED, AMMO-CALIBER, AMMO-COUNT."""

from __future__ import annotations

from typing import cast

from showclear.protocol.catalogue.day import DayClosed, day_close_differences
from showclear.protocol.catalogue.setups import normalize_plan
from showclear.protocol.policy import Policy
from showclear.protocol.projection import Projection
from showclear.protocol.rules.base import Event, Finding, Rule, Severity, name

__all__ = [
    "AmmoCaliber",
    "AmmoCount",
    "AmmoDummyVerified",
    "AmmoNoLive",
    "AmmoSource",
]

_LOT_EVENTS = frozenset(
    {
        "RoundsLoaded",
        "DummiesVerified",
        "RoundsReturnedToSupplier",
        "RoundsDestroyed",
        "RoundsMissingRecorded",
    }
)


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
        if kind == "RoundsLoaded":
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
    summary = "Every lot is received with a supplier, a documented origin and a count."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "LotReceived":
            missing = [
                label
                for label, value in (
                    ("a supplier", event["supplier"]),
                    ("a documented origin", event["origin"]),
                )
                if not (value or "").strip()
            ]
            if not event["count"]:
                missing.append("a count")
            if missing:
                return [
                    self.finding(
                        f"Lot {event['lot']} is received without {' and '.join(missing)}: its "
                        "rounds would be of unknown origin.",
                        "Receive rounds only with the supplier, the documented origin (invoice "
                        "or certificate) and the count; set loose, leftover or personal rounds "
                        "aside.",
                        policy,
                    )
                ]
            return []
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


class AmmoDummyVerified(Rule):
    id = "AMMO-DUMMY-VERIFIED"
    severity = Severity.BLOCK
    summary = "Only dummies the armorer verified inert, round by round, may be loaded."

    def check(self, projection: Projection, event: Event, policy: Policy) -> list[Finding]:
        kind = event["type"]
        if kind == "DummiesVerified":
            return self._verification(projection, event, policy)
        if kind == "RoundsLoaded":
            lot = projection.lot(event["lot"])
            if lot is None or lot["kind"] != "dummy":
                return []
            wanted = lot["in_weapons"] + len(event["chambers"])
            if wanted > lot["verified"]:
                return [
                    self.finding(
                        f"Only {lot['verified']} dummies of lot {event['lot']} are verified "
                        f"inert and {lot['in_weapons']} are already loaded; loading "
                        f"{len(event['chambers'])} more would use unverified rounds.",
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
        if kind == "RoundsLoaded":
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
        if kind in ("RoundsLoaded", "RoundsReturnedToSupplier", "RoundsDestroyed"):
            wanted = len(event["chambers"]) if kind == "RoundsLoaded" else event["count"]
            return self._enough_in_storage(projection, event["lot"], wanted, policy)
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

    def _enough_in_storage(
        self, projection: Projection, lot_id: str, wanted: int, policy: Policy
    ) -> list[Finding]:
        lot = projection.lot(lot_id)
        if lot is None or lot["in_storage"] >= wanted:
            return []
        return [
            self.finding(
                f"Lot {lot_id} has {lot['in_storage']} rounds in storage, not {wanted}.",
                "Count the rounds in storage again; move only rounds the ledger has there.",
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
