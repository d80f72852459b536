"""Ledger commands: init, checkpoint, key, prove, verify."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from showclear.cli.acting import propose
from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.cli.identity import credentials
from showclear.cli.settings import TimeZoneOpt, UnitsOpt
from showclear.protocol.catalogue.settings import settings_of

if TYPE_CHECKING:
    from showclear.ledger.pins import Pins
    from showclear.service import App

__all__ = ["register"]

#: Ledgers with more entries than this show a progress bar while verifying
#: (at ~300,000 entries/s this is where a check starts taking over a second).
PROGRESS_THRESHOLD = 250_000


def init(  # noqa: PLR0917 -- a typer command: each option is a parameter
    ctx: typer.Context,
    production: Annotated[str, typer.Option("--production", help="The production's name.")],
    origin: Annotated[
        str | None,
        typer.Option(
            help="The log origin for checkpoints (default showclear.example/productions/SLUG)."
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="Where the production shoots, an ISO 3166 code such as US-CA: sets the "
            "policy defaults its law requires (in California, CUS-SOLE-DUTY blocks).",
        ),
    ] = None,
    time_zone: TimeZoneOpt = None,
    units: UnitsOpt = None,
) -> None:
    """Create a new production ledger and its signing key.

    The first entry names the production, its public key and its jurisdiction. The
    private key is written outside the database (see --key-dir), readable by you only.

    With --time-zone and --units, the second entry records the production's settings
    (default: UTC and feet; ``showclear settings`` changes them later).

    Example: showclear init --production "Dust Creek" --time-zone America/Los_Angeles --units ft
    """
    st = state(ctx)
    app = st.app(create=True)
    info = app.init_production(production, origin=origin, jurisdiction=jurisdiction)
    if time_zone is not None or units is not None:
        first = propose("ProductionSettingsChanged", None, time_zone=time_zone, units=units)
        app.submit(info.slug, first, credentials(None))
    where = escape(re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", st.db))  # never print a password
    out_console.print(f"Created production [bold]{info.name}[/] ([cyan]{info.slug}[/]) in {where}")
    out_console.print(f"Origin: {info.origin}")
    out_console.print(f"Verifier key: {info.verifier_key}", soft_wrap=True)
    if time_zone is not None or units is not None:  # as recorded, defaults filled in
        chosen = settings_of(app.projection(info.slug))
        out_console.print(f"Time zone: {chosen.time_zone}; units: {chosen.units}")


def checkpoint(ctx: typer.Context) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note).

    Example: showclear checkpoint > latest.checkpoint
    """
    st = state(ctx)
    typer.echo(st.app().checkpoint(st.slug()), nl=False)


def key(ctx: typer.Context) -> None:
    """Print the production's verifier key (name+keyid+base64), for anyone to check checkpoints.

    Example: showclear key
    """
    st = state(ctx)
    typer.echo(st.app().verifier_key(st.slug()))


def prove(
    ctx: typer.Context,
    index: Annotated[int | None, typer.Option(help="Prove that entry N is in the ledger.")] = None,
    from_size: Annotated[
        int | None,
        typer.Option("--from", help="Prove the ledger at size M is a prefix of a later one."),
    ] = None,
    size: Annotated[
        int | None, typer.Option(help="The checkpoint size to prove against (default: latest).")
    ] = None,
) -> None:
    """Print an inclusion proof (C2SP tlog-proof) or a consistency proof.

    Examples: showclear prove --index 3 ; showclear prove --from 2 --size 7
    """
    if (index is None) == (from_size is None):
        err_console.print("Give exactly one of --index N or --from M.")
        raise typer.Exit(ExitCode.USAGE)
    st = state(ctx)
    app, slug = st.app(), st.slug()
    if index is not None:
        typer.echo(app.prove_inclusion(slug, index, size), nl=False)
    else:
        assert from_size is not None
        typer.echo(app.prove_consistency(slug, from_size, size).format(), nl=False)


def verify(  # noqa: PLR0917 -- a typer command: each option is a parameter
    ctx: typer.Context,
    bundle: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.zip",
            help="Check an export bundle offline instead, with no database.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            metavar="VKEY",
            help="The production's verifier key as you obtained it from the production "
            "(not from the ledger or the bundle): the ledger must be signed with it. "
            "Without it, only consistency is checked, not who signed.",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            metavar="WKEY",
            help="A witness's verifier key (C2SP tlog-cosignature, as its operator published "
            "it); repeat for each. The latest checkpoint must carry their cosignatures.",
        ),
    ] = None,
    quorum: Annotated[
        int | None,
        typer.Option(
            metavar="K",
            help="How many of the --witness keys must have cosigned the latest checkpoint "
            "(default: all of them).",
        ),
    ] = None,
    ask_witnesses: Annotated[
        bool,
        typer.Option(
            "--ask-witnesses",
            help="Also ask each witness the policy lists what it holds now: the database "
            "must not be behind it or off the history it cosigned (needs the network).",
        ),
    ] = False,
) -> None:
    """Recompute every hash, root and signature of the ledger; exit 0 only if all hold.

    Checks every entry's leaf hash against its stored bytes, every stored tree
    node, the root and signature of every checkpoint, the consistency of each
    checkpoint with the next and that none was deleted, the productions row against
    the first entry, and that the database holds everything the production's key
    remembers signing. Names the first thing that is wrong.
    With --key, checks that the ledger is signed with the key you trust; with
    --witness (and --quorum), that witnesses you trust cosigned the latest checkpoint.
    It also fails if a witness is known to hold more of the ledger than the database;
    with --ask-witnesses it asks each listed witness now.
    Then, on a line of its own that does not change the verdict, names each
    document the ledger names that is missing or changed beside it.
    With --bundle, checks an export bundle the same way, and every byte of it,
    using nothing but the bundle.

    Examples: showclear verify --key "$(cat dust-creek.vkey)" ;
    showclear verify --bundle dust.zip --key "$(cat dust.vkey)" --witness "$(cat insurer.vkey)"
    """
    pins = _pins(key, witness or [], quorum)
    if bundle is not None:
        _verify_bundle(bundle, pins)
        return
    st = state(ctx)
    app, slug = st.app(), st.slug()
    total = app.production(slug).size
    if total > PROGRESS_THRESHOLD:
        with Progress(
            TextColumn("Verifying"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("verify", total=total)
            report = app.verify(
                slug, progress=lambda done, _t: bar.update(task, completed=done), pins=pins
            )
    else:
        report = app.verify(slug, pins=pins)
    if not report.ok:
        err_console.print(f"[bold red]FAILED[/]: {escape(str(report.problem))}")
        raise typer.Exit(ExitCode.FAILED)
    out_console.print(
        f"[bold green]OK[/]: {report.entries:,} entries, {report.nodes:,} tree nodes and "
        f"{report.checkpoints:,} checkpoints verified in {report.seconds:.2f} s"
    )
    _print_trust(pins, report.pinned, report.witnessed, report.unchecked_cosignatures)
    if ask_witnesses:
        _ask_witnesses(app, slug)
    for unseen in report.unseen:
        out_console.print(f"[bold yellow]Not checkable[/]: {escape(unseen)}")
    _report_documents(ctx)


def _ask_witnesses(app: App, slug: str) -> None:
    """Compare the database with what each witness the policy lists holds now."""
    from showclear.witness.monitor import check_against_witnesses

    listed = app.projection(slug).policy().witnesses
    if not listed:
        out_console.print("[bold yellow]Not asked[/]: the policy lists no witnesses.")
        return
    report = check_against_witnesses(
        app.checkpoint(slug),
        app.production(slug).verifier_key,
        [(w.url, w.key) for w in listed],
        lambda old, new: app.prove_consistency(slug, old, new).hashes,
    )
    for split in report.split:
        err_console.print(f"[bold red]FAILED[/]: {escape(split)}")
    for problem in report.problems:
        err_console.print(f"[bold yellow]Not checked[/]: {escape(problem)}")
    if report.split:
        raise typer.Exit(ExitCode.FAILED)
    agreed = [v.source for v in report.views[1:]]
    if agreed:
        out_console.print(
            f"Witnesses asked now: {', '.join(agreed)} hold this history, no further than it."
        )


def _pins(key: str | None, witnesses: list[str], quorum: int | None) -> Pins:
    from showclear.ledger import LedgerError
    from showclear.ledger.pins import Pins

    try:
        return Pins.parse(key, witnesses, quorum)
    except LedgerError as e:
        err_console.print(f"[bold red]Cannot use the keys given[/]: {escape(str(e))}")
        raise typer.Exit(ExitCode.USAGE) from e


def _print_trust(pins: Pins, pinned: bool, witnessed: dict[str, int], unchecked: int) -> None:
    """Say in words what was and was not checked of who signed."""
    from showclear.ledger.pins import NOT_PINNED

    if pinned:
        out_console.print("Authentic: signed with the production key you pinned.")
    else:
        out_console.print(f"[bold yellow]Not authenticated[/]: {escape(NOT_PINNED)}")
    if pins.witnesses:
        names = ", ".join(
            f"{name} (cosigned {datetime.fromtimestamp(at, UTC):%Y-%m-%d %H:%M} UTC)"
            for name, at in sorted(witnessed.items())
        )
        out_console.print(
            f"Witnessed: the latest checkpoint is cosigned by {len(witnessed)} of the "
            f"{len(pins.witnesses)} witnesses you pinned (quorum {pins.quorum}): {names}."
        )
    if unchecked:
        out_console.print(
            f"{unchecked:,} cosignature{'s' if unchecked != 1 else ''} by witnesses you did "
            "not pin were not checked (pass --witness with their keys)."
        )


def _report_documents(ctx: typer.Context) -> None:
    """The documents beside the ledger, on a line of their own: the verdict stays the ledger's.

    The ledger proves which document was shown; the file is evidence beside it.
    """
    from showclear.cli.documents import report_documents
    from showclear.service.documents import DocumentsUnavailable

    try:
        report_documents(ctx)
    except DocumentsUnavailable as e:
        err_console.print(f"[bold yellow]Documents not checked[/]: {escape(str(e))}")


def _verify_bundle(path: Path, pins: Pins) -> None:
    from showclear.bundle import verify_bundle

    report = verify_bundle(path.read_bytes(), pins)
    if not report.ok:
        err_console.print(f"[bold red]FAILED[/]: {path}: {escape(str(report.problem))}")
        raise typer.Exit(ExitCode.FAILED)
    out_console.print(
        f"[bold green]OK[/]: {report.entries:,} entries and {report.checkpoints:,} checkpoints "
        f"of {report.origin} verified offline; every byte of {path} checked"
    )
    out_console.print(f"Verifier key: {report.verifier_key}", soft_wrap=True)
    _print_trust(pins, report.pinned, report.witnessed, len(report.unchecked_cosigners))
    for unseen in report.unseen:
        out_console.print(f"[bold yellow]Not checkable[/]: {escape(unseen)}")


def register(app: typer.Typer) -> None:
    for command in (init, checkpoint, key, prove, verify):
        app.command()(command)
