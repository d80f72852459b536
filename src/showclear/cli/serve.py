"""``showclear serve``: the HTTP API and the web UI over this database, over HTTPS if asked.

docs/api.md says what it serves; docs/tls.md how tablets and phones reach it over HTTPS.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from showclear.cli.context import err_console, state
from showclear.cli.tls import tls_files
from showclear.service import BadRequest

if TYPE_CHECKING:
    from showclear.tls import Authority

__all__ = ["register"]

#: A server certificate this close to its end gets a warning at start.
_RENEW_WITHIN = timedelta(days=30)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    *,
    db: Annotated[
        str | None, typer.Option(help="Database to serve (default: the global --db).")
    ] = None,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on: 0.0.0.0 for every device on the set network."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    use_tls: Annotated[
        bool,
        typer.Option(
            "--tls",
            help="HTTPS with the certificate `showclear tls init` made (in --tls-dir), "
            "and the set authority offered to devices at /ca.",
        ),
    ] = False,
    tls_dir: Annotated[
        Path | None,
        typer.Option(
            "--tls-dir",
            file_okay=False,
            help="Where `tls init` wrote the files. Default: tls/ beside the key directory.",
        ),
    ] = None,
    cert: Annotated[
        Path | None,
        typer.Option(
            "--cert",
            dir_okay=False,
            help="HTTPS with the production's own certificate chain (PEM) for a real domain.",
        ),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", dir_okay=False, help="The private key (PEM) of --cert."),
    ] = None,
    rp_id: Annotated[
        str | None,
        typer.Option(
            "--rp-id",
            help="The host name passkeys are made for (default: the name each device "
            "used to reach the server). Give it when devices use several names, or a name "
            "under a parent domain: every passkey is then usable on all of them.",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API and the web UI: every command, view and ledger proof.

    People sign in with their PIN (session cookie) or use API tokens; see
    docs/api.md. Session cookies are Secure, so browsers on other devices
    sign in only over HTTPS: --tls (after showclear tls init, for a set
    network) or --cert and --key (a certificate for a real domain name).
    With --tls the set authority is offered for one-time install at /ca.
    The OpenAPI schema is at /openapi.json, interactive docs at /docs.

    Example: showclear --db set.db serve --tls --host 0.0.0.0 --port 8443
    """
    import uvicorn

    from showclear.api.guard import served_names
    from showclear.server import create_server
    from showclear.tls import check_pair, load_authority, server_files, server_names

    if rp_id is not None:
        _check_rp_id(rp_id)
    if use_tls and (cert or key):
        raise BadRequest(
            "give either --tls (the set's own certificate) or --cert and --key, not both"
        )
    if bool(cert) != bool(key):
        raise BadRequest("--cert and --key go together: the certificate chain and its key")
    st = state(ctx)
    if db:
        st.db = db
    authority: Authority | None = None
    if use_tls:
        files = tls_files(st, tls_dir)
        cert, key = server_files(files)
        authority = load_authority(files)
    scheme = "https" if cert else "http"
    names = [host]
    if cert and key:
        check_pair(cert, key)
        names, expires = server_names(cert)
        _warn_expiry(expires)
    server = create_server(st.app(), authority=authority)
    server.state.rp_id = rp_id
    server.state.allowed_hosts = served_names(host, names if cert else None, rp_id)
    shown = names[0] if names else host
    err_console.print(
        f"Serving {escape(st.db)} on {scheme}://{escape(shown)}:{port} "
        f"(listening on {escape(host)}; API docs at /docs)"
    )
    if authority is not None:
        err_console.print(
            f"Devices install the set authority from {scheme}://{escape(shown)}:{port}/ca "
            f"(SHA-256 {authority.fingerprint})"
        )
    if not cert and not _loopback(host):
        err_console.print(
            "[bold yellow]Warning:[/] plain HTTP on the network: tablets and phones cannot "
            "sign in (the session cookie is Secure, sent only over HTTPS), and passkeys and "
            "the camera need HTTPS too. Run showclear tls init --name showclear.local once, "
            "then serve --tls (or --cert and --key with a real domain's certificate); "
            "see docs/tls.md."
        )
    uvicorn.run(
        server,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
    )


def _check_rp_id(rp_id: str) -> None:
    try:
        ipaddress.ip_address(rp_id)
    except ValueError:
        pass
    else:
        raise BadRequest(
            f"--rp-id {rp_id} is an address: passkeys need a host name, e.g. --rp-id "
            "showclear.local (docs/tls.md says how a set names its server)"
        )
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]+", rp_id):
        raise BadRequest(
            f"--rp-id {rp_id!r} is not a host name: give the lower-case name devices open, "
            "e.g. showclear.local"
        )


def _warn_expiry(expires: datetime) -> None:
    left = expires - datetime.now(UTC)
    if left <= _RENEW_WITHIN:
        when = "expired" if left.total_seconds() <= 0 else "expires"
        err_console.print(
            f"[bold yellow]Warning:[/] the server certificate {when} on {expires:%Y-%m-%d}: "
            "devices will refuse it. Renew it with showclear tls issue --name ... (the set "
            "authority stays; devices need nothing new)."
        )


def register(app: typer.Typer) -> None:
    app.command()(serve)
