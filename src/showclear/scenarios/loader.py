"""Reading scenario files (YAML) into :class:`~showclear.scenarios.model.Scenario`.

The file format is documented in docs/scenarios.md. Every mapping read from the file
remembers its line, so that a malformed file or a bad step raises ScenarioError naming
the file and the line. Timestamps, dates and times of day stay text (YAML would turn
them into ``datetime`` objects, or ``10:30`` into the base-60 number 630): events hold
RFC 3339 strings.

A scenario with a ``date`` (a day, or ``today``) may write its times as times of day
(``"07:05"``) and its dates as days from that date (``!date +365 days``), so that one
file replays any day: the demo plays its western on the day it is run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import yaml

from showclear.protocol import ProtocolError, validate_event
from showclear.scenarios.errors import ScenarioError
from showclear.scenarios.model import Expectation, Scenario, Step

__all__ = ["COMMANDS", "load_scenario", "parse_scenario"]

#: Scenario commands (imperative) and the event each records (past tense).
COMMANDS: Final[dict[str, str]] = {
    "register_person": "PersonRegistered",
    "record_training": "TrainingRecorded",
    "record_permit": "PermitRecorded",
    "add_storage": "StorageAdded",
    "open_day": "DayOpened",
    "revise_call_sheet": "CallSheetRevised",
    "list_supplier": "SupplierListed",
    "approve_supplier": "SupplierApproved",
    "receive_weapon": "WeaponReceived",
    "receive_lot": "LotReceived",
    "surrender_weapon": "WeaponSurrendered",
    "release_weapon": "WeaponReleased",
    "release_lot": "LotReleased",
    "correct_fact": "FactCorrected",
    "receive_magazine": "MagazineReceived",
    "load_magazine": "MagazineLoaded",
    "unload_magazine": "MagazineUnloaded",
    "seat_magazine": "MagazineSeated",
    "remove_magazine": "MagazineRemoved",
    "verify_dummies": "DummiesVerified",
    "return_to_supplier": "RoundsReturnedToSupplier",
    "destroy_rounds": "RoundsDestroyed",
    "record_missing_rounds": "RoundsMissingRecorded",
    "plan_setup": "SetupPlanned",
    "change_setup": "SetupChanged",
    "complete_setup": "SetupCompleted",
    "hold_safety_meeting": "SafetyMeetingHeld",
    "take_out": "WeaponTakenOut",
    "load": "RoundsLoaded",
    "unload": "RoundsUnloaded",
    "inspect": "ShowClearInspected",
    "hand_over": "WeaponHandedOver",
    "discharge": "WeaponDischarged",
    "check_barrel": "BarrelChecked",
    "return_to_storage": "WeaponReturnedToStorage",
    "call_meal_break": "MealBreakCalled",
    "call_wrap": "WrapCalled",
    "report_unattended": "WeaponFoundUnattended",
    "report_incident": "IncidentReported",
    "report_live_rounds": "LiveRoundsFound",
    "record_review": "ReviewRecorded",
    "raise_concern": "ConcernRaised",
    "answer_concern": "ConcernAnswered",
    "grant_override": "OverrideGranted",
    "approve_credential_reset": "CredentialResetApproved",
    "change_policy": "PolicyChanged",
    "close_day": "DayClosed",
}

_TOP_LEVEL = frozenset(
    {
        "production",
        "description",
        "date",
        "prepared_at",
        "people",
        "storage",
        "suppliers",
        "weapons",
        "lots",
        "policy",
        "policy_by",
        "day",
        "setups",
        "steps",
    }
)
#: Preamble sections: the event each item records and the field its ``id`` fills.
_SECTIONS: Final = (
    ("people", "PersonRegistered", "person"),
    ("storage", "StorageAdded", "storage"),
    ("suppliers", "SupplierListed", "supplier"),
    ("weapons", "WeaponReceived", "weapon"),
    ("lots", "LotReceived", "lot"),
)
_STEP_KEYS = frozenset({"at", "as", "do", "expect", "note"})


class _Map(dict[str, Any]):
    """A mapping read from the file, with its line and each key's line."""

    line: int
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


_TIME_OF_DAY = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")

# Keep timestamps as text: events hold RFC 3339 strings, never datetime objects.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Keep times of day as text too: YAML 1.1 reads an unquoted 10:30 as the number 630.
for _first in "0123456789":
    _Loader.yaml_implicit_resolvers[_first] = [
        ("tag:yaml.org,2002:str", _TIME_OF_DAY),
        *_Loader.yaml_implicit_resolvers.get(_first, []),
    ]


@dataclass(frozen=True)
class _DaysFromDate:
    """``!date +N days``: a date counted from the scenario's ``date``, resolved once it is read."""

    days: int
    line: int


_DAYS = re.compile(r"^(?:([+-]?\d+) days?)?$")


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise ScenarioError(f"key {key!r} is not text", loader.name, line)
        if key in result:
            raise ScenarioError(f"key {key!r} appears twice in this mapping", loader.name, line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_date(loader: _Loader, node: yaml.Node) -> _DaysFromDate:
    line = node.start_mark.line + 1
    text = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    found = _DAYS.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ScenarioError(
            f"!date takes a number of days from the scenario's date, such as "
            f"!date +365 days, got {text!r}",
            loader.name,
            line,
        )
    return _DaysFromDate(int(found.group(1) or 0), line)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("!date", _construct_date)


def load_scenario(path: str | Path, *, today: date | None = None) -> Scenario:
    """Read the scenario file at ``path``; ``date: today`` in it means ``today`` (default: UTC).

    Raises ScenarioError naming the file and line of the first problem.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror}", str(path), None) from error
    return parse_scenario(text, str(path), today=today)


def parse_scenario(text: str, path: str = "<scenario>", *, today: date | None = None) -> Scenario:
    """Read a scenario from its YAML ``text``; ``path`` names it in errors.

    ``date: today`` in the scenario means ``today`` (default: the current date in UTC).

    Raises ScenarioError naming ``path`` and the line of the first problem.
    """
    loader = _Loader(text)
    loader.name = path
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"not valid YAML: {error.problem}"
        if error.context_mark is not None and error.context_mark.line + 1 != line:
            message += f" ({error.context} on line {error.context_mark.line + 1})"
        raise ScenarioError(message, path, line) from error
    except yaml.YAMLError as error:
        raise ScenarioError(f"not valid YAML: {error}", path, None) from error
    finally:
        loader.dispose()
    if not isinstance(document, _Map):
        raise ScenarioError(
            "a scenario is a mapping with production, people, ... and steps", path, 1
        )
    return _Reader(path, today).scenario(document)


class _Reader:
    def __init__(self, path: str, today: date | None) -> None:
        self.path = path
        self.today = today
        self.date: str | None = None  # the scenario's date, once read

    def fail(self, message: str, line: int | None) -> ScenarioError:
        return ScenarioError(message, self.path, line)

    def scenario(self, doc: _Map) -> Scenario:
        for key in doc:
            if key not in _TOP_LEVEL:
                known = ", ".join(sorted(_TOP_LEVEL))
                raise self.fail(f"unknown section {key!r} (known: {known})", doc.key_lines[key])
        production = doc.get("production")
        if not isinstance(production, str) or not production.strip():
            raise self.fail(
                "the scenario needs a production name", doc.key_lines.get("production", doc.line)
            )
        if "date" in doc:
            self.date = self.scenario_date(doc["date"], doc.key_lines["date"])
        raw_steps = self.items(doc, "steps")
        if not raw_steps:
            raise self.fail("the scenario has no steps", doc.key_lines.get("steps", doc.line))
        first_at = raw_steps[0].get("at")
        prepared_at = self.time(
            doc.get("prepared_at", first_at), doc.key_lines.get("prepared_at", raw_steps[0].line)
        )
        if not isinstance(prepared_at, str):
            raise self.fail("prepared_at (or the first step's at) must be a time", doc.line)
        steps = self.preamble(doc, prepared_at) + [self.step(item) for item in raw_steps]
        description = doc.get("description", "")
        return Scenario(
            self.path, production, prepared_at, str(description).strip(), steps, self.date
        )

    def scenario_date(self, raw: Any, line: int) -> str:
        """The scenario's date: ``today`` or a day such as 2026-11-25."""
        if raw == "today":
            return (self.today or datetime.now(UTC).date()).isoformat()
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                return date.fromisoformat(raw).isoformat()
            except ValueError:
                pass
        raise self.fail(f"date must be today or a day such as 2026-11-25, got {raw!r}", line)

    def time(self, value: Any, line: int) -> Any:
        """``value`` as written, or a time of day (``07:05``) on the scenario's date."""
        found = _TIME_OF_DAY.match(value) if isinstance(value, str) else None
        if found is None:
            return value
        if self.date is None:
            raise self.fail(
                f"the time of day {value!r} needs the scenario's date "
                "(date: today, or date: 2026-11-25); or write a full time, 2026-11-25T07:05:00Z",
                line,
            )
        hour, minute, second = found.groups()
        return f"{self.date}T{int(hour):02d}:{minute}:{second or '00'}Z"

    def plain(self, value: Any) -> Any:
        """``value`` with plain dicts and lists, and each ``!date`` resolved to its day."""
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        if isinstance(value, _DaysFromDate):
            if self.date is None:
                raise self.fail(
                    "!date counts days from the scenario's date: add date: today "
                    "or date: 2026-11-25",
                    value.line,
                )
            return (date.fromisoformat(self.date) + timedelta(days=value.days)).isoformat()
        return value

    def items(self, doc: _Map, section: str) -> list[_Map]:
        value = doc.get(section, [])
        line = doc.key_lines.get(section, doc.line)
        if not isinstance(value, list):
            raise self.fail(f"{section} must be a list", line)
        for item in value:
            if not isinstance(item, _Map):
                raise self.fail(f"each entry of {section} must be a mapping, got {item!r}", line)
        return value

    # -- the setting up: people, places, inventory, policy, call sheet, setups -----------

    def preamble(self, doc: _Map, at: str) -> list[Step]:
        steps = []
        for section, kind, id_field in _SECTIONS:
            for item in self.items(doc, section):
                fields = {("id" if k == "id" else k): v for k, v in item.items()}
                if "id" in fields:
                    fields[id_field] = fields.pop("id")
                if kind == "WeaponReceived":
                    fields.setdefault("personal", False)
                if kind == "LotReceived":
                    fields.setdefault("supplier", None)
                    fields.setdefault("origin", None)
                if kind == "SupplierListed":
                    steps += self.supplier(doc, item, fields, at)
                    continue
                steps.append(self.entry(item, kind, fields, at, preamble=True))
        if "policy" in doc:
            steps.append(self.policy(doc, at))
        if "day" in doc:
            day = doc["day"]
            if not isinstance(day, _Map):
                raise self.fail(
                    "day must be a mapping with date and call_sheet", doc.key_lines["day"]
                )
            steps.append(self.entry(day, "DayOpened", dict(day), at, preamble=True))
        for item in self.items(doc, "setups"):
            fields = dict(item)
            if "id" in fields:
                fields["setup"] = fields.pop("id")
            steps.append(self.entry(item, "SetupPlanned", fields, at, preamble=True))
        return steps

    def supplier(self, doc: _Map, item: _Map, fields: dict[str, Any], at: str) -> list[Step]:
        """A supplier listed (``as``, default: the first armorer or property master) and
        approved (``approved_by``, default: the first producer; ``approved_by: null`` leaves
        it unapproved)."""
        people = self.items(doc, "people")

        def first(*roles: str) -> Any:
            return next((p.get("id") for p in people if set(roles) & set(p.get("roles", []))), None)

        fields.setdefault("as", first("armorer", "property_master"))
        approver = fields.pop("approved_by", first("producer"))
        steps = [self.entry(item, "SupplierListed", fields, at, preamble=True)]
        if approver is not None:
            approval = {"as": approver, "supplier": fields["supplier"]}
            steps.append(self.entry(item, "SupplierApproved", approval, at, preamble=True))
        return steps

    def policy(self, doc: _Map, at: str) -> Step:
        changes = doc["policy"]
        line = doc.key_lines["policy"]
        if not isinstance(changes, _Map):
            raise self.fail("policy must be a mapping of policy keys to values", line)
        by = doc.get("policy_by")
        if by is None:
            coordinators = [
                p.get("id")
                for p in self.items(doc, "people")
                if "safety_coordinator" in p.get("roles", [])
            ]
            if not coordinators:
                raise self.fail("policy needs policy_by: the person who sets it", line)
            by = coordinators[0]
        fields = {"changes": dict(changes), "as": by}
        return self.entry(changes, "PolicyChanged", fields, at, preamble=True)

    # -- the timed steps -------------------------------------------------------------------

    def step(self, item: _Map) -> Step:
        command = item.get("do")
        line = item.key_lines.get("do", item.line)
        if not isinstance(command, str):
            raise self.fail("each step needs do: the command to run", item.line)
        kind = COMMANDS.get(command, command)
        if kind not in COMMANDS.values():
            known = ", ".join(sorted(COMMANDS))
            raise self.fail(f"unknown command {command!r} (known: {known})", line)
        if "at" not in item:
            raise self.fail("each step needs at: the time it happens", item.line)
        note = item.get("note", "")
        if not isinstance(note, str):
            raise self.fail("note must be text: the step in plain words", item.key_lines["note"])
        fields = {k: v for k, v in item.items() if k not in ("do", "note")}
        return self.entry(item, kind, fields, None, preamble=False, note=note.strip())

    def entry(
        self,
        item: _Map,
        kind: str,
        fields: dict[str, Any],
        at: str | None,
        *,
        preamble: bool,
        note: str = "",
    ) -> Step:
        fields = self.plain(fields)
        expect = self.expectation(item, fields.pop("expect", "allowed"))
        actor = fields.pop("as", None)
        when = self.time(fields.pop("at", at), item.key_lines.get("at", item.line))
        event: dict[str, Any] = {"type": kind, "at": when, "actor": actor}
        event.update(fields)
        if kind == "DayOpened" and self.date is not None:
            event.setdefault("date", self.date)
        _fill_defaults(event)
        try:
            validate_event(event)
        except ProtocolError as error:
            raise self.fail(str(error), _line_of(error, item)) from error
        return Step(item.line, _label(event), event, expect, preamble, note)

    def expectation(self, item: _Map, raw: Any) -> Expectation:
        line = item.key_lines.get("expect", item.line)
        if raw in ("allowed", "warned", "refused"):
            return Expectation(raw)
        if isinstance(raw, dict) and len(raw) == 1:
            ((outcome, value),) = raw.items()
            if outcome in ("warned", "refused"):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise self.fail(f"expect {outcome}: must list rule ids", line)
                return Expectation(outcome, frozenset(value))
            if outcome == "error" and isinstance(value, str):
                return Expectation("error", None, value)
        raise self.fail(
            "expect must be allowed, warned, refused, {warned: [ids]}, {refused: [ids]} "
            f"or {{error: text}}, got {raw!r}",
            line,
        )


def _fill_defaults(event: dict[str, Any]) -> None:
    """Scenario shorthand: the defaults a person on set would assume."""
    kind, actor = event["type"], event["actor"]
    if kind in ("DayOpened", "CallSheetRevised") and isinstance(event.get("call_sheet"), dict):
        event["call_sheet"] = [{"person": p, "duties": d} for p, d in event["call_sheet"].items()]
    if kind == "SafetyMeetingHeld":
        event["attendees"] = [
            {"person": a, "confirmed": True} if isinstance(a, str) else a
            for a in event.get("attendees", [])
        ]
    if kind == "WeaponHandedOver":
        event.setdefault("giver", actor)
        event.setdefault("receiver_confirmed", True)
    if kind == "ShowClearInspected":
        event.setdefault("performer", None)
        event.setdefault("performer_confirmed", event["performer"] is not None)
    if kind == "WeaponDischarged":
        event.setdefault("intended", True)
        event.setdefault("misfire", False)
    if kind == "WeaponFoundUnattended":
        event.setdefault("secured_by", actor)
    if kind == "WeaponSurrendered":
        event.setdefault("serial", "")
        event.setdefault("surrendered_by", None)
    if kind == "WeaponTakenOut":
        event.setdefault("setup", None)
    if kind == "ConcernRaised":
        event.setdefault("anonymous", False)
        event.setdefault("stop_work", False)
        if event["anonymous"]:
            event["actor"] = None
    if kind in ("SetupPlanned", "SetupChanged"):
        event.setdefault("people_near", [])
        # A scripted day is TRUSTED: the handler named signed off with their own credential.
        event.setdefault("handler_signoff_confirmed", event.get("handler_signoff") is not None)


_FIELD = re.compile(r"^\w+\.(\w+)")


def _line_of(error: Exception, item: _Map) -> int:
    """The line of the field an error names, else the line of the entry."""
    found = _FIELD.match(str(error))
    if found and found.group(1) in item.key_lines:
        return item.key_lines[found.group(1)]
    return item.line


def _label(event: dict[str, Any]) -> str:
    kind = event["type"]
    for field in ("weapon", "lot", "setup", "person", "storage", "incident", "concern", "rule"):
        if field in event and event[field] is not None:
            return f"{kind} {event[field]}"
    return str(kind)
