"""C2SP tlog-witness add-checkpoint over HTTP: every status the spec gives, and its body.

Spec: https://c2sp.org/tlog-witness, "add-checkpoint" and "Monitor Retrieval Mechanism".
The witness is served by uvicorn on loopback; the log is built from showclear's ledger.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from showclear.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from showclear.ledger.cosignature import CosignatureVerifier, add_cosignatures
from showclear.ledger.merkle import EMPTY_ROOT
from showclear.ledger.note import Ed25519Signer
from showclear.witness import FORK_INCONSISTENT, FORK_SAME_SIZE, origin_hash

from .conftest import NAME, NOW, Served
from .testlog import ORIGIN, TestLog, request_body


def _verifier(served: Served) -> CosignatureVerifier:
    return CosignatureVerifier(served.witness.cosigner.verifier_key)


def test_a_first_checkpoint_from_old_0_is_cosigned_with_the_witness_time(
    served: Served, log: TestLog
) -> None:
    """200: the body is one cosignature line by the witness, timestamped, over the checkpoint."""
    answer = served.add(log.request(0))
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith(f"\u2014 {NAME} ") and answer.text.count("\n") == 1
    assert _verifier(served).verify(add_cosignatures(log.note(), answer.text)) == NOW


def test_a_checkpoint_that_extends_the_held_one_with_a_proof_is_cosigned(
    served: Served, log: TestLog
) -> None:
    """200 again from old = the held size, with an RFC 6962 consistency proof."""
    assert served.add(log.request(0, 3)).status_code == 200
    for old, new in ((3, 7), (7, 10), (10, 10)):
        answer = served.add(log.request(old, new))
        assert answer.status_code == 200, (old, new, answer.text)
        _verifier(served).verify(add_cosignatures(log.note(new), answer.text))


def test_an_old_size_that_is_not_the_held_size_is_409_with_the_held_size(
    served: Served, log: TestLog
) -> None:
    """409, Content-Type text/x.tlog.size, body: the held size and a newline."""
    assert served.add(log.request(0, 4)).status_code == 200
    for old in (0, 3, 5):
        answer = served.add(log.request(old, 10))
        assert answer.status_code == 409
        assert answer.headers["content-type"] == "text/x.tlog.size"
        assert answer.text == "4\n"


def test_a_log_the_witness_does_not_follow_is_404(served: Served) -> None:
    """404: an unknown origin, however well signed."""
    other = TestLog("other.example/ledger", bytes([7]) * 32).grow(3)
    answer = served.add(other.request(0))
    assert answer.status_code == 404
    assert "does not follow 'other.example/ledger'" in answer.text


def test_a_checkpoint_signed_by_another_key_under_the_origin_is_403(
    served: Served, log: TestLog
) -> None:
    """403: the origin is followed, but no followed key signed the checkpoint."""
    impostor = TestLog(ORIGIN, bytes([9]) * 32).grow(10)
    answer = served.add(impostor.request(0))
    assert answer.status_code == 403
    assert "no valid signature" in answer.text


def test_a_followed_key_whose_signature_fails_is_403(served: Served, log: TestLog) -> None:
    """403: a line with the followed key's name and id whose signature does not verify."""
    note = log.note()
    body, _, line = note.rpartition("\n\u2014 ")
    blob = bytearray(base64.b64decode(line.split(" ")[1]))
    blob[10] ^= 0xFF
    forged = f"{body}\n\u2014 {ORIGIN} {base64.b64encode(bytes(blob)).decode()}\n"
    assert served.add(request_body(0, [], forged)).status_code == 403


def test_signatures_by_unknown_keys_are_ignored(served: Served, log: TestLog) -> None:
    """The spec: the witness MUST ignore signatures from unknown keys."""
    stranger = Ed25519Signer("someone.example/other", bytes([3]) * 32)
    note = sign_checkpoint(log.checkpoint(), [log.signer, stranger])
    assert served.add(request_body(0, [], note)).status_code == 200


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"old 0\nexample\n10\n", "no empty line"),
        (b"old 01\n\nx\n", "leading zero"),
        (b"old -1\n\nx\n", "negative"),
        (b"new 0\n\nx\n", "not old"),
        (b"old 0\nnot base64!\n\nx\n", "bad proof line"),
        (b"old 0\nAAAA\n\nx\n", "proof line not a hash"),
        (b"old 0\n\n", "no checkpoint"),
        (b"old 0\n\n\xff\xfe\n", "not UTF-8"),
        (b"old 0\n\nnot a checkpoint\n\n\xe2\x80\x94 x AAAA\n", "not a checkpoint"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_malformed_request_is_400(served: Served, body: bytes, why: str) -> None:
    """400 for every body that is not old line, proof lines, empty line, checkpoint."""
    assert served.add(body).status_code == 400, why


def test_more_than_63_proof_lines_is_400(served: Served, log: TestLog) -> None:
    """The client MUST NOT send more than 63 consistency proof lines."""
    proof = [hashlib.sha256(bytes([i])).digest() for i in range(64)]
    answer = served.add(request_body(0, proof, log.note()))
    assert answer.status_code == 400
    assert "at most 63" in answer.text


def test_an_old_size_over_the_checkpoint_size_is_400(served: Served, log: TestLog) -> None:
    """The old size MUST be equal to or lower than the checkpoint size."""
    assert served.add(request_body(11, [], log.note())).status_code == 400


def test_a_request_over_the_size_limit_is_400_unread(served: Served) -> None:
    """A huge body is refused before it is held in memory."""
    assert served.add(b"old 0\n" + b"A" * 70_000).status_code == 400


def test_a_size_0_checkpoint_needs_the_empty_root(served: Served, log: TestLog) -> None:
    """422 for size 0 with another root; 200 with the empty tree's root."""
    wrong = sign_checkpoint(Checkpoint(ORIGIN, 0, hashlib.sha256(b"x").digest()), [log.signer])
    assert served.add(request_body(0, [], wrong)).status_code == 422
    empty = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [log.signer])
    assert served.add(request_body(0, [], empty)).status_code == 200


def test_a_proof_from_old_size_0_is_422(served: Served, log: TestLog) -> None:
    """From 0 the proof MUST be empty: the empty tree is consistent with any tree."""
    answer = served.add(request_body(0, [hashlib.sha256(b"p").digest()], log.note()))
    assert answer.status_code == 422


def test_a_failing_consistency_proof_is_422_and_kept_as_evidence(
    served: Served, log: TestLog
) -> None:
    """422 when the proof does not verify; the pair is recorded as possible fork evidence."""
    assert served.add(log.request(0, 4)).status_code == 200
    forked = TestLog(salt="rewritten").grow(10)  # same key, another history
    answer = served.add(forked.request(4, 10))
    assert answer.status_code == 422
    assert "does not hold" in answer.text
    (fork,) = served.witness.state.forks()
    assert (fork.kind, fork.held_size, fork.offered_size) == (FORK_INCONSISTENT, 4, 10)
    assert fork.offered_note == forked.note()
    assert fork.proof.startswith("old 4\n")
    # Nothing was cosigned: the witness still holds size 4.
    assert served.witness.state.held(ORIGIN).size == 4  # type: ignore[union-attr]


def test_a_proof_line_at_the_held_size_and_root_is_422_but_no_fork(
    served: Served, log: TestLog
) -> None:
    """Equal trees need an empty proof; a stray line is refused, and is no evidence of a fork."""
    assert served.add(log.request(0)).status_code == 200
    stray = request_body(10, [hashlib.sha256(b"stray").digest()], log.note())
    assert served.add(stray).status_code == 422
    assert served.witness.state.forks() == []


def test_another_root_at_the_held_size_is_422_and_a_fork_on_record(
    served: Served, log: TestLog
) -> None:
    """Same size, different root, both signed by the log: conclusive fork evidence."""
    assert served.add(log.request(0)).status_code == 200
    forked = TestLog(salt="rewritten").grow(10)
    assert served.add(forked.request(10, 10)).status_code == 422
    (fork,) = served.witness.state.forks()
    assert fork.kind == FORK_SAME_SIZE
    held = open_checkpoint(fork.held_note, log.signer.verifier())
    offered = open_checkpoint(fork.offered_note, log.signer.verifier())
    assert held.size == offered.size and held.root != offered.root


def test_a_rewritten_history_sent_from_old_0_is_409_and_still_a_fork_on_record(
    served: Served, log: TestLog
) -> None:
    """An operator with a new database starts from 0: refused 409, the same-size pair kept."""
    assert served.add(log.request(0)).status_code == 200
    forked = TestLog(salt="rewritten").grow(10)
    assert served.add(forked.request(0)).status_code == 409
    assert served.add(forked.request(0)).status_code == 409  # a retry records nothing new
    assert [f.kind for f in served.witness.state.forks()] == [FORK_SAME_SIZE]


def test_the_monitor_endpoint_serves_the_held_checkpoint_with_both_signatures(
    served: Served, log: TestLog
) -> None:
    """GET /<sha256 hex of origin>/checkpoint: the log's signature and the cosignature."""
    path = f"/{hashlib.sha256(ORIGIN.encode()).hexdigest()}/checkpoint"
    assert origin_hash(ORIGIN) in path
    assert served.client.get(path).status_code == 404
    served.add(log.request(0, 6))
    answer = served.client.get(path)
    assert answer.status_code == 200
    assert open_checkpoint(answer.text, log.signer.verifier()).size == 6
    assert _verifier(served).verify(answer.text) == NOW


def test_the_root_page_names_the_witness_and_its_key(served: Served, log: TestLog) -> None:
    """GET / says who the witness is and which logs it follows."""
    text = served.client.get("/").text
    assert served.witness.cosigner.verifier_key in text
    assert ORIGIN in text
