"""Folding events into the projection: ``apply`` one, ``fold`` many.

``apply`` trusts that the event was decided (:func:`showclear.protocol.engine.decide`)
or read back from a verified ledger; it checks the event's shape and raises
InconsistentEventError if the event names something the projection does not hold,
which on a rebuild means the ledger and the projection code disagree. Each event
type's own change is declared with it in :mod:`showclear.protocol.catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from showclear.protocol.catalogue import CATALOGUE, Fold, validate_event
from showclear.protocol.projection import Projection, derive_state, quarantine_reason
from showclear.protocol.schema import recorded_entries

__all__ = ["apply", "fold"]


def apply(projection: Projection, event: dict[str, Any]) -> set[str]:
    """Fold one event into ``projection`` in place; return the keys it changed or removed.

    Raises MalformedEventError for a malformed event and InconsistentEventError for one
    that names a weapon, lot, person or record the projection does not hold.
    """
    # What is folded was decided already (check_validity held a new event to today's
    # rules) or is in a ledger: an entry recorded under an older, looser rule replays.
    with recorded_entries():
        validate_event(event)
    step = Fold(projection)
    if event["type"] != "ProductionCreated":
        step.meta()  # every other event needs a production
    CATALOGUE[event["type"]].fold(step, event)
    for number in event.get("overrides", []):
        step.drop(f"override:{number}")
        step.meta()["overrides_used"] += 1
    meta = step.meta()
    meta["last_at"] = event["at"]
    meta["events"] += 1
    if step.touched_weapons:
        lot_kinds, suspect = projection.lot_kinds(), projection.suspect_lots()
        for weapon_id in step.touched_weapons:
            weapon = step.weapon(weapon_id)
            in_magazines = projection.magazine_rounds(weapon_id)
            weapon["quarantine"] = quarantine_reason(weapon, suspect, in_magazines)  # AMMO-SUSPECT
            seated = projection.seated_rounds(weapon_id)
            weapon["state"] = derive_state(weapon, lot_kinds, seated).value
    return step.changed


def fold(events: Iterable[dict[str, Any]]) -> Projection:
    """The projection of a ledger: the empty projection with every event applied in order."""
    projection = Projection.empty()
    for event in events:
        apply(projection, event)
    return projection
