"""Incidents, live rounds found, reviews and safety concerns (INC-CEASEFIRE, INC-CONCERN).

An incident's file grows after it is opened: a narrative, witness statements, photos,
injuries and the notifications made (OSHA, police, insurer, union). Each is an entry of
its own; a photo or a signed statement is a document kept content-addressed beside the
database, its SHA-256 in the entry (``document_sha256``), so the ledger proves which
file was shown. They are reports: recorded during a cease-fire too.
"""

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
    DocumentHash,
    Event,
    Id,
    IncidentKind,
    Positive,
    ReviewRole,
    RuleId,
    Text,
    Time,
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
    "IncidentInjuryRecorded",
    "IncidentNarrativeAdded",
    "IncidentNotificationMade",
    "IncidentPhotoAdded",
    "IncidentReported",
    "IncidentStatementAdded",
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


class IncidentNarrativeAdded(Event):
    """A narrative of an incident: what happened, in order, in the writer's words."""

    incident: Positive
    narrative: Annotated[Text, Doc("What happened, in order, in plain words.")]


class IncidentStatementAdded(Event):
    """A witness statement about an incident, optionally with a scan of it signed."""

    incident: Positive
    witness: Annotated[Text, Doc("Who gives the statement: a person's id or a visitor's name.")]
    statement: Annotated[Text, Doc("The statement, in the witness's words.")]
    document_sha256: NotRequired[
        Annotated[
            DocumentHash,
            Doc("The SHA-256 of a stored scan of the signed statement; upload it first."),
        ]
    ]


class IncidentPhotoAdded(Event):
    """A photo of an incident's scene, weapon or rounds, kept as a document."""

    incident: Positive
    document_sha256: Annotated[
        DocumentHash, Doc("The SHA-256 of the stored photo; the document must be uploaded first.")
    ]
    caption: Annotated[Text, Doc("What the photo shows, where and when it was taken.")]


class IncidentInjuryRecorded(Event):
    """An injury an incident caused: who was hurt, how, and the care given."""

    incident: Positive
    person: Annotated[Text, Doc("Who was hurt: a person's id or a visitor's name.")]
    injury: Annotated[Text, Doc("The injury, in plain words.")]
    treatment: NotRequired[Annotated[Text, Doc("First aid or care given, and by whom.")]]


#: Whom an incident is reported to outside the production.
NotifiedParty = Literal["osha", "police", "insurer", "union", "other"]


class IncidentNotificationMade(Event):
    """An incident reported outside the production: to OSHA, the police, the insurer, a union."""

    incident: Positive
    to: Annotated[NotifiedParty, Doc("Whom the incident was reported to.")]
    made_at: NotRequired[
        Annotated[Time, Doc("When the notification was made, if not when it is recorded.")]
    ]
    contact: NotRequired[Annotated[Text, Doc("Who received it: a name, an office, a phone.")]]
    reference: NotRequired[Annotated[Text, Doc("Their case, claim or report number.")]]


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


def _incident_file(f: Fold, e: dict[str, Any]) -> None:
    """An entry added to an incident's file: the incident must have been opened (it may be
    closed). Nothing else in the production's state changes."""
    if e["incident"] > f.meta()["incidents"]:
        raise InconsistentEventError(
            f"there is no incident {e['incident']}: `showclear incidents` lists them "
            f"(opened so far: {f.meta()['incidents']})"
        )


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


def _narrative_words(e: IncidentNarrativeAdded, w: Words) -> str:
    return f"{w.who(e['actor'])} wrote a narrative of incident {e['incident']}: {e['narrative']}"


def _statement_words(e: IncidentStatementAdded, w: Words) -> str:
    signed = " (signed scan kept)" if e.get("document_sha256") else ""
    return (
        f"{w.who(e['actor'])} added {w.who(e['witness'])}'s statement on incident "
        f"{e['incident']}{signed}: {e['statement']}"
    )


def _photo_words(e: IncidentPhotoAdded, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} added a photo to incident {e['incident']} "
        f"(document {e['document_sha256'][:12]}…): {e['caption']}"
    )


def _injury_words(e: IncidentInjuryRecorded, w: Words) -> str:
    care = f"; care: {e['treatment']}" if e.get("treatment") else ""
    return (
        f"{w.who(e['actor'])} recorded an injury in incident {e['incident']}: "
        f"{w.who(e['person'])}, {e['injury']}{care}"
    )


#: How each notified party is named in words.
NOTIFIED: dict[str, str] = {
    "osha": "OSHA",
    "police": "the police",
    "insurer": "the insurer",
    "union": "the union",
    "other": "another party",
}


def _notification_words(e: IncidentNotificationMade, w: Words) -> str:
    contact = f" ({e['contact']})" if e.get("contact") else ""
    reference = f", reference {e['reference']}" if e.get("reference") else ""
    when = f" at {e['made_at']}" if e.get("made_at") else ""
    return (
        f"{w.who(e['actor'])} notified {NOTIFIED[e['to']]}{contact} of incident "
        f"{e['incident']}{when}{reference}"
    )


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
    EventType(
        IncidentNarrativeAdded,
        "report",
        _incident_file,
        _narrative_words,
        roles=ANYONE,
        command=Command(
            "AddIncidentNarrative",
            "Add a narrative to an incident's file: what happened, in order.",
            path="incident",
            route=("POST", "/incidents/{incident}/narrative"),
            cli="incident-narrative",
            example={"narrative": "At 10:12 on take 3 rev-1 clicked on chamber 3; all froze."},
        ),
    ),
    EventType(
        IncidentStatementAdded,
        "report",
        _incident_file,
        _statement_words,
        roles=ANYONE,
        command=Command(
            "AddIncidentStatement",
            "Add a witness statement to an incident's file, optionally with its signed scan.",
            path="incident",
            route=("POST", "/incidents/{incident}/statements"),
            cli="incident-statement",
            example={"witness": "pat", "statement": "I heard a click, no bang; I froze."},
        ),
    ),
    EventType(
        IncidentPhotoAdded,
        "report",
        _incident_file,
        _photo_words,
        roles=ANYONE,
        command=Command(
            "AddIncidentPhoto",
            "Add a photo to an incident's file (upload the photo as a document first).",
            path="incident",
            route=("POST", "/incidents/{incident}/photos"),
            cli="incident-photo",
            example={
                "document_sha256": "9f86d081884c7d659a2feaa0c55ad015"
                "a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "caption": "rev-1 on the cart after the misfire, cylinder open",
            },
        ),
    ),
    EventType(
        IncidentInjuryRecorded,
        "report",
        _incident_file,
        _injury_words,
        roles=ANYONE,
        command=Command(
            "RecordIncidentInjury",
            "Record an injury an incident caused, and the care given.",
            path="incident",
            route=("POST", "/incidents/{incident}/injuries"),
            cli="incident-injury",
            example={
                "person": "pat",
                "injury": "powder burn on the left hand",
                "treatment": "cooled and dressed by the set medic",
            },
        ),
    ),
    EventType(
        IncidentNotificationMade,
        "report",
        _incident_file,
        _notification_words,
        roles=OVERSIGHT,
        command=Command(
            "RecordIncidentNotification",
            "Record that an incident was reported to OSHA, the police, the insurer or a union.",
            path="incident",
            route=("POST", "/incidents/{incident}/notifications"),
            cli="incident-notify",
            example={"to": "insurer", "contact": "claims desk", "reference": "CLM-2211"},
        ),
    ),
)
