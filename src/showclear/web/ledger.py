"""The ledger: its entries, the signed checkpoint, and the inclusion proof of any entry.

Read through the API's ledger route functions; the entry page also checks the
proof in the browser (SHA-256 by WebCrypto, RFC 9162 §2.1.3.2), so a reader need
not take the server's word for it.
"""

from __future__ import annotations

import base64
import json
from typing import Annotated

from fastapi import Path, Query, Request, Response

from showclear.api.fields import Slug
from showclear.api.routes import ledger as api
from showclear.api.security import Service
from showclear.ledger import MAX_SAFE_INTEGER
from showclear.service import NotFound
from showclear.web.render import page
from showclear.web.routing import Viewer, page_router

__all__ = ["router"]

router = page_router()

PAGE = 50


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
    listed = api.entries(slug, member, app, start=start, limit=max(1, end - start))
    return page(
        request,
        "ledger.html",
        title="Ledger",
        checkpoint=checkpoint,
        key=app.verifier_key(slug),
        size=size,
        entries=list(reversed(listed.entries)),
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
    listed = api.entries(slug, member, app, start=index, limit=1)
    if not listed.entries:
        raise NotFound(f"there is no entry {index}: the ledger has {listed.size} entries")
    entry = listed.entries[0]
    proof = api.inclusion(slug, index, member, app, size=None, format="json")
    data = base64.b64decode(entry.data)
    return page(
        request,
        "entry.html",
        title=f"Entry {index}",
        entry=entry,
        text=data.decode("utf-8", errors="replace"),
        pretty=json.dumps(entry.event, indent=2, ensure_ascii=False, sort_keys=True),
        leaf_hex=base64.b64decode(entry.leaf_hash).hex(),
        proof=proof,
    )
