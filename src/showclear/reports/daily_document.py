"""The daily firearms report as a document: what it says, section by section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from showclear.protocol.catalogue import chambers_text
from showclear.reports.common import clock, confirmed_by, distance, person, stamp
from showclear.reports.daily import DayReport, LotDay, LotStock, WeaponDay, WeaponStock
from showclear.reports.document import (
    Block,
    Document,
    Facts,
    Para,
    Pre,
    Section,
    Signatures,
    Table,
    Tone,
)
from showclear.reports.timeline import draw
from showclear.service.forensics import Hold, Indexed, describe

__all__ = ["day_document"]


def _refs(indexes: list[int]) -> str:
    return ", ".join(f"#{i}" for i in indexes) if indexes else "—"


def day_document(report: DayReport) -> Document:
    """The report's sections, in the order an insurer reads them."""
    names = report.names
    first, last = report.entries
    sections = [
        _glance(report),
        Section(
            "Custody timeline",
            [
                draw(report.timeline),
                Para(
                    "Each row is a weapon; each band shows who held it, from the entry that "
                    "put it in their hands to the entry that took it away. Grey hatched bands "
                    "are locked storage."
                ),
            ],
            "timeline",
        ),
        Section("Weapons handlers and their permits", [_handlers(report)], "handlers"),
        Section("Weapons used", [_weapons(report.weapons, names)], "weapons"),
        Section("Setups", [_setups(report.setups, names)], "setups"),
        Section("Safety meetings", [_meetings(report.meetings, names)], "meetings"),
        Section(
            "Confirmations and how each was proven",
            [_confirmations(report.confirmations, names)],
            "confirmations",
        ),
        Section("Rounds per lot", [*_lots(report.lots)], "rounds"),
        Section("Refused attempts", [_refusals(report)], "refusals"),
        Section("Overrides", [_overrides(report)], "overrides"),
        Section("Warnings", [_warnings(report)], "warnings"),
        Section("Incidents", [_incidents(report)], "incidents"),
        Section("Concerns", [_entries(report.concerns, names)], "concerns"),
        Section("Call sheet", [_call_sheet(report)], "call-sheet"),
        Section(
            "Inventory at the start of the day",
            _inventory(report.opening_weapons, report.opening_lots, stamp(report.start)),
            "opening-inventory",
        ),
        Section(
            "Inventory at the end of the day",
            _inventory(report.closing_weapons, report.closing_lots, stamp(report.end)),
            "closing-inventory",
        ),
        _basis(report),
        _signatures(report),
    ]
    return Document(
        title="Daily firearms report",
        subtitle=f"{report.production} — shoot day {report.date}",
        facts=[
            ("Production", report.production),
            ("Shoot day", report.date),
            ("Period covered", f"{stamp(report.start)} to {stamp(report.end)}"),
            ("Time zone", report.time_zone),
            ("Ledger entries", f"#{first} to #{last}"),
            ("Signed checkpoint", f"size {report.basis.size}, root {report.basis.root}"),
        ],
        sections=sections,
        footer=(
            f"{report.production} · daily firearms report {report.date} · from the signed "
            f"checkpoint of size {report.basis.size} · times in {report.time_zone}"
        ),
    )


def _handlers(report: DayReport) -> Table:
    rows = []
    tones: list[Tone] = []
    for h in report.handlers:
        permits = "\n".join(
            f"{kind.replace('_', ' ')} permit {number}, expires {expires}"
            for kind, number, expires in h.permits
        )
        rows.append([f"{h.name}\n({h.person})", permits or "NO PERMIT RECORDED", f"#{h.entry}"])
        tones.append("" if h.permits else "warn")
    return Table(
        ["Handler on the call sheet", "Permits the ledger records", "Call sheet"],
        rows,
        [2.4, 4.6, 0.8],
        tones,
        empty="No weapons handler was on the day's call sheet.",
    )


def _inventory(weapons: list[WeaponStock], lots: list[LotStock], moment: str) -> list[Block]:
    weapon_table = Table(
        ["Weapon", "Serial", "Make, model, caliber", "Where", "State", "Chambers"],
        [
            [
                f"{w.weapon}\n{w.category}",
                w.serial,
                w.description,
                w.where,
                w.state,
                chambers_text(w.chambers),
            ]
            for w in weapons
        ],
        [1.2, 1.1, 1.8, 1.4, 0.7, 1.6],
        ["alert" if w.state in ("HOT", "UNKNOWN") else "" for w in weapons],
        empty="No weapon was in the inventory.",
    )
    lot_table = Table(
        ["Lot", "Kind", "Caliber", "In storage", "In weapons", "Quarantined", "Suspect"],
        [
            [
                lot.lot,
                lot.kind,
                lot.caliber,
                str(lot.in_storage),
                str(lot.in_weapons),
                str(lot.quarantined),
                "SUSPECT" if lot.suspect else "no",
            ]
            for lot in lots
        ],
        [1.4, 0.9, 1.2, 0.9, 0.9, 0.9, 0.8],
        ["alert" if lot.suspect else "" for lot in lots],
        empty="No lot of rounds was in the inventory.",
    )
    return [
        Para(f"Every weapon and lot of the production as the ledger stood at {moment}:"),
        weapon_table,
        lot_table,
    ]


def _signatures(report: DayReport) -> Section:
    return Section(
        "Signatures",
        [
            Para(
                "Signed by hand on paper: each signature says its signer read this report; "
                "the ledger entries it cites are what prove each line."
            ),
            Signatures([(s.role, s.name) for s in report.signatories]),
        ],
        "signatures",
    )


def _glance(report: DayReport) -> Section:
    fired = ", ".join(f"{lot.lot}: {lot.expended}" for lot in report.lots if lot.fired) or "none"
    unbalanced = [lot.lot for lot in report.lots if not lot.balanced]
    open_incidents = [i for i in report.incidents if i.closed_at is None]
    incidents = f"{len(report.incidents)}"
    if report.incidents:
        incidents += f" ({len(open_incidents)} still open)" if open_incidents else " (all reviewed)"
    pairs = [
        ("Weapons used", ", ".join(w.weapon for w in report.weapons) or "none"),
        ("Setups recorded", str(len({s.event["setup"] for s in report.setups}))),
        ("Safety meetings", str(len(report.meetings))),
        ("Rounds expended", fired),
        ("Refused attempts", str(len(report.refusals))),
        ("Overrides", str(len(report.overrides))),
        ("Warnings", str(len(report.warnings))),
        ("Incidents", incidents),
        ("Concerns", str(sum(1 for c in report.concerns if c.type == "ConcernRaised"))),
        ("Round count", "DOES NOT BALANCE: " + ", ".join(unbalanced) if unbalanced else "balances"),
    ]
    suspect = [lot.lot for lot in report.lots if lot.suspect]
    quarantined = [f"{lot.lot}: {lot.quarantined}" for lot in report.lots if lot.quarantined]
    if suspect:
        pairs.append(("Suspect lots", "SUSPECT: " + ", ".join(suspect)))
    if quarantined:
        pairs.append(("Misfired rounds quarantined", ", ".join(quarantined)))
    blocks: list[Block] = [Facts(pairs)]
    if report.refusals or report.incidents or unbalanced or suspect:
        blocks.append(
            Para(
                "Every refusal, incident and round-count difference below is a record "
                "showclear kept, not an accusation: each row names the ledger entry (#N) "
                "it rests on.",
                "warn",
            )
        )
    return Section("At a glance", blocks, "glance")


def _held(holds: list[Hold], names: dict[str, str]) -> str:
    lines = []
    for hold in holds:
        if hold.holder is None:
            continue
        lines.append(
            f"{clock(hold.since)}–{clock(hold.until) if hold.until else 'end'} "
            f"{person(names, hold.holder)} (#{hold.entry})"
        )
    return "\n".join(lines) or "stayed in storage"


def _weapons(weapons: list[WeaponDay], names: dict[str, str]) -> Table:
    return Table(
        ["Weapon", "Held by (from entry #)", "Show-clears", "Discharges", "At end of day"],
        [
            [
                f"{w.label}\nserial {w.serial}\n{w.category}",
                _held(w.holds, names),
                _refs(w.inspections),
                _refs(w.shots),
                w.closing,
            ]
            for w in weapons
        ],
        [2.2, 2.6, 1.1, 1.1, 1.4],
        empty="No weapon left storage.",
    )


def _plan(event: dict[str, Any], names: dict[str, str]) -> str:
    uses = []
    for use in event["weapons"]:
        load = use["load"]
        if use.get("lot"):
            load += f" (lot {use['lot']}, {use.get('rounds', 0)} rounds)"
        uses.append(f"{use['weapon']}: {load}, for {person(names, use['performer'])}")
    near = "; ".join(
        f"{n['who']} at {distance(n['distance_cm'])}"
        + (" in the line of fire" if n.get("in_line_of_fire") else "")
        + (", shielded" if n.get("shielded") else "")
        + (", remote" if n.get("remote") else "")
        for n in event["people_near"]
    )
    text = "\n".join(uses) + f"\nFire: {event['direction']}"
    return text + (f"\nNear: {near}" if near else "")


def _setups(setups: list[Indexed], names: dict[str, str]) -> Table:
    rows = []
    for item in setups:
        e = item.event
        if item.type == "SetupCompleted":
            what = "completed"
        else:
            verb = "planned" if item.type == "SetupPlanned" else "CHANGED"
            what = f"{verb}, {e['kind']}, scene {e['scene']}\n{_plan(e, names)}"
        rows.append([clock(item.time), e["setup"], what, f"#{item.index}"])
    return Table(
        ["Time", "Setup", "Plan", "Entry"],
        rows,
        [0.6, 0.7, 5.6, 0.6],
        empty="No setup was planned, changed or completed.",
    )


def _meetings(meetings: list[Indexed], names: dict[str, str]) -> Table:
    rows = []
    tones: list[Tone] = []
    for item in meetings:
        e = item.event
        attendees = ", ".join(
            person(names, a["person"]) + ("" if a["confirmed"] else " (NOT confirmed)")
            for a in e["attendees"]
        )
        visitors = ", ".join(
            v["name"] + (f" ({v['company']})" if v.get("company") else "")
            for v in e.get("visitors", [])
        )
        if visitors:  # present, with no account: they confirm nothing
            attendees += f"; visitors: {visitors}"
        rows.append([clock(item.time), ", ".join(e["setups"]), attendees, f"#{item.index}"])
        tones.append("warn" if not all(a["confirmed"] for a in e["attendees"]) else "")
    return Table(
        ["Time", "Setups", "Attendees", "Entry"],
        rows,
        [0.6, 1.2, 5.1, 0.6],
        tones,
        empty="No safety meeting was recorded.",
    )


def _confirmations(items: list[Indexed], names: dict[str, str]) -> Table:
    rows = [
        [
            clock(i.time),
            describe(i.event, None, names),
            confirmed_by(i.event, names) or "—",
            f"#{i.index}",
        ]
        for i in items
    ]
    return Table(
        ["Time", "What", "Confirmed by (how)", "Entry"],
        rows,
        [0.6, 3.4, 3.2, 0.6],
        empty="No handover, show-clear or meeting was confirmed.",
    )


#: The rows of the rounds table: label, and the figure of a lot's day it shows.
_LOT_ROWS: list[tuple[str, Callable[[LotDay], str]]] = [
    ("On hand at the start of the day", lambda lot: str(lot.on_hand_start)),
    ("Received", lambda lot: str(lot.received)),
    ("Loaded into weapons", lambda lot: str(lot.loaded)),
    ("Fired", lambda lot: str(lot.fired)),
    ("   of which misfired (round kept)", lambda lot: str(lot.fired - lot.expended)),
    ("Expended", lambda lot: str(lot.expended)),
    ("Unloaded back to storage", lambda lot: str(lot.unloaded)),
    ("Returned to the supplier", lambda lot: str(lot.returned)),
    ("Destroyed", lambda lot: str(lot.destroyed)),
    ("Written off as missing", lambda lot: str(lot.missing)),
    ("Quarantined at the end (misfired, never loaded again)", lambda lot: str(lot.quarantined)),
    (
        "SUSPECT (AMMO-SUSPECT)",
        lambda lot: f"SUSPECT since {clock(lot.suspect['at'])}" if lot.suspect else "no",
    ),
    ("On hand at the end of the day", lambda lot: str(lot.on_hand_end)),
    ("Counted at the day's close", lambda lot: "—" if lot.counted is None else str(lot.counted)),
    ("Balances (AMMO-COUNT)", lambda lot: "yes" if lot.balanced else "NO"),
    ("Entries", lambda lot: f"#{lot.entries[0]} … #{lot.entries[-1]}" if lot.entries else "—"),
]
_LOTS_PER_TABLE = 5
_SUSPECT_ROW = next(i for i, (label, _) in enumerate(_LOT_ROWS) if label.startswith("SUSPECT"))


def _lots(lots: list[LotDay]) -> list[Block]:
    blocks: list[Block] = []
    for first in range(0, len(lots), _LOTS_PER_TABLE):
        group = lots[first : first + _LOTS_PER_TABLE]
        rows = [[label, *(show(lot) for lot in group)] for label, show in _LOT_ROWS]
        tones: list[Tone] = ["" for _ in _LOT_ROWS]
        if not all(lot.balanced for lot in group):
            tones[-2] = "alert"
        if any(lot.suspect for lot in group):
            tones[_SUSPECT_ROW] = "alert"
        if any(lot.quarantined for lot in group):
            tones[_SUSPECT_ROW - 1] = "warn"
        blocks.append(
            Table(
                ["Rounds", *(f"{lot.lot} ({lot.kind})" for lot in group)],
                rows,
                [2.6, *([1.2] * len(group)), *([1.2] * (_LOTS_PER_TABLE - len(group)))][
                    : 1 + len(group)
                ],
                tones,
            )
        )
    if not lots:
        blocks.append(Para("No lot of rounds in this production."))
    for lot in lots:
        if lot.suspect:
            blocks.append(
                Para(
                    f"SUSPECT LOT {lot.lot}: {lot.suspect['reason']}, since "
                    f"{stamp(lot.suspect['at'])} (#{lot.suspect['entry']}). Every round "
                    "of it is quarantined wherever it is: no round of it is loaded, and a "
                    "weapon holding one goes to no performer, until the lot is re-verified "
                    "round by round, returned or destroyed (AMMO-SUSPECT).",
                    "alert",
                )
            )
        if lot.quarantined:
            blocks.append(
                Para(
                    f"QUARANTINED: {lot.quarantined} misfired "
                    f"{'round' if lot.quarantined == 1 else 'rounds'} of lot {lot.lot} set "
                    "aside, never loaded again; only their destruction or return to the "
                    "supplier clears them (AMMO-SUSPECT).",
                    "warn",
                )
            )
    blocks.append(
        Para(
            "On hand: in storage or in weapons. A lot balances when received = in storage + "
            "in weapons + quarantined + expended + returned + destroyed + missing and the "
            "last count found no difference (AMMO-COUNT). `showclear lot-account LOT` lists "
            "every entry that moved its rounds."
        )
    )
    return blocks


def _refusals(report: DayReport) -> Table:
    names = report.names
    return Table(
        ["Time", "Who", "Attempted", "Refused by", "Why", "Entry"],
        [
            [
                clock(r.at),
                person(names, r.actor),
                r.summary.split("attempted: ", 1)[-1],
                "\n".join(r.rules),
                "\n".join(r.reasons),
                f"#{r.index}",
            ]
            for r in report.refusals
        ],
        [0.55, 1.0, 2.1, 1.45, 2.4, 0.5],
        ["alert"] * len(report.refusals),
        empty="No attempt was refused.",
    )


def _overrides(report: DayReport) -> Table:
    return Table(
        ["Time", "Granted by", "Rule", "Reason", "Used in", "Entry"],
        [
            [
                clock(o.at),
                person(report.names, o.granted_by),
                o.rule,
                o.reason,
                _refs(o.used_in),
                f"#{o.index}",
            ]
            for o in report.overrides
        ],
        [0.6, 1.2, 1.3, 3.0, 0.8, 0.6],
        ["warn"] * len(report.overrides),
        empty="No override was granted.",
    )


def _warnings(report: DayReport) -> Table:
    return Table(
        ["Time", "What went through with a warning", "Rules", "Entry"],
        [[clock(w.at), w.summary, "\n".join(w.rules), f"#{w.index}"] for w in report.warnings],
        [0.6, 5.0, 1.4, 0.6],
        ["warn"] * len(report.warnings),
        empty="No warning.",
    )


def _incidents(report: DayReport) -> Table:
    rows = []
    for i in report.incidents:
        reviews = (
            "\n".join(
                f"{clock(r.at)} {person(report.names, r.actor)} ({r.role.replace('_', ' ')}): "
                f"{r.findings} (#{r.index})"
                for r in i.reviews
            )
            or "not reviewed"
        )
        status = f"closed {stamp(i.closed_at)}" if i.closed_at else "OPEN: cease-fire"
        what = f"{i.kind.replace('_', ' ')}: {i.description}"
        rows.append([clock(i.at), f"{i.number}", what, reviews, status, f"#{i.index}"])
    return Table(
        ["Time", "No.", "What happened", "Reviews", "Status", "Entry"],
        rows,
        [0.6, 0.4, 2.0, 3.0, 1.0, 0.6],
        ["alert"] * len(rows),
        empty="No incident.",
    )


def _entries(items: list[Indexed], names: dict[str, str]) -> Table:
    return Table(
        ["Time", "What", "Entry"],
        [[clock(i.time), describe(i.event, None, names), f"#{i.index}"] for i in items],
        [0.6, 6.6, 0.6],
        empty="No concern was raised, answered or escalated.",
    )


def _call_sheet(report: DayReport) -> Table:
    rows = [
        [person(report.names, who), ", ".join(duties), f"#{entry}"]
        for who, duties, entry in report.call_sheet
    ]
    return Table(
        ["Person", "Duties", "Entry"],
        rows,
        [2.5, 4.7, 0.6],
        empty="No call sheet was published for this day.",
    )


def _basis(report: DayReport) -> Section:
    basis = report.basis
    return Section(
        "How to check this report",
        [
            Para(
                f"This report was made from the production's ledger as signed at size "
                f"{basis.size} (entries #0 to #{basis.size - 1}). Each #N above is a ledger "
                "entry. Anyone can check that an entry is in the signed ledger, without "
                "trusting showclear's server: `showclear prove --index N` prints its "
                "inclusion proof (C2SP tlog-proof), and `showclear export --bundle FILE.zip` "
                "gives the whole ledger, which `showclear verify --bundle FILE.zip` or "
                "standard tools check offline."
            ),
            Pre(basis.note, "The signed checkpoint (C2SP tlog-checkpoint), verbatim"),
            Pre(basis.verifier_key + "\n", "The production's verifier key"),
        ],
        "check",
    )
