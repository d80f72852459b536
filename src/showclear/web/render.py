"""Pages as HTML: the Jinja2 environment, the frame every page shares, stops and errors.

Every page of a signed-in person carries the same frame: who is signed in (and a
button to switch person), the red cease-fire / report-incident button, the
navigation, and the cease-fire banner when the production is in cease-fire. The
frame reads the board from the service (:meth:`showclear.service.App.board`), as
``GET /productions/{slug}/board`` does, so a page shows what the API answers.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from showclear.errors import ShowclearError
from showclear.http import service_of
from showclear.protocol import ALL_RULES, Finding
from showclear.protocol.catalogue import chambers_text, describe, follow_ups
from showclear.protocol.catalogue.settings import SETTINGS_KEY, ProductionSettings, settings_from
from showclear.protocol.projection import WeaponRecord
from showclear.protocol.rules.base import uncertainty
from showclear.protocol.time import local_hm
from showclear.protocol.units import distance_text
from showclear.service.commands import Receipt
from showclear.service.sessions import Principal
from showclear.service.views import Board

__all__ = [
    "FLASH_COOKIE",
    "UI",
    "board_of",
    "error_page",
    "fragment",
    "page",
    "production_settings",
    "stop_page",
    "ui_path",
]

#: Where the pages of a production live: under the path its session cookie is sent to.
UI = "/productions/{slug}/ui"
#: The cookie that carries what a form recorded to the page it goes to.
FLASH_COOKIE = "showclear_flash"

_STATIC = Path(__file__).parent / "static"
_SUMMARIES = {rule.id: " ".join(rule.summary.split()) for rule in ALL_RULES}

_ENV = Environment(
    loader=PackageLoader("showclear.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def ui_path(slug: str, rest: str = "/") -> str:
    """The path of a page of production ``slug``."""
    return f"/productions/{slug}/ui{rest}"


def _static_url(name: str) -> str:
    # The file's modification time busts the browser's cache after an upgrade.
    version = int((_STATIC / name).stat().st_mtime)
    return f"/static/showclear/{name}?v={version}"


def _where(location: str) -> str:
    kind, _, place = location.partition(":")
    return f"with {place}" if kind == "person" else f"in {place}"


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def _why(code: str | None) -> str:
    """Why a weapon is UNKNOWN, in words (the protocol's own phrases)."""
    if code is None:
        return "its barrel is not checked, or a chamber's content is not known"
    return uncertainty(cast(WeaponRecord, {"uncertain": code}))


#: The production's settings while one of its pages renders (UTC and feet outside one): the
#: ``when`` macro and the ``distance`` filter are used in macros, which see globals only.
_SETTINGS: ContextVar[ProductionSettings] = ContextVar(
    "page_settings",
    default=ProductionSettings(),  # noqa: B039 -- a frozen dataclass, never changed
)


def _local_time(at: object) -> str:
    """``14:05 PDT``: a ledger time on the clock of the production's zone."""
    try:
        return local_hm(str(at), _SETTINGS.get().time_zone)
    except ValueError:  # not a ledger time: shown as recorded
        return str(at)


def _distance(cm: object) -> str:
    """``20 ft (6.1 m)``: a distance in the production's unit, the other in brackets."""
    return distance_text(int(cm), _SETTINGS.get().units) if isinstance(cm, int) else "?"


def production_settings(request: Request | None) -> ProductionSettings:
    """The time zone and units of the production the request is about, read once per
    request (UTC and feet on a page of no production)."""
    if request is None:
        return ProductionSettings()
    found: ProductionSettings | None = getattr(request.state, "settings", None)
    if found is None:
        slug = str(request.path_params.get("slug", ""))
        found = ProductionSettings()
        if slug and getattr(request.state, "principal", None) is not None:
            try:
                with service_of(request).store.read(slug) as session:
                    found = settings_from(session.record(SETTINGS_KEY))
            except ShowclearError:  # no such production: the page says so, in UTC
                found = ProductionSettings()
        request.state.settings = found
    return found


def _render(request: Request | None, template: str, context: dict[str, Any]) -> str:
    token = _SETTINGS.set(production_settings(request))
    try:
        return _ENV.get_template(template).render(**context)
    finally:
        _SETTINGS.reset(token)


_ENV.globals.update(static=_static_url, summaries=_SUMMARIES, local_time=_local_time)
_ENV.filters.update(
    where=_where,
    words=_words,
    why=_why,
    describe=describe,
    chambers=chambers_text,
    json_text=json.dumps,
    distance=_distance,
)


def board_of(request: Request) -> Board:
    """The board (``GET /productions/{slug}/board``), read once per request."""
    board: Board | None = getattr(request.state, "board", None)
    if board is None:
        principal: Principal = request.state.principal
        board = service_of(request).board(principal.production)
        request.state.board = board
    return board


def _flash(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        flash = json.loads(unquote(raw))
    except ValueError:
        return None
    return flash if isinstance(flash, dict) else None


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    """Render ``template`` in the frame of the signed-in person's production."""
    slug = str(request.path_params.get("slug", ""))
    principal: Principal | None = getattr(request.state, "principal", None)
    flash = _flash(request) if request.method == "GET" else None
    frame: dict[str, Any] = {
        "slug": slug,
        "me": principal,
        "board": board_of(request) if principal is not None else None,
        "flash": flash,
        "path": request.url.path,
        "mirror": getattr(request.state, "mirror", None),  # a read-only mirror's freshness
        "ui": lambda rest="/": ui_path(slug, rest),
        "api": lambda rest: f"/productions/{slug}{rest}",
    }
    html = _render(request, template, {**frame, **context})
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path=f"/productions/{slug}/ui")
    return response


def fragment(template: str, request: Request | None = None, **context: Any) -> str:
    """A template rendered alone (a part of a page that refreshes by itself); ``request``
    gives its production's time zone and units."""
    return _render(request, template, context)


def _finding(finding: Finding) -> dict[str, Any]:
    # The fields of the API's RuleFinding, which the stop page shows.
    return {
        "id": finding.rule_id,
        "severity": finding.severity.value,
        "message": finding.message,
        "remedy": finding.remedy,
        "overridable": finding.overridable,
    }


def stop_page(request: Request, outcome: Receipt) -> Response:
    """The full-screen stop for a refused command: each rule, what is wrong, what to do."""
    findings = [_finding(f) for f in outcome.findings]
    return page(
        request,
        "stop.html",
        status=409,
        title="STOP: refused",
        blocking=[f for f in findings if f["severity"] == "block"],
        warnings=[f for f in findings if f["severity"] != "block"],
        entries=[{"index": outcome.first_index + i} for i in range(len(outcome.events))],
        follow_ups=follow_ups(outcome.events),
        back=request.headers.get("referer") or ui_path(str(request.path_params.get("slug", ""))),
    )


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A page saying what was not done, and why."""
    signed_in = getattr(request.state, "principal", None) is not None
    if signed_in:
        try:
            board_of(request)
        except Exception:  # the error may be the board's own; show the page without it
            request.state.principal = None
    return page(
        request,
        "error.html",
        status=status,
        title=title,
        detail=detail,
        back=request.headers.get("referer"),
    )
