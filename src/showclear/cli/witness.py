"""``showclear witness``: run a C2SP witness for other people's productions, and monitor one.

docs/witness.md says who runs a witness on a production, and why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console, out_console
from showclear.service import BadRequest

__all__ = ["register"]

Directory = Annotated[
    Path,
    typer.Option(
        "--dir",
        file_okay=False,
        help="The witness's directory: witness.key, witness.toml, witness.db.",
    ),
]


def init(
    directory: Directory,
    name: Annotated[
        str,
        typer.Option(
            "--name",
            help="The witness's key name, a schema-less URL that says who runs it "
            "(e.g. insurer.example/witness).",
        ),
    ],
) -> None:
    """Make a witness: a new Ed25519 cosigning key and a config that follows no log yet.

    Writes DIR/witness.key (0600, keep it secret and backed up: a new key means every
    production must pin the new one) and DIR/witness.toml. Prints the verifier key the
    productions pin (their policy lists it with this witness's URL).

    Example: showclear witness init --dir /srv/witness --name insurer.example/witness
    """
    from showclear.witness import init_witness

    cosigner = init_witness(directory, name)
    out_console.print(f"Made witness [bold]{escape(cosigner.name)}[/] in {escape(str(directory))}")
    out_console.print("Its verifier key (give it to the productions it witnesses):")
    out_console.print(f"  {cosigner.verifier_key}", soft_wrap=True)
    out_console.print(
        "Next: showclear witness add-log --dir DIR 'ORIGIN+KEYID+BASE64' for each production "
        "(its `showclear key`), then showclear witness serve --dir DIR."
    )


def add_log(
    directory: Directory,
    key: Annotated[str, typer.Argument(help="The production's verifier key (showclear key).")],
    note: Annotated[
        str, typer.Option(help="Who this log is, for people reading witness.toml.")
    ] = "",
) -> None:
    """Follow a production's log: its checkpoints are cosigned from now on.

    Appends a [[log]] table to DIR/witness.toml. A running witness reads its config at
    start: restart showclear witness serve afterwards.

    Example: showclear witness add-log --dir /srv/witness 'dust-creek+1a2b3c4d+AQ...'
    """
    from showclear.witness import add_log as follow

    verifier = follow(directory, key, note)
    out_console.print(f"The witness now follows {escape(verifier.name)} (restart serve to apply).")


def serve(
    directory: Directory,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8400,
) -> None:
    """Serve the witness: C2SP tlog-witness POST /add-checkpoint and GET /<origin hash>/checkpoint.

    Cosigns a production's checkpoint only if it extends the one held (a consistency
    proof), and keeps every refused fork as evidence (showclear witness forks). Its
    state is in DIR/witness.db, on disk before each answer. Put it behind HTTPS (a
    reverse proxy) when it is reached over a network.

    Example: showclear witness serve --dir /srv/witness --host 0.0.0.0 --port 8400
    """
    import uvicorn

    from showclear.witness import Witness, create_witness_app

    witness = Witness.open(directory)
    if not witness.logs:
        err_console.print(
            "[bold yellow]Warning:[/] this witness follows no log yet: every checkpoint is "
            "answered 404 (showclear witness add-log)."
        )
    err_console.print(
        f"Witness {escape(witness.cosigner.name)} on http://{escape(host)}:{port} "
        f"following {len(witness.logs)} log(s)"
    )
    uvicorn.run(create_witness_app(witness), host=host, port=port, log_level="info")


def forks(directory: Directory) -> None:
    """Print the evidence of forks this witness refused: each pair of signed checkpoints.

    Exits 1 when there is any: a log signed two histories, or could not prove a
    checkpoint extends the one the witness held.

    Example: showclear witness forks --dir /srv/witness
    """
    from showclear.witness import WitnessDir, WitnessState

    where = WitnessDir(directory)
    if not where.db.exists():
        out_console.print("No fork evidence: the witness has not served yet.")
        return
    found = WitnessState(where.db).forks()
    if not found:
        out_console.print("No fork evidence.")
        return
    for fork in found:
        out_console.print(
            f"[bold red]Fork[/] #{fork.id} of {escape(fork.origin)} ({fork.kind}), "
            f"recorded at {fork.recorded_at}: held size {fork.held_size}, "
            f"offered size {fork.offered_size}"
        )
        out_console.print("-- the checkpoint held (cosigned):", highlight=False)
        out_console.print(escape(fork.held_note), end="", soft_wrap=True)
        out_console.print("-- the checkpoint refused (as the log signed it), and its proof:")
        out_console.print(escape(fork.offered_note), end="", soft_wrap=True)
        out_console.print(escape(fork.proof), end="", soft_wrap=True)
    raise typer.Exit(ExitCode.FAILED)


def check(
    url: Annotated[
        str,
        typer.Argument(help="The production's API address: https://HOST/productions/SLUG."),
    ],
    log_key: Annotated[
        str, typer.Option("--log-key", help="The production's verifier key, pinned.")
    ],
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            help="A witness as URL=VERIFIER_KEY (repeat for each).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="An API token of the production (default: $SHOWCLEAR_TOKEN); its checkpoint "
            "is read by members."
        ),
    ] = None,
) -> None:
    """Look for a split view: the production's checkpoint against each witness's.

    Fetches the server's latest signed checkpoint and each witness's latest cosigned
    one, checks every signature against the pinned keys, and every pair with a
    consistency proof from the server. Exits 1 on a split view (two signed histories),
    a server behind what a witness cosigned, or a witness that cannot be checked.

    Example: showclear witness check https://set.local:8443/productions/dust-creek
    --log-key 'dust-creek+1a2b3c4d+AQ...' --witness 'https://w.insurer.example=insurer.example/witness+5e6f7a8b+BA...'
    """
    from showclear.witness import check_split_view

    pairs = []
    for item in witness or []:
        where, sep, wkey = item.partition("=")
        if not sep or not where.startswith(("http://", "https://")):
            raise BadRequest(f"--witness {item!r}: give URL=VERIFIER_KEY")
        pairs.append((where, wkey))
    report = check_split_view(
        url, log_key, pairs, token=token or os.environ.get("SHOWCLEAR_TOKEN") or None
    )
    for view in report.views:
        when = f", cosigned at {view.cosigned_at}" if view.cosigned_at is not None else ""
        out_console.print(
            f"{escape(view.source)}: size {view.checkpoint.size}{when}", soft_wrap=True
        )
    for line in report.split:
        out_console.print(f"[bold red]SPLIT VIEW:[/] {escape(line)}", soft_wrap=True)
    for line in report.problems:
        out_console.print(f"[bold yellow]Problem:[/] {escape(line)}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(ExitCode.FAILED)
    out_console.print(f"OK: every view of {escape(report.origin)} is one history.")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="A C2SP witness that cosigns other productions' checkpoints only if they "
        "extend what it saw, and a monitor for split views (docs/witness.md).\n\n"
        "Example: showclear witness init --dir /srv/witness --name insurer.example/witness",
        no_args_is_help=True,
    )
    group.command()(init)
    group.command("add-log")(add_log)
    group.command()(serve)
    group.command()(forks)
    group.command()(check)
    app.add_typer(group, name="witness")
