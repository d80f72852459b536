"""``showclear tls``: the set's own certificate authority and server certificate (docs/tls.md)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from showclear.cli.context import CliState, out_console, state

if TYPE_CHECKING:  # cryptography is loaded only when a tls command runs
    from showclear.tls import Issued, TlsFiles

__all__ = ["register", "tls_files"]

_DIR_HELP = (
    "Where the certificate files go. Default: the folder tls/ beside the key directory "
    "(--key-dir's parent), ~/.config/showclear/tls."
)
Names = Annotated[
    list[str],
    typer.Option(
        "--name",
        help="A host name devices use to reach this server (repeat for more), "
        "e.g. showclear.local. Passkeys need a host name, never an address alone.",
    ),
]
Addresses = Annotated[
    list[str] | None,
    typer.Option("--ip", help="An IP address of this server on the set network (repeatable)."),
]
Directory = Annotated[Path | None, typer.Option("--dir", help=_DIR_HELP, file_okay=False)]


def tls_files(st: CliState, directory: Path | None) -> TlsFiles:
    """The TLS files of ``--dir``, else of the tls/ folder beside the key directory."""
    from showclear.service.keys import default_key_dir
    from showclear.tls import TlsFiles

    if directory is not None:
        return TlsFiles(directory)
    return TlsFiles.beside(st.key_dir or default_key_dir())


def init(
    ctx: typer.Context,
    *,
    name: Names,
    ip: Addresses = None,
    directory: Directory = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace an existing authority: every device must then install the new one.",
        ),
    ] = False,
) -> None:
    """Make the set's certificate authority and a server certificate for these names.

    Writes, in the folder tls/ beside the key directory (--key-dir's parent;
    by default ~/.config/showclear/tls) or in --dir: ca.pem (the authority each
    phone and tablet installs once, from the /ca page), ca.key, server.pem and
    server.key (keys readable by their owner only, 0600). The authority is
    "showclear set CA" and the --production (else this computer's name); it
    may vouch only for the names given here and private addresses. Then run
    showclear serve --tls. An existing authority is kept unless --force.

    Example: showclear tls init --name showclear.local --ip 192.168.1.20
    """
    from showclear.tls import init_authority, parse_names

    st = state(ctx)
    files = tls_files(st, directory)
    names, addresses = parse_names(name, ip or [])
    label = st.production or socket.gethostname()
    issued = init_authority(files, label, names, addresses, force=force)
    _report(issued, made_authority=True)


def issue(
    ctx: typer.Context, name: Names, ip: Addresses = None, directory: Directory = None
) -> None:
    """Issue a new server certificate with the existing set authority (new names, addresses or
    one that expires soon); devices that installed the authority need nothing new.

    Example: showclear tls issue --name showclear.local --ip 10.0.0.5
    """
    from showclear.tls import issue_server, parse_names

    files = tls_files(state(ctx), directory)
    names, addresses = parse_names(name, ip or [])
    _report(issue_server(files, names, addresses), made_authority=False)


def _report(issued: Issued, *, made_authority: bool) -> None:
    files, authority = issued.files, issued.authority
    if made_authority:
        out_console.print(f"Made the set authority [bold]{escape(authority.name)}[/]:")
        out_console.print(f"  certificate  {files.ca_cert}   (install it on every device)")
        out_console.print(f"  private key  {files.ca_key}   (0600; keep it on this machine)")
    covers = [*issued.names, *map(str, issued.addresses)]
    out_console.print(f"Server certificate for {', '.join(covers)}:")
    until = f"{issued.not_after:%Y-%m-%d}"
    out_console.print(f"  certificate  {files.server_cert}   (valid until {until})")
    out_console.print(f"  private key  {files.server_key}   (0600)")
    out_console.print("The authority's SHA-256 fingerprint:")
    out_console.print(f"  [bold]{authority.fingerprint}[/]", soft_wrap=True)
    out_console.print(
        "Compare it with the one a phone shows before trusting the authority. Next: "
        f"showclear serve --tls --host 0.0.0.0, then open https://{issued.names[0]}:8000/ca "
        "on each phone and tablet (docs/tls.md)."
    )


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="HTTPS on the set network: a certificate authority of the set's own, installed "
        "once on each phone and tablet, and the server certificate it signs.\n\n"
        "Example: showclear tls init --name showclear.local --ip 192.168.1.20",
        no_args_is_help=True,
    )
    group.command()(init)
    group.command()(issue)
    app.add_typer(group, name="tls")
