"""Checking an export bundle offline: no database, no network, only :mod:`showclear.ledger`.

The steps, in order; the first that fails is named in the report:

1. the file is a zip archive holding README.md, verifier-key.txt, entries 0 to
   n - 1 and at least one checkpoint, and nothing else;
2. the verifier key is an Ed25519 key in C2SP signed-note form, written canonically;
3. every entry is canonical JSON (DESIGN, "Entry bytes") and entry 0 is the
   production's first entry, naming this key and its origin;
4. every leaf hash is recomputed from the entry's exact bytes (RFC 9162 §2.1.1), and
   every passkey signature an entry holds verifies with the key enrolled earlier in
   the bundle, over the challenge recomputed from the entry and the root it names
   (:mod:`showclear.protocol.signing`);
5. every checkpoint's signed note verifies with the key (C2SP signed-note), carries
   exactly one signature line in canonical base64, names its own size, and states
   the root recomputed from the first ``size`` entries (C2SP tlog-checkpoint);
6. each checkpoint is consistent with the next (an RFC 9162 §2.1.4 proof, made
   from the entries and verified);
7. the latest checkpoint covers every entry;
8. the README is the one this format writes for this bundle;
9. the zip container is byte for byte the canonical archive of its members, so
   that not one byte of the file, headers included, was altered.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from showclear.bundle.layout import KEY_NAME, README_NAME, parse_name, readme, zip_members
from showclear.errors import ErrorKind, ShowclearError
from showclear.ledger import (
    Checkpoint,
    Ed25519Verifier,
    LedgerError,
    MemoryTree,
    VerificationError,
    consistency_proof,
    leaf_hash,
    open_checkpoint,
    parse_entry,
    verify_consistency,
)
from showclear.protocol.signing import PasskeyLedger

__all__ = ["BundleReport", "verify_bundle"]


class _Failed(ShowclearError):
    """The bundle does not verify; the message names the first problem."""

    kind = ErrorKind.VERIFICATION_FAILED


@dataclass
class BundleReport:
    """What a bundle holds, and the first problem found (None if it verifies)."""

    origin: str | None = None
    verifier_key: str | None = None
    entries: int = 0
    checkpoints: int = 0
    root: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_bundle(data: bytes) -> BundleReport:
    """Check every byte of an export bundle against its signed checkpoints."""
    report = BundleReport()
    try:
        _verify(data, report)
    except _Failed as e:
        report.problem = str(e)
    return report


def _read(data: bytes) -> list[tuple[str, bytes]]:
    # 1. A zip archive; zipfile checks each member's CRC-32 as it reads it.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception as e:  # a damaged container raises many kinds; each is "damaged"
        raise _Failed(f"the bundle is not an intact zip archive: {e}") from e


def _verify(data: bytes, report: BundleReport) -> None:
    members = _read(data)
    files = dict(members)
    if len(files) != len(members):
        raise _Failed("the bundle holds two members with the same name")
    entries: dict[int, bytes] = {}
    notes: dict[int, bytes] = {}
    for name, content in members:
        parsed = parse_name(name)
        if parsed is None and name not in (README_NAME, KEY_NAME):
            raise _Failed(f"the bundle holds {name!r}, which is not part of a ledger bundle")
        if parsed is not None:
            kind, number = parsed
            (entries if kind == "entry" else notes)[number] = content
    for required in (README_NAME, KEY_NAME):
        if required not in files:
            raise _Failed(f"the bundle has no {required}")
    if sorted(entries) != list(range(len(entries))) or not entries:
        missing = next(i for i in range(len(entries) + 1) if i not in entries)
        raise _Failed(f"entry {missing} is missing from the bundle")
    if not notes:
        raise _Failed("the bundle has no checkpoint")
    if 0 in notes:
        raise _Failed("the bundle holds a checkpoint of the empty tree; showclear never signs one")

    # 2. The verifier key.
    verifier = _verifier(files[KEY_NAME])
    report.verifier_key, report.origin = verifier.verifier_key(), verifier.name

    # 3. Canonical entries; entry 0 names this key and origin.
    first = _entry(0, entries[0])
    if not (
        isinstance(first, dict)
        and first.get("type") == "ProductionCreated"
        and first.get("public_key") == report.verifier_key
        and first.get("origin") == verifier.name
    ):
        raise _Failed("entry 0 is not the production's first entry naming this verifier key")

    # 4. Leaf hashes, into a tree that gives the root at any size.
    tree = MemoryTree()
    passkeys = PasskeyLedger()

    def root_at(size: int) -> bytes | None:
        return tree.root(size) if 0 < size <= tree.size else None

    for index in range(len(entries)):
        event = _entry(index, entries[index]) if index else first
        try:
            passkeys.check(index, event, root_at)
        except VerificationError as e:
            raise _Failed(str(e)) from e
        tree.append(leaf_hash(entries[index]))
    report.entries = len(entries)

    # 5. Every checkpoint: signature, size, root; 6. consistency with the previous one.
    previous: Checkpoint | None = None
    for size in sorted(notes):
        checkpoint = _checkpoint(size, notes[size], verifier, tree)
        if previous is not None:
            proof = consistency_proof(previous.size, size, tree)
            try:
                verify_consistency(previous.size, size, previous.root, checkpoint.root, proof)
            except LedgerError as e:
                raise _Failed(
                    f"checkpoint {size} is not consistent with checkpoint {previous.size}: {e}"
                ) from e
        previous = checkpoint
    report.checkpoints = len(notes)
    assert previous is not None

    # 7. The latest checkpoint covers every entry.
    if previous.size != len(entries):
        raise _Failed(
            f"the latest checkpoint covers {previous.size} entries, but the bundle holds "
            f"{len(entries)}"
        )
    report.root = base64.b64encode(previous.root).decode()

    # 8. The README this format writes.
    expected = readme(verifier.name, report.verifier_key, len(entries), len(notes))
    if files[README_NAME] != expected.encode():
        raise _Failed("README.md differs from the README of this bundle's format")

    # 9. The container itself.
    canonical = zip_members(members)
    if canonical != data:
        at = next(
            (i for i, (a, b) in enumerate(zip(canonical, data, strict=False)) if a != b),
            min(len(canonical), len(data)),
        )
        raise _Failed(
            f"the zip container was altered (it differs from its canonical form at byte {at})"
        )


def _verifier(content: bytes) -> Ed25519Verifier:
    try:
        text = content.decode("ascii")
        verifier = Ed25519Verifier.from_verifier_key(text.removesuffix("\n"))
    except (UnicodeDecodeError, LedgerError) as e:
        raise _Failed(f"{KEY_NAME} does not hold an Ed25519 verifier key: {e}") from e
    if text != verifier.verifier_key() + "\n":
        raise _Failed(f"{KEY_NAME} is not the key written canonically, on one line")
    return verifier


def _entry(index: int, content: bytes) -> Any:
    try:
        return parse_entry(content)
    except LedgerError as e:
        raise _Failed(f"entry {index} is not a canonical ledger entry: {e}") from e


def _checkpoint(
    size: int, content: bytes, verifier: Ed25519Verifier, tree: MemoryTree
) -> Checkpoint:
    where = f"checkpoint {size}"
    try:
        note = content.decode("utf-8")
        checkpoint = open_checkpoint(note, verifier)
    except (UnicodeDecodeError, LedgerError) as e:
        raise _Failed(f"{where} does not verify: {e}") from e
    signatures = note.rpartition("\n\n")[2]
    lines = signatures.removesuffix("\n").split("\n")
    prefix = f"\u2014 {verifier.name} "
    if len(lines) != 1 or not lines[0].startswith(prefix):
        raise _Failed(f"{where} carries other signature lines than the production's one")
    try:
        blob = base64.b64decode(lines[0][len(prefix) :], validate=True)
    except (ValueError, binascii.Error) as e:
        raise _Failed(f"{where} has an unreadable signature: {e}") from e
    if base64.b64encode(blob).decode() != lines[0][len(prefix) :]:
        raise _Failed(f"{where} writes its signature in non-canonical base64")
    if checkpoint.size != size:
        raise _Failed(f"{where} is signed for size {checkpoint.size}, not {size}")
    if size > tree.size:
        raise _Failed(f"{where} covers {size} entries, but the bundle holds {tree.size}")
    if checkpoint.root != tree.root(size):
        raise _Failed(
            f"{where}: the root recomputed from entries 0 to {size - 1} is not the signed "
            "root (an entry was changed, removed or reordered)"
        )
    return checkpoint
