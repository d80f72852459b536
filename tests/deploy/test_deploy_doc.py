"""docs/deploy.md, run as written: each step's commands against a real PostgreSQL database.

A step is the ``sh`` block after ``<!-- step: NAME -->``; the blocks that need two
machines, systemd or a TLS proxy are shown, not run (the files in deploy/ are checked to
be what the page says they are).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from tests.postgres import with_dbname

if TYPE_CHECKING:
    from tests.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
STEPS = dict(
    re.findall(r"<!-- step: ([a-z-]+) -->\n```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
)
BIN = Path(sys.executable).parent

Shell = Callable[..., subprocess.CompletedProcess[str]]


def test_the_page_has_every_step_these_tests_run() -> None:
    """A step renamed or dropped from the page fails here, not silently."""
    assert set(STEPS) == {"first-host", "second-host", "backup", "restore-check"}


def test_every_file_the_page_names_is_in_deploy() -> None:
    """The units, the proxies and the compose file exist; the compose file runs two servers
    with a key volume each on one database, behind the proxy."""
    named = set(re.findall(r"\(\.\./deploy/([\w.-]+)\)", DOC.read_text(encoding="utf-8")))
    assert named and all((ROOT / "deploy" / name).is_file() for name in named), named
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"db", "host-a", "host-b", "proxy"} <= services.keys()
    keys = {s: next(v for v in services[s]["volumes"] if "keys" in v) for s in ("host-a", "host-b")}
    assert keys["host-a"] != keys["host-b"], "each server has its own key directory"
    unit = (ROOT / "deploy" / "showclear.service").read_text(encoding="utf-8")
    assert "serve --host ${SHOWCLEAR_LISTEN}" in unit and "--rp-id ${SHOWCLEAR_DOMAIN}" in unit
    assert STEPS["backup"].split("tar ", 1)[1] in (ROOT / "deploy" / "backup.sh").read_text()


@pytest.fixture
def databases(postgresql_server: PostgresServer) -> Iterator[tuple[str, str]]:
    """Two empty databases of their own: the production's, and a scratch one to restore to."""
    names = [f"showclear_deploy_{os.getpid()}_{n}" for n in ("live", "scratch")]
    for name in names:
        postgresql_server.execute(postgresql_server.server_url, f'CREATE DATABASE "{name}"')
    try:
        live, scratch = (with_dbname(postgresql_server.server_url, n) for n in names)
        yield live, scratch
    finally:
        for name in names:
            postgresql_server.execute(
                postgresql_server.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )


@pytest.fixture
def sh(tmp_path: Path, databases: tuple[str, str]) -> Shell:
    """Run shell text in the operator's folder; a documented step by its name."""
    live, scratch = databases
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "SHOWCLEAR_DB": live,
        "SHOWCLEAR_KEY_DIR": str(tmp_path / "host-a" / "keys"),
        "HOST_B_KEYS": str(tmp_path / "host-b" / "keys"),
        "RESTORE_DB": scratch,
        **{f"SHOWCLEAR_PIN_{who}": "8080" for who in ("RUTH", "AVA", "KEN", "PAT", "DAN")},
        "COLUMNS": "300",
    }

    def run(text: str = "", *, step: str | None = None) -> subprocess.CompletedProcess[str]:
        script = STEPS[step] if step else text
        return subprocess.run(
            ["bash", "-eu", "-o", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.slow
def test_two_hosts_then_a_backup_that_passes_its_restore_check(sh: Shell, tmp_path: Path) -> None:
    """Both hosts append with their own key directory; the backup restores and verifies;
    a host that signed past the backup notices what the restored database lacks."""
    _ok(sh(step="first-host"))
    _ok(sh(step="second-host"))
    assert oct((tmp_path / "host-b" / "keys").stat().st_mode & 0o777) == "0o700"
    _ok(sh("showclear person add ava --name Ava --role armorer --as ruth"))
    _ok(sh('showclear --key-dir "$HOST_B_KEYS" person add ken --name Ken --role crew --as ruth'))
    _ok(sh("showclear person add pat --name Pat --role performer --as ruth"))
    _ok(sh(step="backup"))
    assert len(list((tmp_path / "backups").glob("showclear-*.dump"))) == 1
    assert len(list((tmp_path / "backups").glob("keys-*.tar.gz"))) == 1
    _ok(
        sh('showclear --key-dir "$HOST_B_KEYS" person add dan --name Dan --role first_ad --as ruth')
    )

    checked = _ok(sh(step="restore-check"))
    assert "intact" in " ".join(checked.split()), checked

    # The live key directory of host B signed past the backup: its check names the loss.
    lost = sh(
        'showclear --db "$RESTORE_DB" --key-dir "$HOST_B_KEYS" --production dust-creek verify'
    )
    said = " ".join((lost.stdout + lost.stderr).split())
    assert lost.returncode == 1 and "acknowledged entries are missing" in said, said
    # Host A signed nothing past it: its memory is held, as the page says.
    _ok(sh('showclear --db "$RESTORE_DB" --production dust-creek verify'))
