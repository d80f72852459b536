"""A real ``showclear serve`` process on loopback, with a database and a key directory of its
own, started and stopped on demand (the sync tests' set and studio, the deployment tests' hosts).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = ["SHOWCLEAR", "ServeProcess", "free_port", "process_env"]

#: The ``showclear`` command of this interpreter, whatever is on PATH.
SHOWCLEAR = (sys.executable, "-c", "from showclear.cli import main; main()")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without any ``SHOWCLEAR_`` setting, and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
    return {**env, **(extra or {})}


@dataclass
class ServeProcess:
    """``showclear --db DB --key-dir DIR serve --port PORT``, started and stopped on demand.

    ``graceful``: :meth:`stop` sends SIGTERM and waits before SIGKILL (the network is cut, or
    the host is switched off); otherwise it sends SIGKILL at once (no clean shutdown is relied
    on).
    """

    db: str
    key_dir: Path
    port: int = field(default_factory=free_port)
    graceful: bool = True
    process: subprocess.Popen[str] | None = None
    _log: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until it answers."""
        command = [*SHOWCLEAR, "--db", self.db, "--key-dir", str(self.key_dir)]
        command += ["serve", "--port", str(self.port)]
        # A file, not a pipe: a pipe nobody reads fills up and blocks the access log.
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, env=process_env(), stdout=subprocess.DEVNULL, stderr=self._log, text=True
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

    def kill(self) -> None:
        """SIGKILL: the host lost its power mid-request."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """Stop the server if it runs (SIGTERM first if ``graceful``), and drop its log."""
        if self.process is not None and self.process.poll() is None:
            if self.graceful:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
            else:
                self.process.kill()
        if self.process is not None:
            self.process.wait(10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
