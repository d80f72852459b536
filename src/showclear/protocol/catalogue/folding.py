"""One event's changes to the projection: the helper every fold handler is given."""

from __future__ import annotations

from typing import Any, cast

from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.projection import (
    CeasefireRecord,
    DayRecord,
    LotRecord,
    MetaRecord,
    Projection,
    SetupRecord,
    WeaponRecord,
)

__all__ = ["Fold"]


class Fold:
    """One event's changes to a projection, remembering which keys it touched."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.changed: set[str] = set()
        self.touched_weapons: set[str] = set()

    def record(self, key: str) -> Any:
        found = self.projection._get(key)
        if found is None:
            raise InconsistentEventError(f"the projection has no record {key!r}")
        self.changed.add(key)
        return found

    def put(self, key: str, value: object) -> None:
        self.projection._put(key, value)
        self.changed.add(key)

    def drop(self, key: str) -> None:
        self.projection._drop(key)
        self.changed.add(key)

    def meta(self) -> MetaRecord:
        return cast(MetaRecord, self.record("meta"))

    def weapon(self, weapon_id: str) -> WeaponRecord:
        self.touched_weapons.add(weapon_id)
        return cast(WeaponRecord, self.record(f"weapon:{weapon_id}"))

    def touch(self, weapon_id: str) -> WeaponRecord:
        """The weapon, which this event makes no longer "inspected last" (CUS-SHOW-CLEAR)."""
        weapon = self.weapon(weapon_id)
        weapon["inspection_is_last_event"] = False
        return weapon

    def lot(self, lot_id: str) -> LotRecord:
        return cast(LotRecord, self.record(f"lot:{lot_id}"))

    def setup(self, setup_id: str) -> SetupRecord:
        return cast(SetupRecord, self.record(f"setup:{setup_id}"))

    def day(self) -> DayRecord:
        return cast(DayRecord, self.record("day"))

    def move(self, lot_id: str, source: str, target: str, count: int) -> None:
        """Move ``count`` rounds of a lot from one count to another (AMMO-COUNT)."""
        lot = cast(dict[str, int], self.lot(lot_id))
        if lot[source] < count:
            raise InconsistentEventError(
                f"lot {lot_id} has {lot[source]} rounds {source.replace('_', ' ')}, not {count}"
            )
        lot[source] -= count
        lot[target] += count

    def unsettle(self, weapon_id: str, why: str) -> None:
        """Make the weapon UNKNOWN until inspected."""
        weapon = self.touch(weapon_id)
        # "fired" is cleared by a barrel check alone; every other reason needs a full
        # inspection, so it replaces "fired" and is never replaced by it.
        if weapon["uncertain"] in (None, "fired"):
            weapon["uncertain"] = why

    def refresh_ceasefire(self) -> None:
        incidents = [n for n, _ in self.projection.open_incidents()]
        stop_work = [n for n, c in self.projection.open_concerns() if c["stop_work"]]
        record: CeasefireRecord = {
            "active": bool(incidents or stop_work),
            "incidents": incidents,
            "stop_work_concerns": stop_work,
        }
        if self.projection._get("ceasefire") != record:
            self.put("ceasefire", record)

    def outside_storage(self) -> list[str]:
        return [
            w for w, rec in self.projection.weapons() if not rec["location"].startswith("storage:")
        ]
