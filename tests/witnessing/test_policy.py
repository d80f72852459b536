"""The policy's witnesses: who is asked to cosign, how many must, and what a day close needs."""

from __future__ import annotations

import pytest

from showclear.ledger.cosignature import Cosigner
from showclear.protocol import PolicyError
from showclear.protocol.policy import DEFAULT_POLICY, Policy, WitnessEntry, compare_policies

INSURER = Cosigner.generate("insurer.example/witness").verifier_key
UNION = Cosigner.generate("union.example/witness").verifier_key


def _toml(quorum: int, *witnesses: tuple[str, str, str]) -> str:
    text = f"witness_quorum = {quorum}\n"
    for name, url, key in witnesses:
        text += f'[[witnesses]]\nname = "{name}"\nurl = "{url}"\nkey = "{key}"\n'
    return text


def test_by_default_no_witness_is_listed_and_an_unwitnessed_close_only_warns() -> None:
    """The catalog's default: no witnesses, quorum 0, "warn"."""
    assert (DEFAULT_POLICY.witnesses, DEFAULT_POLICY.witness_quorum) == ((), 0)
    assert DEFAULT_POLICY.unwitnessed_day_close == "warn"


def test_a_policy_file_lists_witnesses_and_keeps_them_through_json() -> None:
    """[[witnesses]] tables in TOML; the stored JSON reads back the same policy."""
    listed = (
        ("insurer", "https://w.insurer.example", INSURER),
        ("union", "http://10.0.0.9:8400", UNION),
    )
    # Keys after a [[witnesses]] table belong to it: the switch comes first.
    policy = Policy.from_toml('unwitnessed_day_close = "block"\n' + _toml(2, *listed))
    assert policy.witnesses == (
        WitnessEntry("insurer", "https://w.insurer.example", INSURER),
        WitnessEntry("union", "http://10.0.0.9:8400", UNION),
    )
    assert policy.to_json()["witnesses"][1] == {
        "name": "union",
        "url": "http://10.0.0.9:8400",
        "key": UNION,
    }
    assert policy.unwitnessed_day_close == "block"
    assert Policy.from_json(policy.to_json()) == policy


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_toml(2, ("insurer", "http://a", INSURER)), "witness_quorum is 2 but only 1 witness"),
        (_toml(0, ("insurer", "http://a", INSURER)), "witness_quorum is 0"),
        (
            _toml(1, ("insurer", "http://a", INSURER), ("insurer", "http://b", UNION)),
            "two witnesses are named 'insurer'",
        ),
        (_toml(1, ("insurer", "ftp://a", INSURER)), "must start with http:// or https://"),
        (_toml(1, ("insurer", "http://a", "insurer+00000000+AAAA")), "not a witness verifier key"),
        (_toml(1, ("insurer", "http://a", INSURER.replace("+", "+0", 1)[:-2])), "not a witness"),
        ("witness_quorum = -1\n", "witness_quorum' must be a whole number"),
        ('unwitnessed_day_close = "never"\n', 'must be "warn" or "block"'),
        ('[[witnesses]]\nname = "x"\n', "exactly name, url and key"),
    ],
)
def test_a_bad_witness_list_is_refused_saying_what_is_wrong(text: str, message: str) -> None:
    """Every mistake is a PolicyError naming it."""
    with pytest.raises(PolicyError, match=message):
        Policy.from_toml(text)


def test_a_log_key_is_not_a_witness_key() -> None:
    """A production's own checkpoint key (signature type 0x01) cannot be listed as a witness."""
    from showclear.ledger.note import Ed25519Signer

    log_key = Ed25519Signer.generate("insurer.example").verifier().verifier_key()
    with pytest.raises(PolicyError, match="not a witness verifier key"):
        Policy.from_toml(_toml(1, ("insurer", "http://a", log_key)))


def test_fewer_witnesses_or_a_lower_quorum_is_looser_and_more_is_stricter() -> None:
    """POLICY-CHANGE: only the safety coordinator drops a witness or lowers the quorum."""
    one = Policy.from_toml(_toml(1, ("insurer", "http://a", INSURER)))
    two = Policy.from_toml(_toml(2, ("insurer", "http://a", INSURER), ("union", "http://b", UNION)))
    assert set(compare_policies(one, two).stricter) == {"witnesses", "witness_quorum"}
    assert set(compare_policies(two, one).looser) == {"witnesses", "witness_quorum"}
    rekeyed = Policy.from_toml(_toml(1, ("insurer", "http://a", UNION)))
    assert compare_policies(one, rekeyed).looser == ("witnesses",)
    blocking = one.with_changes({"unwitnessed_day_close": "block"})
    assert compare_policies(one, blocking).stricter == ("unwitnessed_day_close",)
