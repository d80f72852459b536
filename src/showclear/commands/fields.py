"""The value types of request bodies and paths, matching the event catalog's constraints.

The catalogue (:mod:`showclear.protocol.catalogue`) checks every event again; these
types only make the OpenAPI schema say what the protocol accepts, so that a
client learns it from the schema, and bound sizes the ledger could not store.
Every string is checked as Unicode without NUL (a lone surrogate cannot be
written as UTF-8; PostgreSQL text cannot hold NUL).
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field, StrictBool, StrictInt, StringConstraints

from showclear.ledger import MAX_SAFE_INTEGER
from showclear.protocol import ALL_RULES, CATALOG_IDS

__all__ = [
    "ID_PATTERN",
    "PATHS",
    "Category",
    "Chamber",
    "ConcernPath",
    "Count",
    "Date",
    "DummyMethod",
    "Flag",
    "FreeText",
    "Id",
    "IncidentKind",
    "IncidentPath",
    "Load",
    "LotKind",
    "LotPath",
    "Moment",
    "PersonPath",
    "Pin",
    "Positive",
    "ReviewRole",
    "Role",
    "RuleId",
    "SetupKind",
    "SetupPath",
    "Slug",
    "Strictness",
    "SupplierPath",
    "Text",
    "WeaponPath",
]

#: An id of the catalog: letters, digits, '.', '_' or '-', at most 64, starting with a
#: letter or digit (showclear.protocol.schema.ID).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_NO_NUL = r"^[^\x00]*$"
#: Free text in an entry stays short (showclear.protocol.schema.MAX_TEXT).
MAX_TEXT = 2000

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00]*\S[^\x00]*$")
]
FreeText = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=_NO_NUL)]
Pin = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=_NO_NUL),
    Field(description="A PIN or password; checked with argon2, never stored or logged."),
]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_SAFE_INTEGER)]
Positive = Annotated[StrictInt, Field(ge=1, le=MAX_SAFE_INTEGER)]
Chamber = Annotated[StrictInt, Field(ge=1, le=1000, description="A chamber, numbered from 1.")]
Flag = StrictBool
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

Role = Literal[
    "armorer", "property_master", "first_ad", "performer", "safety_coordinator", "producer", "crew"
]
Category = Literal[
    "functional_firearm", "blank_firing", "non_firing_replica", "rubber", "deactivated"
]
LotKind = Literal["dummy", "blank", "live"]
SetupKind = Literal["rehearsal", "take"]
ReviewRole = Literal["safety_coordinator", "producer"]
Strictness = Literal["warn", "block"]
Load = Literal["empty", "dummies", "blanks"]
DummyMethod = Literal[
    "rattle", "side_hole", "empty_primer_pocket", "drilled_primer_pocket", "non_metal"
]
IncidentKind = Literal[
    "unintended_discharge",
    "misfire",
    "squib",
    "live_round_found",
    "lost_weapon",
    "unattended_weapon",
    "round_count_difference",
    "injury",
]

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
SupplierPath = Annotated[
    str, Path(description="The supplier's id.", examples=["blanks-ltd"], **_PATH_ID)
]
IncidentPath = Annotated[
    int, Path(description="The incident's number.", examples=[1], ge=1, le=MAX_SAFE_INTEGER)
]
ConcernPath = Annotated[
    int, Path(description="The concern's number.", examples=[1], ge=1, le=MAX_SAFE_INTEGER)
]

#: The path parameter of each field a command's route names its subject by.
PATHS: dict[str, Any] = {
    "weapon": WeaponPath,
    "lot": LotPath,
    "setup": SetupPath,
    "person": PersonPath,
    "supplier": SupplierPath,
    "incident": IncidentPath,
    "concern": ConcernPath,
}
