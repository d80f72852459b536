"""The export bundle's layout (format ``showclear-bundle v1``): names, README, zip container.

A bundle is a zip archive, stored (not compressed) with fixed metadata, so that the
same ledger always gives the same bytes::

    README.md                    how to check the bundle, with or without showclear
    verifier-key.txt             the production's verifier key (C2SP signed-note), one line
    checkpoints/<size>.txt       every signed checkpoint (C2SP tlog-checkpoint), verbatim
    entries/<index>.json         every entry: the exact bytes that were hashed

Numbers in names are zero-padded to 8 digits so the names sort in ledger order; a
name is exactly the one :func:`entry_name` or :func:`checkpoint_name` writes (no other
padding), so no two members can stand for the same entry. Each member has a size
limit (:func:`size_limit`), which a reader checks from the zip's directory before it
reads the member, and again while it reads. A checkpoint is the signed note as signed,
with the production's signature first, its link to the checkpoint before it
(:mod:`showclear.ledger.chain`), then any witness cosignatures (C2SP tlog-cosignature).
Everything here is pure: no database, no clock.
"""

from __future__ import annotations

import array
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Final

from showclear.ledger import MAX_ENTRY_BYTES

__all__ = [
    "FORMAT",
    "KEY_NAME",
    "MAX_CHECKPOINT_BYTES",
    "MAX_KEY_BYTES",
    "MAX_README_BYTES",
    "README_NAME",
    "checkpoint_name",
    "entry_name",
    "parse_name",
    "readme",
    "size_limit",
    "write_members",
    "zip_members",
]

FORMAT: Final = "showclear-bundle v1"
README_NAME: Final = "README.md"
KEY_NAME: Final = "verifier-key.txt"
_ENTRY = re.compile(r"entries/(\d{8,})\.json")
_CHECKPOINT = re.compile(r"checkpoints/(\d{8,})\.txt")
#: A signed checkpoint with its cosignatures: each line is under 200 bytes, so this
#: leaves room for some 300 witnesses.
MAX_CHECKPOINT_BYTES: Final = 64 * 1024
#: The verifier key file: one line.
MAX_KEY_BYTES: Final = 1024
#: The README this format writes is about 5 KiB.
MAX_README_BYTES: Final = 64 * 1024
#: Zip timestamps start in 1980; every member carries this one, so exports are reproducible.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def entry_name(index: int) -> str:
    return f"entries/{index:08d}.json"


def checkpoint_name(size: int) -> str:
    return f"checkpoints/{size:08d}.txt"


def parse_name(name: str) -> tuple[str, int] | None:
    """``("entry", index)`` or ``("checkpoint", size)`` for a numbered member, else None.

    Only the canonical name counts: ``entries/000000001.json`` is not entry 1.
    """
    for kind, pattern, canonical in (
        ("entry", _ENTRY, entry_name),
        ("checkpoint", _CHECKPOINT, checkpoint_name),
    ):
        if (found := pattern.fullmatch(name)) and canonical(int(found[1])) == name:
            return kind, int(found[1])
    return None


def size_limit(name: str) -> int | None:
    """The most bytes the member ``name`` may hold; None if no bundle holds such a member."""
    if name == README_NAME:
        return MAX_README_BYTES
    if name == KEY_NAME:
        return MAX_KEY_BYTES
    parsed = parse_name(name)
    if parsed is None:
        return None
    return MAX_ENTRY_BYTES if parsed[0] == "entry" else MAX_CHECKPOINT_BYTES


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3  # Unix, whatever system writes it
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """The canonical zip archive of ``members``, in the order given.

    Stored, with the same timestamp, permissions and system on every member: the
    bytes depend only on the names and contents, which is what lets a verifier
    check that not one byte of the container was altered.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(_member(name), data)
    return out.getvalue()


def write_members(out: BinaryIO, members: Iterable[tuple[str, bytes]]) -> int:
    """Write the archive :func:`zip_members` makes of ``members`` to ``out``, byte for byte
    the same, holding only a few bytes per member in memory; how many members it wrote.

    ``out`` must be seekable (a file, or BytesIO). The names must be distinct, and each
    either a numbered member (:func:`parse_name`) or one of a few others (the README).
    """
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        directory = _Directory()
        archive.filelist = directory  # type: ignore[assignment]
        for name, data in members:
            archive.writestr(_member(name), data)
            archive.NameToInfo.clear()  # the directory keeps the member, compactly
        count = len(directory)
    return count


class _Directory:
    """The central directory of an archive being written, a few bytes per member.

    :class:`zipfile.ZipFile` keeps a ``ZipInfo`` per member (hundreds of bytes) until it
    writes the directory at the end; a bundle of millions of members would hold them
    all. This stands in for its ``filelist``: numbered names are kept as numbers, and
    each member's ``ZipInfo`` is made again as the directory is written.
    """

    def __init__(self) -> None:
        self._kinds = array.array("b")  # 0: another name, 1: an entry, 2: a checkpoint
        self._numbers = array.array("q")
        self._offsets = array.array("q")
        self._crcs = array.array("L")
        self._sizes = array.array("q")
        self._others: dict[int, str] = {}
        self._template: zipfile.ZipInfo | None = None

    def append(self, info: zipfile.ZipInfo) -> None:
        parsed = parse_name(info.filename)
        position = len(self._kinds)
        if parsed is None:
            self._kinds.append(0)
            self._numbers.append(0)
            self._others[position] = info.filename
        else:
            self._kinds.append(1 if parsed[0] == "entry" else 2)
            self._numbers.append(parsed[1])
        self._offsets.append(info.header_offset)
        self._crcs.append(info.CRC)
        self._sizes.append(info.file_size)
        if self._template is None:
            self._template = info
        elif _shape(info) != _shape(self._template):
            raise ValueError(f"member {info.filename} is not stored as the others are")

    def __len__(self) -> int:
        return len(self._kinds)

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        for position, kind in enumerate(self._kinds):
            number = self._numbers[position]
            if kind == 0:
                name = self._others[position]
            else:
                name = entry_name(number) if kind == 1 else checkpoint_name(number)
            info = _member(name)
            assert self._template is not None
            info.flag_bits = self._template.flag_bits
            info.extract_version = self._template.extract_version
            info.create_version = self._template.create_version
            info.header_offset = self._offsets[position]
            info.CRC = self._crcs[position]
            info.file_size = info.compress_size = self._sizes[position]
            yield info


def _shape(info: zipfile.ZipInfo) -> tuple[object, ...]:
    """What :class:`_Directory` takes to be the same for every member."""
    return (
        info.flag_bits,
        info.extract_version,
        info.create_version,
        info.compress_type,
        info.date_time,
        info.external_attr,
        info.internal_attr,
        info.extra,
        info.comment,
        info.file_size == info.compress_size,
    )


def readme(origin: str, verifier_key: str, size: int, checkpoints: int) -> str:
    """The README of a bundle: what it holds and how to check it, with or without showclear."""
    last = checkpoint_name(size)
    return _README.format(
        format=FORMAT,
        origin=origin,
        key=verifier_key,
        size=size,
        last_index=size - 1,
        checkpoints=checkpoints,
        last=last,
        entry5=entry_name(min(5, size - 1)),
    )


_README = """\
# Ledger bundle of {origin}

Format: {format}. This archive is the complete ledger of one showclear production:
{size} entries and {checkpoints} signed checkpoints. Every event of the production
(each weapon received, inspected, loaded, handed over, fired; every refused
attempt, override, incident and review) is one entry.

    README.md                  this file
    verifier-key.txt           the production's verifier key
    entries/NNNNNNNN.json      entry N (0 to {last_index}): the exact bytes that were hashed
    checkpoints/NNNNNNNN.txt   the signed checkpoint of the first N entries

A checkpoint is a signed note: the production's signature line first; then a second
line by the same key that names, signed, the checkpoint signed just before it, so that
none can be removed unnoticed (a signature type of showclear's own, which other tools
ignore); then any cosignatures by the production's witnesses (independent parties, such
as a studio's safety office or an insurer, who cosign a checkpoint only if it extends
the last one they saw).

The verifier key is:

    {key}

This file names it, and so does entry 0, but whoever wrote a bundle can write any
key into both: only a key you obtained independently (from the production, on paper,
from its website) proves who signed. Everything below shows that the bundle is
exactly what that key signed, and that no entry was changed, removed or reordered
after any checkpoint was signed.

## With showclear

    showclear verify --bundle this-file.zip --key VERIFIER-KEY

where VERIFIER-KEY is the production's key as you obtained it. With witnesses, add
each witness's key as its operator published it, and how many must agree:

    showclear verify --bundle this-file.zip --key VERIFIER-KEY \\
        --witness WITNESS-KEY-1 --witness WITNESS-KEY-2 --quorum 2

It needs no database and no network. It recomputes every leaf hash and the root
at every checkpoint, checks every signature and the consistency of each
checkpoint with the next, that no checkpoint is missing, that the latest checkpoint
carries the cosignatures of the quorum of witnesses (C2SP tlog-cosignature), and
that no byte of this archive was altered. It exits 0 if all of it holds, or 1
naming the first problem. Without --key it checks only that the bundle is
consistent, and says that its authenticity was not checked.

## With standard tools

Unzip the archive first: `unzip this-file.zip -d bundle && cd bundle`.

The formats are public standards:

- entries: canonical JSON (UTF-8, sorted keys, no whitespace, integers only),
  a subset of RFC 8785 (JCS);
- the tree: the Merkle tree of RFC 9162 section 2.1 (RFC 6962) over SHA-256;
- checkpoints: C2SP tlog-checkpoint inside a C2SP signed note, Ed25519
  (https://c2sp.org/tlog-checkpoint, https://c2sp.org/signed-note).

1. A leaf hash is SHA-256 of a zero byte followed by the entry's bytes
   (RFC 9162 section 2.1.1). This prints the leaf hash of one entry, in hex:

       {{ printf '\\000'; cat {entry5}; }} | sha256sum

2. The root of the first N entries folds the leaf hashes as RFC 9162 section 2.1.1
   says. This Python 3 program (standard library only) prints the recomputed root
   of every checkpoint next to the root the checkpoint states (its third line);
   every line must end in "ok":

       import base64, hashlib, pathlib
       def mth(leaves):
           if len(leaves) == 1:
               return leaves[0]
           k = 1 << (len(leaves) - 1).bit_length() - 1
           return hashlib.sha256(b"\\1" + mth(leaves[:k]) + mth(leaves[k:])).digest()
       entries = sorted(pathlib.Path("entries").iterdir())
       leaves = [hashlib.sha256(b"\\0" + p.read_bytes()).digest() for p in entries]
       for note in sorted(pathlib.Path("checkpoints").iterdir()):
           size, root = note.read_text().split("\\n")[1:3]
           mine = base64.b64encode(mth(leaves[: int(size)])).decode()
           print(size, root, "ok" if mine == root else "MISMATCH")

   Every root recomputed from the same entries also shows each checkpoint is
   consistent with the next (RFC 9162 section 2.1.4): the earlier tree is a prefix
   of the later one.

3. Each checkpoint is signed with Ed25519 over its text up to the blank line
   (C2SP signed-note). With OpenSSL 3:

       printf '\\060\\052\\060\\005\\006\\003\\053\\145\\160\\003\\041\\000' > key.der
       cut -d+ -f3- verifier-key.txt | base64 -d | tail -c 32 >> key.der
       sed '/^$/,$d' {last} > signed.txt
       grep -m 1 '^\u2014 {origin} ' {last} | cut -d' ' -f3 | base64 -d | tail -c 64 \\
           > signature.bin
       openssl pkeyutl -verify -pubin -inkey key.der -keyform DER -rawin \\
           -in signed.txt -sigfile signature.bin

   It prints "Signature Verified Successfully". Repeat for every file in
   checkpoints/. The production's signature line is the one that starts with an
   em dash and the origin; the lines after it are witnesses' cosignatures (C2SP
   tlog-cosignature: Ed25519 over "cosignature/v1", a "time" line and the body).

Independent verifiers of these formats exist too (for example Go's
golang.org/x/mod/sumdb/note and /tlog packages).
"""
