"""The chain of checkpoints (ledger.chain): each names, signed, the checkpoint before it."""

from __future__ import annotations

import base64

import pytest

from showclear.ledger import Checkpoint, Ed25519Signer, VerificationError, sign_checkpoint
from showclear.ledger.chain import Link, chain_line, check_chain, link_of, next_link
from showclear.ledger.cosignature import cosignatures_in
from showclear.ledger.note import open_note

ORIGIN = "showclear.example/productions/dust-creek"
SIGNER = Ed25519Signer.generate(ORIGIN)
KEY = SIGNER.verifier()


def note(size: int, link: Link | None) -> str:
    checkpoint = Checkpoint(ORIGIN, size, bytes([size]) * 32)
    signed = sign_checkpoint(checkpoint, [SIGNER])
    return signed + chain_line(SIGNER, checkpoint.body(), link) if link else signed


def test_a_link_is_read_back_verified_and_ignored_by_note_readers() -> None:
    """The link round-trips; the note still opens as a checkpoint; no cosignature is seen."""
    signed = note(9, Link(4, 1))
    assert link_of(signed, KEY) == Link(4, 1)
    assert [v.name for v in open_note(signed, [KEY])[1]] == [ORIGIN]
    assert cosignatures_in(signed) == []


def test_a_changed_link_does_not_verify() -> None:
    """The previous size rewritten in the line (to hide a deletion) breaks its signature."""
    signed = note(9, Link(4, 1))
    line = signed.rstrip("\n").rsplit("\n", 1)[1]
    blob = bytearray(base64.b64decode(line.split(" ")[2]))
    blob[11] = 1  # previous 4 -> 1
    forged = signed.replace(line, f"{line.rsplit(' ', 1)[0]} {base64.b64encode(blob).decode()}")
    with pytest.raises(VerificationError, match=r"^checkpoint at size 9: the line naming"):
        link_of(forged, KEY)


def test_a_note_without_a_link_has_none() -> None:
    assert link_of(note(9, None), KEY) is None


def test_the_next_link_keeps_the_chains_start() -> None:
    assert next_link(0, None, 1) == Link(0, 1)
    assert next_link(4, Link(1, 1), 9) == Link(4, 1)
    assert next_link(7, None, 9) == Link(7, 9)  # after a ledger from before the chain


def test_a_whole_chain_starts_at_its_first_checkpoint() -> None:
    assert check_chain({1: Link(0, 1), 4: Link(1, 1), 9: Link(4, 1)}) == 1


def test_a_ledger_from_before_the_chain_starts_it_later() -> None:
    assert check_chain({1: None, 4: None, 9: Link(4, 9), 12: Link(9, 9)}) == 9
    assert check_chain({1: None, 4: None}) is None


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ({1: Link(0, 1), 9: Link(4, 1)}, "^checkpoint 4 is missing: the checkpoint at size 9"),
        (
            {4: Link(1, 1), 9: Link(4, 1)},
            "^checkpoint at size 4 says the chain .* starts at size 1",
        ),
        (
            {1: None, 4: None, 9: Link(4, 1)},
            "^checkpoint at size 9 says the chain of checkpoints starts at size 1, but the "
            "checkpoints from there to 4 lost the lines",
        ),
        ({1: Link(0, 1), 4: None, 9: Link(4, 1)}, "^checkpoint at size 4 does not name"),
        ({1: Link(0, 1), 4: Link(1, 1), 9: Link(1, 1)}, "^checkpoint at size 4 is not part"),
        ({1: Link(0, 1), 4: Link(1, 4)}, "^checkpoint at size 4 says the chain starts at size 4"),
    ],
    ids=["deleted", "first deleted", "lines removed", "line removed", "inserted", "restarted"],
)
def test_a_broken_chain_is_named(links: dict[int, Link | None], message: str) -> None:
    with pytest.raises(VerificationError, match=message):
        check_chain(links)
