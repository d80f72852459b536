"""Who may ask for what: the role x command matrix, enforced for the CLI and the API alike.

Each check takes what it needs: the person's roles on the production (None for
someone who is not a member), read from that one person's record.

The matrix says who may *attempt* a command. Whether the attempt is safe is the
protocol's business: custody commands are open to every member of the
production so that an unsafe attempt (an assistant director handing over a
revolver) is refused by its safety rule and recorded in the ledger, with the
person and the rule, rather than turned away unseen.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from showclear.protocol.catalogue import ANYONE, CATALOGUE, OVERSIGHT, ROLES
from showclear.service.errors import Forbidden

__all__ = [
    "ACCOUNTS",
    "ANYONE",
    "MATRIX",
    "READ",
    "ROLES",
    "authorize",
    "authorize_account",
    "authorize_read",
]

#: Event type -> roles that may attempt it, as each type declares (the catalogue).
MATRIX: Final[dict[str, frozenset[str]]] = {
    name: spec.roles for name, spec in CATALOGUE.items() if spec.origin != "system"
}

#: Reading views and the ledger: every member.
READ: Final = ANYONE

#: Managing another person's sign-in: setting their PIN, revoking their sessions and
#: tokens. Everyone manages their own (a new PIN needs the current one).
ACCOUNTS: Final = OVERSIGHT


def _member(roles: Collection[str] | None, person: str) -> frozenset[str]:
    if roles is None:
        raise Forbidden(f"{person} is not a member of this production")
    return frozenset(roles)


def authorize(
    roles: Collection[str] | None, actor: str | None, event_type: str, *, first: bool = False
) -> None:
    """Allow ``actor``, who has ``roles`` here (None: not a member), to attempt ``event_type``.

    An unauthenticated actor (None) may only raise an anonymous concern, or
    register the first person or set the time zone and units of a production that
    has nobody yet (set-up, ``showclear init``):
    ``first`` says the production has no person yet.

    Raises:
        Forbidden: the actor's roles do not allow the command.
    """
    allowed = MATRIX.get(event_type)
    if allowed is None:
        raise Forbidden(f"{event_type} cannot be asked for; showclear writes it itself")
    if actor is None:
        if event_type == "ConcernRaised":
            return
        if event_type in ("PersonRegistered", "ProductionSettingsChanged") and first:
            return
        raise Forbidden(f"{event_type} needs a signed-in person")
    if not _member(roles, actor) & allowed:
        needed = " or ".join(sorted(r.replace("_", " ") for r in allowed))
        raise Forbidden(f"{actor} may not do {event_type}: only a {needed} may")


def authorize_read(roles: Collection[str] | None, person: str) -> None:
    """Allow ``person``, who has ``roles`` here (None: not a member), to read this production.

    Raises:
        Forbidden: the person is not a member of the production.
    """
    _member(roles, person)


def authorize_account(roles: Collection[str] | None, actor: str, subject: str) -> None:
    """Allow ``actor``, who has ``roles`` here (None: not a member), to manage ``subject``'s
    sign-in (PIN, sessions, tokens), or raise.

    Raises:
        Forbidden: the actor is not a member, or manages someone else without an
            oversight role.
    """
    held = _member(roles, actor)
    if actor != subject and not held & ACCOUNTS:
        needed = " or ".join(sorted(r.replace("_", " ") for r in ACCOUNTS))
        raise Forbidden(
            f"{actor} may manage only their own sign-in; only a {needed} may manage others'"
        )
