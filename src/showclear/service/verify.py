"""Full verification of a production's ledger from its stored bytes.

The checks are the pure ledger core's (:mod:`showclear.ledger.verify`, steps 1 to 7
there); this module reads the entries, nodes and checkpoints from the store, adds
what only a production has, shows progress and writes the report. What only a
production has, and is checked too:

- the ``productions`` row: its key, origin, name, slug and creation time are the ones
  entry 0 (signed in every checkpoint) records, and its size is the ledger's;
- the key the caller pinned (:class:`~showclear.ledger.pins.Pins`): without one, the
  report says that authenticity was not checked;
- no checkpoint was deleted from between two others: each names, signed, the one
  signed before it (:mod:`showclear.ledger.chain`);
- every stored cosignature by a pinned witness verifies, and the latest checkpoint
  has the quorum (C2SP tlog-cosignature);
- the database is not behind what the production's key remembers signing (the
  signed-state file beside the key, :meth:`Keyring.last_signed`): acknowledged
  entries lost to a damaged file or an older copy restored are named, with the size
  and count missing, and so is the latest signed checkpoint if it was deleted.

Checkpoints signed before the chain existed name no previous checkpoint: a deletion
among those cannot be detected, and the report says up to which size.

Nothing is held whole (issue 17): the entries stream in chunks and the checkpoints beside
them, each checked as the entries reach its size and then let go; a second stream of the
checkpoints checks the chain and the cosignatures. Memory stays flat at any length.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
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
from showclear.ledger.chain import Link, check_chain_in_order, link_of
from showclear.ledger.checkpoint import Checkpoint
from showclear.ledger.cosignature import CosignatureVerifier, cosignatures_in
from showclear.ledger.pins import Pins, check_quorum, cosigners_of
from showclear.protocol import ProtocolError, validate_event
from showclear.protocol.schema import recorded_entries
from showclear.protocol.signing import PasskeyLedger
from showclear.store import LedgerSession, ProductionInfo, StoreError

__all__ = ["VerifyFailed", "VerifyReport", "verify_ledger"]

Progress = Callable[[int, int], None]
EntryHook = Callable[[int, Any], None]
#: The signed note stored at a size, with the cosignature lines stored for it added.
Cosigned = Callable[[int, str], str]

#: Entries read, hashed and then decoded together.
_CHUNK = 2048
#: How every signature line of a signed note starts (C2SP signed-note).
_SIGNATURE_LINE = "\n\u2014 "
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
    #: Whether the production's key was the one the caller pinned (authenticity checked).
    pinned: bool = False
    #: The pinned witnesses that cosigned the latest checkpoint, with their timestamps.
    witnessed: dict[str, int] = field(default_factory=dict)
    #: Cosignatures stored by keys that were not pinned: present, not checked.
    unchecked_cosignatures: int = 0
    #: What the ledger's own data does not let a verifier see, in words.
    unseen: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_ledger(
    session: LedgerSession,
    *,
    progress: Progress | None = None,
    on_entry: EntryHook | None = None,
    pins: Pins | None = None,
    signed: tuple[int, bytes] | None = None,
    cosigned: Cosigned | None = None,
    listed: Sequence[CosignatureVerifier] = (),
    held: Mapping[str, int] | None = None,
    claimed: Mapping[str, int] | None = None,
) -> VerifyReport:
    """Recompute and check everything stored for one production.

    ``on_entry(index, event)`` sees every decoded entry in order (the projection
    rebuild uses it). ``pins`` are the keys the caller trusts; ``signed`` the size and
    root the production's key remembers signing last; ``cosigned`` adds the stored
    cosignatures to a checkpoint's note; ``listed`` are the witnesses the production's
    policy names, whose stored cosignatures must verify too (not a quorum: the policy
    is the operator's own word); ``held`` the largest size each witness cosigned for this
    ledger, which the database must reach; ``claimed`` the size each witness last said,
    unsigned (a 409), it holds: reported when beyond the database, not failed. The report's
    ``problem`` names the first
    failure; a ``VerifyFailed`` raised by ``on_entry`` is reported the same way.
    """
    report = VerifyReport()
    started = time.perf_counter()
    try:
        latest = _verify(session, report, progress, on_entry)
        _verify_trust(
            session,
            latest,
            report,
            pins=pins or Pins(),
            signed=signed,
            cosigned=cosigned,
            listed=listed,
        )
        _check_held(held or {}, claimed or {}, session.production().size, report)
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
) -> int:
    """The ledger itself, in one pass over entries and checkpoints; the latest size."""
    info = session.production()
    try:
        key = Ed25519Verifier.from_verifier_key(info.verifier_key)
    except LedgerError as e:
        raise VerifyFailed(f"the production's verifier key is unreadable: {e}") from e
    try:
        latest = session.checkpoint()[0]
    except StoreError:
        raise VerifyFailed("the ledger has no checkpoint") from None
    except (TypeError, ValueError):
        # A size altered into text (SQLite stores it): the stream names the altered row.
        latest = max(size for size, _ in session.checkpoints())
    # Checkpoints stream beside the entries (never all in memory at once: issue 17).
    log = LogVerifier(session.checkpoints(), key, session, latest=latest, keep_roots=False)
    root_at = _Roots(session, key)
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
            if row.index == 0:
                _check_production(info, event)
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
    return latest


class _Roots:
    """The root of the checkpoint stored at a size, read when asked (a passkey signature
    names the signed checkpoint its person was shown); the last few are remembered."""

    _KEPT = 64

    def __init__(self, session: LedgerSession, key: Ed25519Verifier) -> None:
        self._session = session
        self._key = key
        self._known: dict[int, bytes | None] = {}

    def __call__(self, size: int) -> bytes | None:
        if size in self._known:
            return self._known[size]
        try:
            note = self._session.checkpoint(size)[1]
        except StoreError:
            root = None
        else:
            root = open_checkpoint(note, self._key).root
        if len(self._known) >= self._KEPT:
            self._known.pop(next(iter(self._known)))
        self._known[size] = root
        return root


#: What the ``productions`` row states, and the field of entry 0 that records it.
_PRODUCTION_FIELDS = (
    ("verifier_key", "public_key", "public key"),
    ("origin", "origin", "origin"),
    ("name", "production", "name"),
    ("slug", "slug", "slug"),
    ("created_at", "at", "creation time"),
)


def _check_production(info: ProductionInfo, event: Any) -> None:
    """The ``productions`` row states what entry 0, signed in every checkpoint, records.

    Entry 0 names the production's key: the key the checkpoints are held to. Entries
    written before the slug was recorded lack it; every other field is always there.
    """
    if not isinstance(event, dict) or event.get("type") != "ProductionCreated":
        raise VerifyFailed("entry 0 is not the production's first entry (ProductionCreated)")
    for column, key, what in _PRODUCTION_FIELDS:
        if key == "slug" and key not in event:
            continue
        stated, recorded = getattr(info, column), event.get(key)
        if stated != recorded:
            raise VerifyFailed(
                f"the productions row gives the production's {what} as {stated!r}, but entry "
                f"0, which every checkpoint signs, records {recorded!r}: the row was changed "
                "after the production was created; restore it from a backup or from entry 0"
            )


def _verify_trust(
    session: LedgerSession,
    latest: int,
    report: VerifyReport,
    *,
    pins: Pins,
    signed: tuple[int, bytes] | None,
    cosigned: Cosigned | None,
    listed: Sequence[CosignatureVerifier],
) -> None:
    """After the ledger itself: the pinned key, the chain, the witnesses, the key's memory."""
    info = session.production()
    # The key the caller pinned, if any.
    if pins.key is not None:
        if pins.key.verifier_key() != info.verifier_key:
            raise VerifyFailed(
                f"this production's ledger is signed with the key {info.verifier_key}, not "
                f"with the key you pinned ({pins.key.verifier_key()})"
            )
        report.pinned = True
    key = Ed25519Verifier.from_verifier_key(info.verifier_key)
    seen = _Seen()
    # One more pass over the checkpoints, each read once and let go (issue 17).
    links = _links(session, key, latest, report, seen, pins=pins, cosigned=cosigned, listed=listed)
    start = check_chain_in_order(links)
    if seen.count > 1 and (start is None or start > seen.first):
        report.unseen.append(
            "no checkpoint names the one signed before it: a deleted checkpoint cannot be seen"
            if start is None
            else f"the checkpoints before size {start} were signed before each checkpoint "
            "named the one before it: a deletion among them cannot be seen"
        )
    # The database holds everything the production's key remembers signing.
    if signed is not None:
        _check_signed(session, signed, info.size)


@dataclass
class _Seen:
    """How many checkpoints the trust pass read, and the smallest size among them."""

    count: int = 0
    first: int = 0


def _links(
    session: LedgerSession,
    key: Ed25519Verifier,
    latest: int,
    report: VerifyReport,
    seen: _Seen,
    *,
    pins: Pins,
    cosigned: Cosigned | None,
    listed: Sequence[CosignatureVerifier],
) -> Iterator[tuple[int, Link | None]]:
    """Each stored checkpoint's verified link, smallest size first, after checking that its
    note holds the production's lines only and that its cosignatures verify.

    A stored note holds the production's lines only (cosignatures are stored apart, and
    added here); every stored cosignature by a pinned or listed witness verifies; the
    latest has the quorum of the pinned ones.
    """
    pinned = {(w.name, w.key_id) for w in pins.witnesses}
    others = [w for w in listed if (w.name, w.key_id) not in pinned]
    for size, note in session.checkpoints():
        if not seen.count:
            seen.first = size
        seen.count += 1
        link = link_of(note, key)
        own = 1 if link is None else 2  # the checkpoint's signature, and its link
        if note.count(_SIGNATURE_LINE) != own:
            raise VerifyFailed(
                f"checkpoint at size {size}: it carries a signature line that is neither the "
                "production's signature nor its link to the checkpoint before it"
            )
        full = cosigned(size, note) if cosigned is not None else note
        if full.count(_SIGNATURE_LINE) != own or (size == latest and pins.witnesses):
            _check_cosignatures(
                size, full, is_latest=size == latest, report=report, pins=pins, others=others
            )
        yield size, link


def _check_cosignatures(
    size: int,
    note: str,
    *,
    is_latest: bool,
    report: VerifyReport,
    pins: Pins,
    others: Sequence[CosignatureVerifier],
) -> None:
    """A checkpoint's cosignatures by pinned or listed witnesses verify; the latest has
    the pinned quorum."""
    try:
        cosigners = cosigners_of(note, pins.witnesses)
        named = cosigners_of(note, others)
        found = len(cosignatures_in(note))
    except LedgerError as e:
        raise VerifyFailed(f"checkpoint {size}: {e}") from e
    report.unchecked_cosignatures += found - len(cosigners) - len(named)
    if is_latest:
        report.witnessed = cosigners
        try:
            if pins.witnesses:
                check_quorum(size, cosigners, pins)
        except LedgerError as e:
            raise VerifyFailed(str(e)) from e


def _check_held(
    held: Mapping[str, int], claimed: Mapping[str, int], size: int, report: VerifyReport
) -> None:
    """The database is no older than what each witness cosigned of this ledger.

    A size a witness only said it holds (a 409 carries no signature) is reported, not
    failed: a witness cannot fail a production's verify with an unsigned word.
    """
    for witness, said in sorted(claimed.items()):
        if said > size and held.get(witness, 0) <= size:
            report.unseen.append(
                f"witness {witness} said, unsigned, that it holds this ledger at size "
                f"{said:,}, beyond the database's {size:,} entries; ask it for its cosigned "
                "checkpoint with verify --ask-witnesses"
            )
    for witness, witnessed in sorted(held.items()):
        if witnessed > size:
            missing = witnessed - size
            raise VerifyFailed(
                f"witness {witness} cosigned this ledger at size {witnessed:,}, "
                f"but the database holds {size:,} entr{'y' if size == 1 else 'ies'}: "
                f"{missing:,} entr{'y' if missing == 1 else 'ies'} the witness saw "
                f"{'is' if missing == 1 else 'are'} missing (a damaged database file, or an "
                "older copy restored); restore the newest backup of the database"
            )


def _check_signed(session: LedgerSession, signed: tuple[int, bytes], size: int) -> None:
    """The database holds the checkpoint the production's key remembers signing last."""
    remembered, root = signed
    if remembered > size:
        missing = remembered - size
        raise VerifyFailed(
            f"the database holds {size:,} entr{'y' if size == 1 else 'ies'} but checkpoint "
            f"{remembered:,} was signed: "
            f"{missing:,} acknowledged entr{'y is' if missing == 1 else 'ies are'} missing "
            "(a damaged database file, or an older copy restored); restore the newest "
            "backup of the database"
        )
    try:
        note = session.checkpoint(remembered)[1]
    except StoreError:
        raise VerifyFailed(
            f"checkpoint {remembered:,}, the latest the production's key signed, is not in "
            "the database: it was deleted; restore the newest backup of the database"
        ) from None
    stored = Checkpoint.parse(note[: note.rfind("\n\n") + 1])
    if stored.root != root:
        raise VerifyFailed(
            f"the production's key remembers signing another root at size {remembered:,} "
            "than the checkpoint stored there: this database is not the ledger the key "
            "signed (a rewritten history); keep both as evidence and restore the newest "
            "backup"
        )


def _check_signatures(passkeys: PasskeyLedger, rows: list[Any], root_at: Any) -> None:
    """Check the passkey signatures of ``rows`` on a copy of what ``passkeys`` learnt."""
    ahead = passkeys.copy()
    for row in rows:
        try:
            event = decode_entry(row)
            with recorded_entries():
                validate_event(event)
        except (LedgerError, ProtocolError):
            return  # not an entry at all: its hash names the change
        ahead.check(row.index, event, root_at)
