"""Response bodies: what a command recorded, the views, the ledger and signing in."""

import base64
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from showclear.commands.fields import RuleId
from showclear.ledger import TlogProof
from showclear.protocol import Finding
from showclear.protocol.catalogue import follow_ups
from showclear.service import views
from showclear.service.commands import Receipt
from showclear.service.ledger import ConsistencyProofText
from showclear.service.sessions import Issued, Principal, TokenInfo
from showclear.store import EntryRow

__all__ = [
    "Board",
    "BoardWeapon",
    "CommandResult",
    "ConsistencyProof",
    "InclusionProof",
    "IssuedToken",
    "LedgerEntries",
    "LedgerEntry",
    "LotAccount",
    "Me",
    "RecordedEntry",
    "RuleFinding",
    "Token",
]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class RuleFinding(BaseModel):
    """What one rule found: a block refuses the command, a warning lets it through."""

    id: RuleId
    severity: Literal["block", "warn"]
    message: str = Field(description="What is wrong, for a person on set.")
    remedy: str = Field(description="What to do instead.")
    overridable: bool

    @classmethod
    def of(cls, finding: Finding) -> "RuleFinding":
        return cls(
            id=RuleId(finding.rule_id),
            severity=finding.severity.value,
            message=finding.message,
            remedy=finding.remedy,
            overridable=finding.overridable,
        )


class RecordedEntry(BaseModel):
    """An entry appended to the ledger, with its index."""

    index: int
    event: dict[str, Any]


class CommandResult(BaseModel):
    """A command allowed (or allowed with warnings) and the entries it appended."""

    outcome: Literal["allowed", "warned"]
    findings: list[RuleFinding] = Field(description="Warnings recorded with the event.")
    entries: list[RecordedEntry]
    size: int = Field(description="The ledger's size after the command.")
    checkpoint: str = Field(description="The new signed checkpoint (C2SP signed note).")
    follow_ups: list[str] = Field(
        description="What showclear recorded on top of the command, in words a person on set "
        "acts on: an incident and its cease-fire, a concern escalated, a custody gap."
    )
    notices: list[str] = Field(
        default_factory=list,
        description="What the server adds that no rule decides: a day closed before the "
        "policy's quorum of witnesses cosigned it, and what to do.",
    )

    @classmethod
    def of(cls, outcome: Receipt) -> "CommandResult":
        return cls(
            outcome=outcome.outcome,  # type: ignore[arg-type]
            findings=[RuleFinding.of(f) for f in outcome.findings],
            entries=recorded(outcome),
            size=outcome.size,
            checkpoint=outcome.checkpoint_note,
            follow_ups=follow_ups(outcome.events),
            notices=list(outcome.notices),
        )


def recorded(outcome: Receipt) -> list[RecordedEntry]:
    """The entries an outcome appended, with their indices."""
    return [
        RecordedEntry(index=outcome.first_index + i, event=event)
        for i, event in enumerate(outcome.events)
    ]


# -- signing in --------------------------------------------------------------------------


class Token(BaseModel):
    """A session or API token, without its secret."""

    id: str
    kind: Literal["session", "token"]
    person: str
    label: str | None
    created_at: str
    expires_at: str
    revoked_at: str | None

    @classmethod
    def of(cls, info: TokenInfo) -> "Token":
        return cls(
            id=info.id,
            kind=info.kind,  # type: ignore[arg-type]
            person=info.person,
            label=info.label,
            created_at=info.created_at,
            expires_at=info.expires_at,
            revoked_at=info.revoked_at,
        )


class IssuedToken(Token):
    """A new API token. The secret is shown this once; showclear keeps only its hash."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`.")

    @classmethod
    def issued(cls, issued: Issued) -> "IssuedToken":
        return cls(token=issued.secret, **Token.of(issued.info).model_dump())


class Me(BaseModel):
    """The signed-in person and the session or token they use."""

    production: str
    person: str
    roles: list[str]
    signed_in_with: Token

    @classmethod
    def of(cls, principal: Principal) -> "Me":
        return cls(
            production=principal.production,
            person=principal.person,
            roles=list(principal.roles),
            signed_in_with=Token.of(principal.login),
        )


# -- views ---------------------------------------------------------------------------------


class BoardWeapon(BaseModel):
    weapon: str
    description: str
    category: str
    state: Literal["COLD", "DUMMY", "HOT", "UNKNOWN"]
    location: str = Field(description='"storage:<id>" or "person:<id>": always one place.')
    holder: str | None
    storage: str | None
    chambers: list[str] = Field(description='Each chamber: "empty", "unknown" or a lot id.')
    setup: str | None
    last_inspection: dict[str, Any] | None
    uncertain: str | None = Field(description="Why the weapon is UNKNOWN, if it is.")
    quarantine: str | None = Field(
        None,
        description="Why rounds it holds are quarantined (AMMO-SUSPECT), e.g. "
        '"holds rounds of suspect lot L1": it goes to no performer until unloaded.',
    )
    misfired: list[int] = Field(
        default_factory=list, description="Chambers holding a round that misfired."
    )


class Board(BaseModel):
    """The day's board: where every weapon is, its state, and whether the set is in cease-fire."""

    production: str
    day: dict[str, Any] | None
    ceasefire: dict[str, Any]
    weapons: list[BoardWeapon]
    open_incidents: list[dict[str, Any]]
    open_concerns: list[dict[str, Any]]
    size: int
    suspect_lots: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Suspect lots (AMMO-SUSPECT): reason, since when (`at`, `entry`), and "
        "the weapons holding their rounds.",
    )
    quarantined: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Misfired rounds set aside per lot (`rounds`), and the weapons holding "
        "quarantined rounds, with why.",
    )

    @classmethod
    def of(cls, board: views.Board) -> "Board":
        return cls.model_validate(board.to_json())


class LotAccount(BaseModel):
    """A lot's round accounting: received = in storage + in weapons + expended + returned
    + destroyed (+ missing); see the projection's lot record for every field."""

    model_config = ConfigDict(extra="allow")
    lot: str


# -- the ledger ------------------------------------------------------------------------------


class LedgerEntry(BaseModel):
    index: int
    data: str = Field(description="The entry's exact bytes (canonical JSON), base64.")
    leaf_hash: str = Field(description="SHA-256(0x00 || data), base64 (RFC 9162 §2.1).")
    event: Any = Field(description="The entry decoded, for convenience; verify `data`.")

    @classmethod
    def of(cls, row: EntryRow) -> "LedgerEntry":
        try:
            event = row.event()
        except ValueError:
            event = None
        return cls(index=row.index, data=_b64(row.data), leaf_hash=_b64(row.leaf_hash), event=event)


class LedgerEntries(BaseModel):
    """One page of ledger entries."""

    size: int = Field(description="The ledger's size when read.")
    start: int
    entries: list[LedgerEntry]
    next: int | None = Field(description="The start of the next page, or null at the end.")

    @classmethod
    def of(cls, size: int, start: int, rows: list[EntryRow]) -> "LedgerEntries":
        end = start + len(rows)
        return cls(
            size=size,
            start=start,
            entries=[LedgerEntry.of(r) for r in rows],
            next=end if rows and end < size else None,
        )


class InclusionProof(BaseModel):
    """An RFC 9162 inclusion proof of one entry against a signed checkpoint."""

    index: int
    hashes: list[str] = Field(description="The audit path, base64, leaf to root.")
    checkpoint: str = Field(description="The signed checkpoint note proven against.")

    @classmethod
    def of(cls, text: str) -> "InclusionProof":
        proof = TlogProof.parse(text)
        return cls(
            index=proof.index,
            hashes=[_b64(h) for h in proof.hashes],
            checkpoint=proof.checkpoint_note,
        )


class ConsistencyProof(BaseModel):
    """An RFC 9162 consistency proof: the ledger at old_size is a prefix of it at new_size."""

    old_size: int
    old_root: str
    new_size: int
    new_root: str
    hashes: list[str]
    checkpoint: str = Field(description="The signed checkpoint note at new_size.")

    @classmethod
    def of(cls, proof: ConsistencyProofText) -> "ConsistencyProof":
        return cls(
            old_size=proof.old_size,
            old_root=_b64(proof.old_root),
            new_size=proof.new_size,
            new_root=_b64(proof.new_root),
            hashes=[_b64(h) for h in proof.hashes],
            checkpoint=proof.new_checkpoint_note,
        )


class WitnessLagView(BaseModel):
    """How far behind the ledger one witness is (C2SP tlog-witness, issue 14)."""

    witness: str
    url: str
    cosigned_size: int = Field(description="The largest checkpoint size it cosigned.")
    ledger_size: int
    behind_entries: int
    behind_minutes: int = Field(description="Since its first uncosigned entry was recorded.")
    cosigned_at: str | None
    failures: int = Field(description="Unanswered or failed requests in a row.")
    next_attempt: str | None
    last_error: str | None
    refusals: int = Field(description="How often it refused this ledger as not its history.")


class WitnessRefusalView(BaseModel):
    """A witness's refusal of a checkpoint, kept as evidence of a rewritten history."""

    witness: str
    at: str
    status: int = Field(description="409 (it holds a larger tree) or 422 (inconsistent).")
    size: int
    request: str
    response: str


class WitnessesView(BaseModel):
    """The production's witnesses: how far behind each is, the day, the refusals kept."""

    quorum: int
    unwitnessed_day_close: Literal["warn", "block"]
    witnesses: list[WitnessLagView]
    witnessed_size: int = Field(description="The largest size the quorum cosigned.")
    day_witnessed: bool
    unwitnessed_close: int | None = Field(description="A day close not yet cosigned.")
    refusals: list[WitnessRefusalView]
