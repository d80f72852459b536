"""The document store: scans of paperwork kept beside the database, named by SHA-256."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from showclear.service import TRUSTED, App, FixedClock, MemoryKeyring, build_app
from showclear.service.app import _document_store
from showclear.service.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentChanged,
    DocumentNotStored,
    DocumentStore,
    DocumentsUnavailable,
    DocumentTooLarge,
    UnknownDocument,
)

SCAN = b"%PDF-1.4 invoice 4471: 50 dummy rounds .45 Colt\n"
SHA = hashlib.sha256(SCAN).hexdigest()
CALL = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def test_a_document_is_kept_under_its_sha256_and_read_back(tmp_path: Path) -> None:
    """put answers the SHA-256 and files the bytes under <root>/<2 hex>/<62 hex>."""
    store = DocumentStore(tmp_path / "docs")
    assert store.put(SCAN) == SHA
    assert (tmp_path / "docs" / SHA[:2] / SHA[2:]).read_bytes() == SCAN
    assert store.has(SHA)
    assert store.get(SHA) == SCAN


def test_storing_the_same_bytes_twice_changes_nothing(tmp_path: Path) -> None:
    """The second put is a no-op: the same name, the same file, not rewritten."""
    store = DocumentStore(tmp_path)
    store.put(SCAN)
    path = store.path(SHA)
    before = path.stat()
    assert store.put(SCAN) == SHA
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in path.parent.iterdir()) == [SHA[2:]]


def test_a_document_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails before the rename leaves no file under the name, nor a temporary."""
    store = DocumentStore(tmp_path)

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(DocumentsUnavailable, match=r"cannot keep the document in .*: disk full"):
        store.put(SCAN)
    assert not store.has(SHA)
    assert list(store.path(SHA).parent.iterdir()) == []  # the temporary file is gone


def test_a_changed_file_is_refused_when_read(tmp_path: Path) -> None:
    """get re-hashes: bytes that no longer hash to the name are an error, not evidence."""
    store = DocumentStore(tmp_path)
    store.put(SCAN)
    store.path(SHA).write_bytes(SCAN.replace(b"50", b"60"))
    with pytest.raises(DocumentChanged, match="no longer hash to its name"):
        store.get(SHA)
    assert [str(p) for p in store.check([SHA])] == [
        f"document {SHA} has changed: its bytes no longer hash to its name"
    ]
    store.put(SCAN)  # storing the original again repairs it
    assert store.get(SHA) == SCAN and store.check([SHA]) == []


def test_a_missing_document_is_named(tmp_path: Path) -> None:
    """get of an unknown hash says there is none; check lists it as missing."""
    store = DocumentStore(tmp_path)
    with pytest.raises(DocumentNotStored, match=f"there is no document {SHA}"):
        store.get(SHA)
    assert [p.problem for p in store.check([SHA])] == ["missing"]
    with pytest.raises(DocumentNotStored, match="64 lowercase hex digits"):
        store.get("../../etc/passwd")


def test_a_document_over_the_limit_is_refused_naming_the_limit_and_its_size(
    tmp_path: Path,
) -> None:
    """20 MB is the limit; the error says how large the document was."""
    store = DocumentStore(tmp_path)
    with pytest.raises(DocumentTooLarge, match=r"20\.0 MB \(20,971,521 bytes\).*up to 20\.0 MB"):
        store.put(b"x" * (MAX_DOCUMENT_BYTES + 1))


def test_without_a_directory_every_use_says_what_to_set() -> None:
    """A PostgreSQL database has no place beside it: using documents names the option."""
    store = _document_store("postgresql://localhost/showclear", None).production("p")
    with pytest.raises(DocumentsUnavailable, match=r"--documents DIR.*SHOWCLEAR_DOCUMENTS"):
        store.put(SCAN)


def test_a_sqlite_database_keeps_its_documents_beside_it(tmp_path: Path) -> None:
    """<db>.documents/<slug>/: each production has its own, so none reads another's."""
    db = tmp_path / "set.db"
    app = build_app(str(db), keyring=MemoryKeyring(), clock=FixedClock(CALL))
    try:
        app.init_production("Dust Creek")
        app.init_production("Other Show")
        assert app.put_document("dust-creek", SCAN) == SHA
        assert (tmp_path / "set.db.documents" / "dust-creek" / SHA[:2] / SHA[2:]).is_file()
        with pytest.raises(DocumentNotStored):
            app.document("other-show", SHA)
    finally:
        app.close()


def _lot(document: str) -> dict[str, object]:
    return {
        "type": "LotReceived",
        "lot": "D-1",
        "kind": "dummy",
        "caliber": ".45 Colt",
        "count": 50,
        "supplier": "prop-house",
        "origin": "invoice 4471",
        "storage": "safe-1",
        "document_sha256": document,
    }


def test_a_command_naming_an_unknown_document_records_nothing(app: App, tmp_path: Path) -> None:
    """The protocol cannot see files: the service refuses the command before any entry."""
    app.documents = DocumentStore(tmp_path / "docs")
    info = app.init_production("Dust Creek")
    with pytest.raises(UnknownDocument, match="store the scan first"):
        app.submit(info.slug, _lot(SHA), TRUSTED)
    assert app.production(info.slug).size == info.size
