"""The web UI a crew uses on set: server-rendered pages over the service the API serves.

A tablet at the weapons cart or a phone signs in as a person (PIN), sees the
day's board, and walks the flows the protocol knows: receiving, setups and the
safety meeting, the show-clear inspection the performer confirms, the handover
the receiver confirms, firing, the barrel check, the return, the day's close.
Pages use nothing the API does not offer: each handler calls the service method
the matching API route calls (a command goes in as the same typed command, as the
signed-in member of the same session cookie: :mod:`showclear.http`), and renders
the answer as HTML. No rule is decided here. The web UI does not import the API,
nor the API the web UI: :mod:`showclear.server` puts the two in one application.

    web/
      routing.py     page routes: sign-in redirect, same-origin forms, errors as pages
      render.py      Jinja2, the shared frame, the full-screen stop for refusals
      signin.py      the production, the login with PIN, switching person
      board.py       the board (refreshes itself), a weapon's page, scanning a label
      custody.py     take out, load, inspect, hand over, fire, barrel check, return
      inventory.py   receiving weapons and lots, verifying dummies
      setups.py      setups and the safety meeting sign-in
      meeting.py     the whole crew's safety meeting sign-in, visitors included
      incidents.py   cease-fire and incidents, concerns, reviews
      day.py         opening the day, meal break, wrap, closing with the round count
      ledger.py      entries, checkpoints and the inclusion proof of any entry
      settings.py    the production's time zone and unit of distance
      trust.py       the set's certificate authority for devices to install (/ca)
      studio.py      the studio view of every granted production (/studio)
      templates/     the pages; static/ their CSS, JS and icon (no build step)

Pages live under ``/productions/{slug}/ui/``, the path the session cookie is
scoped to; ``/`` opens the production this device used last.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from showclear.service import NotFound

__all__ = ["router"]

_STATIC = Path(__file__).parent / "static"
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


def _assets() -> APIRouter:
    assets = APIRouter(include_in_schema=False)

    @assets.get("/static/showclear/{name}")
    def static(name: str) -> FileResponse:
        """The UI's own CSS, JS and icon (served from the package; the set has no network)."""
        path = _STATIC / name
        if "/" in name or name.startswith(".") or path.suffix not in _TYPES or not path.is_file():
            raise NotFound(f"no such file: {name}")
        return FileResponse(
            path, media_type=_TYPES[path.suffix], headers={"Cache-Control": "max-age=86400"}
        )

    return assets


def _router() -> APIRouter:
    from showclear.web import (
        board,
        confirm,
        custody,
        day,
        incidents,
        inventory,
        ledger,
        meeting,
        settings,
        setups,
        signin,
        studio,
        trust,
    )

    combined = APIRouter(include_in_schema=False)
    combined.include_router(_assets())
    combined.include_router(signin.root)
    combined.include_router(trust.router)
    combined.include_router(studio.router)
    routed = (signin, board, custody, confirm, inventory, setups, meeting, incidents, day, ledger)
    for module in (*routed, settings):
        combined.include_router(module.router)
    return combined


#: Every page and asset of the web UI; :func:`showclear.server.create_server` includes it.
router = _router()
