"""Who is acting: ``--as PERSON`` and PINs typed at a hidden prompt or read from the environment.

A PIN is never an option on the command line (it would land in shell history). For
scripts, it comes from the environment:

    SHOWCLEAR_PIN_<PERSON>   the PIN of PERSON (the id upper-cased, every character that
                             is not a letter or digit replaced by "_"): the acting person
                             or a person confirming (receiver, performer, attendee)
    SHOWCLEAR_PIN            the acting person's PIN, when SHOWCLEAR_PIN_<PERSON> is unset

A confirming person's PIN is never taken from SHOWCLEAR_PIN: each person confirms with
their own. At a confirmation prompt, an empty answer declines to confirm; the service
then records the command without that confirmation, and the rules decide.
"""

from __future__ import annotations

import getpass
import os
import re
import warnings
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.markup import escape

from showclear.cli.context import ExitCode, err_console
from showclear.service import Credentials

__all__ = [
    "AS_HELP",
    "ActAs",
    "credentials",
    "new_pin",
    "pin_variable",
]

AS_HELP = (
    "Who is doing this (person id). Their PIN is read from $SHOWCLEAR_PIN_<PERSON> or "
    "$SHOWCLEAR_PIN, else asked at a hidden prompt."
)

#: The ``--as PERSON`` option every acting command takes.
ActAs = Annotated[str, typer.Option("--as", metavar="PERSON", help=AS_HELP, show_default=False)]


def pin_variable(person: str) -> str:
    """The environment variable holding ``person``'s PIN, e.g. SHOWCLEAR_PIN_MO_2 for mo-2."""
    return "SHOWCLEAR_PIN_" + re.sub(r"[^A-Za-z0-9]", "_", person).upper()


def _hidden_prompt(text: str, **options: object) -> str:
    """A hidden prompt; piped input is read as typed, without Python's echo warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        return str(typer.prompt(text, hide_input=True, **options))  # type: ignore[arg-type]


def _no_pin(person: str) -> typer.Exit:
    err_console.print(
        f"[bold red]Error:[/] no PIN given for {escape(person)}; type it at the prompt, or "
        f"set {pin_variable(person)} for scripts."
    )
    return typer.Exit(ExitCode.AUTH)


def actor_pin(person: str) -> str:
    """The acting person's PIN: from the environment, else a hidden prompt.

    Raises typer.Exit(AUTH) if no PIN can be read (no terminal and no variable).
    """
    found = os.environ.get(pin_variable(person)) or os.environ.get("SHOWCLEAR_PIN")
    if found:
        return found
    try:
        return _hidden_prompt(f"PIN for {person}")
    except (typer.Abort, OSError):  # no terminal to ask on
        raise _no_pin(person) from None


def confirmation_pin(person: str, why: str) -> str | None:
    """A confirming person's own PIN, or None if they decline (an empty answer)."""
    found = os.environ.get(pin_variable(person))
    if found:
        return found
    try:
        typed = _hidden_prompt(
            f"{person}, {why}: type your PIN (Enter to decline)", default="", show_default=False
        )
    except (typer.Abort, OSError):  # no terminal to ask on
        typed = ""
    if not typed:
        err_console.print(f"{escape(person)} did not confirm.")
        return None
    return typed


def credentials(actor: str | None, confirmers: Sequence[tuple[str, str]] = ()) -> Credentials:
    """The actor's PIN and each confirming person's, as the service checks them.

    ``confirmers`` lists (person, why) pairs; the actor confirming their own part
    (an attendee who also runs the meeting) is not asked twice.
    """
    secret = actor_pin(actor) if actor is not None else None
    confirmations: dict[str, str] = {}
    for person, why in confirmers:
        if person in confirmations:
            continue
        pin = secret if person == actor else confirmation_pin(person, why)
        if pin is not None:
            confirmations[person] = pin
    return Credentials(actor=actor, secret=secret, confirmations=confirmations)


def new_pin(person: str, *, env: bool = True) -> str:
    """A new PIN for ``person``: $SHOWCLEAR_PIN_<PERSON> (if ``env``), else typed twice at a
    hidden prompt."""
    found = os.environ.get(pin_variable(person)) if env else None
    if found:
        return found
    try:
        return str(typer.prompt(f"New PIN for {person}", hide_input=True, confirmation_prompt=True))
    except (typer.Abort, OSError):  # no terminal to ask on
        raise _no_pin(person) from None
