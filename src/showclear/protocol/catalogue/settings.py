"""The production's settings: the time zone it lives in and the unit it measures in.

Entries keep UTC always; the settings say how people read and type times and distances
(``14:05 PDT``, ``20 ft``). A production that never set them lives in UTC and works in
feet (the catalog's figures are written in feet). The producer or the safety
coordinator changes them; each change is an entry, so every report can say which zone
and unit it was read in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final, NotRequired, cast

from showclear.protocol.catalogue.declare import OVERSIGHT, Command, EventType
from showclear.protocol.catalogue.fields import Event, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.projection import Projection
from showclear.protocol.schema import Check, Doc
from showclear.protocol.time import DEFAULT_ZONE, ZONE_EXAMPLE, check_zone
from showclear.protocol.units import DEFAULT_UNITS, Units

__all__ = [
    "SETTINGS_KEY",
    "TYPES",
    "ProductionSettings",
    "ProductionSettingsChanged",
    "settings_from",
    "settings_of",
]

#: The API groups this module's commands under this topic.
TOPIC = "the production"


def _is_zone(value: object) -> bool:
    try:
        check_zone(str(value))
    except ValueError:
        return False
    return True


TimeZone = Annotated[
    str,
    Check(
        f"an IANA time zone name such as {ZONE_EXAMPLE}, Europe/London or UTC",
        _is_zone,
        {"minLength": 1, "maxLength": 64},
        # A zone the IANA database later drops must not stop an old ledger replaying.
        recorded=lambda value: isinstance(value, str) and bool(value),
    ),
    Doc("The production's time zone (IANA name): how times are shown and typed."),
]


class ProductionSettingsChanged(Event):
    """The production's time zone or unit system changes; entries keep UTC and centimetres."""

    time_zone: NotRequired[TimeZone]
    units: NotRequired[
        Annotated[Units, Doc('"ft" or "m": how distances are shown, and a bare number typed.')]
    ]
    reason: NotRequired[Text]


@dataclass(frozen=True)
class ProductionSettings:
    """The settings in force: the IANA time zone and the unit system (``ft`` or ``m``)."""

    time_zone: str = DEFAULT_ZONE
    units: str = DEFAULT_UNITS


#: The projection's record of the settings in force (absent until first set).
SETTINGS_KEY: Final = "settings"


def settings_from(record: object) -> ProductionSettings:
    """The settings a stored ``settings`` record holds (UTC and feet when there is none)."""
    if not isinstance(record, dict):
        return ProductionSettings()
    return ProductionSettings(
        time_zone=str(record.get("time_zone") or DEFAULT_ZONE),
        units=str(record.get("units") or DEFAULT_UNITS),
    )


def settings_of(projection: Projection) -> ProductionSettings:
    """The production's settings in force (UTC and feet when never set)."""
    return settings_from(projection.record(SETTINGS_KEY))


def _check(e: ProductionSettingsChanged) -> None:
    if "time_zone" not in e and "units" not in e:
        raise MalformedEventError(
            "ProductionSettingsChanged sets nothing: give time_zone, units or both"
        )


def _settings_changed(f: Fold, e: ProductionSettingsChanged) -> None:
    current = settings_of(f.projection)
    f.put(
        SETTINGS_KEY,
        {
            "time_zone": e.get("time_zone", current.time_zone),
            "units": e.get("units", current.units),
        },
    )


def _words(e: ProductionSettingsChanged, w: Words) -> str:
    fields = cast("dict[str, Any]", e)
    said = [f"{key.replace('_', ' ')} {fields[key]}" for key in ("time_zone", "units") if key in e]
    reason = f" ({e['reason']})" if e.get("reason") else ""
    return f"{w.who(e['actor'])} set the production's {' and '.join(said)}{reason}"


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ProductionSettingsChanged,
        "command",
        _settings_changed,
        _words,
        roles=OVERSIGHT,
        # `showclear init --time-zone` records the first settings before anyone is registered.
        actor_optional=True,
        check=_check,
        command=Command(
            "ChangeSettings",
            "Set the production's time zone (IANA name) or unit system (ft or m).",
            route=("PATCH", "/settings"),
            cli="settings",
            example={"time_zone": ZONE_EXAMPLE, "units": "ft", "reason": "we shoot in LA"},
        ),
    ),
)
