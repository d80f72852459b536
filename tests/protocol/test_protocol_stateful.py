"""Random days on set: whatever people try, the protocol's invariants hold.

Commands are proposed at random, decided by ``decide`` and recorded with ``apply``,
exactly as the service does; the invariants checked after every step are those of
:class:`protocol_machine.ProtocolMachine` (a weapon in exactly one place, every round
accounted in chambers and magazines, states and quarantines derived from the facts, a
weapon reaching a performer only straight after a fresh show-clear that performer confirmed
and never holding a quarantined round, a surrendered weapon locked away, the projection
equal to a rebuild).

The rules cover the whole day, and #12's events: live rounds found in a lot or a weapon,
misfires and dummies that fire, shooters who are not the holder, unloading (misfired rounds
to the quarantine), quarantined rounds destroyed or returned, suspect lots re-verified, a
pistol's magazines received, loaded, unloaded, seated and removed, personal weapons
surrendered and released, weapons and lots released and received again.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule
from protocol_machine import ProtocolMachine, lots_held
from protocol_world import lot as lot_of
from protocol_world import magazine_show, pistol
from protocol_world import weapon as revolver

PEOPLE = ["ana", "rio", "kit", "lou", "dee", "cam", "sam", "pat"]
people = st.sampled_from(PEOPLE)
handlers_mostly = st.sampled_from(["ana", "ana", "ana", "rio", "dee"])
performers = st.sampled_from(["rio", "kit", "lou", "ana", "cam"])
weapons = st.sampled_from(["W1", "W2", "W2", "W3", "W3", "W9", "X1"])
setups = st.sampled_from(["E1", "D1", "B1", "B1", "P1", None])
lots = st.sampled_from(["L1", "L2", "L2"])
chambers = st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True)
rarely = st.sampled_from([False, False, False, False, True])
usually = st.sampled_from([True, True, True, True, False])
magazine_weapons = st.sampled_from(["W3", "W3", "W3", "W2"])
magazine_ids = st.sampled_from(["M1", "M1", "M2", "M3"])
any_lot = st.sampled_from(["L1", "L1", "L2", "L9"])


class RandomDayOnSet(ProtocolMachine):
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
            **(magazine_show(self.world, weapon) if honest else {}),
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
                    barrel_clear=True, performer=performer, performer_confirmed=True,
                    **magazine_show(self.world, weapon))  # fmt: skip
        self.submit(
            "WeaponHandedOver",
            "ana",
            weapon=weapon,
            giver="ana",
            receiver=performer,
            receiver_confirmed=True,
        )

    @rule(setup=st.sampled_from(["E1", "D1", "B1", "P1"]))
    def run_a_setup_by_the_book(self, setup: str) -> None:
        """Take out, inspect, load as planned, show-clear to the planned performer, hand over."""
        plan = self.world.projection.setup(setup)
        if plan is None:
            return
        planned = plan["weapons"][0]
        weapon, performer = planned["weapon"], planned["performer"]
        self.submit("WeaponTakenOut", "ana", weapon=weapon, setup=setup)
        record = self.world.projection.weapon(weapon)
        if record is None:
            return  # the planned weapon was released from the inventory: nothing to run
        size = len(record["chambers"])
        self.submit("ShowClearInspected", "ana", weapon=weapon, chambers=["empty"] * size,
                    barrel_clear=True, performer=None, performer_confirmed=False,
                    **magazine_show(self.world, weapon))  # fmt: skip
        if planned["lot"] and "magazines" in record:  # a pistol: a magazine, then seated
            self.submit("MagazineLoaded", "ana", weapon=weapon, magazine="M1",
                        lot=planned["lot"], count=2)  # fmt: skip
            self.submit("MagazineSeated", "ana", weapon=weapon, magazine="M1")
        elif planned["lot"]:
            self.submit("RoundsLoaded", "ana", weapon=weapon, lot=planned["lot"], chambers=[1])
        record = self.world.projection.weapon(weapon)
        assert record is not None
        self.submit("ShowClearInspected", "ana", weapon=weapon, chambers=list(record["chambers"]),
                    barrel_clear=True, performer=performer, performer_confirmed=True,
                    **magazine_show(self.world, weapon))  # fmt: skip
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

    # -- AMMO-SUSPECT: live rounds, rounds unlike their kind, the quarantine --------------

    @rule(
        finder=st.sampled_from(["ana", "ana", "cam", "rio"]),
        lot_id=st.sampled_from(["L1", "L1", "L2", None]),
        weapon=st.sampled_from(["W2", "W3", None, None]),
        happens=rarely,
    )
    def find_live_rounds(
        self, finder: str, lot_id: str | None, weapon: str | None, happens: bool
    ) -> None:
        if not happens or (lot_id is None and weapon is None):
            return
        held = lots_held(self.world.projection, weapon) if weapon else set()
        decision = self.submit(
            "LiveRoundsFound", finder, count=1, where="on the cart", lot=lot_id, weapon=weapon
        )
        if decision is not None and decision.outcome != "refused":
            # AMMO-SUSPECT: the lot it was found in, and every lot the weapon held.
            suspect = self.world.projection.suspect_lots()
            known = {lot_id} if self.world.projection.lot(str(lot_id)) else set()
            assert known | held <= suspect, (known | held, suspect)

    @rule(
        weapon=weapons,
        shooter=st.sampled_from(["holder", "holder", "holder", "rio", "cam", None]),
        recorder=st.sampled_from(["ana", "ana", "rio", "dee"]),
        misfire=rarely,
        squib=rarely,
        intended=usually,
        shots=st.integers(1, 3),
    )
    def fire_what_is_loaded(
        self,
        *,
        weapon: str,
        shooter: str | None,
        recorder: str,
        misfire: bool,
        squib: bool,
        intended: bool,
        shots: int,
    ) -> None:
        """A discharge from the loaded chambers (a dummy may fire, a round may misfire), by
        the holder or by someone else, with where the muzzle pointed."""
        record = self.world.projection.weapon(weapon)
        loaded = [i + 1 for i, c in enumerate(record["chambers"]) if c != "empty"] if record else []
        fields: dict[str, Any] = {
            "chambers": loaded[:2] or [1],
            "intended": intended,
            "misfire": misfire,
            "squib": squib,
            "direction": "up the street",
            "nearest_cm": 700,
        }
        if record is not None and "magazines" in record:
            fields["rounds"] = shots
        if shooter != "holder":
            fields["shooter"] = shooter
        self.submit("WeaponDischarged", recorder, weapon=weapon, **fields)

    @rule(weapon=weapons, actor=handlers_mostly)
    def unload_everything(self, weapon: str, actor: str) -> None:
        """Every loaded chamber unloaded (a misfired round goes to its lot's quarantine),
        the seated magazine removed and every magazine emptied."""
        projection = self.world.projection
        record = projection.weapon(weapon)
        if record is None:
            return
        loaded = [i + 1 for i, c in enumerate(record["chambers"]) if c not in ("empty", "unknown")]
        if loaded:
            self.submit("RoundsUnloaded", actor, weapon=weapon, chambers=loaded)
        well = record.get("well")
        if well:
            self.submit("MagazineRemoved", actor, weapon=weapon, magazine=well)
        for magazine_id, magazine in projection.magazines_of(weapon):
            if magazine["rounds"]:
                self.submit(
                    "MagazineUnloaded",
                    actor,
                    weapon=weapon,
                    magazine=magazine_id,
                    count=len(magazine["rounds"]),
                )

    @rule(
        actor=st.sampled_from(["ana", "ana", "bo", "rio"]),
        lot_id=any_lot,
        count=st.integers(1, 3),
        from_quarantine=st.booleans(),
        destroy=st.booleans(),
    )
    def destroy_or_return_rounds(
        self, actor: str, lot_id: str, count: int, from_quarantine: bool, destroy: bool
    ) -> None:
        extra = {"quarantined": True} if from_quarantine else {}
        if destroy:
            self.submit("RoundsDestroyed", actor, lot=lot_id, count=count, method="crushed",
                        **extra)  # fmt: skip
        else:
            self.submit("RoundsReturnedToSupplier", actor, lot=lot_id, count=count,
                        reference="RMA 12", **extra)  # fmt: skip

    @rule(actor=st.sampled_from(["ana", "ana", "rio"]), lot_id=any_lot, exact=usually)
    def reverify_a_lot(self, actor: str, lot_id: str, exact: bool) -> None:
        """Every remaining round of a suspect lot re-verified (or a wrong count claimed)."""
        record = self.world.projection.lot(lot_id)
        count = record["in_storage"] if record is not None else 4
        self.submit("LotReverified", actor, lot=lot_id, count=max(1, count if exact else count + 1),
                    method="rattle")  # fmt: skip

    # -- magazines ---------------------------------------------------------------------

    @rule(actor=handlers_mostly, magazine=magazine_ids, weapon=magazine_weapons)
    def receive_a_magazine(self, actor: str, magazine: str, weapon: str) -> None:
        self.submit("MagazineReceived", actor, magazine=magazine, weapon=weapon, capacity=5)

    @rule(
        actor=handlers_mostly,
        weapon=magazine_weapons,
        magazine=magazine_ids,
        lot_id=any_lot,
        count=st.integers(1, 4),
    )
    def load_a_magazine(
        self, actor: str, weapon: str, magazine: str, lot_id: str, count: int
    ) -> None:
        self.submit("MagazineLoaded", actor, weapon=weapon, magazine=magazine, lot=lot_id,
                    count=count)  # fmt: skip

    @rule(actor=handlers_mostly, weapon=magazine_weapons, magazine=magazine_ids,
          count=st.integers(1, 4))  # fmt: skip
    def unload_a_magazine(self, actor: str, weapon: str, magazine: str, count: int) -> None:
        self.submit("MagazineUnloaded", actor, weapon=weapon, magazine=magazine, count=count)

    @rule(actor=handlers_mostly, weapon=magazine_weapons, magazine=magazine_ids, seat=usually)
    def seat_or_remove_a_magazine(self, actor: str, weapon: str, magazine: str, seat: bool) -> None:
        kind = "MagazineSeated" if seat else "MagazineRemoved"
        self.submit(kind, actor, weapon=weapon, magazine=magazine)

    # -- the inventory's edges: personal weapons, releases, receipts again -------------

    @rule(actor=handlers_mostly, storage=st.sampled_from(["S1", "S1", "S2"]), happens=rarely)
    def surrender_a_personal_weapon(self, actor: str, storage: str, happens: bool) -> None:
        if not happens:
            return
        self.submit("WeaponSurrendered", actor, weapon="X1", description="Glock 19, black",
                    serial="BXR-114", surrendered_by="Jo Reyes", storage=storage)  # fmt: skip

    @rule(
        actor=handlers_mostly,
        weapon=st.sampled_from(["X1", "X1", "W2", "W3"]),
        reason=st.sampled_from(["owner_return", "owner_return", "repair"]),
        happens=rarely,
    )
    def release_a_weapon(self, actor: str, weapon: str, reason: str, happens: bool) -> None:
        if not happens:
            return
        self.submit("WeaponReleased", actor, weapon=weapon, reason=reason, to="Jo Reyes",
                    document="receipt 4471")  # fmt: skip

    @rule(
        actor=handlers_mostly,
        lot_id=st.sampled_from(["L1", "L2", "L2"]),
        exact=usually,
        happens=rarely,
    )
    def release_a_lot(self, actor: str, lot_id: str, exact: bool, happens: bool) -> None:
        if not happens:
            return
        record = self.world.projection.lot(lot_id)
        left = record["in_storage"] + record["quarantined"] if record is not None else 1
        self.submit("LotReleased", actor, lot=lot_id, reason="rental_return", to="Western Props",
                    document="return slip 88", count=left if exact else left + 1)  # fmt: skip

    @rule(what=st.sampled_from(["W2", "W3", "L1", "L2"]))
    def receive_again(self, what: str) -> None:
        """A released weapon (with its magazines) or lot comes back by a new receipt."""
        if what == "W2":
            self.submit("WeaponReceived", "ana", **revolver("W2", "blank_firing", 6))
        elif what == "W3":
            decision = self.submit("WeaponReceived", "ana", **pistol("W3", 5))
            if decision is not None and decision.outcome != "refused":
                for magazine in ("M1", "M2"):
                    self.submit("MagazineReceived", "ana", magazine=magazine, weapon="W3",
                                capacity=5)  # fmt: skip
        elif what == "L1":
            self.submit("LotReceived", "ana", **lot_of("L1", "dummy", 12))
        else:
            self.submit("LotReceived", "ana", **lot_of("L2", "blank", 18, load="quarter"))


RandomDayOnSet.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_days_on_set_keep_the_protocols_invariants = RandomDayOnSet.TestCase
