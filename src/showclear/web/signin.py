"""Signing in on a shared tablet: a production, a person and their PIN; switching person.

Logging in is what the API's ``POST /productions/{slug}/login`` does (the same
service call, body and session cookie); switching person is what its ``POST .../logout``
does, followed by the login page, which offers the people recently signed in on this device.

The people recently signed in are kept in a cookie the server signs (HMAC-SHA256 over the
production's slug and the list, keyed by a secret derived from the production's own private
key in the server's key directory): only a device someone really signed in on is shown the
production's people to pick from. A cookie written by hand, changed, or signed for another
production is read as no cookie at all: the page shows only the id field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Annotated

from fastapi import Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from showclear.commands.fields import ID_PATTERN, Slug
from showclear.http import (
    Login,
    Service,
    clear_session_cookie,
    client_of,
    service_of,
    set_session_cookie,
)
from showclear.service import AuthError, BadRequest, KeyFileError
from showclear.web.custody import roster
from showclear.web.render import page, ui_path
from showclear.web.routing import Viewer, page_router

__all__ = ["root", "router"]

router = page_router()
#: The production page outside any production: pick one.
root = page_router(prefix="")

_RECENT = "showclear_recent"
_PRODUCTION = "showclear_production"
_MAX_RECENT = 8
_ID = re.compile(ID_PATTERN)


#: Separates the cookie's key from every other use of the production's private key.
_COOKIE_KEY_LABEL = b"showclear web: people recently signed in on this device, v1"


def _cookie_key(request: Request, slug: str) -> bytes | None:
    """The production's secret for signing the recent-people cookie (None: no key here)."""
    app = service_of(request)
    try:
        signer = app.keyring.signer_for(app.production(slug).verifier_key)
    except KeyFileError:
        return None  # this server cannot sign for the production: no picker, no cookie
    secret = signer.private_key_string().encode("ascii")
    return hmac.new(secret, _COOKIE_KEY_LABEL, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _mac(key: bytes, slug: str, payload: str) -> str:
    return _b64(hmac.new(key, f"{slug}\n{payload}".encode(), hashlib.sha256).digest())


def _sealed(key: bytes, slug: str, people: list[str]) -> str:
    """``people`` as a cookie value: the list, then its signature."""
    payload = _b64(json.dumps(people).encode())
    return f"{payload}.{_mac(key, slug, payload)}"


def _recent(request: Request, slug: str) -> list[str]:
    """The people this device signed in as, newest first; [] unless the server signed it."""
    value = request.cookies.get(_RECENT, "")
    payload, _, mac = value.partition(".")
    key = _cookie_key(request, slug) if mac else None
    if key is None or not hmac.compare_digest(mac, _mac(key, slug, payload)):
        return []
    try:
        people = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return []
    if not isinstance(people, list):
        return []
    return [p for p in people if isinstance(p, str) and _ID.match(p)][:_MAX_RECENT]


def _safe_next(slug: str, target: str | None) -> str:
    # Only back to a page of this production: never an open redirect.
    home = ui_path(slug)
    if target and target.startswith(home) and "//" not in target and "\\" not in target:
        return target
    return home


@root.get("/")
def choose_production(request: Request) -> Response:
    """The start page: the production this device used last, or a field to name one."""
    last = request.cookies.get(_PRODUCTION)
    if last and _ID.match(last):
        return RedirectResponse(ui_path(last, "/login"), 303)
    return page(request, "production.html", title="Open a production")


@root.get("/open")
def open_production(slug: Annotated[str, Query(pattern=ID_PATTERN, max_length=64)]) -> Response:
    return RedirectResponse(ui_path(slug, "/login"), 303)


def _login_form(
    request: Request, slug: str, person: str, target: str, error: str | None = None
) -> Response:
    recent = _recent(request, slug)
    known = dict(roster(request, slug))
    # The picker lists the production's people only on a device someone of the production
    # signed in on before (its signed recent-people cookie names one of them): a stranger's
    # browser, or one with a forged cookie, is shown no roster, only the id field.
    trusted = any(p in known for p in recent)
    return page(
        request,
        "login.html",
        status=401 if error else 200,
        title="Sign in",
        recent=recent,
        names={p: known[p] for p in recent if p in known},
        roster=list(known.items()) if trusted else [],
        person=person if _ID.match(person or "") else "",
        next=_safe_next(slug, target),
        error=error,
    )


def _cookie_cannot_stick(request: Request) -> bool:
    # The session cookie is Secure: over plain HTTP only a loopback address keeps it.
    local = request.url.hostname in ("127.0.0.1", "localhost", "::1")
    return bool(request.app.state.secure_cookies) and request.url.scheme != "https" and not local


@router.get("/login")
def login_page(
    request: Request, slug: Slug, app: Service, person: str = "", next: str = ""
) -> Response:
    """Who are you? Recent people on this device as buttons, then the PIN."""
    app.production(slug)  # an unknown production is a "not found" page
    return _login_form(request, slug, person, next)


@router.post("/login")
def login(
    *,
    request: Request,
    slug: Slug,
    app: Service,
    person: Annotated[str, Form(max_length=64)],
    pin: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the PIN (the API's login) and open the page asked for, or the board."""
    if _cookie_cannot_stick(request):
        raise BadRequest(
            "this server keeps people signed in only over HTTPS: open it through its https:// "
            "address (a TLS proxy in front of showclear serve), or on the server itself"
        )
    body = Login(person=person.strip(), pin=pin)
    try:
        issued = app.login(slug, body.person, body.pin, client=client_of(request))
    except AuthError as e:  # a wrong PIN or a lock-out: say so on the login form
        return _login_form(request, slug, body.person, next, str(e))
    response = RedirectResponse(_safe_next(slug, next), 303)
    set_session_cookie(response, slug, issued, secure=request.app.state.secure_cookies)
    recent = [body.person, *(p for p in _recent(request, slug) if p != body.person)]
    key = _cookie_key(request, slug)
    if key is not None:
        response.set_cookie(
            _RECENT,
            _sealed(key, slug, recent[:_MAX_RECENT]),
            max_age=90 * 24 * 3600,
            path=f"/productions/{slug}",
            httponly=True,
            samesite="strict",
        )
    response.set_cookie(
        _PRODUCTION, slug, max_age=90 * 24 * 3600, path="/", httponly=True, samesite="strict"
    )
    return response


@router.post("/switch")
def switch_person(request: Request, slug: Slug, member: Viewer, app: Service) -> Response:
    """End this person's session (the API's logout) and ask who is next."""
    app.revoke_token(slug, member, member.login.id)
    response = RedirectResponse(ui_path(slug, "/login"), 303)
    clear_session_cookie(response, slug, secure=request.app.state.secure_cookies)
    return response
