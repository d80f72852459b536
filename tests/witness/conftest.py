"""Fixtures of the witness tests: a witness directory following a test log, served."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.api.world import Server

from showclear.witness import Witness, add_log, create_witness_app, init_witness

from .testlog import TestLog

#: The witness's clock in these tests: its cosignatures carry this time.
NOW = 1_790_000_000
NAME = "insurer.example/witness"


@pytest.fixture
def log() -> TestLog:
    """A log of 10 entries under the key the witness follows."""
    return TestLog().grow(10)


@pytest.fixture
def witness_dir(tmp_path: Path, log: TestLog) -> Path:
    """A witness directory made by init, following ``log``'s key."""
    directory = tmp_path / "witness"
    init_witness(directory, NAME)
    add_log(directory, log.vkey, "Dust Creek")
    return directory


@pytest.fixture
def witness(witness_dir: Path) -> Witness:
    """The witness of ``witness_dir``, its clock fixed at NOW."""
    return Witness.open(witness_dir, clock=lambda: NOW)


@dataclass
class Served:
    """A witness served on loopback, and a client of it."""

    witness: Witness
    client: httpx.Client

    def add(self, body: bytes) -> httpx.Response:
        return self.client.post("/add-checkpoint", content=body)


@pytest.fixture
def served(witness: Witness) -> Iterator[Served]:
    """``witness`` behind uvicorn on a free loopback port."""
    with (
        Server(create_witness_app(witness)) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield Served(witness, client)
