"""Shared fixtures: a fresh database, keys in memory or on disk, and a clock that stands still.

Everything is built through the same composition root as the CLI and the API
(``build_app``), with fakes for the ports: ``MemoryKeyring`` or a ``FileKeyring``
in a temporary directory, a ``FixedClock``, and a cheap but real argon2id for PINs.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from showclear.service import App, FileKeyring, FixedClock, MemoryKeyring, build_app
from showclear.service import app as composition
from showclear.service.auth import Argon2idHasher
from showclear.store import ProductionInfo, Store, open_store

if TYPE_CHECKING:
    from postgres import PostgresServer

#: tests/postgres.py: the PostgreSQL server of the session (its own, or $SHOWCLEAR_TEST_PG).
pytest_plugins = ["postgres"]

#: Every clock in the tests starts at the first shooting day's call time.
START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


#: argon2id at the least cost argon2-cffi allows (8 KiB, 1 pass): a real check, so a wrong
#: PIN is still refused, at about 0.03 ms instead of the production's 25 ms per PIN.
#: tests/service/test_pin_hasher.py holds the production parameters to OWASP's.
CHEAP_PIN_HASHER = Argon2idHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hasher() -> Iterator[Argon2idHasher]:
    """Every App built in this process (by the tests, the CLI, the API) hashes PINs cheaply.

    ``build_app`` wires in ``DEFAULT_PIN_HASHER`` when it is handed no hasher; this
    replaces it for the session. A ``showclear`` run as a subprocess keeps the production's.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(composition, "DEFAULT_PIN_HASHER", CHEAP_PIN_HASHER)
        # Every test request comes from one address; tests of the per-device limit set it.
        patch.setattr(composition, "SIGN_INS_PER_MINUTE", 1_000_000)
        yield CHEAP_PIN_HASHER


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at ``START`` until a test moves it."""
    return FixedClock(START)


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    """A key directory of this test's own (created when the first key is written)."""
    return tmp_path / "keys"


@pytest.fixture
def keyring() -> MemoryKeyring:
    """Production keys held in memory."""
    return MemoryKeyring()


@pytest.fixture
def app(backend: Backend, keyring: MemoryKeyring, clock: FixedClock) -> Iterator[App]:
    """The application over a fresh database on each backend, keys in memory."""
    application = build_app(backend.url, keyring=keyring, clock=clock)
    yield application
    application.close()


@pytest.fixture
def file_app(backend: Backend, key_dir: Path, clock: FixedClock) -> Iterator[App]:
    """The application over a fresh database on each backend, keys as 0600 files in ``key_dir``."""
    application = build_app(backend.url, keyring=FileKeyring(key_dir), clock=clock)
    yield application
    application.close()


@pytest.fixture
def production(app: App) -> ProductionInfo:
    """A production named "Dust Creek" in ``app``: one entry, one checkpoint."""
    return app.init_production("Dust Creek")


# -- storage backends ---------------------------------------------------------


@dataclass
class Backend:
    """One database engine under test: how to open a store on it, and reach it raw."""

    name: str
    url: str
    execute: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

    def open(self) -> Store:
        """Open a new store (a new connection) on this backend's database."""
        return open_store(self.url)


class Engine(Protocol):
    """A database engine the suite runs on: it hands out fresh databases."""

    name: str

    def new(self) -> Backend:
        """An empty database of this test's own."""
        ...

    def clone(self, of: Backend) -> Backend:
        """A copy of a database that nobody is connected to (a template)."""
        ...

    def drop(self, db: Backend) -> None:
        """Forget a database made by new() or clone()."""
        ...


class _SQLite:
    name = "sqlite"

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self._tmp = tmp

    def new(self) -> Backend:
        return self._at(self._tmp.mktemp("sqlite") / "showclear.db")

    def clone(self, of: Backend) -> Backend:
        target = self._tmp.mktemp("sqlite") / "showclear.db"
        for suffix in ("", "-wal"):
            if Path(of.url + suffix).exists():
                shutil.copyfile(of.url + suffix, str(target) + suffix)
        return self._at(target)

    def drop(self, db: Backend) -> None:
        pass  # pytest removes old temporary directories

    @staticmethod
    def _at(path: Path) -> Backend:
        def execute(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            with closing(sqlite3.connect(path, isolation_level=None)) as conn:
                return conn.execute(sql, params).fetchall()

        return Backend("sqlite", str(path), execute)


class _PostgreSQL:
    name = "postgresql"

    def __init__(self, server: PostgresServer) -> None:
        self._server = server

    def new(self) -> Backend:
        return self._at(self._server.fresh())

    def clone(self, of: Backend) -> Backend:
        return self._at(self._server.fresh(template=of.url))

    def drop(self, db: Backend) -> None:
        self._server.drop(db.url)

    def _at(self, url: str) -> Backend:
        return Backend("postgresql", url, partial(self._server.execute, url))


#: Every backend the whole suite runs on: storage is tested once, on each (STYLE 9).
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Each database engine; PostgreSQL comes from tests/postgres.py (skipped, or failed in
    CI, when there is none)."""
    if request.param == "sqlite":
        return _SQLite(tmp_path_factory)
    return _PostgreSQL(request.getfixturevalue("postgresql_server"))


@pytest.fixture
def backend(engine: Engine) -> Iterator[Backend]:
    """An empty database of this test's own, on each backend."""
    db = engine.new()
    yield db
    engine.drop(db)


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    """A migrated, empty store on ``backend``."""
    opened = backend.open()
    yield opened
    opened.close()


# -- the command line as a user runs it ---------------------------------------------


@dataclass
class CliRun:
    """What one ``showclear`` invocation did: its exit code and what it printed."""

    code: int
    out: str
    err: str

    @property
    def err_text(self) -> str:
        """stderr with Rich's line wrapping undone, for matching whole messages."""
        return " ".join(self.err.split())


@pytest.fixture
def showclear(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., CliRun]:
    """Run ``showclear.cli:main`` in-process with these arguments, as the console script does.

    Unlike ``CliRunner.invoke(app, ...)`` this goes through ``main()``, which turns
    errors into the documented exit codes.
    """
    from showclear.cli import main

    def run(*args: str) -> CliRun:
        capsys.readouterr()
        monkeypatch.setattr("sys.argv", ["showclear", *args])
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        else:
            code = 0
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run
