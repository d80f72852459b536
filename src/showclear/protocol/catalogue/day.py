"""The shoot day: its call sheet, meal break, wrap and the closing count."""

from __future__ import annotations

import re
from typing import Annotated, Any, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import STOCK, Command, EventType, Incidents
from showclear.protocol.catalogue.fields import Count, Date, Event, Id
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import MalformedEventError
from showclear.protocol.projection import DayRecord, Projection
from showclear.protocol.schema import Check, Doc, items

__all__ = [
    "TYPES",
    "CallSheetEntry",
    "CallSheetRevised",
    "DayClosed",
    "DayOpened",
    "MealBreakCalled",
    "WrapCalled",
    "day_close_differences",
]

#: The API groups this module's commands under this topic.
TOPIC = "the day"

_DAY_RUNNERS = frozenset({"first_ad", "producer"})


_CALL_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
#: A call time as the call sheet prints it: the production's local time of day, HH:MM.
CallTime = Annotated[
    str,
    Check(
        "a local time of day like 07:30 (24-hour clock)",
        lambda v: bool(_CALL_TIME.match(v)),
        {"pattern": _CALL_TIME.pattern},
    ),
]


class CallSheetEntry(TypedDict):
    person: Id
    duties: Annotated[
        list[Id],
        items(0, 20),
        Doc('"handler", "performer", "first_ad" or any other duty by name.'),
    ]
    call_time: NotRequired[
        Annotated[CallTime, Doc("When the person is called, local time of day (HH:MM).")]
    ]


CallSheet = Annotated[list[CallSheetEntry], items(0, 500)]


class DayOpened(Event):
    """The shoot day's call sheet is published: who is on duty, in which role."""

    date: Date
    call_sheet: CallSheet


class CallSheetRevised(Event):
    """The open day's call sheet is replaced."""

    call_sheet: CallSheet


class MealBreakCalled(Event):
    """A meal break: every weapon must be in storage (CUS-SECURED)."""


class WrapCalled(Event):
    """Wrap: every weapon must be in storage (CUS-SECURED)."""


class DayClosed(Event):
    """The day closes with the rounds physically counted per lot (AMMO-COUNT)."""

    counts: Annotated[
        dict[Id, Count],
        items(0, 500),
        Doc("Rounds physically present per lot, in storage, in weapons and in quarantine."),
    ]


def check_call_sheet(e: DayOpened | CallSheetRevised) -> None:
    people = [entry["person"] for entry in e["call_sheet"]]
    if len(set(people)) != len(people):
        raise MalformedEventError(f"{e['type']}.call_sheet lists a person twice")


def _duties(sheet: list[CallSheetEntry]) -> dict[str, list[str]]:
    return {entry["person"]: sorted(set(entry["duties"])) for entry in sheet}


def _day_opened(f: Fold, e: DayOpened) -> None:
    day: DayRecord = {
        "date": e["date"],
        "open": True,
        "opened_at": e["at"],
        "duties": _duties(e["call_sheet"]),
    }
    f.put("day", day)


def _call_sheet_revised(f: Fold, e: CallSheetRevised) -> None:
    f.day()["duties"] = _duties(e["call_sheet"])


def _meal_break(f: Fold, e: MealBreakCalled) -> None:
    for weapon_id in f.outside_storage():
        f.unsettle(weapon_id, "meal_break")


def _wrap(f: Fold, e: WrapCalled) -> None:
    for weapon_id in f.outside_storage():
        f.unsettle(weapon_id, "wrap")


def _day_closed(f: Fold, e: DayClosed) -> None:
    day = f.day()
    day["open"] = False
    day["duties"] = {}
    # Setups and overrides belong to the day (and keep the projection bounded).
    for key in [*f.projection._keys("setup:"), *f.projection._keys("override:")]:
        f.drop(key)


def day_close_differences(projection: Projection, event: DayClosed) -> dict[str, int]:
    """Counted minus recorded rounds (in storage, in weapons and in quarantine) for each lot
    that differs."""
    differences: dict[str, int] = {}
    for lot_id, lot in projection.lots():
        counted = event["counts"].get(lot_id, 0)
        recorded = lot["in_storage"] + lot["in_weapons"] + lot.get("quarantined", 0)
        if counted != recorded:
            differences[lot_id] = counted - recorded
    return differences


def _close_refused(
    p: Projection, e: DayClosed, rules: frozenset[str], incidents: Incidents
) -> list[dict[str, Any]]:
    if "AMMO-COUNT" not in rules:
        return []
    return [
        incidents.open(
            "round_count_difference",
            "The day's round count differs from the ledger.",
            ["AMMO-COUNT"],
            differences=day_close_differences(p, e),
        )
    ]


def _close_words(e: DayClosed, w: Words) -> str:
    counts = ", ".join(f"{lot}: {n}" for lot, n in sorted(e["counts"].items()))
    return f"{w.who(e['actor'])} closed the day, counting {counts or 'no rounds'}"


_SHEET = [
    {"person": "ava", "duties": ["handler"], "call_time": "06:30"},
    {"person": "pat", "duties": ["performer"]},
    {"person": "dan", "duties": ["first_ad"]},
]

TYPES: tuple[EventType[Any], ...] = (
    EventType(
        DayOpened,
        "command",
        _day_opened,
        lambda e, w: f"{w.who(e['actor'])} opened shoot day {e['date']} with its call sheet",
        roles=_DAY_RUNNERS,
        actor_optional=True,
        check=check_call_sheet,
        command=Command(
            "OpenDay",
            "Publish the shoot day's call sheet: who is on duty, in which role.",
            route=("POST", "/day"),
            cli="day open",
            example={"date": "2026-11-26", "call_sheet": _SHEET},
        ),
    ),
    EventType(
        CallSheetRevised,
        "command",
        _call_sheet_revised,
        lambda e, w: f"{w.who(e['actor'])} revised the call sheet",
        roles=_DAY_RUNNERS,
        actor_optional=True,
        needs_open_day=True,
        check=check_call_sheet,
        command=Command(
            "ReviseCallSheet",
            "Replace the open day's call sheet.",
            route=("PUT", "/day/call-sheet"),
            cli="day revise",
            example={"call_sheet": _SHEET},
        ),
    ),
    EventType(
        MealBreakCalled,
        "command",
        _meal_break,
        lambda e, w: f"{w.who(e['actor'])} called a meal break",
        roles=_DAY_RUNNERS,
        needs_open_day=True,
        command=Command(
            "CallMealBreak",
            "Call a meal break; every weapon must be in storage (CUS-SECURED).",
            route=("POST", "/day/meal-break"),
            cli="meal-break",
        ),
    ),
    EventType(
        WrapCalled,
        "command",
        _wrap,
        lambda e, w: f"{w.who(e['actor'])} called wrap",
        roles=_DAY_RUNNERS,
        needs_open_day=True,
        command=Command(
            "CallWrap",
            "Call wrap; every weapon must be in storage (CUS-SECURED).",
            route=("POST", "/day/wrap"),
            cli="wrap",
        ),
    ),
    EventType(
        DayClosed,
        "command",
        _day_closed,
        _close_words,
        roles=STOCK,
        needs_open_day=True,
        refused=_close_refused,
        command=Command(
            "CloseDay",
            "Close the day with the rounds physically counted per lot (AMMO-COUNT).",
            route=("POST", "/day/close"),
            cli="close-day",
            example={"counts": {"dummies-1": 50}},
        ),
    ),
)
