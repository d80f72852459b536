"""C2SP tlog-cosignature/v1 (Ed25519): the spec's example, third-party vectors, and a
verifier written separately from the spec in this file.

Spec: https://c2sp.org/tlog-cosignature. Vectors: the spec's own example cosignature,
and transparency-dev/formats note/note_cosigv1_test.go (a live witness's verifier key,
a cosignature blob with a known timestamp, and a log signature that is not one).
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from showclear.ledger import Checkpoint, Ed25519Signer, NoteError, sign_checkpoint
from showclear.ledger.cosignature import (
    ALG_COSIGNATURE_V1,
    CosignatureVerifier,
    Cosigner,
    CosignerKey,
    add_cosignatures,
    cosignature_key_id,
    cosignatures_in,
    cosigned_message,
)
from showclear.ledger.errors import CosignatureError

# C2SP tlog-cosignature, the checkpoint at the top of the spec with its two lines.
SPEC_NOTE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJs"
    "X3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
# The spec's "Ed25519 signed message" example is for the same checkpoint at this time.
SPEC_TIME = 1679315147
# transparency-dev/formats TestCoSigV1NewVerifier: a native 0x04 witness key in use.
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
# transparency-dev/formats TestCosignatureTimestamp: a cosignature blob and its time,
# and a 68-byte log signature that is not a cosignature.
FORMATS_COSIG = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFi"
    "EBYJXORmnFBOBA=="
)
FORMATS_TIME = 1727964367
FORMATS_LOG_SIG = (
    "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY="
)

LOG = Ed25519Signer("checkpoint.example/log", bytes(range(32)))
WITNESS = Cosigner("witness.example/w1", bytes(range(32, 64)))
CHECKPOINT = Checkpoint(LOG.name, 7, hashlib.sha256(b"seven").digest())
SIGNED = sign_checkpoint(CHECKPOINT, [LOG])


def independent_verify(vkey: str, note: str) -> int:
    """Check ``vkey``'s cosignature on ``note`` from the spec alone; return its timestamp.

    Written from C2SP tlog-cosignature and signed-note with ``cryptography`` only, so that
    a mistake in showclear.ledger.cosignature cannot hide behind the same mistake here.
    """
    name, hex_id, key_b64 = vkey.split("+")
    key = base64.b64decode(key_b64)
    assert key[0] == 0x04 and len(key) == 33
    # Format: key ID = SHA-256(<name> || "\n" || 0x04 || public key)[:4]
    assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == hex_id
    body, _, block = note.rpartition("\n\n")
    body += "\n"
    for line in block.splitlines():
        dash_name, b64 = line.rsplit(" ", 1)
        blob = base64.b64decode(b64)
        if dash_name != "\u2014 " + name or blob[:4] != bytes.fromhex(hex_id):
            continue
        # timestamped_signature: u64 big-endian timestamp, then the 64-byte signature.
        assert len(blob) == 4 + 8 + 64
        timestamp = int.from_bytes(blob[4:12], "big")
        message = b"cosignature/v1\n" + b"time %d\n" % timestamp + body.encode()
        Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[12:], message)
        return timestamp
    raise LookupError("no cosignature by that key")


def test_a_cosignature_verifies_with_an_independent_verifier_written_from_the_spec() -> None:
    """A showclear cosignature line added to a checkpoint passes the separate verifier."""
    cosigned = add_cosignatures(SIGNED, WITNESS.cosign(CHECKPOINT.body(), 1_700_000_000))
    assert independent_verify(WITNESS.verifier_key, cosigned) == 1_700_000_000


def test_the_independent_verifier_rejects_a_cosignature_of_another_checkpoint() -> None:
    """The separate verifier is not a rubber stamp: a line moved to another body fails."""
    other = Checkpoint(LOG.name, 8, hashlib.sha256(b"eight").digest())
    line = WITNESS.cosign(other.body(), 1_700_000_000)
    with pytest.raises(InvalidSignature):
        independent_verify(WITNESS.verifier_key, add_cosignatures(SIGNED, line))


def test_showclear_verifies_a_cosignature_made_by_the_independent_construction() -> None:
    """A cosignature built by hand from the spec is accepted by CosignatureVerifier."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(bytes(range(64, 96)))
    public = private.public_key().public_bytes_raw()
    name = "insurer.example/witness"
    kid = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    key_b64 = base64.b64encode(b"\x04" + public).decode()
    vkey = f"{name}+{kid.hex()}+{key_b64}"
    message = b"cosignature/v1\ntime 1234567890\n" + CHECKPOINT.body().encode()
    blob = kid + (1234567890).to_bytes(8, "big") + private.sign(message)
    line = f"\u2014 {name} {base64.b64encode(blob).decode()}\n"
    assert CosignatureVerifier(vkey).verify(SIGNED + line) == 1234567890


def test_the_spec_example_cosignature_carries_the_spec_example_time() -> None:
    """The spec's example line parses as witness.example.com/w1 at 1679315147."""
    (found,) = cosignatures_in(SPEC_NOTE)
    assert (found.name, found.key_id.hex(), found.timestamp) == (
        "witness.example.com/w1",
        "8d66cf3f",
        SPEC_TIME,
    )
    assert len(found.signature) == 64


def test_the_signed_message_is_the_spec_example_byte_for_byte() -> None:
    """cosigned_message gives the spec's 'Ed25519 signed message' example."""
    body = SPEC_NOTE[: SPEC_NOTE.index("\n\n") + 1]
    assert cosigned_message(body, SPEC_TIME) == (
        b"cosignature/v1\n"
        b"time 1679315147\n"
        b"example.com/behind-the-sofa\n"
        b"20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_a_live_witness_verifier_key_parses_with_its_key_id() -> None:
    """The key id formula matches a 0x04 witness key in use (transparency-dev/formats)."""
    verifier = CosignatureVerifier(REMORA_VKEY)
    assert verifier.name == "remora.n621.de"
    assert verifier.key_id.hex() == "da77ade7"
    assert verifier.verifier_key == REMORA_VKEY


def test_the_formats_cosignature_blob_carries_its_timestamp_and_a_log_signature_is_skipped() -> (
    None
):
    """A 76-byte blob is read as a cosignature at its time; a 68-byte log signature is not."""
    note = SPEC_NOTE.split("\n\n", maxsplit=1)[0] + "\n\n"
    note += f"\u2014 a.example {FORMATS_LOG_SIG}\n\u2014 b.example {FORMATS_COSIG}\n"
    found = cosignatures_in(note)
    assert [(c.name, c.timestamp) for c in found] == [("b.example", FORMATS_TIME)]


def test_a_log_key_is_not_accepted_as_a_witness_key() -> None:
    """A signed-note Ed25519 key (type 0x01) is refused, so keys cannot be confused."""
    with pytest.raises(CosignatureError, match="type 0x04"):
        CosignatureVerifier(LOG.verifier().verifier_key())


def test_a_verifier_key_whose_id_does_not_match_is_refused() -> None:
    """Changing the key id of a verifier key is caught."""
    name, _, rest = WITNESS.verifier_key.split("+")
    with pytest.raises(CosignatureError, match="does not match"):
        CosignatureVerifier(f"{name}+00000000+{rest}")


def test_key_id_uses_type_0x04_and_differs_from_the_log_key_id() -> None:
    """The same name and key give different ids as a log key and as a cosigner key."""
    assert ALG_COSIGNATURE_V1 == 0x04
    assert cosignature_key_id(WITNESS.name, WITNESS.public_key) == WITNESS.key_id
    log_style = Ed25519Signer(WITNESS.name, bytes(range(32, 64))).key_id
    assert log_style != WITNESS.key_id


def test_the_private_key_string_round_trips_and_is_typed_0x04() -> None:
    """PRIVATE+KEY+name+keyid+base64(0x04 || seed) gives back the same cosigner."""
    skey = WITNESS.private_key_string()
    assert skey.startswith(f"PRIVATE+KEY+{WITNESS.name}+{WITNESS.key_id.hex()}+")
    assert base64.b64decode(skey.rsplit("+", 1)[1])[0] == 0x04
    again = CosignerKey.from_private_key_string(skey)
    assert again.verifier_key == WITNESS.verifier_key


def test_a_log_private_key_cannot_be_loaded_as_a_cosigner() -> None:
    """A note.py private key (type 0x01) is refused as a witness key."""
    with pytest.raises(CosignatureError, match="cosigner key"):
        Cosigner.from_private_key_string(LOG.private_key_string())


def test_verify_returns_the_timestamp_and_ignores_other_witnesses() -> None:
    """Other keys' lines are ignored; the pinned witness's time is returned."""
    other = Cosigner.generate("union.example/witness")
    cosigned = add_cosignatures(
        SIGNED,
        [other.cosign(CHECKPOINT.body(), 5), WITNESS.cosign(CHECKPOINT.body(), 42)],
    )
    assert WITNESS.verifier().verify(cosigned) == 42
    assert other.verifier().verify(cosigned) == 5


def test_verify_raises_when_the_witness_did_not_cosign() -> None:
    """A checkpoint with only the log's signature has no cosignature by the witness."""
    with pytest.raises(CosignatureError, match=r"no cosignature by witness witness\.example/w1"):
        WITNESS.verifier().verify(SIGNED)


def test_verify_raises_when_the_checkpoint_changed_after_cosigning() -> None:
    """A cosignature moved onto a different checkpoint does not verify."""
    line = WITNESS.cosign(CHECKPOINT.body(), 42)
    forged = sign_checkpoint(Checkpoint(LOG.name, 7, hashlib.sha256(b"x").digest()), [LOG])
    with pytest.raises(CosignatureError, match="does not match the checkpoint"):
        WITNESS.verifier().verify(add_cosignatures(forged, line))


def test_verify_raises_when_the_timestamp_was_changed() -> None:
    """The timestamp is signed: changing it breaks the cosignature."""
    line = WITNESS.cosign(CHECKPOINT.body(), 42)
    blob = bytearray(base64.b64decode(line.split(" ")[2]))
    blob[11] ^= 1
    bad = f"\u2014 {WITNESS.name} {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(CosignatureError, match="does not match"):
        WITNESS.verifier().verify(SIGNED + bad)


def test_cosign_refuses_a_zero_or_too_large_timestamp_and_a_signed_note() -> None:
    """tlog-witness forbids timestamp 0; the format caps it at 2^63-1; bodies are bare."""
    with pytest.raises(CosignatureError, match="never 0"):
        WITNESS.cosign(CHECKPOINT.body(), 0)
    with pytest.raises(CosignatureError, match="2\\^63-1"):
        WITNESS.cosign(CHECKPOINT.body(), 2**63)
    with pytest.raises(CosignatureError, match="holds no signatures"):
        WITNESS.cosign(SIGNED, 1)


def test_add_cosignatures_accepts_a_response_body_and_does_not_repeat_lines() -> None:
    """A witness's 200 body appends as is; a line already present is not added twice."""
    body = WITNESS.cosign(CHECKPOINT.body(), 42)
    once = add_cosignatures(SIGNED, body)
    assert add_cosignatures(once, body) == once
    assert once == SIGNED + body


def test_add_cosignatures_refuses_a_line_that_is_not_a_signature_line() -> None:
    """Garbage from a witness never reaches a stored checkpoint."""
    with pytest.raises(CosignatureError, match="not a signature line"):
        add_cosignatures(SIGNED, "hello\n")


def test_cosignature_errors_are_note_errors() -> None:
    """Code that handles a bad note also handles a bad cosignature."""
    assert issubclass(CosignatureError, NoteError)
