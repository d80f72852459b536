"""Typos are input errors, not safety refusals: the ids a command names, checked before deciding.

Every interface asks this module before it submits: the CLI (``cli/acting.py``, before any
PIN prompt) and the API and web (``http.Acting.submit``, before ``App.submit``).
``App.submit`` and the protocol engine do not, so that scenarios, replays and protocol
tests that submit an attempt naming an unknown weapon still get CUS-INVENTORY's refusal.

A weapon, lot, person or storage id that this production never registered is a typo
(``rev1`` for ``rev-1``): the command is rejected with "did you mean" suggestions, nothing
is recorded and nobody is asked for a PIN. An id the production did register, and that
is no longer in the inventory (a weapon released to its owner, a lot returned), still
goes to the rules: using it is a real attempt, and CUS-INVENTORY records its refusal. So
does an id whose receipt was itself refused (a personal weapon).

The shorthand ``--chambers empty`` (or ``all-empty``) of ``inspect`` means every chamber of
the weapon empty, and a chamber list or number that does not fit the weapon's chamber
count is an argument error, reported before the PIN is asked.

An argument left out is an input error too: a lot received without its count, supplier or
origin (``--origin`` forgotten) names the missing field and records nothing. A lot
received with a placeholder origin ("unknown", "-") is a real attempt, and AMMO-SOURCE
records its refusal. The CLI also runs the validity layer (protocol/validity.py: a
storage location never added, no shoot day open, ...) on a preview of the event before
any PIN, so that an input error never costs a PIN; the API answers these with 422
(``check_command``) before the command is decided.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from showclear.commands import InvalidCommand
from showclear.protocol import Projection
from showclear.protocol.catalogue import apply_confirmations, confirmers
from showclear.protocol.errors import UnknownReferenceError
from showclear.protocol.validity import check_validity
from showclear.service.app import App
from showclear.service.clock import stamp
from showclear.store import Session

__all__ = [
    "check_arguments",
    "check_command",
    "check_decidable",
    "check_references",
    "expand_chambers",
]

#: Events that bring an id into the production: the id they name is new, not a reference.
_INTRODUCES = {
    "WeaponReceived": "weapon",
    "WeaponSurrendered": "weapon",
    "LotReceived": "lot",
    "PersonRegistered": "person",
    "StorageAdded": "storage",
}
#: Top-level fields naming a person who must be registered.
_PERSON_FIELDS = ("receiver", "performer", "shooter")
#: How the ``--chambers`` shorthand for "every chamber empty" may be typed.
_ALL_EMPTY = frozenset({"empty", "all-empty", "all_empty", "allempty"})
#: Fields an event type declares as possibly empty only so that a rule can refuse an
#: empty one as a real attempt; an interface treats them as required arguments.
_REQUIRED = {
    "LotReceived": {
        "count": "the number of rounds received, e.g. 50",
        "supplier": "who supplied them, from the supplier list, e.g. 'Prop House'",
        "origin": "the document that names the count (invoice, packing slip, transfer "
        "document), e.g. 'invoice 4471'",
    },
}


def expand_chambers(projection: Projection, event_type: str, values: dict[str, Any]) -> None:
    """``inspect --chambers empty``: every chamber of the weapon empty, however many it has."""
    if event_type != "ShowClearInspected":
        return
    chambers = values.get("chambers")
    weapon = projection.weapon(str(values.get("weapon")))
    if weapon is None or not isinstance(chambers, list) or len(chambers) != 1:
        return
    if str(chambers[0]).lower() in _ALL_EMPTY:
        values["chambers"] = ["empty"] * len(weapon["chambers"])


def _references(event: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(kind, id) for every weapon, lot, person and storage ``event`` names as existing."""
    kind = str(event.get("type"))
    new = _INTRODUCES.get(kind)
    for field in ("weapon", "lot", "storage"):
        value = event.get(field)
        if isinstance(value, str) and value and field != new:
            yield field, value
    for field in _PERSON_FIELDS:
        value = event.get(field)
        if isinstance(value, str) and value:
            yield "person", value
    for planned in event.get("weapons") or []:
        if isinstance(planned, dict):
            for field, as_kind in (("weapon", "weapon"), ("lot", "lot"), ("performer", "person")):
                if isinstance(planned.get(field), str) and planned[field]:
                    yield as_kind, planned[field]
    if kind == "DayClosed":
        for lot in event.get("counts") or {}:
            yield "lot", str(lot)
    if kind == "ShowClearInspected":
        for content in event.get("chambers") or []:
            if isinstance(content, str) and content != "empty":
                yield "lot", content


def _ever_registered(app: App, slug: str, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``wanted`` that an entry of the ledger brought in or tried to (since released,
    returned, or refused at receipt)."""
    found: set[tuple[str, str]] = set()
    start, page = 0, 1000
    while True:
        total, rows = app.entries(slug, start, page)
        for row in rows:
            event = row.event()
            if isinstance(event, dict) and event.get("type") == "AttemptRefused":
                # A personal weapon refused at its receipt is still a weapon someone has on
                # set: using it is a real attempt, for the rules to refuse and record.
                event = event.get("attempted")
            if not isinstance(event, dict):
                continue
            field = _INTRODUCES.get(str(event.get("type")))
            if field is not None and (field, str(event.get(field))) in wanted:
                found.add((field, str(event.get(field))))
        start += len(rows)
        if not rows or start >= total or found == wanted:
            return found


def _candidates(session: Session, kind: str) -> dict[str, str]:
    """Every id of ``kind`` and every name, each mapped to what to suggest."""
    out: dict[str, str] = {}
    prefix = f"{kind}:"
    for key, record in session.records(prefix).items():
        ident = key[len(prefix) :]
        name = record.get("name") if isinstance(record, dict) else None
        shown = f"{ident} ({name})" if isinstance(name, str) and name else ident
        out[ident] = shown
        if shown != ident:
            out[str(name)] = shown
    return out


def _suggest(session: Session, kind: str, ident: str) -> str:
    candidates = _candidates(session, kind)
    lowered = {text.lower(): shown for text, shown in candidates.items()}
    close = difflib.get_close_matches(ident.lower(), list(lowered), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(lowered[text] for text in close))
    if suggestions:
        return f"did you mean {' or '.join(suggestions)}?"
    if candidates:
        known = sorted({shown.split(" ")[0] for shown in candidates.values()})
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        return f"this production's {kind}s are {shown}."
    return f"this production has no {kind}s registered yet."


def _check_chamber_fit(projection: Projection, event: dict[str, Any]) -> None:
    """Chambers that cannot be this weapon's: an argument error, not a safety decision."""
    weapon_id = event.get("weapon")
    weapon = projection.weapon(weapon_id) if isinstance(weapon_id, str) else None
    chambers = event.get("chambers")
    if weapon is None or not isinstance(chambers, list) or not chambers:
        return
    count = len(weapon["chambers"])
    if event.get("type") == "ShowClearInspected" and not event.get("magazine_well"):
        if len(chambers) != count:
            raise InvalidCommand(
                f"--chambers lists {len(chambers)} chamber(s) but {weapon_id} has {count}: "
                f"list every chamber in order, or write --chambers empty for all {count} empty."
            )
    elif all(isinstance(n, int) for n in chambers) and max(chambers) > count:
        raise InvalidCommand(
            f"--chambers {max(chambers)}: {weapon_id} has {count} chamber(s), numbered 1 to "
            f"{count}."
        )


def _check_day_count(projection: Projection, event: dict[str, Any]) -> None:
    """close-day counts every lot that holds rounds (as protocol.validity requires)."""
    if event.get("type") != "DayClosed":
        return
    counts = event.get("counts") or {}
    uncounted = [
        lot_id
        for lot_id, lot in projection.lots()
        if lot["in_storage"] + lot["in_weapons"] + lot.get("quarantined", 0) > 0
        and lot_id not in counts
    ]
    if uncounted:
        example = " ".join(f"--count {lot_id}=N" for lot_id in uncounted)
        raise InvalidCommand(
            f"the day's count leaves out lot(s) {', '.join(uncounted)}: count every lot "
            f"({example})."
        )


def check_references(app: App, slug: str, event: dict[str, Any]) -> None:
    """Reject an id this production never registered, before anything is decided or recorded.

    Reads only the records ``event`` names (and, for a missing one, the ledger's entries
    that could have brought it in), so every interface can afford it on every command.

    Raises:
        UnknownReferenceError: the event names a weapon, lot, person or storage id that this
            production never registered; the message suggests the closest ids and names.
        ProductionNotFound: there is no production ``slug``.
    """
    wanted = set(_references(event))
    if not wanted:
        return
    with app.store.read(slug) as session:
        missing = {(kind, ident) for kind, ident in wanted if not session.record(f"{kind}:{ident}")}
    if not missing:
        return
    typos = sorted(missing - _ever_registered(app, slug, missing))
    if not typos:
        return
    with app.store.read(slug) as session:
        raise UnknownReferenceError(
            " ".join(
                f"There is no {kind} {ident!r} in this production: {_suggest(session, kind, ident)}"
                for kind, ident in typos
            )
            + " Nothing was recorded."
        )


def check_arguments(app: App, slug: str, projection: Projection, event: dict[str, Any]) -> None:
    """Reject a typo or an argument that cannot fit, before anything is recorded or any PIN
    is asked (the CLI's check: the references, then the chambers and the day's count).

    Raises:
        UnknownReferenceError: as :func:`check_references`.
        InvalidCommand: a required argument left out (a lot's origin); chambers that do not
            fit the weapon's chamber count; a day's count that leaves out a lot holding rounds.
    """
    check_references(app, slug, event)
    _check_required(event)
    _check_chamber_fit(projection, event)
    _check_day_count(projection, event)


def check_command(app: App, slug: str, event: dict[str, Any]) -> None:
    """The API's :func:`check_arguments` but the references (``http.Acting.submit`` checks
    those after the rate limit): a required argument, the chambers and the day's count,
    reading only the records they need (the weapon named, the lots for a day's count).

    Raises:
        InvalidCommand: as :func:`check_arguments`.
    """
    _check_required(event)
    weapon = event.get("weapon")
    fits = isinstance(weapon, str) and bool(event.get("chambers"))
    counts = event.get("type") == "DayClosed"
    if not (fits or counts):
        return  # nothing to read: most commands open no session here
    wanted: dict[str, Any] = {}
    with app.store.read(slug) as session:
        record = session.record(f"weapon:{weapon}") if fits else None
        if record is not None:
            wanted[f"weapon:{weapon}"] = record
        if counts:
            wanted.update(session.records("lot:"))
    if wanted:
        projection = Projection.adopt(wanted)
        _check_chamber_fit(projection, event)
        _check_day_count(projection, event)


def check_decidable(
    app: App, projection: Projection, event: dict[str, Any], actor: str | None
) -> None:
    """Run the validity layer on ``event`` as ``actor`` would record it now, every confirming
    person confirmed: an input error (a storage location never added, no shoot day open)
    found before anybody is asked for a PIN. Nothing is recorded.

    Raises:
        ProtocolError: what :func:`showclear.protocol.validity.check_validity` raises, with
            the message saying what to correct.
    """
    if actor is not None and projection.person(actor) is None:
        return  # who is acting is for authentication to answer (exit 6, 401), as always
    preview = dict(event, actor=actor)
    preview.setdefault("at", stamp(app.clock.now(), projection.last_at(), str(event.get("type"))))
    people = set(confirmers(preview)) | ({actor} if actor is not None else set())
    preview = apply_confirmations(preview, people)
    if people:
        preview["assurance"] = dict.fromkeys(sorted(people), "pin")
    check_validity(projection, preview)


def _check_required(event: dict[str, Any]) -> None:
    """An argument the command cannot go without, left out: named, with an example."""
    for field, what in _REQUIRED.get(str(event.get("type")), {}).items():
        value = event.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidCommand(
                f"{event['type']}: {field} is missing (--{field} on the command line): give "
                f"{what}. Nothing was recorded."
            )
