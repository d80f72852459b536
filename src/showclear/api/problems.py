"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error answer is a problem object: ``type`` (a URI naming the kind of
problem, ``/problems/<kind>``), ``title``, ``status`` and ``detail`` (a sentence
a person on set can act on), plus members of its own for some kinds: ``refused``
(409) carries the ``rules`` and the recorded ``entries``, ``invalid-request`` (422)
the ``errors`` per field, ``locked-out`` (423) the ``person`` and ``locked_until``;
``locked-out`` and ``rate-limited`` (429) answer ``Retry-After`` in seconds.
``too-large`` (413) and the limits behind ``bad-request`` and ``rate-limited`` name the
limit and its value (docs/limits.md).

Every operation documents 400, 413, 500 and 503 besides its own statuses: any request
can be refused by the guard in front of the routes (:mod:`showclear.api.guard`: the
``Host``, the body's size and JSON shape), and any can fail inside showclear or find the
database or key unusable. A status without a
kind of its own (405 for a method a path does not have) is ``about:blank`` with the
status's phrase as title (RFC 9457 section 4.2.1).

The kind of a showclear error decides its type, status and title, through the one
table :data:`showclear.errors.KINDS` that the CLI and the web read too; docs/errors.md
lists it. Nothing is recorded in the ledger for any of these but ``refused``.
"""

import logging
from http import HTTPStatus
from typing import Any, Literal

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from showclear.api.errors import Refused
from showclear.api.responses import RecordedEntry, RuleFinding, recorded
from showclear.errors import KINDS, ErrorKind, ShowclearError
from showclear.limits import TooManyCommands
from showclear.protocol.catalogue import follow_ups
from showclear.protocol.time import parse_time
from showclear.service.sessions import LockedOut
from showclear.store import DiskFull
from showclear.store.errors import WritersBusy

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_BASE",
    "LockedOutProblem",
    "Problem",
    "RefusalProblem",
    "ValidationProblem",
    "errors",
    "install",
    "problem_response",
]

MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://showclear.example/problems/"

_log = logging.getLogger("showclear.api")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="A URI naming the kind of problem (docs/api.md).")
    title: str
    status: int
    detail: str = Field(description="What went wrong, and what to do about it.")


class RefusalProblem(Problem):
    """A command refused by the safety protocol (status 409); the attempt is recorded."""

    outcome: Literal["refused"]
    rules: list[RuleFinding] = Field(description="Every rule that refused or warned.")
    entries: list[RecordedEntry] = Field(
        description="What was recorded: the AttemptRefused entry and any consequence."
    )
    size: int = Field(description="The ledger's size after recording the refusal.")
    follow_ups: list[str] = Field(
        description="What showclear recorded on top of the command, in words a person on set "
        "acts on: an incident and its cease-fire, a concern escalated, a custody gap."
    )


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    """A request that does not match the schema (status 422)."""

    errors: list[FieldError]


class LockedOutProblem(Problem):
    """A person locked out after too many wrong PINs (status 423)."""

    person: str
    locked_until: str


#: The one kind of each status that has only one: a bare HTTPException of that status
#: (a path that does not exist: 404) is answered as that kind.
_KIND_OF_STATUS: dict[int, ErrorKind] = {
    shown.status: kind
    for kind, shown in KINDS.items()
    if [s.status for s in KINDS.values()].count(shown.status) == 1
}

_DESCRIPTIONS = {
    400: "Bad request (`bad-request`): arguments that make no sense, a `Host` this server "
    "does not answer to, or a JSON body nested too deep or with a number too long "
    "(docs/limits.md).",
    401: "No valid session or token, or a wrong PIN (`unauthenticated`).",
    403: "The role x command matrix does not allow it, or another production (`forbidden`).",
    404: "Not found (`not-found`).",
    409: "Refused by a safety rule and recorded (`refused`, with `rules`), or impossible "
    "in the recorded state and not recorded (`conflict`).",
    422: "The request does not match the schema (`invalid-request`), or the protocol "
    "cannot decide it (`invalid-event`, `unknown-reference`). Nothing is recorded.",
    413: "The request body is over its limit, and was not read (`too-large`; docs/limits.md).",
    423: "Locked out after too many wrong PINs (`locked-out`).",
    429: "This device tried to sign in too often, or this person recorded more commands in a "
    "minute than the limit; wait `Retry-After` seconds (`rate-limited`).",
    500: "Stored data or a proof does not verify (`verification-failed`), or showclear "
    "itself went wrong (`internal`); the server logged it. Nothing was recorded.",
    503: "The database or the production's key cannot be used (`unavailable`).",
}
#: Statuses every operation can answer: the guard's (Host, body size and shape), a
#: failure inside showclear, and a database or key that cannot be used.
_ALWAYS = (400, 413, 500, 503)
#: The kind a bare HTTPException of a status that several kinds share is answered as.
_KIND_OF_SHARED_STATUS = {
    409: ErrorKind.CONFLICT,
    422: ErrorKind.INVALID_REQUEST,
    500: ErrorKind.INTERNAL,
}
_MODELS: dict[int, Any] = {
    409: RefusalProblem | Problem,
    422: ValidationProblem | Problem,
    423: LockedOutProblem,
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, as problem+json."""
    return {
        status: {"model": _MODELS.get(status, Problem), "description": _DESCRIPTIONS[status]}
        for status in sorted({*statuses, *_ALWAYS})
    }


def problem_response(error: ShowclearError) -> JSONResponse:
    """The problem answering ``error`` by its kind, its message as the detail.

    For the guard in front of the routes (:mod:`showclear.api.guard`), which answers
    before any route or exception handler runs.
    """
    return _problem(error.kind, str(error))


def _problem(kind: ErrorKind, detail: str, **extra: Any) -> JSONResponse:
    shown = KINDS[kind]
    status = shown.status
    body = {"type": PROBLEM_BASE + kind, "title": shown.title, "status": status, "detail": detail}
    headers = extra.pop("headers", None)
    return JSONResponse({**body, **extra}, status, headers=headers, media_type=MEDIA_TYPE)


def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    outcome = exc.outcome
    blocking = [f for f in outcome.findings if f.severity == "block"]
    rules = ", ".join(dict.fromkeys(f.rule_id for f in blocking))
    first = blocking[0] if blocking else None
    detail = f"Refused by {rules}: {first.message} {first.remedy}" if first else "Refused."
    return _problem(
        ErrorKind.REFUSED,
        detail,
        outcome="refused",
        rules=[RuleFinding.of(f).model_dump(mode="json") for f in outcome.findings],
        entries=[e.model_dump(mode="json") for e in recorded(outcome)],
        size=outcome.size,
        follow_ups=follow_ups(outcome.events),
    )


def _known(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShowclearError)
    kind = exc.kind
    status = KINDS[kind].status
    if kind is ErrorKind.INTERNAL:
        return _internal(request, exc)
    if status >= 500:
        _log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    if isinstance(exc, TooManyCommands):
        return _problem(kind, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, WritersBusy):  # nothing recorded: the client may retry as it says
        return _problem(kind, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, LockedOut):
        now = request.app.state.showclear.clock.now()
        wait = max(1, int((parse_time(exc.until) - now).total_seconds()))
        if kind is ErrorKind.RATE_LIMITED:  # the device waits; nobody is locked out
            return _problem(kind, str(exc), headers={"Retry-After": str(wait)})
        return _problem(
            kind,
            str(exc),
            person=exc.person,
            locked_until=exc.until,
            headers={"Retry-After": str(wait)},
        )
    headers = {"WWW-Authenticate": 'Bearer realm="showclear"'} if status == 401 else None
    # A server-side message may name a key file or a database: the log has it.
    detail = str(exc) if status < 500 else _SERVER_SIDE.get(kind, _LOGGED)
    if isinstance(exc, DiskFull):
        detail = _DISK_FULL
    elif kind is ErrorKind.DAMAGED:
        detail = _DAMAGED
    return _problem(kind, detail, headers=headers)


_DISK_FULL = (
    "the server's disk is full; nothing was recorded; tell whoever runs the showclear server "
    "to free space on it (docs/operations.md, 'A full disk'), then try again."
)
_DAMAGED = (
    "the database is damaged; nothing was recorded, and no write is taken until it is "
    "repaired; tell whoever runs the showclear server to run `showclear check` and the repair "
    "it names (docs/operations.md); the server's log says what is damaged."
)


_LOGGED = "showclear could not do this; nothing was recorded; the error was logged."
_SERVER_SIDE = {
    ErrorKind.UNAVAILABLE: "the database or this production's signing key cannot be used "
    "right now; nothing was recorded; try again in a minute, and if it goes on, tell whoever "
    "runs the showclear server: its log says which file or database, and why.",
    ErrorKind.VERIFICATION_FAILED: "the ledger or a proof did not verify; nothing was "
    "recorded; tell the safety coordinator and whoever runs the server: its log has details.",
}


def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in found[:5])
    return _problem(
        ErrorKind.INVALID_REQUEST,
        f"the request does not match the schema at: {where}" if where else "invalid request",
        errors=found,
    )


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    kind = _KIND_OF_STATUS.get(status) or _KIND_OF_SHARED_STATUS.get(status)
    if kind is not None:
        return _problem(kind, str(exc.detail), headers=exc.headers)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    response = JSONResponse(
        {"type": "about:blank", "title": phrase, "status": status, "detail": str(exc.detail)},
        status,
        headers=exc.headers,
        media_type=MEDIA_TYPE,
    )
    return response


def _internal(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _problem(ErrorKind.INTERNAL, "showclear could not do this; the error was logged.")


def install(api: Any) -> None:
    """Register the problem handlers on a FastAPI application."""
    # Starlette picks the handler of the closest class in the error's MRO: Refused first.
    api.add_exception_handler(Refused, _refused)
    api.add_exception_handler(ShowclearError, _known)
    api.add_exception_handler(RequestValidationError, _invalid_request)
    api.add_exception_handler(HTTPException, _http)
    api.add_exception_handler(Exception, _internal)
