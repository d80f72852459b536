"""Reading what people type: the compact argument formats of the set commands.

Each parser turns one option value into a small value object, or raises
``typer.BadParameter`` with the format to use, which Typer reports against the option
and turns into exit code 2. Nothing here decides whether a plan is safe: the protocol
does that with the event these values go into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
import yaml

from showclear.protocol.schema import MAX_CHAMBERS
from showclear.protocol.units import DEFAULT_UNITS, DISTANCE_FORMS, read_distance

__all__ = [
    "Chambers",
    "Contents",
    "Duty",
    "LotCount",
    "Near",
    "Permit",
    "PlannedWeapon",
    "PolicySetting",
    "Role",
    "parse_chambers",
    "parse_contents",
    "parse_distance",
    "parse_duty",
    "parse_lot_count",
    "parse_near",
    "parse_permit",
    "parse_planned_weapon",
    "parse_policy_setting",
    "read_setup_file",
    "split_ids",
]


class Role(StrEnum):
    """A person's roles on the production (events.Role; a test keeps the two equal)."""

    ARMORER = "armorer"
    PROPERTY_MASTER = "property_master"
    FIRST_AD = "first_ad"
    PERFORMER = "performer"
    SAFETY_COORDINATOR = "safety_coordinator"
    PRODUCER = "producer"
    CREW = "crew"


def split_ids(values: list[str] | None) -> list[str]:
    """Ids given as repeated options and/or comma-separated lists, in order, once each."""
    found = [part.strip() for value in values or [] for part in value.split(",")]
    return list(dict.fromkeys(part for part in found if part))


@dataclass(frozen=True)
class Duty:
    """One call-sheet line: ``PERSON=DUTY[,DUTY...]``."""

    person: str
    duties: tuple[str, ...]

    def to_event(self) -> dict[str, Any]:
        return {"person": self.person, "duties": list(self.duties)}


def parse_duty(text: str) -> Duty:
    person, sep, rest = text.partition("=")
    duties = tuple(split_ids([rest]))
    if not sep or not person.strip() or not duties:
        raise typer.BadParameter(f"{text!r}: write PERSON=DUTY[,DUTY...], e.g. mo=handler")
    return Duty(person.strip(), duties)


@dataclass(frozen=True)
class Permit:
    """A permit: ``KIND:NUMBER:EXPIRES`` (expiry as YYYY-MM-DD)."""

    kind: str
    number: str
    expires: str

    def to_event(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number, "expires": self.expires}


def parse_permit(text: str) -> Permit:
    parts = text.split(":")
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise typer.BadParameter(
            f"{text!r}: write KIND:NUMBER:EXPIRES, e.g. ca-armorer:A-1234:2027-06-30"
        )
    return Permit(*(p.strip() for p in parts))


_LOADS = ("empty", "dummies", "blanks")


@dataclass(frozen=True)
class PlannedWeapon:
    """A weapon in a setup: ``WEAPON:PERFORMER:LOAD[:LOT[:ROUNDS]]``."""

    weapon: str
    performer: str
    load: str
    lot: str | None = None
    rounds: int | None = None

    def to_event(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "weapon": self.weapon,
            "performer": self.performer,
            "load": self.load,
        }
        if self.lot is not None:
            out["lot"] = self.lot
        if self.rounds is not None:
            out["rounds"] = self.rounds
        return out


def parse_planned_weapon(text: str) -> PlannedWeapon:
    usage = (
        f"{text!r}: write WEAPON:PERFORMER:LOAD[:LOT[:ROUNDS]] with LOAD one of "
        f"{', '.join(_LOADS)}, e.g. colt-1:ana:blanks:B-1:2"
    )
    parts = [p.strip() for p in text.split(":")]
    if not 3 <= len(parts) <= 5 or not all(parts) or parts[2] not in _LOADS:
        raise typer.BadParameter(usage)
    rounds = None
    if len(parts) == 5:
        if not parts[4].isdigit():
            raise typer.BadParameter(usage)
        rounds = int(parts[4])
    return PlannedWeapon(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else None, rounds)


_NEAR_FLAGS = {
    "line": "in_line_of_fire",
    "shielded": "shielded",
    "remote": "remote",
    "eye": "eye_protection",
    "hearing": "hearing_protection",
}


@dataclass(frozen=True)
class Near:
    """Someone near the line of fire: ``WHO:DISTANCE`` and any of the ``_NEAR_FLAGS``.

    The distance is kept as typed (``20ft``, ``6m``, ``610cm``, or a bare number in the
    production's unit) until the production's unit is known: :meth:`to_event`.
    """

    who: str
    distance: str
    flags: tuple[str, ...] = ()

    def distance_cm(self, units: str = DEFAULT_UNITS) -> int:
        """The distance in whole centimetres, a bare number read in ``units``."""
        return read_distance(self.distance, units)

    def to_event(self, units: str = DEFAULT_UNITS) -> dict[str, Any]:
        out: dict[str, Any] = {"who": self.who, "distance_cm": self.distance_cm(units)}
        out.update({_NEAR_FLAGS[flag]: True for flag in self.flags})
        return out


def parse_near(text: str) -> Near:
    parts = [p.strip() for p in text.split(":")]
    flags = tuple(p.lower() for p in parts[2:])
    usage = (
        f"{text!r}: write WHO:DISTANCE followed by any of :{':'.join(_NEAR_FLAGS)}, e.g. "
        f"'camera A:30ft:eye:hearing'; a distance is {DISTANCE_FORMS}"
    )
    if len(parts) < 2 or not parts[0] or set(flags) - set(_NEAR_FLAGS):
        raise typer.BadParameter(usage)
    try:
        read_distance(parts[1])
    except ValueError:
        raise typer.BadParameter(usage) from None
    return Near(parts[0], parts[1], flags)


def parse_distance(text: str) -> str:
    """A distance as typed (``20ft``, ``6m``, ``610cm`` or a bare number), checked.

    Raises:
        typer.BadParameter: not a distance, naming the forms accepted.
    """
    try:
        read_distance(text)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    return text.strip()


@dataclass(frozen=True)
class Chambers:
    """Chamber numbers: ``1,2,5`` or ranges ``1-3,5``."""

    numbers: tuple[int, ...]

    def to_event(self) -> list[int]:
        return list(self.numbers)


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_chambers(text: str) -> Chambers:
    """Chamber numbers, each range checked against the largest weapon before it is expanded.

    Raises:
        typer.BadParameter: not numbers and ranges, or a chamber past ``MAX_CHAMBERS``.
    """
    numbers: list[int] = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if match is None:
            raise typer.BadParameter(f"{text!r}: write chamber numbers like 1,2,5 or 1-6")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise typer.BadParameter(f"{text!r}: chambers are numbered from 1, ranges go upward")
        if last > MAX_CHAMBERS or len(numbers) + last - first >= MAX_CHAMBERS:
            # Checked before expanding: 1-99999999 would build a list of 10^8 numbers.
            raise typer.BadParameter(
                f"{text!r}: a weapon has at most {MAX_CHAMBERS} chambers, numbered "
                f"1 to {MAX_CHAMBERS}"
            )
        numbers += range(first, last + 1)
    return Chambers(tuple(numbers))


@dataclass(frozen=True)
class Contents:
    """Each chamber's content in chamber order: ``empty`` or a lot id, e.g. ``empty,D-1``."""

    chambers: tuple[str, ...]

    def to_event(self) -> list[str]:
        return list(self.chambers)


def parse_contents(text: str) -> Contents:
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise typer.BadParameter(
            f"{text!r}: list every chamber in order, 'empty' or a lot id, e.g. "
            "empty,empty,D-1,D-1,empty,empty"
        )
    return Contents(tuple(parts))


@dataclass(frozen=True)
class LotCount:
    """A lot's rounds counted at the end of the day: ``LOT=N``."""

    lot: str
    count: int


def parse_lot_count(text: str) -> LotCount:
    lot, sep, count = text.partition("=")
    if not sep or not lot.strip() or not count.strip().isdigit():
        raise typer.BadParameter(f"{text!r}: write LOT=N, e.g. D-1=12")
    return LotCount(lot.strip(), int(count))


@dataclass(frozen=True)
class PolicySetting:
    """A policy key and its new value: ``KEY=VALUE`` (whole numbers stay numbers)."""

    key: str
    value: int | str


def parse_policy_setting(text: str) -> PolicySetting:
    """``KEY=VALUE``; a distance key (``..._cm``) also takes ``20ft`` or ``6.1m``.

    Raises:
        typer.BadParameter: not ``KEY=VALUE``, or a distance that is not one.
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise typer.BadParameter(f"{text!r}: write KEY=VALUE, e.g. blank_min_distance_cm=800")
    key, value = key.strip(), value.strip()
    if key.endswith("_cm") and not value.isdigit():
        try:
            return PolicySetting(key, read_distance(value, "cm"))  # a bare number: cm, as named
        except ValueError as e:
            raise typer.BadParameter(f"{key}: {e}") from None
    return PolicySetting(key, int(value) if value.isdigit() else value)


#: The fields a setup file may give: a SetupPlanned event without type, time or actor.
_SETUP_FIELDS = (
    "setup",
    "scene",
    "kind",
    "direction",
    "weapons",
    "people_near",
    "functional_reason",
)


def read_setup_file(path: Path) -> dict[str, Any]:
    """A setup plan from a YAML file whose keys are the fields of a SetupPlanned event.

    Raises typer.BadParameter naming the file (and line) of a YAML error or a wrong key.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise typer.BadParameter(f"cannot read {path}: {e.strerror}", param_hint="--file") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise typer.BadParameter(f"{where}: not valid YAML", param_hint="--file") from e
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path}: expected a mapping of setup fields", param_hint="--file")
    unknown = sorted(str(k) for k in data if k not in _SETUP_FIELDS)
    if unknown:
        raise typer.BadParameter(
            f"{path}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(_SETUP_FIELDS)}",
            param_hint="--file",
        )
    return dict(data)
