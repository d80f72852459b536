"""``showclear promote``: the studio's mirror becomes the production's writer (issue 18).

For the day the set laptop dies: run on the studio server, which keeps a verified mirror
of the production. docs/deploy.md, "Promote a mirror", is the runbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import err_console, out_console, state
from showclear.cli.identity import confirmation_pin
from showclear.service import BadRequest
from showclear.service.promote import Decision, promote

__all__ = ["register"]


def _decider_pin(person: str) -> str:
    pin = confirmation_pin(person, "confirm you decide to promote the mirror without the proof")
    if pin is None:
        raise BadRequest(f"{person} did not confirm with their PIN: nothing was changed")
    return pin


def promote_command(
    ctx: typer.Context,
    *,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            dir_okay=False,
            exists=True,
            help="The backup of the production's private key (the .key file of the set's key "
            "directory): checked to be the production's key, then kept in the key directory.",
        ),
    ] = None,
    writer: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="URL",
            help="The old writer's URL, to fetch its last checkpoint if it still answers "
            "(default: the mirror's source, if a URL).",
        ),
    ] = None,
    writer_token: Annotated[
        str | None,
        typer.Option(
            "--from-token",
            envvar="SHOWCLEAR_FROM_TOKEN",
            help="An API token of the old writer, to read its checkpoint.",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            metavar="URL",
            help="Ask this witness too (repeatable): one the set listed after the mirror's "
            "last sync (the mirror knows the witnesses of the policy it holds).",
        ),
    ] = None,
    decide: Annotated[
        str | None,
        typer.Option(
            "--decide",
            metavar="REASON",
            help="Promote even though the old writer's last checkpoint is not shown to be "
            "what the mirror holds: why. Needs --safety and --producer, each with their PIN.",
        ),
    ] = None,
    safety: Annotated[
        str | None,
        typer.Option("--safety", metavar="PERSON", help="The safety coordinator deciding."),
    ] = None,
    producer: Annotated[
        str | None,
        typer.Option("--producer", metavar="PERSON", help="The producer deciding with them."),
    ] = None,
) -> None:
    """Make this server's mirror of the production its writer, once the old one is gone.

    Checked first: the old writer's last checkpoint (from it, if it answers, else from
    the production's witnesses) must be exactly what the mirror holds. Otherwise only
    with --decide REASON, --safety and --producer, each typing their PIN (the PIN they
    use here from now on; $SHOWCLEAR_PIN_<PERSON> for scripts). A WriterPromoted entry
    records it; later syncs from the old writer are refused as a fork.

    Example: showclear --production dust-creek promote --key dust-creek.key
    """
    if decide is not None and (safety is None or producer is None):
        raise BadRequest("--decide needs --safety PERSON and --producer PERSON")
    if decide is None and (safety or producer):
        raise BadRequest("--safety and --producer go with --decide REASON")
    st = state(ctx)
    app = st.app()
    slug = st.slug()
    decision = None
    if decide is not None and safety is not None and producer is not None:
        decision = Decision(decide, safety, _decider_pin(safety), producer, _decider_pin(producer))
    key_text = key.read_text(encoding="ascii", errors="replace") if key is not None else None
    done = promote(
        app,
        slug,
        key_text=key_text,
        writer_url=writer,
        writer_token=writer_token,
        witnesses=tuple(witness or ()),
        decision=decision,
    )
    for seen in done.seen:
        err_console.print(f"  {escape(seen.detail)}")
    how = (
        "the old writer's last checkpoint is exactly what the mirror held"
        if done.check == "matched"
        else "decided without that proof, recorded with both names"
    )
    out_console.print(
        f"{slug} is written here now, from entry {done.size:,} ({how}). Stop the old "
        "writer for good; its later syncs are refused as a fork."
    )


def register(app: typer.Typer) -> None:
    app.command("promote")(promote_command)
