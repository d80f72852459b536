"""C2SP signed notes with Ed25519, byte for byte the same as Go's sumdb note package.

Spec: https://c2sp.org/signed-note. Vector: golang.org/x/mod sumdb/note/note_test.go
(see ``vectors.py``).
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from showclear.ledger import (
    Ed25519Signer,
    Ed25519Verifier,
    LedgerError,
    NoteError,
    SignatureError,
    open_note,
    sign_note,
)

from .vectors import (
    ENOCH_SIG_LINE,
    ENOCH_VKEY,
    PETER_SIG_LINE,
    PETER_SIGNED_NOTE,
    PETER_SKEY,
    PETER_TEXT,
    PETER_VKEY,
)

PETER = Ed25519Signer.from_private_key_string(PETER_SKEY)
PETER_V = Ed25519Verifier.from_verifier_key(PETER_VKEY)
ENOCH_V = Ed25519Verifier.from_verifier_key(ENOCH_VKEY)


def test_signature_errors_are_note_errors_and_ledger_errors() -> None:
    """A bad signature is a kind of bad note; both are ledger errors."""
    assert issubclass(SignatureError, NoteError)
    assert issubclass(NoteError, LedgerError)


# --- the Go vector ------------------------------------------------------------------


def test_gos_private_key_string_loads_and_round_trips() -> None:
    """The PeterNeumann skey parses, keeps its name and id, and prints back unchanged."""
    assert PETER.name == "PeterNeumann"
    assert PETER.key_id == bytes.fromhex("c74f20a3")
    assert len(PETER.public_key) == 32
    assert PETER.private_key_string() == PETER_SKEY


def test_gos_verifier_key_string_loads_and_round_trips() -> None:
    """The PeterNeumann vkey parses and prints back unchanged; the signer derives it."""
    assert PETER_V.name == "PeterNeumann"
    assert PETER_V.key_id == bytes.fromhex("c74f20a3")
    assert PETER_V.verifier_key() == PETER_VKEY
    assert PETER.verifier().verifier_key() == PETER_VKEY


def test_signing_reproduces_gos_signed_note_byte_for_byte() -> None:
    """sign_note(text, [PeterNeumann]) is exactly Go's TestSign output."""
    assert sign_note(PETER_TEXT, [PETER]) == PETER_SIGNED_NOTE


def test_gos_signed_note_opens_with_the_vkey() -> None:
    """open_note returns the text and the key that signed it."""
    text, signed_by = open_note(PETER_SIGNED_NOTE, [PETER_V])
    assert text == PETER_TEXT
    assert [v.verifier_key() for v in signed_by] == [PETER_VKEY]


def test_a_note_with_tampered_text_fails_its_known_signature() -> None:
    """Changing one word of the text invalidates PeterNeumann's signature."""
    tampered = PETER_SIGNED_NOTE.replace("cryptography", "cryptology")
    with pytest.raises(SignatureError, match="PeterNeumann"):
        open_note(tampered, [PETER_V])


def test_a_note_with_a_corrupted_signature_fails() -> None:
    """Go's TestOpen "Invalid signature": four base64 characters inserted at byte 60."""
    raw = (PETER_TEXT + "\n" + PETER_SIG_LINE).encode()
    cut = len(PETER_TEXT.encode()) + 1 + 60
    corrupted = (raw[:cut] + b"ABCD" + raw[cut:]).decode()
    with pytest.raises(SignatureError, match="PeterNeumann"):
        open_note(corrupted, [PETER_V])


def test_the_key_id_is_the_spec_hash_of_name_type_and_public_key() -> None:
    """key id = SHA-256(name || 0x0A || 0x01 || public key)[:4] (C2SP signed-note)."""
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + PETER.public_key).digest()
    assert PETER.key_id == digest[:4]
    assert base64.b64decode(PETER_VKEY.split("+", 2)[2]) == b"\x01" + PETER.public_key


# --- opening notes with several signatures (Go TestOpen) ---------------------------


def test_signatures_by_unknown_keys_are_ignored() -> None:
    """With only PeterNeumann known, EnochRoot's signature is skipped, not an error."""
    text, signed_by = open_note(PETER_TEXT + "\n" + PETER_SIG_LINE + ENOCH_SIG_LINE, [PETER_V])
    assert text == PETER_TEXT
    assert [v.name for v in signed_by] == ["PeterNeumann"]


def test_every_known_signer_is_reported() -> None:
    """With both keys known, both signatures verify and both keys are returned."""
    _, signed_by = open_note(
        PETER_TEXT + "\n" + PETER_SIG_LINE + ENOCH_SIG_LINE, [PETER_V, ENOCH_V]
    )
    assert [v.name for v in signed_by] == ["PeterNeumann", "EnochRoot"]


def test_a_note_signed_by_no_known_key_is_refused() -> None:
    """If no known key signed the note it is rejected, as a NoteError, not a bad signature."""
    with pytest.raises(NoteError, match="no known key") as caught:
        open_note(PETER_TEXT + "\n" + PETER_SIG_LINE + ENOCH_SIG_LINE, [])
    assert not isinstance(caught.value, SignatureError)


@pytest.mark.parametrize(
    "signature_line",
    [
        PETER_SIG_LINE.replace("PeterNeumann", "CarmenSandiego"),  # same id, other name
        PETER_SIG_LINE.replace("x08g", "xxxx"),  # same name, other id
    ],
)
def test_a_signature_that_matches_a_known_key_in_name_or_id_only_is_ignored(
    signature_line: str,
) -> None:
    """C2SP: verifiers MUST ignore unknown keys even if they share a name or an id."""
    with pytest.raises(NoteError, match="no known key") as caught:
        open_note(PETER_TEXT + "\n" + signature_line, [PETER_V])
    assert not isinstance(caught.value, SignatureError)


@pytest.mark.parametrize(
    "note",
    [
        PETER_TEXT,
        PETER_TEXT + "\n",
        PETER_TEXT + "\n" + PETER_SIG_LINE[:-1],
        "\x01" + PETER_TEXT + "\n" + PETER_SIG_LINE,
        # Go's "\xff" + text: bytes that are not UTF-8, as Python's surrogateescape reads them.
        b"\xff".decode("utf-8", "surrogateescape") + PETER_TEXT + "\n" + PETER_SIG_LINE,
        PETER_TEXT + "\n" + PETER_SIG_LINE.replace("PeterNeumann", "Bad Name")[:-1],
        PETER_TEXT + "\n" + PETER_SIG_LINE + "Unexpected line.\n",
    ],
    ids=[
        "text only",
        "no signatures",
        "no final newline",
        "control character",
        "not UTF-8",
        "name with a space",
        "trailing line",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    """Go's TestOpen badMsgs are all malformed notes."""
    with pytest.raises(NoteError) as caught:
        open_note(note, [PETER_V])
    assert not isinstance(caught.value, SignatureError)


@pytest.mark.parametrize("char", ["\t", "\r", "\x00", "\x1b", "\x1f"])
def test_notes_with_ascii_control_characters_are_refused(char: str) -> None:
    """C2SP: a note MUST NOT contain ASCII control characters other than newline."""
    text = PETER_TEXT.replace(" you ", f" you{char}", 1)
    with pytest.raises(NoteError, match="control character"):
        sign_note(text, [PETER])
    # A note someone else produced is refused the same way, before any signature check.
    forged = text + "\n" + PETER_SIG_LINE
    with pytest.raises(NoteError, match="control character"):
        open_note(forged, [PETER_V])


def test_at_least_sixteen_signatures_are_accepted() -> None:
    """C2SP: verifiers MUST accept at least 16 signatures."""
    signers = [Ed25519Signer.generate(f"witness{i}.example") for i in range(16)]
    note = sign_note(PETER_TEXT, signers)
    _, one = open_note(note, [signers[7].verifier()])
    assert [v.name for v in one] == ["witness7.example"]
    _, every = open_note(note, [s.verifier() for s in signers])
    assert len(every) == 16


# --- signing ------------------------------------------------------------------------


def test_sign_note_refuses_text_without_a_final_newline() -> None:
    """Go's TestSign: "abc" is a malformed note."""
    with pytest.raises(NoteError, match="newline"):
        sign_note("abc", [PETER])


def test_sign_note_refuses_an_empty_signer_list() -> None:
    """A note nobody signed is no note."""
    with pytest.raises(NoteError, match="signer"):
        sign_note(PETER_TEXT, [])


def test_a_note_lists_one_signature_line_per_signer_in_order() -> None:
    """Text, blank line, then "— name base64(key id || signature)" per signer."""
    other = Ed25519Signer.generate("example.com/other")
    note = sign_note(PETER_TEXT, [PETER, other])
    text, blank, sigs = note.partition("\n\n")
    assert text + "\n" == PETER_TEXT
    assert blank == "\n\n"
    lines = sigs.splitlines(keepends=True)
    assert lines[0] == PETER_SIG_LINE
    assert lines[1].startswith("— example.com/other ")
    blob = base64.b64decode(lines[1].split(" ")[2])
    assert blob[:4] == other.key_id
    assert other.verifier().verify(PETER_TEXT.encode(), blob[4:])


def test_a_generated_key_round_trips_through_its_strings() -> None:
    """generate -> private_key_string -> from_private_key_string keeps the same key."""
    signer = Ed25519Signer.generate("showclear.example/productions/night-shoot")
    again = Ed25519Signer.from_private_key_string(signer.private_key_string())
    assert again.public_key == signer.public_key
    assert again.key_id == signer.key_id
    verifier = Ed25519Verifier.from_verifier_key(signer.verifier().verifier_key())
    assert verifier.name == signer.name
    assert verifier.key_id == signer.key_id
    assert signer.private_key_string().startswith(
        "PRIVATE+KEY+showclear.example/productions/night-shoot+" + signer.key_id.hex() + "+"
    )


def test_verify_rejects_a_changed_message_or_signature() -> None:
    """Go's testSignerAndVerifier: a corrupt signature or message does not verify."""
    verifier = PETER.verifier()
    sig = PETER.sign(b"hi")
    assert verifier.verify(b"hi", sig)
    assert not verifier.verify(b"hi", bytes([sig[0] ^ 1]) + sig[1:])
    assert not verifier.verify(b"hj", sig)


@pytest.mark.parametrize("name", ["", "two words", "a+b", "tab\tname", "nbsp\u00a0name"])
def test_key_names_must_be_non_empty_without_spaces_or_plus(name: str) -> None:
    """C2SP: key names are non-empty and contain no Unicode spaces and no '+'."""
    with pytest.raises(NoteError, match="key name"):
        Ed25519Signer.generate(name)


# --- key strings refuse every mangling (Go TestNewVerifier, TestNewSigner) ----------


def _manglings(key: str) -> list[str]:
    variants = [key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1)]
    variants.remove(key)
    for i in range(len(key)):
        variants.append(key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :])
    return variants


def test_every_mangled_verifier_key_is_refused() -> None:
    """Each proper substring and each one-character increment of the vkey is refused."""
    accepted = []
    for variant in _manglings(PETER_VKEY):
        try:
            Ed25519Verifier.from_verifier_key(variant)
        except NoteError:
            continue
        accepted.append(variant)
    assert accepted == []


@pytest.mark.parametrize(
    "vkey",
    [
        # Go: wrong length key, with adjusted key hash.
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        # Go: unknown algorithm, with adjusted key hash.
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_verifier_keys_of_another_length_or_algorithm_are_refused(vkey: str) -> None:
    """Only 32-byte Ed25519 keys (type 0x01) are accepted."""
    with pytest.raises(NoteError, match="Ed25519"):
        Ed25519Verifier.from_verifier_key(vkey)


def test_every_mangled_private_key_is_refused() -> None:
    """Each proper substring and each one-character increment of the skey is refused."""
    accepted = []
    for variant in _manglings(PETER_SKEY):
        try:
            Ed25519Signer.from_private_key_string(variant)
        except NoteError:
            continue
        accepted.append(variant)
    assert accepted == []


def test_a_signature_in_non_canonical_base64_is_refused() -> None:
    """Flipping the spare bits of the last base64 character keeps the bytes but changes the note."""
    blob = PETER_SIGNED_NOTE.rstrip("\n").rsplit(" ", 1)[1]
    # 68 bytes encode to 92 characters ending "=": the character before it carries 2 spare bits.
    last = blob[-2]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = alphabet[alphabet.index(last) ^ 1]
    altered = PETER_SIGNED_NOTE.replace(blob, blob[:-2] + twin + blob[-1])
    assert base64.b64decode(altered.rstrip("\n").rsplit(" ", 1)[1]) == base64.b64decode(blob)
    with pytest.raises(NoteError, match="canonical base64"):
        open_note(altered, [PETER_V])
