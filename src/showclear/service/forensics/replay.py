"""Walking the ledger: entries with their parsed times, and what each one mentions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from showclear.protocol.time import parse_time

__all__ = ["Indexed", "index_events", "mentions_lot", "mentions_weapon", "pairs", "parties"]


@dataclass(frozen=True, slots=True)
class Indexed:
    """One ledger entry: its index, its time and its event."""

    index: int
    at: datetime
    event: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.event["type"])

    @property
    def time(self) -> str:
        return str(self.event["at"])


def index_events(rows: Iterable[tuple[int, Any]]) -> list[Indexed]:
    """Entries as (index, decoded event) pairs, each with its time parsed once."""
    return [Indexed(index, parse_time(str(event["at"])), event) for index, event in rows]


def pairs(events: Iterable[Indexed]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The entries as the (index, event) pairs a protocol replay folds."""
    return ((item.index, item.event) for item in events)


def mentions_weapon(event: dict[str, Any], weapon: str) -> bool:
    """Whether the entry (or the attempt it refused, or the plan it records) names ``weapon``."""
    if event.get("weapon") == weapon:
        return True
    attempted = event.get("attempted")
    if isinstance(attempted, dict) and mentions_weapon(attempted, weapon):
        return True
    planned = event.get("weapons")
    return isinstance(planned, list) and any(
        isinstance(p, dict) and p.get("weapon") == weapon for p in planned
    )


def mentions_lot(event: dict[str, Any], lot: str) -> bool:
    """Whether the entry (or the attempt it refused) names ``lot``."""
    if event.get("lot") == lot:
        return True
    for key in ("counts", "differences"):
        found = event.get(key)
        if isinstance(found, dict) and lot in found:
            return True
    if event.get("type") == "ShowClearInspected" and lot in event.get("chambers", []):
        return True
    attempted = event.get("attempted")
    return isinstance(attempted, dict) and mentions_lot(attempted, lot)


_PARTY_FIELDS = ("actor", "giver", "receiver", "performer", "secured_by", "found_with")


def parties(event: dict[str, Any]) -> list[str]:
    """Everyone the entry names as acting, giving, receiving, confirming or securing."""
    found: list[str] = []
    for key in _PARTY_FIELDS:
        value = event.get(key)
        if isinstance(value, str) and value not in found:
            found.append(value)
    for attendee in event.get("attendees", []) if event.get("type") == "SafetyMeetingHeld" else []:
        if attendee["person"] not in found:
            found.append(attendee["person"])
    return found
