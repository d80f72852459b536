"""How a page is served: who is signed in, same-origin forms, and errors as pages.

Page handlers are as thin as the API's routes, and share their pieces without
importing the API: who is signed in and acting as them (:mod:`showclear.http`), the
typed commands, and the service's own methods, which the API's routes call too.
What differs is the answer: HTML instead of JSON, and every error a page.

- A request with no valid session goes to the login page (then back).
- A refusal by the safety protocol is a full-screen stop naming each rule, what is
  wrong and what to do (the refused attempt is in the ledger).
- Any other error (a wrong PIN, a role that may not, a form that does not parse)
  is a page saying what was not recorded and why.

A form may only be posted from a page of this server: the session cookie is
``SameSite=Strict`` and, as a second guard, a request that changes anything (any method
but GET and HEAD) must say it comes from this server: ``Sec-Fetch-Site: same-origin``,
or an ``Origin`` naming this server. ``Origin: null`` (a sandboxed frame, a page from a
file, a redirect across sites) and a request saying neither (no browser sends such a
form) are refused before the form is read.

Every page says what it may load (:data:`CONTENT_SECURITY_POLICY`: its own scripts,
styles and images, no inline script, never inside another site's frame); the guard in
front of every route adds ``nosniff``, ``X-Frame-Options`` and ``Referrer-Policy``
(:mod:`showclear.api.guard`). An error page never shows what only the server's operator
should see (a file's path, a database's address): a 5xx page says what was not done and
that the log has the details.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from showclear.commands import Command, by_name
from showclear.errors import KINDS, ErrorKind, ShowclearError, presentation
from showclear.http import Acting, Member, Refused, service_of
from showclear.limits import TooManyCommands
from showclear.protocol.catalogue import describe, follow_ups
from showclear.service import AuthError, Forbidden
from showclear.service.commands import Receipt
from showclear.service.sessions import LockedOut, Principal
from showclear.web.render import FLASH_COOKIE, UI, ui_path

__all__ = ["CONTENT_SECURITY_POLICY", "Doer", "Viewer", "command", "page_router", "recorded"]

_log = logging.getLogger("showclear.web")


# -- who is signed in ----------------------------------------------------------------


def _viewer(request: Request, member: Member) -> Principal:
    # Remember that the session was good: an AuthError raised after this point is a
    # confirming person's wrong PIN, not a missing sign-in.
    request.state.principal = member
    return member


#: The signed-in member reading a page (a missing session goes to the login page).
Viewer = Annotated[Principal, Depends(_viewer)]


def _doer(request: Request, member: Viewer) -> Acting:
    return Acting(service_of(request), member)


#: The signed-in member submitting a form (a refusal raises Refused: the stop page).
Doer = Annotated[Acting, Depends(_doer)]


_ANOTHER_SITE = "this form was sent from another site; showclear did not read it"


def _same_origin(request: Request) -> None:
    if request.method in ("GET", "HEAD"):
        return
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if site is not None and site != "same-origin":
        raise Forbidden(_ANOTHER_SITE)
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden(_ANOTHER_SITE)  # Origin: null included: it is no site of this server
    if site is None and origin is None:
        raise Forbidden(
            "this form did not say where it was sent from (no Origin or Sec-Fetch-Site); "
            "showclear did not read it: send it from showclear's own page in a browser"
        )


# -- a form's command and its answer ---------------------------------------------------------


def command(name: str, values: Mapping[str, Any] | None = None, /, **fields: Any) -> Command:
    """The typed command ``name`` (``TakeOut``, ...) from a form's ``values`` and ``fields``.

    Raises:
        pydantic.ValidationError: a value that does not fit (a page naming the field).
    """
    return by_name(name).model_validate({**(values or {}), **fields})


def recorded(slug: str, outcome: Receipt, then: str) -> Response:
    """Go to page ``then`` (303), which shows what the command recorded and any warning."""
    events = outcome.events
    first = outcome.first_index if events else outcome.size - 1
    last = first + len(events) - 1 if events else outcome.size - 1
    # What was recorded, in words: the command's entry and what showclear added (an incident).
    lines = [describe(event) for event in events]
    flash = {
        "kind": "warned" if outcome.outcome == "warned" else "allowed",
        "lines": [line[:200] for line in lines[:3]],
        "entries": f"{first}" if first == last else f"{first}–{last}",
        "findings": [
            {"id": f.rule_id, "message": f.message[:200], "remedy": f.remedy[:200]}
            for f in outcome.findings[:3]
        ],
        "follow_ups": [sentence[:300] for sentence in follow_ups(events)[:3]],
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
        shown = KINDS[ErrorKind.INVALID_REQUEST]
        return error_page(request, shown.status, shown.page_title, _form_errors(exc))
    # Status and title are the error kind's (showclear.errors.KINDS), as in the CLI and API.
    shown = presentation(exc)
    if not isinstance(exc, ShowclearError) or exc.kind is ErrorKind.INTERNAL:
        _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = "The error was logged. Nothing was recorded."
        return error_page(request, shown.status, shown.page_title, detail)
    if isinstance(exc, TooManyCommands):  # the kind's page title speaks of signing in
        return error_page(request, shown.status, "Not recorded: too many this minute", str(exc))
    if shown.status >= 500:
        # The message may name a key file or a database: the server's log has it, the
        # page says what a person on set can do.
        _log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
        return error_page(request, shown.status, shown.page_title, server_side(exc.kind))
    return error_page(request, shown.status, shown.page_title, str(exc))


def server_side(kind: ErrorKind) -> str:
    """What a person is told of a server-side failure of ``kind``, naming no file or address."""
    if kind is ErrorKind.UNAVAILABLE:
        return (
            "The database or this production's signing key cannot be used right now. "
            "Nothing was recorded. Try again in a minute; if it goes on, tell whoever runs "
            "the showclear server: its log says which file or database, and why."
        )
    return (
        "The ledger or a proof did not verify. Nothing was recorded. Tell the safety "
        "coordinator and whoever runs the showclear server: its log has the details."
    )


#: What a page may load: its own scripts, styles and images (no inline script or style),
#: its own server to fetch from and post to, and no frame around it (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class PageRoute(APIRoute):
    """A route whose errors (in dependencies too) are answered as pages, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:  # every error becomes a page a person can act on
                response = await _answer_error(request, exc)
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            return response

        return page


def page_router(prefix: str = UI) -> APIRouter:
    """A router of pages: HTML, out of the OpenAPI schema, forms from this site only."""
    return APIRouter(
        prefix=prefix,
        route_class=PageRoute,
        include_in_schema=False,
        dependencies=[Depends(_same_origin)],
    )
