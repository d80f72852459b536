"""Checking an export bundle offline: no database, no network, only :mod:`showclear.ledger`.

The steps, in order; the first that fails is named in the report:

1. the file is a zip archive holding README.md, verifier-key.txt, entries 0 to
   n - 1 and at least one checkpoint, and nothing else, each under its one canonical
   name (:func:`~showclear.bundle.layout.parse_name`), stored uncompressed as this
   format writes it, and within its size limit
   (:func:`~showclear.bundle.layout.size_limit`); all of this is read from the zip's
   central directory before any member is read, and each member is then read with
   its limit as a cap, so a crafted archive (a zip bomb, overlapping members) is
   refused after reading no more than the file's own size;
2. the verifier key is an Ed25519 key in C2SP signed-note form, written canonically,
   and it is the key the caller pinned, if any (:class:`~showclear.ledger.pins.Pins`);
3. every entry is canonical JSON (DESIGN, "Entry bytes") and entry 0 is the
   production's first entry, naming this key and its origin;
4. every leaf hash is recomputed from the entry's exact bytes (RFC 9162 §2.1.1), and
   every passkey signature an entry holds verifies with the key enrolled earlier in
   the bundle, over the challenge recomputed from the entry and the root it names
   (:mod:`showclear.protocol.signing`);
5. every checkpoint's signed note verifies with the key (C2SP signed-note), carries
   the production's signature line first in canonical base64, then only
   well-formed cosignature lines (C2SP tlog-cosignature), names its own size, and
   states the root recomputed from the first ``size`` entries (C2SP
   tlog-checkpoint); every cosignature by a pinned witness verifies;
6. each checkpoint is consistent with the next (an RFC 9162 §2.1.4 proof, made
   from the entries and verified), and none is missing from the chain in which each
   names, signed, the one before it (:mod:`showclear.ledger.chain`);
7. the latest checkpoint covers every entry, and carries cosignatures by the
   quorum of pinned witnesses;
8. the README is the one this format writes for this bundle;
9. the zip container is byte for byte the canonical archive of its members, so
   that not one byte of the file, headers included, was altered.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from showclear.bundle.layout import (
    KEY_NAME,
    README_NAME,
    parse_name,
    readme,
    size_limit,
    zip_members,
)
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
from showclear.ledger.chain import Link, check_chain, link_of
from showclear.ledger.cosignature import cosignatures_in
from showclear.ledger.pins import Pins, check_quorum, cosigners_of
from showclear.protocol.signing import PasskeyLedger

__all__ = ["BundleReport", "verify_bundle"]

#: The production's signature in a checkpoint: a 4-byte key id and a 64-byte Ed25519
#: signature (C2SP signed-note); a cosignature adds an 8-byte timestamp.
_SIGNATURE_LINE_BYTES = 4 + 64
#: The fixed part of a zip member's local header (APPNOTE.TXT 4.3.7), before its name.
_LOCAL_HEADER = 30


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
    #: Whether the verifier key was the one the caller pinned (authenticity checked).
    pinned: bool = False
    #: The pinned witnesses that cosigned the latest checkpoint, with their timestamps.
    witnessed: dict[str, int] = field(default_factory=dict)
    #: Names on cosignatures by keys that were not pinned: present, but not checked.
    unchecked_cosigners: list[str] = field(default_factory=list)
    #: What the bundle's own data does not let a verifier see, in words.
    unseen: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_bundle(data: bytes, pins: Pins | None = None) -> BundleReport:
    """Check every byte of an export bundle against its signed checkpoints and ``pins``.

    Without a pinned key only the bundle's consistency is checked (``report.pinned``
    is False): anyone can write a consistent bundle with a key of their own.
    """
    report = BundleReport()
    try:
        _verify(data, report, pins or Pins())
    except _Failed as e:
        report.problem = str(e)
    return report


def _read(data: bytes) -> list[tuple[str, bytes]]:
    """1. The members, read strictly: the directory is checked before any member is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as e:  # a damaged container raises many kinds; each is "damaged"
        raise _Failed(f"the bundle is not an intact zip archive: {e}") from e
    with archive:
        infos = archive.infolist()
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            limit = size_limit(name)
            if limit is None:
                raise _Failed(
                    f"the bundle holds {name!r}, which is not part of a ledger bundle "
                    "(names are exactly README.md, verifier-key.txt, "
                    "entries/NNNNNNNN.json and checkpoints/NNNNNNNN.txt)"
                )
            if name in seen:
                raise _Failed(f"the bundle holds {name!r} twice")
            seen.add(name)
            if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
                raise _Failed(
                    f"{name} is compressed in the zip; a ledger bundle stores every member "
                    "as it is (the file was not written by showclear export)"
                )
            if info.file_size > limit:
                raise _Failed(
                    f"{name} declares {info.file_size:,} bytes; a bundle's member of this "
                    f"kind holds at most {limit:,}"
                )
        # Stored members lie side by side in the file, each after its local header: two
        # directory records pointing at the same bytes would make a small file read big.
        end = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            if info.header_offset < end:
                raise _Failed(
                    f"{info.filename} starts inside the member before it in the file: the "
                    "zip's members overlap"
                )
            end = info.header_offset + _LOCAL_HEADER + len(info.orig_filename) + info.file_size
        if end > len(data):
            raise _Failed("the zip's directory declares members beyond the end of the file")
        try:
            return [(info.filename, _member(archive, info)) for info in infos]
        except _Failed:
            raise
        except Exception as e:  # zipfile checks each member's CRC-32 as it reads it
            raise _Failed(f"the bundle is not an intact zip archive: {e}") from e


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never reading more than its size as the directory declares it."""
    with archive.open(info) as stream:
        content = stream.read(info.file_size + 1)
    if len(content) != info.file_size:
        raise _Failed(
            f"{info.filename} holds {len(content):,} bytes, not the {info.file_size:,} "
            "its directory entry declares"
        )
    return content


def _verify(data: bytes, report: BundleReport, pins: Pins) -> None:
    members = _read(data)
    files = dict(members)
    entries: dict[int, bytes] = {}
    notes: dict[int, bytes] = {}
    for name, content in members:
        parsed = parse_name(name)
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

    # 2. The verifier key, and the key the caller pinned.
    verifier = _verifier(files[KEY_NAME])
    report.verifier_key, report.origin = verifier.verifier_key(), verifier.name
    if pins.key is not None:
        if pins.key.verifier_key() != report.verifier_key:
            raise _Failed(
                f"the bundle is signed with the key {report.verifier_key}, not with the key "
                f"you pinned ({pins.key.verifier_key()}): it is not that production's ledger, "
                "or not signed by it"
            )
        report.pinned = True

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

    # 5. Every checkpoint: signature, size, root, cosignatures; 6. consistency with the
    #    previous one.
    previous: Checkpoint | None = None
    links: dict[int, Link | None] = {}
    cosigners: dict[str, int] = {}
    unchecked: set[str] = set()
    for size in sorted(notes):
        checkpoint = _checkpoint(size, notes[size], verifier, tree, links)
        cosigners = _cosigners(size, notes[size].decode(), pins, unchecked)
        if previous is not None:
            proof = consistency_proof(previous.size, size, tree)
            try:
                verify_consistency(previous.size, size, previous.root, checkpoint.root, proof)
            except LedgerError as e:
                raise _Failed(
                    f"checkpoint {size} is not consistent with checkpoint {previous.size}: {e}"
                ) from e
        previous = checkpoint
    try:
        start = check_chain(links)
    except LedgerError as e:
        raise _Failed(str(e)) from e
    if len(notes) > 1 and (start is None or start > min(notes)):
        report.unseen.append(
            "no checkpoint names the one signed before it: a deleted checkpoint cannot be seen"
            if start is None
            else f"the checkpoints before size {start} were signed before each checkpoint "
            "named the one before it: a deletion among them cannot be seen"
        )
    report.checkpoints = len(notes)
    assert previous is not None

    # 7. The latest checkpoint covers every entry.
    if previous.size != len(entries):
        raise _Failed(
            f"the latest checkpoint covers {previous.size} entries, but the bundle holds "
            f"{len(entries)}"
        )
    report.root = base64.b64encode(previous.root).decode()
    if pins.witnesses:
        try:
            check_quorum(previous.size, cosigners, pins)
        except LedgerError as e:
            raise _Failed(str(e)) from e
    report.witnessed = cosigners
    report.unchecked_cosigners = sorted(unchecked)

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


def _cosigners(size: int, note: str, pins: Pins, unchecked: set[str]) -> dict[str, int]:
    """The pinned witnesses that cosigned the checkpoint (each must verify); others noted."""
    try:
        cosigners = cosigners_of(note, pins.witnesses)
    except LedgerError as e:
        raise _Failed(f"checkpoint {size}: {e}") from e
    pinned = {(w.name, w.key_id) for w in pins.witnesses}
    unchecked.update(c.name for c in cosignatures_in(note) if (c.name, c.key_id) not in pinned)
    return cosigners


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
    size: int,
    content: bytes,
    verifier: Ed25519Verifier,
    tree: MemoryTree,
    links: dict[int, Link | None],
) -> Checkpoint:
    where = f"checkpoint {size}"
    try:
        note = content.decode("utf-8")
        checkpoint = open_checkpoint(note, verifier)
    except (UnicodeDecodeError, LedgerError) as e:
        raise _Failed(f"{where} does not verify: {e}") from e
    signatures = note.rpartition("\n\n")[2]
    first, *others = signatures.removesuffix("\n").split("\n")
    prefix = f"\u2014 {verifier.name} "
    try:
        blob = base64.b64decode(first.removeprefix(prefix), validate=True)
    except (ValueError, binascii.Error) as e:
        raise _Failed(f"{where} has an unreadable signature: {e}") from e
    if (
        not first.startswith(prefix)
        or len(blob) != _SIGNATURE_LINE_BYTES
        or blob[:4] != verifier.key_id
    ):
        raise _Failed(f"{where} does not carry the production's signature line first")
    if base64.b64encode(blob).decode() != first[len(prefix) :]:
        raise _Failed(f"{where} writes its signature in non-canonical base64")
    try:
        cosignatures = cosignatures_in(note)
    except LedgerError as e:
        raise _Failed(f"{where} carries a malformed signature line: {e}") from e
    try:
        links[size] = link_of(note, verifier)  # its link to the one before (ledger.chain)
    except LedgerError as e:
        raise _Failed(str(e)) from e
    if len(cosignatures) + (links[size] is not None) != len(others):
        raise _Failed(
            f"{where} carries other signature lines than the production's own and "
            "witnesses' cosignatures"
        )
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
