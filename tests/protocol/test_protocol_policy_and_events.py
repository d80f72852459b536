"""The policy file and the event catalog's input checks."""

from __future__ import annotations

import re

import pytest

from showclear.protocol import (
    DEFAULT_POLICY,
    EVENT_TYPES,
    MalformedEventError,
    Policy,
    PolicyError,
    compare_policies,
    validate_event,
)


def test_the_default_policy_is_the_catalogs() -> None:
    """20 ft, 10 minutes, 24 hours, warn, warn; no witnesses, and an unwitnessed close warns."""
    assert Policy.from_toml("") == DEFAULT_POLICY
    assert DEFAULT_POLICY.to_json() == {
        "blank_min_distance_cm": 610,
        "show_clear_validity_minutes": 10,
        "concern_escalation_hours": 24,
        "rehearsal_functional_weapon": "warn",
        "sole_duty": "warn",
        "jurisdiction": "",
        "passkeys_for_performer_handovers": "off",
        "witnesses": [],
        "witness_quorum": 0,
        "unwitnessed_day_close": "warn",
    }


def test_a_california_production_blocks_a_handler_with_another_duty() -> None:
    """CUS-SOLE-DUTY: California law (Labor Code §9153) makes the sole-duty rule block."""
    policy = DEFAULT_POLICY.with_changes({"jurisdiction": "US-CA"})
    assert (policy.jurisdiction, policy.sole_duty) == ("US-CA", "block")
    assert compare_policies(DEFAULT_POLICY, policy).stricter == ("sole_duty",)


def test_a_jurisdiction_never_loosens_what_the_production_made_stricter() -> None:
    """A jurisdiction with no such law leaves a blocking sole-duty rule blocking."""
    strict = DEFAULT_POLICY.with_changes({"sole_duty": "block"})
    assert strict.with_changes({"jurisdiction": "GB"}).sole_duty == "block"


def test_loosening_a_jurisdictions_default_is_a_looser_change() -> None:
    """Only the safety coordinator may make it (POLICY-CHANGE): the comparison says looser."""
    california = DEFAULT_POLICY.with_changes({"jurisdiction": "US-CA"})
    relaxed = california.with_changes({"sole_duty": "warn"})
    assert compare_policies(california, relaxed).looser == ("sole_duty",)


def test_a_jurisdiction_is_an_iso_3166_code() -> None:
    """A typo is named, not taken for a place with no law."""
    with pytest.raises(PolicyError, match="ISO 3166 code such as US-CA"):
        DEFAULT_POLICY.with_changes({"jurisdiction": "California"})


def test_a_policy_file_sets_the_keys_it_names() -> None:
    """Keys not given keep their defaults."""
    policy = Policy.from_toml('blank_min_distance_cm = 914\nsole_duty = "block"\n')
    assert (policy.blank_min_distance_cm, policy.sole_duty, policy.show_clear_validity_minutes) == (
        914,
        "block",
        10,
    )
    assert Policy.from_json(policy.to_json()) == policy


def test_an_unknown_policy_key_is_named() -> None:
    """A typo is an error naming the key."""
    with pytest.raises(PolicyError, match="unknown policy key 'blank_distance'"):
        Policy.from_toml("blank_distance = 700")


def test_a_wrong_policy_value_is_named() -> None:
    """Distances are whole centimetres; switches are warn or block."""
    with pytest.raises(
        PolicyError, match="'blank_min_distance_cm' must be a whole number of centimetres"
    ):
        Policy.from_toml("blank_min_distance_cm = 6.1")
    with pytest.raises(PolicyError, match='\'sole_duty\' must be "warn" or "block"'):
        Policy.from_toml('sole_duty = "never"')


def test_a_policy_file_that_is_not_toml_says_where() -> None:
    """TOML syntax errors carry their line."""
    with pytest.raises(PolicyError, match="line 2"):
        Policy.from_toml("sole_duty = 'warn'\nthis is not toml")


def test_changes_are_classified_as_stricter_or_looser() -> None:
    """Longer distance, shorter windows and block are stricter."""
    stricter = Policy(blank_min_distance_cm=900, show_clear_validity_minutes=5, sole_duty="block")
    comparison = compare_policies(DEFAULT_POLICY, stricter)
    assert comparison.stricter == (
        "blank_min_distance_cm",
        "show_clear_validity_minutes",
        "sole_duty",
    )
    assert not comparison.is_looser
    assert compare_policies(stricter, DEFAULT_POLICY).looser == comparison.stricter


def test_an_unknown_event_type_is_refused() -> None:
    """The message lists the known types."""
    with pytest.raises(MalformedEventError, match="unknown event type 'GunFired'"):
        validate_event({"type": "GunFired", "at": "2026-11-25T06:00:00Z", "actor": None})


def test_a_missing_field_is_named() -> None:
    """Which field is missing, of which type."""
    with pytest.raises(MalformedEventError, match="WeaponTakenOut is missing the field 'weapon'"):
        validate_event(
            {"type": "WeaponTakenOut", "at": "2026-11-25T06:00:00Z", "actor": "ana", "setup": None}
        )


def test_an_unknown_field_is_named() -> None:
    """A typo in a field name is caught, not ignored."""
    event = {
        "type": "BarrelChecked",
        "at": "2026-11-25T06:00:00Z",
        "actor": "a",
        "weapon": "W",
        "clear": True,
    }
    with pytest.raises(MalformedEventError, match="unknown field 'cleer'"):
        validate_event({**event, "cleer": True})


def test_floats_are_never_accepted() -> None:
    """Distances are whole centimetres."""
    event = {
        "type": "DummiesVerified",
        "at": "2026-11-25T06:00:00Z",
        "actor": "a",
        "lot": "L",
        "method": "rattle",
    }
    with pytest.raises(
        MalformedEventError, match=r"DummiesVerified\.count must be a whole number, one or more"
    ):
        validate_event({**event, "count": 1.0})


def test_times_are_rfc_3339_in_utc() -> None:
    """A local time is refused."""
    with pytest.raises(MalformedEventError, match="RFC 3339 UTC time"):
        validate_event({"type": "WrapCalled", "at": "2026-11-25T06:00:00+01:00", "actor": None})


def test_an_anonymous_concern_names_nobody() -> None:
    """Anonymity is kept in the ledger."""
    event = {"type": "ConcernRaised", "at": "2026-11-25T06:00:00Z", "actor": "cam", "text": "t",
             "anonymous": True, "stop_work": False}  # fmt: skip
    with pytest.raises(MalformedEventError, match="must be null for an anonymous concern"):
        validate_event(event)


def test_every_event_type_is_named_in_the_past_tense() -> None:
    """Events are facts: WeaponHandedOver, AttemptRefused, ..."""
    irregular = {"Found", "Held", "Taken", "Made"}
    for name in EVENT_TYPES:
        words = re.findall("[A-Z][a-z]+", name)
        assert any(w.endswith("ed") or w in irregular for w in words), name
