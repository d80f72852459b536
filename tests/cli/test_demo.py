"""`showclear demo`: the README's first command shows the whole product, and tells the truth."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from showclear.cli import app
from showclear.demo import western_day
from showclear.service import MemoryKeyring, build_app

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def quick_start_commands() -> list[str]:
    """The shell commands of the README's Quick start, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_the_readme_quick_start_has_exactly_two_commands() -> None:
    """One command runs the demo, the other is what CI runs."""
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("showclear demo")
    assert commands[1] == "bash .ci/run"


@pytest.mark.slow
def test_the_readme_demo_command_runs_exactly_as_written() -> None:
    """The first Quick start command, run by a shell in the repository, exits 0 and verifies."""
    done = subprocess.run(
        ["bash", "-c", quick_start_commands()[0]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ledger verified" in done.stdout


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    result = runner.invoke(app, ["--key-dir", str(folder / "keys"), "demo", "--db", str(db)])
    return result.output, db


def test_the_demo_refuses_what_matters_and_exits_zero(demo_run: tuple[str, Path]) -> None:
    """The AD's handoff, the stale inspection, the cease-fire handoff and the suspect lot's
    dummies are each refused."""
    output, _ = demo_run
    assert "The demo expected a different outcome" not in output
    for rule in ("CUS-HANDLER", "CUS-SHOW-CLEAR", "INC-CEASEFIRE", "AMMO-SUSPECT"):
        assert rule in output
    assert output.count("REFUSED") == 4


def test_the_demo_tells_each_step_of_its_scenario_file_in_order(
    demo_run: tuple[str, Path],
) -> None:
    """The story is western-day.yaml: each step's time of day and note, one after the other."""
    output, _ = demo_run
    told = " ".join(output.split())
    scenario = western_day(datetime.now(UTC).date())
    position = 0
    for step in scenario.steps:
        line = f"{step.event['at'][11:16]} {' '.join(step.note.split())}"
        found = told.find(line, position)
        assert found >= 0, f"not told in order: {line}"
        position = found + len(line)


def test_the_demo_ledger_verifies_and_its_board_matches_the_narration(
    demo_run: tuple[str, Path],
) -> None:
    """Every weapon ends in the safe, cold; the blanks balance: 12 = 10 + 1 fired + 1 returned."""
    output, db = demo_run
    assert "Ledger verified" in output
    demo_app = build_app(str(db), keyring=MemoryKeyring())
    try:
        slug = demo_app.resolve(None)
        assert demo_app.verify(slug).ok
        board = demo_app.board(slug)
        assert {w.weapon: (w.state, w.storage) for w in board.weapons} == {
            "colt-1": ("COLD", "safe"),
            "colt-2": ("COLD", "safe"),
            "replica-1": ("COLD", "safe"),
        }
        assert not board.ceasefire["active"]
        lots = {lot["lot"]: lot for lot in demo_app.rounds(slug)}
        blanks, dummies = lots["blk-45"], lots["dum-45"]
        assert (
            blanks["received"],
            blanks["in_storage"],
            blanks["expended"],
            blanks["returned"],
        ) == (
            12,
            10,
            1,
            1,
        )
        # A live round was found in dum-45's box: suspect, and returned to the supplier.
        assert (
            dummies["received"],
            dummies["in_storage"],
            dummies["returned"],
            dummies["verified"],
        ) == (24, 0, 24, 24)
        assert dummies["suspect"]["reason"] == "a live round was found in it"
    finally:
        demo_app.close()


def test_the_demo_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    """Pointing --db at an existing file is a usage error, and the file is untouched."""
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"keep me")
    result = runner.invoke(app, ["demo", "--db", str(existing)])
    assert result.exit_code == 2
    assert existing.read_bytes() == b"keep me"
