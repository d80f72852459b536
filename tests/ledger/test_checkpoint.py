"""C2SP tlog-checkpoint bodies, signed as C2SP signed notes.

Spec: https://c2sp.org/tlog-checkpoint. The example body is the one in the spec.
"""

from __future__ import annotations

import base64
import dataclasses

import pytest

from showclear.ledger import (
    Checkpoint,
    CheckpointError,
    Ed25519Signer,
    LedgerError,
    NoteError,
    SignatureError,
    open_checkpoint,
    sign_checkpoint,
    sign_note,
)

from .vectors import PETER_SKEY

# The example in c2sp.org/tlog-checkpoint ("example.com/behind-the-sofa").
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")

ORIGIN = "showclear.example/productions/night-shoot"
# A fixed key (Go's PeterNeumann seed under our origin) keeps notes reproducible.
SIGNER = Ed25519Signer.from_private_key_string(PETER_SKEY)
LOG = Ed25519Signer.generate(ORIGIN)
ROOT = bytes(range(32))


def test_checkpoint_errors_are_ledger_errors() -> None:
    """A caller can catch every ledger failure with LedgerError."""
    assert issubclass(CheckpointError, LedgerError)


# --- body ---------------------------------------------------------------------------


def test_the_body_is_origin_size_and_base64_root_on_three_lines() -> None:
    """Checkpoint.body() reproduces the spec's example body exactly."""
    checkpoint = Checkpoint("example.com/behind-the-sofa", 20852163, SPEC_ROOT)
    assert checkpoint.body() == SPEC_BODY


def test_the_spec_example_body_parses() -> None:
    """Checkpoint.parse reads the spec's example body back."""
    assert Checkpoint.parse(SPEC_BODY) == Checkpoint(
        "example.com/behind-the-sofa", 20852163, SPEC_ROOT
    )


def test_extension_lines_follow_the_root_and_round_trip() -> None:
    """Optional extension lines come after the root, one per line."""
    checkpoint = Checkpoint(ORIGIN, 0, ROOT, ("ext one", "ext two"))
    body = checkpoint.body()
    assert body == f"{ORIGIN}\n0\n{base64.b64encode(ROOT).decode()}\next one\next two\n"
    assert Checkpoint.parse(body) == checkpoint


def test_a_checkpoint_is_immutable() -> None:
    """A checkpoint is a value: it cannot be changed after it is made."""
    checkpoint = Checkpoint(ORIGIN, 1, ROOT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        checkpoint.size = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("example.com/log\n5\n" + base64.b64encode(ROOT).decode(), "end with a newline"),
        ("example.com/log\n5\n", "origin, size and root"),
        ("example.com/log\n05\n" + base64.b64encode(ROOT).decode() + "\n", "'05'"),
        ("example.com/log\n-5\n" + base64.b64encode(ROOT).decode() + "\n", "'-5'"),
        ("example.com/log\n+5\n" + base64.b64encode(ROOT).decode() + "\n", r"'\+5'"),
        ("example.com/log\n 5\n" + base64.b64encode(ROOT).decode() + "\n", "' 5'"),
        ("example.com/log\n\uff15\n" + base64.b64encode(ROOT).decode() + "\n", "not a plain"),
        ("example.com/log\n5\nnot base64!\n", "not base64"),
        ("example.com/log\n5\n" + base64.b64encode(ROOT[:31]).decode() + "\n", "31 bytes"),
        ("\n5\n" + base64.b64encode(ROOT).decode() + "\n", "origin"),
        ("example.com/log\n5\n" + base64.b64encode(ROOT).decode() + "\n\n", "extension"),
    ],
    ids=[
        "no final newline",
        "no root line",
        "leading zero",
        "negative",
        "plus sign",
        "space",
        "non-ASCII digit",
        "root not base64",
        "root not 32 bytes",
        "empty origin",
        "empty extension line",
    ],
)
def test_malformed_bodies_are_refused(body: str, match: str) -> None:
    """Each deviation from c2sp.org/tlog-checkpoint "Note text" is a CheckpointError."""
    with pytest.raises(CheckpointError, match=match):
        Checkpoint.parse(body)


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, ()),
        ("two\nlines", 1, ROOT, ()),
        (ORIGIN, -1, ROOT, ()),
        (ORIGIN, 1, ROOT[:16], ()),
        (ORIGIN, 1, ROOT, ("",)),
        (ORIGIN, 1, ROOT, ("a\nb",)),
    ],
)
def test_a_checkpoint_that_could_not_be_written_as_a_body_is_refused(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    """Empty or multi-line origins, negative sizes, short roots and bad extensions fail early."""
    with pytest.raises(CheckpointError):
        Checkpoint(origin, size, root, extensions)


# --- signed checkpoints -------------------------------------------------------------


def test_a_signed_checkpoint_is_its_body_then_the_log_signature() -> None:
    """sign_checkpoint returns a signed note over the body, signed by the origin's key."""
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(checkpoint, [LOG])
    body, sig_line = note.split("\n\n")
    assert body + "\n" == checkpoint.body()
    assert sig_line.startswith(f"— {ORIGIN} ")
    assert sig_line.endswith("\n")
    blob = base64.b64decode(sig_line.removesuffix("\n").split(" ")[2])
    assert blob[:4] == LOG.key_id
    assert LOG.verifier().verify(checkpoint.body().encode(), blob[4:])


def test_a_signed_checkpoint_opens_with_the_log_key() -> None:
    """open_checkpoint returns the very checkpoint that was signed."""
    checkpoint = Checkpoint(ORIGIN, 42, ROOT, ("extension",))
    assert open_checkpoint(sign_checkpoint(checkpoint, [LOG]), LOG.verifier()) == checkpoint


def test_signing_is_deterministic() -> None:
    """Ed25519 signatures are deterministic, so a checkpoint's note is reproducible."""
    checkpoint = Checkpoint("PeterNeumann", 7, ROOT)
    assert sign_checkpoint(checkpoint, [SIGNER]) == sign_checkpoint(checkpoint, [SIGNER])


def test_a_checkpoint_whose_origin_is_not_the_key_name_is_refused() -> None:
    """The origin must equal the verifier's name, or another log's head could pass."""
    note = sign_checkpoint(Checkpoint("PeterNeumann", 7, ROOT), [SIGNER])
    assert open_checkpoint(note, SIGNER.verifier()).origin == "PeterNeumann"
    stranger = Checkpoint("example.com/another-log", 7, ROOT)
    with pytest.raises(CheckpointError, match=r"example\.com/another-log"):
        open_checkpoint(sign_checkpoint(stranger, [SIGNER]), SIGNER.verifier())


def test_a_checkpoint_with_a_changed_size_fails_its_signature() -> None:
    """Editing the size line of a signed checkpoint breaks the log's signature."""
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), [LOG])
    with pytest.raises(SignatureError):
        open_checkpoint(note.replace("\n42\n", "\n43\n", 1), LOG.verifier())


def test_a_checkpoint_with_a_changed_root_fails_its_signature() -> None:
    """Editing the root line of a signed checkpoint breaks the log's signature."""
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), [LOG])
    other = base64.b64encode(bytes(32)).decode()
    with pytest.raises(SignatureError):
        open_checkpoint(note.replace(base64.b64encode(ROOT).decode(), other, 1), LOG.verifier())


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    """A checkpoint signed by a different key of the same name is not the log's."""
    impostor = Ed25519Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), [impostor])
    with pytest.raises(NoteError, match="no known key"):
        open_checkpoint(note, LOG.verifier())


def test_cosignatures_by_other_keys_do_not_prevent_opening() -> None:
    """Clients MUST ignore unknown signatures, e.g. witness cosignatures (tlog-checkpoint)."""
    witness = Ed25519Signer.generate("witness.example")
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(checkpoint, [LOG, witness])
    assert open_checkpoint(note, LOG.verifier()) == checkpoint


def test_a_signed_note_whose_body_is_no_checkpoint_is_refused() -> None:
    """A valid signature over something other than a checkpoint body is refused."""
    note = sign_note(f"{ORIGIN}\nnot a size\n", [LOG])
    with pytest.raises(CheckpointError):
        open_checkpoint(note, LOG.verifier())
