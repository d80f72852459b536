"""Signing in: log in and out (session cookie), API tokens for devices, PINs, who am I."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from showclear.api.problems import errors
from showclear.api.responses import IssuedToken, Me, Token
from showclear.commands.fields import PersonPath, Pin, Slug, Text
from showclear.http import (
    Login,
    Member,
    Refused,
    Service,
    clear_session_cookie,
    client_of,
    set_session_cookie,
)
from showclear.service.sessions import MAX_TOKEN_TTL, TOKEN_TTL

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["signing in"])


class NewToken(Login):
    """A person's PIN, for an API token that acts as them from a device."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"person": "ava", "pin": "1357", "label": "armory tablet", "expires_in_days": 30}
            ]
        },
    )
    label: Text | None = Field(default=None, max_length=200)
    expires_in_days: StrictInt = Field(default=TOKEN_TTL.days, ge=1, le=MAX_TOKEN_TTL.days)


class NewPin(BaseModel):
    """A new PIN: your own with your current PIN; someone else's only after a reset that the
    safety coordinator and a producer both approved (ID-RESET)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"pin": "8642", "current_pin": "1357"}]},
    )
    pin: Pin
    current_pin: Pin | None = None


_LOGIN_ERRORS = errors(400, 401, 404, 422, 423, 429, 503)
_MEMBER_ERRORS = errors(401, 403, 422, 503)
_REVOKE_ERRORS = errors(401, 403, 404, 422, 503)
_PIN_ERRORS = errors(400, 401, 403, 404, 422, 423, 503)


@router.post("/login", responses=_LOGIN_ERRORS)
def login(slug: Slug, body: Login, app: Service, request: Request, response: Response) -> Token:
    """Log in with your PIN or password: sets an HTTP-only session cookie for 12 hours.

    Five wrong PINs in a row lock the person out for 15 minutes (423); a device that
    tries more than 10 times a minute waits (429 with `Retry-After`). A wrong PIN and an
    unknown name get the same answer.
    """
    issued = app.login(slug, body.person, body.pin, client=client_of(request))
    set_session_cookie(response, slug, issued, secure=request.app.state.secure_cookies)
    return Token.of(issued.info)


@router.post("/logout", status_code=204, responses=_MEMBER_ERRORS)
def logout(slug: Slug, member: Member, app: Service, request: Request) -> Response:
    """End the session (or revoke the API token) this request is signed in with."""
    app.revoke_token(slug, member, member.login.id)
    response = Response(status_code=204)
    clear_session_cookie(response, slug, secure=request.app.state.secure_cookies)
    return response


@router.post("/tokens", status_code=201, responses=_LOGIN_ERRORS)
def create_token(slug: Slug, body: NewToken, app: Service, request: Request) -> IssuedToken:
    """Create an API token for a device, acting as the person whose PIN is given.

    The token is shown once; showclear keeps only its SHA-256. Send it as
    `Authorization: Bearer <token>`. It expires, and can be revoked.
    """
    issued = app.create_token(
        slug,
        body.person,
        body.pin,
        label=body.label,
        ttl=timedelta(days=body.expires_in_days),
        client=client_of(request),
    )
    return IssuedToken.issued(issued)


@router.get("/tokens", responses=_MEMBER_ERRORS)
def list_tokens(slug: Slug, member: Member, app: Service) -> list[Token]:
    """Your sessions and tokens (everyone's for the safety coordinator and producers)."""
    return [Token.of(t) for t in app.tokens(slug, member)]


@router.delete("/tokens/{token_id}", status_code=204, responses=errors(401, 403, 404, 422, 503))
def revoke_token(
    slug: Slug,
    token_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", examples=["0123456789abcdef"])],
    member: Member,
    app: Service,
) -> Response:
    """Revoke a session or token: your own, or anyone's for oversight roles."""
    app.revoke_token(slug, member, token_id)
    return Response(status_code=204)


@router.put(
    "/people/{person}/pin",
    status_code=204,
    responses=errors(400, 401, 403, 404, 409, 422, 423, 503),
)
def set_pin(slug: Slug, person: PersonPath, body: NewPin, member: Member, app: Service) -> Response:
    """Set a PIN: your own with your current PIN; someone else's only after a reset.

    A reset needs the safety coordinator and a producer, two people, each approving with
    `POST /people/{person}/credential-resets`; setting someone else's PIN without it is
    refused by ID-RESET (409) and the attempt is recorded. The new PIN is recorded as a
    ledger entry (never the PIN itself) and ends every session and token of the person.
    """
    receipt = app.change_pin(slug, member, person, body.pin, body.current_pin)
    if receipt.refused:
        raise Refused(receipt)
    return Response(status_code=204)


@router.get("/me", responses=_MEMBER_ERRORS)
def me(member: Member) -> Me:
    """Who this session or token signs in as, with their roles."""
    return Me.of(member)
