"""Who outside the production may see it on the studio view: grants and revocations.

A production's producer grants a studio account (an account on the studio's server, such
as the studio's safety office or the insurer) the right to see the production on the
studio view, and revokes it. Each grant is an entry of the production's own ledger, so
who was allowed to see what, and since when, is as verifiable as the rest of the record,
and a mirror on the studio learns the grants by the same sync as everything else.

The projection keeps one record per granted account, ``studio:<account>``: its role, who
granted it and when. A revocation drops it. The studio view (:mod:`showclear.service.studio`)
shows a production to an account only while that record is there.

Roles (docs/studio.md):

- ``safety-office`` sees everything the studio view shows of the production.
- ``insurer`` sees the same rows without personal data beyond names: no incident
  descriptions (they may hold injuries), no concern's text and never who raised a
  concern (INC-CONCERN: raising one must stay safe).
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, NotRequired

from showclear.protocol.catalogue.declare import Command, EventType
from showclear.protocol.catalogue.fields import Event, Id, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.schema import Doc

__all__ = [
    "GRANTERS",
    "STUDIO_ROLES",
    "TOPIC",
    "TYPES",
    "StudioAccessGranted",
    "StudioAccessRevoked",
    "StudioRole",
    "grant_key",
]

#: The API groups this module's commands under this topic.
TOPIC = "studio"

#: Who may grant or revoke a studio account's view of the production.
GRANTERS: Final = frozenset({"producer"})

StudioRole = Literal["safety-office", "insurer"]
#: The roles a studio account may be granted, in the order the docs list them.
STUDIO_ROLES: Final = ("safety-office", "insurer")

_ACCOUNT_DOC = Doc("The studio account's name on the studio server, e.g. safety-office.")


def grant_key(account: str) -> str:
    """The projection key of ``account``'s grant on a production."""
    return f"studio:{account}"


class StudioAccessGranted(Event):
    """A producer lets a studio account see the production on the studio view, in a role."""

    account: Annotated[Id, _ACCOUNT_DOC]
    role: Annotated[
        StudioRole,
        Doc(
            "safety-office: everything the studio view shows; insurer: the same without "
            "personal data beyond names (docs/studio.md)."
        ),
    ]
    reason: NotRequired[Text]


class StudioAccessRevoked(Event):
    """A producer stops a studio account from seeing the production on the studio view."""

    account: Annotated[Id, _ACCOUNT_DOC]
    reason: NotRequired[Text]


def _granted(f: Fold, e: StudioAccessGranted) -> None:
    # A second grant replaces the first: the role in force is the latest one.
    f.put(
        grant_key(e["account"]),
        {"role": e["role"], "granted_by": e["actor"], "granted_at": e["at"]},
    )


def _revoked(f: Fold, e: StudioAccessRevoked) -> None:
    # Revoking an account that holds no grant records the decision and changes nothing.
    if f.projection.record(grant_key(e["account"])) is not None:
        f.drop(grant_key(e["account"]))


def _reason(e: StudioAccessGranted | StudioAccessRevoked) -> str:
    reason = e.get("reason")
    return f": {reason}" if reason else ""


def _granted_words(e: StudioAccessGranted, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} let studio account {e['account']} see the production "
        f"as {e['role']}{_reason(e)}"
    )


def _revoked_words(e: StudioAccessRevoked, w: Words) -> str:
    return (
        f"{w.who(e['actor'])} stopped studio account {e['account']} from seeing the "
        f"production{_reason(e)}"
    )


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        StudioAccessGranted,
        "command",
        _granted,
        _granted_words,
        roles=GRANTERS,
        command=Command(
            "GrantStudioAccess",
            "Let a studio account (the safety office, the insurer) see this production on "
            "the studio view, in a role; a producer only.",
            route=("POST", "/studio/grants"),
            cli="studio grant",
            example={
                "account": "safety-office",
                "role": "safety-office",
                "reason": "studio safety oversight",
            },
        ),
    ),
    EventType(
        StudioAccessRevoked,
        "command",
        _revoked,
        _revoked_words,
        roles=GRANTERS,
        command=Command(
            "RevokeStudioAccess",
            "Stop a studio account from seeing this production on the studio view; a "
            "producer only.",
            path="account",
            route=("POST", "/studio/grants/{account}/revoke"),
            cli="studio revoke",
            example={"reason": "policy ended"},
        ),
    ),
)
