"""parse_entry's fast path gives exactly the verdict of the canonical form's definition.

``showclear.ledger.parse_entry`` decides the usual entry by decoding, re-encoding and
comparing, and only then walks the value. These properties hold it to the
definition, spelt out here as the oracle: UTF-8 JSON with no floats, NaN or
infinities whose canonical encoding is exactly the bytes. So a change to the
fast path cannot leave verification accepting what the ledger refuses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.ledger import EncodingError, LedgerError, canonical_json, parse_entry

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.sampled_from([2**53 - 1, 2**53, -(2**53 - 1), -(2**53), 10**15, 10**16])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(alphabet=st.characters(codec="utf-8"))
    | st.sampled_from(["\ud800", "\U0001f52b", "é", "\x00", '"', "\\"])
)
keys = st.text(max_size=4) | st.sampled_from(["\U0001f52b", "\ud83d", "a", "b", "é"])
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


def _refuse(text: str) -> Any:
    raise EncodingError(f"not an integer: {text}")


def verdict_of_the_definition(data: bytes) -> tuple[bool, Any]:
    """The oracle: decode in full, then re-encode canonically and compare."""
    try:
        value = json.loads(data.decode("utf-8"), parse_float=_refuse, parse_constant=_refuse)
        canonical = canonical_json(value) == data
    except ValueError:  # not UTF-8, not JSON, a float, or a value the ledger cannot hold
        return False, None
    return (True, value) if canonical else (False, None)


def verdict_of_parse_entry(data: bytes) -> tuple[bool, Any]:
    try:
        return True, parse_entry(data)
    except LedgerError:
        return False, None


def encodings(value: Any) -> list[bytes]:
    """The canonical form and a few near misses of it."""
    out = []
    for sort_keys in (True, False):
        for ensure_ascii in (True, False):
            for separators in ((",", ":"), (", ", ": ")):
                try:
                    text = json.dumps(
                        value,
                        sort_keys=sort_keys,
                        ensure_ascii=ensure_ascii,
                        separators=separators,
                    )
                    out.append(text.encode("utf-8", "surrogatepass"))
                except (TypeError, ValueError):
                    pass
    return out


@settings(max_examples=400, deadline=None)
@given(values)
def test_parse_entry_agrees_with_the_definition_on_every_encoding(value: Any) -> None:
    """Canonical or not, ASCII or not, in range or not: the same verdict, the same value."""
    for data in encodings(value):
        assert verdict_of_parse_entry(data) == verdict_of_the_definition(data), data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | st.sampled_from([b"1.0", b"NaN", b"1e3", b"-0", b"01", b"[]"]))
def test_parse_entry_agrees_with_the_definition_on_arbitrary_bytes(data: bytes) -> None:
    """Bytes that are not JSON at all are refused by both."""
    assert verdict_of_parse_entry(data) == verdict_of_the_definition(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"n":9007199254740991}',
        b'{"n":9007199254740992}',
        b'{"a":1,"a":2}',
        b'{"b":1,"a":2}',
        b'"\\ud800"',
        b'"\\u00e9"',
        '"é"'.encode(),
        b'{"\\ud83d\\udd2b":1}',
        '{"\U0001f52b":1}'.encode(),
        b'{"n":1.5}',
        b'{"n":-0}',
        b" {}",
        b'"' + b"x" * 70_000 + b'"',
    ],
)
def test_parse_entry_agrees_with_the_definition_on_known_edge_cases(data: bytes) -> None:
    """Integer limits, duplicate keys, escapes, astral keys, floats, padding, size."""
    assert verdict_of_parse_entry(data) == verdict_of_the_definition(data)
