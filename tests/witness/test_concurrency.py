"""Two requests from the same old size: exactly one is cosigned (C2SP tlog-witness's race).

The spec: checking the old size and persisting the new checkpoint "must be performed
atomically", or a later request can roll the witness back. Many threads race here, both
on the witness itself and through its HTTP server.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from showclear.witness import SizeConflict, Witness

from .conftest import Served
from .testlog import ORIGIN, TestLog

RACERS = 8


def _race(submit: Callable[[bytes], str], bodies: list[bytes]) -> Counter[str]:
    """Send every body at once (released together by a barrier); count the outcomes."""
    barrier = threading.Barrier(len(bodies))

    def one(body: bytes) -> str:
        barrier.wait()
        return submit(body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return Counter(pool.map(one, bodies))


def test_racing_requests_from_one_old_size_cosign_exactly_one(witness: Witness) -> None:
    """Round after round, one of eight valid extensions of the held size wins; seven get 409."""
    log = TestLog().grow(5 + 5 * RACERS)
    witness.add_checkpoint(log.request(0, 5))
    held = 5

    def submit(body: bytes) -> str:
        try:
            witness.add_checkpoint(body)
        except SizeConflict as e:
            return f"409 {e.held_size}"
        return "200"

    for _ in range(5):
        sizes = [held + 1 + i for i in range(RACERS)]
        outcomes = _race(submit, [log.request(held, size) for size in sizes])
        assert outcomes["200"] == 1, outcomes
        winner = witness.state.held(ORIGIN)
        assert winner is not None and winner.size in sizes
        # Every loser was told the size the winner stored, never a stale one.
        assert outcomes[f"409 {winner.size}"] == RACERS - 1, outcomes
        held = winner.size


def test_racing_requests_over_http_cosign_exactly_one(served: Served) -> None:
    """Through uvicorn's thread pool too: one 200, the rest 409 with the winner's size."""
    log = TestLog().grow(3 + RACERS)
    assert served.add(log.request(0, 3)).status_code == 200

    def submit(body: bytes) -> str:
        answer = served.add(body)
        return f"{answer.status_code} {answer.text.strip() if answer.status_code == 409 else ''}"

    outcomes = _race(submit, [log.request(3, 4 + i) for i in range(RACERS)])
    winner = served.witness.state.held(ORIGIN)
    assert winner is not None
    assert outcomes == Counter({"200 ": 1, f"409 {winner.size}": RACERS - 1})
