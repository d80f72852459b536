"""Runtime checking of event shapes, read from the events' own type annotations.

The catalogue in :mod:`showclear.protocol.catalogue` is written as ``TypedDict`` classes;
this module walks their annotations so that the types mypy checks and the shapes
the protocol accepts at run time are one declaration, never two that could drift.
Constraints beyond the Python type (an id's spelling, a time's format, a count that
cannot be negative) are attached with ``Annotated[..., Check(...)]``.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import (
    Annotated,
    Any,
    Literal,
    NotRequired,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from showclear.protocol.errors import MalformedEventError
from showclear.protocol.jsontypes import is_json
from showclear.protocol.time import parse_date, parse_time

__all__ = [
    "ANY_JSON",
    "ASSIGNED",
    "CHAMBER",
    "DATE",
    "FREE_TEXT",
    "ID",
    "ID_PATTERN",
    "MAX_CHAMBERS",
    "NON_NEGATIVE",
    "POSITIVE",
    "RULE_ID",
    "SHA256",
    "SHA256_PATTERN",
    "TEXT",
    "TEXT_REFUSED",
    "TIME",
    "Assigned",
    "Check",
    "Doc",
    "check_shape",
    "hints",
    "items",
    "metadata",
    "recorded_entries",
    "unique",
]

#: Free text in an entry stays short: an entry as a whole stays under 64 KiB (DESIGN).
MAX_TEXT = 2000


#: The most chambers (or magazine positions) one weapon can have.
MAX_CHAMBERS = 1000


@dataclass(frozen=True)
class Check:
    """A constraint on a value beyond its Python type; ``explain`` completes "must be ..."."""

    explain: str
    test: Callable[[Any], bool]
    #: The same constraint in JSON Schema's words (``pattern``, ``minLength``, ``maximum``,
    #: ``maxItems``, ...), so the API's schema and the CLI say exactly what is checked here.
    schema: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: The test an entry already in a ledger is held to, where a constraint was made
    #: stricter after entries were recorded (None: the same ``test``). A ledger written
    #: under the older rule must still replay and verify: what was recorded is history.
    recorded: Callable[[Any], bool] | None = field(default=None, hash=False, compare=False)


#: Set while entries already in a ledger are folded (:func:`recorded_entries`).
_RECORDED: ContextVar[bool] = ContextVar("recorded_entries", default=False)


@contextmanager
def recorded_entries() -> Iterator[None]:
    """Check shapes as entries already recorded: each ``Check.recorded`` instead of its test."""
    token = _RECORDED.set(True)
    try:
        yield
    finally:
        _RECORDED.reset(token)


@dataclass(frozen=True)
class Doc:
    """What a field means, in one sentence: the API schema and the CLI help show it."""

    text: str


@dataclass(frozen=True)
class Assigned:
    """A field :func:`showclear.protocol.engine.decide` fills in: refused in a proposal."""


ASSIGNED = Assigned()


def items(low: int, high: int) -> Check:
    """A list (or mapping) holding from ``low`` to ``high`` items."""
    noun = "item" if high == 1 else "items"
    explain = f"at most {high} {noun}" if low == 0 else f"from {low} to {high} {noun}"
    return Check(explain, lambda v: low <= len(v) <= high, {"minItems": low, "maxItems": high})


def unique(key: str | None = None) -> Check:
    """A list naming each thing once: each item, or each item's field ``key``, differs."""

    def test(value: Any) -> bool:
        seen = [item.get(key) if isinstance(item, dict) else item for item in value]
        seen = seen if key is None else [v for v in seen if v is not None]
        return len({repr(v) for v in seen}) == len(seen)

    noun = "item" if key is None else key
    schema = {"uniqueItems": True} if key is None else {"x-unique-by": key}
    # Entries recorded before the list had to be unique (issue 15) keep replaying.
    return Check(f"naming each {noun} once", test, schema, recorded=lambda _: True)


def _parses(parse: Callable[[str], object]) -> Callable[[Any], bool]:
    def test(value: Any) -> bool:
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return test


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ID_PATTERN = re.compile(ID_PATTERN)
_RULE_PATTERN = re.compile(r"^[A-Z]+(-[A-Z]+)+$")

ID = Check(
    "an id of letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit)",
    lambda v: bool(_ID_PATTERN.match(v)),
    {"pattern": ID_PATTERN, "maxLength": 64},
)
RULE_ID = Check(
    "a rule id such as CUS-HANDLER",
    lambda v: bool(_RULE_PATTERN.match(v)),
    {"pattern": _RULE_PATTERN.pattern},
)
#: The control characters no text may hold (C0, as a regex class body): NUL (PostgreSQL
#: text cannot hold it) and the rest, which no person types and which would garble a page,
#: a report or a terminal. Tab and line breaks stay: notes are written on several lines,
#: and a browser sends a text area's line breaks as CR LF.
TEXT_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f"
_REFUSED = re.compile(f"[{TEXT_REFUSED}]")
TEXT = Check(
    f"non-empty text of at most {MAX_TEXT} characters, without control characters "
    "(tab and line breaks are fine)",
    lambda v: bool(v.strip()) and len(v) <= MAX_TEXT and not _REFUSED.search(v),
    {
        "minLength": 1,
        "maxLength": MAX_TEXT,
        "pattern": rf"^[^{TEXT_REFUSED}]*[^\s{TEXT_REFUSED}][^{TEXT_REFUSED}]*$",
    },
    # Before issue 15 only NUL was refused: text recorded then with another control
    # character stays readable history.
    recorded=lambda v: bool(v.strip()) and len(v) <= MAX_TEXT and "\x00" not in v,
)
FREE_TEXT = Check(
    f"text of at most {MAX_TEXT} characters, without control characters "
    "(tab and line breaks are fine)",
    lambda v: len(v) <= MAX_TEXT and not _REFUSED.search(v),
    {"maxLength": MAX_TEXT, "pattern": rf"^[^{TEXT_REFUSED}]*$"},
    recorded=lambda v: len(v) <= MAX_TEXT and "\x00" not in v,
)
TIME = Check(
    "an RFC 3339 UTC time like 2026-11-25T08:00:00Z", _parses(parse_time), {"format": "date-time"}
)
DATE = Check("a date like 2026-11-25", _parses(parse_date), {"format": "date"})
NON_NEGATIVE = Check("a whole number, zero or more", lambda v: v >= 0, {"minimum": 0})
POSITIVE = Check("a whole number, one or more", lambda v: v >= 1, {"minimum": 1})
CHAMBER = Check(
    f"a chamber number from 1 to {MAX_CHAMBERS}",
    lambda v: 1 <= v <= MAX_CHAMBERS,
    {"minimum": 1, "maximum": MAX_CHAMBERS},
)
ANY_JSON = Check("a JSON value without floats", is_json)
SHA256_PATTERN = r"^[0-9a-f]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)
SHA256 = Check(
    "a SHA-256 as 64 lowercase hex digits",
    lambda v: bool(_SHA256.match(v)),
    {"pattern": SHA256_PATTERN, "minLength": 64, "maxLength": 64},
)

_NONE_TYPE = type(None)


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Annotated:
        base, *checks = get_args(tp)
        found = [c for c in checks if isinstance(c, Check)]
        return found[0].explain if found else _describe(base)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in get_args(tp))
    if origin is list:
        return f"a list of {_describe(get_args(tp)[0])}"
    if origin is dict:
        return f"a mapping to {_describe(get_args(tp)[1])}"
    if is_typeddict(tp):
        return "a mapping with the fields " + ", ".join(sorted(hints(tp)))
    names = {str: "text", int: "a whole number", bool: "true or false", _NONE_TYPE: "null"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


_HINTS: dict[type, Mapping[str, Any]] = {}


def hints(cls: Any) -> Mapping[str, Any]:
    """The field annotations of TypedDict ``cls``, with their ``Annotated`` extras (cached)."""
    found = _HINTS.get(cls)
    if found is None:
        found = get_type_hints(cls, include_extras=True)
        _HINTS[cls] = found
    return found


def metadata(tp: Any) -> tuple[Any, list[object]]:
    """``tp`` without ``NotRequired`` and ``Annotated``, and the ``Annotated`` extras it had."""
    extras: list[object] = []
    while True:
        origin = get_origin(tp)
        if origin is NotRequired:
            tp = get_args(tp)[0]
        elif origin is Annotated:
            tp, *more = get_args(tp)
            extras += more
        else:
            return tp, extras


def _matches(value: Any, tp: Any) -> bool:
    try:
        _check(value, tp, "")
    except MalformedEventError:
        return False
    return True


def _fail(path: str, tp: Any, value: Any) -> MalformedEventError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return MalformedEventError(f"{path} must be {_describe(tp)}, got {shown}")


def _check(value: Any, tp: Any, path: str) -> None:
    origin = get_origin(tp)
    if origin is NotRequired:
        _check(value, get_args(tp)[0], path)
        return
    if origin is Annotated:
        base, *checks = get_args(tp)
        try:
            _check(value, base, path)
        except MalformedEventError:
            if isinstance(value, dict | list):
                raise  # the inner error names the exact place
            raise _fail(path, tp, value) from None
        for check in checks:
            if isinstance(check, Check):
                test = check.test
                if check.recorded is not None and _RECORDED.get():
                    test = check.recorded
                if not test(value):
                    raise _fail(path, tp, value)
        return
    if tp is Any or tp is object:
        return
    if origin is Literal:
        if not any(type(value) is type(a) and value == a for a in get_args(tp)):
            raise _fail(path, tp, value)
        return
    if origin in (Union, types.UnionType):
        if not any(_matches(value, arm) for arm in get_args(tp)):
            # Name the deepest problem when only one arm is not null.
            arms = [a for a in get_args(tp) if a is not _NONE_TYPE]
            if len(arms) == 1 and value is not None:
                _check(value, arms[0], path)
            raise _fail(path, tp, value)
        return
    if origin is list:
        if not isinstance(value, list):
            raise _fail(path, tp, value)
        (item,) = get_args(tp)
        for i, element in enumerate(value):
            _check(element, item, f"{path}[{i}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise _fail(path, tp, value)
        key_type, item = get_args(tp)
        for key, element in value.items():
            _check(key, key_type, f"{path} key {key!r}")
            _check(element, item, f"{path}[{key!r}]")
        return
    if is_typeddict(tp):
        check_shape(value, tp, path)
        return
    if tp is _NONE_TYPE:
        if value is not None:
            raise _fail(path, tp, value)
        return
    if tp is int:
        if type(value) is not int:
            raise _fail(path, tp, value)
        return
    if tp in (str, bool):
        if type(value) is not tp:
            raise _fail(path, tp, value)
        return
    raise TypeError(f"schema cannot check {tp!r} at {path}")  # a catalog bug, not input


def check_shape(value: object, cls: Any, path: str) -> None:
    """Check that ``value`` has exactly the fields of TypedDict ``cls``, each of its type.

    Raises MalformedEventError naming ``path`` and the field that is wrong.
    """
    if not isinstance(value, dict):
        raise MalformedEventError(f"{path} must be a mapping, got {value!r}")
    fields = hints(cls)
    for key in value:
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise MalformedEventError(f"{path} has an unknown field {key!r} (known: {known})")
    for key in sorted(fields):
        # Read NotRequired from the hints: __required_keys__ misses it under postponed
        # annotations on Python 3.11.
        if get_origin(fields[key]) is not NotRequired and key not in value:
            raise MalformedEventError(f"{path} is missing the field {key!r}")
    for key, item in value.items():
        _check(item, fields[key], f"{path}.{key}")
