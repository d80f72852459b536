"""docs/limits.md is the code's limits: each row's value is its constant's, none missing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from showclear import limits
from showclear.protocol.catalogue import CATALOGUE
from showclear.protocol.schema import Check, hints, metadata

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def _rows() -> list[list[str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| limit |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


ROWS = _rows()


def _list_limits(shape: object, where: str, seen: set[object]) -> Iterator[tuple[str, int]]:
    """Each list field of ``shape`` (nested too) with its most items, as ``Event.field``."""
    for name, tp in hints(shape).items():
        base, extras = metadata(tp)
        for extra in extras:
            if isinstance(extra, Check) and "maxItems" in extra.schema:
                yield f"{where}.{name}", extra.schema["maxItems"]
        for inner in (base, *typing.get_args(base)):
            nested = metadata(inner)[0]
            if typing.is_typeddict(nested) and nested not in seen:
                seen.add(nested)
                yield from _list_limits(nested, f"{where}.{name}", seen)


def _catalogue_limits() -> dict[str, int]:
    found: dict[str, int] = {}
    for name, spec in CATALOGUE.items():
        if spec.command is not None:
            found.update(_list_limits(spec.shape, name, set()))
    return found


_READ = """
import importlib, json, sys
found = {}
for where in sys.argv[1:]:
    module, _, name = where.rpartition(".")
    found[where] = getattr(importlib.import_module(module), name)
print(json.dumps(found))
"""


def _constants() -> dict[str, int]:
    """The constants the rows name, read by a fresh interpreter: the tests' conftest lowers
    or raises some of them (sign-ins a minute) for the whole session."""
    named = [row[3].strip("`") for row in ROWS if row[3].startswith("`showclear.")]
    done = subprocess.run(
        [sys.executable, "-c", _READ, *named], capture_output=True, text=True, check=True
    )
    found: dict[str, int] = json.loads(done.stdout)
    return found


CONSTANTS = _constants()


def _value_in_code(where: str) -> int:
    if where.startswith("showclear."):
        return CONSTANTS[where]
    return _catalogue_limits()[where]


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_each_limit_in_the_doc_has_the_value_of_its_constant(row: list[str]) -> None:
    """The value column is what the code holds requests to."""
    _, value, unit, where, answer = row
    assert int(value) == _value_in_code(where.strip("`")), row[0]
    assert unit and answer, row[0]


def test_every_list_limit_of_a_command_is_in_the_doc() -> None:
    """A list a command may send is bounded, and the doc says by how much."""
    documented = {row[3].strip("`") for row in ROWS}
    assert set(_catalogue_limits()) <= documented


def test_every_limit_constant_of_showclear_limits_is_in_the_doc() -> None:
    """The request limits themselves: body sizes, JSON shape, commands a minute."""
    documented = {row[3].strip("`") for row in ROWS}
    constants = [n for n in limits.__all__ if re.fullmatch(r"(MAX|COMMANDS)_[A-Z_]+", n)]
    assert len(constants) >= 6
    assert {f"showclear.limits.{name}" for name in constants} <= documented


def test_each_error_names_its_limit_as_the_doc_does() -> None:
    """The 413 and the 429 name the limit by the doc's first column, and its value."""
    body = limits.BODY_LIMITS["json"]
    too_large = str(limits.RequestTooLarge(body, body.bytes + 1))
    assert f"({body.name}) is {body.bytes:,} bytes" in too_large
    assert any(row[0] == body.name for row in ROWS)
    rate = str(limits.TooManyCommands("ava", limits.COMMANDS_PER_MINUTE, 30))
    assert f"commands per person per minute is {limits.COMMANDS_PER_MINUTE}" in rate
    assert any(row[0] == "commands per person per minute" for row in ROWS)
    depth = limits.json_shape_problem(b"[" * (limits.MAX_JSON_DEPTH + 1))
    assert depth is not None and f"(JSON depth) is {limits.MAX_JSON_DEPTH}" in depth
