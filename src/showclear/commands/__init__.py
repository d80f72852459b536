"""Typed commands: the one request body of each event type, for the CLI, the API and the web.

Each command is built from its event type's declaration in the catalogue
(:mod:`showclear.protocol.catalogue`): the event's fields, their constraints and their
meaning, less what a request never carries. The acting person (``actor``, and fields
such as a handover's giver) comes from the session, the token or ``--as``; the time
from the server's clock; confirmation flags (``receiver_confirmed``, ...) from the
credentials checked in the same request, which the body carries as PINs
(``receiver_pin``, an attendee's ``pin``); the fields :func:`showclear.protocol.decide`
assigns (incident and concern numbers, warnings, overrides) are not in a body at all.
The field that names the resource acted on (``path``: a weapon, a lot, a setup, ...) is
the API route's path parameter and the CLI's first argument.

Each command's example is valid against the demo production used by the tests, and is
sent by them, so the examples in the OpenAPI schema work.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    NotRequired,
    Union,
    cast,
    get_args,
    get_origin,
    is_typeddict,
)

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    create_model,
)
from pydantic import ValidationError as PydanticValidationError

from showclear.commands.fields import Pin, RuleId, checked, distinct
from showclear.ledger import MAX_SAFE_INTEGER
from showclear.protocol.catalogue import ASSIGNED_FIELDS, CATALOGUE, Confirmation, EventType
from showclear.protocol.errors import MalformedEventError, UnknownReferenceError
from showclear.protocol.schema import DATE, RULE_ID, Check, Doc, hints, metadata

__all__ = [
    "COMMANDS",
    "Command",
    "InvalidCommand",
    "UnknownValue",
    "by_name",
    "command_for",
]

_NONE = type(None)
#: Fields of every event that a request never carries.
_SERVER_FIELDS = frozenset({"type", "at", "actor", "assurance", "signatures"})


class InvalidCommand(MalformedEventError):
    """A command's arguments do not fit its event type; the message names each field."""


class UnknownValue(UnknownReferenceError):
    """A command names something the catalogue does not know (a rule id that is no rule)."""


ShowclearInput = InvalidCommand | UnknownValue


def _command_error(model: type[BaseModel], error: PydanticValidationError) -> ShowclearInput:
    """One message naming every field that does not fit (the first five), and what would."""
    problems = error.errors()
    found = "; ".join(_problem(model, e) for e in problems[:5])
    if all(e.get("type") == "enum" for e in problems):
        return UnknownValue(f"{model.__name__}: {found}")
    return InvalidCommand(f"{model.__name__}: {found}")


def _problem(model: type[BaseModel], error: Mapping[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", ())]
    where = ".".join(loc) or model.__name__
    if error.get("type") != "extra_forbidden":
        return f"{where}: {error.get('msg', '')}"
    known = _fields_at(model, loc[:-1])
    return f"{where} is not a field here (known: {', '.join(sorted(known))})"


def _fields_at(model: type[BaseModel], loc: list[str]) -> list[str]:
    """The field names of the (nested) model at ``loc``, list indexes skipped."""
    current: Any = model
    for step in loc:
        if step.isdigit() or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        annotation = current.model_fields[step].annotation
        while get_origin(annotation) in (list, Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not _NONE)
        current = annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


class Command(BaseModel):
    """A command's body; :meth:`event` turns it into the proposed event."""

    model_config = ConfigDict(extra="forbid")

    #: The catalogue's declaration of the event this command proposes.
    SPEC: ClassVar[EventType[Any]]

    @classmethod
    def event_type(cls) -> str:
        """The name of the event type this command proposes."""
        return cls.SPEC.name

    @classmethod
    def parse(cls, **values: Any) -> Command:
        """This command from keyword values, as the CLI and the web build it.

        Raises InvalidCommand naming every field that does not fit, or UnknownValue for a
        value the catalogue does not know (a rule id that names no rule).
        """
        try:
            return cls.model_validate(values)
        except PydanticValidationError as e:
            raise _command_error(cls, e) from None

    def event(self, **from_path: Any) -> dict[str, Any]:
        """The proposed event: this body without its PINs, plus ids from the path or the actor.

        A required field of the catalogue left out (one that may be null) is sent as null,
        so that the protocol records, for example, a lot received without a count and
        refuses it by AMMO-SOURCE.
        """
        spec = self.SPEC
        secrets = {c.secret for c in spec.confirms if c.listed is None}
        body = self.model_dump(mode="json", exclude_none=True, exclude=secrets)
        for confirmation in spec.confirms:
            if confirmation.listed is not None and confirmation.listed in body:
                pin = confirmation.field(confirmation.secret)
                body[confirmation.listed] = [
                    {k: v for k, v in item.items() if k != pin}
                    for item in body[confirmation.listed]
                ]
        proposed: dict[str, Any] = {"type": spec.name, **body, **from_path}
        for key in _required(spec) - _SERVER_FIELDS - _flags(spec):
            proposed.setdefault(key, None)
        return proposed

    def confirmations(self) -> dict[str, str]:
        """The PINs of people confirming this command, by person."""
        found: dict[str, str] = {}
        for confirmation in self.SPEC.confirms:
            listed = confirmation.listed
            holders = [self] if listed is None else getattr(self, listed) or []
            person, secret = (
                confirmation.field(confirmation.person),
                confirmation.field(confirmation.secret),
            )
            for holder in holders:
                who, pin = getattr(holder, person, None), getattr(holder, secret, None)
                if who is not None and pin is not None:
                    found[str(who)] = str(pin)
        return found


def _is_not_required(tp: Any) -> bool:
    return get_origin(tp) is NotRequired


def _required(spec: EventType[Any]) -> frozenset[str]:
    """The fields every event of this type has (some of which may be null)."""
    return frozenset(n for n, tp in hints(spec.shape).items() if not _is_not_required(tp))


def _flags(spec: EventType[Any]) -> frozenset[str]:
    return frozenset(c.flag for c in spec.confirms if c.listed is None)


# -- building a body model from an event type's annotations -------------------------------


def _string(checks: list[Check]) -> Any:
    if DATE in checks:
        return dt.date
    if RULE_ID in checks:
        return RuleId
    constraints: dict[str, Any] = {}
    patterns: list[Check] = []
    for check in checks:
        schema = check.schema
        if "pattern" in schema:
            patterns.append(check)
        if "minLength" in schema:
            constraints["min_length"] = schema["minLength"]
        if "maxLength" in schema:
            constraints["max_length"] = schema["maxLength"]
    if not constraints and not patterns:
        return str
    return Annotated[str, StringConstraints(**constraints), *(checked(c) for c in patterns)]


def _integer(checks: list[Check]) -> Any:
    low: int | None = None
    high = MAX_SAFE_INTEGER
    for check in checks:
        low = check.schema.get("minimum", low)
        high = check.schema.get("maximum", high)
    return Annotated[StrictInt, Field(ge=low, le=high)]


class _Builder:
    """Turns catalogue annotations into pydantic annotations, one nested model per TypedDict.

    ``confirming`` maps a list item's TypedDict to the confirmation its items carry: the
    item's model then has the PIN field instead of the flag.
    """

    def __init__(self) -> None:
        self.models: dict[tuple[type, str | None], type[BaseModel]] = {}
        self.confirming: dict[type, Confirmation] = {}

    def annotation(self, tp: Any, where: str) -> tuple[Any, dict[str, Any]]:
        """The pydantic annotation of catalogue type ``tp`` and its Field arguments."""
        base, extras = metadata(tp)
        checks = [e for e in extras if isinstance(e, Check)]
        docs = [e.text for e in extras if isinstance(e, Doc)]
        field: dict[str, Any] = {"description": docs[0]} if docs else {}
        for check in checks:
            if "maxItems" in check.schema:
                field["max_length"] = check.schema["maxItems"]
                if check.schema.get("minItems"):
                    field["min_length"] = check.schema["minItems"]
        origin = get_origin(base)
        if origin in (Union, types.UnionType):
            arms = [self.annotation(a, where)[0] for a in get_args(base) if a is not _NONE]
            joined = arms[0] if len(arms) == 1 else Union[tuple(arms)]  # noqa: UP007
            return (joined | None) if _NONE in get_args(base) else joined, field
        if origin is Literal:
            return base, field
        if origin is list:
            item = self.annotation(get_args(base)[0], where)[0]
            listed: Any = list[item]  # type: ignore[valid-type]
            once = [c for c in checks if {"uniqueItems", "x-unique-by"} & set(c.schema)]
            return (Annotated[listed, distinct(once[0])] if once else listed), field
        if origin is dict:
            key, value = (self.annotation(a, where)[0] for a in get_args(base))
            return dict[key, value], field  # type: ignore[valid-type]
        if base is str:
            return _string(checks), field
        if base is int:
            return _integer(checks), field
        if base is bool:
            return StrictBool, field
        if is_typeddict(base):
            return self.nested(base), field
        raise TypeError(f"{where}: no request type for {base!r}")  # a catalogue bug

    def nested(self, shape: type) -> type[BaseModel]:
        """The model of a TypedDict inside a body (a permit, an attendee, ...), built once."""
        confirmation = self.confirming.get(shape)
        key = (shape, None if confirmation is None else confirmation.secret)
        if key not in self.models:
            confirms = () if confirmation is None else (_relative(confirmation),)
            self.models[key] = self.model(shape, shape.__name__, confirms=confirms)
        return self.models[key]

    def model(
        self,
        shape: type,
        name: str,
        *,
        confirms: tuple[Confirmation, ...] = (),
        skip: frozenset[str] = frozenset(),
        optional: frozenset[str] = frozenset(),
        doc: str | None = None,
        base: type[BaseModel] = BaseModel,
        example: Mapping[str, object] | None = None,
    ) -> type[BaseModel]:
        """A model of ``shape``'s fields less ``skip``; ``optional`` ones may be left out.

        Each of ``confirms`` (fields of this level) replaces its flag by its PIN field.
        """
        flags = {c.flag for c in confirms}
        pins = {c.person: c for c in confirms}
        definitions: dict[str, Any] = {}
        for field_name, tp in hints(shape).items():
            if field_name in skip or field_name in flags:
                continue  # a flag is set from the checked credential, never from a request
            annotation, field = self.annotation(tp, f"{shape.__name__}.{field_name}")
            nullable = get_origin(metadata(tp)[0]) in (Union, types.UnionType)
            if _is_not_required(tp) or nullable or field_name in optional:
                annotation = annotation if nullable else annotation | None
                definitions[field_name] = (annotation, Field(default=None, **field))
            else:
                definitions[field_name] = (annotation, Field(**field))
            if field_name in pins:
                definitions[pins[field_name].secret] = _pin_field(pins[field_name])
        config = ConfigDict(extra="forbid")
        if example:
            config["json_schema_extra"] = {"examples": [cast(dict[str, Any], dict(example))]}
        model: type[BaseModel] = create_model(
            name,
            __config__=config if base is BaseModel else None,
            __base__=None if base is BaseModel else base,
            __doc__=doc or shape.__doc__,
            __module__=__name__,
            **definitions,
        )
        if base is not BaseModel:
            model.model_config = {**base.model_config, **config}
            model.model_rebuild(force=True)
        return model


def _relative(confirmation: Confirmation) -> Confirmation:
    """A listed confirmation with its fields named inside one list item."""
    return Confirmation(
        confirmation.field(confirmation.person),
        confirmation.field(confirmation.flag),
        confirmation.field(confirmation.secret),
        confirmation.prompt,
    )


def _pin_field(confirmation: Confirmation) -> tuple[Any, Any]:
    return (
        Pin | None,
        Field(
            default=None,
            description=f"The {confirmation.person}'s own PIN, confirming. Without it they "
            "have not confirmed, and the rules may refuse the command.",
        ),
    )


def _build(spec: EventType[Any], builder: _Builder) -> type[Command]:
    command = spec.command
    assert command is not None
    assigned = ASSIGNED_FIELDS["*"] | ASSIGNED_FIELDS[spec.name]
    for confirmation in spec.confirms:
        if confirmation.listed is not None:
            items = metadata(hints(spec.shape)[confirmation.listed])[0]
            builder.confirming[get_args(items)[0]] = confirmation
    model = builder.model(
        spec.shape,
        command.name,
        confirms=tuple(c for c in spec.confirms if c.listed is None),
        skip=_SERVER_FIELDS | assigned | command.from_actor | _path_field(command.path),
        optional=command.actor_default,
        doc=command.doc,
        base=Command,
        example=command.example,
    )
    model.SPEC = spec  # type: ignore[attr-defined]
    return cast(type[Command], model)


def _path_field(path: str | None) -> frozenset[str]:
    return frozenset() if path is None else frozenset({path})


def _build_all() -> dict[str, type[Command]]:
    builder = _Builder()
    return {
        name: _build(spec, builder) for name, spec in CATALOGUE.items() if spec.command is not None
    }


#: The command of each event type a person may propose, by event type.
COMMANDS: dict[str, type[Command]] = _build_all()
_BY_NAME = {model.__name__: model for model in COMMANDS.values()}


def command_for(event_type: str) -> type[Command]:
    """The command that proposes ``event_type``.

    Raises KeyError for an event type showclear writes itself.
    """
    return COMMANDS[event_type]


def by_name(name: str) -> type[Command]:
    """The command called ``name`` (``HandOver``, ``ReceiveLot``, ...)."""
    return _BY_NAME[name]
