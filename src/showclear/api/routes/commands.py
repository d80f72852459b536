"""Every command of the catalogue as an endpoint: one route per event type a person proposes.

The routes are derived from the catalogue's declarations
(:mod:`showclear.protocol.catalogue`): each command's method and path, its body
(:mod:`showclear.commands`), the path parameter naming the thing acted on, and the fields
that are the signed-in person (a handover's giver) or default to them (who secured a
weapon found unattended). Nothing here is written per event type.
"""

import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body

from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor
from showclear.commands import COMMANDS, Command
from showclear.commands.fields import path_parameter
from showclear.protocol.catalogue import topic

__all__ = ["router"]

router = APIRouter(prefix="/productions/{slug}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _endpoint(model: type[Command]) -> Callable[..., CommandResult]:
    """A route function for ``model`` whose signature FastAPI reads: path id, body, actor."""
    spec = model.SPEC
    declared = spec.command
    assert declared is not None
    path = declared.path
    has_body = bool(model.model_fields)

    def endpoint(**kwargs: Any) -> CommandResult:
        actor = kwargs["actor"]
        body: Command = kwargs["body"] if has_body else model()
        fields: dict[str, Any] = {path: kwargs[path]} if path else {}
        fields.update({name: actor.person for name in declared.from_actor})
        for name in declared.actor_default:
            fields[name] = getattr(body, name) or actor.person
        return actor.submit(body, **fields)  # type: ignore[no-any-return]

    parameters = []
    if path:
        parameters.append(
            inspect.Parameter(
                path,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=path_parameter(spec.shape, path),
            )
        )
    if has_body:
        parameters.append(
            inspect.Parameter(
                "body", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[model, Body()]
            )
        )
    parameters.append(inspect.Parameter("actor", inspect.Parameter.KEYWORD_ONLY, annotation=Actor))
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=CommandResult)  # type: ignore[attr-defined]
    endpoint.__name__ = _snake(model.__name__)
    endpoint.__doc__ = model.__doc__
    return endpoint


for _model in COMMANDS.values():
    _method, _path = _model.SPEC.command.route  # type: ignore[union-attr]
    _tag = topic(_model.SPEC.name)
    command(router, _path, _model, method=_method, tags=[_tag])(_endpoint(_model))
