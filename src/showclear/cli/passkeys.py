"""Passkeys from the command line: ``passkey list`` and ``passkey revoke`` (ID-RESET).

A passkey is enrolled in person on a phone (the web UI or the API: a phone makes it);
what the command line does is list them and revoke one. Revoking your own needs only
your own PIN; someone else's needs the safety coordinator and a producer to approve it
first (``showclear pin approve-reset PERSON --kind passkey``), then one of them revokes.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from showclear.cli.acting import act
from showclear.cli.context import out_console, state
from showclear.cli.identity import ActAs
from showclear.cli.render import emit_json

__all__ = ["register"]

passkey_app = typer.Typer(
    help="List people's passkeys; revoke one (your own alone, someone else's with two "
    "approvals, ID-RESET).\n\n"
    "Example: showclear passkey revoke ana q8PnY2Xx0kC3vJ1a9w4TQg --reason 'phone lost' --as ana",
    no_args_is_help=True,
)

PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="The person's id, e.g. ana.")]


@passkey_app.command("list")
def passkey_list(
    ctx: typer.Context,
    person: PersonArg,
    json: Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout.")] = False,
) -> None:
    """List a person's passkeys: credential id, when enrolled, the witness, and any revocation.

    Example: showclear passkey list ana
    """
    st = state(ctx)
    found = st.app().passkeys.passkeys(st.slug(), person)
    if json:
        emit_json(found)
        return
    if not found:
        out_console.print(f"{escape(person)} has no passkey.")
        return
    table = Table("Credential", "Enrolled", "Witness", "Host", "Revoked")
    for key in found:
        revoked = key["revoked"]
        table.add_row(
            key["credential"],
            key["enrolled_at"],
            key["witness"],
            key["rp_id"],
            f"{revoked['at']} by {revoked['by']}" if revoked else "",
        )
    out_console.print(table)


@passkey_app.command("revoke")
def passkey_revoke(
    ctx: typer.Context,
    person: PersonArg,
    credential: Annotated[
        str,
        typer.Argument(
            metavar="CREDENTIAL", help="The passkey's credential id (showclear passkey list)."
        ),
    ],
    as_: ActAs,
    reason: Annotated[
        str | None, typer.Option(help="Why, e.g. 'phone lost' or 'phone given away'.")
    ] = None,
) -> None:
    """Revoke a passkey: your own alone; someone else's after two approvals (ID-RESET).

    From this entry on the passkey signs nothing (showclear refuses it, and verify refuses
    any signature by it on a later entry; earlier ones stay valid), and every session and
    token of the person ends. Someone else's: the safety coordinator and a producer each
    approve first (showclear pin approve-reset PERSON --kind passkey), then one of them
    revokes it; otherwise the attempt is refused and recorded. A credential id that starts
    with "-" goes after "--": showclear passkey revoke --as ana -- ana -Xq8PnY2Xx0kC3vJ1a9w4TQg

    Example: showclear passkey revoke ana q8PnY2Xx0kC3vJ1a9w4TQg --reason 'phone lost' --as ana
    """
    act(
        ctx,
        "PasskeyRevoked",
        f"{person}'s passkey {credential} revoked",
        actor=as_,
        person=person,
        credential=credential,
        reason=reason,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(passkey_app, name="passkey")
