"""The value types of requests that are not a command's body: paths, sign-in, queries.

A command's body is built from its event type's declaration (:mod:`showclear.commands`);
these types say the same constraints for the rest, taken from the protocol's own checks
(:mod:`showclear.protocol.schema`), so that a client learns them from the schema. Every
string is checked as Unicode without NUL or other control characters but tab and line
breaks (a lone surrogate cannot be written as UTF-8; PostgreSQL text cannot hold NUL), and
a value that does not fit a check is answered with the check's own words
(:func:`checked`), not a regular expression.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field, GetCoreSchemaHandler, StringConstraints
from pydantic import GetJsonSchemaHandler as JsonHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from showclear.ledger import MAX_SAFE_INTEGER
from showclear.protocol import ALL_RULES, CATALOG_IDS
from showclear.protocol.schema import (
    ID,
    ID_PATTERN,
    TEXT,
    TEXT_REFUSED,
    Check,
    Doc,
    hints,
    metadata,
)
from showclear.protocol.units import DISTANCE_FORMS, read_distance

__all__ = [
    "ID_PATTERN",
    "ConcernPath",
    "Date",
    "DistanceText",
    "Id",
    "IncidentPath",
    "LocalMoment",
    "LotPath",
    "Moment",
    "PersonPath",
    "Pin",
    "RuleId",
    "SetupPath",
    "Slug",
    "Text",
    "WeaponPath",
    "checked",
    "distinct",
    "path_parameter",
]


@dataclass(frozen=True)
class _Checked:
    """Pydantic metadata: the value passes ``check``, or fails with the check's words.

    The JSON schema still shows the check's ``pattern``, so a client learns it.
    """

    check: Check

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._test, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: JsonHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        pattern = self.check.schema.get("pattern")
        if pattern is not None:
            found["pattern"] = pattern
        return found

    def _test(self, value: Any) -> Any:
        if not self.check.test(value):
            raise ValueError(f"must be {self.check.explain}")
        return value


def checked(check: Check) -> _Checked:
    """Pydantic metadata that holds a value to the protocol's ``check``, in its words."""
    return _Checked(check)


def distinct(check: Check) -> AfterValidator:
    """Pydantic metadata refusing a list that names one thing twice, naming it.

    ``check`` is the protocol's :func:`showclear.protocol.schema.unique` check: each item
    differs, or each item's field ``x-unique-by`` does.
    """
    key = check.schema.get("x-unique-by")
    item_of: Callable[[Any], Any] = (lambda i: i) if key is None else (lambda i: getattr(i, key))
    noun = "item" if key is None else key

    def test(value: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        for item in value:
            named = item_of(item)
            if named is not None and named in seen:
                shown = named.value if isinstance(named, StrEnum) else named
                raise ValueError(f"names the {noun} {shown!r} twice; name each {noun} once")
            seen.add(named)
        return value

    return AfterValidator(test)


def _constraints(check: Check) -> tuple[StringConstraints, _Checked]:
    """The protocol's own check in pydantic's words: its lengths, and the check itself."""
    schema = check.schema
    lengths = StringConstraints(
        min_length=schema.get("minLength"), max_length=schema.get("maxLength")
    )
    return lengths, _Checked(check)


_PIN_PATTERN = rf"^[^{TEXT_REFUSED}]*[^\s{TEXT_REFUSED}][^{TEXT_REFUSED}]*$"
_PIN = re.compile(_PIN_PATTERN)
PIN = Check(
    "a PIN or password that is not only spaces, without control characters",
    lambda v: bool(_PIN.match(v)),
    {"pattern": _PIN_PATTERN},
)

Id = Annotated[str, *_constraints(ID)]
Text = Annotated[str, *_constraints(TEXT)]
Pin = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256),
    _Checked(PIN),
    Field(description="A PIN or password; checked with argon2, never stored or logged."),
]
Date = Annotated[date, Field(description="A date, YYYY-MM-DD.")]


def _distance(text: str) -> str:
    # Read as metres, the larger unit, so that a bare number that passes here is a
    # distance in either unit once the production's unit is known.
    read_distance(text, "m")
    return text


#: A distance as a person writes it (``20ft``, ``6m``, ``610cm``); the API turns it into
#: the whole centimetres an entry keeps, a bare number in the production's unit.
DistanceText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    AfterValidator(_distance),
    Field(
        description=f"A distance in either unit: {DISTANCE_FORMS}.",
        examples=["20ft", "6m", "610cm"],
    ),
]


def _in_utc(moment: datetime) -> datetime:
    # Years outside 1900-9999 are no time a production keeps (and RFC 3339 text needs
    # four digits, which strftime does not pad to on every platform).
    try:
        utc = moment.astimezone(UTC)
    except OverflowError as e:
        raise ValueError("the time is out of range") from e
    if not 1900 <= utc.year <= 9999:
        raise ValueError("the time must be between the years 1900 and 9999")
    return utc


#: A time with its zone (RFC 3339), e.g. 2026-11-25T08:00:00Z; kept in UTC.
Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]


def _utc_or_local(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else _in_utc(moment)


#: A time of a query: with its zone (kept in UTC), or without one (left naive, for the
#: route to read in the production's zone: ``2026-11-25T14:05``).
LocalMoment = Annotated[datetime, AfterValidator(_utc_or_local)]

RuleId = StrEnum(  # type: ignore[misc]  # built from the catalog, so it cannot drift
    "RuleId", {rule_id.replace("-", "_"): rule_id for rule_id in CATALOG_IDS}
)
RuleId.__doc__ = "A rule of the safety protocol (shared/SAFETY_RULES.md):\n\n" + "\n".join(
    f"- `{rule.id}`: {' '.join(rule.summary.split())}" for rule in ALL_RULES
)

# -- path parameters ---------------------------------------------------------------

_PATH_ID = {"pattern": ID_PATTERN, "max_length": 64}

Slug = Annotated[
    str, Path(description="The production's slug.", examples=["dust-creek"], **_PATH_ID)
]
WeaponPath = Annotated[str, Path(description="The weapon's id.", examples=["rev-1"], **_PATH_ID)]
LotPath = Annotated[str, Path(description="The lot's id.", examples=["dummies-1"], **_PATH_ID)]
SetupPath = Annotated[str, Path(description="The setup's id.", examples=["12a-1"], **_PATH_ID)]
PersonPath = Annotated[str, Path(description="The person's id.", examples=["pat"], **_PATH_ID)]
IncidentPath = Annotated[
    int, Path(description="The incident's number.", examples=[1], ge=1, le=MAX_SAFE_INTEGER)
]
ConcernPath = Annotated[
    int, Path(description="The concern's number.", examples=[1], ge=1, le=MAX_SAFE_INTEGER)
]

#: The path parameters the web pages and views name explicitly; a command's own path
#: parameter is derived from its event type by :func:`path_parameter`.
_NAMED: dict[str, Any] = {
    "weapon": WeaponPath,
    "lot": LotPath,
    "setup": SetupPath,
    "person": PersonPath,
    "incident": IncidentPath,
    "concern": ConcernPath,
}


def path_parameter(shape: type, field: str) -> Any:
    """The path parameter naming a command's subject: the field ``field`` of event ``shape``.

    An id field is a path id (its description from the field's ``Doc``), a number field a
    whole number from 1; the ones the web also names keep their examples.
    """
    if field in _NAMED:
        return _NAMED[field]
    base, extras = metadata(hints(shape)[field])
    docs = [e.text for e in extras if isinstance(e, Doc)]
    description = docs[0] if docs else f"The {field.replace('_', ' ')}'s id."
    if base is int:
        return Annotated[
            int, Path(description=description, examples=[1], ge=1, le=MAX_SAFE_INTEGER)
        ]
    example = f"{field.replace('_', '-')}-1"
    return Annotated[
        str, Path(description=description, examples=[example], pattern=ID_PATTERN, max_length=64)
    ]
