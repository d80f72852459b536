"""What a protocol command returns, and the projection it is decided against.

DESIGN: authenticate → load the projection → evaluate the rules (pure) → append
the event (accepted or refused) → update the projection → sign a new checkpoint
→ commit. Commands of one production are recorded by its group commit
(:mod:`showclear.service.group`): many in one transaction, one writer at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from showclear.protocol import Finding, Projection
from showclear.store import ProjectionSession

__all__ = ["Receipt", "load_projection", "seal", "stored_changes"]


@dataclass(frozen=True)
class Receipt:
    """What a caller gets back for a command: its outcome, findings and what was recorded.

    ``outcome`` is the protocol's verdict (``allowed``, ``warned`` or ``refused``);
    ``events`` were appended at ``first_index`` onwards, leaving the ledger at ``size``
    entries under the signed ``checkpoint_note``. Its entries' inclusion proof is
    ``App.prove_inclusion(slug, first_index, size)``.

    A receipt made in a group commit is completed (:func:`seal`) once the group's
    checkpoint is signed, before the commit and before its caller sees it.
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


def seal(receipt: Receipt, size: int, checkpoint_note: str) -> None:
    """Complete ``receipt`` with the size and checkpoint its group was signed at.

    Only the group commit calls this, once, before the receipt leaves its transaction.
    """
    object.__setattr__(receipt, "size", size)  # frozen for every reader after this
    object.__setattr__(receipt, "checkpoint_note", checkpoint_note)
