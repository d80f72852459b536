"""The base of the protocol's state machines: a production's day proposed step by step,
every proposal decided by ``decide`` and recorded with ``apply`` exactly as the service
does, and the invariants that must hold after every step whatever the sequence.

Subclasses add the ``@rule``s (what people on set try); this class checks, per proposal,
that a weapon reaching someone who is not a handler got there by an allowed handover
straight after a fresh show-clear, holding no quarantined round, or by a reported fact;
and after every step:

- every weapon is in exactly one place: one storage location or one registered person;
- every round stays accounted (AMMO-COUNT, AMMO-SUSPECT): received = the sum
  ``lot_balance`` counts (in storage + in weapons + quarantined + expended + returned +
  destroyed + missing), none negative, and the rounds the weapons' chambers and magazines
  hold equal each lot's ``in_weapons`` (a misfired round counts in its weapon until
  unloaded, then in the lot's ``quarantined``);
- each weapon's quarantine and state are the ones derived afresh from its chambers, its
  magazines, the suspect lots and its misfired rounds;
- a weapon holding a quarantined round is with no performer a handover gave it to, and a
  surrendered personal weapon is in storage or with a handler (only a reported fact, found
  unattended or a custody gap, places either elsewhere);
- the projection equals the fold of every entry appended.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine, invariant
from protocol_world import World, add_pistol

from showclear.protocol import (
    Decision,
    Projection,
    ProtocolError,
    apply,
    decide,
    derive_state,
    fold,
)
from showclear.protocol.projection import ACCOUNTED, lot_balance, quarantine_reason
from showclear.protocol.time import parse_time

__all__ = ["FACTS", "ProtocolMachine", "lots_held", "quarantined"]

#: Entries that record where a weapon physically is, whoever has it: facts, not commands.
FACTS = frozenset({"CustodyGapRecorded", "WeaponFoundUnattended"})
COUNTS = ACCOUNTED


class ProtocolMachine(RuleBasedStateMachine):
    """The usual day (:meth:`World.day`) with a pistol (W3, magazines M1 and M2, setup P1)
    and eight verified dummies of L1; subclasses add the rules."""

    def __init__(self) -> None:
        super().__init__()
        self.world = World.day()
        add_pistol(self.world)  # W3: one chamber, magazines M1 and M2, setup P1 with L1
        self.world.ok("DummiesVerified", "ana", lot="L1", count=8, method="rattle")
        self.handovers_to_performers = 0
        # Who holds each weapon a reported fact put with someone who is not a handler.
        self.placed_by_fact: dict[str, str] = {}

    # -- proposing -------------------------------------------------------------------

    def submit(self, kind: str, actor: str | None, /, **fields: Any) -> Decision | None:
        proposed = self.world.event(kind, actor, **fields)
        before = Projection.from_records(self.world.projection.records())
        try:
            decision = decide(self.world.projection, proposed)
        except ProtocolError:
            return None
        for entry in decision.events:
            self.world.events.append(entry)
            apply(self.world.projection, entry)
        if kind == "WeaponHandedOver" and decision.outcome != "refused":
            self.check_show_clear(before, proposed)
        self.check_moves(before, decision)
        return decision

    def check_moves(self, before: Projection, decision: Decision) -> None:
        """A weapon that went to someone who is not a handler went there by an allowed
        handover, holding no quarantined round and not surrendered, or by a reported fact."""
        after = self.world.projection
        movers: dict[str, set[str]] = {}
        for entry in decision.events:
            if isinstance(entry.get("weapon"), str):
                movers.setdefault(entry["weapon"], set()).add(entry["type"])
        for weapon_id, record in after.weapons():
            old = before.weapon(weapon_id)
            if old is not None and old["location"] == record["location"]:
                continue
            self.placed_by_fact.pop(weapon_id, None)
            holder = after.holder(weapon_id)
            if holder is None or after.is_handler(holder):
                continue
            how = movers.get(weapon_id, set())
            assert how & {"WeaponHandedOver", *FACTS}, (weapon_id, holder, how)
            if how & FACTS:
                self.placed_by_fact[weapon_id] = holder
                continue
            assert "surrendered" not in record, f"surrendered {weapon_id} handed to {holder}"
            for projection in (before, after):
                held = quarantined(projection, weapon_id)
                assert not held, f"{weapon_id} reached {holder} holding quarantined rounds {held}"

    def check_show_clear(self, before: Projection, handover: dict[str, Any]) -> None:
        if before.is_handler(handover["receiver"]):
            return
        self.handovers_to_performers += 1
        weapon = before.weapon(handover["weapon"])
        assert weapon is not None
        inspection = weapon["last_inspection"]
        assert inspection is not None, "a weapon reached a performer without any show-clear"
        assert weapon["inspection_is_last_event"], "something happened after the show-clear"
        assert inspection["performer"] == handover["receiver"] and inspection["performer_confirmed"]
        assert inspection["barrel_clear"]
        if "magazines" in weapon:  # the well and every magazine issued with it were shown
            assert inspection.get("magazine_well") is not None
            assert set(inspection.get("magazines", [])) == set(weapon["magazines"])
        age = parse_time(handover["at"]) - parse_time(inspection["at"])
        assert age <= timedelta(minutes=before.policy().show_clear_validity_minutes)

    # -- what must always hold ---------------------------------------------------------

    @invariant()
    def every_weapon_is_in_exactly_one_place(self) -> None:
        projection = self.world.projection
        for weapon_id, weapon in projection.weapons():
            kind, _, place = weapon["location"].partition(":")
            lookup = projection.storage if kind == "storage" else projection.person
            assert kind in ("storage", "person") and lookup(place) is not None, (
                weapon_id,
                weapon["location"],
            )

    @invariant()
    def every_round_is_accounted_for(self) -> None:
        """received = in storage + in weapons + quarantined + expended + returned + destroyed
        + missing; the rounds in chambers and magazines are each lot's ``in_weapons`` (a
        misfired round counts in its weapon until unloaded, then in ``quarantined``)."""
        projection = self.world.projection
        loaded: Counter[str] = Counter()
        for weapon_id, weapon in projection.weapons():
            loaded.update(weapon["chambers"])
            loaded.update(projection.magazine_rounds(weapon_id))
            for magazine_id, magazine in projection.magazines_of(weapon_id):
                assert magazine["weapon"] == weapon_id, (magazine_id, weapon_id)
                assert len(magazine["rounds"]) <= magazine["capacity"], magazine_id
            for chamber in weapon["misfired"]:  # a misfired round is still in its chamber
                assert weapon["chambers"][chamber - 1] not in ("empty", "unknown"), weapon_id
        lots = dict(projection.lots())
        held_lots = set(loaded) - {"empty", "unknown"}
        assert held_lots <= lots.keys(), (
            f"weapons hold rounds of lots gone: {held_lots - lots.keys()}"
        )
        for lot_id, lot in lots.items():
            counts = [lot[k] for k in COUNTS]  # type: ignore[literal-required]
            assert min(counts) >= 0, (lot_id, lot)
            accounted, _ = lot_balance(lot)
            assert lot["received"] == accounted == sum(counts), (lot_id, lot)
            assert lot["in_weapons"] == loaded[lot_id], (lot_id, lot, loaded)

    @invariant()
    def states_are_derived_from_facts(self) -> None:
        """Each weapon's quarantine and state are the ones derived afresh from its chambers,
        its magazines, the suspect lots and its misfired rounds: nothing stale."""
        projection = self.world.projection
        kinds, suspect = projection.lot_kinds(), projection.suspect_lots()
        for weapon_id, weapon in projection.weapons():
            in_magazines = projection.magazine_rounds(weapon_id)
            why = quarantine_reason(weapon, suspect, in_magazines)
            assert weapon["quarantine"] == why, (weapon_id, weapon["quarantine"], why)
            assert bool(why) == bool(quarantined(projection, weapon_id)), weapon_id
            seated = projection.seated_rounds(weapon_id)
            assert weapon["state"] == derive_state(weapon, kinds, seated), weapon_id
            if why:
                assert weapon["state"] == "UNKNOWN", weapon_id

    @invariant()
    def a_quarantined_weapon_is_with_no_performer_a_handover_gave_it_to(self) -> None:
        """A weapon holding quarantined rounds is in storage, with a handler, or with whoever
        a reported fact placed it with, or it became quarantined in the hands it was already
        in (a misfire, a live round found): :meth:`check_moves` saw it arrive clean."""
        projection = self.world.projection
        for weapon_id, _ in projection.weapons():
            holder = projection.holder(weapon_id)
            if (
                holder is None
                or projection.is_handler(holder)
                or not quarantined(projection, weapon_id)
            ):
                continue
            # It reached them by a handover checked clean in check_moves, or by a fact.
            assert holder == self.placed_by_fact.get(weapon_id, holder)

    @invariant()
    def a_surrendered_weapon_stays_locked_away(self) -> None:
        """A surrendered personal weapon is in storage or with a handler; only a reported
        fact (found unattended, a custody gap) can place it with anyone else."""
        projection = self.world.projection
        for weapon_id, weapon in projection.weapons():
            if "surrendered" not in weapon:
                continue
            holder = projection.holder(weapon_id)
            if holder is None:
                assert weapon["location"].startswith("storage:"), weapon["location"]
            elif not projection.is_handler(holder):
                assert self.placed_by_fact.get(weapon_id) == holder, (weapon_id, holder)

    @invariant()
    def the_projection_equals_a_rebuild_from_the_ledger(self) -> None:
        assert fold(self.world.events).records() == self.world.projection.records()


def lots_held(projection: Projection, weapon_id: str) -> set[str]:
    """The lots of every round a weapon holds: in its chambers and in its magazines."""
    record = projection.weapon(weapon_id)
    if record is None:
        return set()
    held = {*record["chambers"], *projection.magazine_rounds(weapon_id)}
    return held - {"empty", "unknown"}


def quarantined(projection: Projection, weapon_id: str) -> list[str]:
    """The quarantined rounds a weapon holds, found from the facts alone (not from its
    ``quarantine`` field): rounds of suspect lots in its chambers or magazines, and
    misfired rounds (AMMO-SUSPECT)."""
    record = projection.weapon(weapon_id)
    if record is None:
        return []
    suspect = projection.suspect_lots()
    rounds = [*record["chambers"], *projection.magazine_rounds(weapon_id)]
    held = [f"a round of suspect lot {c}" for c in rounds if c in suspect]
    return held + [f"a misfired round in chamber {c}" for c in record["misfired"]]
