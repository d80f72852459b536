"""Random days around the quarantine (AMMO-SUSPECT): weapons readied by the book, then a
live round found, a dummy that fires, a misfire, a squib, reviews, unloading, re-verifying,
destroying and returning, in any order.

Where :mod:`test_protocol_stateful` proposes everything at random (most of it refused),
this machine mostly does the compliant thing, so that loaded weapons really are handed to
performers, and tries the hand-over at every point of the quarantine's life: the Rust case
(rounds already in a weapon when their lot turns suspect, the reviews done, the same rounds
shown and handed over) is one of its sequences, for the revolver's chambers and for the
pistol's magazines. The invariants are :class:`protocol_machine.ProtocolMachine`'s: a
weapon holding a quarantined round never reaches a performer by a handover, and every
round stays accounted.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule
from protocol_machine import ProtocolMachine
from protocol_world import magazine_show

#: A weapon, the setup it is readied for, and its performer in that setup's plan.
READY = {"D1": ("W2", "rio"), "B1": ("W2", "rio"), "P1": ("W3", "rio")}
ready_setups = st.sampled_from(["D1", "D1", "B1", "P1", "P1"])
armed = st.sampled_from(["W2", "W3"])
shooters = st.sampled_from(["holder", "holder", "holder", "kit", "ana"])
rarely = st.sampled_from([False, False, False, True])


class QuarantineDay(ProtocolMachine):
    def loaded_chambers(self, weapon: str) -> list[int]:
        record = self.world.projection.weapon(weapon)
        if record is None:
            return []
        return [i + 1 for i, c in enumerate(record["chambers"]) if c not in ("empty", "unknown")]

    def show(self, weapon: str, performer: str | None) -> None:
        """An honest show-clear by the handler: what the ledger has, whole."""
        record = self.world.projection.weapon(weapon)
        if record is None:
            return
        self.submit("ShowClearInspected", "ana", weapon=weapon,
                    chambers=[c if c != "unknown" else "empty" for c in record["chambers"]],
                    barrel_clear=True, performer=performer,
                    performer_confirmed=performer is not None,
                    **magazine_show(self.world, weapon))  # fmt: skip

    @rule(setup=ready_setups, rounds=st.integers(1, 3), hand_over=st.booleans())
    def ready_by_the_book(self, setup: str, rounds: int, hand_over: bool) -> None:
        """Take the weapon out for the setup, check it, load its lot, seat a magazine, and
        perhaps show it to the performer and hand it over."""
        weapon, _ = READY[setup]
        plan = self.world.projection.setup(setup)
        if plan is None:
            return
        lot_id = plan["weapons"][0]["lot"]
        if self.world.projection.holder(weapon) != "ana":
            self.submit("WeaponTakenOut", "ana", weapon=weapon, setup=setup)
        self.submit("BarrelChecked", "ana", weapon=weapon, clear=True)
        self.show(weapon, None)
        record = self.world.projection.weapon(weapon)
        if record is None:
            return
        if weapon == "W3":
            self.submit("MagazineLoaded", "ana", weapon="W3", magazine="M1", lot=lot_id,
                        count=rounds)  # fmt: skip
            if not record.get("well"):
                self.submit("MagazineSeated", "ana", weapon="W3", magazine="M1")
        else:
            empty = [i + 1 for i, c in enumerate(record["chambers"]) if c == "empty"]
            if empty:
                self.submit("RoundsLoaded", "ana", weapon="W2", lot=lot_id, chambers=empty[:rounds])
        if hand_over:
            self.show_and_hand_over(setup=setup, time_between=0)

    @rule(setup=ready_setups, rounds=st.integers(1, 3), lot_first=st.booleans())
    def the_rust_case(self, setup: str, rounds: int, lot_first: bool) -> None:
        """Rounds already in the weapon when a live round is found in their lot (or in the
        weapon); the reviews lift the cease-fire; the same rounds are shown and handed over."""
        weapon, _ = READY[setup]
        plan = self.world.projection.setup(setup)
        if plan is None:
            return
        self.ready_by_the_book(setup=setup, rounds=rounds, hand_over=False)
        where = {"lot": plan["weapons"][0]["lot"]} if lot_first else {"weapon": weapon}
        self.submit("LiveRoundsFound", "ana", count=1, where="in the box", **where)
        self.review_every_incident()
        self.show_and_hand_over(setup=setup, time_between=0)

    @rule(setup=ready_setups, time_between=st.sampled_from([0, 0, 1, 12]))
    def show_and_hand_over(self, setup: str, time_between: int) -> None:
        """The show-clear to the planned performer, then the handover: tried whatever the
        weapon holds now."""
        weapon, performer = READY[setup]
        self.show(weapon, performer)
        self.world.tick(time_between)
        self.submit("WeaponHandedOver", "ana", weapon=weapon, giver="ana", receiver=performer,
                    receiver_confirmed=True)  # fmt: skip

    @rule(weapon=armed)
    def hand_back(self, weapon: str) -> None:
        holder = self.world.projection.holder(weapon)
        if holder is not None and holder != "ana":
            self.submit("WeaponHandedOver", holder, weapon=weapon, giver=holder, receiver="ana",
                        receiver_confirmed=True)  # fmt: skip

    @rule(where=st.sampled_from(["lot L1", "lot L2", "W2", "W3"]), happens=rarely)
    def find_a_live_round(self, where: str, happens: bool) -> None:
        if not happens:
            return
        fields: dict[str, Any] = (
            {"lot": where[4:]} if where.startswith("lot") else {"weapon": where}
        )
        self.submit("LiveRoundsFound", "ana", count=1, where=f"in {where}", **fields)

    @rule(
        weapon=armed,
        shooter=shooters,
        how=st.sampled_from(["fires", "fires", "misfire", "squib"]),
        intended=st.booleans(),
        happens=st.sampled_from([False, True]),
    )
    def pull_the_trigger(
        self, weapon: str, shooter: str, how: str, intended: bool, happens: bool
    ) -> None:
        """A discharge from the loaded chambers: a dummy there fires (its lot turns suspect),
        a round misfires (quarantined in its chamber) or a blank squibs."""
        if not happens:
            return
        chambers = self.loaded_chambers(weapon)[:1] or [1]
        fields: dict[str, Any] = {"intended": intended, "misfire": how == "misfire",
                                  "squib": how == "squib", "direction": "up the street",
                                  "nearest_cm": 700}  # fmt: skip
        if shooter != "holder":
            fields["shooter"] = shooter
        recorder = self.world.projection.holder(weapon) or "ana"
        self.submit("WeaponDischarged", recorder, weapon=weapon, chambers=chambers, **fields)

    @rule(weapon=armed)
    def check_the_barrel(self, weapon: str) -> None:
        holder = self.world.projection.holder(weapon)
        self.submit("BarrelChecked", holder or "ana", weapon=weapon, clear=True)

    @rule(weapon=armed, to_storage=st.booleans())
    def unload_it_all(self, weapon: str, to_storage: bool) -> None:
        """The handler unloads every chamber and magazine (misfired rounds go to their lot's
        quarantine), and perhaps locks the weapon away."""
        chambers = self.loaded_chambers(weapon)
        if chambers:
            self.submit("RoundsUnloaded", "ana", weapon=weapon, chambers=chambers)
        record = self.world.projection.weapon(weapon)
        if record is not None and record.get("well"):
            self.submit("MagazineRemoved", "ana", weapon=weapon, magazine=record["well"])
        for magazine_id, magazine in self.world.projection.magazines_of(weapon):
            if magazine["rounds"]:
                self.submit("MagazineUnloaded", "ana", weapon=weapon, magazine=magazine_id,
                            count=len(magazine["rounds"]))  # fmt: skip
        if to_storage:
            self.submit("WeaponReturnedToStorage", "ana", weapon=weapon, storage="S1")

    @rule()
    def review_every_incident(self) -> None:
        for number, _ in self.world.projection.open_incidents():
            self.submit("ReviewRecorded", "sam", incident=number, role="safety_coordinator",
                        findings="reviewed")  # fmt: skip
            self.submit("ReviewRecorded", "pat", incident=number, role="producer",
                        findings="reviewed")  # fmt: skip

    @rule(lot_id=st.sampled_from(["L1", "L2"]), destroy=st.booleans(), count=st.integers(1, 2))
    def clear_the_quarantine(self, lot_id: str, destroy: bool, count: int) -> None:
        """Misfired rounds set aside leave only by destruction or return to the supplier."""
        if destroy:
            self.submit("RoundsDestroyed", "ana", lot=lot_id, count=count, method="crushed",
                        quarantined=True)  # fmt: skip
        else:
            self.submit("RoundsReturnedToSupplier", "ana", lot=lot_id, count=count,
                        reference="RMA 3", quarantined=True)  # fmt: skip

    @rule(lot_id=st.sampled_from(["L1", "L1", "L2"]))
    def reverify(self, lot_id: str) -> None:
        record = self.world.projection.lot(lot_id)
        if record is not None and record["suspect"] and record["in_storage"]:
            self.submit("LotReverified", "ana", lot=lot_id, count=record["in_storage"],
                        method="rattle")  # fmt: skip

    @rule(minutes=st.integers(1, 15))
    def time_passes(self, minutes: int) -> None:
        self.world.tick(minutes)


QuarantineDay.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_quarantined_rounds_never_reach_a_performer = QuarantineDay.TestCase
