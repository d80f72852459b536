"""`showclear scenario run` replays scenario files through the real service and ledger."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from showclear.cli import app

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
runner = CliRunner()


def test_every_scenario_file_passes_on_a_real_ledger() -> None:
    """All shipped scenarios replay on SQLite with the expected outcomes and verify."""
    result = runner.invoke(app, ["scenario", "run", "--quiet", *map(str, SCENARIOS)])
    assert result.exit_code == 0, result.output
    assert f"{len(SCENARIOS)} of {len(SCENARIOS)} scenario files passed" in result.output
    assert result.output.count("Final ledger verified.") == len(SCENARIOS)


def test_a_step_whose_outcome_differs_fails_the_run(tmp_path: Path) -> None:
    """Expecting an allowed step to be refused makes the run exit 1 and name the step."""
    text = (Path(__file__).parents[2] / "scenarios" / "compliant-day.yaml").read_text()
    lines = text.splitlines()
    first_expect = next(i for i, line in enumerate(lines) if "do: take_out" in line)
    lines[first_expect] = lines[first_expect].replace(
        "setup: 10A}", "setup: 10A, expect: {refused: [CUS-HANDLER]}}"
    )
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["scenario", "run", str(wrong)])
    assert result.exit_code == 1
    assert f"line {first_expect + 1:>4}" in result.output


def test_a_malformed_file_names_its_line(tmp_path: Path) -> None:
    """A scenario with a broken step is refused with its file and line number, exit 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("production: X\nsteps:\n  - at: nonsense\n    as: nobody\n    do: fly\n")
    result = runner.invoke(app, ["scenario", "run", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:" in result.output
