"""The production's paperwork, kept beside the database and named by its SHA-256.

A scan or photo of a supplier's licence, an invoice or a release slip is evidence: an
entry names it by the SHA-256 of its bytes (``document_sha256``), so the ledger proves
which document was shown, and the file proves what it said. Files are content-addressed
(``<root>/<first two hex digits>/<the other 62>``), written atomically (a temporary file
in the same directory, flushed to disk, renamed over the name, the directory flushed),
so a crash leaves either the whole document or none. Storing the same bytes twice
changes nothing; reading re-hashes the bytes, so a file changed on disk is caught.

The tree, under :class:`showclear.service.errors.ServiceError`, with each class's kind::

    DocumentError                a document cannot be stored or read             internal
    ├── DocumentTooLarge         more bytes than MAX_DOCUMENT_BYTES              bad-request
    ├── DocumentNotStored        no document by that SHA-256 (LookupError)       not-found
    ├── UnknownDocument          an entry names a document not stored           unknown-reference
    ├── DocumentChanged          the file's bytes no longer hash to its name     verification-failed
    └── DocumentsUnavailable     no directory for documents (PostgreSQL)        unavailable
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from showclear.errors import ErrorKind
from showclear.service.errors import ServiceError
from showclear.store import EntryRow

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "DocumentChanged",
    "DocumentError",
    "DocumentNotStored",
    "DocumentProblem",
    "DocumentStore",
    "DocumentTooLarge",
    "DocumentsUnavailable",
    "UnknownDocument",
    "check_sha256",
    "named_by",
    "named_documents",
    "too_large",
]

#: The field an entry names its document by (the catalogue's ``document_sha256``).
FIELD: Final = "document_sha256"
_FIELD_BYTES: Final = f'"{FIELD}"'.encode()

#: The largest document kept: a phone photo or a multi-page scan fits; a video does not.
MAX_DOCUMENT_BYTES: Final = 20 * 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")


class DocumentError(ServiceError):
    """Root of the document store's errors."""


class DocumentTooLarge(DocumentError):
    """A document larger than :data:`MAX_DOCUMENT_BYTES`."""

    kind = ErrorKind.BAD_REQUEST


class DocumentNotStored(DocumentError, LookupError):
    """No document with that SHA-256 is stored for this production."""

    kind = ErrorKind.NOT_FOUND


class UnknownDocument(DocumentError):
    """A command names a document the production does not hold: nothing is recorded."""

    kind = ErrorKind.UNKNOWN_REFERENCE


class DocumentChanged(DocumentError):
    """A stored file whose bytes no longer hash to its name: it was changed or damaged."""

    kind = ErrorKind.VERIFICATION_FAILED


class DocumentsUnavailable(DocumentError):
    """There is no directory to keep documents in (a PostgreSQL database without one)."""

    kind = ErrorKind.UNAVAILABLE


def check_sha256(sha: str) -> str:
    """``sha`` if it is 64 lowercase hex digits.

    Raises:
        DocumentNotStored: anything else (no document can have that name).
    """
    if not _SHA256.fullmatch(sha):
        raise DocumentNotStored(
            f"{sha!r} is not a document's name: a SHA-256 is 64 lowercase hex digits"
        )
    return sha


def too_large(size: int, *, at_least: bool = False) -> DocumentTooLarge:
    """The error for a document of ``size`` bytes (or more), naming the limit."""
    more = "at least " if at_least else ""
    return DocumentTooLarge(
        f"the document is {more}{_megabytes(size)} ({size:,} bytes); documents are kept up "
        f"to {_megabytes(MAX_DOCUMENT_BYTES)} ({MAX_DOCUMENT_BYTES:,} bytes): scan it at a "
        "lower resolution, or split it"
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def named_by(event: Mapping[str, object]) -> str | None:
    """The document an event names, or what its refused attempt named; None if neither."""
    attempted = event.get("attempted")
    for source in (event, attempted if isinstance(attempted, Mapping) else {}):
        sha = source.get(FIELD)
        if isinstance(sha, str):
            return sha
    return None


def named_documents(rows: Iterable[EntryRow]) -> list[str]:
    """Every document the entries name (refused attempts too), once each, in ledger order."""
    found: dict[str, None] = {}
    for row in rows:
        if _FIELD_BYTES in row.data:  # most entries name none: skip decoding them
            event = row.event()
            sha = named_by(event) if isinstance(event, Mapping) else None
            if sha is not None:
                found[sha] = None
    return list(found)


@dataclass(frozen=True)
class DocumentProblem:
    """A document the ledger names that the store does not hold as named."""

    sha256: str
    problem: Literal["missing", "changed"]

    def __str__(self) -> str:
        if self.problem == "missing":
            return f"document {self.sha256} is missing"
        return f"document {self.sha256} has changed: its bytes no longer hash to its name"


class DocumentStore:
    """Documents named by their SHA-256, in ``root`` (created on the first one stored).

    ``root`` is None where no directory was given; every use then raises
    :class:`DocumentsUnavailable` with ``unavailable`` as its message.
    """

    def __init__(self, root: Path | None, *, unavailable: str = "") -> None:
        self.root = root
        self._unavailable = unavailable or "no directory is set for documents"

    def production(self, slug: str) -> DocumentStore:
        """The store of one production's documents: a directory of its own under ``root``.

        A member of one production never reads another's paperwork by its hash.
        """
        root = None if self.root is None else self.root / slug
        return DocumentStore(root, unavailable=self._unavailable)

    def path(self, sha: str) -> Path:
        """Where the document named ``sha`` is (or would be) kept.

        Raises:
            DocumentNotStored: ``sha`` is not 64 lowercase hex digits.
            DocumentsUnavailable: no directory for documents.
        """
        check_sha256(sha)
        return self._root() / sha[:2] / sha[2:]

    def put(self, data: bytes) -> str:
        """Keep ``data`` and return its SHA-256 (hex); the same bytes again change nothing.

        A file already under that name whose bytes do not match (damaged) is replaced.

        Raises:
            DocumentTooLarge: more than :data:`MAX_DOCUMENT_BYTES`.
            DocumentsUnavailable: no directory for documents.
        """
        if len(data) > MAX_DOCUMENT_BYTES:
            raise too_large(len(data))
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if self._intact(target, sha):
            return sha
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        except OSError as e:
            raise _unwritable(target.parent, e) from e
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException as e:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(e, OSError):
                raise _unwritable(target.parent, e) from e
            raise
        _fsync_directory(target.parent)
        return sha

    def get(self, sha: str) -> bytes:
        """The bytes of the document named ``sha``, after checking they hash to it.

        Raises:
            DocumentNotStored: no such document (or ``sha`` is not a SHA-256).
            DocumentChanged: the file's bytes no longer hash to ``sha``.
            DocumentsUnavailable: no directory for documents.
        """
        target = self.path(sha)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise DocumentNotStored(f"there is no document {sha} here") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise DocumentChanged(
                f"the file of document {sha} ({target}) has changed since it was stored: its "
                "bytes no longer hash to its name; store the original again"
            )
        return data

    def has(self, sha: str) -> bool:
        """Whether a document named ``sha`` is stored (its bytes are not re-hashed).

        Raises:
            DocumentNotStored: ``sha`` is not 64 lowercase hex digits.
            DocumentsUnavailable: no directory for documents.
        """
        return self.path(sha).is_file()

    def check(self, names: Iterable[str]) -> list[DocumentProblem]:
        """Each of ``names`` that is missing, or whose bytes no longer hash to it, in order.

        Raises:
            DocumentsUnavailable: no directory for documents.
        """
        problems = []
        for sha in names:
            target = self.path(sha)
            if not target.is_file():
                problems.append(DocumentProblem(sha, "missing"))
            elif not self._intact(target, sha):
                problems.append(DocumentProblem(sha, "changed"))
        return problems

    def _root(self) -> Path:
        if self.root is None:
            raise DocumentsUnavailable(self._unavailable)
        return self.root

    @staticmethod
    def _intact(target: Path, sha: str) -> bool:
        digest = hashlib.sha256()
        try:
            with target.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha


def _unwritable(folder: Path, e: OSError) -> DocumentsUnavailable:
    """A document that cannot be kept, saying why: a full disk says so (issue 15)."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full; free space on it, then try again"
    else:
        why = e.strerror or str(e) or type(e).__name__
    return DocumentsUnavailable(
        f"cannot keep the document in {folder}: {why}; nothing was recorded"
    )


def _fsync_directory(directory: Path) -> None:
    """Flush a directory's entries, so that a rename into it survives a crash (POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform that cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
