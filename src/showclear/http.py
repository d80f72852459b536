"""Request plumbing the HTTP API and the web UI share: who is asking, and acting as them.

Both :mod:`showclear.api` (JSON) and :mod:`showclear.web` (pages) import this module;
neither imports the other, and :mod:`showclear.server` puts them in one application.

A request is signed in by ``Authorization: Bearer <token>`` (devices) or by the
session cookie that ``POST /productions/{slug}/login`` sets (browsers); the
bearer token wins if both are sent. The service checks it
(:meth:`showclear.service.App.principal_for_token`): unknown, revoked, expired
(401), or bound to another production (403). The acting person of every
command is the person of that session or token, never a field of the body.

The cookie is ``Secure``, ``HttpOnly``, ``SameSite=Strict`` and scoped to the
production's path, so a browser sends it only to that production's endpoints,
never to another site's forms (the API accepts only JSON bodies).

The application's :class:`showclear.service.App` is ``request.app.state.showclear``,
and whether cookies are ``Secure`` is ``request.app.state.secure_cookies``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from showclear.commands import Command
from showclear.commands.fields import Id, Pin, Slug
from showclear.errors import ErrorKind, ShowclearError
from showclear.limits import command_rate
from showclear.protocol.time import parse_time
from showclear.service import App
from showclear.service.commands import Receipt
from showclear.service.known import check_references
from showclear.service.passkeys import Relying
from showclear.service.sessions import Issued, Principal, SignedIn

__all__ = [
    "COOKIE",
    "Acting",
    "Login",
    "Member",
    "Refused",
    "Service",
    "clear_session_cookie",
    "client_of",
    "relying_of",
    "service_of",
    "set_session_cookie",
]

COOKIE = "showclear_session"


class Refused(ShowclearError):
    """A command the protocol refused: answered 409 with the rules, though it was recorded."""

    kind = ErrorKind.REFUSED

    def __init__(self, outcome: Receipt) -> None:
        super().__init__(f"refused by {', '.join(dict.fromkeys(outcome.rule_ids))}")
        self.outcome = outcome


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


def service_of(request: Request) -> App:
    """The application's service (``request.app.state.showclear``)."""
    app: App = request.app.state.showclear
    return app


#: The application's service, as a dependency.
Service = Annotated[App, Depends(service_of)]


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

    def __init__(self, app: App, principal: Principal, idempotency_key: str | None = None) -> None:
        self.app = app
        self.principal = principal
        #: The request's ``Idempotency-Key``: a retry under it records nothing new.
        self.idempotency_key = idempotency_key

    @property
    def person(self) -> str:
        return self.principal.person

    def submit(self, command: Command, **from_path: Any) -> Receipt:
        """Submit ``command`` as this member and return what was recorded.

        The service authenticates the PINs of confirming people, checks the role x
        command matrix, decides and records.

        Raises:
            Refused: a safety rule refused the command (the refusal is recorded).
            UnknownReferenceError: the command names a weapon, lot, person or storage id
                this production never registered; nothing is recorded.
            TooManyCommands: the member recorded too many commands this minute
                (docs/limits.md); nothing is recorded.
        """
        event = command.event(**from_path)
        command_rate(self.app).take(self.principal.production, self.person, event["type"])
        # A typo (an id this production never registered) is an input error with
        # suggestions, not a refusal recorded in the member's name (service/known.py);
        # after the rate limit, since a missing id is looked for in the ledger.
        check_references(self.app, self.principal.production, event)
        outcome = self.app.submit(
            self.principal.production,
            event,
            SignedIn(self.principal, command.confirmations()),
            idempotency_key=self.idempotency_key,
        )
        if outcome.refused:
            raise Refused(outcome)
        return outcome


class Login(BaseModel):
    """A person's id and their PIN or password."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"person": "ava", "pin": "1357"}]}
    )
    person: Id
    pin: Pin


def client_of(request: Request) -> str | None:
    """The address of the device asking, for limiting sign-in attempts per device."""
    return request.client.host if request.client is not None else "unknown"


def relying_of(request: Request) -> Relying:
    """The WebAuthn relying party this request speaks to: ``serve --rp-id`` or its Host's name.

    The origin is the request's own scheme and Host, which a browser's passkey response
    must name.
    """
    host = request.headers.get("host") or request.url.netloc
    configured = getattr(request.app.state, "rp_id", None)
    rp_id = configured or host.rsplit(":", 1)[0].strip("[]")
    return Relying(rp_id=rp_id, origin=f"{request.url.scheme}://{host}")


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
    """Remove the session cookie (after the session was ended)."""
    response.delete_cookie(
        COOKIE, path=f"/productions/{slug}", secure=secure, httponly=True, samesite="strict"
    )


def _seconds_between(start: str, end: str) -> int:
    return int((parse_time(end) - parse_time(start)).total_seconds())
