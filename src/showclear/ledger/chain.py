"""The chain of a log's checkpoints: each names, signed, the checkpoint signed before it.

showclear signs one checkpoint per commit. The entries cannot say where commits ended
(their bytes are fixed: DESIGN, "Entry bytes"), so without more, a checkpoint deleted
from between two others leaves no trace. The checkpoint's body cannot say it either:
it stays the three lines of C2SP tlog-checkpoint, since extension lines are NOT
RECOMMENDED there, independent verifiers (tlog-scales) do not read them, and ML-DSA
cosignatures do not cover them.

So every checkpoint carries, after the production's own signature line, one more
signature line by the same key, of a signature type of its own (C2SP signed-note,
"Signature types": 0xff, "reserved for signature types without an identifier byte",
followed by the identifier :data:`CHAIN_TYPE`)::

    — <origin> base64(key id || uint64 previous || uint64 start || Ed25519 signature)

- ``previous`` is the size of the checkpoint signed just before this one (0 for a
  ledger's first), ``start`` the size of the first checkpoint of the chain (the
  ledger's first, or the first signed after a ledger from before the chain was
  upgraded); a checkpoint that starts the chain has ``start`` equal to its size;
- the key id is ``SHA-256(origin || 0x0A || 0xff || CHAIN_TYPE || public key)[:4]``,
  so the line is told apart from the checkpoint's signature (type 0x01);
- the signed message is ``showclear-previous/v1``, ``previous <size>``, ``start
  <size>``, each on its own line, then the checkpoint body: it can be neither a
  checkpoint body (its second line is not a number) nor a cosignature's message
  (C2SP tlog-cosignature, ``cosignature/v1``); the line is 84 bytes long, so it is
  never taken for an Ed25519 cosignature (76).

Verifiers that do not know the type ignore the line, as C2SP signed-note requires of
unknown signatures. :func:`check_chain` walks the chain: deleting a checkpoint breaks
a link, and removing the lines of the first checkpoints contradicts the ``start``
that later ones sign. Deleting the latest checkpoint leaves entries no checkpoint
covers (:mod:`showclear.ledger.verify`, step 7). Checkpoints signed before the chain
existed carry no line: a deletion among those cannot be detected, and
:func:`check_chain` says where the chain starts. Everything here is pure.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from showclear.ledger.checkpoint import Checkpoint
from showclear.ledger.errors import VerificationError
from showclear.ledger.note import Ed25519Signer, Ed25519Verifier

__all__ = [
    "CHAIN_HEADER",
    "CHAIN_TYPE",
    "Link",
    "chain_key_id",
    "chain_line",
    "check_chain",
    "check_chain_in_order",
    "link_of",
    "next_link",
    "stated_link",
]

#: The identifier after the signature type byte 0xff (C2SP signed-note).
CHAIN_TYPE = b"showclear-previous/v1"
#: The first line of every signed message: domain separation.
CHAIN_HEADER = "showclear-previous/v1\n"
_TYPE_BYTE = b"\xff"
_DASH = "\u2014 "
_BLOB_SIZE = 4 + 8 + 8 + 64


@dataclass(frozen=True, slots=True)
class Link:
    """What a checkpoint's chain line says: the checkpoint before it, and the chain's start."""

    previous: int
    start: int


def chain_key_id(name: str, public_key: bytes) -> bytes:
    """The key id of a chain line: SHA-256(name || 0x0A || 0xff || CHAIN_TYPE || key)[:4]."""
    digest = hashlib.sha256(name.encode() + b"\n" + _TYPE_BYTE + CHAIN_TYPE + public_key)
    return digest.digest()[:4]


def _message(body: str, link: Link) -> bytes:
    return f"{CHAIN_HEADER}previous {link.previous}\nstart {link.start}\n{body}".encode()


def next_link(previous_size: int, previous: Link | None, size: int) -> Link:
    """The link of a new checkpoint at ``size``, after the one at ``previous_size``.

    ``previous`` is that checkpoint's own link (None: the ledger has no checkpoint yet,
    or its latest was signed before the chain existed, so this one starts the chain).
    """
    start = previous.start if previous is not None else size
    return Link(previous_size, start)


def chain_line(signer: Ed25519Signer, body: str, link: Link) -> str:
    """The signature line of ``link`` for the checkpoint ``body``, by the production's key."""
    signature = signer.sign(_message(body, link))
    blob = (
        chain_key_id(signer.name, signer.public_key)
        + link.previous.to_bytes(8, "big")
        + link.start.to_bytes(8, "big")
        + signature
    )
    return f"{_DASH}{signer.name} {base64.b64encode(blob).decode()}\n"


def _links_in(note: str, name: str, public_key: bytes) -> list[tuple[Link, bytes]]:
    """Every chain line of ``name``'s key in the note, with its signature; not verified."""
    wanted = chain_key_id(name, public_key)
    found: list[tuple[Link, bytes]] = []
    for line in note[note.rfind("\n\n") + 2 :].split("\n"):
        named, _, b64 = line.removeprefix(_DASH).partition(" ")
        if not line.startswith(_DASH) or named != name:
            continue
        try:
            blob = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error):
            continue  # not a chain line; the note's own checks name a malformed one
        if len(blob) == _BLOB_SIZE and blob[:4] == wanted:
            link = Link(int.from_bytes(blob[4:12], "big"), int.from_bytes(blob[12:20], "big"))
            found.append((link, blob[20:]))
    return found


def stated_link(note: str, signer: Ed25519Signer) -> Link | None:
    """The link the signer's own latest checkpoint states, unverified (to sign the next).

    A stated link that was forged in the database gives the next checkpoint a start
    that contradicts the chain: :func:`check_chain` names it.
    """
    found = _links_in(note, signer.name, signer.public_key)
    return found[0][0] if len(found) == 1 else None


def link_of(note: str, key: Ed25519Verifier) -> Link | None:
    """The link a signed checkpoint ``note`` carries, verified with ``key``; None if none.

    Raises:
        VerificationError: the note carries two, or one whose signature does not
            verify, or one that names a previous size not below its own.
        CheckpointError: the note's body is not a checkpoint.
    """
    body = note[: note.rfind("\n\n") + 1]
    found = _links_in(note, key.name, key.public_key)
    if not found:
        return None
    size = Checkpoint.parse(body).size
    where = f"checkpoint at size {size}"
    if len(found) > 1:
        raise VerificationError(f"{where}: it names the checkpoint before it twice")
    link, signature = found[0]
    if not key.verify(_message(body, link), signature):
        raise VerificationError(
            f"{where}: the line naming the checkpoint before it does not verify with the "
            "production's key (it was changed)"
        )
    if not (link.previous < size and link.start <= size):
        raise VerificationError(
            f"{where}: it names checkpoint {link.previous} as the one before it, and a chain "
            f"starting at {link.start}, not both below its own size"
        )
    return link


def check_chain(links: Mapping[int, Link | None]) -> int | None:
    """Check that no checkpoint of the chain is missing; return the size it starts at.

    ``links`` maps every stored checkpoint's size to its verified link (:func:`link_of`),
    or None. From the chain's start on, every checkpoint carries a link naming the
    stored checkpoint just before it, and the same start; before it, none does (a
    ledger from before the chain). Returns None when no checkpoint carries a link, so
    that no deletion would be seen.

    Raises:
        VerificationError: names the first missing checkpoint, or the first link that
            was removed or does not belong to the chain.
    """
    return check_chain_in_order(sorted(links.items()))


def check_chain_in_order(links: Iterable[tuple[int, Link | None]]) -> int | None:
    """:func:`check_chain` over ``(size, link)`` pairs given smallest size first, read once
    (a verifier streams them: it never holds every checkpoint)."""
    start: int | None = None
    last = 0
    for size, link in links:
        before, last = last, size
        if link is None:
            if start is not None:
                raise VerificationError(
                    f"checkpoint at size {size} does not name the checkpoint signed before "
                    f"it, although every checkpoint since size {start} does: its line was "
                    "removed"
                )
            continue
        if start is None:
            start = link.start
            if link.start < size:
                missing = "are missing" if link.start > before else "lost the lines naming"
                raise VerificationError(
                    f"checkpoint at size {size} says the chain of checkpoints starts at size "
                    f"{link.start}, but the checkpoints from there to {before} {missing} the "
                    "checkpoint before each: checkpoints were deleted, or their lines removed"
                )
        elif link.start != start:
            raise VerificationError(
                f"checkpoint at size {size} says the chain starts at size {link.start}, the "
                f"checkpoints before it at size {start}: it is not part of this chain"
            )
        if link.previous > before:
            raise VerificationError(
                f"checkpoint {link.previous} is missing: the checkpoint at size {size} names "
                "it as the one signed just before it (it was deleted)"
            )
        if link.previous < before:
            raise VerificationError(
                f"checkpoint at size {before} is not part of this ledger's chain of "
                f"checkpoints: the one at size {size} names checkpoint {link.previous} as "
                "signed just before it"
            )
    return start
