"""Scans of the paperwork: upload one, read one back (service/documents.py).

A document is kept beside the database and named by the SHA-256 of its bytes; a command
names it in ``document_sha256`` (ReceiveLot, ListSupplier, ReceiveWeapon, the releases),
so the ledger proves which document was shown. Upload it first: a command naming a
document the production does not hold is answered ``unknown-reference`` and records
nothing.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from showclear.api.problems import Problem, errors
from showclear.commands.fields import Slug
from showclear.http import Member, Service
from showclear.protocol.schema import SHA256_PATTERN
from showclear.service.documents import MAX_DOCUMENT_BYTES, too_large

__all__ = ["DocumentStored", "router"]

router = APIRouter(prefix="/productions/{slug}/documents", tags=["documents"])

Sha256Path = Annotated[
    str,
    Path(
        description="The document's SHA-256, 64 lowercase hex digits.",
        pattern=SHA256_PATTERN,
        min_length=64,
        max_length=64,
    ),
]

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": f"The document's bytes, any content type, up to {MAX_DOCUMENT_BYTES:,}.",
        "content": {"application/octet-stream": _BINARY},
    }
}
_CHANGED: dict[int | str, dict[str, Any]] = {
    500: {
        "model": Problem,
        "description": "The stored file no longer hashes to its name: it was changed or "
        "damaged on disk (`verification-failed`).",
    }
}


class DocumentStored(BaseModel):
    """A document kept: the SHA-256 a command names it by."""

    sha256: str = Field(
        description="The SHA-256 of the bytes: give it as `document_sha256`.",
        pattern=SHA256_PATTERN,
    )


async def _body(request: Request) -> bytes:
    """The request's bytes, refused past the size limit without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
        raise too_large(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise too_large(size, at_least=True)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("", responses=errors(400, 401, 403, 404, 422, 503), openapi_extra=_UPLOAD)
async def upload_document(slug: Slug, request: Request, _: Member, app: Service) -> DocumentStored:
    """Keep a scan or photo of paperwork (any content type) and answer its SHA-256.

    Members only. Storing the same bytes again changes nothing. A command then names it
    in `document_sha256`.
    """
    data = await _body(request)
    return DocumentStored(sha256=await run_in_threadpool(app.put_document, slug, data))


@router.get(
    "/{sha256}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": _BINARY}},
        **errors(400, 401, 403, 404, 422, 503),
        **_CHANGED,
    },
)
def get_document(slug: Slug, sha256: Sha256Path, _: Member, app: Service) -> Response:
    """The bytes of a stored document, checked against its SHA-256 (members only)."""
    return Response(
        app.document(slug, sha256),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{sha256}"',
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{sha256}"',
        },
    )
