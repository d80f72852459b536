"""How a page is served: who is signed in, same-origin forms, and errors as pages.

Page handlers are as thin as the API's routes, and use the API's own pieces: the
session cookie dependency (:data:`showclear.api.security.Member`), the acting
member (:data:`showclear.api.security.Actor`), the request bodies of
:mod:`showclear.api.commands` and the route functions of :mod:`showclear.api.routes`.
What differs is the answer: HTML instead of JSON, and every error a page.

- A request with no valid session goes to the login page (then back).
- A refusal by the safety protocol is a full-screen stop naming each rule, what is
  wrong and what to do (the refused attempt is in the ledger).
- Any other error (a wrong PIN, a role that may not, a form that does not parse)
  is a page saying what was not recorded and why.

A form may only be posted from a page of this server: the session cookie is
``SameSite=Strict`` and, as a second guard, a POST whose ``Origin`` or
``Sec-Fetch-Site`` names another site is refused before it is read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from showclear.api.errors import Refused
from showclear.api.responses import CommandResult
from showclear.api.security import Acting, Member
from showclear.ledger import EncodingError, LedgerError
from showclear.protocol import (
    InconsistentEventError,
    ProtocolError,
    TimeOrderError,
    UnknownReferenceError,
)
from showclear.service import AuthError, BadRequest, Forbidden, NotFound, ServiceError
from showclear.service.forensics.describe import describe
from showclear.service.sessions import LockedOut, Principal
from showclear.store import ProductionNotFound, StoreError

__all__ = [
    "FLASH_COOKIE",
    "UI",
    "Doer",
    "Viewer",
    "page_router",
    "recorded",
    "ui_path",
]

#: Where the pages of a production live: under the path its session cookie is sent to.
UI = "/productions/{slug}/ui"
FLASH_COOKIE = "showclear_flash"

_log = logging.getLogger("showclear.web")


def ui_path(slug: str, rest: str = "/") -> str:
    """The path of a page of production ``slug``."""
    return f"/productions/{slug}/ui{rest}"


# -- who is signed in ----------------------------------------------------------------


def _viewer(request: Request, member: Member) -> Principal:
    # Remember that the session was good: an AuthError raised after this point is a
    # confirming person's wrong PIN, not a missing sign-in.
    request.state.principal = member
    return member


#: The signed-in member reading a page (a missing session goes to the login page).
Viewer = Annotated[Principal, Depends(_viewer)]


def _doer(request: Request, member: Viewer) -> Acting:
    return Acting(request.app.state.showclear, member)


#: The signed-in member submitting a form, as the API's ``Actor`` does.
Doer = Annotated[Acting, Depends(_doer)]


def _same_origin(request: Request) -> None:
    if request.method in ("GET", "HEAD"):
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("this form was sent from another site; showclear did not read it")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("this form was sent from another site; showclear did not read it")


# -- the answer to a form ------------------------------------------------------------------


def recorded(slug: str, result: CommandResult, then: str) -> Response:
    """Go to page ``then`` (303), which shows what the command recorded and any warning."""
    entries = result.entries
    first = entries[0].index if entries else result.size - 1
    last = entries[-1].index if entries else result.size - 1
    # What was recorded, in words: the command's entry and what showclear added (an incident).
    lines = [describe(e.event) for e in entries]
    flash = {
        "kind": "warned" if result.outcome == "warned" else "allowed",
        "lines": [line[:200] for line in lines[:3]],
        "entries": f"{first}" if first == last else f"{first}–{last}",
        "findings": [
            {"id": str(f.id), "message": f.message[:200], "remedy": f.remedy[:200]}
            for f in result.findings[:3]
        ],
    }
    response = RedirectResponse(ui_path(slug, then), status_code=303)
    response.set_cookie(
        FLASH_COOKIE,
        quote(json.dumps(flash, ensure_ascii=True)),
        max_age=120,
        path=f"/productions/{slug}/ui",
        httponly=True,
        samesite="strict",
    )
    return response


# -- errors as pages -------------------------------------------------------------------------

#: (exception, status, title); the first match wins, so subclasses come first.
_KINDS: list[tuple[type[BaseException], int, str]] = [
    (LockedOut, 423, "Locked out"),
    (AuthError, 401, "Not recorded: a PIN did not match"),
    (Forbidden, 403, "Not allowed"),
    (NotFound, 404, "Not found"),
    (ProductionNotFound, 404, "Not found"),
    (UnknownReferenceError, 422, "Not recorded: unknown name"),
    (InconsistentEventError, 409, "Not recorded: not possible now"),
    (TimeOrderError, 409, "Not recorded: not possible now"),
    (BadRequest, 400, "Not recorded: check the form"),
    (ProtocolError, 422, "Not recorded: check the form"),
    (EncodingError, 422, "Not recorded: check the form"),
    (LedgerError, 400, "Not possible"),
]


def _form_errors(exc: ValidationError | RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:6]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "form"))
        parts.append(f"{where or 'the form'}: {error.get('msg', 'not valid')}")
    return "; ".join(parts)


def _signed_in(request: Request) -> bool:
    return getattr(request.state, "principal", None) is not None


def _login_redirect(request: Request) -> Response:
    slug = request.path_params.get("slug", "")
    back = request.url.path if request.method == "GET" else ui_path(slug)
    if request.url.query and request.method == "GET":
        back += "?" + request.url.query
    return RedirectResponse(ui_path(slug, f"/login?next={quote(back, safe='')}"), 303)


async def _answer_error(request: Request, exc: Exception) -> Response:
    from showclear.web.render import error_page, stop_page

    if isinstance(exc, Refused):
        return stop_page(request, exc.outcome)
    signed_out = isinstance(exc, AuthError) and not isinstance(exc, LockedOut)
    if signed_out and not _signed_in(request) and request.path_params.get("slug"):
        return _login_redirect(request)
    if isinstance(exc, ValidationError | RequestValidationError):
        return error_page(request, 422, "Not recorded: check the form", _form_errors(exc))
    found = next((k for k in _KINDS if isinstance(exc, k[0])), None)
    if found is not None:
        _, status, title = found
        return error_page(request, status, title, str(exc))
    if isinstance(exc, ServiceError | StoreError):
        _log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
        return error_page(request, 503, "showclear cannot do this now", str(exc))
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(
        request, 500, "showclear could not do this", "The error was logged. Nothing was recorded."
    )


class PageRoute(APIRoute):
    """A route whose errors (in dependencies too) are answered as pages, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # every error becomes a page a person can act on
                return await _answer_error(request, exc)

        return page


def page_router(prefix: str = UI) -> APIRouter:
    """A router of pages: HTML, out of the OpenAPI schema, forms from this site only."""
    return APIRouter(
        prefix=prefix,
        route_class=PageRoute,
        include_in_schema=False,
        dependencies=[Depends(_same_origin)],
    )
