"""The event catalogue: every fact a production's ledger can hold, each type declared once.

Each module declares a group of event types (:class:`~.declare.EventType`): its shape,
fold, plain words, confirmations, who may attempt it and its command. This package
collects them, checks at import that every declaration is complete and consistent
(a type missing a part fails loudly here, not on a set), and answers the questions the
rest of showclear asks about events:

- :data:`CATALOGUE` the declarations by type name; :func:`event_type` one of them
- :func:`validate_event` is this a well-formed event of a known type?
- :func:`describe` one line of plain words for an entry
- :func:`confirmers` / :func:`apply_confirmations` who must confirm, and recording who did
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, get_args

from showclear.errors import ShowclearError
from showclear.protocol.catalogue import (
    credentials,
    custody,
    day,
    edges,
    incidents,
    inventory,
    magazines,
    oversight,
    people,
    settings,
    studio,
    suppliers,
    writer,
)
from showclear.protocol.catalogue import setups as setups_module
from showclear.protocol.catalogue.declare import (
    ANYONE,
    OVERSIGHT,
    ROLES,
    STOCK,
    Command,
    Confirmation,
    EventType,
    Incidents,
    Origin,
)
from showclear.protocol.catalogue.fields import Event, Role
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words, chambers_text, numbers_text
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.schema import Assigned, check_shape, hints, metadata

__all__ = [
    "ANYONE",
    "ASSIGNED_FIELDS",
    "CATALOGUE",
    "EVENT_TYPES",
    "OVERSIGHT",
    "REPORT_TYPES",
    "ROLES",
    "STOCK",
    "SYSTEM_TYPES",
    "CatalogueError",
    "Command",
    "Confirmation",
    "EventType",
    "Fold",
    "Incidents",
    "Origin",
    "Words",
    "apply_confirmations",
    "chambers_text",
    "check_declaration",
    "confirmers",
    "describe",
    "event_type",
    "follow_ups",
    "numbers_text",
    "topic",
    "validate_event",
]


class CatalogueError(ShowclearError):
    """A declaration of the catalogue is incomplete or inconsistent (a programming error)."""


_SERVER_FIELDS: Final = frozenset({"type", "at", "actor"})


def _assigned(shape: type) -> frozenset[str]:
    return frozenset(
        name
        for name, tp in hints(shape).items()
        if any(isinstance(extra, Assigned) for extra in metadata(tp)[1])
    )


def check_declaration(spec: EventType[Any]) -> None:
    """Refuse a declaration that misses a part or contradicts its own shape."""
    name, fields = spec.name, hints(spec.shape)
    where = f"event type {name}"
    if not {"type", "at", "actor"} <= fields.keys():
        raise CatalogueError(f"{where}: its shape must derive from Event")
    if spec.fold is None or spec.describe is None:
        raise CatalogueError(f"{where}: needs a fold and a description")
    if spec.origin == "system":
        if spec.command is not None or spec.roles or spec.confirms:
            raise CatalogueError(f"{where}: showclear writes it; it has no command or roles")
    else:
        if spec.command is None or not spec.roles:
            raise CatalogueError(f"{where}: a person proposes it; it needs a command and roles")
        unknown_roles = spec.roles - set(ROLES)
        if unknown_roles:
            raise CatalogueError(f"{where}: unknown roles {sorted(unknown_roles)}")
        command = spec.command
        named = {command.path, *command.from_actor, *command.actor_default} - {None}
        missing = [f for f in named if f not in fields]
        if missing:
            raise CatalogueError(f"{where}: its command names fields it lacks: {missing}")
        if command.path is not None and f"{{{command.path}}}" not in command.route[1]:
            raise CatalogueError(f"{where}: the route {command.route[1]} lacks {{{command.path}}}")
    for confirmation in spec.confirms:
        top = confirmation.listed or confirmation.person
        if top not in fields or (confirmation.listed is None and confirmation.flag not in fields):
            raise CatalogueError(f"{where}: confirmation {confirmation.person} is not in its shape")
    if spec.number is not None and spec.number not in _assigned(spec.shape):
        raise CatalogueError(f"{where}: the numbered field {spec.number} must be assigned")


_TOPICS: dict[str, str] = {}


def topic(event_type: str) -> str:
    """The topic the event type's group module declares (the API's tag for its command)."""
    return _TOPICS[event_type]


def _collect() -> dict[str, EventType[Any]]:
    found: dict[str, EventType[Any]] = {}
    modules = (
        people,
        settings,
        day,
        suppliers,
        inventory,
        magazines,
        edges,
        setups_module,
        custody,
        incidents,
        oversight,
        studio,
        credentials,  # last of the commands: the matrix test's resets end the people's sign-ins
        writer,
    )
    for module in modules:
        if not isinstance(getattr(module, "TOPIC", None), str):
            raise CatalogueError(f"{module.__name__} needs a TOPIC for its commands")
        for spec in module.TYPES:
            if spec.name in found:
                raise CatalogueError(f"event type {spec.name} is declared twice")
            check_declaration(spec)
            found[spec.name] = spec
            _TOPICS[spec.name] = module.TOPIC
    commands = [s.command.name for s in found.values() if s.command is not None]
    if len(set(commands)) != len(commands):
        raise CatalogueError("two event types declare the same command name")
    return found


#: Every event type, by name, in catalogue order.
CATALOGUE: Final[Mapping[str, EventType[Any]]] = _collect()

#: Every event type's shape, by name.
EVENT_TYPES: Final[dict[str, type]] = {name: spec.shape for name, spec in CATALOGUE.items()}

#: Facts that already happened: recorded even when they break a rule (the breach opens an
#: incident instead), because refusing them would leave the state disagreeing with the set.
REPORT_TYPES: Final = frozenset(n for n, s in CATALOGUE.items() if s.origin == "report")

#: Written by showclear itself, never proposed.
SYSTEM_TYPES: Final = frozenset(n for n, s in CATALOGUE.items() if s.origin == "system")

#: Fields decide fills in; a proposed event must not carry them ("*": every type).
ASSIGNED_FIELDS: Final[dict[str, frozenset[str]]] = {
    "*": _assigned(Event),
    **{name: _assigned(s.shape) - _assigned(Event) for name, s in CATALOGUE.items()},
}


def event_type(name: object) -> EventType[Any]:
    """The declaration of event type ``name``.

    Raises MalformedEventError naming the known types if there is none.
    """
    spec = CATALOGUE.get(name) if isinstance(name, str) else None
    if spec is None:
        known = ", ".join(sorted(CATALOGUE))
        raise MalformedEventError(f"unknown event type {name!r}; known types: {known}")
    return spec


def validate_event(event: object) -> None:
    """Check that ``event`` is a well-formed event of a known type.

    Raises MalformedEventError with a message naming the type and the field that is wrong.
    """
    if not isinstance(event, dict):
        raise MalformedEventError(f"an event must be a mapping, got {event!r}")
    spec = event_type(event.get("type"))
    check_shape(event, spec.shape, spec.name)
    if spec.check is not None:
        spec.check(event)
    if spec.name == "AttemptRefused":
        validate_event(event["attempted"])


def describe(
    event: Mapping[str, Any],
    before: list[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One line saying what the entry records.

    ``before`` is the weapon's chambers just before the entry (to say which round a
    shot or an unload concerned); ``names`` maps person ids to names.
    """
    words = Words(lambda again: describe(again, before, names), names or {}, before)
    spec = CATALOGUE.get(str(event.get("type")))
    if spec is None:  # an entry of a type this version does not know: say so plainly
        return f"{words.who(event.get('actor'))}: {event.get('type')} (a type unknown here)"
    return spec.describe(event, words)


def follow_ups(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """What a person must know about the entries showclear wrote on top of their command.

    The same sentences for the CLI, the API and the web: an incident opened and its
    cease-fire, a concern escalated, a custody gap recorded.
    """
    said: list[str] = []
    for event in events:
        spec = CATALOGUE.get(str(event.get("type")))
        if spec is not None and spec.follow_up is not None:
            sentence = spec.follow_up(event)
            if sentence:
                said.append(sentence)
    return said


def confirmers(event: Mapping[str, Any]) -> list[str]:
    """The people whose own credential confirms this event, in order, each once."""
    spec = CATALOGUE.get(str(event.get("type")))
    if spec is None:
        return []
    people_: list[str] = []
    for confirmation in spec.confirms:
        people_ += confirmation.people(event)
    return list(dict.fromkeys(people_))


def apply_confirmations(event: Mapping[str, Any], confirmed: set[str]) -> dict[str, Any]:
    """A copy of ``event`` whose confirmation fields say exactly who was checked."""
    out = dict(event)
    spec = CATALOGUE.get(str(out.get("type")))
    for confirmation in spec.confirms if spec else ():
        confirmation.apply(out, confirmed)
    return out


def _role_literal_matches() -> None:
    # The roles a declaration may name are the roles a person may hold.
    if set(get_args(Role)) != set(ROLES):
        raise CatalogueError("fields.Role and declare.ROLES list different roles")


_role_literal_matches()
