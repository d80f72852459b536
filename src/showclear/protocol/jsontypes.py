"""JSON values as the ledger stores them.

Entries hold integers only (no floats: distances in centimetres), and times as
RFC 3339 strings in UTC (DESIGN: "The ledger format"; read and written by
:mod:`showclear.protocol.time`).
"""

from __future__ import annotations

from typing import TypeAlias, cast

__all__ = ["JSON", "JSONObject", "copy_json", "copy_object", "is_json"]

JSON: TypeAlias = "bool | int | str | list[JSON] | dict[str, JSON] | None"
JSONObject: TypeAlias = "dict[str, JSON]"


def is_json(value: object) -> bool:
    """Whether ``value`` is a JSON value the ledger can hold (no floats, string keys)."""
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return type(value) is int
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


def copy_json(value: JSON) -> JSON:
    """A deep copy of a JSON value (faster than ``copy.deepcopy`` for plain data)."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def copy_object(value: JSONObject) -> JSONObject:
    """A deep copy of a JSON object."""
    return cast("JSONObject", copy_json(value))
