"""Witnesses as real processes: ``showclear witness serve`` on free loopback ports.

Each witness is made with ``showclear witness init`` and told to follow a production with
``showclear witness add-log``, then served by its own ``showclear witness serve``
subprocess, as an insurer or a union would run it. The production's crew and its day come
from the command-line fixtures (tests/cli/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.cli.conftest import (  # noqa: F401  (fixtures this package's tests use)
    command_tree_built_once,
    crew,
    crew_template,
    stocked,
    stocked_template,
)
from tests.witness.process import free_port, witness_process

from showclear.witness import add_log as follow_log
from showclear.witness import init_witness


@dataclass
class WitnessProcess:
    """One witness: its directory, key and port, and (while it runs) its process."""

    name: str
    directory: Path
    port: int
    key: str
    _running: ExitStack | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Run ``showclear witness serve`` (tests/witness/process.py) until it listens."""
        assert self._running is None, f"{self.name} runs already"
        stack = ExitStack()
        stack.enter_context(witness_process(self.directory, self.port))
        self._running = stack

    def kill(self) -> None:
        """SIGKILL the witness (the set's network gone, its laptop closed)."""
        if self._running is not None:
            self._running.close()
            self._running = None

    def follow(self, verifier_key: str) -> None:
        """``witness add-log``: follow a production (applies at the next start)."""
        follow_log(self.directory, verifier_key)


@pytest.fixture
def witness_factory(tmp_path: Path) -> Iterator[Callable[[str], WitnessProcess]]:
    """Make witnesses (not yet started); every one still running is killed at the end."""
    made: list[WitnessProcess] = []

    def make(name: str) -> WitnessProcess:
        directory = tmp_path / "witnesses" / name
        cosigner = init_witness(directory, f"{name}.example/witness")
        witness = WitnessProcess(name, directory, free_port(), cosigner.verifier_key)
        made.append(witness)
        return witness

    yield make
    for witness in made:
        witness.kill()


def wait_for(check: Callable[[], bool], seconds: float = 20.0, what: str = "it") -> None:
    """Poll ``check`` until it holds, or fail saying ``what`` did not happen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")
