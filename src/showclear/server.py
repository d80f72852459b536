"""The one ASGI application ``showclear serve`` runs: the HTTP API and the web UI together.

This is the composition root of the HTTP side: it sits above :mod:`showclear.api` and
:mod:`showclear.web`, which never import each other (their shared request plumbing is
:mod:`showclear.http`). The API brings its routers, its OpenAPI schema and the
problem+json handlers; the web UI brings its pages (out of the schema, their errors
answered as pages) and its static files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

from fastapi import FastAPI

from showclear import web
from showclear.api import create_api
from showclear.service import App
from showclear.service.sync import SyncRunner
from showclear.service.witnessing import WitnessSubmitter
from showclear.tls import Authority

__all__ = ["create_server"]


def create_server(
    app: App, *, secure_cookies: bool = True, authority: Authority | None = None
) -> FastAPI:
    """The API and the web UI over ``app``; ``secure_cookies=False`` only for plain-HTTP tests.

    ``authority`` is the set's own certificate authority (``serve --tls``), which the
    ``/ca`` page offers devices to install; None when the server has a public certificate.
    """
    server = create_api(app, secure_cookies=secure_cookies)
    server.state.authority = authority
    server.include_router(web.router)  # the pages and their static files, out of the schema
    _submit_to_witnesses(server, app)
    _sync_to_studio(server, app)
    return server


class _Background(Protocol):
    """A thread the server runs beside it, told of every commit (a witness submitter, a sync)."""

    def notify(self, slug: str) -> None: ...
    def start(self) -> None: ...
    def stop(self, timeout: float = 10.0) -> None: ...


def _run_beside(server: FastAPI, app: App, worker: _Background) -> None:
    """Start ``worker`` with the server and stop it after; it hears of each commit meanwhile."""
    inner = server.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi: Any) -> AsyncIterator[Mapping[str, Any]]:
        app.commit_listeners.append(worker.notify)
        worker.start()
        try:
            async with inner(asgi) as state:
                yield state or {}
        finally:
            worker.stop()
            app.commit_listeners.remove(worker.notify)

    server.router.lifespan_context = lifespan


def _submit_to_witnesses(server: FastAPI, app: App) -> None:
    """While the server runs, a thread sends each new checkpoint to the witnesses (issue 14)."""
    submitter = WitnessSubmitter(app)
    server.state.witness_submitter = submitter
    _run_beside(server, app, submitter)


def _sync_to_studio(server: FastAPI, app: App) -> None:
    """While the server runs, a thread syncs each production with a saved studio (issue 18).

    Only productions whose studio URL and token were saved (``showclear sync --save``) are
    synced; a studio that does not answer is tried again later; no command waits for it.
    """
    runner = SyncRunner(app)
    server.state.sync_runner = runner
    _run_beside(server, app, runner)
