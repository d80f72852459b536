"""Mirrors (issue 18): ``sync`` on the set, ``mirror add|status`` on the studio server.

The set's production is written on the set; the studio keeps a verified mirror of it.
``showclear mirror add`` (studio) makes the empty mirror and prints its upload token;
``showclear sync --to URL --token T`` (set) sends what the studio lacks. docs/sync.md.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import CliState, err_console, out_console, state
from showclear.cli.render import emit_json
from showclear.service import BadRequest
from showclear.service.mirrors import (
    DEFAULT_COSIGNER_NAME,
    MirrorStatus,
    add_mirror,
    freshness,
    mirror_forks,
    mirror_status,
)
from showclear.service.sync import (
    DEFAULT_BATCH,
    SyncProgress,
    SyncTarget,
    load_target,
    save_target,
    sync,
)
from showclear.store.base import MirrorForkRow

__all__ = ["note_mirror", "register"]

mirror_app = typer.Typer(
    help="On the studio server: mirrors of productions written elsewhere (a set), each "
    "verified before it is stored.\n\n"
    "Example: showclear --db postgresql://studio/showclear mirror status",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout, nothing else.")]


def sync_command(
    ctx: typer.Context,
    to: Annotated[
        str | None,
        typer.Option("--to", help="The studio server's URL (default: the one saved)."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="SHOWCLEAR_SYNC_TOKEN",
            help="The mirror's upload token from `showclear mirror add` (default: the one "
            "saved, or $SHOWCLEAR_SYNC_TOKEN).",
        ),
    ] = None,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Entries per request, at most.")
    ] = DEFAULT_BATCH,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Save the URL and token for this production (in the key directory, "
            "readable by you only): later syncs and `showclear serve` use them.",
        ),
    ] = False,
) -> None:
    """Send the studio's mirror every entry and checkpoint it does not hold yet.

    Resumable: each run asks the studio what it holds first, so a run cut anywhere goes
    on from there; a batch sent twice changes nothing. The studio verifies every
    signature and root before it stores a batch, and answers with its cosignature of
    the checkpoint it holds (stored when the policy lists the studio as a witness).

    Example: showclear sync --to https://studio.example --token scm_... --save
    """
    st = state(ctx)
    app = st.app()
    slug = st.slug()
    saved = load_target(app, slug)
    url = to or (saved.url if saved else None)
    secret = token or (saved.token if saved else None)
    if not url or not secret:
        raise BadRequest(
            "give the studio's URL and the mirror's upload token: showclear sync --to URL "
            "--token TOKEN (add --save to keep them for later syncs and for serve)"
        )
    target = SyncTarget(url, secret)
    if save:
        path = save_target(app, slug, target)
        err_console.print(f"Saved where {slug} syncs to in {escape(str(path))}")

    def progress(step: SyncProgress) -> None:
        err_console.print(
            f"  the studio holds {step.studio_size:,} of {step.size:,} entries ({step.sent:,} sent)"
        )

    result = sync(app, slug, target, batch=batch, progress=progress)
    if result.sent:
        out_console.print(
            f"Synced {slug}: sent {result.sent:,} entries in {result.batches} batch(es); "
            f"the studio holds all {result.studio_size:,}."
        )
    else:
        out_console.print(f"{slug} is up to date at the studio ({result.studio_size:,} entries).")
    if result.cosigned:
        out_console.print("The studio cosigned the checkpoint as a witness; stored.")


@mirror_app.command("add")
def add_command(
    ctx: typer.Context,
    *,
    slug: Annotated[str, typer.Argument(help="The production's slug (the set's).")],
    name: Annotated[str, typer.Option("--name", help="The production's name.")],
    origin: Annotated[
        str, typer.Option("--origin", help="Its origin: the first line of its checkpoints.")
    ],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="The production's verifier key (`showclear verifier-key` on the set), "
            "given out of band: every checkpoint is checked against it.",
        ),
    ],
    source: Annotated[
        str,
        typer.Option("--source", help="Where the production is written: 'set', or a URL."),
    ] = "set",
    witness_name: Annotated[
        str,
        typer.Option(
            "--witness-name",
            help="The name of the studio's witness key, made with the first mirror.",
        ),
    ] = DEFAULT_COSIGNER_NAME,
) -> None:
    """Make an empty, read-only mirror of a production written elsewhere; print its token.

    The upload token is shown once (only its SHA-256 is kept): give it to the set, which
    sends its entries with showclear sync. The studio cosigns each checkpoint it accepts
    with its witness key, whose verifier key is printed for the set's policy.

    Example: showclear mirror add dust-creek --name "Dust Creek" --origin ORIGIN --key KEY
    """
    app = state(ctx).app(create=True)  # a studio's first mirror may be its first production
    added = add_mirror(
        app,
        slug,
        name=name,
        origin=origin,
        verifier_key=key,
        source=source,
        witness_name=witness_name,
    )
    out_console.print(f"Mirror of {escape(added.production.name)} ({slug}) made, empty.")
    out_console.print("Upload token (shown once; give it to the set for showclear sync):")
    out_console.print(added.token, soft_wrap=True)
    if added.witness_key:
        out_console.print(
            "The studio's witness key, for the set's policy (showclear witnesses add NAME URL KEY):"
        )
        out_console.print(added.witness_key, soft_wrap=True)


@mirror_app.command("status")
def status_command(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Each mirror here and every fork refused, a promoted production's included.

    A production promoted here (showclear promote) is no mirror any more, but the old
    writer's syncs it refused are listed too: they are the evidence of a second history.

    Example: showclear mirror status --json
    """
    st = state(ctx)
    app = st.app()
    now = app.clock.now()
    rows: list[tuple[str, MirrorStatus | None, list[MirrorForkRow]]] = []
    for info in app.productions():
        status = mirror_status(app, info.slug)
        forks = mirror_forks(app, info.slug)
        if status is not None or forks:
            rows.append((info.slug, status, forks))
    if as_json:
        emit_json(
            [
                {
                    **(
                        status.to_json()
                        if status is not None
                        else {"production": slug, "source": None, "forks": len(forks)}
                    ),
                    "fork_evidence": [
                        {
                            "received_at": f.received_at,
                            "held_note": f.held_note,
                            "offered_note": f.offered_note,
                            "detail": f.detail,
                        }
                        for f in forks
                    ],
                }
                for slug, status, forks in rows
            ]
        )
        return
    if not rows:
        out_console.print("No mirrors here: make one with showclear mirror add.")
        return
    for slug, status, forks in rows:
        if status is None:
            out_console.print(f"{slug}: written here (promoted from a mirror)")
        else:
            where = "the set" if status.source == "set" else status.source
            out_console.print(f"{slug}: written on {escape(where)}; {freshness(status, now)}")
        for fork in forks:
            out_console.print(
                f"  [bold red]FORK refused[/] at {fork.received_at}: {escape(fork.detail)}"
            )
    if any(forks for _, _, forks in rows):
        out_console.print("Both checkpoints of each fork: showclear mirror status --json")


def note_mirror(st: CliState) -> None:
    """On stderr, when the production here is a mirror: how fresh it is, where it is written."""
    app = st.app()
    status = mirror_status(app, st.slug())
    if status is not None:
        where = "on the set" if status.source == "set" else f"at {status.source}"
        err_console.print(
            f"Read-only mirror, {freshness(status, app.clock.now())}: the production is "
            f"written {escape(where)}."
        )


def register(app: typer.Typer) -> None:
    app.command("sync")(sync_command)
    app.add_typer(mirror_app, name="mirror")
