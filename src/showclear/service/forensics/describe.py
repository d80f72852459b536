"""Plain words for ledger entries: what a person on set, an insurer or an investigator reads.

People are named by their registered names when ``names`` knows them, else by id;
weapons, lots and setups by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["chambers_text", "describe", "numbers_text"]


def numbers_text(numbers: list[int]) -> str:
    """Chamber numbers as runs: ``[1, 2, 3, 5]`` -> ``"1-3, 5"`` (with an en dash)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def chambers_text(chambers: list[str]) -> str:
    """Each chamber's content, grouped: ``"1 blk-45, 2-6 empty"``; ``"no chambers"`` if none."""
    if not chambers:
        return "no chambers"
    groups: list[tuple[str, list[int]]] = []
    for number, content in enumerate(chambers, start=1):
        if groups and groups[-1][0] == content and groups[-1][1][-1] == number - 1:
            groups[-1][1].append(number)
        else:
            groups.append((content, [number]))
    return ", ".join(f"{numbers_text(numbers)} {content}" for content, numbers in groups)


def _chambers(numbers: list[int]) -> str:
    return f"chamber{'s' if len(numbers) > 1 else ''} {numbers_text(numbers)}"


def _rounds(count: int) -> str:
    return f"{count} round" if count == 1 else f"{count} rounds"


def describe(
    event: dict[str, Any],
    before: list[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One line saying what the entry records.

    ``before`` is the weapon's chambers just before the entry (to say which round a
    shot or an unload concerned); ``names`` maps person ids to names.
    """
    known = names or {}

    def who(person: Any) -> str:
        return known.get(person, str(person)) if person else "showclear"

    e = event
    kind = str(e.get("type"))
    a, w = who(e.get("actor")), e.get("weapon")
    match kind:
        case "ProductionCreated":
            return f"production {e['production']} created, origin {e['origin']}"
        case "PersonRegistered":
            return f"{a} registered {e['name']} ({', '.join(e['roles'])})"
        case "StorageAdded":
            return f"{a} added storage {e['storage']} ({e['name']})"
        case "DayOpened":
            return f"{a} opened shoot day {e['date']} with its call sheet"
        case "CallSheetRevised":
            return f"{a} revised the call sheet"
        case "WeaponReceived":
            return (
                f"{a} received {w} ({e['make']} {e['model']}, serial {e['serial']}) "
                f"into {e['storage']}"
            )
        case "LotReceived":
            return f"{a} received lot {e['lot']}: {e['count']} {e['kind']} rounds"
        case "DummiesVerified":
            method = e["method"].replace("_", " ")
            return f"{a} verified {e['count']} dummies of {e['lot']} inert ({method})"
        case "RoundsReturnedToSupplier":
            return f"{a} returned {_rounds(e['count'])} of {e['lot']} to the supplier"
        case "RoundsDestroyed":
            return f"{a} destroyed {_rounds(e['count'])} of {e['lot']}"
        case "RoundsMissingRecorded":
            return f"{a} recorded {_rounds(e['count'])} of {e['lot']} missing: {e['reason']}"
        case "SetupPlanned" | "SetupChanged":
            verb = "planned" if kind == "SetupPlanned" else "changed"
            uses = "; ".join(
                f"{p['weapon']} with {p['load']} for {who(p['performer'])}" for p in e["weapons"]
            )
            return f"{a} {verb} setup {e['setup']} ({e['kind']}): {uses}"
        case "SetupCompleted":
            return f"{a} completed setup {e['setup']}"
        case "SafetyMeetingHeld":
            signed = sum(1 for x in e["attendees"] if x["confirmed"])
            return (
                f"{a} held a safety meeting for {', '.join(e['setups'])}: "
                f"{signed} of {len(e['attendees'])} attendees confirmed"
            )
        case "WeaponTakenOut":
            setup = f" for setup {e['setup']}" if e.get("setup") else ""
            return f"{a} took {w} out of storage{setup}"
        case "RoundsLoaded":
            return f"{a} loaded {_chambers(e['chambers'])} of {w} from lot {e['lot']}"
        case "RoundsUnloaded":
            lots = sorted({before[c - 1] for c in e["chambers"] if before and c <= len(before)})
            source = f" ({', '.join(lots)})" if lots else ""
            return f"{a} unloaded {_chambers(e['chambers'])} of {w}{source}"
        case "ShowClearInspected":
            barrel = "barrel clear" if e["barrel_clear"] else "barrel NOT clear"
            text = f"{a} inspected {w}: chambers {chambers_text(e['chambers'])}; {barrel}"
            if e.get("performer"):
                confirmed = "confirmed" if e.get("performer_confirmed") else "did NOT confirm"
                text += f"; shown to {who(e['performer'])}, who {confirmed}"
            return text
        case "WeaponHandedOver":
            confirmed = "confirmed" if e.get("receiver_confirmed") else "did NOT confirm"
            return f"{who(e['giver'])} handed {w} to {who(e['receiver'])}, who {confirmed}"
        case "WeaponDischarged":
            return f"{a} fired {w}, {_shots(e, before)}"
        case "BarrelChecked":
            return f"{a} checked the barrel of {w}: {'clear' if e['clear'] else 'NOT clear'}"
        case "WeaponReturnedToStorage":
            return f"{a} locked {w} in storage {e['storage']}"
        case "MealBreakCalled":
            return f"{a} called a meal break"
        case "WrapCalled":
            return f"{a} called wrap"
        case "WeaponFoundUnattended":
            return f"{a} found {w} unattended ({e['where']}); secured by {who(e['secured_by'])}"
        case "CustodyGapRecorded":
            return f"custody gap: {w} was found with {who(e['found_with'])}: {e['reason']}"
        case "IncidentReported":
            by = "" if e.get("actor") is None else f", reported by {a}"
            about = f" ({w})" if w else ""
            what = str(e["kind"]).replace("_", " ")
            return f"incident {e.get('incident')} opened{by}: {what}{about}: {e['description']}"
        case "LiveRoundsFound":
            return f"{a} found {e['count']} LIVE round(s): {e['where']}"
        case "ReviewRecorded":
            role = e["role"].replace("_", " ")
            return f"{a} reviewed incident {e['incident']} as {role}: {e['findings']}"
        case "ConcernRaised":
            by = "an anonymous person" if e["anonymous"] else a
            stop = " (stop work)" if e["stop_work"] else ""
            return f"{by} raised concern {e.get('concern')}{stop}: {e['text']}"
        case "ConcernAnswered":
            return f"{a} answered concern {e['concern']}: {e['answer']}"
        case "ConcernEscalated":
            return f"concern {e['concern']} was escalated to the producers"
        case "OverrideGranted":
            return f"{a} granted override {e.get('override')} of {e['rule']}: {e['reason']}"
        case "PolicyChanged":
            changes = ", ".join(f"{k} = {v}" for k, v in sorted(e["changes"].items()))
            return f"{a} changed the policy: {changes}"
        case "DayClosed":
            counts = ", ".join(f"{lot}: {n}" for lot, n in sorted(e["counts"].items()))
            return f"{a} closed the day, counting {counts or 'no rounds'}"
        case "AttemptRefused":
            attempted = e.get("attempted")
            what = describe(attempted, before, names) if isinstance(attempted, dict) else "?"
            return f"REFUSED ({', '.join(e.get('rules', []))}), attempted: {what}"
    return f"{a}: {kind}"


def _shots(e: dict[str, Any], before: list[str] | None) -> str:
    shots = []
    for chamber in e["chambers"]:
        if before is not None and chamber <= len(before):
            shots.append(f"{chamber} ({before[chamber - 1]})")
        else:
            shots.append(str(chamber))
    text = f"chamber {', '.join(shots)}: {'intended' if e['intended'] else 'UNINTENDED'}"
    if e.get("misfire"):
        text += "; misfire"
    if e.get("squib"):
        text += "; squib"
    return text
