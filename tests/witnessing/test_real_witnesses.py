"""A production and two witnesses as real processes on loopback (issue 14, item 2).

The witnesses are ``showclear witness serve`` subprocesses; the production is the
server's application (its lifespan starts the submitter thread) or the command line.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from tests.cli.conftest import Cli
from tests.witnessing.conftest import WitnessProcess, wait_for

from showclear.ledger import open_note
from showclear.ledger.cosignature import CosignatureVerifier, cosignatures_in
from showclear.ledger.note import Ed25519Verifier
from showclear.server import create_server
from showclear.service import App, FixedClock, build_app
from showclear.service.identity import Credentials
from showclear.service.keys import CheckpointSigner, FileKeyring
from showclear.service.witnessing import (
    HttpWitnessClient,
    WitnessAnswer,
    WitnessSubmitter,
    witness_status,
)

Factory = Callable[[str], WitnessProcess]


def _verifier_key(cli: Cli) -> str:
    app = cli.app()
    try:
        return app.verifier_key("dust-creek")
    finally:
        app.close()


def _listed(cli: Cli, *witnesses: WitnessProcess) -> None:
    """Each witness follows the production and runs; the policy lists them all, quorum all."""
    key = _verifier_key(cli)
    for n, witness in enumerate(witnesses, start=1):
        witness.follow(key)
        witness.start()
        cli.ok(
            "witnesses", "add", witness.name, witness.url, witness.key,
            "--quorum", str(n), "--as", "sam",
        )  # fmt: skip


@contextmanager
def _served(cli: Cli) -> Iterator[App]:
    """``showclear serve``'s application running in uvicorn, lifespan and all (the
    submitter thread starts with it), on a free loopback port."""
    app = build_app(cli.db, key_dir=cli.keys, clock=FixedClock(cli.now))
    config = uvicorn.Config(
        create_server(app), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, 10, "uvicorn starting")
        yield app
    finally:
        server.should_exit = True
        thread.join(10)
        app.close()


def _add_storage(app: App, n: int) -> float:
    """Record a storage place as mo; how long the command took, in seconds."""
    event = {"type": "StorageAdded", "storage": f"cart-{n}", "name": "Cart", "lockable": True}
    started = time.perf_counter()
    app.submit("dust-creek", event, Credentials("mo", "3333"))
    return time.perf_counter() - started


def _up_to_date(app: App) -> bool:
    status = witness_status(app, "dust-creek")
    return all(lag.behind_entries == 0 for lag in status.lags)


def test_every_new_checkpoint_is_cosigned_by_both_witnesses(
    stocked: Cli, witness_factory: Factory
) -> None:
    """After each commit the server sends the checkpoint; both witnesses' cosignatures,
    checked against their pinned keys, come back on the served checkpoint note."""
    insurer, union = witness_factory("insurer"), witness_factory("union")
    _listed(stocked, insurer, union)
    with _served(stocked) as app:
        for n in range(3):
            _add_storage(app, n)
            wait_for(lambda: _up_to_date(app), what=f"both witnesses cosigning commit {n}")
            note = app.checkpoint("dust-creek")
            size = app.production("dust-creek").size
            assert note.splitlines()[1] == str(size)
            for witness in (insurer, union):
                timestamp = CosignatureVerifier(witness.key).verify(note)
                assert abs(timestamp - time.time()) < 120
        status = witness_status(app, "dust-creek")
        assert [lag.cosigned_size for lag in status.lags] == [size, size]
        assert status.refusals == []
    # The log's own signature still verifies beside the cosignatures (ignored as unknown).
    production = Ed25519Verifier.from_verifier_key(app.verifier_key("dust-creek"))
    assert open_note(note, [production])[1] == [production]
    assert {c.name for c in cosignatures_in(note)} == {
        "insurer.example/witness",
        "union.example/witness",
    }


def test_commands_do_not_wait_for_a_silent_witness_which_catches_up_later(
    stocked: Cli, witness_factory: Factory
) -> None:
    """With one witness's address taking requests and never answering (each request waits
    out its 5 s timeout), commands still take milliseconds and its lag shows in entries;
    once the real witness is back there, the submitter's retries bring it up to date."""
    insurer, union = witness_factory("insurer"), witness_factory("union")
    _listed(stocked, insurer, union)
    union.kill()
    silent = socket.socket()
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", union.port))
    silent.listen(64)  # connections complete; nothing is ever read or answered
    app = build_app(stocked.db, key_dir=stocked.keys, clock=FixedClock(stocked.now))
    submitter = WitnessSubmitter(app, backoff_first=0.2, backoff_max=1.0)
    app.commit_listeners.append(submitter.notify)
    submitter.start()
    try:
        took = [_add_storage(app, n) for n in range(4)]
        assert max(took) < 1.0, took  # nobody waited for the silent witness
        # The insurer is asked on its own: it is not held up by the union's 5 s timeout.
        wait_for(
            lambda: witness_status(app, "dust-creek").lags[0].behind_entries == 0,
            4.5,
            "the insurer cosigning the latest checkpoint",
        )
        wait_for(
            lambda: witness_status(app, "dust-creek").lags[1].last_error is not None,
            what="the silent witness's request timing out",
        )
        _, union_lag = witness_status(app, "dust-creek").lags
        assert union_lag.behind_entries >= 4
        assert union_lag.last_error is not None and "unreachable" in union_lag.last_error
        assert union_lag.failures >= 1
        ran = stocked.main("witnesses", "status")
        assert ran.code == 0
        assert f"{union_lag.behind_entries} entries" in ran.text
        silent.close()
        union.start()
        wait_for(lambda: _up_to_date(app), 30, "the union catching up after its restart")
        assert witness_status(app, "dust-creek").lags[1].last_error is None
    finally:
        silent.close()
        submitter.stop()
        app.close()


class _Timed:
    """The real HTTP transport, noting when each witness was asked."""

    def __init__(self) -> None:
        self.inner = HttpWitnessClient()
        self.sent: dict[str, list[float]] = {}

    def add_checkpoint(self, url: str, body: str) -> WitnessAnswer:
        self.sent.setdefault(url, []).append(time.monotonic())
        return self.inner.add_checkpoint(url, body)

    def close(self) -> None:
        self.inner.close()


def test_a_burst_of_commits_costs_each_witness_at_most_one_request_a_second(
    stocked: Cli, witness_factory: Factory
) -> None:
    """Twenty commits in a row: the witness is sent the latest checkpoint, never twice within
    a second, and ends up cosigning the last one."""
    insurer = witness_factory("insurer")
    _listed(stocked, insurer)
    app = build_app(stocked.db, key_dir=stocked.keys, clock=FixedClock(stocked.now))
    client = _Timed()
    submitter = WitnessSubmitter(app, client=client)
    app.commit_listeners.append(submitter.notify)
    submitter.start()
    try:
        started = time.monotonic()
        for n in range(20):
            _add_storage(app, n)
        wait_for(lambda: _up_to_date(app), what="the witness cosigning the last commit")
        elapsed = time.monotonic() - started
    finally:
        submitter.stop()
        app.close()
    sent = client.sent[insurer.url]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert all(gap >= 0.99 for gap in gaps), gaps
    assert len(sent) < 20, sent  # batched: a witness behind gets only the latest
    assert len(sent) <= elapsed + 2, (len(sent), elapsed)


class _SameKey(FileKeyring):
    """The operator's copy of the key files (not their memory of what they signed): a new
    production "created" with it gets the production's own key."""

    def __init__(self, keys: Path, verifier_key: str) -> None:
        super().__init__(keys)
        self._verifier_key = verifier_key

    def create(self, origin: str) -> CheckpointSigner:
        return self.signer_for(self._verifier_key)


def test_a_rewritten_history_under_the_same_key_is_refused_by_both_witnesses(
    stocked: Cli, witness_factory: Factory, tmp_path: Path
) -> None:
    """The operator starts a new database with the production's key and other entries, and
    pushes: both witnesses refuse it, and the refusals are kept as evidence."""
    insurer, union = witness_factory("insurer"), witness_factory("union")
    _listed(stocked, insurer, union)
    assert stocked.main("witnesses", "push").code == 0
    app = stocked.app()
    witnessed, witnessed_note = app.production("dust-creek"), app.checkpoint("dust-creek")
    app.close()
    # A new database, the same key and origin, a different (longer) history.
    forged_db, forged_keys = str(tmp_path / "forged.db"), tmp_path / "forged-keys"
    forged_keys.mkdir()
    for key_file in stocked.keys.glob("*.key"):
        shutil.copy(key_file, forged_keys / key_file.name)
    forger = build_app(
        forged_db,
        keyring=_SameKey(forged_keys, witnessed.verifier_key),
        clock=FixedClock(stocked.now),
    )
    forged = forger.init_production("Dust Creek")
    assert forged.verifier_key == witnessed.verifier_key
    policy = {
        "witnesses": [{"name": w.name, "url": w.url, "key": w.key} for w in (insurer, union)],
        "witness_quorum": 2,
    }
    events = [{"type": "PolicyChanged", "at": forged.created_at, "actor": None, "changes": policy}]
    events += [
        {
            "type": "StorageAdded",
            "at": forged.created_at,
            "actor": None,
            "storage": f"forged-{n}",
            "name": "Nothing happened here",
            "lockable": True,
        }
        for n in range(witnessed.size + 5)
    ]
    forger.append_unchecked("dust-creek", events)
    forger.close()
    operator = Cli(forged_db, forged_keys, now=stocked.now)
    pushed = operator.main("witnesses", "push")
    assert pushed.code == 1, pushed.text
    assert "insurer: refused (size" in pushed.text
    assert "union: refused (size" in pushed.text
    status = json.loads(operator.main("witnesses", "status", "--json").out)
    refusals = {r["witness"]: r for r in status["refusals"]}
    assert set(refusals) == {"insurer", "union"}
    for refusal in refusals.values():
        assert refusal["status"] == 422  # the proof from their size does not verify
        assert refusal["request"].startswith(f"old {witnessed.size}\n")
        assert refusal["response"]
    assert all(lag["cosigned_size"] == 0 for lag in status["witnesses"])
    # The witnesses still serve the history they cosigned, not the forged one, and keep
    # the forged checkpoint as evidence.
    witnessed_body = witnessed_note[: witnessed_note.index("\n\n") + 1]
    for witness in (insurer, union):
        served = _served_checkpoint(witness)
        assert served.startswith(witnessed_body)
        CosignatureVerifier(witness.key).verify(served)
        forks = operator.main("witness", "forks", "--dir", str(witness.directory))
        assert forks.code == 1  # a fork was seen
        assert "Fork #1 of showclear.example/productions/dust-creek" in forks.text


def _served_checkpoint(witness: WitnessProcess) -> str:
    """The latest checkpoint the witness cosigned, as it serves it (monitor retrieval)."""
    origin = "showclear.example/productions/dust-creek"
    path = hashlib.sha256(origin.encode()).hexdigest()
    with urllib.request.urlopen(f"{witness.url}/{path}/checkpoint", timeout=5) as answer:
        return str(answer.read().decode())


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    yield
    left = [t.name for t in threading.enumerate() if t.name == "witness-submitter"]
    assert not left, f"a submitter thread outlived its test: {left}"


def test_an_answer_not_signed_by_the_pinned_key_is_not_stored(
    stocked: Cli, witness_factory: Factory
) -> None:
    """Another witness answering at the listed address (an impostor, or a re-keyed one):
    its cosignature does not verify with the key the policy pins, so nothing is stored."""
    real, impostor = witness_factory("insurer"), witness_factory("impostor")
    impostor.follow(_verifier_key(stocked))
    impostor.port = real.port  # answers where the policy says the insurer is
    impostor.start()
    stocked.ok("witnesses", "add", "insurer", real.url, real.key, "--as", "sam")
    pushed = stocked.main("witnesses", "push")
    assert pushed.code == 0, pushed.text
    assert "insurer: failed" in pushed.text
    assert "not a valid cosignature by its key" in pushed.text
    status = stocked.json("witnesses", "status")
    assert status["witnesses"][0]["cosigned_size"] == 0
    app = stocked.app()
    try:
        note = app.checkpoint("dust-creek")
    finally:
        app.close()
    assert cosignatures_in(note) == []
