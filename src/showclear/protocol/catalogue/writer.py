"""Where a production is written: a studio mirror promoted to be its writer (issue 18).

A production is written in one place. When the set laptop dies, ``showclear promote``
makes the studio's mirror the writer (docs/deploy.md, "Promote a mirror"). The entry it
records says where the production was written before, at which entry the mirror took
over, and why that was safe: the old writer's last checkpoint, fetched from it or from
the production's witnesses, is exactly what the mirror holds (``matched``), or the
safety coordinator and a producer decided to go on without that proof (``decided``),
each confirming with their own PIN on the new writer.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, NotRequired

from showclear.protocol.catalogue.declare import EventType
from showclear.protocol.catalogue.fields import Count, Event, Id, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.schema import Doc

__all__ = ["TYPES", "WRITER_KEY", "WriterPromoted"]

#: The API groups this module's events under this topic.
TOPIC = "the production"

#: The projection's record of the latest promotion (absent while never promoted).
WRITER_KEY: Final = "writer"


class WriterPromoted(Event):
    """A studio mirror of the production became its writer; the old writer must stop."""

    previous: Annotated[Text, Doc('Where it was written before: a URL, or "set".')]
    size: Annotated[Count, Doc("The entries the mirror held when it took over.")]
    root: Annotated[Text, Doc("Their RFC 9162 root (base64): the point the two histories meet.")]
    check: Annotated[
        Literal["matched", "decided"],
        Doc(
            "matched: the old writer's last checkpoint is exactly what the mirror held; "
            "decided: that was not shown, and two people decided to go on."
        ),
    ]
    evidence: Annotated[Text, Doc("Where the old writer's last checkpoint was looked for, found.")]
    reason: NotRequired[Annotated[Text, Doc("Why they decided to promote without the proof.")]]
    safety_coordinator: NotRequired[Annotated[Id, Doc("The safety coordinator who decided.")]]
    producer: NotRequired[Annotated[Id, Doc("The producer who decided with them.")]]


_DECISION = ("reason", "safety_coordinator", "producer")


def _check(e: WriterPromoted) -> None:
    given = [key for key in _DECISION if key in e]
    if e["check"] == "decided" and len(given) != len(_DECISION):
        raise MalformedEventError(
            "WriterPromoted decided without proof needs reason, safety_coordinator and producer"
        )
    if e["check"] == "matched" and given:
        raise MalformedEventError("WriterPromoted matched carries no decision")
    if e["check"] == "decided" and e["safety_coordinator"] == e["producer"]:
        raise MalformedEventError("the safety coordinator and the producer are two people")


def _promoted(f: Fold, e: WriterPromoted) -> None:
    f.put(WRITER_KEY, {"promoted_at": e["at"], "size": e["size"], "previous": e["previous"]})


def _words(e: WriterPromoted, w: Words) -> str:
    where = "on the set" if e["previous"] == "set" else f"at {e['previous']}"
    said = f"a mirror became the writer at entry {e['size']:,} (it was written {where})"
    if e["check"] == "matched":
        return f"{said}; {e['evidence']}"
    return (
        f"{said} without proof that the old writer stopped, decided by "
        f"{w.who(e['safety_coordinator'])} and {w.who(e['producer'])}: {e['reason']}"
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(WriterPromoted, "system", _promoted, _words, check=_check),
)
