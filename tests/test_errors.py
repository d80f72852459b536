"""One error tree, shown one way: the table of kinds, its docs, and every exception's place.

``showclear.errors.KINDS`` is the one table the CLI, the API and the web read; these tests
hold docs/errors.md, docs/api.md, docs/cli.md and the tree drawn in the module docstring
to it, and every exception class of the package to the root.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import showclear
from showclear import errors
from showclear.errors import KINDS, ErrorKind, ExitCode, ShowclearError, presentation
from showclear.protocol import InconsistentEventError, RuleSetError, UnknownReferenceError
from showclear.service import BadRequest, NotFound
from showclear.store import ProductionNotFound

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module of the showclear package."""
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(showclear.__path__, "showclear."):
        module = importlib.import_module(info.name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, BaseException)
            and value.__module__ == module.__name__
        ]
    return found


EXCEPTIONS = _exception_classes()


def _table_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table whose header starts with ``heading``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {heading} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _kind_cell(cell: str) -> ErrorKind:
    return ErrorKind(cell.strip("*` "))


def test_every_kind_has_one_row_in_the_table() -> None:
    """KINDS names every ErrorKind, so no kind can be shown by a guess."""
    assert set(KINDS) == set(ErrorKind)


def test_docs_errors_md_is_the_code_table() -> None:
    """docs/errors.md lists every kind once, with the exit code and status of KINDS."""
    rows = _table_rows((DOCS / "errors.md").read_text(encoding="utf-8"), "kind")
    documented = [(_kind_cell(r[0]), int(r[1]), int(r[2])) for r in rows]
    assert [kind for kind, *_ in documented] == list(ErrorKind), "one row per kind, in order"
    for kind, exit_code, status in documented:
        assert (exit_code, status) == (KINDS[kind].exit_code, KINDS[kind].status), kind
        assert all(cell for cell in rows[list(ErrorKind).index(kind)]), f"{kind}: empty cell"


def test_docs_api_md_gives_each_problem_type_its_status() -> None:
    """docs/api.md's problem types are kinds, each with the status of KINDS."""
    rows = _table_rows((DOCS / "api.md").read_text(encoding="utf-8"), "status")
    assert rows
    for row in rows:
        status, kind = int(row[0].strip("*")), _kind_cell(row[1])
        assert status == KINDS[kind].status, kind


def test_docs_cli_md_gives_each_exit_code_and_points_to_the_kinds() -> None:
    """docs/cli.md lists every exit code the kinds use and links docs/errors.md."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for shown in KINDS.values():
        assert re.search(rf"^\| {shown.exit_code.value} \|", text, re.MULTILINE), shown
    assert "errors.md" in text


def test_the_openapi_descriptions_name_kinds_of_their_status() -> None:
    """Every kind named in an OpenAPI error description has that description's status."""
    from showclear.api import problems

    kinds = {kind.value for kind in ErrorKind}
    for status, text in problems._DESCRIPTIONS.items():
        named = [name for name in re.findall(r"`([a-z-]+)`", text) if name in kinds]
        assert named, f"the description of {status} names no kind"
        for name in named:
            assert KINDS[ErrorKind(name)].status == status, (status, name)


def test_the_walk_finds_the_package_roots() -> None:
    """The walk below sees the exceptions of every layer (it would pass on an empty list)."""
    names = {cls.__name__ for cls in EXCEPTIONS}
    assert {"LedgerError", "ProtocolError", "StoreError", "ServiceError", "ApiError"} <= names
    assert {"ScenarioError", "LockedOut", "VerifyFailed"} <= names


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_exception_of_showclear_derives_from_showclear_error(
    cls: type[BaseException],
) -> None:
    """An exception outside the tree would be shown as an internal error, or not at all."""
    assert issubclass(cls, ShowclearError)


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_the_tree_in_the_docstring_gives_every_exception_its_kind(
    cls: type[ShowclearError],
) -> None:
    """showclear.errors draws every exception on a line with the kind it really has."""
    line = rf"(?m)^.*\b{re.escape(cls.__name__)}\b.*\s(?:``)?{re.escape(cls.kind)}(?![\w-])"
    assert re.search(line, errors.__doc__ or ""), f"{cls.__name__} is not drawn as {cls.kind}"


def test_a_subclass_keeps_its_parents_kind_unless_it_states_one() -> None:
    """MalformedEventError says nothing and is its root's invalid-event; the others state."""
    from showclear.protocol import MalformedEventError, ProtocolError

    assert MalformedEventError.kind is ProtocolError.kind is ErrorKind.INVALID_EVENT
    assert "kind" not in vars(MalformedEventError)
    assert ShowclearError.kind is ErrorKind.INTERNAL


@pytest.mark.parametrize(
    ("error", "exit_code", "status"),
    [
        (UnknownReferenceError("no person 'zed'"), ExitCode.NOT_FOUND, 422),
        (NotFound("no weapon 'colt-9'"), ExitCode.NOT_FOUND, 404),
        (ProductionNotFound("no production 'nope'"), ExitCode.NOT_FOUND, 404),
        (InconsistentEventError("the day is already open"), ExitCode.USAGE, 409),
        (BadRequest("entry 5 is not in the checkpoint"), ExitCode.USAGE, 400),
        (RuleSetError("an empty rule set"), ExitCode.FAILED, 500),
        (KeyError("a bug"), ExitCode.FAILED, 500),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else None,
)
def test_an_error_is_shown_by_its_kind(error: Exception, exit_code: int, status: int) -> None:
    """The CLI's exit code and the API's and web's status come from the same row."""
    shown = presentation(error)
    assert (shown.exit_code, shown.status) == (exit_code, status)
