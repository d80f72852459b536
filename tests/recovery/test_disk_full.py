"""A full disk is a clear 503 / exit 5 saying so and that nothing was recorded; it leaves
no half-written key file and no orphan key, and the ledger goes on once space is free
(issue 15). The disk is a real, tiny tmpfs (the test is skipped where none can be mounted).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from api.world import START, Server, build_world
from showclear.server import create_server
from showclear.service import FileKeyring, FixedClock, build_app
from showclear.service.documents import DocumentsUnavailable
from showclear.store import DiskFull

if TYPE_CHECKING:
    from tests.conftest import CliRun

Run = Callable[..., "CliRun"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs, unmounted afterwards."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the returned file frees it again when removed."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # ENOSPC: full
    finally:
        os.close(fd)
    return filler


def test_init_with_the_key_directory_on_a_full_disk_leaves_no_key_file(
    small_disk: Path, tmp_path: Path, showclear: Run
) -> None:
    """Exit 5, "the disk is full", "nothing was recorded"; no 0-byte key, no production."""
    _fill(small_disk)
    keys = small_disk / "keys"
    db = str(tmp_path / "showclear.db")
    result = showclear("--db", db, "--key-dir", str(keys), "init", "--production", "Dust Creek")
    assert result.code == 5, result.err
    assert "the disk is full" in result.err_text and "nothing was recorded" in result.err_text
    assert "Traceback" not in result.err
    assert not keys.exists() or list(keys.iterdir()) == []
    assert "no production" in showclear("--db", db, "board").err_text  # none was made


def test_init_on_a_full_database_disk_leaves_no_orphan_key(
    small_disk: Path, tmp_path: Path
) -> None:
    """The database cannot take the production: its new key file is removed again."""
    keys = tmp_path / "keys"
    app = build_app(str(small_disk / "showclear.db"), keyring=FileKeyring(keys))
    try:
        app.init_production("Dust Creek")
        before = sorted(p.name for p in keys.iterdir())
        _fill(small_disk)
        with pytest.raises(DiskFull, match=r"is full .*nothing was recorded"):
            for n in range(20):  # the WAL may still hold a page or two
                app.init_production(f"Second Unit {n}")
        assert sorted(p.name for p in keys.iterdir()) == before
    finally:
        app.close()


def test_the_api_answers_a_full_disk_with_503_and_the_ledger_goes_on_after(
    small_disk: Path, tmp_path: Path
) -> None:
    """503 `unavailable` saying the disk is full and nothing was recorded; once space is
    free again the same command is recorded and the ledger verifies."""
    clock = FixedClock(START)
    app = build_app(
        str(small_disk / "showclear.db"), keyring=FileKeyring(tmp_path / "keys"), clock=clock
    )
    world = build_world(app, clock, "Dust Creek")
    try:
        with (
            Server(create_server(app, secure_cookies=True)) as url,
            httpx.Client(base_url=url, timeout=30) as client,
        ):
            size = world.size()
            filler = _fill(small_disk)
            text = "x" * 1500
            body = {"text": text, "anonymous": False, "stop_work": False}
            answers = [
                client.post(world.path("/concerns"), json=body, headers=world.auth("cree"))
                for _ in range(30)
            ]
            full = [a for a in answers if a.status_code != 200]
            assert full, "the disk never filled"
            assert {a.status_code for a in full} == {503}, [a.text for a in full]
            assert "disk is full" in full[0].json()["detail"]
            assert "nothing was recorded" in full[0].json()["detail"]
            recorded = len(answers) - len(full)
            assert world.size() == size + recorded  # every 503 recorded nothing
            os.remove(filler)
            again = client.post(world.path("/concerns"), json=body, headers=world.auth("cree"))
            assert again.status_code == 200, again.text
        assert app.verify(world.slug).ok
    finally:
        app.close()


def test_a_document_on_a_full_disk_is_refused_saying_so(small_disk: Path, tmp_path: Path) -> None:
    """A scan that cannot be kept is `unavailable` naming the full disk, not a 500."""
    app = build_app(
        str(tmp_path / "showclear.db"),
        keyring=FileKeyring(tmp_path / "keys"),
        documents=small_disk / "documents",
    )
    try:
        info = app.init_production("Dust Creek")
        _fill(small_disk)
        with pytest.raises(DocumentsUnavailable, match=r"the disk is full; .*nothing was recorded"):
            app.put_document(info.slug, b"%PDF-1.4 an invoice " * 500)
    finally:
        app.close()
