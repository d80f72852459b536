"""The ledger: checkpoints, entries, inclusion and consistency proofs, the verifier key.

Everything here can be checked without trusting the server: the checkpoint is a
C2SP signed note, proofs are RFC 9162 audit paths (and C2SP tlog-proof text).
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from showclear.api.responses import (
    ConsistencyProof,
    InclusionProof,
    LedgerEntries,
    WitnessesView,
)
from showclear.api.routing import READ_ERRORS
from showclear.commands.fields import Slug
from showclear.http import Member, Service
from showclear.ledger import MAX_SAFE_INTEGER
from showclear.service.witnessing import witness_status

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}/ledger", tags=["ledger"], responses=READ_ERRORS)

_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}
}
Size = Annotated[int | None, Query(ge=1, le=MAX_SAFE_INTEGER, description="A checkpoint's size.")]
Format = Annotated[
    Literal["json", "text"], Query(description="JSON, or the text form as `text/plain`.")
]
MAX_PAGE = 1000


@router.get("/checkpoint", response_class=PlainTextResponse, responses=_TEXT)
def checkpoint(slug: Slug, _: Member, app: Service, size: Size = None) -> PlainTextResponse:
    """The latest signed checkpoint (or the one at `size`), as a C2SP signed note."""
    return PlainTextResponse(app.checkpoint(slug, size))


@router.get("/witnesses")
def witnesses(slug: Slug, _: Member, app: Service) -> WitnessesView:
    """How far behind each witness is (entries, minutes), whether the closed days are
    witnessed, and every refusal kept as evidence of a rewritten history."""
    return WitnessesView.model_validate(witness_status(app, slug).to_json())


@router.get("/verifier-key", response_class=PlainTextResponse, responses=_TEXT)
def verifier_key(slug: Slug, _: Member, app: Service) -> PlainTextResponse:
    """The production's verifier key (`name+keyid+base64`), to check checkpoints."""
    return PlainTextResponse(app.verifier_key(slug) + "\n")


@router.get("/entries")
def entries(
    slug: Slug,
    _: Member,
    app: Service,
    start: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> LedgerEntries:
    """Entries from index `start`, at most `limit`, with their bytes and leaf hashes."""
    size, rows = app.entries(slug, start, limit)
    return LedgerEntries.of(size, start, rows)


@router.get("/entries/{index}/inclusion", response_model=InclusionProof, responses=_TEXT)
def inclusion(
    slug: Slug,
    index: Annotated[int, Path(ge=0, le=MAX_SAFE_INTEGER)],
    _: Member,
    app: Service,
    size: Size = None,
    format: Format = "json",
) -> Any:
    """Proof that entry `index` is in the ledger: JSON, or C2SP tlog-proof text."""
    text = app.prove_inclusion(slug, index, size)
    return PlainTextResponse(text) if format == "text" else InclusionProof.of(text)


@router.get("/consistency", response_model=ConsistencyProof, responses=_TEXT)
def consistency(
    slug: Slug,
    _: Member,
    app: Service,
    old: Annotated[int, Query(ge=1, le=MAX_SAFE_INTEGER, description="The older size.")],
    new: Size = None,
    format: Format = "json",
) -> Any:
    """Proof that the ledger at size `old` is a prefix of it at `new` (default: latest)."""
    proof = app.prove_consistency(slug, old, new)
    return PlainTextResponse(proof.format()) if format == "text" else ConsistencyProof.of(proof)
