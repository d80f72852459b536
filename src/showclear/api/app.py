"""The FastAPI application over one :class:`showclear.service.App`."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from showclear import __version__
from showclear.api.guard import RequestGuard
from showclear.api.problems import MEDIA_TYPE, install
from showclear.api.routes import ROUTERS
from showclear.api.routes.mirror import install_freshness
from showclear.api.routes_forensics import router as forensics_router
from showclear.service import App

__all__ = ["create_api"]

_DESCRIPTION = """\
Prop weapons and ammunition under a safety protocol, with every step in a
verifiable ledger (one per production).

**Signing in.** `POST /productions/{slug}/login` sets a session cookie;
`POST /productions/{slug}/tokens` issues a bearer token for a device. A session
or token is bound to one production and one person: the person who acts.

**Commands** record one catalog event each. `200`: allowed (perhaps with
warnings). `409` with problem type `refused`: a safety rule refused it, and the
refused attempt is recorded in the ledger; `rules` names the rules (`RuleId`).
Other errors record nothing. Every error is `application/problem+json`
(RFC 9457); docs/api.md lists the problem types.
"""


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_api(app: App, *, secure_cookies: bool = True) -> FastAPI:
    """The HTTP API over ``app``; ``secure_cookies=False`` only for plain-HTTP tests.

    The API alone: :func:`showclear.server.create_server` adds the web UI to it.
    """
    api = FastAPI(
        title="showclear",
        version=__version__,
        description=_DESCRIPTION,
        generate_unique_id_function=_operation_id,
    )
    api.state.showclear = app
    api.state.secure_cookies = secure_cookies
    install(api)
    install_freshness(api)  # Showclear-Mirror on every answer about a mirror
    api.add_middleware(RequestGuard, state=api.state)  # Host, body size, JSON shape
    for router in ROUTERS:
        api.include_router(router)
    api.include_router(forensics_router)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title,
                version=api.version,
                description=api.description,
                routes=api.routes,
            )
            api.openapi_schema = _problems_as_problem_json(schema)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    return api


def _problems_as_problem_json(schema: dict[str, Any]) -> dict[str, Any]:
    """Say that error responses are ``application/problem+json``, as they are sent."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if status[0] in "45" and content:
                    # FastAPI files them under the route's own media type (JSON or text).
                    response["content"] = {MEDIA_TYPE: next(iter(content.values()))}
    return schema
