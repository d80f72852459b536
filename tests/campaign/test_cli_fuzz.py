"""Random command lines built from the real commands' options, run in-process (issue 15 item
3): whatever the arguments, ``showclear`` ends with an exit code of the documented table
(showclear.errors.ExitCode), never a traceback. ``SHOWCLEAR_CAMPAIGN=long`` tries many more."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.campaign.harness import Site
from typer.testing import CliRunner

from showclear.cli import app, main
from showclear.errors import ExitCode

LONG = os.environ.get("SHOWCLEAR_CAMPAIGN") == "long"
#: Commands that serve until stopped, or build a whole demo production: not for a fuzzer.
BLOCKING = {("serve",), ("witness", "serve"), ("demo",), ("witness", "check")}
DOCUMENTED = {int(code) for code in ExitCode}


def _leaves(command: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        return {path: command}
    found: dict[tuple[str, ...], Any] = {}
    for name, sub in sorted(subcommands.items()):
        found |= _leaves(sub, (*path, name))
    return found


ROOT = typer.main.get_command(app)
COMMANDS = {path: c for path, c in _leaves(ROOT).items() if path not in BLOCKING}

#: Values that mean something to some command, and values that mean nothing to any.
MEANINGFUL = [
    "sam", "ann", "rev-1", "safe-1", "lot-1", "12a-1", "1", "6", "1-6", "0", "-1", "2.5",
    "9" * 30, "1-99999999", "2026-11-25", "2026-11-25T08:00:00Z", "9999-12-31T23:59:59Z",
    "crew", "armorer", "safety_coordinator", "empty", "blank", "live", "dust-creek", "a4",
    "https://witness.example", "CUS-SECURED", "", " ", "--", "-", "--help",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(MEANINGFUL),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
    st.integers(-(10**20), 10**20).map(str),
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A real command's path, then some of its options (and the global ones) with values,
    and some bare arguments: most wrong, some right."""
    path = draw(st.sampled_from(sorted(COMMANDS)))
    argv: list[str] = []
    for params, at in ((ROOT.params, "global"), (COMMANDS[path].params, "command")):
        options = [p for p in params if p.param_type_name == "option" and p.name != "help"]
        chosen = draw(st.lists(st.sampled_from(options), max_size=6)) if options else []
        words: list[str] = []
        for option in chosen:
            words.append(draw(st.sampled_from([*option.opts, *option.secondary_opts])))
            if not option.is_flag or draw(st.booleans()):
                words.append(draw(VALUES))
        if at == "command":
            words += draw(st.lists(VALUES, max_size=3))
            argv += [*path, *draw(st.permutations(words))]
        else:
            argv += words
    return argv


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A production the commands can act on, and a folder they may write files into."""
    work = tmp_path_factory.mktemp("fuzz")
    made = Site(str(work / "showclear.db"), work)
    made.create(crew=2)
    with contextlib.chdir(work):
        yield made


def run(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """``showclear ARGV`` through ``main()`` as the console script runs it, in CliRunner's
    isolation (stdin empty: a prompt is answered by end of input)."""
    runner = CliRunner()
    with runner.isolation(input="", env=env) as (out, err, _):
        saved = sys.argv
        sys.argv = ["showclear", *argv]
        try:
            main()
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else -1)
        finally:
            sys.argv = saved
        return code, out.getvalue().decode(errors="replace") + err.getvalue().decode(
            errors="replace"
        )


@settings(
    max_examples=2000 if LONG else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(argv=command_lines())
def test_any_command_line_ends_with_a_documented_exit_code_and_no_traceback(
    site: Site, argv: list[str]
) -> None:
    """No exception escapes ``main()``; the exit code is one of ExitCode's."""
    code, output = run(argv, site.env())
    assert code in DOCUMENTED, (argv, code, output[-2000:])
    assert "Traceback" not in output, (argv, output[-2000:])
