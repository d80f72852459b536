"""Canonical JSON for ledger entries.

Entries are UTF-8 JSON with keys sorted by code point, no insignificant
whitespace, and integers only. For that subset the output is identical to
RFC 8785 (JSON Canonicalization Scheme): with no floats, JCS number
serialization reduces to plain decimal integers, and sorting Python ``str`` keys
by code point equals JCS's UTF-16 sort for every key in the Basic Multilingual
Plane (astral-plane keys are refused, so the two orders can never differ).

The stored bytes are what is hashed; verification never re-serializes.
"""

from __future__ import annotations

import json
from typing import TypeAlias

from showclear.ledger.errors import EncodingError

__all__ = ["MAX_ENTRY_BYTES", "MAX_SAFE_INTEGER", "JSONValue", "canonical_json", "parse_entry"]

JSONValue: TypeAlias = "bool | int | str | list[JSONValue] | dict[str, JSONValue] | None"

#: An entry larger than this is refused (DESIGN: "an entry stays under 64 KiB").
MAX_ENTRY_BYTES = 64 * 1024
#: I-JSON (RFC 7493 §2.2): integers outside ±(2**53 - 1) do not survive other parsers.
MAX_SAFE_INTEGER = 2**53 - 1

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _check(value: object, path: str) -> None:
    # Walk the value first so that the error names the exact place that is wrong.
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str):
            _check_text(value, path, is_key=False)
        return
    if isinstance(value, int):
        if type(value) is not int:
            raise EncodingError(f"{path}: {type(value).__name__} is not a plain integer")
        if abs(value) > MAX_SAFE_INTEGER:
            raise EncodingError(f"{path}: integer {value} is outside ±(2**53 - 1)")
        return
    if isinstance(value, float):
        raise EncodingError(
            f"{path}: {value!r} is a float; entries hold integers only "
            "(use centimetres, seconds or counts)"
        )
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError(f"{path}: key {key!r} is not a string")
            _check_text(key, f"{path} key {key!r}", is_key=True)
            _check(item, f"{path}.{key}")
        return
    raise EncodingError(f"{path}: {type(value).__name__} cannot be stored in the ledger")


def _check_text(text: str, path: str, *, is_key: bool) -> None:
    if text.isascii():  # the common case, checked at C speed
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise EncodingError(
            f"{path}: lone surrogate U+{ord(text[e.start]):04X} is not valid UTF-8"
        ) from None
    # JCS sorts keys by UTF-16 code units; refusing astral keys keeps our
    # code-point sort identical to it.
    if is_key and max(text) > "\uffff":
        raise EncodingError(f"{path}: keys outside the Basic Multilingual Plane are refused")


def _valid_text(text: str, *, is_key: bool) -> bool:
    if text.isascii():
        return True
    try:
        _check_text(text, "", is_key=is_key)
    except EncodingError:
        return False
    return True


def _valid(value: object) -> bool:
    """Whether ``value`` can be encoded: the fast walk, with no paths to build."""
    kind = type(value)
    if kind is str:
        return _valid_text(value, is_key=False)  # type: ignore[arg-type]
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER  # type: ignore[operator]
    if kind is bool or value is None:
        return True
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str or not _valid_text(key, is_key=True) or not _valid(item):
                return False
        return True
    if kind is list:
        return all(_valid(item) for item in value)  # type: ignore[attr-defined]
    return False


def canonical_json(value: object) -> bytes:
    """Encode ``value`` as a canonical ledger entry.

    Raises:
        EncodingError: a float, NaN, non-string key, bytes or other unsupported
            type anywhere in ``value``, or an encoding over ``MAX_ENTRY_BYTES``.
    """
    if not _valid(value):
        _check(value, "$")  # the slow walk names the exact place that is wrong
        raise EncodingError("entry cannot be encoded")  # pragma: no cover - _check raised
    data = _ENCODER.encode(value).encode("utf-8")
    if len(data) > MAX_ENTRY_BYTES:
        raise EncodingError(
            f"entry is {len(data)} bytes; the ledger accepts at most {MAX_ENTRY_BYTES}"
        )
    return data


def parse_entry(data: bytes) -> JSONValue:
    """Decode an entry, insisting that ``data`` is exactly its canonical form.

    Raises:
        EncodingError: the bytes are not UTF-8 JSON, or not canonical.
    """
    # The usual entry (ASCII, under the size limit, integers in range) is canonical
    # exactly when decoding and re-encoding gives back the same bytes: no walk needed.
    # Anything else, and every failure, takes the full path, which also words the error.
    if len(data) <= MAX_ENTRY_BYTES and data.isascii():
        try:
            value: JSONValue = _DECODER.decode(data.decode("ascii"))
            if _ENCODER.encode(value).encode("utf-8") == data:
                return value
        except ValueError:  # also UnicodeError and EncodingError: both are ValueErrors
            pass
    try:
        value = json.loads(
            data.decode("utf-8"), parse_float=_refuse_float, parse_constant=_refuse_float
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EncodingError(f"entry is not UTF-8 JSON: {e}") from e
    if canonical_json(value) != data:
        raise EncodingError("entry bytes are not in canonical form")
    return value


def _refuse_float(text: str) -> object:
    raise EncodingError(f"entry holds the non-integer number {text}")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise EncodingError(f"integer {text} is outside ±(2**53 - 1)")
    return value


_DECODER = json.JSONDecoder(
    parse_float=_refuse_float, parse_int=_safe_int, parse_constant=_refuse_float
)
