"""docs/operations.md, run as written: each step's commands, on a real SQLite database, after
the fault it is for (issue 15). A step is the ``sh`` block after ``<!-- step: NAME -->``."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
STEPS = dict(
    re.findall(r"<!-- step: ([a-z-]+) -->\n```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
)
BIN = Path(sys.executable).parent

Shell = Callable[..., subprocess.CompletedProcess[str]]


def test_the_page_has_every_step_these_tests_run() -> None:
    """A step renamed or dropped from the page fails here, not silently."""
    assert set(STEPS) == {
        "backup",
        "restore",
        "accept-loss",
        "after-crash",
        "full-disk",
        "lost-key",
        "damaged",
        "repair",
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The folder the operator works in: the database, the keys, the backups."""
    return tmp_path


@pytest.fixture
def env(site: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "SHOWCLEAR_DB": str(site / "data" / "showclear.db"),
        "SHOWCLEAR_KEY_DIR": str(site / "keys"),
        "SHOWCLEAR_PIN_SAM": "4821",
        "SHOWCLEAR_PIN_AVA": "5937",
        "SHOWCLEAR_PIN_CREE": "7316",
        "COLUMNS": "300",
    }


@pytest.fixture
def sh(site: Path, env: dict[str, str]) -> Shell:
    """Run shell text in the operator's folder; a documented step by its name."""

    def run(text: str = "", *, step: str | None = None) -> subprocess.CompletedProcess[str]:
        script = STEPS[step] if step else text
        return subprocess.run(
            ["bash", "-eu", "-o", "pipefail", "-c", script],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def production(site: Path, sh: Shell) -> Path:
    """A production with its first person, the database in ``data/``."""
    (site / "data").mkdir()
    made = sh(
        "showclear init --production 'Dust Creek'\n"
        "showclear person add sam --name Sam --role safety_coordinator"
    )
    assert made.returncode == 0, made.stderr
    return site / "data" / "showclear.db"


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_backup_then_restore_after_losing_the_database_and_accepting_the_loss(
    production: Path, site: Path, sh: Shell
) -> None:
    """The backup restores and checks; the entries after it are noticed as lost; accepting
    the loss (documented) lets the production go on, and it verifies."""
    _ok(sh(step="backup"))
    assert len(list((site / "backups").glob("showclear-*.db"))) == 1
    assert len(list((site / "backups").glob("keys-*.tar.gz"))) == 1
    _ok(sh("showclear person add ava --name Ava --role armorer --as sam"))  # acknowledged
    production.write_bytes(b"the disk died" * 100)
    restored = sh(step="restore")  # check passes, verify says what the backup lacks
    said = " ".join((restored.stdout + restored.stderr).split())
    assert restored.returncode == 1 and "intact" in said, said
    assert "acknowledged entries are missing" in said
    refused = sh("showclear person add cree --name Cree --role crew --as sam")
    assert refused.returncode == 5
    assert "acknowledged entries were lost" in " ".join(refused.stderr.split())
    _ok(sh(step="accept-loss"))
    _ok(sh("showclear verify"))
    _ok(sh("showclear person add cree --name Cree --role crew --as sam"))
    _ok(sh("showclear verify"))


def test_a_restore_of_a_backup_that_holds_everything_checks_and_verifies(
    production: Path, sh: Shell
) -> None:
    """Nothing written since the backup: the restore step passes and the production goes on."""
    _ok(sh(step="backup"))
    production.write_bytes(b"the disk died" * 100)
    restored = _ok(sh(step="restore"))
    assert "intact" in restored and "OK:" in restored
    _ok(sh("showclear person add ava --name Ava --role armorer --as sam"))


def test_a_second_backup_gets_a_name_of_its_own(production: Path, site: Path, sh: Shell) -> None:
    """Backups never overwrite each other (copy refuses to)."""
    _ok(sh(step="backup"))
    _ok(sh(step="backup"))
    assert len(list((site / "backups").glob("showclear-*.db"))) == 2


APPENDER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from showclear.service import FileKeyring, build_app

    app = build_app(sys.argv[1], keyring=FileKeyring(Path(sys.argv[2])))
    n = 0
    while True:
        n += 1
        app.append_unchecked("dust-creek", [{
            "type": "PersonRegistered", "actor": None,
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "person": f"probe-{n}", "name": f"Probe {n}", "roles": ["crew"],
        }])
        print(n, flush=True)
    """
)


@pytest.mark.slow
def test_after_a_crash_check_and_verify_pass_and_the_ledger_goes_on(
    production: Path, site: Path, sh: Shell, env: dict[str, str]
) -> None:
    """SIGKILL an appender mid-write three times: the documented checks pass each time and
    the next write is taken (a checkpoint signed but not committed is no false alarm)."""
    for _ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(production), str(site / "keys")],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        for _ in range(5):
            child.stdout.readline()  # a few appends acknowledged
        time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        _ok(sh(step="after-crash"))
    _ok(sh("showclear person add ava --name Ava --role armorer --as sam"))


def test_a_full_disk_says_so_and_the_documented_step_follows_freeing_space(
    site: Path, sh: Shell, env: dict[str, str]
) -> None:
    """The database on a small disk that fills: exit 5, "disk ... is full", nothing
    recorded; after freeing space the documented checks pass and the command is taken."""
    data = site / "data"
    data.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(data)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()!r}")
    try:
        _ok(sh("showclear init --production 'Dust Creek'"))
        filler = data / "filler"
        sh(f"dd if=/dev/zero of={filler} bs=4k 2>/dev/null || true")
        full = sh("showclear person add sam --name Sam --role safety_coordinator")
        assert full.returncode == 5, full.stdout + full.stderr
        said = " ".join(full.stderr.split())
        assert "is full" in said and "nothing was recorded" in said
        filler.unlink()
        assert "Dust Creek" in _ok(sh("showclear board"))
        _ok(sh(step="full-disk"))
        _ok(sh("showclear person add sam --name Sam --role safety_coordinator"))
        _ok(sh("showclear verify"))
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


def test_a_lost_key_is_named_and_the_production_is_exported_and_verified(
    production: Path, site: Path, sh: Shell
) -> None:
    """Without the key no write is taken (exit 5, naming the file); the export step works."""
    for key in (site / "keys").iterdir():
        key.unlink()
    refused = sh("showclear person add ava --name Ava --role armorer --as sam")
    assert refused.returncode == 5
    assert "is not at" in " ".join(refused.stderr.split())
    exported = _ok(sh(step="lost-key"))
    assert "OK" in exported


def test_a_damaged_database_is_found_by_check_and_repaired_by_the_documented_steps(
    production: Path, sh: Shell
) -> None:
    """Index damage and an unreadable state record: check names the damage, the repair
    step rebuilds both, and the ledger verifies."""
    with closing(sqlite3.connect(production, isolation_level=None)) as conn:
        conn.execute("UPDATE projection SET value = '{' WHERE key = 'person:sam'")
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_entries_1'"
        ).fetchone()
    data = bytearray(production.read_bytes())
    start = (root - 1) * page_size
    at = data[start : start + page_size].rfind(b"dust-creek")
    data[start + at + len("dust-cree")] = ord("x")
    production.write_bytes(bytes(data))
    assert sh("showclear board").returncode == 5
    found = " ".join(_ok(sh(step="damaged")).split())
    assert "index damage" in found and "showclear repair index" in found
    repaired = _ok(sh(step="repair"))
    assert "Rebuilt the indexes" in repaired and "Rebuilt the state" in repaired
    assert "OK:" in repaired
    assert sh("showclear board").returncode == 0
