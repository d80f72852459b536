"""Full verification of a production's ledger from its stored bytes.

The checks are the pure ledger core's (:mod:`showclear.ledger.verify`, steps 1 to 7
there); this module reads the entries, nodes and checkpoints from the store, adds
what only a production has (entry 0 names the production's key; the production's
recorded size agrees), shows progress and writes the report.

The first failure, in entry order, stops the check and is named in the report.
Entries, and the stored nodes they complete, are read in chunks; each chunk is
hashed first (steps 1, 2, 4: the ``hashing_seconds`` of the report, reading
excluded) and then decoded and checked (steps 3, 5) up to the first hashing
failure, so the failure reported is the same as if every step ran entry by entry.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from showclear.errors import ErrorKind, ShowclearError
from showclear.ledger import (
    Ed25519Verifier,
    LedgerError,
    LogVerifier,
    VerificationError,
    decode_entry,
    open_checkpoint,
)
from showclear.protocol.signing import PasskeyLedger
from showclear.store import LedgerSession, StoreError

__all__ = ["VerifyFailed", "VerifyReport", "verify_ledger"]

Progress = Callable[[int, int], None]
EntryHook = Callable[[int, Any], None]

#: Entries read, hashed and then decoded together.
_CHUNK = 2048
#: The lowest index a BIGINT can hold: a row stored below 0 is damage too.
_LOWEST_INDEX = -(2**63)


class VerifyFailed(ShowclearError):
    """The ledger does not verify; the message names the first place that is wrong."""

    kind = ErrorKind.VERIFICATION_FAILED


@dataclass
class VerifyReport:
    """What a verification looked at, how long it took, and the first problem found."""

    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    hashing_seconds: float = 0.0
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_ledger(
    session: LedgerSession,
    *,
    progress: Progress | None = None,
    on_entry: EntryHook | None = None,
) -> VerifyReport:
    """Recompute and check everything stored for one production.

    ``on_entry(index, event)`` sees every decoded entry in order (the projection
    rebuild uses it). The report's ``problem`` names the first failure; a
    ``VerifyFailed`` raised by ``on_entry`` is reported the same way.
    """
    report = VerifyReport()
    started = time.perf_counter()
    try:
        _verify(session, report, progress, on_entry)
    except (VerifyFailed, VerificationError) as e:
        report.problem = str(e)
    except (LedgerError, StoreError) as e:
        report.problem = f"the ledger cannot be read: {e}"
    report.seconds = time.perf_counter() - started
    return report


def _verify(
    session: LedgerSession,
    report: VerifyReport,
    progress: Progress | None,
    on_entry: EntryHook | None,
) -> None:
    info = session.production()
    try:
        key = Ed25519Verifier.from_verifier_key(info.verifier_key)
    except LedgerError as e:
        raise VerifyFailed(f"the production's verifier key is unreadable: {e}") from e
    checkpoints = list(session.checkpoints())
    if not checkpoints:
        raise VerifyFailed("the ledger has no checkpoint")
    log = LogVerifier(checkpoints, key, session)
    notes = dict(checkpoints)

    def root_at(size: int) -> bytes | None:
        # A passkey signature names the signed checkpoint its person was shown.
        note = notes.get(size)
        return None if note is None else open_checkpoint(note, key).root

    passkeys = PasskeyLedger()
    rows = iter(session.entries(_LOWEST_INDEX))
    while chunk := list(itertools.islice(rows, _CHUNK)):
        log.prefetch(len(chunk))
        t0 = time.perf_counter()
        failure = log.hash(chunk)
        report.hashing_seconds += time.perf_counter() - t0
        done = len(chunk) if failure is None else failure.position
        if failure is not None:
            # A changed byte of a passkey signature is named as such, before its hash.
            _check_signatures(passkeys, chunk[: done + 1], root_at)
        for row in itertools.islice(chunk, done):
            event = decode_entry(row)
            # Entry 0 names this production's key: the key the checkpoints are held to.
            if row.index == 0 and (
                not isinstance(event, dict) or event.get("public_key") != info.verifier_key
            ):
                raise VerifyFailed("entry 0 does not name this production's public key")
            passkeys.check(row.index, event, root_at)
            if on_entry is not None:
                on_entry(row.index, event)
            report.checkpoints += log.check_checkpoints(row.index + 1)
        if failure is not None:
            raise failure.error
        if progress is not None:
            progress(log.size, info.size)
    report.entries = log.size
    log.finish(session.max_level())
    report.nodes = log.nodes
    report.notes.append(f"{passkeys.signatures} passkey signatures verified")
    if info.size != log.size:
        raise VerifyFailed(
            f"the production records {info.size} entries but the ledger holds {log.size}"
        )
    if progress is not None:
        progress(log.size, info.size)


def _check_signatures(passkeys: PasskeyLedger, rows: list[Any], root_at: Any) -> None:
    """Check the passkey signatures of ``rows`` on a copy of what ``passkeys`` learnt."""
    ahead = passkeys.copy()
    for row in rows:
        try:
            event = decode_entry(row)
        except LedgerError:
            return
        ahead.check(row.index, event, root_at)
