"""Small faults with clear answers (issue 15): an output folder that does not exist, a
garbage key file, a read-only copy of the database."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import CliRun

Run = Callable[..., "CliRun"]


@pytest.fixture
def db(tmp_path: Path, showclear: Run, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "showclear.db"
    monkeypatch.setenv("SHOWCLEAR_DB", str(path))
    monkeypatch.setenv("SHOWCLEAR_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("SHOWCLEAR_NOW", "2026-11-25T08:00:00Z")
    monkeypatch.setenv("SHOWCLEAR_PIN_SAM", "4821")
    assert showclear("init", "--production", "Dust Creek").code == 0
    yield path


@pytest.mark.parametrize(
    "args",
    [("export", "--bundle"), ("labels", "--pdf")],
    ids=["export --bundle", "labels --pdf"],
)
def test_writing_into_a_folder_that_does_not_exist_is_a_clear_error(
    db: Path, showclear: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Exit 2 naming the missing folder, no traceback."""
    target = tmp_path / "no-such-folder" / "out.file"
    result = showclear(*args, str(target))
    assert result.code == 2, result.err
    assert f"the folder {target.parent} does not exist" in result.err_text
    assert "Traceback" not in result.err


def test_a_garbage_key_file_exits_5_naming_the_file(
    db: Path, showclear: Run, tmp_path: Path
) -> None:
    """The documented exit code of an unusable key (5), not a usage error (2)."""
    (key,) = (tmp_path / "keys").glob("*.key")
    key.write_text("this is not a key\n")
    result = showclear("person", "add", "sam", "--name", "Sam", "--role", "safety_coordinator")
    assert result.code == 5, result.err
    assert "does not hold a showclear private key" in result.err_text
    assert "restore it from the backup of the key directory" in result.err_text


def test_a_copy_of_the_database_on_a_read_only_disk_verifies(
    db: Path, showclear: Run, tmp_path: Path
) -> None:
    """verify and the views open it read-only; a write is refused, never a traceback."""
    mount = tmp_path / "read-only"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        copy = mount / "copy.db"
        copy.write_bytes(db.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        verified = showclear("--db", str(copy), "verify")
        assert verified.code == 0, verified.err
        assert showclear("--db", str(copy), "board").code == 0
        refused = showclear(
            "--db", str(copy), "person", "add", "sam", "--name", "Sam", "--role", "producer"
        )
        assert refused.code == 5, refused.err
        assert "Traceback" not in refused.err
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
