"""Running a protocol command: rules, append, projection and checkpoint in one transaction.

DESIGN: authenticate → load the projection → evaluate the rules (pure) → append
the event (accepted or refused) → update the projection → sign a new checkpoint
→ commit. One transaction; one writer per production at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from showclear.ledger import Ed25519Signer, canonical_json
from showclear.protocol import Decision, Finding, Projection, apply, decide
from showclear.service.ledger import append_entries
from showclear.store import ProjectionSession, Session

__all__ = ["Receipt", "load_projection", "run_decision", "stored_changes"]


@dataclass(frozen=True)
class Receipt:
    """What a caller gets back for a command: its outcome, findings and what was recorded.

    ``outcome`` is the protocol's verdict (``allowed``, ``warned`` or ``refused``);
    ``events`` were appended at ``first_index`` onwards, leaving the ledger at ``size``
    entries under the signed ``checkpoint_note``.
    """

    outcome: str
    findings: list[Finding]
    events: list[dict[str, Any]]
    first_index: int
    size: int
    checkpoint_note: str = field(repr=False)
    #: What the service adds that no rule decides: a day closed before its witnesses
    #: cosigned (service/witnessing.py), and what to do about it.
    notices: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"

    @property
    def rule_ids(self) -> list[str]:
        return [f.rule_id for f in self.findings]


def stored_changes(projection: Projection, keys: Iterable[str]) -> dict[str, Any]:
    """The records to write for ``keys``: their new value, or None where deleted."""
    return {key: projection.record(key) for key in keys}


def load_projection(session: ProjectionSession) -> Projection:
    """The stored projection of the session's production (decoded fresh, so not copied)."""
    return Projection.adopt(session.projection())


def run_decision(
    session: Session,
    signer: Ed25519Signer,
    proposed: dict[str, Any],
    projection: Projection | None = None,
    inspect: Callable[[Projection, Decision], None] | None = None,
) -> Receipt:
    """Decide ``proposed`` against the stored projection and record the result.

    ``projection`` is the session's stored projection if the caller already
    loaded it in this transaction; it is updated in place. ``inspect`` sees the
    decision before anything is written, and may raise to write nothing (a passkey
    signature that would not verify).
    """
    if projection is None:
        projection = load_projection(session)
    decision: Decision = decide(projection, proposed)
    if inspect is not None:
        inspect(projection, decision)
    data = [canonical_json(event) for event in decision.events]
    changed: set[str] = set()
    for event in decision.events:
        changed |= apply(projection, event)
    session.put_projection(stored_changes(projection, changed))
    result = append_entries(session, signer, data)
    return Receipt(
        decision.outcome,
        list(decision.findings),
        list(decision.events),
        result.first_index,
        result.size,
        result.checkpoint_note,
    )
