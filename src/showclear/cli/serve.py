"""``showclear serve``: the HTTP API and the web UI over this database (docs/api.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from showclear.cli.context import err_console, state

__all__ = ["register"]


def serve(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help="Database to serve (default: the global --db).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API: every command, view and ledger proof, with its OpenAPI schema.

    People sign in with their PIN (session cookie) or use API tokens; see
    docs/api.md. Session cookies are Secure: put a TLS proxy in front for browsers.
    The OpenAPI schema is at /openapi.json, interactive docs at /docs.

    Example: showclear --db set.db serve --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from showclear.server import create_server

    st = state(ctx)
    if db:
        st.db = db
    server = create_server(st.app())
    err_console.print(f"Serving {st.db} on http://{host}:{port} (API docs at /docs)")
    uvicorn.run(server, host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command()(serve)
