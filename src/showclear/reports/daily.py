"""The daily firearms report: what a producer hands an insurer about one shoot day.

The day is the production's day: midnight to midnight in its time zone (its
settings), stretched to cover the shoot day's call sheet (DayOpened) to its close
(DayClosed) when those fall outside it, so a night shoot from 18:00 to 04:00 stays one
day; another shoot day's span is never part of it. Every
row names the ledger entries it rests on (#N), and the report names the signed
checkpoint it was made from, so each line can be checked with ``showclear prove``.

The opening and closing inventory are the state of every weapon and lot at the day's
start and end, replayed from the ledger up to those moments (protocol.replay). What a
refused attempt named is shown as the attempt named it and never looked up: a typo
(``take-out rev1``) names no weapon of the inventory, and must not stop the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from showclear.protocol.catalogue.settings import settings_of
from showclear.protocol.projection import Projection, lot_balance
from showclear.protocol.time import DEFAULT_ZONE, format_time, local_day
from showclear.protocol.units import DEFAULT_UNITS
from showclear.reports.common import (
    Basis,
    basis_of,
    custody_timeline,
    is_confirmation,
    local_times,
    person,
    weapon_label,
)
from showclear.reports.timeline import Timeline
from showclear.service.errors import BadRequest, NotFound
from showclear.service.forensics import (
    Forensics,
    Hold,
    IncidentFacts,
    Indexed,
    LotChain,
    Override,
    Refusal,
    WarningEntry,
    WeaponChain,
)

__all__ = [
    "DayReport",
    "HandlerPermits",
    "LotDay",
    "LotStock",
    "Signatory",
    "WeaponDay",
    "WeaponStock",
    "day_report",
]


@dataclass(frozen=True)
class WeaponDay:
    """A weapon that left storage during the day."""

    weapon: str
    label: str
    category: str
    serial: str
    holds: list[Hold]  # every place it was during the day, storage included
    inspections: list[int]
    shots: list[int]  # discharge entries
    refusals: list[int]
    closing: str  # where it was and its state at the end of the day


@dataclass(frozen=True)
class LotDay:
    """A lot's rounds over the day: on hand at start and end, and what moved them."""

    lot: str
    kind: str
    on_hand_start: int
    received: int
    loaded: int
    fired: int
    expended: int
    unloaded: int
    returned: int
    destroyed: int
    missing: int
    on_hand_end: int
    counted: int | None  # at the day's close
    balanced: bool
    entries: list[int]
    # Misfired rounds set aside at the end of the day, never loaded again (AMMO-SUSPECT).
    quarantined: int = 0
    # Why the lot is suspect at the end of the day, and since when (AMMO-SUSPECT).
    suspect: dict[str, Any] | None = None


@dataclass(frozen=True)
class WeaponStock:
    """One weapon of the inventory at a moment: what it is and where it was."""

    weapon: str
    serial: str
    description: str  # make, model, caliber
    category: str
    where: str  # a person's name or "storage <id>"
    state: str  # COLD, DUMMY, HOT or UNKNOWN
    chambers: list[str]


@dataclass(frozen=True)
class LotStock:
    """One lot at a moment: its rounds in storage, in weapons and set aside."""

    lot: str
    kind: str
    caliber: str
    in_storage: int
    in_weapons: int
    quarantined: int
    suspect: bool


@dataclass(frozen=True)
class HandlerPermits:
    """A weapons handler on the day's call sheet and the permits the ledger records for them."""

    person: str
    name: str
    permits: list[tuple[str, str, str]]  # kind, number, expires
    entry: int  # the call sheet that named them


@dataclass(frozen=True)
class Signatory:
    """A line for a signature: the role signing and the printed name (blank if unknown)."""

    role: str
    name: str


@dataclass(frozen=True)
class DayReport:
    production: str
    date: str
    start: str
    end: str
    basis: Basis
    entries: list[int]  # the first and last entry of the day
    names: dict[str, str]
    call_sheet: list[tuple[str, list[str], int]]  # person, duties, entry
    setups: list[Indexed]
    meetings: list[Indexed]
    confirmations: list[Indexed]  # handovers, show-clears and meetings, with their assurance
    weapons: list[WeaponDay]
    lots: list[LotDay]
    refusals: list[Refusal]
    overrides: list[Override]
    warnings: list[WarningEntry]
    incidents: list[IncidentFacts]
    concerns: list[Indexed]
    timeline: Timeline
    chains: list[WeaponChain] = field(repr=False, default_factory=list)
    jurisdiction: str = ""  # the production's policy at the day's end
    handlers: list[HandlerPermits] = field(default_factory=list)
    opening_weapons: list[WeaponStock] = field(default_factory=list)
    opening_lots: list[LotStock] = field(default_factory=list)
    closing_weapons: list[WeaponStock] = field(default_factory=list)
    closing_lots: list[LotStock] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    time_zone: str = DEFAULT_ZONE  # the production's, in which the day and its times are read
    units: str = DEFAULT_UNITS  # the production's, in which distances are said


_TICK = timedelta(microseconds=1)


def _shoot_days(f: Forensics) -> list[tuple[str, datetime, datetime | None]]:
    """Every shoot day of the ledger: its date, when it opened and when it closed (None:
    still open)."""
    days: list[tuple[str, datetime, datetime | None]] = []
    for item in f.events:
        if item.type == "DayOpened":
            days.append((str(item.event["date"]), item.at, None))
        elif item.type == "DayClosed" and days and days[-1][2] is None:
            days[-1] = (days[-1][0], days[-1][1], item.at)
    return days


def _window(f: Forensics, day: date, zone: str) -> tuple[datetime, datetime]:
    """The moments the production's day ``day`` runs between, both included.

    The local calendar day (midnight to midnight in the production's zone), stretched to
    the shoot day's whole span, from its call sheet (DayOpened) to its close (DayClosed):
    a night shoot from 18:00 to 04:00 is one day. Another shoot day's span is never
    part of it: the morning after a night shoot starts when that shoot closed.
    """
    low, high = local_day(day, zone)
    start, end = low, high - _TICK
    days = _shoot_days(f)
    ours = next((d for d in days if d[0] == day.isoformat()), None)
    if ours is not None:
        start = min(start, ours[1])
        end = max(end, ours[2] or end)
    anchor = ours[1] if ours is not None else low
    for other in days:
        if other is ours:
            continue
        opened, closed = other[1], other[2]
        if opened < anchor:
            if closed is None or closed >= end:
                continue  # a day left open: its entries are still this day's to show
            start = max(start, closed + _TICK)
        elif opened <= end:
            end = min(end, opened - _TICK)
    return start, end


def day_report(f: Forensics, day_text: str) -> DayReport:
    """The firearms report of one shoot day, from one snapshot of the ledger.

    Raises:
        BadRequest: the date is not YYYY-MM-DD.
        NotFound: nothing was recorded that day.
    """
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise BadRequest(f"{day_text!r} is not a date like 2026-11-25") from None
    settings = settings_of(f.final)
    zone = settings.time_zone
    low, high = _window(f, day, zone)
    items = f.between(low, high)
    if not items:
        raise NotFound(f"nothing was recorded on {day.isoformat()} in this production's ledger")
    start, end = format_time(low), format_time(high)
    names = f.names
    kinds: dict[str, list[Indexed]] = {}
    for item in items:
        kinds.setdefault(item.type, []).append(item)
    chains = [f.weapon_chain(w, start, end) for w in _weapons_out(f, items)]
    before = f.projection_at(at=low - timedelta(microseconds=1))
    after = f.projection_at(at=high)
    call_sheet = _call_sheet(kinds)
    report_refusals = f.refusals()
    within = {item.index for item in items}
    incidents = [
        f.incident(item.event["incident"])
        for item in kinds.get("IncidentReported", [])
        if "incident" in item.event
    ]
    concern_types = ("ConcernRaised", "ConcernAnswered", "ConcernEscalated")
    with local_times(zone):  # the figure's hours on the clock on set
        timeline = custody_timeline(
            f, chains, *_active(items), f"Custody of each weapon on {day.isoformat()} ({zone})"
        )
    return DayReport(
        production=f.production.name,
        date=day.isoformat(),
        start=start,
        end=end,
        basis=basis_of(f),
        entries=[items[0].index, items[-1].index],
        names=names,
        call_sheet=call_sheet,
        setups=[i for i in items if i.type in ("SetupPlanned", "SetupChanged", "SetupCompleted")],
        meetings=kinds.get("SafetyMeetingHeld", []),
        confirmations=[i for i in items if is_confirmation(i.event)],
        weapons=[_weapon_day(f, chain) for chain in chains],
        lots=[
            _lot_day(f.lot_chain(lot_id, start, end), lot["kind"], kinds)
            for lot_id, lot in f.final.lots()
        ],
        refusals=[r for r in report_refusals.refusals if r.index in within],
        overrides=[o for o in report_refusals.overrides if o.index in within],
        warnings=[w for w in report_refusals.warnings if w.index in within],
        incidents=incidents,
        concerns=[i for i in items if i.type in concern_types],
        timeline=timeline,
        chains=chains,
        jurisdiction=after.policy().jurisdiction,
        handlers=_handlers(after, call_sheet),
        opening_weapons=_weapon_stock(before, names),
        opening_lots=_lot_stock(before),
        closing_weapons=_weapon_stock(after, names),
        closing_lots=_lot_stock(after),
        signatories=_signatories(after, call_sheet, names),
        time_zone=zone,
        units=settings.units,
    )


def _active(items: list[Indexed]) -> tuple[str, str]:
    """The hours the day's entries span, to the half hour: what the figure shows."""
    low = items[0].at.replace(minute=0, second=0, microsecond=0)
    high = items[-1].at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if items[-1].at.minute < 30 and high - low > timedelta(hours=1):
        high -= timedelta(minutes=30)
    return format_time(low), format_time(high)


def _weapons_out(f: Forensics, items: list[Indexed]) -> list[str]:
    """The weapons of the inventory anyone held or tried to take during the day, in order
    of first mention. A weapon the inventory does not hold (a typo in a refused attempt, an
    unregistered personal weapon) has no chain: the refusals show it as it was named."""
    seen: list[str] = []
    for item in items:
        event = item.event
        attempted = event.get("attempted") if item.type == "AttemptRefused" else None
        source = attempted if isinstance(attempted, dict) else event
        weapon = source.get("weapon")
        if (
            source.get("type") in _CUSTODY_TYPES
            and isinstance(weapon, str)
            and weapon not in seen
            and f.final.weapon(weapon) is not None
        ):
            seen.append(weapon)
    return seen


_CUSTODY_TYPES = frozenset(
    {
        "WeaponTakenOut",
        "WeaponHandedOver",
        "ShowClearInspected",
        "RoundsLoaded",
        "WeaponDischarged",
        "WeaponFoundUnattended",
        "CustodyGapRecorded",
    }
)


def _call_sheet(kinds: dict[str, list[Indexed]]) -> list[tuple[str, list[str], int]]:
    sheets = kinds.get("DayOpened", []) + kinds.get("CallSheetRevised", [])
    if not sheets:
        return []
    latest = max(sheets, key=lambda i: i.index)
    return [(e["person"], list(e["duties"]), latest.index) for e in latest.event["call_sheet"]]


def _place(location: str, names: dict[str, str]) -> str:
    kind, _, where = location.partition(":")
    return person(names, where) if kind == "person" else f"storage {where}"


def _weapon_stock(state: Projection, names: dict[str, str]) -> list[WeaponStock]:
    return [
        WeaponStock(
            weapon=weapon_id,
            serial=w["serial"],
            description=f"{w['make']} {w['model']}, {w['caliber']}",
            category=str(w["category"]).replace("_", " "),
            where=_place(w["location"], names),
            state=w["state"],
            chambers=list(w["chambers"]),
        )
        for weapon_id, w in state.weapons()
    ]


def _lot_stock(state: Projection) -> list[LotStock]:
    return [
        LotStock(
            lot=lot_id,
            kind=lot["kind"],
            caliber=lot["caliber"],
            in_storage=lot["in_storage"],
            in_weapons=lot["in_weapons"],
            quarantined=lot.get("quarantined", 0),
            suspect=lot.get("suspect") is not None,
        )
        for lot_id, lot in state.lots()
    ]


def _handlers(
    state: Projection, call_sheet: list[tuple[str, list[str], int]]
) -> list[HandlerPermits]:
    """Every weapons handler on the day's call sheet, with their permits (CUS-HANDLER)."""
    found = []
    for who, duties, entry in call_sheet:
        if "handler" not in duties:
            continue
        record = state.person(who)
        permits = record["permits"] if record else {}
        found.append(
            HandlerPermits(
                person=who,
                name=record["name"] if record else who,
                permits=[(kind, p["number"], p["expires"]) for kind, p in sorted(permits.items())],
                entry=entry,
            )
        )
    return found


def _signatories(
    state: Projection, call_sheet: list[tuple[str, list[str], int]], names: dict[str, str]
) -> list[Signatory]:
    """Who signs the report: each handler of the day, the safety coordinator, a producer.

    A role nobody holds still gets its line, with the name left blank to print by hand.
    """
    handlers = [person(names, who) for who, duties, _ in call_sheet if "handler" in duties]
    lines = [Signatory("Weapons handler", name) for name in handlers] or [
        Signatory("Weapons handler", "")
    ]
    for role, title in (("safety_coordinator", "Safety coordinator"), ("producer", "Producer")):
        holders = [p["name"] for _, p in state.people() if role in p["roles"]]
        lines += [Signatory(title, name) for name in holders] or [Signatory(title, "")]
    return lines


def _weapon_day(f: Forensics, chain: WeaponChain) -> WeaponDay:
    record = f.final.weapon(chain.weapon)
    closing = chain.closing
    where = "—"
    if closing is not None:
        place = person(f.names, closing.holder) if closing.holder else f"storage {closing.storage}"
        where = f"{place}, {closing.state}"
    return WeaponDay(
        weapon=chain.weapon,
        label=weapon_label(f, chain.weapon),
        category=str(record["category"]).replace("_", " ") if record else "?",
        serial=str(record["serial"]) if record else "—",
        holds=chain.holds,
        inspections=[e.index for e in chain.entries if e.type == "ShowClearInspected"],
        shots=[e.index for e in chain.entries if e.type == "WeaponDischarged"],
        refusals=[e.index for e in chain.entries if e.refused],
        closing=where,
    )


def _lot_day(chain: LotChain, kind: str, kinds: dict[str, list[Indexed]]) -> LotDay:
    def on_hand(counters: dict[str, int] | None) -> int:
        return counters["in_storage"] + counters["in_weapons"] if counters else 0

    def total(key: str) -> int:
        return sum(m.change.get(key, 0) for m in chain.movements)

    counted = None
    for item in kinds.get("DayClosed", []):
        if chain.lot in item.event["counts"]:
            counted = int(item.event["counts"][chain.lot])
    closing = chain.closing or {}
    # Misfired rounds in quarantine are accounted for too (AMMO-COUNT, AMMO-SUSPECT).
    balanced = lot_balance({"received": 0, "discrepancy": 0, **closing})[1]
    return LotDay(
        lot=chain.lot,
        kind=kind,
        on_hand_start=on_hand(chain.opening),
        received=total("received"),
        loaded=sum(len(m.chambers) for m in chain.movements if m.type == "RoundsLoaded"),
        fired=sum(len(m.chambers) for m in chain.movements if m.type == "WeaponDischarged"),
        expended=total("expended"),
        unloaded=sum(len(m.chambers) for m in chain.movements if m.type == "RoundsUnloaded"),
        returned=total("returned"),
        destroyed=total("destroyed"),
        missing=total("missing"),
        on_hand_end=on_hand(chain.closing),
        counted=counted,
        balanced=balanced,
        entries=[m.index for m in chain.movements],
        quarantined=closing.get("quarantined", 0),
        suspect=chain.suspect,
    )
