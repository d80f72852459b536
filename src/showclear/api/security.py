"""The acting member of an API command, answering with the JSON the API returns.

Who is asking (session cookie or bearer token) is :mod:`showclear.http`, shared
with the web UI; this module only turns what a command recorded into its response.
"""

from typing import Annotated, Any

from fastapi import Depends, Header

from showclear.api.responses import CommandResult
from showclear.commands import Command
from showclear.http import Acting, Member, Service
from showclear.service.known import check_command

__all__ = ["Actor", "ApiActing"]


class ApiActing:
    """A signed-in member recording a command through the API."""

    def __init__(self, acting: Acting) -> None:
        self._acting = acting

    @property
    def person(self) -> str:
        return self._acting.person

    def submit(self, command: Command, **from_path: Any) -> CommandResult:
        """Submit ``command`` as this member (:meth:`showclear.http.Acting.submit`).

        Raises:
            Refused: a safety rule refused the command (answered 409, and recorded).
            InvalidCommand: an argument left out or not fitting (422), nothing recorded.
        """
        acting = self._acting
        check_command(acting.app, acting.principal.production, command.event(**from_path))
        return CommandResult.of(acting.submit(command, **from_path))


def _actor(
    app: Service,
    principal: Member,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="Any unique string (a UUID) per write: a retry with the same key "
            "returns the first answer and records nothing new (docs/api.md, Retrying safely).",
        ),
    ] = None,
) -> ApiActing:
    return ApiActing(Acting(app, principal, idempotency_key))


#: The signed-in member of the production in the path, about to record a command.
Actor = Annotated[ApiActing, Depends(_actor)]
