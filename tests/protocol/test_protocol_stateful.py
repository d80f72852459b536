"""Random days on set: whatever people try, the protocol's invariants hold.

Commands are proposed at random, decided by ``decide`` and recorded with ``apply``,
exactly as the service does. After every step:

- every weapon is in exactly one place: one storage location or one registered person;
- no round count is negative, and every lot balances (received = in storage + in weapons
  + expended + returned + destroyed + missing), with in-weapon counts matching chambers;
- each weapon's state is the one derived from its recorded facts;
- a weapon reaches a performer only straight after a fresh show-clear that performer
  confirmed;
- the projection equals the fold of every entry appended.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from protocol_world import World

from showclear.protocol import (
    Decision,
    Projection,
    ProtocolError,
    apply,
    decide,
    derive_state,
    fold,
)
from showclear.protocol.time import parse_time

PEOPLE = ["ana", "rio", "kit", "lou", "dee", "cam", "sam", "pat"]
people = st.sampled_from(PEOPLE)
handlers_mostly = st.sampled_from(["ana", "ana", "ana", "rio", "dee"])
performers = st.sampled_from(["rio", "kit", "lou", "ana", "cam"])
weapons = st.sampled_from(["W1", "W2", "W2", "W9"])
setups = st.sampled_from(["E1", "D1", "B1", "B1", None])
lots = st.sampled_from(["L1", "L2", "L2"])
chambers = st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True)
rarely = st.sampled_from([False, False, False, False, True])
usually = st.sampled_from([True, True, True, True, False])
COUNTS = ("in_storage", "in_weapons", "expended", "returned", "destroyed", "missing")


class RandomDayOnSet(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World.day()
        self.world.ok("DummiesVerified", "ana", lot="L1", count=8, method="rattle")
        self.handovers_to_performers = 0

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
        return decision

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
        age = parse_time(handover["at"]) - parse_time(inspection["at"])
        assert age <= timedelta(minutes=before.policy().show_clear_validity_minutes)

    # -- what people on set do ---------------------------------------------------------

    @rule(actor=handlers_mostly, weapon=weapons, setup=setups)
    def take_out(self, actor: str, weapon: str, setup: str | None) -> None:
        self.submit("WeaponTakenOut", actor, weapon=weapon, setup=setup)

    @rule(actor=handlers_mostly, weapon=weapons, lot=lots, numbers=chambers)
    def load(self, actor: str, weapon: str, lot: str, numbers: list[int]) -> None:
        self.submit("RoundsLoaded", actor, weapon=weapon, lot=lot, chambers=numbers)

    @rule(actor=handlers_mostly, weapon=weapons, numbers=chambers)
    def unload(self, actor: str, weapon: str, numbers: list[int]) -> None:
        self.submit("RoundsUnloaded", actor, weapon=weapon, chambers=numbers)

    @rule(
        actor=handlers_mostly,
        weapon=weapons,
        performer=performers,
        shown=st.booleans(),
        honest=st.booleans(),
    )
    def inspect(self, actor: str, weapon: str, performer: str, shown: bool, honest: bool) -> None:
        record = self.world.projection.weapon(weapon)
        size = len(record["chambers"]) if record else 6
        seen = [c if c != "unknown" else "empty" for c in record["chambers"]] if record else []
        contents = seen if honest and record else ["empty"] * size
        self.submit(
            "ShowClearInspected",
            actor,
            weapon=weapon,
            chambers=contents,
            barrel_clear=True,
            performer=performer if shown else None,
            performer_confirmed=shown,
        )

    @rule(weapon=weapons, giver=people, receiver=performers, confirmed=st.booleans())
    def hand_over(self, weapon: str, giver: str, receiver: str, confirmed: bool) -> None:
        if giver != receiver:
            self.submit(
                "WeaponHandedOver",
                giver,
                weapon=weapon,
                giver=giver,
                receiver=receiver,
                receiver_confirmed=confirmed,
            )

    @rule(weapon=weapons, performer=st.sampled_from(["rio", "kit", "lou"]))
    def ready_and_hand_over(self, weapon: str, performer: str) -> None:
        """The compliant sequence, tried from wherever the day is."""
        record = self.world.projection.weapon(weapon)
        if record is None:
            return
        contents = [c if c != "unknown" else "empty" for c in record["chambers"]]
        self.submit("ShowClearInspected", "ana", weapon=weapon, chambers=contents,
                    barrel_clear=True, performer=performer, performer_confirmed=True)  # fmt: skip
        self.submit(
            "WeaponHandedOver",
            "ana",
            weapon=weapon,
            giver="ana",
            receiver=performer,
            receiver_confirmed=True,
        )

    @rule(setup=st.sampled_from(["E1", "D1", "B1"]))
    def run_a_setup_by_the_book(self, setup: str) -> None:
        """Take out, inspect, load as planned, show-clear to the planned performer, hand over."""
        plan = self.world.projection.setup(setup)
        if plan is None:
            return
        planned = plan["weapons"][0]
        weapon, performer = planned["weapon"], planned["performer"]
        self.submit("WeaponTakenOut", "ana", weapon=weapon, setup=setup)
        record = self.world.projection.weapon(weapon)
        assert record is not None
        size = len(record["chambers"])
        self.submit("ShowClearInspected", "ana", weapon=weapon, chambers=["empty"] * size,
                    barrel_clear=True, performer=None, performer_confirmed=False)  # fmt: skip
        if planned["lot"]:
            self.submit("RoundsLoaded", "ana", weapon=weapon, lot=planned["lot"], chambers=[1])
        record = self.world.projection.weapon(weapon)
        assert record is not None
        self.submit("ShowClearInspected", "ana", weapon=weapon, chambers=list(record["chambers"]),
                    barrel_clear=True, performer=performer, performer_confirmed=True)  # fmt: skip
        self.submit(
            "WeaponHandedOver",
            "ana",
            weapon=weapon,
            giver="ana",
            receiver=performer,
            receiver_confirmed=True,
        )

    @rule(actor=people, weapon=weapons, numbers=chambers, misfire=rarely, intended=usually)
    def discharge(
        self, actor: str, weapon: str, numbers: list[int], misfire: bool, intended: bool
    ) -> None:
        self.submit(
            "WeaponDischarged",
            actor,
            weapon=weapon,
            chambers=numbers,
            intended=intended,
            misfire=misfire,
        )

    @rule(actor=handlers_mostly, weapon=weapons, clear=st.booleans())
    def check_barrel(self, actor: str, weapon: str, clear: bool) -> None:
        self.submit("BarrelChecked", actor, weapon=weapon, clear=clear)

    @rule(actor=handlers_mostly, weapon=weapons, storage=st.sampled_from(["S1", "S1", "S2"]))
    def return_to_storage(self, actor: str, weapon: str, storage: str) -> None:
        self.submit("WeaponReturnedToStorage", actor, weapon=weapon, storage=storage)

    @rule(kind=st.sampled_from(["MealBreakCalled", "WrapCalled"]))
    def call_a_break(self, kind: str) -> None:
        self.submit(kind, "dee")

    @rule(weapon=weapons, finder=people, happens=rarely)
    def find_unattended(self, weapon: str, finder: str, happens: bool) -> None:
        if happens:
            self.submit(
                "WeaponFoundUnattended", finder, weapon=weapon, where="chair", secured_by="ana"
            )

    @rule(actor=people, role=st.sampled_from(["safety_coordinator", "producer"]))
    def review(self, actor: str, role: str) -> None:
        incidents = self.world.projection.open_incidents()
        if incidents:
            self.submit(
                "ReviewRecorded", actor, incident=incidents[0][0], role=role, findings="reviewed"
            )

    @rule()
    def both_reviews(self) -> None:
        incidents = self.world.projection.open_incidents()
        if incidents:
            number = incidents[0][0]
            self.submit(
                "ReviewRecorded", "sam", incident=number, role="safety_coordinator", findings="ok"
            )
            self.submit("ReviewRecorded", "pat", incident=number, role="producer", findings="ok")

    @rule(stop_work=rarely, answer_by=people)
    def concern(self, stop_work: bool, answer_by: str) -> None:
        decision = self.submit(
            "ConcernRaised", "cam", text="worried", anonymous=False, stop_work=stop_work
        )
        if decision is not None:
            self.submit(
                "ConcernAnswered",
                answer_by,
                concern=decision.events[-1]["concern"],
                answer="answered",
            )

    @rule(
        actor=st.sampled_from(["sam", "pat"]),
        rule_id=st.sampled_from(["CUS-SECURED", "PLAN-DISTANCE"]),
    )
    def grant_override(self, actor: str, rule_id: str) -> None:
        self.submit("OverrideGranted", actor, rule=rule_id, reason="a written reason")

    @rule(minutes=st.integers(1, 30))
    def time_passes(self, minutes: int) -> None:
        self.world.tick(minutes)

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
        projection = self.world.projection
        loaded: dict[str, int] = {}
        for _, weapon in projection.weapons():
            for content in weapon["chambers"]:
                loaded[content] = loaded.get(content, 0) + 1
        for lot_id, lot in projection.lots():
            counts = [lot[k] for k in COUNTS]  # type: ignore[literal-required]
            assert min(counts) >= 0, (lot_id, lot)
            assert lot["received"] == sum(counts), (lot_id, lot)
            assert lot["in_weapons"] == loaded.get(lot_id, 0), (lot_id, lot)

    @invariant()
    def states_are_derived_from_facts(self) -> None:
        kinds = self.world.projection.lot_kinds()
        for _, weapon in self.world.projection.weapons():
            assert weapon["state"] == derive_state(weapon, kinds)

    @invariant()
    def the_projection_equals_a_rebuild_from_the_ledger(self) -> None:
        assert fold(self.world.events).records() == self.world.projection.records()


RandomDayOnSet.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_days_on_set_keep_the_protocols_invariants = RandomDayOnSet.TestCase
