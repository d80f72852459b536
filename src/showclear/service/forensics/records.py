"""What the forensic queries answer: plain, frozen records that cite ledger entry indexes.

Every record names the entries it rests on (``entry``, ``index`` or ``cites``), so
that each statement can be checked against a signed checkpoint with that entry's
inclusion proof. Times are RFC 3339 strings in UTC, as in the ledger.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Carrier",
    "ChainEntry",
    "Custody",
    "DayCount",
    "Hold",
    "IncidentFacts",
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
]


class _Json:
    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON-ready data."""
        return asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True)
class Custody(_Json):
    """Where a weapon was at a moment, who held it, what its chambers held, and since when."""

    weapon: str
    at: str
    location: str  # "storage:<id>" or "person:<id>"
    holder: str | None
    storage: str | None
    chambers: list[str]  # each chamber's content: "empty", "unknown" or a lot id
    state: str  # COLD, DUMMY, HOT or UNKNOWN
    uncertain: str | None
    setup: str | None
    since: str  # when it came to this place
    entry: int  # the entry that put it there
    inspection: int | None  # the entry of its last show-clear inspection
    last_inspection: dict[str, Any] | None  # that inspection: when, by whom, shown to whom
    through_entry: int  # the last entry at or before ``at``
    cites: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Hold(_Json):
    """One stretch of custody: a weapon in one place, from one entry to the next move."""

    location: str
    holder: str | None
    storage: str | None
    since: str
    entry: int
    until: str | None  # None: still there at the end of the period asked about
    until_entry: int | None


@dataclass(frozen=True)
class ChainEntry(_Json):
    """One ledger entry about a weapon, and the weapon's state just after it."""

    index: int
    at: str
    type: str
    actor: str | None
    summary: str
    refused: bool
    rules: list[str]
    location: str | None
    holder: str | None
    chambers: list[str]
    state: str | None
    event: dict[str, Any]


@dataclass(frozen=True)
class WeaponChain(_Json):
    """A weapon's chain of custody between two moments: every holder and every entry about it."""

    weapon: str
    start: str
    end: str
    opening: Custody | None  # just before ``start`` (None: not yet received)
    holds: list[Hold]
    entries: list[ChainEntry]
    closing: Custody | None  # at ``end``
    cites: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class LotMovement(_Json):
    """One entry that changed a lot's counts, or moved a weapon holding its rounds."""

    index: int
    at: str
    type: str
    actor: str | None
    summary: str
    refused: bool
    rules: list[str]
    weapon: str | None
    holder: str | None  # who held that weapon just after the entry
    chambers: list[int]  # the chambers of this lot's rounds the entry loaded, unloaded or fired
    change: dict[str, int]  # counter -> change, e.g. {"in_storage": -6, "in_weapons": 6}
    balance: dict[str, int]  # every counter just after the entry
    event: dict[str, Any]


@dataclass(frozen=True)
class Carrier(_Json):
    """Rounds of a lot inside one weapon in one place: who had them, from when to when."""

    weapon: str
    rounds: int
    location: str
    holder: str | None
    since: str
    entry: int
    until: str | None
    until_entry: int | None


@dataclass(frozen=True)
class LotChain(_Json):
    """A lot's chain of custody between two moments: counts, every movement, every carrier."""

    lot: str
    start: str
    end: str
    opening: dict[str, int] | None  # the counters just before ``start``
    movements: list[LotMovement]
    carriers: list[Carrier]
    closing: dict[str, int] | None  # the counters at ``end``
    cites: list[int] = field(default_factory=list)
    # Why the lot is suspect at ``end`` (reason, at, entry), or None (AMMO-SUSPECT).
    suspect: dict[str, Any] | None = None


@dataclass(frozen=True)
class LoadedWeapon(_Json):
    """Rounds of a lot in a weapon now: which chambers, and who holds the weapon."""

    weapon: str
    chambers: list[int]
    location: str
    holder: str | None
    quarantine: str | None = None  # why its rounds are quarantined (AMMO-SUSPECT), in words


@dataclass(frozen=True)
class DayCount(_Json):
    """A close-of-day count of a lot against what the ledger recorded (AMMO-COUNT)."""

    index: int
    at: str
    counted: int
    recorded: int  # in storage + in weapons just before the count
    difference: int  # counted minus recorded


@dataclass(frozen=True)
class LotAccounting(_Json):
    """Every round of a lot: where each one is or went, with every movement that moved it.

    ``received == in_storage + in_weapons + quarantined + expended + returned + destroyed
    + missing`` when the lot balances (AMMO-COUNT); ``quarantined`` counts misfired rounds
    set aside, and ``suspect`` says why no round of the lot is used (AMMO-SUSPECT).
    """

    lot: str
    kind: str
    caliber: str
    supplier: str
    origin: str
    storage: str
    received: int
    verified: int
    in_storage: int
    in_weapons: int
    quarantined: int
    expended: int
    returned: int
    destroyed: int
    missing: int
    live_found: int
    discrepancy: int
    accounted: int
    balanced: bool
    loaded: list[LoadedWeapon]
    counts: list[DayCount]
    movements: list[LotMovement]
    cites: list[int] = field(default_factory=list)
    suspect: dict[str, Any] | None = None  # reason, at, entry (AMMO-SUSPECT)


@dataclass(frozen=True)
class Refusal(_Json):
    """A refused attempt: who tried what, and the rules that refused it."""

    index: int
    at: str
    actor: str | None
    attempted: str  # the event type that was attempted
    weapon: str | None
    lot: str | None
    parties: list[str]  # everyone the attempt named: actor, giver, receiver, performer
    rules: list[str]
    reasons: list[str]
    summary: str


@dataclass(frozen=True)
class Override(_Json):
    """An override the safety coordinator granted, and the entries that used it."""

    index: int
    at: str
    number: int
    rule: str
    reason: str
    granted_by: str | None
    weapon: str | None
    setup: str | None
    used_in: list[int]


@dataclass(frozen=True)
class WarningEntry(_Json):
    """An entry that went through with a warning."""

    index: int
    at: str
    type: str
    actor: str | None
    rules: list[str]
    summary: str


@dataclass(frozen=True)
class RefusalReport(_Json):
    """Refused attempts and overrides (optionally of one person or one rule), and warnings."""

    person: str | None
    rule: str | None
    refusals: list[Refusal]
    overrides: list[Override]
    warnings: list[WarningEntry]
    by_person: dict[str, list[int]]  # who attempted -> the refusals' entry indexes
    by_rule: dict[str, list[int]]  # rule -> the entry indexes it refused or warned
    cites: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Review(_Json):
    index: int
    at: str
    actor: str | None
    role: str
    findings: str


@dataclass(frozen=True)
class IncidentFacts(_Json):
    """An incident as recorded: when it opened, what set it off, who reviewed it."""

    number: int
    index: int
    at: str
    kind: str
    description: str
    reported_by: str | None  # None when showclear opened it
    weapon: str | None
    lot: str | None
    rules: list[str]
    differences: dict[str, int]
    related: list[int]  # the entries recorded with it, in the same decision
    reviews: list[Review]
    closed_at: str | None
    cites: list[int] = field(default_factory=list)
