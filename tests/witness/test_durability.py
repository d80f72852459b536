"""A real ``showclear witness serve`` killed with SIGKILL under load keeps what it cosigned.

C2SP tlog-witness: "The witness MUST persist the new checkpoint before responding." The
witness runs as a process of its own on a free loopback port; clients push checkpoints of
two logs as fast as it answers; it is killed mid-load (no clean shutdown, no flush) and
restarted, three times. After each restart it must hold, for each log, the last size it
acknowledged with a cosignature or the one that was in flight: never less.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from showclear.ledger.checkpoint import open_checkpoint
from showclear.ledger.cosignature import CosignatureVerifier, add_cosignatures
from showclear.witness import add_log, init_witness, origin_hash

from .process import free_port, witness_process
from .testlog import TestLog

pytestmark = pytest.mark.slow


@dataclass
class Pusher:
    """One client pushing one log's checkpoints, one entry further each time."""

    log: TestLog
    url: str
    acked: int = 0  # the last size the witness answered 200 for
    in_flight: int = 0  # the size of the request without an answer, if any
    answers: list[int] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while not stop.is_set():
                self.in_flight = self.acked + 1
                try:
                    answer = client.post(
                        "/add-checkpoint", content=self.log.request(self.acked, self.in_flight)
                    )
                except httpx.TransportError:
                    return  # killed: the request in flight may or may not be stored
                self.answers.append(answer.status_code)
                assert answer.status_code == 200, answer.text
                self.acked, self.in_flight = self.in_flight, 0

    def resume(self, client: httpx.Client) -> int:
        """Learn the held size the way a log does: old = what we believe, 409 corrects it."""
        answer = client.post("/add-checkpoint", content=self.log.request(self.acked))
        if answer.status_code == 409:
            assert answer.headers["content-type"] == "text/x.tlog.size"
            held = int(answer.text)
            answer = client.post("/add-checkpoint", content=self.log.request(held))
        assert answer.status_code == 200, answer.text
        self.acked, self.in_flight = self.log.size, 0
        return self.acked


def test_a_witness_killed_mid_load_keeps_every_checkpoint_it_cosigned(tmp_path: Path) -> None:
    """SIGKILL three times under load: each restart holds at least the last cosigned size."""
    directory = tmp_path / "witness"
    cosigner = init_witness(directory, "union.example/witness")
    logs = [TestLog("a.example/ledger", bytes(32)), TestLog("b.example/ledger", bytes([1]) * 32)]
    for log in logs:
        add_log(directory, log.vkey)
        log.grow(2000)
    verifier = CosignatureVerifier(cosigner.verifier_key)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    pushers = [Pusher(log, url) for log in logs]
    for round_ in range(3):
        with witness_process(directory, port) as process:
            stop = threading.Event()
            threads = [threading.Thread(target=p.run, args=(stop,)) for p in pushers]
            before = [len(p.answers) for p in pushers]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 20
            while any(len(p.answers) - b < 15 for p, b in zip(pushers, before, strict=True)):
                assert time.monotonic() < deadline, "the witness answered too slowly"
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            stop.set()
            for thread in threads:
                thread.join(20)
        with witness_process(directory, port), httpx.Client(base_url=url, timeout=10) as client:
            for pusher in pushers:
                origin = pusher.log.signer.name
                answer = client.get(f"/{origin_hash(origin)}/checkpoint")
                assert answer.status_code == 200
                held = open_checkpoint(answer.text, pusher.log.signer.verifier())
                assert held.size >= pusher.acked, (round_, origin, held.size, pusher.acked)
                assert held.size in (pusher.acked, pusher.in_flight)
                assert held.root == pusher.log.tree.root(held.size)
                verifier.verify(answer.text)
                # The witness carries on from where it is: a log learns the size and goes on.
                resumed = pusher.resume(client)
                assert resumed == pusher.log.size
                pusher.log.grow(1000)
                note = add_cosignatures(
                    pusher.log.note(resumed + 1),
                    client.post(
                        "/add-checkpoint", content=pusher.log.request(resumed, resumed + 1)
                    ).text,
                )
                assert verifier.verify(note) > 0
                pusher.acked = resumed + 1
