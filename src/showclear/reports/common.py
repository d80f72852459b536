"""What both reports share: the checkpoint they rest on, times, names, the custody figure."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.protocol.time import DEFAULT_ZONE, check_zone, local_hm, local_stamp, parse_time
from showclear.protocol.units import DEFAULT_UNITS, distance_text
from showclear.reports.timeline import Band, Mark, Timeline
from showclear.service.forensics import Forensics, Hold, WeaponChain

__all__ = [
    "ASSURANCE_WORDS",
    "Basis",
    "basis_of",
    "clock",
    "confirmed_by",
    "custody_timeline",
    "distance",
    "hm",
    "is_confirmation",
    "local_times",
    "person",
    "report_zone",
    "stamp",
    "weapon_label",
]

#: How each person's part of an entry was proven (the entry's ``assurance``), in words.
ASSURANCE_WORDS: dict[str, str] = {
    "pin": "PIN checked by the server",
    "session": "signed-in session",
    "passkey": "passkey signature",
}
#: The confirmations a report lists on their own, and who gives each.
_CONFIRMING: dict[str, tuple[str, ...]] = {
    "WeaponHandedOver": ("giver", "receiver"),
    "ShowClearInspected": ("actor", "performer"),
    "SafetyMeetingHeld": (),  # the attendees
}


def is_confirmation(event: dict[str, object]) -> bool:
    """A handover, show-clear or meeting: an entry other people confirm."""
    return str(event.get("type")) in _CONFIRMING


def confirmed_by(event: dict[str, object], names: dict[str, str]) -> str | None:
    """Who did or confirmed an entry, and how each part was proven: ``Mo Reyes (signed-in
    session); Rio Banks (passkey signature)``. The actor first, then each confirmer (a
    handover's giver and receiver, a show-clear's performer, a meeting's confirmed
    attendees), then anyone else the entry's ``assurance`` names. A part no credential
    proved says so. None for an entry nobody did (a system entry)."""
    kind = str(event.get("type"))
    people: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, str) and value and value not in people:
            people.append(value)

    add(event.get("actor"))
    for field in _CONFIRMING.get(kind, ()):
        add(event.get(field))
    attendees = event.get("attendees") if kind == "SafetyMeetingHeld" else None
    for attendee in attendees if isinstance(attendees, list) else []:
        if isinstance(attendee, dict) and attendee.get("confirmed"):
            add(attendee.get("person"))
    assurance = event.get("assurance")
    how = assurance if isinstance(assurance, dict) else {}
    for proven in how:
        add(proven)
    if not people:
        return "nobody" if kind in _CONFIRMING else None
    return "; ".join(
        f"{person(names, p)} ({ASSURANCE_WORDS.get(str(how.get(p)), 'how not recorded')})"
        for p in people
    )


@dataclass(frozen=True)
class Basis:
    """The signed checkpoint a report rests on: every entry it cites is below ``size``."""

    origin: str
    size: int
    root: str  # base64, as in the checkpoint
    note: str  # the signed note, verbatim
    verifier_key: str


def basis_of(f: Forensics) -> Basis:
    """The snapshot's checkpoint, checked against the production's key before it is cited."""
    checkpoint = open_checkpoint(
        f.checkpoint_note, Ed25519Verifier.from_verifier_key(f.verifier_key)
    )
    return Basis(
        origin=checkpoint.origin,
        size=checkpoint.size,
        root=base64.b64encode(checkpoint.root).decode(),
        note=f.checkpoint_note,
        verifier_key=f.verifier_key,
    )


#: The time zone the report being made is read in (the production's settings). A report
#: formats dozens of times across its document modules; the zone is set once, where the
#: report is made (:func:`local_times`), rather than threaded through every table.
_ZONE: ContextVar[str] = ContextVar("report_zone", default=DEFAULT_ZONE)
_UNITS: ContextVar[str] = ContextVar("report_units", default=DEFAULT_UNITS)


@contextmanager
def local_times(zone: str, units: str = DEFAULT_UNITS) -> Iterator[None]:
    """Within this block, :func:`hm`, :func:`stamp` and the custody figure read times in
    ``zone`` (an IANA name), each time with the zone's abbreviation, and :func:`distance`
    says distances in ``units``."""
    zone_token, units_token = _ZONE.set(zone), _UNITS.set(units)
    try:
        yield
    finally:
        _ZONE.reset(zone_token)
        _UNITS.reset(units_token)


def distance(cm: int) -> str:
    """``20 ft (6.1 m)``: a distance in the report's unit, the other in brackets."""
    return distance_text(cm, _UNITS.get())


def report_zone() -> str:
    """The time zone the report being made is read in (UTC outside :func:`local_times`)."""
    return _ZONE.get()


def hm(moment: str | None) -> str:
    """``14:05 PDT`` from an RFC 3339 time, in the report's time zone."""
    return local_hm(moment, _ZONE.get()) if moment else "—"


def clock(moment: str | None) -> str:
    """``14:05`` from an RFC 3339 time, in the report's time zone (where a row's times sit
    side by side and the report names its zone once)."""
    return (
        parse_time(moment).astimezone(check_zone(_ZONE.get())).strftime("%H:%M") if moment else "—"
    )


def stamp(moment: str | None) -> str:
    """``2026-11-25 14:05 PDT`` from an RFC 3339 time, in the report's time zone."""
    return local_stamp(moment, _ZONE.get()) if moment else "—"


def person(names: dict[str, str], person_id: str | None) -> str:
    """A person's name, or their id if unregistered; "—" for nobody."""
    if not person_id:
        return "—"
    return names.get(person_id, person_id)


def weapon_label(f: Forensics, weapon: str) -> str:
    """``colt-1: Colt Single Action Army``."""
    record = f.final.weapon(weapon)
    return f"{weapon}: {record['make']} {record['model']}" if record else weapon


def _bands(chain: WeaponChain, start: datetime, end: datetime, names: dict[str, str]) -> list[Band]:
    bands = []
    for hold in chain.holds:
        since = max(parse_time(hold.since), start)
        until = min(parse_time(hold.until), end) if hold.until else end
        if until < since:
            continue
        bands.append(Band(chain.weapon, since, until, hold.holder, _hold_label(hold, names)))
    return bands


def _hold_label(hold: Hold, names: dict[str, str]) -> str:
    return person(names, hold.holder) if hold.holder else f"storage {hold.storage}"


def _marks(chain: WeaponChain) -> list[Mark]:
    marks = []
    for entry in chain.entries:
        at = parse_time(entry.at)
        if entry.type == "WeaponDischarged":
            kind = "misfire" if entry.event.get("misfire") else "fired"
            marks.append(Mark(chain.weapon, at, kind))
        elif entry.refused:
            marks.append(Mark(chain.weapon, at, "refused"))
        elif entry.type == "IncidentReported":
            marks.append(Mark(chain.weapon, at, "incident"))
    return marks


def custody_timeline(
    f: Forensics, chains: list[WeaponChain], start: str, end: str, title: str
) -> Timeline:
    """The figure's data: holds as bands; shots, refusals and incidents as marks.

    The figure spans ``start`` to ``end``; the bands are cut to it.
    """
    # Local datetimes: the figure's hours are the clock on set (the report's zone).
    zone = check_zone(_ZONE.get())
    low, high = parse_time(start).astimezone(zone), parse_time(end).astimezone(zone)
    names = f.names
    bands: list[Band] = []
    marks: list[Mark] = []
    for chain in chains:
        bands += _bands(chain, low, high, names)
        marks += _marks(chain)
    weapons = [(c.weapon, weapon_label(f, c.weapon)) for c in chains]
    return Timeline(low, high, weapons, bands, marks, title)
