"""How one event type is declared: everything showclear needs about it, in one place.

An :class:`EventType` names the event's shape (a ``TypedDict`` in the past tense), how it
folds into the projection, how it reads in plain words, who must confirm it with their
own credential, who may attempt it, and the command a person gives to propose it. The
CLI, the API, the web UI, the docs' tables and the coverage tests all derive from these
declarations (:mod:`showclear.protocol.catalogue` collects them and refuses an incomplete
one at import).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, Protocol, TypeVar

from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.projection import Projection

__all__ = [
    "ANYONE",
    "OVERSIGHT",
    "ROLES",
    "STOCK",
    "Command",
    "Confirmation",
    "EventType",
    "Incidents",
    "Origin",
]

E = TypeVar("E")
Event = dict[str, Any]

#: Where an event comes from: a person's command, a person's report of a fact that already
#: happened (never refused: a breach opens an incident instead), or showclear itself.
Origin = Literal["command", "report", "system"]

ROLES: Final = (
    "armorer",
    "property_master",
    "first_ad",
    "performer",
    "safety_coordinator",
    "producer",
    "crew",
)
#: Every member of the production, whatever their role.
ANYONE: Final = frozenset(ROLES)
STOCK: Final = frozenset({"armorer", "property_master"})
OVERSIGHT: Final = frozenset({"safety_coordinator", "producer"})


class Incidents(Protocol):
    """What a consequence hook uses to open a numbered incident at the event's time."""

    def open(self, kind: str, description: str, rules: Sequence[str], **extra: object) -> Event: ...


@dataclass(frozen=True)
class Confirmation:
    """A person named in the event who confirms it with their own credential.

    ``person`` is the field naming them, or ``list[].field`` for each item of a list;
    ``flag`` is the field showclear sets from the checked credential (never from a
    request); ``secret`` is the request field that carries their PIN; ``prompt`` says what
    they confirm, formatted with the event's fields.
    """

    person: str
    flag: str
    secret: str
    prompt: str

    @property
    def listed(self) -> str | None:
        """The list the confirming people are items of, or None for a single field."""
        head, sep, _ = self.person.partition("[].")
        return head if sep else None

    def field(self, path: str) -> str:
        """The name of ``path`` inside a list item (``attendees[].confirmed`` -> ``confirmed``)."""
        return path.partition("[].")[2] or path

    def people(self, event: Mapping[str, Any]) -> list[str]:
        """The people this confirmation names in ``event``."""
        if self.listed is None:
            person = event.get(self.person)
            return [str(person)] if person else []
        return [
            str(item[self.field(self.person)])
            for item in event.get(self.listed) or []
            if isinstance(item, Mapping) and item.get(self.field(self.person))
        ]

    def apply(self, event: dict[str, Any], confirmed: set[str]) -> None:
        """Set the flag(s) in ``event`` to say exactly who of them was checked."""
        if self.listed is None:
            event[self.flag] = event.get(self.person) in confirmed
            return
        name, flag = self.field(self.person), self.field(self.flag)
        event[self.listed] = [
            {**item, flag: item.get(name) in confirmed} for item in event.get(self.listed) or []
        ]


@dataclass(frozen=True)
class Command:
    """The command a person gives to propose an event (imperative, e.g. ``HandOver``).

    ``route`` is the API's (method, path under the production); ``cli`` the ``showclear``
    command that gives it. ``path`` is the field naming the thing acted on (in the
    route's path); ``from_actor`` are fields that are always the acting
    person (never in a request); ``actor_default`` are fields that are the acting person
    when left out. ``example`` is a valid request body against the demo production.
    """

    name: str
    doc: str
    route: tuple[str, str]
    cli: str
    path: str | None = None
    from_actor: frozenset[str] = frozenset()
    actor_default: frozenset[str] = frozenset()
    example: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class EventType(Generic[E]):
    """One event type of the catalogue, declared once.

    Hooks:
        fold: the event's change to the projection.
        describe: one line of plain words saying what the entry records.
        check: constraints on the event's values beyond its shape (MalformedEventError).
        complete: fills in, from the projection, fields a person left out or showclear
            records (who fired a weapon: its holder), before any rule reads the event.
        refused: entries a refusal of this event adds (an incident, a custody gap).
        recorded: entries recording this event adds (an incident for a discharge).
        follow_up: what a person must know when showclear writes this event on top of a
            command (an incident and its cease-fire, a custody gap), or None to say nothing.
    """

    shape: type[E]
    origin: Origin
    fold: Callable[[Fold, E], None]
    describe: Callable[[E, Words], str]
    roles: frozenset[str] = frozenset()
    command: Command | None = None
    confirms: tuple[Confirmation, ...] = ()
    actor_optional: bool = False
    needs_open_day: bool = False
    number: str | None = None
    check: Callable[[E], None] | None = None
    complete: Callable[[Projection, E], None] | None = None
    refused: Callable[[Projection, E, frozenset[str], Incidents], list[Event]] | None = None
    recorded: Callable[[Projection, E, list[str], Incidents], list[Event]] | None = None
    follow_up: Callable[[E], str | None] | None = None

    @property
    def name(self) -> str:
        """The type's name, as stored in every entry's ``type`` field."""
        return self.shape.__name__

    @property
    def summary(self) -> str:
        """The first line of the shape's docstring."""
        return (self.shape.__doc__ or self.name).strip().splitlines()[0]
