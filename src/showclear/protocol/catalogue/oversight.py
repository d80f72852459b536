"""Overrides, policy changes and refused attempts (INC-OVERRIDE, POLICY-CHANGE)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import ANYONE, OVERSIGHT, Command, EventType
from showclear.protocol.catalogue.fields import (
    Count,
    Event,
    FreeText,
    Id,
    Jurisdiction,
    Positive,
    RawObject,
    RuleId,
    Strictness,
    Text,
)
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.catalogue.words import Words
from showclear.protocol.errors import InconsistentEventError, MalformedEventError
from showclear.protocol.schema import ASSIGNED, Doc

__all__ = ["TYPES", "AttemptRefused", "OverrideGranted", "PolicyChanged", "PolicyChanges"]

#: The API groups this module's commands under this topic.
TOPIC = "incidents and oversight"


class OverrideGranted(Event):
    """The safety coordinator lifts one overridable rule once, with a written reason."""

    rule: RuleId
    reason: Annotated[FreeText, Doc("An empty reason is refused by INC-OVERRIDE.")]
    weapon: NotRequired[Id | None]
    setup: NotRequired[Id | None]
    override: NotRequired[Annotated[Positive, ASSIGNED]]


class ListedWitness(TypedDict):
    """A witness the production asks to cosign its checkpoints (C2SP tlog-witness)."""

    name: Text
    url: Annotated[Text, Doc("Where it serves add-checkpoint, http:// or https://.")]
    key: Annotated[Text, Doc("Its C2SP tlog-cosignature verifier key (type 0x04).")]


class PolicyChanges(TypedDict):
    """The policy keys a change sets (showclear.protocol.policy.Policy)."""

    blank_min_distance_cm: NotRequired[Annotated[Positive, Doc("PLAN-DISTANCE, in cm.")]]
    show_clear_validity_minutes: NotRequired[Annotated[Positive, Doc("CUS-SHOW-CLEAR.")]]
    concern_escalation_hours: NotRequired[Annotated[Positive, Doc("INC-CONCERN.")]]
    rehearsal_functional_weapon: NotRequired[Annotated[Strictness, Doc("PLAN-REHEARSAL.")]]
    sole_duty: NotRequired[Annotated[Strictness, Doc("CUS-SOLE-DUTY.")]]
    jurisdiction: NotRequired[Jurisdiction]
    passkeys_for_performer_handovers: NotRequired[
        Annotated[
            Literal["off", "block"],
            Doc('ID-OWN: "block" refuses a handover to a performer not confirmed by passkeys.'),
        ]
    ]
    witnesses: NotRequired[Annotated[list[ListedWitness], Doc("The whole list of witnesses.")]]
    witness_quorum: NotRequired[Annotated[Count, Doc("How many witnesses must cosign.")]]
    unwitnessed_day_close: NotRequired[
        Annotated[Strictness, Doc("Closing a day its witnesses have not cosigned.")]
    ]


class PolicyChanged(Event):
    """The production's policy changes; only the safety coordinator may loosen it."""

    changes: PolicyChanges
    reason: NotRequired[Text]


class AttemptRefused(Event):
    """An attempt the safety rules refused: who tried what, and which rules refused it."""

    attempted: RawObject
    rules: list[RuleId]
    reasons: list[str]


def _override(f: Fold, e: OverrideGranted) -> None:
    number = e.get("override")
    if number is None:
        raise InconsistentEventError("OverrideGranted has no override number")
    f.meta()["overrides"] = number
    f.put(
        f"override:{number}",
        {
            "rule": e["rule"],
            "reason": e["reason"],
            "weapon": e.get("weapon"),
            "setup": e.get("setup"),
            "granted_by": e["actor"],
            "granted_at": e["at"],
        },
    )


def _policy_changed(f: Fold, e: PolicyChanged) -> None:
    f.put("policy", f.projection.policy().with_changes(dict(e["changes"])).to_json())


def _refused(f: Fold, e: AttemptRefused) -> None:
    f.meta()["refused"] += 1


def _not_itself_a_refusal(e: AttemptRefused) -> None:
    # The attempted event is checked whole by validate_event in the catalogue.
    if e["attempted"].get("type") == "AttemptRefused":
        raise MalformedEventError("AttemptRefused.attempted cannot itself be a refusal")


def _override_words(e: OverrideGranted, w: Words) -> str:
    scope = [f"{kind} {e[kind]}" for kind in ("weapon", "setup") if e.get(kind)]
    limited = f" for {' and '.join(scope)}" if scope else ""
    return (
        f"{w.who(e['actor'])} granted override {e.get('override')} of {e['rule']}{limited}: "
        f"{e['reason']}"
    )


def _policy_words(e: PolicyChanged, w: Words) -> str:
    changes = ", ".join(f"{k} = {v}" for k, v in sorted(e["changes"].items()))
    return f"{w.who(e['actor'])} changed the policy: {changes}"


def _refusal_words(e: AttemptRefused, w: Words) -> str:
    attempted = e.get("attempted")
    what = w.again(attempted) if isinstance(attempted, dict) else "?"
    return f"REFUSED ({', '.join(e.get('rules', []))}), attempted: {what}"


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        OverrideGranted,
        "command",
        _override,
        _override_words,
        # INC-OVERRIDE judges who may: a refused attempt by anyone else is recorded.
        roles=ANYONE,
        number="override",
        command=Command(
            "GrantOverride",
            "Override an overridable rule once, with a written reason (INC-OVERRIDE).",
            route=("POST", "/overrides"),
            cli="override",
            example={
                "rule": "CUS-SECURED",
                "reason": "actor stays in costume on set",
                "weapon": "rev-1",
            },
        ),
    ),
    EventType(
        PolicyChanged,
        "command",
        _policy_changed,
        _policy_words,
        roles=OVERSIGHT,
        command=Command(
            "ChangePolicy",
            "Change the production's policy; only the safety coordinator may loosen it.",
            route=("PATCH", "/policy"),
            cli="policy set",
            example={"changes": {"blank_min_distance_cm": 800}, "reason": "stage is small"},
        ),
    ),
    EventType(
        AttemptRefused,
        "system",
        _refused,
        _refusal_words,
        check=_not_itself_a_refusal,
    ),
)
