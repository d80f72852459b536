"""Checking the database beside the ledger, and repairing what can be rebuilt from it.

The ledger is the record; the projection (the current state) and the database's indexes
are derived from it, so both can be rebuilt when damaged, never the other way round:
:func:`rebuild_projection` verifies the ledger first and refuses to rebuild from one
that does not verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from showclear.protocol import Projection, ProtocolError, apply
from showclear.service.verify import VerifyFailed, verify_ledger
from showclear.store import Store
from showclear.store.integrity import IntegrityReport, integrity_check, reindex

__all__ = ["Advice", "advise", "check_database", "rebuild_index", "rebuild_projection"]


@dataclass(frozen=True, slots=True)
class Advice:
    """What the integrity check means for the operator, in one sentence and one command."""

    ok: bool
    message: str


def check_database(store: Store) -> tuple[IntegrityReport, Advice]:
    """Run the database engine's own integrity check and say what to do about its findings."""
    report = integrity_check(store)
    return report, advise(report)


def advise(report: IntegrityReport) -> Advice:
    """The operator's next step for an integrity report."""
    if report.ok:
        return Advice(True, f"{report.engine} finds the database's pages and indexes intact.")
    if report.only_indexes:
        return Advice(
            False,
            "index damage: the tables are intact, only their indexes disagree with them; "
            "run `showclear repair index`, then `showclear verify`.",
        )
    return Advice(
        False,
        "the database file is damaged beyond its indexes; stop writing to it, keep a copy "
        "of it, and restore the newest backup (docs/operations.md, 'Restore'), then run "
        "`showclear check` and `showclear verify` on the restored copy.",
    )


def rebuild_index(store: Store) -> IntegrityReport:
    """Rebuild every index from its table, then check the database again."""
    reindex(store)
    return integrity_check(store)


def rebuild_projection(store: Store, slug: str) -> int:
    """Replace the production's state with the one replayed from its verified ledger.

    Returns the number of entries replayed.

    Raises:
        VerifyFailed: the ledger does not verify; nothing is changed (restore a backup).
    """
    rebuilt = Projection.empty()

    def replay(index: int, event: Any) -> None:
        try:
            apply(rebuilt, event)
        except ProtocolError as e:
            raise VerifyFailed(f"entry {index} cannot be replayed: {e}") from e

    # One write transaction: no command changes the ledger between the replay and the
    # replacement of the state.
    with store.write(slug) as session:
        report = verify_ledger(session, on_entry=replay)
        if not report.ok:
            raise VerifyFailed(
                f"the ledger of {slug!r} does not verify ({report.problem}); the state is not "
                "rebuilt from it. Restore the newest backup (docs/operations.md, 'Restore')"
            )
        session.replace_projection(rebuilt.records())
    return report.entries
