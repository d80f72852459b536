"""The export bundle's layout (format ``showclear-bundle v1``): names, README, zip container.

A bundle is a zip archive, stored (not compressed) with fixed metadata, so that the
same ledger always gives the same bytes::

    README.md                    how to check the bundle, with or without showclear
    verifier-key.txt             the production's verifier key (C2SP signed-note), one line
    checkpoints/<size>.txt       every signed checkpoint (C2SP tlog-checkpoint), verbatim
    entries/<index>.json         every entry: the exact bytes that were hashed

Numbers in names are zero-padded to 8 digits so the names sort in ledger order.
Everything here is pure: no database, no clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Final

__all__ = [
    "FORMAT",
    "KEY_NAME",
    "README_NAME",
    "checkpoint_name",
    "entry_name",
    "parse_name",
    "readme",
    "zip_members",
]

FORMAT: Final = "showclear-bundle v1"
README_NAME: Final = "README.md"
KEY_NAME: Final = "verifier-key.txt"
_ENTRY = re.compile(r"entries/(\d{8,})\.json")
_CHECKPOINT = re.compile(r"checkpoints/(\d{8,})\.txt")
#: Zip timestamps start in 1980; every member carries this one, so exports are reproducible.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def entry_name(index: int) -> str:
    return f"entries/{index:08d}.json"


def checkpoint_name(size: int) -> str:
    return f"checkpoints/{size:08d}.txt"


def parse_name(name: str) -> tuple[str, int] | None:
    """``("entry", index)`` or ``("checkpoint", size)`` for a numbered member, else None."""
    for kind, pattern in (("entry", _ENTRY), ("checkpoint", _CHECKPOINT)):
        if found := pattern.fullmatch(name):
            return kind, int(found[1])
    return None


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """The canonical zip archive of ``members``, in the order given.

    Stored, with the same timestamp, permissions and system on every member: the
    bytes depend only on the names and contents, which is what lets a verifier
    check that not one byte of the container was altered.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever system writes it
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, data)
    return out.getvalue()


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

The verifier key is:

    {key}

Compare it with the key the production published (its first entry names it too,
but only a key you obtained independently proves who signed). Everything below
shows that the bundle is exactly what that key signed, and that no entry was
changed, removed or reordered after any checkpoint was signed.

## With showclear

    showclear verify --bundle this-file.zip

It needs no database and no network. It recomputes every leaf hash and the root
at every checkpoint, checks every signature and the consistency of each
checkpoint with the next, and checks that no byte of this archive was altered.
It exits 0 if all of it holds, or 1 naming the first problem.

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
       tail -n 1 {last} | cut -d' ' -f3 | base64 -d | tail -c 64 > signature.bin
       openssl pkeyutl -verify -pubin -inkey key.der -keyform DER -rawin \\
           -in signed.txt -sigfile signature.bin

   It prints "Signature Verified Successfully". Repeat for every file in
   checkpoints/.

Independent verifiers of these formats exist too (for example Go's
golang.org/x/mod/sumdb/note and /tlog packages).
"""
