"""Every command of the catalogue as an endpoint: one route per event type a person proposes.

The routes are derived from the catalogue's declarations
(:mod:`showclear.protocol.catalogue`): each command's method and path, its body
(:mod:`showclear.commands`), the path parameter naming the thing acted on, and the fields
that are the signed-in person (a handover's giver) or default to them (who secured a
weapon found unattended). Nothing here is written per event type.

A distance is also taken as text: beside each whole-centimetre field ``*_cm`` of a body
(a setup's ``people_near[].distance_cm``, a discharge's ``nearest_cm``, the policy's
``blank_min_distance_cm``) the API body has the same name without ``_cm`` (``distance``,
``nearest``, ``blank_min_distance``) holding ``"20ft"``, ``"6m"``, ``"610cm"`` or a bare
number in the production's unit (its settings). The text is read into the ``*_cm``
field before the command is built, so the entry keeps centimetres (:func:`_with_text`).
A time field (an incident notification's ``made_at``) may leave its zone out and is then
read in the production's zone and kept in UTC. A passkey proposal's body, which names its
command rather than its route, is read the same way (:func:`texts_read`).
"""

import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import APIRouter, Body, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo

from showclear.api.responses import CommandResult
from showclear.api.routing import command
from showclear.api.security import Actor
from showclear.commands import COMMANDS, Command
from showclear.commands.fields import DistanceText, Slug, path_parameter
from showclear.http import Service
from showclear.protocol.catalogue import topic
from showclear.protocol.catalogue.settings import ProductionSettings, settings_of
from showclear.protocol.schema import TIME, hints, metadata
from showclear.protocol.time import DEFAULT_ZONE, format_time, read_local_time
from showclear.protocol.units import read_distance
from showclear.service import App

__all__ = ["router", "texts_read"]

router = APIRouter(prefix="/productions/{slug}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# -- distances as text ---------------------------------------------------------------

_CM = "_cm"
_UNIONS = (Union, types.UnionType)


@dataclass(frozen=True)
class _Texts:
    """Where a body model holds distance texts: its own (text -> cm field), and nested;
    and its times that may be written in the production's local time."""

    pairs: dict[str, str] = field(default_factory=dict)
    nested: dict[str, type[BaseModel]] = field(default_factory=dict)
    times: set[str] = field(default_factory=set)


def _local_time(text: str) -> str:
    read_local_time(text, DEFAULT_ZONE)  # the form only: the zone is the production's
    return text


#: A time in a body: RFC 3339 with its zone, or without one in the production's zone.
_LocalTime = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40),
    AfterValidator(_local_time),
    Field(examples=["2026-11-25 14:05", "2026-11-25T22:05:00Z"]),
]


def _times(model: type[BaseModel]) -> set[str]:
    """The fields of a command that hold a time (the catalogue's TIME check)."""
    spec = getattr(model, "SPEC", None)
    if spec is None:
        return set()
    return {n for n, tp in hints(spec.shape).items() if TIME in metadata(tp)[1]}


#: The API body models that take distances as text, and where.
_TEXTS: dict[type[BaseModel], _Texts] = {}
#: Each model's API body model (itself when it holds no distance), built once.
_BUILT: dict[type[BaseModel], type[BaseModel]] = {}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, alone, in a list, or nullable; None for anything else."""
    while get_origin(annotation) in (list, Annotated, *_UNIONS):
        arms = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is Annotated:
            arms = arms[:1]
        if len(arms) != 1:
            return None
        annotation = arms[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _replace(annotation: Any, old: type[BaseModel], new: type[BaseModel]) -> Any:
    """``annotation`` with the model ``old`` inside it replaced by ``new``."""
    if annotation is old:
        return new
    origin = get_origin(annotation)
    if origin is list:
        return list[_replace(get_args(annotation)[0], old, new)]  # type: ignore[misc]
    if origin is Annotated:
        inner, *extras = get_args(annotation)
        return Annotated[_replace(inner, old, new), *extras]
    if origin in _UNIONS:
        arms = tuple(_replace(a, old, new) for a in get_args(annotation))
        return Union[arms]  # noqa: UP007
    return annotation


def _is_centimetres(name: str, info: FieldInfo) -> bool:
    arms = get_args(info.annotation) if get_origin(info.annotation) in _UNIONS else ()
    bases = [
        get_args(a)[0] if get_origin(a) is Annotated else a for a in arms or (info.annotation,)
    ]
    return name.endswith(_CM) and int in bases


def _with_text(model: type[BaseModel]) -> type[BaseModel]:
    """``model``, or a copy taking each ``*_cm`` distance also as text (and nested alike).

    The copy has the same name and fields, each ``*_cm`` field optional beside its text
    field; one of the two is required where the centimetres were, never both.
    """
    if model not in _BUILT:
        _BUILT[model] = _derive(model)
    return _BUILT[model]


def _derive(model: type[BaseModel]) -> type[BaseModel]:
    texts = _Texts()
    definitions: dict[str, Any] = {}
    required: list[str] = []
    times = _times(model) & set(model.model_fields)
    for name, info in model.model_fields.items():
        inner = _inner_model(info.annotation)
        derived = _with_text(inner) if inner is not None else None
        if derived is not None and inner is not None and derived is not inner:
            texts.nested[name] = derived
            moved = _replace(info.annotation, inner, derived)
            kept = Annotated[moved, *info.metadata] if info.metadata else moved
            definitions[name] = (kept, _copy(info))
        elif _is_centimetres(name, info):
            text = name.removesuffix(_CM)
            texts.pairs[text] = name
            if info.is_required():
                required.append(text)
            definitions[name] = (
                info.rebuild_annotation() | None,
                FieldInfo(default=None, description=info.description),
            )
            definitions[text] = (
                DistanceText | None,
                FieldInfo(
                    default=None,
                    description=f"`{name}` as text in either unit (`20ft`, `6m`, `610cm`); "
                    "a bare number is in the production's unit. Give one of the two.",
                ),
            )
        elif name in times:
            texts.times.add(name)
            local = _LocalTime if info.is_required() else _LocalTime | None
            described = FieldInfo(
                default=... if info.is_required() else None,
                description=f"{info.description or 'A time.'} Without a zone "
                "(`2026-11-25 14:05`) it is the production's local time; the entry keeps UTC.",
            )
            definitions[name] = (local, described)
        else:
            definitions[name] = (info.rebuild_annotation(), _copy(info))
    if not texts.pairs and not texts.nested and not texts.times:
        return model

    def one_of_each(self: BaseModel) -> BaseModel:
        for text, cm in texts.pairs.items():
            given = [n for n in (text, cm) if getattr(self, n) is not None]
            if len(given) == 2:
                raise ValueError(f"give {cm} or {text}, not both")
            if not given and text in required:
                raise ValueError(f"{cm} or {text} is required")
        return self

    derived_model: type[BaseModel] = create_model(
        model.__name__,
        __config__=model.model_config,
        __doc__=model.__doc__,
        __module__=model.__module__,
        # pydantic's stub names plain callables; a decorated validator is what it takes.
        __validators__={"one_of_each": model_validator(mode="after")(one_of_each)},  # type: ignore[dict-item]
        **definitions,
    )
    _TEXTS[derived_model] = texts
    return derived_model


def _copy(info: FieldInfo) -> FieldInfo:
    """A field's settings without its type (carried by the annotation)."""
    if info.is_required():
        return FieldInfo(description=info.description, examples=info.examples)
    return FieldInfo(default=info.default, description=info.description, examples=info.examples)


def _read_texts(
    model: type[BaseModel], values: dict[str, Any], settings: ProductionSettings
) -> dict[str, Any]:
    """``values`` of a ``model`` body with each distance text read into its ``*_cm`` field
    and each time in UTC."""
    texts = _TEXTS.get(model)
    if texts is None:
        return values
    for text, cm in texts.pairs.items():
        written = values.pop(text, None)
        if written is not None:
            values[cm] = read_distance(written, settings.units)
    for name in texts.times:
        if values.get(name) is not None:
            values[name] = format_time(read_local_time(values[name], settings.time_zone))
    for name, nested in texts.nested.items():
        held = values.get(name)
        items = held if isinstance(held, list) else [held]
        for item in items:
            if isinstance(item, dict):
                _read_texts(nested, item, settings)
    return values


def texts_read(app: App, slug: str, command: str, body: dict[str, Any]) -> dict[str, Any]:
    """A command's body given by name (a passkey proposal's) with its distance texts and
    local times read as its endpoint reads them; unchanged for a command taking none.

    Raises:
        RequestValidationError: a distance or time that is none (422 naming the field).
    """
    model = _BY_NAME.get(command)
    api_model = None if model is None else _BUILT.get(model)
    if model is None or api_model is None or api_model is model:
        return body  # the service names an unknown command
    path = model.SPEC.command.path if model.SPEC.command else None
    given = dict(body)
    held = {path: given.pop(path)} if path and path in given else {}
    try:
        parsed = api_model.model_validate(given)
    except PydanticValidationError as e:
        raise RequestValidationError(
            [{**error, "loc": ("body", "body", *error["loc"])} for error in e.errors()]
        ) from None
    read = _read_texts(
        api_model, parsed.model_dump(exclude_unset=True), settings_of(app.projection(slug))
    )
    return {**read, **held}


def _production_settings(slug: Slug, app: Service) -> ProductionSettings:
    """The production's unit and zone, in which a bare number and a bare time are read."""
    return settings_of(app.projection(slug))


def _endpoint(model: type[Command]) -> Callable[..., CommandResult]:
    """A route function for ``model`` whose signature FastAPI reads: path id, body, actor."""
    spec = model.SPEC
    declared = spec.command
    assert declared is not None
    path = declared.path
    has_body = bool(model.model_fields)
    body_model = _with_text(model)
    has_text = body_model is not model

    def endpoint(**kwargs: Any) -> CommandResult:
        actor = kwargs["actor"]
        body: Command = kwargs["body"] if has_body else model()
        if has_text:
            given = kwargs["body"].model_dump(exclude_unset=True)
            body = model.parse(**_read_texts(body_model, given, kwargs["settings"]))
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
                "body", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[body_model, Body()]
            )
        )
    if has_text:
        parameters.append(
            inspect.Parameter(
                "settings",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[ProductionSettings, Depends(_production_settings)],
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

#: Each command model by its name (``PlanSetup``), for a body named rather than routed.
_BY_NAME: dict[str, type[Command]] = {m.__name__: m for m in COMMANDS.values()}
