"""Scans of the paperwork through the API: upload, read back, and a command naming one."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from showclear.service.documents import MAX_DOCUMENT_BYTES, DocumentStore

from .world import World

INVOICE = b"%PDF-1.4 Blanks Ltd invoice 77: 30 quarter-load blanks .45 Colt\n"
SHA = hashlib.sha256(INVOICE).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def documents(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for the documents, on either backend (PostgreSQL has no default)."""
    root = tmp_path_factory.mktemp("documents")
    world.app.documents = DocumentStore(root)
    return root


def _lot(lot: str, document: str) -> dict[str, object]:
    return {
        "lot": lot,
        "kind": "blank",
        "caliber": ".45 Colt",
        "count": 30,
        "supplier": "blanks-ltd",
        "origin": "invoice 77 (30 rounds)",
        "storage": "safe-1",
        "load": "quarter",
        "document_sha256": document,
    }


def test_an_uploaded_invoice_is_named_by_the_lot_received(
    client: httpx.Client, world: World
) -> None:
    """POST /documents answers the SHA-256; ReceiveLot names it; the entry and GET agree."""
    ava = world.auth("ava")
    uploaded = client.post(
        world.path("/documents"),
        content=INVOICE,
        headers={**ava, "Content-Type": "application/pdf"},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json() == {"sha256": SHA}
    received = client.post(world.path("/lots"), json=_lot("blanks-77", SHA), headers=ava)
    assert received.status_code == 200, received.json()
    event = received.json()["entries"][-1]["event"]
    assert (event["type"], event["document_sha256"]) == ("LotReceived", SHA)
    fetched = client.get(world.path(f"/documents/{SHA}"), headers=world.auth("pat"))
    assert fetched.status_code == 200
    assert fetched.content == INVOICE
    assert fetched.headers["content-type"] == "application/octet-stream"


def test_a_lot_naming_a_document_never_uploaded_records_nothing(
    client: httpx.Client, world: World
) -> None:
    """The service checks the document is held before deciding: 422, and no entry."""
    before = world.size()
    unknown = hashlib.sha256(b"a document nobody uploaded").hexdigest()
    response = client.post(
        world.path("/lots"), json=_lot("blanks-78", unknown), headers=world.auth("ava")
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/unknown-reference")
    assert "store the scan first" in problem["detail"]
    assert world.size() == before


def test_documents_are_for_members_only(client: httpx.Client, world: World) -> None:
    """Without a session or token, neither upload nor read is answered."""
    assert client.post(world.path("/documents"), content=INVOICE).status_code == 401
    assert client.get(world.path(f"/documents/{SHA}")).status_code == 401


def test_an_upload_over_the_limit_is_refused_naming_it(client: httpx.Client, world: World) -> None:
    """More than 20 MB is a bad request that says the limit and the size."""
    response = client.post(
        world.path("/documents"),
        content=b"x" * (MAX_DOCUMENT_BYTES + 1),
        headers=world.auth("ava"),
    )
    assert response.status_code == 400
    assert "documents are kept up to 20.0 MB" in response.json()["detail"]


def test_a_malformed_or_unknown_hash_is_answered_as_such(
    client: httpx.Client, world: World
) -> None:
    """A name that is no SHA-256 fails the schema (422); an unknown one is not found (404)."""
    ava = world.auth("ava")
    assert client.get(world.path("/documents/not-a-hash"), headers=ava).status_code == 422
    unknown = hashlib.sha256(b"never stored").hexdigest()
    missing = client.get(world.path(f"/documents/{unknown}"), headers=ava)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
