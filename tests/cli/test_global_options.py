"""Global options before or after the subcommand, and the demo's suggestions as typed."""

from __future__ import annotations

import io
import os
import shlex
import stat
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import typer.main

from showclear.cli import app, main
from showclear.cli.context import global_options_first
from showclear.cli.demo import runnable_name

from .conftest import Cli, plan_and_meet

ROOT = typer.main.get_command(app)


def run_main(*argv: str) -> tuple[int, str]:
    """``showclear ARGV`` through the console script's ``main``: exit code and all output."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.argv", ["showclear", *argv])
        patch.setattr("sys.stdin", io.StringIO(""))
        with redirect_stdout(out), redirect_stderr(out):
            try:
                main()
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else int(e.code is not None)
    return code, " ".join(out.getvalue().split())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["verify", "--db", "x.db"], ["--db", "x.db", "verify"]),
        (["verify", "--db=x.db"], ["--db=x.db", "verify"]),
        (
            ["--key-dir", "k", "day", "open", "--duty", "mo=handler", "--production", "p"],
            ["--key-dir", "k", "--production", "p", "day", "open", "--duty", "mo=handler"],
        ),
        # init declares its own --production (the new production's name): it stays init's
        (
            ["init", "--production", "Dust Creek", "--db", "x.db"],
            ["--db", "x.db", "init", "--production", "Dust Creek"],
        ),
        # demo declares its own --db; --key-dir is still the global one
        (["demo", "--db", "d.db", "--key-dir", "k"], ["--key-dir", "k", "demo", "--db", "d.db"]),
        # the value of the command's own option is never taken for a global option
        (["setup", "plan", "1", "--scene", "--db"], ["setup", "plan", "1", "--scene", "--db"]),
        (["board", "--", "--db", "x"], ["board", "--", "--db", "x"]),
        (["no-such-command", "--db", "x"], ["no-such-command", "--db", "x"]),
    ],
)  # fmt: skip
def test_global_options_after_the_subcommand_mean_the_same_as_before_it(
    typed: list[str], meant: list[str]
) -> None:
    """Known global options typed after the command move before it; nothing else moves."""
    assert global_options_first(ROOT, typed) == meant


def test_verify_board_and_history_take_db_after_the_subcommand(stocked: Cli) -> None:
    """`showclear verify --db X` works as the console script, as do a view and a group."""
    where = ["--db", str(stocked.db), "--key-dir", str(stocked.keys)]
    code, text = run_main("verify", *where)
    assert code == 0, text
    assert "verified" in text.lower()
    code, text = run_main("history", "colt-1", *where)
    assert code == 0, text
    assert "colt-1" in text
    code, text = run_main("board", f"--db={stocked.db}", f"--key-dir={stocked.keys}", "--json")
    assert code == 0, text
    assert '"colt-1"' in text


def test_a_set_command_takes_global_options_after_it(stocked: Cli) -> None:
    """`showclear take-out ... --db X --key-dir K` records on that database."""
    plan_and_meet(stocked)
    before = stocked.weapon("colt-1")
    result = stocked.runner.invoke(
        app,
        [
            "take-out",
            "colt-1",
            "--setup",
            "1",
            "--as",
            "mo",
            "--db",
            str(stocked.db),
            "--key-dir",
            str(stocked.keys),
        ],
        env=stocked.environment(),
    )
    assert result.exit_code == 0, result.output
    assert stocked.weapon("colt-1") != before
    assert "taken out" in " ".join(result.output.split()).lower()


def test_a_wrong_database_after_the_subcommand_is_the_one_used(tmp_path: Path) -> None:
    """The moved option is really used: a database that is not there is refused by name."""
    missing = tmp_path / "nowhere.db"
    code, text = run_main("verify", "--db", str(missing), "--key-dir", str(tmp_path))
    assert code != 0
    assert "nowhere.db" in text


def test_the_demo_names_showclear_when_it_is_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the PATH, the suggestion is the bare command name."""
    script = tmp_path / "bin" / "showclear"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(script.parent))
    assert runnable_name() == "showclear"


def test_the_demo_names_the_script_relative_to_here_when_it_is_not_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the Quick start (venv not activated) the suggestion is .venv/bin/showclear."""
    script = tmp_path / ".venv" / "bin" / "showclear"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [str(script), "demo"])
    assert runnable_name() == os.path.join(".venv", "bin", "showclear")
    monkeypatch.chdir(script.parent)
    assert runnable_name() == "./showclear"


@pytest.mark.slow
def test_the_demos_try_lines_run_as_printed(tmp_path: Path) -> None:
    """Run as .venv/bin/showclear without the venv on PATH, every Try line runs as printed."""
    script = Path(sys.executable).parent / "showclear"
    if not script.exists():
        pytest.skip("the console script is not installed beside this Python")
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    env.pop("SHOWCLEAR_DB", None)
    demo = subprocess.run(
        [os.path.relpath(script, tmp_path), "demo", "--db", "d.db", "--key-dir", "keys"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout + demo.stderr
    lines = [
        line.strip()
        for line in demo.stdout.split("Try:", 1)[1].splitlines()
        if "--db" in line and "--key-dir" in line
    ]
    assert len(lines) == 6, demo.stdout
    for line in lines:
        argv = shlex.split(line)
        assert argv[0] == os.path.relpath(script, tmp_path)
        done = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, (line, done.stdout + done.stderr)
