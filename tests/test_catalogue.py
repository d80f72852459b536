"""The event catalogue is the single source: every edge derives from its declarations.

Each event type is declared once (``showclear.protocol.catalogue``); these tests hold the
CLI, the API, the plain words and ``docs/events.md`` to those declarations, so a type
added with a part missing fails here rather than on a set.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer

from showclear.api import create_api
from showclear.cli import app as cli_app
from showclear.commands import COMMANDS, InvalidCommand, UnknownValue, command_for
from showclear.protocol import CATALOGUE, SYSTEM_TYPES, describe
from showclear.protocol.catalogue import (
    CatalogueError,
    Command,
    EventType,
    Words,
    apply_confirmations,
    check_declaration,
    confirmers,
    follow_ups,
)
from showclear.protocol.catalogue.custody import WeaponTakenOut

DOCS = Path(__file__).resolve().parents[1] / "docs" / "events.md"
OPENAPI = create_api(None).openapi()  # type: ignore[arg-type]  # the schema needs no service
ROUTES = {
    op["x-event-type"]: (method.upper(), path)
    for path, ops in OPENAPI["paths"].items()
    for method, op in ops.items()
    if "x-event-type" in op
}
TREE = typer.main.get_command(cli_app)

#: Body fields a CLI command gives under another option name (a repeatable singular, or a
#: composite option that builds the list). A field missing from both fails the test below.
CLI_NAMES = {
    "permits": "permit",
    "roles": "role",
    "trainings": "training",
    "kind": "training",  # person training --training KIND (one entry per kind)
    "call_sheet": "duty",
    "counts": "count",
    "weapons": "weapon",
    "people_near": "near",
    "handler_signoff": "signoff",
    "setups": "setup",
    "attendees": "attendee",
    "receiver": "to",
    "incident": "number",
    "concern": "number",
    "changes": "setting",
    "document_sha256": "document_file",
    "nearest_cm": "nearest",  # discharge --nearest 20ft: any unit, stored in cm
}


def _cli_command(path: str) -> Any:
    command: Any = TREE
    for name in path.split():
        command = command.commands[name]
    return command


def _example_event(event_type: str) -> dict[str, Any]:
    model = command_for(event_type)
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples", [{}])  # type: ignore[union-attr]
    body = model.model_validate(examples[0])
    declared = model.SPEC.command
    assert declared is not None
    extra = {name: "ava" for name in declared.from_actor}
    if declared.path:
        extra[declared.path] = 1 if declared.path in ("incident", "concern") else "rev-1"
    event = apply_confirmations(body.event(**extra), set(body.confirmations()))
    return event | {"at": "2026-11-25T08:00:00Z", "actor": "ava"}


def test_every_type_is_declared_whole() -> None:
    """Each declaration has a fold and words; a person's types also roles and a command."""
    assert len(CATALOGUE) >= 39
    for spec in CATALOGUE.values():
        assert spec.fold is not None and spec.describe is not None, spec.name
        if spec.origin == "system":
            assert spec.command is None and not spec.roles, spec.name
        else:
            assert spec.command is not None and spec.roles, spec.name


def test_a_declaration_missing_its_command_fails_loudly() -> None:
    """A type a person proposes, declared without a command, is refused at import."""
    taken_out = CATALOGUE["WeaponTakenOut"]
    with pytest.raises(CatalogueError, match="needs a command and roles"):
        check_declaration(replace(taken_out, command=None))


def test_a_declaration_naming_a_field_its_shape_lacks_fails_loudly() -> None:
    """A command whose path names a field that is not in the event's shape is refused."""
    broken: EventType[WeaponTakenOut] = replace(
        CATALOGUE["WeaponTakenOut"],
        command=Command("TakeOut", "x", ("POST", "/lots/{lot}/x"), "take-out", path="lot"),
    )
    with pytest.raises(CatalogueError, match="names fields it lacks"):
        check_declaration(broken)


@pytest.mark.parametrize("event_type", sorted(COMMANDS))
def test_each_command_has_its_api_route_as_declared(event_type: str) -> None:
    """The API route of each command is the one its declaration names."""
    declared = CATALOGUE[event_type].command
    assert declared is not None
    method, path = declared.route
    assert ROUTES[event_type] == (method, f"/productions/{{slug}}{path}")


@pytest.mark.parametrize("event_type", sorted(COMMANDS))
def test_each_command_has_its_cli_command_with_every_field(event_type: str) -> None:
    """The CLI command the declaration names exists and can give every field of the body."""
    model = command_for(event_type)
    declared = model.SPEC.command
    assert declared is not None
    params = {p.name for p in _cli_command(declared.cli).params}
    secrets = {c.secret for c in model.SPEC.confirms}
    fields = (set(model.model_fields) - secrets - declared.actor_default) | {declared.path}
    missing = {f for f in fields - {None} if f not in params and CLI_NAMES.get(f) not in params}
    assert not missing, f"{declared.cli} cannot give {sorted(missing)}"  # type: ignore[type-var]


@pytest.mark.parametrize("event_type", sorted(COMMANDS))
def test_each_command_example_reads_in_plain_words(event_type: str) -> None:
    """Every type's description is its own, never a fallback, and names what it is about."""
    event = _example_event(event_type)
    text = describe(event, names={"ava": "Ava Stone"})
    assert "unknown here" not in text
    assert event_type not in text
    for about in ("weapon", "lot", "setup"):
        if isinstance(event.get(about), str):
            assert event[about] in text, text


@pytest.mark.parametrize("event_type", sorted(SYSTEM_TYPES - {"ProductionCreated"}))
def test_what_showclear_writes_itself_reads_in_plain_words(event_type: str) -> None:
    """Refusals, escalations and custody gaps read as sentences too."""
    samples: dict[str, dict[str, Any]] = {
        "AttemptRefused": {
            "attempted": _example_event("WeaponTakenOut"),
            "rules": ["PLAN-SETUP"],
            "reasons": ["no setup"],
        },
        "ConcernEscalated": {"concern": 2, "to": "producers"},
        "CredentialEnrolled": {"person": "ava", "kind": "pin", "reset": False},
        "PersonLockedOut": {"person": "ava", "until": "2026-11-25T08:15:00Z"},
        "PasskeyEnrolled": {"person": "ava", "witness": "ava"},
        "CustodyGapRecorded": {
            "weapon": "rev-1",
            "recorded_at": "storage:safe-1",
            "found_with": "ava",
            "reason": "ava had rev-1 without a recorded transfer",
        },
        "WriterPromoted": {
            "previous": "set",
            "size": 4812,
            "root": "3q2+7w==",
            "check": "decided",
            "evidence": "nobody to ask",
            "reason": "the set laptop burned",
            "safety_coordinator": "ava",
            "producer": "pru",
        },
    }
    event = {"type": event_type, "at": "2026-11-25T08:00:00Z", "actor": None}
    text = describe(event | samples[event_type], names={"ava": "Ava Stone"})
    assert "unknown here" not in text and event_type not in text


def test_an_entry_of_a_type_this_version_does_not_know_says_so() -> None:
    """A newer ledger read by older code: the words say plainly that the type is unknown."""
    text = describe({"type": "SomethingNew", "actor": "ava"}, names={"ava": "Ava Stone"})
    assert text == "Ava Stone: SomethingNew (a type unknown here)"


def test_who_confirms_is_the_declarations_people() -> None:
    """A handover's receiver, an inspection's performer, every meeting attendee."""
    assert confirmers({"type": "WeaponHandedOver", "receiver": "pat"}) == ["pat"]
    assert confirmers({"type": "ShowClearInspected", "performer": None}) == []
    meeting = {"type": "SafetyMeetingHeld", "attendees": [{"person": "a"}, {"person": "b"}]}
    assert confirmers(meeting) == ["a", "b"]


def test_follow_ups_are_said_once_for_every_edge() -> None:
    """The sentences the CLI prints, the API returns and the web shows after a command."""
    events = [
        {"type": "WeaponDischarged", "actor": "ava"},
        {"type": "IncidentReported", "actor": None, "incident": 3, "kind": "misfire"},
        {"type": "IncidentReported", "actor": "ava", "incident": 4, "kind": "injury"},
        {"type": "ConcernEscalated", "concern": 2},
    ]
    assert follow_ups(events) == [
        "Incident 3 opened (misfire): cease-fire until the safety coordinator and a producer "
        "review it.",
        "Concern 2 is escalated to the producers.",
    ]


def test_a_command_refuses_what_its_event_could_not_hold_before_any_pin() -> None:
    """Bad arguments name the field; an unknown rule id is an unknown reference."""
    with pytest.raises(InvalidCommand, match=r"chambers\.0"):
        command_for("RoundsLoaded").parse(lot="d-1", chambers=[0])
    with pytest.raises(InvalidCommand, match=r"known: .*blank_min_distance_cm"):
        command_for("PolicyChanged").parse(changes={"max_speed": 3})
    with pytest.raises(UnknownValue, match="rule"):
        command_for("OverrideGranted").parse(rule="NO-SUCH", reason="x")


def test_words_name_people_by_their_names() -> None:
    """A description names people by their registered names, else by id."""
    words = Words(lambda e: "", {"ava": "Ava Stone"})
    assert (words.who("ava"), words.who("zed"), words.who(None)) == (
        "Ava Stone",
        "zed",
        "showclear",
    )


# -- docs/events.md ---------------------------------------------------------------------------


def render_events() -> str:
    """The catalogue as a Markdown table: one row per event type."""
    rows = [
        "| event | from | what it records | command | CLI | API | confirmed by |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, spec in CATALOGUE.items():
        command = spec.command
        confirmed = ", ".join(c.person.replace("[].", "' ") for c in spec.confirms) or ""
        rows.append(
            f"| `{name}` | {spec.origin} | {spec.summary} | "
            + (
                f"`{command.name}` | `showclear {command.cli}` | "
                f"`{command.route[0]} {command.route[1]}` | "
                if command
                else "— | — | — | "
            )
            + f"{confirmed} |"
        )
    return "\n".join(rows)


def test_the_events_doc_shows_the_catalogue_as_declared() -> None:
    """docs/events.md holds the table generated from the catalogue."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"<!-- events:start -->\n(.*?)\n<!-- events:end -->", text, re.S)
    assert found, "docs/events.md lost its markers"
    assert found[1] == render_events(), "regenerate the table: python -m tests.test_catalogue"


if __name__ == "__main__":
    print(render_events())
