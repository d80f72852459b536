"""Who is asking: the session cookie or bearer token of a request, checked by the service.

A request is signed in by ``Authorization: Bearer <token>`` (devices) or by the
session cookie that ``POST /productions/{slug}/login`` sets (browsers); the
bearer token wins if both are sent. The service checks it
(:meth:`showclear.service.App.principal_for_token`): unknown, revoked, expired
(401), or bound to another production (403). The acting person of every
command is the person of that session or token, never a field of the body.

The cookie is ``Secure``, ``HttpOnly``, ``SameSite=Strict`` and scoped to the
production's path, so a browser sends it only to that production's endpoints,
never to another site's forms (the API accepts only JSON bodies).
"""

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from showclear.api.commands import Command
from showclear.api.errors import Refused
from showclear.api.fields import Slug
from showclear.api.responses import CommandResult
from showclear.protocol.time import parse_time
from showclear.service import App
from showclear.service.sessions import Issued, Principal, SignedIn

__all__ = [
    "COOKIE",
    "Acting",
    "Actor",
    "Member",
    "Service",
    "clear_session_cookie",
    "set_session_cookie",
]

COOKIE = "showclear_session"

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `POST /productions/{slug}/tokens`.",
)
_cookie = APIKeyCookie(
    name=COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The session cookie set by `POST /productions/{slug}/login`.",
)


def _service(request: Request) -> App:
    app: App = request.app.state.showclear
    return app


Service = Annotated[App, Depends(_service)]


def _member(
    slug: Slug,
    app: Service,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    return app.principal_for_token(slug, bearer.credentials if bearer else cookie)


#: The signed-in member of the production in the path (401 / 403 otherwise).
Member = Annotated[Principal, Depends(_member)]


class Acting:
    """A signed-in member about to record a command."""

    def __init__(self, app: App, principal: Principal) -> None:
        self.app = app
        self.principal = principal

    @property
    def person(self) -> str:
        return self.principal.person

    def submit(self, command: Command, **from_path: Any) -> CommandResult:
        """Submit ``command`` as this member; a refusal raises :class:`Refused` (409).

        The service authenticates the PINs of confirming people, checks the role x
        command matrix, decides and records.
        """
        outcome = self.app.submit(
            self.principal.production,
            command.event(**from_path),
            SignedIn(self.principal, command.confirmations()),
        )
        if outcome.refused:
            raise Refused(outcome)
        return CommandResult.of(outcome)


def _acting(app: Service, principal: Member) -> Acting:
    return Acting(app, principal)


Actor = Annotated[Acting, Depends(_acting)]


def set_session_cookie(response: Response, slug: str, issued: Issued, *, secure: bool) -> None:
    """Put a new session in its cookie, scoped to the production's endpoints."""
    response.set_cookie(
        COOKIE,
        issued.secret,
        max_age=_seconds_between(issued.info.created_at, issued.info.expires_at),
        path=f"/productions/{slug}",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, slug: str, *, secure: bool) -> None:
    response.delete_cookie(
        COOKIE, path=f"/productions/{slug}", secure=secure, httponly=True, samesite="strict"
    )


def _seconds_between(start: str, end: str) -> int:
    return int((parse_time(end) - parse_time(start)).total_seconds())
