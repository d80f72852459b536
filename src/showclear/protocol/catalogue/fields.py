"""The vocabulary of the catalogue: value types every event type is written in.

Events are plain JSON objects so that the stored bytes are exactly what was decided. A
type's annotations are both the static type and the run-time shape checked by
:func:`showclear.protocol.schema.check_shape`; ``Annotated`` extras add what a Python type
cannot say (an id's spelling, a count that cannot be negative, a list's size, the field's
meaning for the API and the CLI). Every event has ``type``, ``at`` (RFC 3339 UTC) and
``actor`` (a person id, or null when showclear itself or an anonymous person wrote it).
Distances are whole centimetres; chambers are numbered from 1.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, NotRequired, TypedDict

from showclear.protocol.policy import JURISDICTION_PATTERN
from showclear.protocol.schema import (
    ANY_JSON,
    ASSIGNED,
    CHAMBER,
    DATE,
    FREE_TEXT,
    ID,
    MAX_CHAMBERS,
    NON_NEGATIVE,
    POSITIVE,
    RULE_ID,
    SHA256,
    TEXT,
    TIME,
    Check,
    Doc,
    items,
)

__all__ = [
    "CHAMBER_LIST",
    "B64Url",
    "Category",
    "Chamber",
    "Count",
    "Date",
    "DocumentHash",
    "DummyMethod",
    "Event",
    "FreeText",
    "Id",
    "IncidentKind",
    "Jurisdiction",
    "Load",
    "LotKind",
    "PasskeySignature",
    "Positive",
    "RawObject",
    "ReviewRole",
    "Role",
    "RuleId",
    "SetupKind",
    "Strictness",
    "Text",
    "Time",
]

Id = Annotated[str, ID]
RuleId = Annotated[str, RULE_ID]
Text = Annotated[str, TEXT]
#: A stored document's SHA-256 (64 lowercase hex): the ledger proves which paper was shown;
#: the service refuses a command naming one it does not hold.
DocumentHash = Annotated[str, SHA256]
#: Text that may be empty: an empty serial, supplier or reason is a rule's to refuse.
FreeText = Annotated[str, FREE_TEXT]
Time = Annotated[str, TIME]
Date = Annotated[str, DATE]
Count = Annotated[int, NON_NEGATIVE]
Positive = Annotated[int, POSITIVE]
Chamber = Annotated[int, CHAMBER]
Jurisdiction = Annotated[
    str,
    Check(
        "an ISO 3166 country or subdivision code such as US-CA",
        lambda v: bool(re.match(JURISDICTION_PATTERN, v)),
        {"pattern": JURISDICTION_PATTERN, "maxLength": 6},
    ),
    Doc(
        "Where the production shoots (ISO 3166-2, e.g. US-CA): sets the defaults its law requires."
    ),
]
RawObject = Annotated[dict[str, object], ANY_JSON]

#: The chambers an action concerns: at least one, each once (checked per type).
CHAMBER_LIST = items(1, MAX_CHAMBERS)

Role = Literal[
    "armorer",
    "property_master",
    "first_ad",
    "performer",
    "safety_coordinator",
    "producer",
    "crew",
]
Category = Literal[
    "functional_firearm", "blank_firing", "non_firing_replica", "rubber", "deactivated"
]
LotKind = Literal["dummy", "blank", "live"]
SetupKind = Literal["rehearsal", "take"]
Load = Literal["empty", "dummies", "blanks"]
Strictness = Literal["warn", "block"]
DummyMethod = Literal[
    "rattle", "side_hole", "empty_primer_pocket", "drilled_primer_pocket", "non_metal"
]
IncidentKind = Literal[
    "unintended_discharge",
    "misfire",
    "squib",
    "live_round_found",
    "lost_weapon",
    "unattended_weapon",
    "round_count_difference",
    "injury",
]
ReviewRole = Literal["safety_coordinator", "producer"]
#: How a person's part of an entry was proven (ID-OWN): a PIN showclear checked, the
#: signed-in session (or API token) the person opened with their own credential, or the
#: person's passkey signature over the entry (kept in the entry's ``signatures``).
Assurance = Literal["pin", "session", "passkey"]
#: base64url without padding (RFC 4648 §5), as WebAuthn writes binary values.
B64Url = Annotated[
    str,
    Check(
        "base64url without padding",
        lambda v: bool(re.fullmatch(r"[A-Za-z0-9_-]{1,8192}", v)),
        {"pattern": "^[A-Za-z0-9_-]{1,8192}$"},
    ),
]


class PasskeySignature(TypedDict):
    """What a verifier needs to check one person's passkey signature over the entry.

    The WebAuthn challenge the person's authenticator signed is SHA-256 over the
    canonical JSON of the entry's proposal, then ``root`` (the checkpoint root at ``size``
    the person saw), then ``nonce`` (docs/security.md, "Passkey signatures").
    """

    credential: B64Url
    authenticator_data: B64Url
    client_data: B64Url
    signature: B64Url
    nonce: B64Url
    size: Positive
    root: B64Url


class Event(TypedDict):
    """Fields every event has; ``warnings`` and ``overrides`` are assigned by decide."""

    type: str
    at: Time
    actor: Id | None
    warnings: NotRequired[Annotated[list[RuleId], ASSIGNED]]
    overrides: NotRequired[Annotated[list[Positive], ASSIGNED]]
    assurance: NotRequired[
        Annotated[
            dict[str, Assurance],
            Doc(
                "How each person's part was proven, set by showclear from what it checked "
                "(never from a request): a PIN it checked, the person's signed-in session, "
                "or the person's passkey signature."
            ),
        ]
    ]
    signatures: NotRequired[
        Annotated[
            dict[str, PasskeySignature],
            Doc("Each signing person's passkey signature over the entry's proposal (ID-OWN)."),
        ]
    ]
