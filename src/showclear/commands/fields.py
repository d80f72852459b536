"""The value types of requests that are not a command's body: paths, sign-in, queries.

A command's body is built from its event type's declaration (:mod:`showclear.commands`);
these types say the same constraints for the rest, taken from the protocol's own checks
(:mod:`showclear.protocol.schema`), so that a client learns them from the schema. Every
string is checked as Unicode without NUL (a lone surrogate cannot be written as UTF-8;
PostgreSQL text cannot hold NUL).
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from showclear.ledger import MAX_SAFE_INTEGER
from showclear.protocol import ALL_RULES, CATALOG_IDS
from showclear.protocol.schema import FREE_TEXT, ID, ID_PATTERN, TEXT, Check, Doc, hints, metadata

__all__ = [
    "ID_PATTERN",
    "ConcernPath",
    "Date",
    "Id",
    "IncidentPath",
    "LotPath",
    "Moment",
    "PersonPath",
    "Pin",
    "RuleId",
    "SetupPath",
    "Slug",
    "Text",
    "WeaponPath",
    "path_parameter",
]


def _constraints(check: Check) -> StringConstraints:
    """The protocol's own check in pydantic's words (one pattern, one length, never two)."""
    schema = check.schema
    return StringConstraints(
        pattern=schema.get("pattern"),
        min_length=schema.get("minLength"),
        max_length=schema.get("maxLength"),
    )


Id = Annotated[str, _constraints(ID)]
Text = Annotated[str, _constraints(TEXT)]
Pin = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=FREE_TEXT.schema["pattern"]),
    Field(description="A PIN or password; checked with argon2, never stored or logged."),
]
Date = Annotated[date, Field(description="A date, YYYY-MM-DD.")]


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
