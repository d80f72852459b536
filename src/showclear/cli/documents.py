"""Scans of the paperwork: ``document add|get|check``, and ``--document FILE`` on commands.

A document is kept beside the database, named by the SHA-256 of its bytes; an entry
names it by that hash (``document_sha256``), so the ledger proves which document was
shown and the file proves what it said (service/documents.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.service import BadRequest
from showclear.service.documents import MAX_DOCUMENT_BYTES, too_large

__all__ = ["DocumentFile", "ReleaseDocumentFile", "register", "report_documents", "store_document"]

document_app = typer.Typer(
    help="Scans of the paperwork (licences, invoices, release slips), kept beside the "
    "database and named in entries by their SHA-256.\n\n"
    "Example: showclear document check",
    no_args_is_help=True,
)

#: ``--document FILE``: a scan stored before the command, its SHA-256 put in the entry.
DocumentFile = Annotated[
    Path | None,
    typer.Option(
        "--document",
        metavar="FILE",
        dir_okay=False,
        help="A photo or scan of the paperwork: kept beside the database, and its "
        "SHA-256 recorded in the entry (document_sha256).",
    ),
]


#: The same on ``release``, whose ``--document`` is the release document's reference.
ReleaseDocumentFile = Annotated[
    Path | None,
    typer.Option(
        "--document-file",
        metavar="FILE",
        dir_okay=False,
        help="A photo or scan of the release document: kept beside the database, and its "
        "SHA-256 recorded in the entry (document_sha256).",
    ),
]


def read_document(path: Path) -> bytes:
    """The bytes of a file to store as a document.

    Raises:
        BadRequest: the file cannot be read.
        DocumentTooLarge: it is over the size limit (checked before reading it).
    """
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise too_large(size)
        return path.read_bytes()
    except OSError as e:
        raise BadRequest(f"cannot read the document {path}: {e.strerror or e}") from e


def store_document(ctx: typer.Context, path: Path | None) -> str | None:
    """Store the file at ``path`` as a document of this production; its SHA-256, or None."""
    if path is None:
        return None
    st = state(ctx)
    return st.app().put_document(st.slug(), read_document(path))


def report_documents(ctx: typer.Context) -> tuple[int, bool]:
    """Print each document the ledger names that is missing or changed.

    Returns how many documents the ledger names, and whether all are held as named.

    Raises:
        DocumentsUnavailable: the ledger names documents and there is no directory for them.
    """
    st = state(ctx)
    named, problems = st.app().check_documents(st.slug())
    for problem in problems:
        err_console.print(f"[bold red]{problem.problem.upper()}[/]: {escape(str(problem))}")
    if problems:
        err_console.print(
            f"{len(problems)} of {named} documents the ledger names are not held as named: "
            "store the originals again (showclear document add FILE)"
        )
    elif named:
        out_console.print(
            f"[bold green]OK[/]: every document the ledger names ({named}) is held, "
            "its bytes hashing to its name"
        )
    return named, not problems


@document_app.command("add")
def document_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="The scan.")],
) -> None:
    """Store a scan of paperwork and print its SHA-256, for a command to name.

    Storing the same file twice changes nothing. Commands with --document FILE store
    it themselves.

    Example: showclear document add invoice-4471.pdf
    """
    out_console.print(store_document(ctx, file))


@document_app.command("get")
def document_get(
    ctx: typer.Context,
    sha256: Annotated[str, typer.Argument(metavar="SHA256", help="The document's SHA-256.")],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", dir_okay=False, help="Where to write it.")
    ],
) -> None:
    """Write a stored document to FILE, after checking its bytes still hash to its name.

    Example: showclear document get \\
    3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b --out invoice.pdf
    """
    st = state(ctx)
    data = st.app().document(st.slug(), sha256)
    try:
        out.write_bytes(data)
    except OSError as e:
        raise BadRequest(f"cannot write {out}: {e.strerror or e}") from e
    out_console.print(f"Wrote document {sha256[:12]} ({len(data):,} bytes) to {escape(str(out))}")


@document_app.command("check")
def document_check(ctx: typer.Context) -> None:
    """Check that every document the ledger names is held, and hashes to its name.

    Prints each one missing or changed; exit 1 if any.

    Example: showclear document check
    """
    named, held = report_documents(ctx)
    if not held:
        raise typer.Exit(ExitCode.FAILED)
    if not named:
        out_console.print("The ledger names no document.")


def register(app: typer.Typer) -> None:
    app.add_typer(document_app, name="document")
