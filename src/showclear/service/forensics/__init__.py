"""Forensic queries: who held, loaded, inspected and fired what, when; every answer cites entries.

The queries read one consistent snapshot of a production's ledger
(:class:`Forensics`, from :meth:`showclear.service.App.forensics`) and replay it
with the protocol's own fold, so they agree with the projection the rules read.
Each result names the ledger entry indexes it rests on; :meth:`Forensics.prove`
gives any of them an inclusion proof against the snapshot's signed checkpoint.

    records.py    the results (frozen dataclasses with ``to_json``)
    replay.py     entries with parsed times; what an entry mentions
    custody.py    custody at a moment; a weapon's chain between two moments
                  (both replay the ledger with :mod:`showclear.protocol.replay`)
    rounds.py     a lot's chain between two moments; its full accounting
    refusals.py   refusals, overrides and warnings; incidents as recorded
    describe.py   one plain line per entry
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from showclear.ledger import TlogProof
from showclear.protocol import Projection
from showclear.protocol.catalogue import describe, numbers_text
from showclear.protocol.replay import projection_at
from showclear.protocol.time import format_time, parse_time, read_time
from showclear.service.errors import BadRequest, NotFound
from showclear.service.forensics import custody, refusals, rounds
from showclear.service.forensics.records import (
    Carrier,
    ChainEntry,
    Custody,
    DayCount,
    Hold,
    IncidentFacts,
    LoadedWeapon,
    LotAccounting,
    LotChain,
    LotMovement,
    Override,
    Refusal,
    RefusalReport,
    Review,
    WarningEntry,
    WeaponChain,
)
from showclear.service.forensics.replay import (
    Indexed,
    index_events,
    mentions_lot,
    mentions_weapon,
    pairs,
)
from showclear.service.ledger import prove_inclusion
from showclear.store import ProductionInfo, Session

__all__ = [
    "Carrier",
    "ChainEntry",
    "Custody",
    "DayCount",
    "Forensics",
    "Hold",
    "IncidentFacts",
    "Indexed",
    "LoadedWeapon",
    "LotAccounting",
    "LotChain",
    "LotMovement",
    "Override",
    "Refusal",
    "RefusalReport",
    "Review",
    "WarningEntry",
    "WeaponChain",
    "describe",
    "mentions_lot",
    "mentions_weapon",
    "numbers_text",
]

_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def _moment(text: str | None, default: datetime, what: str) -> datetime:
    """A query bound: an RFC 3339 time, or ``default`` when none is given.

    Raises:
        BadRequest: the text is not a time.
    """
    if text is None:
        return default
    try:
        return read_time(text).astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadRequest(f"{what} {text!r} is not a time like 2026-11-25T10:05:00Z") from None


class Forensics:
    """Queries over one snapshot of a production's ledger: the entries under its latest checkpoint.

    Built inside a read session, which must stay open while proofs are made.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.production: ProductionInfo = session.production()
        self.size, self.checkpoint_note = session.checkpoint()
        self._events: list[Indexed] | None = None
        self._final: Projection | None = None
        self._names: dict[str, str] | None = None

    @property
    def events(self) -> list[Indexed]:
        """Every entry of the snapshot with its time, read on first use (a query that
        does not replay the ledger never reads them all)."""
        if self._events is None:
            rows = ((row.index, row.event()) for row in self._session.entries(0, self.size))
            self._events = index_events(rows)
        return self._events

    @property
    def verifier_key(self) -> str:
        return self.production.verifier_key

    @property
    def final(self) -> Projection:
        """The projection after every entry of the snapshot."""
        if self._final is None:
            self._final = Projection.adopt(self._session.projection())
        return self._final

    # -- the ledger itself --------------------------------------------------------------

    def entry(self, index: int) -> bytes:
        """The exact stored bytes of entry ``index``."""
        return self._session.entry(index).data

    def prove(self, index: int) -> TlogProof:
        """The inclusion proof of entry ``index`` against this snapshot's checkpoint."""
        return prove_inclusion(self._session, index, self.size)

    def between(self, start: datetime, end: datetime) -> list[Indexed]:
        """The entries recorded from ``start`` to ``end``, both included."""
        return [item for item in self.events if start <= item.at <= end]

    def first_time(self) -> datetime:
        return self._time_of(0)

    def last_time(self) -> datetime:
        return self._time_of(self.size - 1)

    def _time_of(self, index: int) -> datetime:
        """The time of entry ``index`` (one entry read, not the ledger), or the earliest."""
        if self._events is not None or not 0 <= index < self.size:
            events = self._events or []
            return events[index].at if 0 <= index < len(events) else _EARLIEST
        return parse_time(str(self._session.entry(index).event()["at"]))

    # -- queries ------------------------------------------------------------------------

    def projection_at(
        self, *, through: int | None = None, at: datetime | None = None
    ) -> Projection:
        """The production's state after entry ``through`` or at ``at`` (see protocol.replay)."""
        return projection_at(pairs(self.events), through=through, at=at)

    def custody_at(self, weapon: str, at: str) -> Custody:
        """Where ``weapon`` was at ``at``, who held it, what its chambers held, since which entry.

        Raises:
            BadRequest: ``at`` is not a time.
            NotFound: the weapon was not in the inventory at ``at``.
        """
        when = _moment(at, _LATEST, "the time")
        found = custody.custody_at(self.events, weapon, when, format_time(when))
        if found is None:
            raise NotFound(f"no weapon {weapon} was in the inventory at {format_time(when)}")
        return found

    def weapon_chain(
        self, weapon: str, start: str | None = None, end: str | None = None
    ) -> WeaponChain:
        """Every holder of ``weapon`` and every entry about it between two moments.

        Raises:
            BadRequest: a bound is not a time, or ``start`` is after ``end``.
            NotFound: no such weapon in the inventory.
        """
        if self.final.weapon(weapon) is None:
            raise NotFound(f"there is no weapon {weapon!r} in this production's inventory")
        low, high, labels = self._period(start, end)
        return custody.weapon_chain(self.events, weapon, low, high, labels=labels, names=self.names)

    def lot_chain(self, lot: str, start: str | None = None, end: str | None = None) -> LotChain:
        """A lot's counters, every movement of its rounds and every weapon that carried them.

        Raises:
            BadRequest: a bound is not a time, or ``start`` is after ``end``.
            NotFound: no such lot.
        """
        if self.final.lot(lot) is None:
            raise NotFound(f"there is no lot {lot!r} in this production")
        low, high, labels = self._period(start, end)
        return rounds.lot_chain(self.events, lot, low, high, labels=labels, names=self.names)

    def lot_accounting(self, lot: str) -> LotAccounting:
        """Every round of ``lot``: where it is or went, and every entry that moved it.

        Raises:
            NotFound: no such lot.
        """
        found = rounds.lot_accounting(self.events, lot, self.names)
        if found is None:
            raise NotFound(f"there is no lot {lot!r} in this production")
        return found

    def refusals(self, person: str | None = None, rule: str | None = None) -> RefusalReport:
        """Every refused attempt, override and warning, of one person or rule if given."""
        return refusals.refusal_report(self.events, person, rule, self.names)

    def incident(self, number: int) -> IncidentFacts:
        """Incident ``number`` as recorded.

        Raises:
            NotFound: no incident with that number.
        """
        found = refusals.incident_facts(self.events, number)
        if found is None:
            raise NotFound(f"there is no incident {number} in this production's ledger")
        return found

    def people(self) -> dict[str, dict[str, Any]]:
        """Everyone registered: id -> name and roles."""
        people: dict[str, dict[str, Any]] = {}
        for item in self.events:
            if item.type == "PersonRegistered":
                e = item.event
                people[e["person"]] = {"name": e["name"], "roles": list(e["roles"])}
        return people

    @property
    def names(self) -> dict[str, str]:
        """Person id -> registered name, for plain-language summaries."""
        if self._names is None:
            self._names = {pid: p["name"] for pid, p in self.people().items()}
        return self._names

    def _period(
        self, start: str | None, end: str | None
    ) -> tuple[datetime, datetime, tuple[str, str]]:
        low = _moment(start, self.first_time(), "the start")
        high = _moment(end, self.last_time(), "the end")
        if low > high:
            raise BadRequest(f"the start {format_time(low)} is after the end {format_time(high)}")
        return low, high, (format_time(low), format_time(high))
