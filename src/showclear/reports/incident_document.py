"""The incident report as a document: the incident, the record around it, and its evidence."""

from __future__ import annotations

from collections.abc import Mapping

from showclear.protocol.catalogue import chambers_text
from showclear.protocol.catalogue.incidents import NOTIFIED
from showclear.reports.common import clock, distance, person, report_zone, stamp
from showclear.reports.document import (
    Block,
    Document,
    Facts,
    Para,
    Picture,
    Pre,
    Section,
    Table,
    Tone,
)
from showclear.reports.incident import FileEntry, IncidentReport, Shot
from showclear.reports.timeline import draw
from showclear.service.forensics import LotChain, WeaponChain

__all__ = ["incident_document"]


def incident_document(
    report: IncidentReport, documents: Mapping[str, bytes | None] | None = None
) -> Document:
    """The report's sections: facts first, then the record, then how to check it.

    ``documents`` holds the stored files the incident's file names, by SHA-256 (None: not
    held, or changed on disk); a photo is drawn from them.
    """
    facts = report.facts
    held = documents or {}
    sections = [
        _incident(report),
        _narrative(report),
        _statements(report),
        _photos(report, held),
        _injuries(report),
        _notifications(report),
        _at_incident(report),
        _shots(report),
        Section(
            "Timeline",
            [
                draw(report.timeline),
                Para(
                    f"Every entry from {stamp(report.start)} to {stamp(report.end)} about the "
                    "weapons and lots involved, and every set-wide entry (meetings, breaks, "
                    "incidents, reviews, overrides), with who did or confirmed each and how "
                    "each person's part was proven: passkey signature, PIN checked by the "
                    "server, or signed-in session."
                ),
                _timeline(report),
            ],
            "timeline",
        ),
        *(_weapon(chain, report.names) for chain in report.weapons),
        *(_lot(chain, report.names) for chain in report.lots),
        _people(report),
        _check(report),
        _appendix(report),
    ]
    status = f"closed {stamp(facts.closed_at)}" if facts.closed_at else "OPEN (cease-fire)"
    return Document(
        title=f"Incident report no. {facts.number}",
        subtitle=f"{report.production} — {facts.kind.replace('_', ' ')} at {stamp(facts.at)}",
        facts=[
            ("Production", report.production),
            (
                "Incident",
                f"no. {facts.number}, {facts.kind.replace('_', ' ')} (entry #{facts.index})",
            ),
            ("Opened", f"{stamp(facts.at)}"),
            ("Status", status),
            ("Period covered", f"{stamp(report.start)} to {stamp(report.end)}"),
            ("Time zone", report_zone()),
            ("Signed checkpoint", f"size {report.basis.size}, root {report.basis.root}"),
            ("Entries cited", f"{len(report.evidence)}, each with its inclusion proof (appendix)"),
        ],
        sections=sections,
        footer=(
            f"{report.production} · incident {facts.number} · from the signed checkpoint of "
            f"size {report.basis.size} · times in {report_zone()}"
        ),
    )


def _incident(report: IncidentReport) -> Section:
    f, names = report.facts, report.names
    pairs = [
        ("What", f"{f.kind.replace('_', ' ')}: {f.description}"),
        ("When", f"{stamp(f.at)} (entry #{f.index})"),
        ("Opened by", person(names, f.reported_by) if f.reported_by else "showclear itself"),
        ("Weapon", f.weapon or "—"),
        ("Lot", f.lot or _lots_fired(report) or "—"),
        ("Who fired", _shooters(report) or "—"),
        ("Rules", ", ".join(f.rules) or "—"),
    ]
    if f.differences:
        diffs = ", ".join(f"{lot}: {d:+d}" for lot, d in sorted(f.differences.items()))
        pairs.append(("Round-count differences", diffs))
    if f.related:
        pairs.append(("Recorded with", ", ".join(f"#{i}" for i in f.related)))
    pairs.append(
        (
            "Status",
            f"closed by both reviews at {stamp(f.closed_at)}"
            if f.closed_at
            else "OPEN: the production is in cease-fire until both reviews are recorded",
        )
    )
    reviews = Table(
        ["Time", "Reviewer", "As", "Findings", "Entry"],
        [
            [
                stamp(r.at),
                person(names, r.actor),
                r.role.replace("_", " "),
                r.findings,
                f"#{r.index}",
            ]
            for r in f.reviews
        ],
        [1.2, 1.3, 1.3, 3.6, 0.6],
        empty="No review has been recorded.",
    )
    return Section(f"Incident no. {f.number}", [Facts(pairs), reviews], "incident")


def _at_incident(report: IncidentReport) -> Section:
    names = report.names
    rows = []
    for c in report.at_incident:
        where = person(names, c.holder) if c.holder else f"storage {c.storage}"
        last = f"#{c.inspection}" if c.inspection is not None else "never"
        rows.append(
            [
                c.weapon,
                f"{where}\nsince {clock(c.since)} (#{c.entry})",
                chambers_text(c.chambers),
                c.state,
                last,
            ]
        )
    table = Table(
        ["Weapon", "Held by", "Chambers", "State", "Last show-clear"],
        rows,
        [1.0, 1.8, 3.0, 0.9, 1.0],
        empty="No weapon is named by the incident.",
    )
    return Section("At the moment of the incident", [table], "moment")


def _incident_shots(report: IncidentReport) -> list[Shot]:
    """The discharges of the incident: those recorded with it, else the last discharge of
    its weapon at or before it (a misfire reported by a person after the shot)."""
    f = report.facts
    related = [s for s in report.shots if s.index in f.related]
    if related:
        return related
    before = [s for s in report.shots if s.weapon == f.weapon and s.index <= f.index]
    return before[-1:]


def _lots_fired(report: IncidentReport) -> str:
    """The lot of each round of the incident's discharges (traced through the chambers)."""
    lots = [
        lot
        for shot in _incident_shots(report)
        for lot in shot.fired
        if lot not in ("empty", "unknown")
    ]
    return ", ".join(dict.fromkeys(lots))


def _shooters(report: IncidentReport) -> str:
    names = report.names
    return ", ".join(
        dict.fromkeys(
            f"{person(names, s.shooter)} (#{s.index})" for s in _incident_shots(report) if s.shooter
        )
    )


def _entries_of(report: IncidentReport, kind: str) -> list[FileEntry]:
    return [e for e in report.file if e.type == kind]


def _by(entry: FileEntry, names: dict[str, str]) -> str:
    return f"{stamp(entry.at)}, {person(names, entry.actor)} (#{entry.index})"


def _narrative(report: IncidentReport) -> Section:
    names = report.names
    blocks: list[Block] = [
        Para(f"As reported (#{report.facts.index}): {report.facts.description}"),
    ]
    for e in _entries_of(report, "IncidentNarrativeAdded"):
        blocks.append(Para(f"Written {_by(e, names)}:"))
        blocks.append(Para(str(e.event["narrative"])))
    if len(blocks) == 1:
        blocks.append(Para("No narrative has been added.", "warn"))
    return Section("Narrative", blocks, "narrative")


def _statements(report: IncidentReport) -> Section:
    names = report.names
    rows = [
        [
            person(names, str(e.event["witness"])),
            str(e.event["statement"]),
            (
                f"signed scan {e.event['document_sha256']}"
                if e.event.get("document_sha256")
                else "—"
            ),
            f"{clock(e.at)} by {person(names, e.actor)}\n#{e.index}",
        ]
        for e in _entries_of(report, "IncidentStatementAdded")
    ]
    table = Table(
        ["Witness", "Statement", "Document (SHA-256)", "Recorded"],
        rows,
        [1.3, 4.0, 1.4, 1.1],
        empty="No witness statement has been added.",
    )
    return Section("Witness statements", [table], "statements")


def _media_type(data: bytes) -> str | None:
    """The image type of ``data`` from its first bytes, or None if it is no image we show."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def _photos(report: IncidentReport, documents: Mapping[str, bytes | None]) -> Section:
    names = report.names
    blocks: list[Block] = []
    for e in _entries_of(report, "IncidentPhotoAdded"):
        sha = str(e.event["document_sha256"])
        caption = f"{e.event['caption']} (added {_by(e, names)}; SHA-256 {sha})"
        data = documents.get(sha)
        kind = _media_type(data) if data is not None else None
        if data is not None and kind is not None:
            blocks.append(Picture(data, kind, caption))
        elif data is None:
            blocks.append(
                Para(f"NOT HELD: the photo is missing or changed on disk. {caption}", "alert")
            )
        else:
            blocks.append(
                Para(f"Not an image this report can show (kept as a document). {caption}")
            )
    if not blocks:
        blocks.append(Para("No photo has been added."))
    return Section("Photos", blocks, "photos")


def _injuries(report: IncidentReport) -> Section:
    names = report.names
    entries = _entries_of(report, "IncidentInjuryRecorded")
    table = Table(
        ["Who was hurt", "Injury", "Care given", "Recorded"],
        [
            [
                person(names, str(e.event["person"])),
                str(e.event["injury"]),
                str(e.event.get("treatment") or "—"),
                f"{clock(e.at)} by {person(names, e.actor)}\n#{e.index}",
            ]
            for e in entries
        ],
        [1.4, 2.8, 2.4, 1.2],
        ["alert"] * len(entries),
        empty="No injury has been recorded.",
    )
    return Section("Injuries", [table], "injuries")


def _notifications(report: IncidentReport) -> Section:
    names = report.names
    table = Table(
        ["To", "Received by", "When", "Reference", "Made by", "Entry"],
        [
            [
                NOTIFIED.get(str(e.event["to"]), str(e.event["to"])),
                str(e.event.get("contact") or "—"),
                stamp(e.event.get("made_at") or e.at),
                str(e.event.get("reference") or "—"),
                person(names, e.actor),
                f"#{e.index}",
            ]
            for e in _entries_of(report, "IncidentNotificationMade")
        ],
        [1.1, 1.7, 1.3, 1.4, 1.4, 0.6],
        empty="No notification outside the production has been recorded.",
    )
    return Section("Notifications", [table], "notifications")


def _shots(report: IncidentReport) -> Section:
    names = report.names
    rows = []
    for s in report.shots:
        who = person(names, s.shooter) if s.shooter else "nobody the ledger names"
        if s.recorded_by and s.recorded_by != s.shooter:
            who += f"\n(recorded by {person(names, s.recorded_by)})"
        lots = ", ".join(s.fired) or "—"
        if s.misfire:
            lots = f"misfired (round kept): {lots}"
        rows.append(
            [
                f"{clock(s.at)} (#{s.index})",
                s.weapon,
                who,
                s.direction or "not recorded",
                distance(s.nearest_cm) if s.nearest_cm is not None else "not recorded",
                lots,
            ]
        )
    table = Table(
        ["Time", "Weapon", "Who fired", "Muzzle toward", "Nearest person", "Lot of each round"],
        rows,
        [1.0, 0.9, 1.6, 1.8, 1.0, 1.5],
        ["" if s.intended and not s.misfire else "alert" for s in report.shots],
        empty="No discharge in the period.",
    )
    return Section("Discharges", [table], "discharges")


def _timeline(report: IncidentReport) -> Table:
    tones: list[Tone] = []
    for row in report.entries:
        tones.append("alert" if row.refused or row.index == report.facts.index else "")
    return Table(
        ["Time", "Entry", "What happened", "Done or confirmed by (how)"],
        [[clock(r.at), f"#{r.index}", r.summary, r.proven or "—"] for r in report.entries],
        [0.6, 0.6, 4.1, 2.5],
        tones,
    )


def _weapon(chain: WeaponChain, names: dict[str, str]) -> Section:
    holds = Table(
        ["From", "To", "Where", "Entries"],
        [
            [
                stamp(h.since),
                stamp(h.until) if h.until else "(end of period)",
                person(names, h.holder) if h.holder else f"storage {h.storage}",
                f"#{h.entry}" + (f" → #{h.until_entry}" if h.until_entry is not None else ""),
            ]
            for h in chain.holds
        ],
        [1.4, 1.4, 3.2, 1.4],
    )
    entries = Table(
        ["Time", "Entry", "What", "Chambers after", "State"],
        [
            [clock(e.at), f"#{e.index}", e.summary, chambers_text(e.chambers), e.state or "—"]
            for e in chain.entries
        ],
        [0.6, 0.6, 3.8, 2.0, 0.8],
        ["alert" if e.refused else "" for e in chain.entries],
        empty="No entry about this weapon in the period.",
    )
    return Section(
        f"Custody chain of {chain.weapon}",
        [
            Para("Every holder in the period (storage included):"),
            holds,
            Para("Every entry about it, with each chamber's content just after:"),
            entries,
        ],
        f"weapon-{chain.weapon}",
    )


def _counters(counters: dict[str, int] | None) -> str:
    if not counters:
        return "not yet received"
    keys = (
        "in_storage",
        "in_weapons",
        "quarantined",
        "expended",
        "returned",
        "destroyed",
        "missing",
    )
    return ", ".join(f"{k.replace('_', ' ')} {counters.get(k, 0)}" for k in keys) + (
        f" (of {counters['received']} received)"
    )


def _lot(chain: LotChain, names: dict[str, str]) -> Section:
    movements = Table(
        ["Time", "Entry", "What", "Change", "Weapon held by"],
        [
            [
                clock(m.at),
                f"#{m.index}",
                m.summary,
                ", ".join(f"{k.replace('_', ' ')} {v:+d}" for k, v in m.change.items()) or "—",
                person(names, m.holder) if m.holder else "—",
            ]
            for m in chain.movements
        ],
        [0.6, 0.6, 3.8, 1.8, 1.2],
        ["alert" if m.refused else "" for m in chain.movements],
        empty="No movement of this lot's rounds in the period.",
    )
    carriers = Table(
        ["Weapon", "Rounds", "Held by", "From", "To"],
        [
            [
                c.weapon,
                str(c.rounds),
                person(names, c.holder) if c.holder else c.location,
                f"{stamp(c.since)} (#{c.entry})",
                f"{stamp(c.until)} (#{c.until_entry})" if c.until else "(end of period)",
            ]
            for c in chain.carriers
        ],
        [1.0, 0.6, 1.6, 2.0, 2.0],
        empty="No weapon held rounds of this lot in the period.",
    )
    facts = [("At the start", _counters(chain.opening)), ("At the end", _counters(chain.closing))]
    if chain.suspect:
        facts.append(
            (
                "SUSPECT LOT",
                f"{chain.suspect['reason']}, since {stamp(chain.suspect['at'])} "
                f"(#{chain.suspect['entry']}): every round of it is quarantined wherever it "
                "is (AMMO-SUSPECT)",
            )
        )
    quarantined = (chain.closing or {}).get("quarantined", 0)
    if quarantined:
        facts.append(
            (
                "QUARANTINED",
                f"{quarantined} misfired {'round' if quarantined == 1 else 'rounds'} set "
                "aside, never loaded again, until destroyed or returned (AMMO-SUSPECT)",
            )
        )
    blocks: list[Block] = [
        Facts(facts),
        Para("Every movement of its rounds:"),
        movements,
        Para("Who had its rounds, in which weapon:"),
        carriers,
    ]
    return Section(f"Rounds of lot {chain.lot}", blocks, f"lot-{chain.lot}")


def _people(report: IncidentReport) -> Section:
    rows = [
        [
            f"{p.name}\n({p.person})",
            ", ".join(r.replace("_", " ") for r in p.roles) or "—",
            ", ".join(d.replace("_", " ") for d in p.duties) or "—",
            "\n".join(p.parts),
        ]
        for p in report.people
    ]
    table = Table(
        ["Person", "Roles", "Duties that day", "In the record"],
        rows,
        [1.4, 1.2, 1.1, 4.1],
        empty="Nobody is named.",
    )
    return Section("People and their roles", [table], "people")


def _check(report: IncidentReport) -> Section:
    basis = report.basis
    return Section(
        "How to check this report",
        [
            Para(
                f"Every #N in this report is an entry of the production's ledger, which was "
                f"signed at size {basis.size} with the key below. The appendix gives each cited "
                "entry's exact bytes and its inclusion proof (C2SP tlog-proof) against that "
                "signed checkpoint. To check a statement without trusting showclear's server: "
                "(1) compare the verifier key with the one the production published; (2) "
                "verify the checkpoint's Ed25519 signature (C2SP signed-note); (3) hash the "
                "entry as SHA-256(0x00 ‖ entry bytes) and fold in the proof's hashes as RFC "
                "9162 section 2.1.3.2 says: the result must be the checkpoint's root. "
                "Independent tools do this, e.g. Go's golang.org/x/mod/sumdb/tlog and /note."
            ),
            Pre(basis.note, "The signed checkpoint this report rests on, verbatim"),
            Pre(basis.verifier_key + "\n", "The production's verifier key"),
        ],
        "check",
        new_page=True,
    )


def _appendix(report: IncidentReport) -> Section:
    blocks: list[Block] = [
        Para(
            "For each cited entry: its exact bytes (canonical JSON), its leaf hash, and its "
            "tlog-proof, verbatim. In this PDF a line too long for the page continues on the "
            "next after ↵, which is not part of the text; the HTML version of the report, "
            "`showclear prove --index N` and the export bundle give the same text unbroken."
        )
    ]
    for ev in report.evidence:
        blocks.append(Pre(ev.entry + "\n", f"Entry #{ev.index} · {ev.at} · {ev.type}"))
        blocks.append(
            Pre(ev.proof, f"Inclusion proof of entry #{ev.index} (leaf hash {ev.leaf_hash})")
        )
    return Section(
        "Appendix: the cited entries and their proofs", blocks, "evidence", new_page=True
    )
