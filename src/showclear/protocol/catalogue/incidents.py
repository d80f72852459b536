"""Incidents, live rounds found, reviews and safety concerns (INC-CEASEFIRE, INC-CONCERN)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, cast

from showclear.protocol.catalogue.declare import (
    ANYONE,
    OVERSIGHT,
    Command,
    EventType,
    Incidents,
)
from showclear.protocol.catalogue.fields import (
    Event,
    Id,
    IncidentKind,
    Positive,
    ReviewRole,
    RuleId,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.inventory import mark_suspect
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import InconsistentEventError, MalformedEventError
from showclear.protocol.projection import IncidentRecord, Projection
from showclear.protocol.schema import ASSIGNED, Doc

__all__ = [
    "TYPES",
    "ConcernAnswered",
    "ConcernEscalated",
    "ConcernRaised",
    "IncidentReported",
    "LiveRoundsFound",
    "ReviewRecorded",
]

#: The API groups this module's commands under this topic.
TOPIC = "incidents and oversight"


class IncidentReported(Event):
    """An incident; it puts the production in cease-fire (INC-CEASEFIRE)."""

    kind: IncidentKind
    description: Text
    weapon: NotRequired[Id | None]
    lot: NotRequired[Id | None]
    incident: NotRequired[Annotated[Positive, ASSIGNED]]
    rules: NotRequired[Annotated[list[RuleId], ASSIGNED]]  # when showclear opens it
    # counted minus recorded, per lot
    differences: NotRequired[Annotated[dict[Id, int], ASSIGNED]]


class LiveRoundsFound(Event):
    """Live rounds found on set; always opens an incident (AMMO-NO-LIVE)."""

    count: Positive
    where: Annotated[Text, Doc("Where they were found.")]
    lot: NotRequired[Id | None]
    weapon: NotRequired[Id | None]


class ReviewRecorded(Event):
    """A review of an incident with findings (INC-CEASEFIRE: two roles lift a cease-fire)."""

    incident: Positive
    role: ReviewRole
    findings: Text


class ConcernRaised(Event):
    """A safety concern, optionally anonymous; stop-work acts as a cease-fire (INC-CONCERN)."""

    text: Text
    anonymous: Annotated[bool, Doc("If true, the ledger names nobody as its author.")]
    stop_work: Annotated[bool, Doc("Work stops until the concern is answered in writing.")]
    concern: NotRequired[Annotated[Positive, ASSIGNED]]


class ConcernAnswered(Event):
    """A concern answered in writing (INC-CONCERN)."""

    concern: Positive
    answer: Text


class ConcernEscalated(Event):
    """A concern left unanswered too long goes to the producers (INC-CONCERN)."""

    concern: Positive
    to: Literal["producers"]


def _anonymous_names_nobody(e: ConcernRaised) -> None:
    if e["anonymous"] and e["actor"] is not None:
        raise MalformedEventError(
            "ConcernRaised.actor must be null for an anonymous concern, so it names nobody"
        )


def _incident(f: Fold, e: IncidentReported) -> None:
    number = e.get("incident")
    if number is None:
        raise InconsistentEventError("IncidentReported has no incident number")
    f.meta()["incidents"] = number
    record: IncidentRecord = {
        "kind": e["kind"],
        "opened_at": e["at"],
        "description": e["description"],
        "weapon": e.get("weapon"),
        "lot": e.get("lot"),
        "rules": list(e.get("rules", [])),
        "reviews": {},
    }
    f.put(f"incident:{number}", record)
    if record["weapon"] is not None and f.projection.weapon(record["weapon"]) is not None:
        f.unsettle(record["weapon"], "incident")
    for lot_id, difference in e.get("differences", {}).items():
        f.lot(lot_id)["discrepancy"] = difference
        if difference:  # AMMO-SUSPECT: a lot whose count does not balance
            mark_suspect(f, lot_id, f"its count is off by {difference:+d}", e["at"])
    f.refresh_ceasefire()


def _live_rounds(f: Fold, e: LiveRoundsFound) -> None:
    lot, weapon = e.get("lot"), e.get("weapon")
    if lot and f.projection.lot(lot) is not None:
        f.lot(lot)["live_found"] += e["count"]
    # AMMO-SUSPECT: the lot the live round was found in, and every lot with rounds in
    # the weapon it was found in.
    mark_suspect(f, lot, "a live round was found in it", e["at"])
    if weapon and (held := f.projection.weapon(weapon)) is not None:
        # Its rounds are those in its chambers and in every magazine issued with it.
        rounds_held = [*held["chambers"], *f.projection.magazine_rounds(weapon)]
        for lot_id in sorted({c for c in rounds_held if c not in ("empty", "unknown")}):
            mark_suspect(f, lot_id, f"a live round was found in {weapon}", e["at"])
        f.unsettle(weapon, "live_round_found")


def _review(f: Fold, e: ReviewRecorded) -> None:
    key = f"incident:{e['incident']}"
    incident = cast(IncidentRecord, f.record(key))
    incident["reviews"][e["role"]] = str(e["actor"])
    if {"safety_coordinator", "producer"} <= incident["reviews"].keys():
        f.drop(key)
        f.meta()["incidents_closed"] += 1
        f.refresh_ceasefire()


def _concern_raised(f: Fold, e: ConcernRaised) -> None:
    number = e.get("concern")
    if number is None:
        raise InconsistentEventError("ConcernRaised has no concern number")
    f.meta()["concerns"] = number
    f.put(
        f"concern:{number}",
        {
            "raised_at": e["at"],
            "text": e["text"],
            "anonymous": e["anonymous"],
            "stop_work": e["stop_work"],
            "raised_by": e["actor"],
            "escalated": False,
        },
    )
    f.refresh_ceasefire()


def _concern_answered(f: Fold, e: ConcernAnswered) -> None:
    f.record(f"concern:{e['concern']}")
    f.drop(f"concern:{e['concern']}")
    f.meta()["concerns_answered"] += 1
    f.refresh_ceasefire()


def _concern_escalated(f: Fold, e: ConcernEscalated) -> None:
    f.record(f"concern:{e['concern']}")["escalated"] = True


def _live_recorded(
    p: Projection, e: LiveRoundsFound, violations: list[str], incidents: Incidents
) -> list[dict[str, Any]]:
    return [
        incidents.open(
            "live_round_found",
            f"{e['count']} live round(s) found ({e['where']}).",
            ["AMMO-NO-LIVE"],
            weapon=e.get("weapon"),
            lot=e.get("lot"),
        )
    ]


def _incident_follow_up(e: IncidentReported) -> str | None:
    if e.get("actor") is not None:
        return None  # a person reported it: their own command, not a consequence
    what = str(e["kind"]).replace("_", " ")
    return (
        f"Incident {e.get('incident')} opened ({what}): cease-fire until the safety "
        "coordinator and a producer review it."
    )


def _incident_words(e: IncidentReported, w: Words) -> str:
    by = "" if e.get("actor") is None else f", reported by {w.who(e['actor'])}"
    about = f" ({e['weapon']})" if e.get("weapon") else ""
    what = str(e["kind"]).replace("_", " ")
    return f"incident {e.get('incident')} opened{by}: {what}{about}: {e['description']}"


def _live_words(e: LiveRoundsFound, w: Words) -> str:
    about = [f"{kind} {e[kind]}" for kind in ("lot", "weapon") if e.get(kind)]
    where = f" ({', '.join(about)})" if about else ""
    return f"{w.who(e['actor'])} found {e['count']} LIVE round(s): {e['where']}{where}"


def _review_words(e: ReviewRecorded, w: Words) -> str:
    role = e["role"].replace("_", " ")
    return f"{w.who(e['actor'])} reviewed incident {e['incident']} as {role}: {e['findings']}"


def _concern_words(e: ConcernRaised, w: Words) -> str:
    by = "an anonymous person" if e["anonymous"] else w.who(e["actor"])
    stop = " (stop work)" if e["stop_work"] else ""
    return f"{by} raised concern {e.get('concern')}{stop}: {e['text']}"


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        IncidentReported,
        "report",
        _incident,
        _incident_words,
        roles=ANYONE,
        actor_optional=True,
        number="incident",
        follow_up=_incident_follow_up,
        command=Command(
            "ReportIncident",
            "Report an incident; it puts the production in cease-fire (INC-CEASEFIRE).",
            route=("POST", "/incidents"),
            cli="incident",
            example={
                "kind": "misfire",
                "description": "rev-1 clicked on chamber 3",
                "weapon": "rev-1",
            },
        ),
    ),
    EventType(
        LiveRoundsFound,
        "report",
        _live_rounds,
        _live_words,
        roles=ANYONE,
        actor_optional=True,
        recorded=_live_recorded,
        command=Command(
            "ReportLiveRounds",
            "Report live rounds found; always opens an incident (AMMO-NO-LIVE).",
            route=("POST", "/live-rounds"),
            cli="found-live",
            example={"count": 1, "where": "in the dummies box", "lot": "dummies-1"},
        ),
    ),
    EventType(
        ReviewRecorded,
        "command",
        _review,
        _review_words,
        roles=OVERSIGHT,
        command=Command(
            "RecordReview",
            "Record a review of an incident with findings (INC-CEASEFIRE).",
            path="incident",
            route=("POST", "/incidents/{incident}/reviews"),
            cli="review",
            example={"role": "safety_coordinator", "findings": "worn firing pin; replaced"},
        ),
    ),
    EventType(
        ConcernRaised,
        "report",
        _concern_raised,
        _concern_words,
        roles=ANYONE,
        actor_optional=True,
        number="concern",
        check=_anonymous_names_nobody,
        command=Command(
            "RaiseConcern",
            "Raise a safety concern, optionally anonymous; stop-work acts as a cease-fire.",
            route=("POST", "/concerns"),
            cli="concern raise",
            example={
                "text": "the blank lot smells of oil",
                "anonymous": True,
                "stop_work": False,
            },
        ),
    ),
    EventType(
        ConcernAnswered,
        "command",
        _concern_answered,
        lambda e, w: f"{w.who(e['actor'])} answered concern {e['concern']}: {e['answer']}",
        roles=OVERSIGHT,
        command=Command(
            "AnswerConcern",
            "Answer a concern in writing (INC-CONCERN).",
            path="concern",
            route=("POST", "/concerns/{concern}/answer"),
            cli="concern answer",
            example={"answer": "the lot was replaced and re-verified"},
        ),
    ),
    EventType(
        ConcernEscalated,
        "system",
        _concern_escalated,
        lambda e, w: f"concern {e['concern']} was escalated to the producers",
        follow_up=lambda e: f"Concern {e['concern']} is escalated to the producers.",
    ),
)
