"""How a command becomes an endpoint: one POST (or PUT) per catalog event, documented alike."""

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from showclear.api.problems import errors
from showclear.api.responses import CommandResult
from showclear.commands import Command
from showclear.service.authz import ANYONE, MATRIX

__all__ = ["COMMAND_ERRORS", "READ_ERRORS", "command"]

#: Every error a command can answer with.
COMMAND_ERRORS = errors(400, 401, 403, 404, 409, 422, 423, 429, 503)
#: Every error a read can answer with.
READ_ERRORS = errors(400, 401, 403, 404, 422, 503)


def _who(event_type: str) -> str:
    roles = MATRIX[event_type]
    if roles == ANYONE:
        return "every member of the production (the safety rules judge who may)"
    return ", ".join(sorted(r.replace("_", " ") for r in roles))


def command(
    router: APIRouter,
    path: str,
    model: type[Command],
    *,
    method: str = "POST",
    tags: list[str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a route that records the model's event, documenting who may attempt it."""
    event = model.event_type()
    doc = inspect.cleandoc(model.__doc__ or event)
    description = (
        f"{doc}\n\nRecords a `{event}` event, or, when a safety rule refuses it, an "
        f"`AttemptRefused` entry and a 409 `refused` problem naming the rules.\n\n"
        f"**May be attempted by:** {_who(event)}."
    )
    return router.api_route(
        path,
        methods=[method],
        response_model=CommandResult,
        summary=doc.splitlines()[0].rstrip("."),
        description=description,
        responses=COMMAND_ERRORS,
        openapi_extra={"x-event-type": event, "x-roles": sorted(MATRIX[event])},
        tags=list(tags or []),
    )
