"""What a production knows of its witnesses: how far behind each is, and its closed days.

Read by the board, ``showclear witnesses status`` and ``GET .../ledger/witnesses``
(:func:`witness_status`), by the checkpoint the API serves (:func:`with_cosignatures`:
C2SP tlog-cosignature lines are extra signature lines on the note), and by a day's close
(:func:`check_day_close`): a day is witnessed once the policy's quorum of witnesses has
cosigned a checkpoint covering its close. :mod:`showclear.service.witnessing` asks the
witnesses and stores their answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from showclear.errors import ErrorKind
from showclear.ledger.cosignature import add_cosignatures
from showclear.protocol import Policy
from showclear.protocol.time import parse_time
from showclear.service.clock import Clock
from showclear.service.errors import ServiceError
from showclear.store import (
    LedgerSession,
    ProductionInfo,
    ProjectionSession,
    Store,
    StoreError,
    WitnessRefusalRow,
    WitnessSession,
    WitnessStateRow,
)

__all__ = [
    "DAY_SCAN_ENTRIES",
    "DayWitnessing",
    "Host",
    "WitnessLag",
    "WitnessStatus",
    "WitnessesBehind",
    "check_day_close",
    "day_witnessing",
    "policy_of",
    "with_cosignatures",
    "witness_lags",
    "witness_status",
]

#: How many of the latest entries are read for an unwitnessed day close, at most.
DAY_SCAN_ENTRIES: Final = 5000


class Host(Protocol):
    """What witnessing needs of the application (:class:`showclear.service.App`)."""

    store: Store
    clock: Clock

    def productions(self) -> list[ProductionInfo]: ...


class WitnessesBehind(ServiceError):
    """The day cannot close witnessed: the quorum has not cosigned the day's last checkpoint."""

    kind = ErrorKind.CONFLICT


@dataclass(frozen=True, slots=True)
class WitnessLag:
    """How far behind the ledger one witness is, for the board and ``witnesses status``."""

    witness: str
    url: str
    cosigned_size: int
    ledger_size: int
    behind_entries: int
    behind_minutes: int  # since the first entry it has not cosigned was recorded
    cosigned_at: str | None
    failures: int
    next_attempt: str | None
    last_error: str | None
    refusals: int

    def to_json(self) -> dict[str, Any]:
        """This lag as JSON for the API."""
        return {
            "witness": self.witness,
            "url": self.url,
            "cosigned_size": self.cosigned_size,
            "ledger_size": self.ledger_size,
            "behind_entries": self.behind_entries,
            "behind_minutes": self.behind_minutes,
            "cosigned_at": self.cosigned_at,
            "failures": self.failures,
            "next_attempt": self.next_attempt,
            "last_error": self.last_error,
            "refusals": self.refusals,
        }


@dataclass(frozen=True, slots=True)
class DayWitnessing:
    """Whether the quorum cosigned the ledger up to its last day close."""

    quorum: int
    witnessed_size: int  # the largest size at least ``quorum`` witnesses cosigned
    unwitnessed_close: int | None  # the index of a DayClosed not yet covered, if any

    @property
    def witnessed(self) -> bool:
        """Every closed day is covered by a checkpoint the quorum cosigned."""
        return self.unwitnessed_close is None


def policy_of(session: ProjectionSession) -> Policy:
    """The production's policy as its projection holds it."""
    stored = session.record("policy")
    return Policy.from_json(stored) if stored is not None else Policy()


def _body(note: str) -> str:
    return note[: note.rfind("\n\n") + 1]


def with_cosignatures(session: WitnessSession, size: int, note: str) -> str:
    """The signed checkpoint note at ``size`` with the cosignature lines stored for it."""
    lines = [line for _, line, _ in session.cosignatures(size)]
    return add_cosignatures(note, lines) if lines else note


def _quorum_size(policy: Policy, states: Sequence[WitnessStateRow]) -> int:
    """The largest size at least ``quorum`` of the listed witnesses cosigned."""
    listed = {w.name for w in policy.witnesses}
    sizes = sorted((s.cosigned_size for s in states if s.witness in listed), reverse=True)
    if policy.witness_quorum == 0 or len(sizes) < policy.witness_quorum:
        return 0
    return sizes[policy.witness_quorum - 1]


def _minutes_since(session: LedgerSession, index: int, now: datetime) -> int:
    try:
        at = parse_time(session.entry(index).event()["at"])
    except (StoreError, KeyError, ValueError, TypeError):
        return 0
    return max(0, math.floor((now - at).total_seconds() / 60))


class _WitnessingSession(LedgerSession, ProjectionSession, WitnessSession, Protocol):
    """The parts of a session the witnessing views read."""


def witness_lags(session: _WitnessingSession, now: datetime) -> list[WitnessLag]:
    """How far behind the ledger each witness the policy lists is, in entries and minutes."""
    policy = policy_of(session)
    states = {s.witness: s for s in session.witness_states()}
    refusals: dict[str, int] = {}
    for refusal in session.witness_refusals():
        refusals[refusal.witness] = refusals.get(refusal.witness, 0) + 1
    size = session.size()
    lags = []
    for witness in policy.witnesses:
        state = states.get(witness.name, WitnessStateRow(witness.name))
        behind = max(0, size - state.cosigned_size)
        lags.append(
            WitnessLag(
                witness=witness.name,
                url=witness.url,
                cosigned_size=state.cosigned_size,
                ledger_size=size,
                behind_entries=behind,
                behind_minutes=_minutes_since(session, state.cosigned_size, now) if behind else 0,
                cosigned_at=state.cosigned_at,
                failures=state.failures,
                next_attempt=state.next_attempt,
                last_error=state.last_error,
                refusals=refusals.get(witness.name, 0),
            )
        )
    return lags


def day_witnessing(session: _WitnessingSession) -> DayWitnessing:
    """Whether every day close in the ledger is covered by a checkpoint the quorum cosigned.

    Only the entries the quorum has not cosigned are read, and at most the last
    :data:`DAY_SCAN_ENTRIES` of them (a day holds far fewer): the board asks every 10 s.
    """
    policy = policy_of(session)
    size = session.size()
    if not policy.witnesses:
        return DayWitnessing(0, size, None)
    covered = _quorum_size(policy, session.witness_states())
    unwitnessed = None
    for row in session.entries(max(covered, size - DAY_SCAN_ENTRIES)):
        if row.event().get("type") == "DayClosed":
            unwitnessed = row.index
    return DayWitnessing(policy.witness_quorum, covered, unwitnessed)


@dataclass(frozen=True, slots=True)
class WitnessStatus:
    """Everything a production knows of its witnesses: lags, the day, refusals kept."""

    quorum: int
    unwitnessed_day_close: str
    lags: list[WitnessLag]
    day: DayWitnessing
    refusals: list[WitnessRefusalRow]

    def to_json(self) -> dict[str, Any]:
        """This status as JSON for the API and ``witnesses status --json``."""
        return {
            "quorum": self.quorum,
            "unwitnessed_day_close": self.unwitnessed_day_close,
            "witnesses": [lag.to_json() for lag in self.lags],
            "witnessed_size": self.day.witnessed_size,
            "day_witnessed": self.day.witnessed,
            "unwitnessed_close": self.day.unwitnessed_close,
            "refusals": [
                {
                    "witness": r.witness,
                    "at": r.at,
                    "status": r.status,
                    "size": r.size,
                    "request": r.request,
                    "response": r.response,
                }
                for r in self.refusals
            ],
        }


def witness_status(app: Host, slug: str) -> WitnessStatus:
    """How far behind each witness is, whether the days are witnessed, and any refusals."""
    with app.store.read(slug) as session:
        policy = policy_of(session)
        return WitnessStatus(
            policy.witness_quorum,
            policy.unwitnessed_day_close,
            witness_lags(session, app.clock.now()),
            day_witnessing(session),
            session.witness_refusals(),
        )


def check_day_close(session: _WitnessingSession, event: dict[str, Any]) -> str | None:
    """Whether closing the day now would close it unwitnessed: a notice, or a refusal.

    The quorum must have cosigned a checkpoint covering every entry before the close (the
    close itself is cosigned once it is recorded, and the day then shows as witnessed).

    Raises:
        WitnessesBehind: the policy's ``unwitnessed_day_close`` is "block" and the quorum
            has not cosigned the ledger as it stands (nothing is recorded).
    """
    if event.get("type") != "DayClosed":
        return None
    policy = policy_of(session)
    if not policy.witnesses:
        return None
    size = session.size()
    covered = _quorum_size(policy, session.witness_states())
    if covered >= size:
        return None
    behind = ", ".join(
        f"{lag.witness} {lag.behind_entries} entries and {lag.behind_minutes} min behind"
        for lag in witness_lags(session, _event_time(event))
        if lag.behind_entries
    )
    message = (
        f"the day closes unwitnessed: {policy.witness_quorum} witness(es) must first cosign "
        f"the ledger's {size} entries, and that many cosigned only {covered} ({behind})"
    )
    remedy = (
        "start the witnesses (or reconnect the set to them) and wait a few seconds for the "
        "server to send them the checkpoint, or run: showclear witnesses push"
    )
    if policy.unwitnessed_day_close == "block":
        raise WitnessesBehind(
            f"{message}. Nothing was recorded. To close the day: {remedy}; then close it again"
        )
    return f"{message}. It shows as witnessed once they cosign it: {remedy}"


def _event_time(event: dict[str, Any]) -> datetime:
    at = event.get("at")
    try:
        return parse_time(at) if isinstance(at, str) else _utcnow()
    except ValueError:
        return _utcnow()


def _utcnow() -> datetime:
    return datetime.now(UTC)
