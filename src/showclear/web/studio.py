"""The studio view as a page: ``/studio`` for a studio account, signed in with its token.

A studio account (the safety office, the insurer) is no member of any production: it
signs in at ``/studio/signin`` with the token ``showclear studio account add`` printed,
and gets a signed cookie scoped to ``/studio`` (:func:`showclear.service.studio.cookie_for`).
The page shows the productions whose ledgers grant the account, alarms first: a refused
fork in red at the top, then cease-fire and stop-work. ``?status=`` filters it, as the
API's ``GET /api/studio/productions`` does (the same service call).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from showclear.http import client_of, service_of
from showclear.service import AuthError
from showclear.service.studio import (
    STATUSES,
    account_for_cookie,
    cookie_for,
    studio_view,
)
from showclear.web.render import page
from showclear.web.routing import page_router

__all__ = ["COOKIE", "router"]

router = page_router(prefix="")

#: The studio sign-in cookie: the account, its expiry and a MAC, sent only to /studio.
COOKIE = "showclear_studio"
_PATH = "/studio"


def _secure(request: Request) -> bool:
    return bool(getattr(request.app.state, "secure_cookies", True))


@router.get("/studio")
def studio_page(
    request: Request,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Every production the signed-in studio account is granted, alarms first."""
    app = service_of(request)
    try:
        account = account_for_cookie(app, request.cookies.get(COOKIE))
    except AuthError:
        return RedirectResponse(f"{_PATH}/signin", 303)
    view = studio_view(app, account, status or None)
    return page(
        request,
        "studio.html",
        title="Studio view",
        view=view,
        statuses=STATUSES,
    )


def _signin_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    return page(request, "studio_signin.html", status=status, title="Studio sign-in", error=error)


@router.get("/studio/signin")
def studio_signin_form(request: Request) -> Response:
    """The sign-in form: a studio account's token."""
    return _signin_form(request)


@router.post("/studio/signin")
def studio_signin(
    request: Request, token: Annotated[str, Form(min_length=1, max_length=200)]
) -> Response:
    """Sign in with a studio account's token: a signed cookie, then the studio view."""
    app = service_of(request)
    app.sign_in_limiter.take(client_of(request), "studio", app.clock.now())
    try:
        _, value, seconds = cookie_for(app, token.strip())
    except AuthError as e:
        return _signin_form(request, str(e), status=401)
    response = RedirectResponse(_PATH, 303)
    response.set_cookie(
        COOKIE,
        value,
        max_age=seconds,
        path=_PATH,
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/studio/signout")
def studio_signout(request: Request) -> Response:
    """Sign out of the studio view on this device."""
    response = RedirectResponse(f"{_PATH}/signin", 303)
    response.delete_cookie(
        COOKIE, path=_PATH, secure=_secure(request), httponly=True, samesite="strict"
    )
    return response
