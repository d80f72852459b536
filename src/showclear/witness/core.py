"""The witness: cosign a log's checkpoint only if it extends the one held (C2SP tlog-witness).

https://c2sp.org/tlog-witness, "add-checkpoint". A request body is::

    old <size>\\n
    <base64 hash>\\n          zero to 63 consistency proof lines
    \\n
    <signed checkpoint>       C2SP tlog-checkpoint in a C2SP signed note

and the checks below are numbered as :meth:`Witness.add_checkpoint` makes them, each with
the status the spec gives. The answer is one tlog-cosignature/v1 line
(:mod:`showclear.ledger.cosignature`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from showclear.ledger.checkpoint import Checkpoint
from showclear.ledger.cosignature import Cosigner
from showclear.ledger.errors import CheckpointError, NoteError, ProofError
from showclear.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from showclear.ledger.note import Ed25519Verifier, open_note
from showclear.witness.config import WitnessDir, load_config
from showclear.witness.errors import (
    InconsistentCheckpoint,
    LogSignatureInvalid,
    MalformedSubmission,
    SizeConflict,
    UnknownLog,
    WitnessError,
)
from showclear.witness.state import Held, WitnessState

__all__ = [
    "FORK_INCONSISTENT",
    "FORK_SAME_SIZE",
    "MAX_PROOF_LINES",
    "MAX_SUBMISSION_BYTES",
    "Submission",
    "Witness",
    "origin_hash",
    "parse_submission",
]

#: tlog-witness: "The client MUST NOT send more than 63 consistency proof lines."
MAX_PROOF_LINES = 63
#: A request larger than this is refused unread (a checkpoint and 63 hashes are ~4 KB).
MAX_SUBMISSION_BYTES = 64 * 1024
#: Fork evidence kinds: two signed roots for one size (proof of a fork by itself), and a
#: signed checkpoint whose log could not prove it extends the one held.
FORK_SAME_SIZE = "same-size-different-root"
FORK_INCONSISTENT = "consistency-proof-failed"


@dataclass(frozen=True, slots=True)
class Submission:
    """An add-checkpoint request body, parsed."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str  # the signed checkpoint, as sent

    @property
    def proof_text(self) -> str:
        """The old line and proof lines, as the request had them (for fork evidence)."""
        lines = [f"old {self.old_size}", *(base64.b64encode(h).decode() for h in self.proof)]
        return "\n".join(lines) + "\n"


def _decimal(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or (text != "0" and text.startswith("0")):
        return None
    return int(text)


def parse_submission(body: bytes) -> Submission:
    """Parse an add-checkpoint request body.

    Raises:
        MalformedSubmission: the body does not follow tlog-witness (answered 400).
    """
    if len(body) > MAX_SUBMISSION_BYTES:
        raise MalformedSubmission(f"the request is over {MAX_SUBMISSION_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MalformedSubmission("the request is not UTF-8") from e
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise MalformedSubmission("the request needs an empty line before the checkpoint")
    old_line, *proof_lines = head.split("\n")
    word, _, size_text = old_line.partition(" ")
    old_size = _decimal(size_text)
    if word != "old" or old_size is None:
        raise MalformedSubmission(
            f"the first line is {old_line[:40]!r}, not 'old <size>' in plain decimal"
        )
    if len(proof_lines) > MAX_PROOF_LINES:
        raise MalformedSubmission(f"{len(proof_lines)} proof lines: at most {MAX_PROOF_LINES}")
    proof = []
    for line in proof_lines:
        try:
            digest = base64.b64decode(line, validate=True)
        except (ValueError, binascii.Error) as e:
            raise MalformedSubmission(f"proof line {line[:60]!r} is not base64") from e
        if len(digest) != HASH_SIZE or base64.b64encode(digest).decode() != line:
            raise MalformedSubmission(f"proof line {line[:60]!r} is not one base64 SHA-256 hash")
        proof.append(digest)
    if not note:
        raise MalformedSubmission("the request carries no checkpoint after the empty line")
    return Submission(old_size, tuple(proof), note)


def origin_hash(origin: str) -> str:
    """The lowercase hex SHA-256 of an origin: its path on the monitoring prefix."""
    return hashlib.sha256(origin.encode()).hexdigest()


def _log_lines(note: str, signers: Sequence[Ed25519Verifier]) -> str:
    """The note's signature lines made by ``signers`` (the verified log keys), in order."""
    wanted = {(v.name, v.key_id) for v in signers}
    kept = []
    for line in note[note.rfind("\n\n") + 2 :].splitlines(keepends=True):
        name, _, b64 = line.removeprefix("\u2014 ").rstrip("\n").partition(" ")
        if (name, base64.b64decode(b64)[:4]) in wanted:
            kept.append(line)
    return "".join(kept)


class Witness:
    """A C2SP witness: one cosigner key, the log keys it follows, and its durable state."""

    def __init__(
        self,
        cosigner: Cosigner,
        logs: Mapping[str, Sequence[Ed25519Verifier]],
        state: WitnessState,
        clock: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self.cosigner = cosigner
        self.logs = {origin: tuple(keys) for origin, keys in logs.items()}
        self.state = state
        self._clock = clock
        self._by_hash = {origin_hash(origin): origin for origin in self.logs}

    @classmethod
    def open(cls, directory: Path, clock: Callable[[], int] | None = None) -> Witness:
        """The witness of a directory ``witness init`` made.

        Raises:
            WitnessConfigError: the key, config or state cannot be used.
        """
        config = load_config(directory)
        state = WitnessState(WitnessDir(directory).db)
        if clock is None:
            return cls(config.cosigner, config.logs, state)
        return cls(config.cosigner, config.logs, state, clock)

    def add_checkpoint(self, body: bytes) -> str:
        """Check a tlog-witness add-checkpoint request; return the cosignature line.

        Raises:
            MalformedSubmission: the request is malformed, or old is over the size (400).
            UnknownLog: the checkpoint's origin is not followed (404).
            LogSignatureInvalid: no followed key signed it, or a signature fails (403).
            SizeConflict: old is not the size held (409); ``held_size`` says which.
            InconsistentCheckpoint: a wrong empty root, a proof where none belongs, a proof
                that fails, or another root at the held size (422). Fork evidence is kept.
        """
        # 1. The request's shape: old line, proof lines, empty line, a checkpoint (400).
        submission = parse_submission(body)
        split = submission.note.rfind("\n\n")
        try:
            checkpoint_body = submission.note[: split + 1]
            checkpoint = Checkpoint.parse(checkpoint_body)
        except CheckpointError as e:
            raise MalformedSubmission(f"not a C2SP checkpoint: {e}") from e
        # 2. The origin must be a followed log (404).
        keys = self.logs.get(checkpoint.origin)
        if keys is None:
            raise UnknownLog(
                f"this witness does not follow {checkpoint.origin!r}: its operator adds the "
                "log's key with showclear witness add-log"
            )
        # 3. A followed key's valid signature; a failing one is a malformed note (403).
        try:
            _, signers = open_note(submission.note, keys)
        except NoteError as e:
            raise LogSignatureInvalid(
                f"no valid signature by a key this witness follows for {checkpoint.origin}: {e}"
            ) from e
        # 4. old may not exceed the checkpoint's size (400).
        if submission.old_size > checkpoint.size:
            raise MalformedSubmission(
                f"old {submission.old_size} is larger than the checkpoint's size {checkpoint.size}"
            )
        # 5. An empty tree has the empty root (422).
        if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
            raise InconsistentCheckpoint("a checkpoint of size 0 must have the empty tree's root")
        refused: WitnessError | None = None
        line = ""
        with self.state.transaction() as tx:
            held = tx.held(checkpoint.origin)
            held_size = held.size if held else 0
            now = self._clock()
            # 6. Another root at the held size: a fork, whatever old says (kept, then 409/422).
            if held and checkpoint.size == held.size and checkpoint.root != held.root:
                tx.record_fork(
                    held,
                    kind=FORK_SAME_SIZE,
                    offered_size=checkpoint.size,
                    offered_note=submission.note,
                    proof=submission.proof_text,
                    at=now,
                )
                refused = InconsistentCheckpoint(
                    f"{checkpoint.origin} already signed another root at size {held.size}: "
                    "the log is forked, and the witness has kept both checkpoints as evidence"
                )
            # 7. old must be the held size, checked and stored in this one transaction (409).
            if submission.old_size != held_size:
                refused = SizeConflict(held_size)
            elif refused is None:
                refused = self._check_proof(submission, checkpoint, held)
                # Only a larger tree left unproven is evidence: at the held size the roots
                # matched (step 6), and a stray proof line there is a client's mistake.
                unproven = held is not None and checkpoint.size > held.size
                if unproven and isinstance(refused, InconsistentCheckpoint):
                    assert held is not None
                    tx.record_fork(
                        held,
                        kind=FORK_INCONSISTENT,
                        offered_size=checkpoint.size,
                        offered_note=submission.note,
                        proof=submission.proof_text,
                        at=now,
                    )
            if refused is None:
                # 9. Cosign, store, and only then answer (the commit is fsynced: FULL).
                timestamp = max(now, held.cosigned_at if held else 1, 1)
                line = self.cosigner.cosign(checkpoint_body, timestamp)
                note = checkpoint_body + "\n" + _log_lines(submission.note, signers) + line
                tx.store(Held(checkpoint.origin, checkpoint.size, checkpoint.root, note, timestamp))
        if refused is not None:
            raise refused
        return line

    @staticmethod
    def _check_proof(
        submission: Submission, checkpoint: Checkpoint, held: Held | None
    ) -> WitnessError | None:
        # 8. From 0 no proof is needed or allowed; otherwise RFC 6962 2.1.2 must hold (422).
        if submission.old_size == 0:
            if submission.proof:
                return InconsistentCheckpoint("a request from old size 0 carries no proof")
            return None
        assert held is not None  # old == held size > 0
        try:
            verify_consistency(
                held.size, checkpoint.size, held.root, checkpoint.root, submission.proof
            )
        except ProofError as e:
            return InconsistentCheckpoint(
                f"the consistency proof from {held.size} to {checkpoint.size} does not hold "
                f"against the checkpoint this witness cosigned: {e}"
            )
        return None

    def latest(self, hashed_origin: str) -> str | None:
        """The held cosigned checkpoint of the origin whose SHA-256 hex is given, or None."""
        origin = self._by_hash.get(hashed_origin)
        if origin is None:
            return None
        held = self.state.held(origin)
        return held.note if held else None
