"""Distances as people on set say them, and as the ledger keeps them.

The ledger keeps every distance in whole centimetres (``distance_cm``). A production
works in feet or in metres (its settings: ``ProductionSettingsChanged``), and a person
may type either: ``20ft``, ``20 ft``, ``20'``, ``6m``, ``6.1 m``, ``610cm``; a bare
number is in the production's unit. One foot is exactly 30.48 cm (the international
foot, 1959).

- :func:`read_distance` reads what a person typed, in centimetres;
- :func:`distance_text` says a distance in the production's unit, the other in
  brackets: ``20 ft (6.1 m)``, ``6.1 m (20 ft)``.

Pure: imports nothing from showclear.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal, get_args

__all__ = [
    "DEFAULT_UNITS",
    "DISTANCE_FORMS",
    "UNITS",
    "Units",
    "distance_text",
    "in_units",
    "read_distance",
]

#: A production's unit system: feet or metres.
Units = Literal["ft", "m"]
UNITS: Final[tuple[str, ...]] = get_args(Units)
#: A production that never chose works in feet, as the catalog's figures are written.
DEFAULT_UNITS: Final = "ft"
#: The forms named in error messages, so that a person can copy one.
DISTANCE_FORMS: Final = (
    "20ft, 20 ft, 6m, 6.1 m or 610cm (a bare number is in the production's unit)"
)

_CM_PER: Final[dict[str, Decimal]] = {"ft": Decimal("30.48"), "m": Decimal(100), "cm": Decimal(1)}
_SPELLINGS: Final[dict[str, str]] = {
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "'": "ft",
    "m": "m",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "cm": "cm",
}
_DISTANCE = re.compile(r"^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*([a-z']*)\s*$")
#: Nothing on a set is further than this from a line of fire (a typo, not a distance).
_MAX_CM: Final = 10_000_000


def read_distance(text: str, units: str = DEFAULT_UNITS) -> int:
    """The whole centimetres of a distance a person typed, e.g. ``20ft`` -> 610.

    A bare number is in ``units`` (the production's unit: ``ft`` or ``m``).

    Raises:
        ValueError: ``text`` is not a number with ft, m or cm, naming the forms accepted.
    """
    match = _DISTANCE.match(text.lower())
    unit = _SPELLINGS.get(match.group(2) or units) if match else None
    if match is None or unit is None:
        raise ValueError(f"{text!r} is not a distance: write {DISTANCE_FORMS}")
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{text!r} is not a distance: write {DISTANCE_FORMS}") from None
    cm = int((value * _CM_PER[unit]).to_integral_value(ROUND_HALF_UP))
    if cm > _MAX_CM:
        raise ValueError(f"{text!r} is more than 100 km: write {DISTANCE_FORMS}")
    return cm


def in_units(cm: int, units: str) -> str:
    """``cm`` in one unit, to a tenth at most: ``20 ft``, ``6.1 m``."""
    unit = units if units in _CM_PER else DEFAULT_UNITS
    value = (Decimal(cm) / _CM_PER[unit]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    number = f"{value:f}".removesuffix(".0")
    return f"{number} {unit}"


def distance_text(cm: int, units: str = DEFAULT_UNITS) -> str:
    """A distance in the production's unit, then the other: ``20 ft (6.1 m)``."""
    first = units if units in UNITS else DEFAULT_UNITS
    other = "m" if first == "ft" else "ft"
    return f"{in_units(cm, first)} ({in_units(cm, other)})"
