"""The command line as a crew uses it: a production, its people and a clock for each test.

``cli(...)`` runs ``showclear`` through Typer's CliRunner on this test's database and key
directory, with every cast member's PIN in ``SHOWCLEAR_PIN_<PERSON>`` and the clock fixed
by ``SHOWCLEAR_NOW``, which moves one minute forward after every command. Typer's click
command tree is built once, not on every run.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from showclear.cli import app, main
from showclear.cli.identity import pin_variable
from showclear.protocol.time import format_time
from showclear.service import App, build_app
from showclear.service.keys import FileKeyring

if TYPE_CHECKING:
    from tests.conftest import Backend, Engine

#: The first shoot day's call time.
CALL = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)

#: person -> (name, roles, PIN)
CAST: dict[str, tuple[str, list[str], str]] = {
    "sam": ("Sam Ortiz", ["safety_coordinator"], "1111"),
    "pat": ("Pat Kim", ["producer"], "2222"),
    "mo": ("Mo Diaz", ["armorer"], "3333"),
    "lee": ("Lee Park", ["first_ad"], "4444"),
    "ana": ("Ana Reyes", ["performer"], "5555"),
    "ben": ("Ben Cole", ["performer"], "6666"),
    "kim": ("Kim Wu", ["crew"], "7777"),
}
PINS = {person: pin for person, (_name, _roles, pin) in CAST.items()}


@dataclass(frozen=True)
class Ran:
    """What one run of ``showclear.cli.main`` (the console script) did."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr with Rich's line wrapping undone, for matching whole messages."""
        return " ".join((self.out + " " + self.err).split())


@dataclass
class Cli:
    """Runs showclear commands on one database, at a clock that moves a minute per command."""

    db: str  # a SQLite path or a postgresql:// URL (tests/conftest.py: backend)
    keys: Path
    now: datetime = CALL
    env: dict[str, str | None] = field(default_factory=dict)
    runner: CliRunner = field(default_factory=CliRunner)

    def environment(self, env: dict[str, str | None] | None = None) -> dict[str, str | None]:
        return {
            "SHOWCLEAR_PIN": None,
            "SHOWCLEAR_NEW_PIN": None,
            "SHOWCLEAR_DB": None,
            "SHOWCLEAR_KEY_DIR": None,
            **{pin_variable(p): pin for p, pin in PINS.items()},
            "SHOWCLEAR_NOW": format_time(self.now),
            **self.env,
            **(env or {}),
        }

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str | None] | None = None
    ) -> Result:
        """Run ``showclear --db DB --key-dir KEYS ARGS`` through Typer's CliRunner."""
        result = self.runner.invoke(
            app,
            ["--db", str(self.db), "--key-dir", str(self.keys), *args],
            input=input,
            env=self.environment(env),
        )
        self.now += timedelta(minutes=1)
        return result

    def main(self, *args: str, env: dict[str, str | None] | None = None) -> Ran:
        """Run ``showclear.cli.main`` as the console script does, errors mapped to exit codes."""
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.environment(env).items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            argv = ["showclear", "--db", str(self.db), "--key-dir", str(self.keys), *args]
            patch.setattr("sys.argv", argv)
            patch.setattr("sys.stdin", io.StringIO(""))
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    main()
                    code = 0
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else int(e.code is not None)
        self.now += timedelta(minutes=1)
        return Ran(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str, **kwargs: Any) -> Result:
        """Run a command that must succeed (exit 0)."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def refused(self, *args: str, rules: set[str], **kwargs: Any) -> Result:
        """Run a command that a rule must refuse (exit 4), naming at least ``rules``."""
        result = self(*args, **kwargs)
        assert result.exit_code == 4, (args, result.output, result.exception)
        for rule in rules:
            assert rule in result.output, (rule, result.output)
        return result

    def json(self, *args: str) -> Any:
        """A view's ``--json`` output, parsed."""
        return json.loads(self.ok(*args, "--json").stdout)

    def weapon(self, weapon: str) -> dict[str, Any]:
        """The board's record of one weapon."""
        board = self.json("board")
        return next(w for w in board["weapons"] if w["weapon"] == weapon)

    def lot(self, lot: str) -> dict[str, Any]:
        """The round accounting of one lot."""
        return next(row for row in self.json("rounds") if row["lot"] == lot)

    def app(self) -> App:
        """The service over the same database (close it after use)."""
        return build_app(str(self.db), keyring=FileKeyring(self.keys))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session", autouse=True)
def command_tree_built_once() -> Iterator[None]:
    """Build showclear's click command tree once for the CLI tests, not on every run.

    Typer turns the app into click commands on every call, in ``CliRunner.invoke`` and in
    ``showclear.cli.main`` alike: about 0.1 s, longer than most commands take to run. The
    app is complete once imported, and click commands keep no state between runs, so the
    tree built once is the tree every run would build.
    """
    built = typer.main.get_command(app)
    build = typer.main.get_command

    def get_command(typer_app: typer.Typer) -> Any:
        return built if typer_app is app else build(typer_app)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_command", get_command)
        patch.setattr(typer.testing, "_get_command", get_command)
        yield


@pytest.fixture
def cli(backend: Backend, tmp_path: Path) -> Cli:
    """A CLI on a new database (on each backend) with no production yet."""
    return Cli(backend.url, tmp_path / "keys")


def register_cast(cli: Cli) -> None:
    """The production, every cast member with their PIN, and the handler's permit."""
    cli.ok("init", "--production", "Dust Creek")
    for person, (name, roles, _pin) in CAST.items():
        args = ["person", "add", person, "--name", name]
        for role in roles:
            args += ["--role", role]
        if "performer" in roles:
            args += ["--training", "revolver"]
        if person == "mo":
            args += ["--permit", "ca-armorer:A-1234:2027-06-30"]
        cli.ok(*args, *(["--as", "sam"] if person != "sam" else []))


def stock_inventory(cli: Cli) -> None:
    """A locked safe, a blank-firing revolver, a replica, 12 verified dummies and 12 blanks."""
    cli.ok("storage", "add", "safe-1", "--name", "Truck 2 gun safe", "--lockable", "--as", "mo")
    for weapon, category, chambers in (
        ("colt-1", "blank_firing", "6"),
        ("replica-1", "non_firing_replica", "6"),
    ):
        cli.ok(
            "receive", "weapon", weapon, "--serial", f"SN-{weapon}", "--make", "Colt",
            "--model", "Single Action Army", "--category", category, "--caliber", ".45 Colt",
            "--chambers", chambers, "--action", "revolver", "--storage", "safe-1", "--as", "mo",
        )  # fmt: skip
    cli.ok(
        "supplier", "add", "prop-house", "--name", "Prop House", "--licence", "FFL 9-85-01234",
        "--contact", "Jo Reyes, 505 555 0100", "--as", "mo",
    )  # fmt: skip
    cli.ok("supplier", "approve", "prop-house", "--as", "pat")
    for lot, kind in (("D-1", "dummy"), ("B-1", "blank")):
        cli.ok(
            "receive", "lot", lot, "--kind", kind, "--caliber", ".45 Colt", "--count", "12",
            "--supplier", "Prop House", "--origin", f"invoice {lot}", "--storage", "safe-1",
            "--as", "mo",
        )  # fmt: skip
    cli.ok("verify-dummies", "D-1", "--count", "12", "--method", "rattle", "--as", "mo")


def open_day(cli: Cli) -> None:
    """Today's call sheet: mo handles weapons, ana and ben perform, lee is the 1st AD."""
    cli.ok(
        "day", "open", "--duty", "mo=handler", "--duty", "ana=performer",
        "--duty", "ben=performer", "--duty", "lee=first_ad", "--as", "lee",
    )  # fmt: skip


def plan_and_meet(cli: Cli, setup: str = "1", load: str = "dummies:D-1:6") -> None:
    """A take for ana with colt-1, and the safety meeting that covers it."""
    cli.ok(
        "setup", "plan", setup, "--scene", "Saloon standoff", "--kind", "take",
        "--weapon", f"colt-1:ana:{load}", "--direction", "east, away from the crew",
        "--near", "camera A:900cm:eye:hearing", "--as", "lee",
    )  # fmt: skip
    cli.ok("meeting", setup, "--attendee", "mo,ana,lee,sam", "--as", "sam")


EMPTY6 = "empty,empty,empty,empty,empty,empty"
DUMMY6 = "D-1,D-1,D-1,D-1,D-1,D-1"


def ready_to_hand_over(cli: Cli, setup: str = "1") -> None:
    """colt-1 out for ``setup``, inspected empty, loaded with 6 dummies, shown to ana."""
    cli.ok("take-out", "colt-1", "--setup", setup, "--as", "mo")
    cli.ok("inspect", "colt-1", "--chambers", EMPTY6, "--barrel-clear", "--as", "mo")
    cli.ok("load", "colt-1", "--lot", "D-1", "--chambers", "1-6", "--as", "mo")
    cli.ok(
        "inspect", "colt-1", "--chambers", DUMMY6, "--barrel-clear",
        "--performer", "ana", "--as", "mo",
    )  # fmt: skip


Template = tuple["Backend", Path, datetime]


def _template(engine: Engine, root: Path, *steps: Callable[[Cli], None]) -> Template:
    db = engine.new()
    cli = Cli(db.url, root / "keys")
    for step in steps:
        step(cli)
    return db, root, cli.now


def _copy(engine: Engine, template: Template, tmp_path: Path) -> Iterator[Cli]:
    """A CLI on a copy of a template production (built once per session, copied per test)."""
    db, root, now = template
    copy = engine.clone(db)
    shutil.copytree(root / "keys", tmp_path / "production" / "keys")
    yield Cli(copy.url, tmp_path / "production" / "keys", now=now)
    engine.drop(copy)


@pytest.fixture(scope="session")
def crew_template(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _template(engine, tmp_path_factory.mktemp("crew"), register_cast)


@pytest.fixture(scope="session")
def stocked_template(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _template(
        engine, tmp_path_factory.mktemp("stocked"), register_cast, stock_inventory, open_day
    )


@pytest.fixture
def crew(engine: Engine, crew_template: Template, tmp_path: Path) -> Iterator[Cli]:
    """A production with its cast registered, each with their PIN."""
    yield from _copy(engine, crew_template, tmp_path)


@pytest.fixture
def stocked(engine: Engine, stocked_template: Template, tmp_path: Path) -> Iterator[Cli]:
    """The cast, the inventory (colt-1, replica-1, D-1 verified, B-1), and an open shoot day."""
    yield from _copy(engine, stocked_template, tmp_path)


@pytest.fixture
def planned(stocked: Cli) -> Cli:
    """Setup 1 (ana, colt-1, six dummies) planned and covered by a safety meeting."""
    plan_and_meet(stocked)
    return stocked
