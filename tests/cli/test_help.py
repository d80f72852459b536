"""Help that cannot drift: every command has an example, choices match the event catalog,
and docs/cli.md lists every command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
import typer
from typer.testing import CliRunner

from showclear.cli import app
from showclear.cli.parse import Role
from showclear.protocol import OVERRIDABLE_RULES
from showclear.protocol.catalogue import fields as events

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], bool]:
    """Every command and subcommand path below ``command``, groups included, and whether
    it is a group."""
    subcommands = getattr(command, "commands", None)
    found = {prefix: subcommands is not None} if prefix else {}
    for name, sub in sorted((subcommands or {}).items()):
        found |= _paths(sub, (*prefix, name))
    return found


TREE = _paths(typer.main.get_command(app))
COMMANDS = list(TREE)
LEAVES = [path for path, is_group in TREE.items() if not is_group]
#: The set-workflow commands and views of this module's issue (the ledger's are tested apart).
WORKFLOW = {
    "person", "pin", "storage", "day", "receive", "lot", "verify-dummies", "setup", "meeting",
    "take-out", "load", "unload", "inspect", "hand-over", "return", "discharge", "barrel-check",
    "meal-break", "wrap", "found-unattended", "found-live", "incident", "review", "concern",
    "override", "policy", "close-day", "board", "history", "who", "rounds",
}  # fmt: skip


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


def test_every_workflow_command_is_registered() -> None:
    """Each step of the protocol has its command."""
    assert {path[0] for path in COMMANDS} >= WORKFLOW


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    """`showclear ... --help` says what the command does and shows an example."""
    text = _help(path)
    assert "Example" in text, text
    assert f"showclear {' '.join(path)}" in text, text


@pytest.mark.parametrize(
    "path", [p for p in LEAVES if re.search(r"--as\b(?!-)", _help(p))], ids=" ".join
)
def test_every_acting_command_documents_where_the_pin_comes_from(path: tuple[str, ...]) -> None:
    """--as names the hidden prompt and the environment variables for scripts."""
    text = _help(path)
    assert "SHOWCLEAR_PIN" in text
    assert "hidden prompt" in text


def test_commands_that_confirm_name_the_confirming_persons_variable() -> None:
    """The receiver, performer and attendees are told where their PIN comes from."""
    for path in (("hand-over",), ("inspect",), ("meeting",)):
        assert "SHOWCLEAR_PIN_<PERSON>" in _help(path)


def test_role_choices_are_the_event_catalogs_roles() -> None:
    """The --role choices and events.Role are the same set."""
    assert {r.value for r in Role} == set(get_args(events.Role))


def test_the_override_help_names_exactly_the_overridable_rules() -> None:
    """The rule ids in `override --help` are the protocol's overridable rules."""
    text = _help(("override",))
    named = set(re.findall(r"\b(?:CUS|PLAN|AMMO|INC)-[A-Z-]+[A-Z]\b", text)) - {"INC-OVERRIDE"}
    assert named == OVERRIDABLE_RULES


def test_docs_cli_md_lists_every_command_and_exit_code() -> None:
    """docs/cli.md documents every command, the PIN variables and the exit codes."""
    text = DOCS.read_text(encoding="utf-8")
    for path in COMMANDS:
        if path[0] in WORKFLOW:
            assert f"showclear {' '.join(path)}" in text, path
    for name in ("SHOWCLEAR_PIN", "SHOWCLEAR_PIN_<PERSON>", "SHOWCLEAR_NEW_PIN", "SHOWCLEAR_NOW"):
        assert name in text
    from showclear.cli.context import ExitCode

    for code in ExitCode:
        assert re.search(rf"^\| {code.value} \|", text, re.MULTILINE), code
