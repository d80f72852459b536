"""What one ledger entry names: the weapons, lots, people and storage it cites (schema 6).

The ``entry_refs`` table indexes every entry by these ``(kind, id)`` pairs, so that a
question about one thing (a weapon's history, a lot's movements) reads only the entries
that cite it instead of the whole ledger. The pairs are read from the entry's own
fields, never from the projection, so that the index can be rebuilt from the ledger
alone (``showclear repair index``) and checked against it (``showclear check``).

A weapon is named by the entry's ``weapon``, by each planned weapon of a setup
(``weapons[].weapon``) and by the attempt a refusal records (``attempted``): exactly
the entries :func:`showclear.service.forensics.replay.mentions_weapon` accepts, which
the tests hold the index to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["KINDS", "entry_refs", "refs_of_data", "refs_rows"]

#: The kinds of things an entry is indexed by.
KINDS = ("weapon", "lot", "person", "storage")

#: Top-level fields naming a person the entry concerns.
_PERSON_FIELDS = (
    "actor",
    "giver",
    "receiver",
    "performer",
    "shooter",
    "person",
    "secured_by",
    "found_with",
)


def entry_refs(event: Any) -> set[tuple[str, str]]:
    """Every ``(kind, id)`` the decoded entry ``event`` names (empty for a non-object)."""
    found: set[tuple[str, str]] = set()
    if isinstance(event, Mapping):
        _collect(event, found)
    return found


def _collect(event: Mapping[str, Any], found: set[tuple[str, str]]) -> None:
    for kind in ("weapon", "lot", "storage"):
        value = event.get(kind)
        if isinstance(value, str) and value:
            found.add((kind, value))
    for name in _PERSON_FIELDS:
        value = event.get(name)
        if isinstance(value, str) and value:
            found.add(("person", value))
    planned = event.get("weapons")
    if isinstance(planned, list):
        for item in planned:
            if not isinstance(item, Mapping):
                continue
            for name, kind in (("weapon", "weapon"), ("lot", "lot"), ("performer", "person")):
                value = item.get(name)
                if isinstance(value, str) and value:
                    found.add((kind, value))
    attendees = event.get("attendees")
    if isinstance(attendees, list):
        for item in attendees:
            person = item.get("person") if isinstance(item, Mapping) else None
            if isinstance(person, str) and person:
                found.add(("person", person))
    for name in ("counts", "differences"):
        lots = event.get(name)
        if isinstance(lots, Mapping):
            found.update(("lot", str(lot)) for lot in lots if lot)
    if event.get("type") == "ShowClearInspected":
        chambers = event.get("chambers")
        if isinstance(chambers, list):
            found.update(("lot", c) for c in chambers if isinstance(c, str) and c not in _NOT_LOTS)
    attempted = event.get("attempted")
    if isinstance(attempted, Mapping):
        _collect(attempted, found)


#: What a chamber holds when it holds no round of a lot.
_NOT_LOTS = frozenset({"", "empty", "unknown"})


def refs_of_data(data: bytes) -> set[tuple[str, str]]:
    """Every ``(kind, id)`` the stored entry bytes name; none if they are not JSON."""
    try:
        event = json.loads(data)
    except ValueError:
        return set()  # a damaged entry names nothing; verify reports it
    return entry_refs(event)


def refs_rows(entries: Iterable[tuple[int, bytes]]) -> Iterator[tuple[str, str, int]]:
    """``(kind, id, index)`` for every entry given as ``(index, bytes)``."""
    for index, data in entries:
        for kind, ref in refs_of_data(data):
            yield kind, ref, index
