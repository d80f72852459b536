"""The production's side of its witnesses: ``witnesses status|push|add|remove``.

The witness servers themselves are ``showclear witness ...`` (cli/witness.py); these
commands are the production asking them, and showing how far behind each one is.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from showclear.cli.acting import act
from showclear.cli.context import ExitCode, out_console, state
from showclear.cli.identity import ActAs
from showclear.cli.render import emit_json
from showclear.service import BadRequest
from showclear.service.witnessing import WitnessStatus, WitnessSubmitter, witness_status

__all__ = ["register"]

witnesses_app = typer.Typer(
    help="The witnesses that cosign this production's checkpoints (C2SP tlog-witness): "
    "how far behind each is, asking them now, listing them in the policy.\n\n"
    "Example: showclear witnesses status",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout, nothing else.")]


def _print_status(status: WitnessStatus) -> None:
    if not status.lags:
        out_console.print(
            "No witnesses are listed: nothing outside this production has seen its history. "
            "Add one with: showclear witnesses add NAME URL KEY --as PERSON"
        )
        return
    table = Table(
        title=f"Witnesses (quorum {status.quorum} of {len(status.lags)})", title_justify="left"
    )
    for column in ("Witness", "Cosigned", "Behind", "Last answer", "Refusals"):
        table.add_column(column)
    for lag in status.lags:
        behind = (
            "up to date"
            if lag.behind_entries == 0
            else f"{lag.behind_entries} entries, {lag.behind_minutes} min"
        )
        answer = lag.last_error or (f"cosigned at {lag.cosigned_at}" if lag.cosigned_at else "")
        if lag.next_attempt and lag.last_error:
            answer += f" (next try {lag.next_attempt})"
        table.add_row(
            escape(lag.witness),
            f"{lag.cosigned_size} of {lag.ledger_size}",
            behind,
            escape(answer),
            str(lag.refusals) if lag.refusals else "",
        )
    out_console.print(table)
    day = status.day
    if day.witnessed:
        out_console.print(
            f"Every closed day is witnessed: {day.quorum} witness(es) cosigned the ledger "
            f"up to entry {day.witnessed_size}."
        )
    else:
        out_console.print(
            f"[bold yellow]The day closed at entry {day.unwitnessed_close} is not witnessed "
            f"yet:[/] the quorum cosigned only up to {day.witnessed_size} entries. Start the "
            "witnesses, wait, or run: showclear witnesses push"
        )
    for refusal in status.refusals:
        out_console.print(
            f"[bold red]Refused:[/] {escape(refusal.witness)} answered {refusal.status} at "
            f"{refusal.at} to the checkpoint of {refusal.size} entries: this ledger is not the "
            "history it cosigned before. Evidence: showclear witnesses status --json"
        )


def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show how far behind each witness is, in entries and minutes, and any refusal.

    Also whether every closed day is witnessed (cosigned by the policy's quorum), and
    each refusal kept as evidence of a rewritten history (the request and the answer).

    Example: showclear witnesses status --json
    """
    st = state(ctx)
    result = witness_status(st.app(), st.slug())
    if json:
        emit_json(result.to_json())
    else:
        _print_status(result)


def push(ctx: typer.Context) -> None:
    """Send the latest checkpoint to every witness now and store their cosignatures.

    For a production run from the command line only, with no server sending them.

    Exits 1 if a witness refused the checkpoint (a rewritten history); a witness that
    does not answer is only reported (offline is normal on a set).

    Example: showclear witnesses push
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()
    outcomes = WitnessSubmitter(app).push(slug)
    if not outcomes:
        out_console.print("No witnesses are listed in the policy: nothing to push.")
        return
    for outcome in outcomes:
        line = f"{escape(outcome.witness)}: {outcome.status} (size {outcome.size})"
        if outcome.message:
            line += f": {escape(outcome.message)}"
        out_console.print(line)
    if any(o.status == "refused" for o in outcomes):
        raise typer.Exit(ExitCode.FAILED)


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name for the witness: insurer, union, ...")],
    url: Annotated[str, typer.Argument(help="Where it serves add-checkpoint (http(s)://...).")],
    key: Annotated[str, typer.Argument(help="Its verifier key (`showclear witness init`).")],
    *,
    as_: ActAs,
    quorum: Annotated[
        int | None,
        typer.Option(help="How many witnesses must cosign (default: unchanged, at least 1)."),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why the witness is added.")] = None,
) -> None:
    """List a witness in the policy (a ledger entry); the server sends it checkpoints.

    A POLICY-CHANGE entry: the witness's add-checkpoint URL and its verifier key.

    Example: showclear witnesses add insurer http://10.0.0.5:8470 \\
    insurer.example+1a2b3c4d+BAbc... --quorum 1 --as sam
    """
    st = state(ctx)
    policy = st.app().projection(st.slug()).policy()
    listed = [{"name": w.name, "url": w.url, "key": w.key} for w in policy.witnesses]
    listed.append({"name": name, "url": url, "key": key})
    changes = {"witnesses": listed, "witness_quorum": quorum or max(1, policy.witness_quorum)}
    act(ctx, "PolicyChanged", f"witness {name} added", actor=as_, changes=changes, reason=reason)


def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The witness's name in the policy.")],
    *,
    as_: ActAs,
    reason: Annotated[str | None, typer.Option(help="Why the witness is removed.")] = None,
) -> None:
    """Take a witness off the policy (looser: only the safety coordinator may).

    The quorum shrinks with the list if it must.

    Example: showclear witnesses remove union --reason 'contract ended' --as sam
    """
    st = state(ctx)
    policy = st.app().projection(st.slug()).policy()
    listed = [{"name": w.name, "url": w.url, "key": w.key} for w in policy.witnesses]
    kept = [w for w in listed if w["name"] != name]
    if len(kept) == len(listed):
        names = ", ".join(w["name"] for w in listed) or "none"
        raise BadRequest(f"no witness {name!r} is listed (witnesses: {names})")
    changes = {"witnesses": kept, "witness_quorum": min(policy.witness_quorum, len(kept))}
    act(ctx, "PolicyChanged", f"witness {name} removed", actor=as_, changes=changes, reason=reason)


witnesses_app.command("status")(status)
witnesses_app.command("push")(push)
witnesses_app.command("add")(add)
witnesses_app.command("remove")(remove)


def register(app: typer.Typer) -> None:
    app.add_typer(witnesses_app, name="witnesses")
