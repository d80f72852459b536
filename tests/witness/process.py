"""A real ``showclear witness serve`` process on loopback, for tests that need one.

Used by the durability test here, and by any test that runs a production with witnesses
as processes of their own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "witness_process"]


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def witness_process(directory: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """``showclear witness serve --dir DIR --port PORT`` in a process of its own, listening."""
    command = [
        *(sys.executable, "-c", "from showclear.cli import main; main()"),
        *("witness", "serve", "--dir", str(directory), "--port", str(port)),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
    # Its log goes to a file, not a pipe: a pipe nobody reads fills up under load, and the
    # server would block writing its access log.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        process.kill()
                        process.wait(10)
                        log.seek(0)
                        raise AssertionError(f"witness serve did not start: {log.read()}") from None
                    time.sleep(0.05)
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(10)
