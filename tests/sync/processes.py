"""``showclear`` as real processes for the sync tests: one-shot commands, each with its own
database and key directory (the server is tests/serve_process.py's)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.serve_process import SHOWCLEAR, process_env

__all__ = ["run"]


def run(
    db: str, key_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``showclear --db DB --key-dir DIR ARGS...`` to its end."""
    return subprocess.run(
        [*SHOWCLEAR, "--db", db, "--key-dir", str(key_dir), *args],
        env=process_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
