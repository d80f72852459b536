"""A production's policy: the catalog's figures, which the production may make stricter.

SAFETY_RULES.md: "Where a figure is a default (a distance, a time window), the
production's policy file may make it stricter; only the safety coordinator may make
it looser, and that change is itself a ledger entry." The file is TOML::

    blank_min_distance_cm = 610          # PLAN-DISTANCE, 20 ft
    show_clear_validity_minutes = 10     # CUS-SHOW-CLEAR
    concern_escalation_hours = 24        # INC-CONCERN
    rehearsal_functional_weapon = "warn" # PLAN-REHEARSAL: "warn" or "block" (replica-only)
    sole_duty = "warn"                   # CUS-SOLE-DUTY: "warn" or "block"
    jurisdiction = "US-CA"               # where the production shoots (ISO 3166-2)
    passkeys_for_performer_handovers = "off"  # ID-OWN: "off" or "block" (giver and
                                              # performer each confirm with a passkey)
    witness_quorum = 1                   # how many witnesses must cosign (0: none listed)
    unwitnessed_day_close = "warn"       # closing a day the quorum has not cosigned:
                                         # "warn" or "block"

    [[witnesses]]                        # C2SP tlog-witness servers that cosign checkpoints
    name = "insurer"
    url = "https://witness.insurer.example"
    key = "witness.insurer.example+1a2b3c4d+BP..."   # its C2SP tlog-cosignature verifier key

A jurisdiction sets the defaults its law requires (:data:`JURISDICTION_DEFAULTS`): setting it
makes those keys at least that strict. Loosening one afterwards is like any other loosening:
only the safety coordinator, and it is a ledger entry.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Final, Literal

from showclear.ledger.cosignature import CosignatureVerifier
from showclear.ledger.errors import CosignatureError
from showclear.protocol.errors import PolicyError
from showclear.protocol.jsontypes import JSONObject

__all__ = [
    "DEFAULT_POLICY",
    "JURISDICTION_DEFAULTS",
    "JURISDICTION_PATTERN",
    "Policy",
    "PolicyComparison",
    "Requirement",
    "WitnessEntry",
    "compare_policies",
]

Strictness = Literal["warn", "block"]
Requirement = Literal["off", "block"]

#: For each figure, whether a larger value is stricter (True) or looser (False).
_LARGER_IS_STRICTER: Final[dict[str, bool]] = {
    "blank_min_distance_cm": True,
    "show_clear_validity_minutes": False,
    "concern_escalation_hours": False,
}
_SWITCHES: Final = ("rehearsal_functional_weapon", "sole_duty", "unwitnessed_day_close")
#: Requirements a production may switch on ("block") or leave "off".
_REQUIREMENTS: Final = ("passkeys_for_performer_handovers",)
#: What a jurisdiction's law requires of a production shooting there, as policy defaults.
JURISDICTION_DEFAULTS: Final[dict[str, dict[str, object]]] = {
    # California Labor Code §9153 (operative 2025-01-01): while a weapon is out, the armorer
    # has no other duty on set; a handler on the call sheet for more is refused.
    "US-CA": {"sole_duty": "block"},
}
#: An ISO 3166 country (US) or subdivision (US-CA) code.
JURISDICTION_PATTERN: Final = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"
_UNITS: Final = {
    "blank_min_distance_cm": "centimetres",
    "show_clear_validity_minutes": "minutes",
    "concern_escalation_hours": "hours",
}


@dataclass(frozen=True)
class WitnessEntry:
    """A witness the production asks to cosign its checkpoints (C2SP tlog-witness)."""

    name: str
    url: str
    key: str  # its verifier key, NAME+KEYID+base64(0x04 || Ed25519 public key)

    def __post_init__(self) -> None:
        for attr in ("name", "url", "key"):
            if not isinstance(getattr(self, attr), str) or not getattr(self, attr).strip():
                raise PolicyError(f"every witness needs a {attr} (text), got {self!r}")
        if not re.match(r"^https?://[^\s/]+", self.url):
            raise PolicyError(
                f"witness {self.name!r}: url {self.url!r} must start with http:// or https://"
            )
        _check_witness_key(self.name, self.key)

    @classmethod
    def from_json(cls, value: object) -> WitnessEntry:
        """One witness from ``{"name", "url", "key"}``. Raises PolicyError if malformed."""
        if isinstance(value, WitnessEntry):
            return value
        if not isinstance(value, Mapping) or set(value) != {"name", "url", "key"}:
            raise PolicyError(f"a witness is a table with exactly name, url and key; got {value!r}")
        return cls(value["name"], value["url"], value["key"])


def _check_witness_key(witness: str, vkey: str) -> None:
    """Refuse a witness key that is not a C2SP tlog-cosignature (Ed25519) verifier key."""
    try:
        CosignatureVerifier(vkey)
    except CosignatureError as e:
        raise PolicyError(
            f"witness {witness!r}: the key {vkey!r} is not a witness verifier key: {e}; "
            "copy the key the witness printed (showclear witness init)"
        ) from e


@dataclass(frozen=True)
class Policy:
    """The figures and switches the rules read; defaults are the catalog's."""

    blank_min_distance_cm: int = 610
    show_clear_validity_minutes: int = 10
    concern_escalation_hours: int = 24
    rehearsal_functional_weapon: Strictness = "warn"
    sole_duty: Strictness = "warn"
    jurisdiction: str = ""  # none given: the catalog's defaults
    passkeys_for_performer_handovers: Requirement = "off"  # ID-OWN
    #: The witnesses asked to cosign every checkpoint, and how many of them must.
    witnesses: tuple[WitnessEntry, ...] = ()
    witness_quorum: int = 0
    unwitnessed_day_close: Strictness = "warn"

    def __post_init__(self) -> None:
        self._check_witnesses()
        for name in _LARGER_IS_STRICTER:
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise PolicyError(
                    f"policy key {name!r} must be a whole number of {_UNITS[name]}, "
                    f"1 or more, got {value!r}"
                )
        for name in _SWITCHES:
            value = getattr(self, name)
            if value not in ("warn", "block"):
                raise PolicyError(f'policy key {name!r} must be "warn" or "block", got {value!r}')
        for name in _REQUIREMENTS:
            value = getattr(self, name)
            if value not in ("off", "block"):
                raise PolicyError(f'policy key {name!r} must be "off" or "block", got {value!r}')
        if not isinstance(self.jurisdiction, str) or (
            self.jurisdiction and not re.match(JURISDICTION_PATTERN, self.jurisdiction)
        ):
            raise PolicyError(
                "policy key 'jurisdiction' must be an ISO 3166 code such as US-CA, got "
                f"{self.jurisdiction!r}"
            )

    def _check_witnesses(self) -> None:
        if not isinstance(self.witnesses, list | tuple):
            raise PolicyError(
                f"policy key 'witnesses' must be a list of witnesses, got {self.witnesses!r}"
            )
        listed = tuple(WitnessEntry.from_json(w) for w in self.witnesses)
        object.__setattr__(self, "witnesses", listed)  # a list read from TOML or JSON
        seen: set[str] = set()
        for witness in listed:
            if witness.name in seen:
                raise PolicyError(
                    f"two witnesses are named {witness.name!r}: give each its own name"
                )
            seen.add(witness.name)
        quorum = self.witness_quorum
        if type(quorum) is not int or quorum < 0:
            raise PolicyError(
                f"policy key 'witness_quorum' must be a whole number, 0 or more, got {quorum!r}"
            )
        if quorum > len(listed):
            raise PolicyError(
                f"witness_quorum is {quorum} but only {len(listed)} witness(es) are listed: "
                "list more witnesses or lower the quorum"
            )
        if listed and quorum == 0:
            raise PolicyError(
                "witnesses are listed but witness_quorum is 0: set how many must cosign (1 or more)"
            )

    @classmethod
    def from_toml(cls, text: str) -> Policy:
        """Read a policy file; keys not given keep the catalog's defaults.

        Raises PolicyError naming the line of a TOML syntax error, or the bad key.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PolicyError(f"the policy file is not valid TOML: {error}") from error
        return DEFAULT_POLICY.with_changes(data)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Policy:
        """The policy stored as JSON by :meth:`to_json`. Raises PolicyError if malformed."""
        return DEFAULT_POLICY.with_changes(data)

    def to_json(self) -> JSONObject:
        """This policy as a JSON object with every key."""
        data = dict(asdict(self))
        data["witnesses"] = [asdict(w) for w in self.witnesses]
        return data

    def with_changes(self, changes: Mapping[str, object]) -> Policy:
        """This policy with ``changes`` applied. Raises PolicyError naming an unknown key.

        A new ``jurisdiction`` first makes the keys its law sets at least that strict
        (a key the same change sets explicitly wins).
        """
        known = {f.name for f in fields(self)}
        for key in changes:
            if key not in known:
                raise PolicyError(
                    f"unknown policy key {key!r}; known keys: {', '.join(sorted(known))}"
                )
        base = self
        jurisdiction = changes.get("jurisdiction")
        if isinstance(jurisdiction, str) and jurisdiction != self.jurisdiction:
            required = JURISDICTION_DEFAULTS.get(jurisdiction, {})
            for key, value in required.items():
                stricter = replace(base, **{key: value})  # type: ignore[arg-type]
                if compare_policies(base, stricter).stricter:
                    base = stricter
        return replace(base, **changes)  # type: ignore[arg-type]  # checked in __post_init__


@dataclass(frozen=True)
class PolicyComparison:
    """Which keys a change makes stricter and which it makes looser."""

    stricter: tuple[str, ...]
    looser: tuple[str, ...]

    @property
    def is_looser(self) -> bool:
        """Whether any key gets looser (only the safety coordinator may do that)."""
        return bool(self.looser)


def compare_policies(old: Policy, new: Policy) -> PolicyComparison:
    """Classify each key that differs between ``old`` and ``new`` as stricter or looser."""
    stricter: list[str] = []
    looser: list[str] = []
    for name, larger_is_stricter in _LARGER_IS_STRICTER.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            (stricter if (after > before) == larger_is_stricter else looser).append(name)
    for name in (*_SWITCHES, *_REQUIREMENTS):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            (stricter if after == "block" else looser).append(name)
    if old.witness_quorum != new.witness_quorum:
        (stricter if new.witness_quorum > old.witness_quorum else looser).append("witness_quorum")
    if old.witnesses != new.witnesses:
        # A witness dropped (or its key changed) is one fewer party holding the history.
        kept = set(new.witnesses)
        (looser if any(w not in kept for w in old.witnesses) else stricter).append("witnesses")
    return PolicyComparison(tuple(stricter), tuple(looser))


DEFAULT_POLICY: Final = Policy()
