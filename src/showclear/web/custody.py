"""Custody of one weapon, as forms: take out, load, inspect, hand over, fire, check, return.

Each POST builds the typed command (the body the API's custody routes take) from
the form and submits it as the signed-in member; the service decides. A refusal
comes back as the full-screen stop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request, Response

from showclear.commands.fields import Slug, WeaponPath
from showclear.http import Service, service_of
from showclear.service import BadRequest
from showclear.web.board import Entry, history_of, lot_kinds, weapon_of
from showclear.web.render import board_of, page
from showclear.web.routing import Doer, Viewer, command, page_router, recorded

__all__ = ["call_sheet", "lot_options", "lots", "roster", "router", "storages"]

router = page_router()

_WEAPON = "/weapons/{weapon}"
NOBODY = "-"


# -- what the forms offer, read from the service's views ---------------------------------


def roster(request: Request, slug: str) -> list[tuple[str, str]]:
    """(person, "Name · person (roles)") for everyone registered on the production, by name:
    the person picker's choices, so nobody types an id from memory."""
    people = service_of(request).projection(slug).people()
    people.sort(key=lambda row: (row[1]["name"].casefold(), row[0]))
    return [
        (person, f"{view['name']} · {person} ({', '.join(_words(r) for r in view['roles'])})")
        for person, view in people
    ]


def _words(code: str) -> str:
    return code.replace("_", " ")


def call_sheet(
    request: Request, *, without: str | None = None, first: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(person, "Name · person (duties)") for everyone on the day's call sheet; duties
    ``first`` first."""
    board = board_of(request)
    day = board.day or {}
    duties: dict[str, list[str]] = day.get("duties", {}) if day.get("open") else {}
    people = [(p, jobs) for p, jobs in duties.items() if p != without]
    people.sort(key=lambda row: not set(row[1]) & set(first))
    names = service_of(request).projection(str(request.path_params.get("slug", ""))).person
    labels = []
    for person, jobs in people:
        view = names(person)
        who = f"{view['name']} · {person}" if view else person
        labels.append((person, f"{who} ({', '.join(_words(d) for d in jobs)})"))
    return labels


def lots(request: Request, slug: str) -> list[dict[str, Any]]:
    """Every lot's accounting row (as ``GET .../rounds``)."""
    return service_of(request).rounds(slug)


def storages(request: Request, slug: str) -> list[str]:
    """The storage locations the board and the lots name."""
    found = [w.storage for w in board_of(request).weapons if w.storage]
    found += [str(lot.get("storage", "")) for lot in lots(request, slug)]
    return sorted({s for s in found if s})


#: The shape a lot's rounds are drawn with: the state they give a weapon.
_SHAPES = {"dummy": "DUMMY", "blank": "HOT"}


def lot_options(
    rows: list[dict[str, Any]], *, detail: bool = False
) -> list[tuple[str, str, str, str]]:
    """(lot, lot, shape, kind...) for a choice of lots: its id, its kind's shape, its kind
    (and caliber and count in storage with ``detail``)."""
    options = []
    for lot in rows:
        kind = str(lot.get("kind", ""))
        sub = kind
        if detail:
            sub += f" · {lot.get('caliber', '')} · {lot.get('in_storage', 0)} in storage"
        options.append((lot["lot"], lot["lot"], _SHAPES.get(kind, "UNKNOWN"), sub))
    return options


def _setups_of(history: list[Entry], weapon: str) -> list[tuple[str, str]]:
    plans: dict[str, str] = {}
    for entry in history:
        event = entry.event
        if event.get("type") not in ("SetupPlanned", "SetupChanged"):
            continue
        for planned in event.get("weapons", []):
            if planned.get("weapon") == weapon:
                load = planned.get("load", "")
                label = (
                    f"{event['setup']}: scene {event.get('scene', '')}, {event.get('kind', '')}, "
                    f"{load} for {planned.get('performer', '')}"
                )
                plans[event["setup"]] = label
    return list(plans.items())


def _form(request: Request, template: str, slug: str, weapon: str, **context: Any) -> Response:
    row = weapon_of(board_of(request), weapon)
    return page(
        request,
        template,
        title=f"{weapon}: {context.pop('what')}",
        w=row,
        kinds=lot_kinds(request, slug),
        **context,
    )


def _chambers(numbers: list[int]) -> list[int]:
    if not numbers:
        raise BadRequest("tick at least one chamber")
    return sorted(set(numbers))


def _yes(value: str, question: str) -> bool:
    if value not in ("yes", "no"):
        raise BadRequest(f"answer: {question}")
    return value == "yes"


# -- take out, load, unload ---------------------------------------------------------------------


@router.get(_WEAPON + "/take-out")
def take_out_form(
    request: Request, slug: Slug, weapon: WeaponPath, member: Viewer, app: Service
) -> Response:
    history = history_of(app, slug, weapon)
    return _form(
        request, "take_out.html", slug, weapon, what="take out", setups=_setups_of(history, weapon)
    )


@router.post(_WEAPON + "/take-out")
def take_out(
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    setup: Annotated[str, Form()] = "",
    setup_typed: Annotated[str, Form()] = "",
) -> Response:
    chosen = setup_typed.strip() or setup.strip() or None
    outcome = actor.submit(command("TakeOut", setup=chosen), weapon=weapon)
    return recorded(slug, outcome, f"/weapons/{weapon}")


@router.get(_WEAPON + "/load")
def load_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    return _form(
        request,
        "load.html",
        slug,
        weapon,
        what="load",
        lot_options=lot_options(lots(request, slug), detail=True),
    )


@router.post(_WEAPON + "/load")
def load(
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    lot: Annotated[str, Form()] = "",
    chamber: Annotated[list[int], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
) -> Response:
    if not lot:
        raise BadRequest("choose the lot the rounds come from")
    body = command("LoadRounds", lot=lot, chambers=_chambers(chamber))
    return recorded(slug, actor.submit(body, weapon=weapon), f"/weapons/{weapon}")


@router.get(_WEAPON + "/unload")
def unload_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    return _form(request, "unload.html", slug, weapon, what="unload")


@router.post(_WEAPON + "/unload")
def unload(
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    chamber: Annotated[list[int], Form()] = [],  # noqa: B006
) -> Response:
    body = command("UnloadRounds", chambers=_chambers(chamber))
    return recorded(slug, actor.submit(body, weapon=weapon), f"/weapons/{weapon}")


# -- the show-clear inspection and the handover ------------------------------------------------


@router.get(_WEAPON + "/inspect")
def inspect_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    """One row per chamber, the barrel, then the performer confirms with their own PIN."""
    return _form(
        request,
        "inspect.html",
        slug,
        weapon,
        what="show-clear inspection",
        lot_options=lot_options(lots(request, slug)),
        people=call_sheet(request, without=member.person, first=("performer",)),
    )


@router.post(_WEAPON + "/inspect")
def inspect(
    *,
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    chamber: Annotated[list[str], Form()] = [],  # noqa: B006
    barrel: Annotated[str, Form()] = "",
    performer: Annotated[str, Form()] = "",
    performer_pin: Annotated[str, Form()] = "",
) -> Response:
    missing = [str(n) for n, content in enumerate(chamber, start=1) if not content]
    if missing:
        raise BadRequest(
            f"chamber {', '.join(missing)} not recorded: look into every chamber and record it"
        )
    shown_to = performer if performer and performer != NOBODY else None
    if shown_to and not performer_pin:
        raise BadRequest(f"{shown_to} confirms the inspection by typing their own PIN")
    body = command(
        "Inspect",
        chambers=chamber,
        barrel_clear=_yes(barrel, "is the barrel clear?"),
        performer=shown_to,
        performer_pin=performer_pin or None,
    )
    then = f"/weapons/{weapon}/hand-over" if shown_to else f"/weapons/{weapon}"
    return recorded(slug, actor.submit(body, weapon=weapon), then)


@router.get(_WEAPON + "/hand-over")
def hand_over_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    """The receiver confirms with their own PIN on the same screen (CUS-TWO-PARTY)."""
    return _form(
        request,
        "hand_over.html",
        slug,
        weapon,
        what="hand over",
        people=call_sheet(request, without=member.person, first=("performer", "handler")),
    )


@router.post(_WEAPON + "/hand-over")
def hand_over(
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    receiver: Annotated[str, Form()] = "",
    receiver_pin: Annotated[str, Form()] = "",
) -> Response:
    if not receiver:
        raise BadRequest("choose who receives the weapon")
    body = command("HandOver", receiver=receiver, receiver_pin=receiver_pin or None)
    # The giver is whoever is signed in: the giver records a handover (CUS-TWO-PARTY).
    outcome = actor.submit(body, weapon=weapon, giver=actor.person)
    return recorded(slug, outcome, f"/weapons/{weapon}")


# -- firing, the barrel, back to storage -------------------------------------------------------


@router.get(_WEAPON + "/discharge")
def discharge_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    return _form(request, "discharge.html", slug, weapon, what="report it fired")


@router.post(_WEAPON + "/discharge")
def discharge(
    *,
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    chamber: Annotated[list[int], Form()] = [],  # noqa: B006
    intended: Annotated[str, Form()] = "",
    misfire: Annotated[str, Form()] = "",
    squib: Annotated[bool, Form()] = False,
) -> Response:
    body = command(
        "Discharge",
        chambers=_chambers(chamber),
        intended=_yes(intended, "was it intended?"),
        misfire=_yes(misfire, "did it go off?"),
        squib=squib or None,
    )
    return recorded(slug, actor.submit(body, weapon=weapon), f"/weapons/{weapon}")


@router.get(_WEAPON + "/barrel-check")
def barrel_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    return _form(request, "barrel.html", slug, weapon, what="barrel check")


@router.post(_WEAPON + "/barrel-check")
def barrel_check(
    slug: Slug, weapon: WeaponPath, actor: Doer, barrel: Annotated[str, Form()] = ""
) -> Response:
    body = command("CheckBarrel", clear=_yes(barrel, "is the barrel clear?"))
    return recorded(slug, actor.submit(body, weapon=weapon), f"/weapons/{weapon}")


@router.get(_WEAPON + "/return")
def return_form(request: Request, slug: Slug, weapon: WeaponPath, member: Viewer) -> Response:
    return _form(
        request,
        "return.html",
        slug,
        weapon,
        what="return to storage",
        storage_options=[(s, s) for s in storages(request, slug)],
    )


@router.post(_WEAPON + "/return")
def return_to_storage(
    slug: Slug,
    weapon: WeaponPath,
    actor: Doer,
    storage: Annotated[str, Form()] = "",
    storage_typed: Annotated[str, Form()] = "",
) -> Response:
    chosen = storage_typed.strip() or storage
    if not chosen:
        raise BadRequest("choose the locked storage the weapon goes into")
    if chosen.startswith("showclear:"):
        chosen = chosen.split(":")[-1]
    body = command("ReturnToStorage", storage=chosen)
    return recorded(slug, actor.submit(body, weapon=weapon), f"/weapons/{weapon}")
