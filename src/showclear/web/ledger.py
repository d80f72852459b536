"""The ledger: its entries, the signed checkpoint, and the inclusion proof of any entry.

Read from the service, in the shapes the API's ledger routes answer with (bytes and
hashes in base64); the entry page also checks the proof in the browser (SHA-256 by
WebCrypto, RFC 9162 §2.1.3.2), so a reader need not take the server's word for it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response

from showclear.commands.fields import Slug
from showclear.http import Service
from showclear.ledger import MAX_SAFE_INTEGER, TlogProof
from showclear.service import App, NotFound
from showclear.store import EntryRow
from showclear.web.render import page
from showclear.web.routing import Viewer, page_router

__all__ = ["LedgerEntry", "entries", "router"]

router = page_router()

PAGE = 50


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class LedgerEntry:
    """An entry as the API's ``GET .../ledger/entries`` shows it."""

    index: int
    data: str  # the entry's exact bytes, base64
    leaf_hash: str  # SHA-256(0x00 || data), base64 (RFC 9162 §2.1)
    event: Any  # the entry decoded, or None if it does not decode

    @classmethod
    def of(cls, row: EntryRow) -> LedgerEntry:
        try:
            event = row.event()
        except ValueError:
            event = None
        return cls(row.index, _b64(row.data), _b64(row.leaf_hash), event)


def entries(app: App, slug: str, start: int, limit: int) -> tuple[int, list[LedgerEntry]]:
    """The ledger's size and up to ``limit`` entries from index ``start``."""
    size, rows = app.entries(slug, start, limit)
    return size, [LedgerEntry.of(row) for row in rows]


@router.get("/ledger")
def ledger_page(
    request: Request,
    slug: Slug,
    member: Viewer,
    app: Service,
    before: Annotated[int | None, Query(ge=1, le=MAX_SAFE_INTEGER)] = None,
) -> Response:
    """The newest entries (50 a page), the latest signed checkpoint and the verifier key."""
    checkpoint = app.checkpoint(slug)
    size = int(checkpoint.splitlines()[1])
    end = min(before or size, size)
    start = max(0, end - PAGE)
    _, listed = entries(app, slug, start, max(1, end - start))
    return page(
        request,
        "ledger.html",
        title="Ledger",
        checkpoint=checkpoint,
        key=app.verifier_key(slug),
        size=size,
        entries=list(reversed(listed)),
        older=start if start > 0 else None,
        newer=min(end + PAGE, size) if end < size else None,
    )


@router.get("/ledger/{index}")
def entry_page(
    request: Request,
    slug: Slug,
    index: Annotated[int, Path(ge=0, le=MAX_SAFE_INTEGER)],
    member: Viewer,
    app: Service,
) -> Response:
    """One entry: its exact bytes, its leaf hash, and its inclusion proof."""
    size, listed = entries(app, slug, index, 1)
    if not listed:
        raise NotFound(f"there is no entry {index}: the ledger has {size} entries")
    entry = listed[0]
    proof = TlogProof.parse(app.prove_inclusion(slug, index))
    data = base64.b64decode(entry.data)
    return page(
        request,
        "entry.html",
        title=f"Entry {index}",
        entry=entry,
        text=data.decode("utf-8", errors="replace"),
        pretty=json.dumps(entry.event, indent=2, ensure_ascii=False, sort_keys=True),
        leaf_hex=base64.b64decode(entry.leaf_hash).hex(),
        proof={
            "index": proof.index,
            "hashes": [_b64(h) for h in proof.hashes],
            "checkpoint": proof.checkpoint_note,
        },
    )
