"""Passkeys: enrolling one in person, and signing a command with them (ID-OWN).

Enrolment is two requests of the signed-in person, whose phone makes the passkey in
between (``navigator.credentials.create``); a handler or the safety coordinator standing
beside them witnesses it with their own PIN. A signed command is proposed once by the
signed-in actor; each person it needs (the actor, the receiver, the performer...) asks
for their own challenge and answers with their passkey, on their own device, without
signing in: the passkey is the proof. The last signature records the command.

A person's passkeys (enrolled, and any revoked) are listed here; revoking one is a
command like any other (``POST /people/{person}/passkey-revocations``, ID-RESET).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from showclear.api.problems import errors
from showclear.api.responses import CommandResult
from showclear.api.routes.commands import texts_read
from showclear.commands.fields import Id, PersonPath, Pin, Slug
from showclear.http import Member, Refused, Service, relying_of
from showclear.service.known import check_references
from showclear.service.passkeys import Pending

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}", tags=["passkeys"])

PendingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", examples=["0123456789abcdef"])]


class NewPasskey(BaseModel):
    """The phone's answer to the registration options, and the witness's PIN."""

    model_config = ConfigDict(extra="forbid")
    credential: dict[str, Any] = Field(
        description="The PublicKeyCredential as JSON (id, rawId, type, response with "
        "clientDataJSON and attestationObject, all base64url)."
    )
    witness: Id
    witness_pin: Pin


class Revocation(BaseModel):
    """When a passkey was revoked, and by whom."""

    at: str
    by: str


class PasskeyInfo(BaseModel):
    """One of a person's passkeys as the ledger holds it: never a secret."""

    credential: str = Field(description="The credential id (base64url): name it to revoke it.")
    enrolled_at: str
    witness: str
    rp_id: str = Field(description="The host name it was made for.")
    revoked: Revocation | None = None


class Proposal(BaseModel):
    """A command as the API takes it (its name and body, path fields included), to sign."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"command": "HandOver", "body": {"weapon": "colt-1", "receiver": "alec"}}]
        },
    )
    command: str = Field(max_length=64, description="The command's name, e.g. HandOver.")
    body: dict[str, Any]
    person: Id | None = Field(
        default=None, description="Who signs now (default: you): their challenge comes back."
    )


class Signer(BaseModel):
    """Who asks for their challenge."""

    model_config = ConfigDict(extra="forbid")
    person: Id


class Assertion(BaseModel):
    """One person's passkey assertion over their challenge."""

    model_config = ConfigDict(extra="forbid")
    person: Id
    credential: dict[str, Any] = Field(
        description="The PublicKeyCredential as JSON (id, rawId, type, response with "
        "authenticatorData, clientDataJSON, signature, userHandle, all base64url)."
    )


class Signed(BaseModel):
    """The proposal after a signature: who still has to sign, or what was recorded."""

    pending: dict[str, Any]
    recorded: CommandResult | None = None


_ERRORS = errors(400, 401, 403, 404, 409, 422, 423, 503)


@router.post("/passkeys/register/options", responses=errors(400, 401, 403, 422, 503))
def passkey_options(slug: Slug, member: Member, app: Service, request: Request) -> dict[str, Any]:
    """Options for your phone to make your own passkey (``navigator.credentials.create``)."""
    return app.passkeys.registration_options(slug, member, relying_of(request))


@router.post("/passkeys/register", responses=_ERRORS)
def register_passkey(
    slug: Slug, body: NewPasskey, member: Member, app: Service, request: Request
) -> CommandResult:
    """Enrol your passkey, witnessed in person by a handler or the safety coordinator's PIN.

    The ledger records its credential id and public key (PasskeyEnrolled), never a secret.
    """
    receipt = app.passkeys.register(
        slug,
        member,
        relying_of(request),
        body.credential,
        witness=body.witness,
        witness_pin=body.witness_pin,
    )
    return CommandResult.of(receipt)


@router.get("/people/{person}/passkeys", responses=errors(401, 403, 404, 422))
def list_passkeys(
    slug: Slug, person: PersonPath, member: Member, app: Service
) -> list[PasskeyInfo]:
    """A person's passkeys: credential id, when enrolled, the witness, and any revocation."""
    found = app.passkeys.passkeys(slug, person, member)
    return [PasskeyInfo.model_validate(key) for key in found]


@router.post("/sign/options", responses=_ERRORS)
def propose_signed(
    slug: Slug, body: Proposal, member: Member, app: Service, request: Request
) -> dict[str, Any]:
    """Propose a command to sign with passkeys: its fixed proposal and your challenge.

    The challenge is SHA-256 over the proposal's canonical JSON, the latest checkpoint's
    root and a server nonce (docs/security.md, "Passkey signatures").
    """
    proposed = texts_read(app, slug, body.command, body.body)  # "20ft" as the routes read it
    pending = app.passkeys.propose(slug, member, body.command, proposed)
    check_references(app, slug, pending.event)  # a typo is 422 with suggestions, not signed
    person = body.person or member.person
    return app.passkeys.options(slug, pending.id, person, relying_of(request))


@router.get("/sign/{pending}", responses=errors(401, 404, 422))
def show_proposal(slug: Slug, pending: PendingId, app: Service) -> dict[str, Any]:
    """Exactly what a pending proposal asks its people to sign, and who has not yet."""
    return app.passkeys.pending(slug, pending).summary()


@router.post("/sign/{pending}/options", responses=errors(400, 401, 404, 422, 503))
def signing_options(
    slug: Slug, pending: PendingId, body: Signer, app: Service, request: Request
) -> dict[str, Any]:
    """A person's own challenge for a pending proposal (on their own phone, no sign-in)."""
    return app.passkeys.options(slug, pending, body.person, relying_of(request))


@router.post("/sign/{pending}", responses=_ERRORS)
def sign_proposal(
    slug: Slug, pending: PendingId, body: Assertion, app: Service, request: Request
) -> Signed:
    """Sign a pending proposal with your passkey; the last signature records the command.

    A refusal by the safety rules is recorded, with every signature, and answered 409.
    """
    found, receipt = app.passkeys.sign(
        slug, pending, body.person, body.credential, relying=relying_of(request)
    )
    if receipt is not None and receipt.refused:
        raise Refused(receipt)
    return Signed(pending=_summary(found), recorded=CommandResult.of(receipt) if receipt else None)


def _summary(pending: Pending) -> dict[str, Any]:
    return pending.summary()
