"""A studio's mirrors: what one holds, and the writer's batches it verifies before storing.

``showclear mirror add`` makes a mirror and prints its upload token; the production's
writer (``showclear sync``) sends it with ``Authorization: Bearer <token>``. The checks a
batch passes are :mod:`showclear.service.mirrors`; docs/sync.md tells the whole story.

Every other read of a mirror (board, history, proofs, ...) is answered from its tables as
the writer would, with the ``Showclear-Mirror: as-of=<size>; synced=<time>`` header
(:func:`install_freshness`); every command sent to one is refused (409 ``conflict``).
"""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from showclear.api.problems import MEDIA_TYPE, PROBLEM_BASE, errors
from showclear.commands.fields import Slug
from showclear.errors import KINDS, ShowclearError
from showclear.http import Service
from showclear.ledger import MAX_SAFE_INTEGER
from showclear.service import App
from showclear.service.mirrors import (
    MIRROR_HEADER,
    Batch,
    MirrorBehind,
    MirrorGap,
    MirrorStatus,
    cosign_held,
    freshness,
    freshness_header,
    known_writer,
    mirror_state,
    mirror_status,
    receive_batch,
)
from showclear.store import ProductionNotFound, StoreError

__all__ = ["MirrorAccepted", "MirrorBatch", "MirrorHeld", "install_freshness", "router"]

router = APIRouter(prefix="/mirror/{slug}", tags=["mirrors"])

_upload_token = HTTPBearer(
    auto_error=False,
    scheme_name="upload token",
    description="The mirror's upload token, printed once by `showclear mirror add`.",
)
UploadToken = Annotated[HTTPAuthorizationCredentials | None, Depends(_upload_token)]


class MirrorHeld(BaseModel):
    """What the mirror holds: its size and the writer's checkpoint note at that size."""

    size: int = Field(description="Entries held.")
    checkpoint: str | None = Field(description="The signed checkpoint note; null when empty.")


class MirrorBatch(BaseModel):
    """Entries from index `from`, and the writer's checkpoints of sizes within the batch."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    start: int = Field(alias="from", ge=0, le=MAX_SAFE_INTEGER, description="First index.")
    entries: list[str] = Field(description="Each entry's exact bytes, base64.")
    checkpoints: list[str] = Field(
        description="Signed checkpoint notes; the last one at `from` + the number of entries."
    )


class MirrorAccepted(MirrorHeld):
    """The batch is stored (or was already): what is held now, and the studio's cosignature."""

    stored: int = Field(description="Entries this batch added (0 when sent again).")
    cosignature: str | None = Field(
        description="The studio's tlog-cosignature/v1 line of the checkpoint held, if it "
        "has a witness key."
    )


@router.get("/state", responses=errors(401, 404, 422))
def mirror_held(slug: Slug, app: Service, token: UploadToken) -> MirrorHeld:
    """The size the mirror holds and its checkpoint: where the writer's next batch starts."""
    held = mirror_state(app, slug, token.credentials if token else None)
    return MirrorHeld(size=held.size, checkpoint=held.checkpoint)


@router.post("/entries", responses=errors(400, 401, 404, 409, 422))
def mirror_receive(slug: Slug, body: MirrorBatch, app: Service, token: UploadToken) -> Any:
    """Verify a batch of the writer's entries and checkpoints, then store it whole.

    Every checkpoint must be signed by the production's key and have the root recomputed
    from the entries held and sent. A batch sent again changes nothing; one past the size
    held is a 409 `conflict` with `held_size`; one that does not extend what is held is a
    409 `conflict` (a fork: both checkpoints are kept as evidence, nothing is stored).
    """
    batch = Batch.from_json(body.model_dump(by_alias=True))
    try:
        accepted = receive_batch(app, slug, token.credentials if token else None, batch)
    except MirrorGap as gap:
        return _problem(gap, held_size=gap.held_size)
    return MirrorAccepted(**accepted.to_json())


def _problem(
    error: ShowclearError, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The problem of ``error``'s kind with its own message, answered by the route itself."""
    shown = KINDS[error.kind]
    body = {
        "type": PROBLEM_BASE + error.kind,
        "title": shown.title,
        "status": shown.status,
        "detail": str(error),
        **extra,
    }
    return JSONResponse(body, shown.status, headers=headers, media_type=MEDIA_TYPE)


@router.post(
    "/add-checkpoint",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **errors(400, 401, 404, 409, 422, 503),
    },
)
async def mirror_add_checkpoint(slug: Slug, request: Request, app: Service) -> Response:
    """C2SP tlog-witness add-checkpoint: the studio cosigns a checkpoint it holds.

    Lists the mirror as a witness in the production's policy with the URL
    `https://STUDIO/mirror/{slug}`. A checkpoint past what the mirror holds is 503 until the
    writer syncs it; one with another root at a size held is a fork (409, kept).
    """
    body = await request.body()
    try:
        line = await run_in_threadpool(cosign_held, app, slug, body)
    except MirrorBehind as behind:  # no fault of anyone's: said as it is, not logged
        return _problem(behind, headers={"Retry-After": "60"})
    return PlainTextResponse(line)


_PRODUCTION_PATH = re.compile(r"^/productions/([^/]+)(?:/|$)")


class _Freshness:
    """Marks every answer about a mirrored production with how fresh the mirror is.

    Plain ASGI, not BaseHTTPMiddleware: an answer about a production written here costs
    one look in a set of known writers, no task and no thread.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _PRODUCTION_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        app: App = scope["app"].state.showclear
        slug = found[1]
        status = None
        if not known_writer(app, slug):
            try:
                status = await run_in_threadpool(mirror_status, app, slug)
            except (ProductionNotFound, StoreError):
                status = None  # the route answers for a production that is not here
        # The web's banner (templates/base.html) says it in words.
        scope.setdefault("state", {})["mirror"] = None if status is None else _banner(app, status)
        if status is None:
            await self.app(scope, receive, send)
            return
        value = freshness_header(status)

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(MIRROR_HEADER, value)
            await send(message)

        await self.app(scope, receive, marked)


def _banner(app: App, status: MirrorStatus) -> dict[str, str]:
    where = "on the set" if status.source == "set" else f"at {status.source}"
    return {"freshness": freshness(status, app.clock.now()), "written": where}


def install_freshness(api: FastAPI) -> None:
    """Add the ``Showclear-Mirror`` header to every answer about a mirror."""
    api.add_middleware(_Freshness)
