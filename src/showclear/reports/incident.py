"""The incident report: the record around one incident, with a proof for every entry it cites.

It covers the incident (what opened it, who reviewed it), its file (narratives,
witness statements, photos, injuries and the notifications made), the timeline around
it, every shot with the lot of each round fired (traced through the chamber records
when the entry does not name it), the custody chain of every weapon and lot involved,
the people and their roles, and the signed checkpoint it rests on. Every entry it
cites comes with its exact bytes and its inclusion proof (C2SP tlog-proof) against
that checkpoint, checked before the report is written, so anyone can check each
statement offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from showclear.ledger import Ed25519Verifier, leaf_hash, verify_tlog_proof
from showclear.protocol.time import format_time, parse_time
from showclear.reports.common import Basis, basis_of, confirmed_by, custody_timeline, hm
from showclear.reports.timeline import Timeline
from showclear.service.errors import BadRequest
from showclear.service.forensics import (
    Custody,
    Forensics,
    IncidentFacts,
    Indexed,
    LotChain,
    WeaponChain,
    describe,
    mentions_lot,
    mentions_weapon,
)
from showclear.service.forensics.replay import parties

__all__ = [
    "Evidence",
    "FileEntry",
    "IncidentReport",
    "PersonPart",
    "Shot",
    "TimelineRow",
    "incident_report",
]

#: Set-wide entries a timeline around an incident always shows.
_SET_WIDE = frozenset(
    {
        "IncidentReported",
        "ReviewRecorded",
        "LiveRoundsFound",
        "ConcernRaised",
        "ConcernAnswered",
        "OverrideGranted",
        "MealBreakCalled",
        "WrapCalled",
        "SafetyMeetingHeld",
        "DayOpened",
        "CallSheetRevised",
        "DayClosed",
        "PolicyChanged",
    }
)


@dataclass(frozen=True)
class TimelineRow:
    index: int
    at: str
    type: str
    actor: str | None
    summary: str
    refused: bool
    #: Who did or confirmed it and how each part was proven (``confirmed_by``); None: nobody.
    proven: str | None = None


@dataclass(frozen=True)
class Shot:
    """One discharge in the window: who fired, where the muzzle pointed, the nearest
    person's distance and the lot of every round fired (catalog: "A discharge records
    who fired")."""

    index: int
    at: str
    weapon: str
    shooter: str | None  # None: nobody the ledger names held it
    recorded_by: str | None
    direction: str | None
    nearest_cm: int | None
    fired: list[str]  # the lot of each round fired, as the ledger had it
    misfire: bool
    intended: bool


#: The entries that add to an incident's file after it is opened.
FILE_TYPES = frozenset(
    {
        "IncidentNarrativeAdded",
        "IncidentStatementAdded",
        "IncidentPhotoAdded",
        "IncidentInjuryRecorded",
        "IncidentNotificationMade",
    }
)


@dataclass(frozen=True)
class FileEntry:
    """One entry of the incident's file (a narrative, statement, photo, injury or
    notification), as recorded."""

    index: int
    at: str
    type: str
    actor: str | None
    event: dict[str, Any]


@dataclass(frozen=True)
class PersonPart:
    """Someone in the record around the incident: who they are and what they did."""

    person: str
    name: str
    roles: list[str]
    duties: list[str]  # on the call sheet in force at the incident
    parts: list[str]


@dataclass(frozen=True)
class Evidence:
    """One cited entry: its exact bytes, its leaf hash and its inclusion proof."""

    index: int
    at: str
    type: str
    entry: str  # the entry's bytes (UTF-8 canonical JSON), exactly
    leaf_hash: str  # hex
    proof: str  # C2SP tlog-proof text, ending with the signed checkpoint


@dataclass(frozen=True)
class IncidentReport:
    production: str
    facts: IncidentFacts
    start: str
    end: str
    basis: Basis
    names: dict[str, str]
    at_incident: list[Custody]
    entries: list[TimelineRow]
    weapons: list[WeaponChain]
    lots: list[LotChain]
    shots: list[Shot]
    people: list[PersonPart]
    timeline: Timeline
    evidence: list[Evidence]
    file: list[FileEntry]


def incident_report(
    f: Forensics, number: int, *, before_minutes: int = 120, after_minutes: int = 60
) -> IncidentReport:
    """The report of incident ``number`` from one snapshot of the ledger.

    Raises:
        NotFound: no such incident.
        BadRequest: a negative window.
        LedgerError: an entry's proof does not verify (the ledger is damaged).
    """
    if before_minutes < 0 or after_minutes < 0:
        raise BadRequest("the minutes before and after an incident cannot be negative")
    facts = f.incident(number)
    at = parse_time(facts.at)
    start = format_time(at - timedelta(minutes=before_minutes))
    end = format_time(at + timedelta(minutes=after_minutes))
    weapons, lots = _involved(f, facts)
    at_incident = [f.custody_at(w, facts.at) for w in weapons]
    for custody in at_incident:
        lots += [c for c in custody.chambers if f.final.lot(c) is not None and c not in lots]
    chains = [f.weapon_chain(w, start, end) for w in weapons]
    for chain in chains:
        for entry in chain.entries:
            lot = entry.event.get("lot") if entry.type == "RoundsLoaded" else None
            if lot and lot not in lots:
                lots.append(lot)
    lot_chains = [f.lot_chain(lot, start, end) for lot in lots]
    items = [
        i
        for i in f.between(parse_time(start), parse_time(end))
        if _relevant(i, facts, weapons, lots)
    ]
    names = f.names
    rows = [
        TimelineRow(
            i.index,
            i.time,
            i.type,
            i.event.get("actor"),
            describe(i.event, None, names),
            i.type == "AttemptRefused",
            confirmed_by(i.event, names),
        )
        for i in items
    ]
    file = [
        FileEntry(i.index, i.time, i.type, i.event.get("actor"), i.event)
        for i in f.events
        if i.type in FILE_TYPES and i.event.get("incident") == number
    ]
    cited = set(facts.cites) | {r.index for r in rows} | {e.index for e in file}
    for chain in chains:
        cited |= set(chain.cites)
    for lot_chain in lot_chains:
        cited |= set(lot_chain.cites)
    for custody in at_incident:
        cited |= set(custody.cites)
    return IncidentReport(
        production=f.production.name,
        facts=facts,
        start=start,
        end=end,
        basis=basis_of(f),
        names=names,
        at_incident=at_incident,
        entries=rows,
        weapons=chains,
        lots=lot_chains,
        shots=[_shot(i, chains) for i in items if i.type == "WeaponDischarged"],
        people=_people(f, facts, items, chains, at_incident),
        timeline=custody_timeline(
            f,
            chains,
            start,
            end,
            f"Custody around incident {number}, opened {hm(facts.at)}",
        ),
        evidence=[_evidence(f, index) for index in sorted(cited)],
        file=file,
    )


def _involved(f: Forensics, facts: IncidentFacts) -> tuple[list[str], list[str]]:
    weapons: list[str] = []
    lots: list[str] = []
    for index in (*facts.related, facts.index):
        event = f.events[index].event
        weapon = event.get("weapon")
        if isinstance(weapon, str) and f.final.weapon(weapon) and weapon not in weapons:
            weapons.append(weapon)
        lot = event.get("lot")
        if isinstance(lot, str) and f.final.lot(lot) and lot not in lots:
            lots.append(lot)
    lots += [lot for lot in facts.differences if lot not in lots and f.final.lot(lot)]
    return weapons, lots


def _relevant(item: Indexed, facts: IncidentFacts, weapons: list[str], lots: list[str]) -> bool:
    event = item.event
    return (
        item.type in _SET_WIDE
        or item.index in facts.related
        or any(mentions_weapon(event, w) for w in weapons)
        or any(mentions_lot(event, lot) for lot in lots)
    )


def _duties_at(f: Forensics, facts: IncidentFacts) -> dict[str, list[str]]:
    """Each person's duties on the call sheet in force just before the incident's entry."""
    day = f.projection_at(through=facts.index - 1).open_day()
    return {who: list(duties) for who, duties in day["duties"].items()} if day else {}


def _people(
    f: Forensics,
    facts: IncidentFacts,
    items: list[Indexed],
    chains: list[WeaponChain],
    at_incident: list[Custody],
) -> list[PersonPart]:
    parts: dict[str, list[str]] = {}

    def add(who: str | None, part: str) -> None:
        if who:
            parts.setdefault(who, [])
            if part not in parts[who]:
                parts[who].append(part)

    for custody in at_incident:
        add(
            custody.holder,
            f"held {custody.weapon} when the incident opened (since "
            f"{custody.since[11:16]}, #{custody.entry})",
        )
    for chain in chains:
        for hold in chain.holds:
            until = hold.until[11:16] if hold.until else "the end of the period"
            add(
                hold.holder,
                f"held {chain.weapon} from {hold.since[11:16]} to {until} (#{hold.entry})",
            )
    acted: dict[str, list[int]] = {}
    for item in items:
        for who in parties(item.event):
            acted.setdefault(who, []).append(item.index)
    for who, indexes in acted.items():
        add(who, "named in entries " + ", ".join(f"#{i}" for i in indexes))
    for review in facts.reviews:
        add(
            review.actor,
            f"reviewed the incident as {review.role.replace('_', ' ')} (#{review.index})",
        )
    people = f.people()
    duties = _duties_at(f, facts)
    return [
        PersonPart(
            person=who,
            name=people.get(who, {}).get("name", who),
            roles=list(people.get(who, {}).get("roles", [])),
            duties=duties.get(who, []),
            parts=found,
        )
        for who, found in sorted(
            parts.items(), key=lambda kv: people.get(kv[0], {}).get("name", kv[0])
        )
    ]


def _evidence(f: Forensics, index: int) -> Evidence:
    data = f.entry(index)
    proof = f.prove(index)
    # Checked here, so a damaged ledger can never yield a report with a proof that fails.
    verify_tlog_proof(proof, data, Ed25519Verifier.from_verifier_key(f.verifier_key))
    item = f.events[index]
    return Evidence(
        index=index,
        at=item.time,
        type=item.type,
        entry=data.decode("utf-8"),
        leaf_hash=leaf_hash(data).hex(),
        proof=proof.format(),
    )


def _chambers_before(chains: list[WeaponChain], weapon: str, index: int) -> list[str] | None:
    """What each chamber of ``weapon`` held just before entry ``index``, from its chain."""
    for chain in chains:
        if chain.weapon != weapon:
            continue
        before = [e for e in chain.entries if e.index < index]
        if before:
            return before[-1].chambers
        return chain.opening.chambers if chain.opening is not None else None
    return None


def _rounds_fired(item: Indexed, chains: list[WeaponChain]) -> list[str]:
    """The lot of each round the trigger was pulled on: as the entry names them, else (a
    misfire, whose round stays in the weapon; an entry older than ``fired``) traced
    through the weapon's chamber records just before the shot."""
    event = item.event
    if event.get("fired"):
        return [str(lot) for lot in event["fired"]]
    chambers = _chambers_before(chains, str(event.get("weapon")), item.index)
    if chambers is None:
        return []
    return [
        chambers[c - 1]
        for c in event.get("chambers", [])
        if isinstance(c, int) and 0 < c <= len(chambers)
    ]


def _shot(item: Indexed, chains: list[WeaponChain]) -> Shot:
    index, at, event = item.index, item.time, item.event
    return Shot(
        index=index,
        at=at,
        weapon=str(event.get("weapon")),
        # An entry written before discharges named their shooter: its recorder.
        shooter=event.get("shooter", event.get("actor")),
        recorded_by=event.get("actor"),
        direction=event.get("direction"),
        nearest_cm=event.get("nearest_cm"),
        fired=_rounds_fired(item, chains),
        misfire=bool(event.get("misfire")),
        intended=bool(event.get("intended", True)),
    )
