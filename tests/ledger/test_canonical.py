"""Canonical JSON entries: the exact bytes the ledger hashes (DESIGN, "Entry bytes").

UTF-8, keys sorted, no insignificant whitespace, integers only; for that subset the
bytes are RFC 8785 (JCS). Known answers come from the JCS reference test data,
github.com/cyberphone/json-canonicalization, testdata/input and testdata/output.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import (
    MAX_ENTRY_BYTES,
    EncodingError,
    LedgerError,
    canonical_json,
    parse_entry,
)

SAFE = 2**53 - 1


def _jcs_input(text: str) -> Any:
    # The reference inputs write 56.0 where JCS outputs 56; the ledger holds integers.
    return json.loads(text, parse_float=lambda s: int(float(s)))


# --- known answers ------------------------------------------------------------------


def test_structures_match_the_jcs_reference_output() -> None:
    """testdata/input/structures.json canonicalizes to testdata/output/structures.json."""
    source = (
        '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n'
        '  "a": { },\n  "111": [ { } ],\n  "A": { }\n}'
    )
    expected = '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}'
    assert canonical_json(_jcs_input(source)) == expected.encode()


def test_keys_sort_by_code_point_not_by_locale() -> None:
    """testdata/input/french.json: canonical order ignores French collation."""
    source = (
        '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n'
        '  "pêche": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n'
    )
    expected = (
        '{"peach":"This sorting order","péché":"is wrong according to French",'
        '"pêche":"but canonicalization MUST","sin":"ingnore locale"}'
    )
    assert canonical_json(_jcs_input(source)) == expected.encode("utf-8")


def test_unicode_is_written_as_is_without_normalization() -> None:
    """testdata/input/unicode.json: no NFC, no escaping of non-ASCII."""
    source = '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n'
    expected = '{"Unnormalized Unicode":"\u1e0d\u0307"}'
    assert canonical_json(_jcs_input(source)) == expected.encode("utf-8")


def test_weird_keys_match_the_jcs_reference_output() -> None:
    """testdata/input/weird.json, less its emoji key, which the ledger refuses (see below)."""
    source = (
        '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n'
        '  "\\u00f6": "Latin Small Letter O With Diaeresis",\n'
        '  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n'
    )
    # testdata/output/weird.json without its "\U0001f602":"Smiley" member.
    expected = (
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonical_json(_jcs_input(source)) == expected.encode("utf-8")


def test_string_escaping_matches_the_jcs_reference() -> None:
    """The "escaping" member of the json-canonicalization README sample."""
    source = r'{"escaping": "\u20ac$\u000F\u000aA' + "'" + r'\u0042\u0022\u005c\\\"\/"}'
    expected = r'{"escaping":"€$\u000f\nA' + "'" + r'B\"\\\\\"/"}'
    assert canonical_json(_jcs_input(source)) == expected.encode("utf-8")


def test_an_astral_key_is_refused_because_jcs_sorts_keys_by_utf16() -> None:
    """UTF-16 and code point order differ above U+FFFF, so such keys are refused."""
    with pytest.raises(EncodingError, match="Basic Multilingual Plane"):
        canonical_json({"\U0001f602": "Smiley", "\ufb33": "Dalet"})


def test_astral_characters_are_fine_in_values() -> None:
    """Only keys are sorted; an emoji value is written as its UTF-8 bytes."""
    assert canonical_json({"note": "\U0001f602"}) == '{"note":"\U0001f602"}'.encode()


def test_integers_up_to_two_to_the_53_minus_one_are_written_in_decimal() -> None:
    """The I-JSON safe range is accepted at both ends."""
    assert (
        canonical_json([SAFE, -SAFE, 0, True, None])
        == b"[9007199254740991,-9007199254740991,0,true,null]"
    )


# --- refusals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ({"weapon": {"barrel": 1.5}}, r"\$\.weapon\.barrel: 1\.5 is a float"),
        ({"rounds": [1, 2.0]}, r"\$\.rounds\[1\]: 2\.0 is a float"),
        ({"x": math.nan}, r"\$\.x: nan is a float"),
        ({"x": math.inf}, r"\$\.x: inf is a float"),
        ({"x": 2**53}, r"\$\.x: integer 9007199254740992 is outside"),
        ({"x": -(2**53)}, r"\$\.x: integer -9007199254740992 is outside"),
        ({1: "one"}, r"\$: key 1 is not a string"),
        ({"a": {None: 0}}, r"\$\.a: key None is not a string"),
        ({"sig": b"\x00"}, r"\$\.sig: bytes cannot be stored"),
        ({"xs": (1, 2)}, r"\$\.xs: tuple cannot be stored"),
        ({"xs": {1, 2}}, r"\$\.xs: set cannot be stored"),
        ({"when": object()}, r"\$\.when: object cannot be stored"),
        ({"s": "\ud800"}, r"\$\.s: lone surrogate U\+D800"),
        (1.0, r"\$: 1\.0 is a float"),
    ],
)
def test_values_outside_the_canonical_subset_are_refused_naming_where(
    value: object, match: str
) -> None:
    """Floats, NaN, unsafe integers, non-string keys, bytes and other types are refused."""
    with pytest.raises(EncodingError, match=match):
        canonical_json(value)


def test_encoding_errors_are_ledger_errors() -> None:
    """A caller can catch every ledger failure with LedgerError."""
    assert issubclass(EncodingError, LedgerError)


def test_an_entry_of_exactly_64_kib_is_accepted_and_one_byte_more_refused() -> None:
    """Entries stay within MAX_ENTRY_BYTES = 65536 (DESIGN: under 64 KiB)."""
    assert MAX_ENTRY_BYTES == 65536
    overhead = len(canonical_json({"a": ""}))
    assert len(canonical_json({"a": "x" * (MAX_ENTRY_BYTES - overhead)})) == MAX_ENTRY_BYTES
    with pytest.raises(EncodingError, match="65537 bytes; the ledger accepts at most 65536"):
        canonical_json({"a": "x" * (MAX_ENTRY_BYTES - overhead + 1)})


# --- parse_entry --------------------------------------------------------------------


def test_parse_entry_returns_the_value_of_canonical_bytes() -> None:
    """Canonical bytes parse back to the value they encode."""
    assert parse_entry(b'{"a":[1,"\xc3\xa9",null],"b":true}') == {"a": [1, "é", None], "b": True}


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b'{"a": 1}', "not in canonical form"),
        (b'{"b":1,"a":2}', "not in canonical form"),
        (b'{"a":1,"a":1}', "not in canonical form"),
        (b'"\\u00e9"', "not in canonical form"),
        (b'"\\/"', "not in canonical form"),
        (b"-0", "not in canonical form"),
        (b"[1]\n", "not in canonical form"),
        (b'{"a":1.0}', "non-integer number 1.0"),
        (b'{"a":1e3}', "non-integer number 1e3"),
        (b'{"a":NaN}', "non-integer number NaN"),
        (b"9007199254740992", "outside"),
        (b"\xff", "not UTF-8 JSON"),
        (b"\xef\xbb\xbf[]", "not UTF-8 JSON"),
        (b"", "not UTF-8 JSON"),
        (b'{"a":', "not UTF-8 JSON"),
    ],
)
def test_parse_entry_refuses_bytes_that_are_not_exactly_canonical(data: bytes, match: str) -> None:
    """Stored bytes are never re-serialized to verify, so any other spelling is refused."""
    with pytest.raises(EncodingError, match=match):
        parse_entry(data)


# --- properties ---------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=12)
_keys = st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-SAFE, max_value=SAFE) | _text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_canonical_bytes_round_trip_through_parse_entry(value: Any) -> None:
    """parse_entry(canonical_json(v)) == v, and encoding is a fixed point."""
    data = canonical_json(value)
    assert parse_entry(data) == value
    assert canonical_json(json.loads(data)) == data
    assert data.decode("utf-8")  # always valid UTF-8


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(_keys, json_values, min_size=2, max_size=6), seed=st.randoms())
def test_key_insertion_order_does_not_change_the_bytes(value: dict[str, Any], seed: Any) -> None:
    """Two dicts with the same items encode to the same entry."""
    items = list(value.items())
    seed.shuffle(items)
    assert canonical_json(dict(items)) == canonical_json(value)


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_any_other_spelling_of_a_value_is_refused(value: Any) -> None:
    """Pretty-printed or ASCII-escaped JSON is refused unless it is byte-identical."""
    for spelling in (
        json.dumps(value, indent=1).encode(),
        json.dumps(value, ensure_ascii=True).encode(),
    ):
        if spelling != canonical_json(value):
            with pytest.raises(EncodingError):
                parse_entry(spelling)


@settings(max_examples=100, deadline=None)
@given(
    value=json_values,
    bad=st.floats(allow_nan=True, allow_infinity=True)
    | st.binary(max_size=3)
    | st.tuples(st.integers())
    | st.integers(min_value=SAFE + 1)
    | st.integers(max_value=-SAFE - 1),
)
def test_a_forbidden_value_anywhere_is_refused(value: Any, bad: object) -> None:
    """Wrapping any value together with a float, bytes, tuple or unsafe integer is refused."""
    with pytest.raises(EncodingError):
        canonical_json({"ok": value, "bad": [value, bad]})
