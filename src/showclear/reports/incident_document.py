"""The incident report as a document: the incident, the record around it, and its evidence."""

from __future__ import annotations

from showclear.protocol.catalogue import chambers_text
from showclear.reports.common import hm, person, stamp
from showclear.reports.document import Block, Document, Facts, Para, Pre, Section, Table, Tone
from showclear.reports.incident import IncidentReport
from showclear.reports.timeline import draw
from showclear.service.forensics import LotChain, WeaponChain

__all__ = ["incident_document"]


def incident_document(report: IncidentReport) -> Document:
    """The report's sections: facts first, then the record, then how to check it."""
    facts = report.facts
    sections = [
        _incident(report),
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
            ("Opened", f"{stamp(facts.at)} UTC"),
            ("Status", status),
            ("Period covered", f"{stamp(report.start)} to {stamp(report.end)} UTC"),
            ("Signed checkpoint", f"size {report.basis.size}, root {report.basis.root}"),
            ("Entries cited", f"{len(report.evidence)}, each with its inclusion proof (appendix)"),
        ],
        sections=sections,
        footer=(
            f"{report.production} · incident {facts.number} · from the signed checkpoint of "
            f"size {report.basis.size} · all times UTC"
        ),
    )


def _incident(report: IncidentReport) -> Section:
    f, names = report.facts, report.names
    pairs = [
        ("What", f"{f.kind.replace('_', ' ')}: {f.description}"),
        ("When", f"{stamp(f.at)} UTC (entry #{f.index})"),
        ("Opened by", person(names, f.reported_by) if f.reported_by else "showclear itself"),
        ("Weapon", f.weapon or "—"),
        ("Lot", f.lot or _lots_fired(report) or "—"),
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
                f"{where}\nsince {hm(c.since)} (#{c.entry})",
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


def _lots_fired(report: IncidentReport) -> str:
    """The lots of the rounds fired by the discharge recorded with the incident."""
    lots = [
        lot
        for shot in report.shots
        if shot.index in report.facts.related
        for lot in shot.fired
        if lot not in ("empty", "unknown")
    ]
    return ", ".join(dict.fromkeys(lots))


def _shots(report: IncidentReport) -> Section:
    names = report.names
    rows = []
    for s in report.shots:
        who = person(names, s.shooter) if s.shooter else "nobody the ledger names"
        if s.recorded_by and s.recorded_by != s.shooter:
            who += f"\n(recorded by {person(names, s.recorded_by)})"
        lots = ", ".join(s.fired) if s.fired else ("misfire: none" if s.misfire else "—")
        rows.append(
            [
                f"{hm(s.at)} (#{s.index})",
                s.weapon,
                who,
                s.direction or "not recorded",
                f"{s.nearest_cm} cm" if s.nearest_cm is not None else "not recorded",
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
        [[hm(r.at), f"#{r.index}", r.summary, r.proven or "—"] for r in report.entries],
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
            [hm(e.at), f"#{e.index}", e.summary, chambers_text(e.chambers), e.state or "—"]
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
                hm(m.at),
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
                f"{chain.suspect['reason']}, since {stamp(chain.suspect['at'])} UTC "
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
