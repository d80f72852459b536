"""``showclear`` as real processes for the sync tests: a server, started and stopped, and
one-shot commands, each with its own database and key directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = ["Server", "free_port", "run"]

_MAIN = (sys.executable, "-c", "from showclear.cli import main; main()")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
    return {**env, **(extra or {})}


def run(
    db: str, key_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``showclear --db DB --key-dir DIR ARGS...`` to its end."""
    return subprocess.run(
        [*_MAIN, "--db", db, "--key-dir", str(key_dir), *args],
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    """``showclear --db DB --key-dir DIR serve --port PORT``, started and stopped on demand."""

    db: str
    key_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    _log: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until it answers."""
        command = [*_MAIN, "--db", self.db, "--key-dir", str(self.key_dir)]
        command += ["serve", "--port", str(self.port)]
        # A file, not a pipe: a pipe nobody reads fills up and blocks the access log.
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, env=_env(), stdout=subprocess.DEVNULL, stderr=self._log, text=True
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.log()
                    self.stop()
                    raise AssertionError(f"showclear serve did not start: {log}") from None
                time.sleep(0.05)

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()

    def stop(self) -> None:
        """Stop the server if it runs: the network is cut, or the host is switched off."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
