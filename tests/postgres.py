"""A throw-away PostgreSQL server for the tests, and a fresh database for each test.

Loaded as a pytest plugin by tests/conftest.py. Where the server comes from:

1. ``SHOWCLEAR_TEST_PG=postgresql://...``: a server the tests may create and drop
   databases on (``.ci/run`` starts one and sets it).
2. Otherwise, if PostgreSQL's programs are installed (``pg_config --bindir`` or
   ``/usr/lib/postgresql/*/bin``), a cluster of the session's own in a temporary
   directory, listening only on a Unix socket there, removed at the end.
3. Otherwise the PostgreSQL tests are skipped, saying why; in CI (``CI=true``)
   they fail instead, so a CI run cannot pass without PostgreSQL.

``Cluster`` is also what the restart tests and ``bench/storage.py`` start for
themselves. PostgreSQL refuses to run as root; as root, its programs run as the
``postgres`` user (or ``nobody``) and the cluster's directory is handed to it.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

__all__ = ["Cluster", "PostgresServer", "find_bindir", "postgresql_server"]

ENV_URL = "SHOWCLEAR_TEST_PG"

#: The superuser ``initdb`` creates; trusted on the cluster's private socket only.
SUPERUSER = "showclear"


def find_bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: ``pg_config --bindir``, else the newest Debian one."""
    candidates: list[str] = []
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout
            candidates.append(out.strip())
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versioned, key=lambda p: int(Path(p).parent.name), reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(str(Path(initdb).parent))
    for bindir in candidates:
        if (Path(bindir) / "initdb").exists() and (Path(bindir) / "pg_ctl").exists():
            return Path(bindir)
    return None


def _server_user() -> str | None:
    """The unprivileged user to run PostgreSQL as, when we are root (it refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user to run as")


class Cluster:
    """A PostgreSQL cluster of our own in a directory: its data, its socket, its log."""

    def __init__(self, root: Path, bindir: Path, *, durable: bool) -> None:
        self.root = root
        self.bindir = bindir
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = 5432  # the socket lives in ``root``, so the port never clashes
        self.durable = durable
        self._user = _server_user()

    @classmethod
    def start_new(cls, *, durable: bool = False, bindir: Path | None = None) -> Cluster:
        """``initdb`` a cluster in a new temporary directory and start it.

        ``durable=False`` turns off fsync (a crash of the machine could lose
        commits; a crash of the server cannot): fine for tests, not for benchmarks.
        """
        bindir = bindir or find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb found)")
        # A short path: a Unix socket's path must stay under 108 bytes.
        root = Path(tempfile.mkdtemp(prefix="showclear-pg-"))
        cluster = cls(root, bindir, durable=durable)
        try:
            cluster._initdb()
            cluster.start()
        except BaseException:
            cluster.remove()
            raise
        return cluster

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}{log}"
            )

    def _initdb(self) -> None:
        if self._user is not None:
            shutil.chown(self.root, self._user)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.root}'",
            "port": str(self.port),
            "max_connections": "200",
            "fsync": "on" if self.durable else "off",
            "full_page_writes": "on" if self.durable else "off",
            "synchronous_commit": "on",  # a commit is acknowledged once its WAL is written
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# showclear test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL of database ``dbname`` over the cluster's socket."""
        return (
            f"postgresql:///{dbname}?host={quote(str(self.root), safe='')}"
            f"&port={self.port}&user={SUPERUSER}"
        )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (``immediate``: as if it crashed) and start it again."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode,
            "-w", "-t", "60", "restart",
        )  # fmt: skip

    def remove(self) -> None:
        """Stop the server if it runs, and delete its directory."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def with_dbname(url: str, dbname: str) -> str:
    """The same server URL naming database ``dbname``."""
    parts = urlsplit(url)
    # Not geturl(): it drops the empty host of ``postgresql:///db?host=/socket/dir``.
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{dbname}{query}"


def with_options(url: str, **options: str) -> str:
    """The same URL with server settings (``options=-c name=value``) added."""
    settings = " ".join(f"-c {name}={value}" for name, value in options.items())
    return f"{url}{'&' if '?' in url else '?'}options={quote(settings, safe='')}"


class PostgresServer:
    """A server the tests may use: a fresh schema for each test.

    Every test database is a schema of its own (reached through ``search_path``)
    in one database made for the session; creating a schema takes milliseconds,
    ``CREATE DATABASE`` most of a second. At the end the session's database is
    dropped, so a shared server keeps nothing of the tests.
    """

    _numbers = itertools.count()

    def __init__(self, url: str) -> None:
        self.server_url = url
        name = f"showclear_tests_{os.getpid()}"
        self.execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.execute(url, f'CREATE DATABASE "{name}" TEMPLATE template0')
        self.url = with_dbname(url, name)

    def close(self) -> None:
        """Drop the session's database, ending any connection a test left open."""
        name = urlsplit(self.url).path.lstrip("/")
        self.execute(self.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def execute(self, url: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` or ``%s`` placeholders) in its own connection, autocommit."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def fresh(self, template: str | None = None) -> str:
        """The URL of a new empty schema, or of a copy of ``template``'s (a URL from fresh())."""
        import psycopg

        from showclear.store import open_store

        schema = f"t{next(self._numbers)}"
        self.execute(self.url, f"CREATE SCHEMA {schema}")
        url = with_options(self.url, search_path=schema)
        if template is not None:
            open_store(url).close()  # the tables, by the migrations themselves
            source = _schema_of(template)
            with psycopg.connect(self.url) as conn:
                tables = conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s "
                    "AND tablename <> 'schema_migrations' "
                    "ORDER BY tablename <> 'productions', tablename",  # what the others reference
                    (source,),
                ).fetchall()
                for (table,) in tables:
                    conn.execute(
                        f"INSERT INTO {schema}.{table} SELECT * FROM {source}.{table}"  # type: ignore[arg-type]
                    )
        return url

    def drop(self, url: str) -> None:
        """Drop a schema made by fresh()."""
        self.execute(self.url, f"DROP SCHEMA IF EXISTS {_schema_of(url)} CASCADE")


def _schema_of(url: str) -> str:
    options = dict(pair.split("=", 1) for pair in urlsplit(url).query.split("&"))
    return unquote(options["options"]).rsplit("search_path=", 1)[1]


def _unavailable(reason: str) -> None:
    """Skip the PostgreSQL tests, or fail them in CI, where PostgreSQL must be tested."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server of this test session (see the module docstring)."""
    if url := os.environ.get(ENV_URL):
        try:
            server = PostgresServer(url)
        except Exception as e:
            from showclear.store.postgres import redact

            pytest.fail(f"{ENV_URL}={redact(url)} cannot be used: {e}", pytrace=False)
        yield server
        server.close()
        return
    if find_bindir() is None:
        _unavailable(
            f"{ENV_URL} is not set and PostgreSQL is not installed "
            "(apt-get install postgresql, or point SHOWCLEAR_TEST_PG at a server)"
        )
    with Cluster.start_new() as cluster:
        yield PostgresServer(cluster.url())  # no need to drop what is removed whole


@pytest.fixture
def postgresql_cluster() -> Iterator[Cluster]:
    """A cluster of this test's own, for tests that stop or restart the server."""
    if find_bindir() is None:
        _unavailable("PostgreSQL is not installed, and this test needs a server it may restart")
    with Cluster.start_new() as cluster:
        yield cluster
