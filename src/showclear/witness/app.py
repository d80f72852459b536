"""The witness's HTTP interface (C2SP tlog-witness), for ``showclear witness serve``.

- ``POST /add-checkpoint``: the spec's call; 200 with the cosignature line, or the spec's
  status with a one-line reason: 400, 403, 404, 409 (body: the held size and a newline,
  ``Content-Type: text/x.tlog.size``), 422; 503 if its state cannot be written.
- ``GET /<hex SHA-256 of the origin>/checkpoint``: the spec's monitor retrieval: the latest
  checkpoint this witness cosigned, with the log's signatures and its cosignature; 404 if
  it never cosigned one for that origin.
- ``GET /``: the witness's name, verifier key and the origins it follows (plain text; not
  in the spec, for people setting up a production).

Submission and monitoring share one prefix (the root), as the spec allows.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from showclear.witness.core import MAX_SUBMISSION_BYTES, Witness, origin_hash
from showclear.witness.errors import (
    InconsistentCheckpoint,
    LogSignatureInvalid,
    MalformedSubmission,
    SizeConflict,
    UnknownLog,
    WitnessConfigError,
    WitnessError,
)

__all__ = ["SIZE_CONTENT_TYPE", "STATUS", "create_witness_app"]

#: The 409 answer's media type (tlog-witness, "add-checkpoint").
SIZE_CONTENT_TYPE = "text/x.tlog.size"
#: Each refusal's status, as C2SP tlog-witness gives it.
STATUS: dict[type[WitnessError], int] = {
    MalformedSubmission: 400,
    LogSignatureInvalid: 403,
    UnknownLog: 404,
    SizeConflict: 409,
    InconsistentCheckpoint: 422,
    WitnessConfigError: 503,  # not in the spec: its state cannot be written; try again later
}


async def _read_body(request: Request) -> bytes:
    """The request body, refused once it grows past the limit (nothing larger is held)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_SUBMISSION_BYTES:
        raise MalformedSubmission(f"the request is over {MAX_SUBMISSION_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_SUBMISSION_BYTES:
            raise MalformedSubmission(f"the request is over {MAX_SUBMISSION_BYTES} bytes")
    return bytes(body)


def create_witness_app(witness: Witness) -> FastAPI:
    """The ASGI application of one witness."""
    app = FastAPI(
        title="showclear witness",
        description="A C2SP tlog-witness (https://c2sp.org/tlog-witness); docs/witness.md.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        try:
            body = await _read_body(request)
            line = await run_in_threadpool(witness.add_checkpoint, body)
        except SizeConflict as e:
            # The exact media type, without the charset Starlette adds to text/* types.
            return Response(
                f"{e.held_size}\n".encode(),
                status_code=409,
                headers={"Content-Type": SIZE_CONTENT_TYPE},
            )
        except WitnessError as e:
            status = next((code for cls, code in STATUS.items() if isinstance(e, cls)), 500)
            return PlainTextResponse(f"{e}\n", status_code=status)
        return PlainTextResponse(line)

    @app.get("/{hashed_origin}/checkpoint")
    async def checkpoint(hashed_origin: str) -> Response:
        note = await run_in_threadpool(witness.latest, hashed_origin)
        if note is None:
            return PlainTextResponse(
                "this witness has cosigned no checkpoint of that origin\n", status_code=404
            )
        return PlainTextResponse(note)

    @app.get("/")
    async def about() -> Response:
        lines = [
            f"showclear witness {witness.cosigner.name}",
            f"verifier key: {witness.cosigner.verifier_key}",
            "follows:",
            *(
                f"  {origin}  GET /{origin_hash(origin)}/checkpoint"
                for origin in sorted(witness.logs)
            ),
        ]
        return PlainTextResponse("\n".join(lines) + "\n")

    return app
