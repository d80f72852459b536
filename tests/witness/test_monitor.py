"""The monitor (``showclear witness check``) against a real production server and witnesses.

A production is built with the service and served by ``showclear serve``'s application on
loopback; witnesses are served beside it. Its checkpoints reach the witnesses as a
production's would. Then the operator, who holds the production's key file, signs another
history and shows it to a witness that had not seen the first: the monitor must call it a
split view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.api.world import START, Server, World, build_world
from tests.conftest import CliRun

from showclear.ledger.checkpoint import Checkpoint, sign_checkpoint
from showclear.ledger.merkle import leaf_hash, root_hash
from showclear.ledger.note import Ed25519Signer
from showclear.server import create_server
from showclear.service import FileKeyring, FixedClock, build_app
from showclear.witness import (
    Witness,
    WitnessUnreachable,
    add_log,
    check_split_view,
    create_witness_app,
    init_witness,
)

from .testlog import request_body


@dataclass
class Production:
    """A served production: its API address, key, a member's token, and the operator's key."""

    world: World
    url: str  # https://HOST/productions/SLUG, as the monitor takes it
    vkey: str
    token: str
    key_file: Path

    def note(self, size: int | None = None) -> str:
        return self.world.app.checkpoint(self.world.slug, size)

    def proof(self, old: int, new: int) -> list[bytes]:
        return list(self.world.app.prove_consistency(self.world.slug, old, new).hashes)


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as s:
        yield s


@pytest.fixture
def production(tmp_path: Path, stack: ExitStack) -> Production:
    """The demo-like production "Dust Creek" on SQLite, its key in a 0600 file, served."""
    keys = tmp_path / "keys"
    app = build_app(f"{tmp_path / 'set.db'}", keyring=FileKeyring(keys), clock=FixedClock(START))
    stack.callback(app.close)
    world = build_world(app, FixedClock(START), "Dust Creek")
    base = stack.enter_context(Server(create_server(app, secure_cookies=False)))
    (key_file,) = keys.glob("*.key")
    return Production(
        world,
        f"{base}/productions/{world.slug}",
        app.verifier_key(world.slug),
        next(iter(world.tokens.values())),
        key_file,
    )


@pytest.fixture
def new_witness(
    tmp_path: Path, stack: ExitStack, production: Production
) -> Callable[[str], tuple[str, str]]:
    """Start a witness following the production; its URL and verifier key."""

    def start(name: str) -> tuple[str, str]:
        directory = tmp_path / name
        cosigner = init_witness(directory, f"{name}.example/witness")
        add_log(directory, production.vkey)
        url = stack.enter_context(Server(create_witness_app(Witness.open(directory))))
        return url, cosigner.verifier_key

    return start


def _submit(url: str, old: int, proof: list[bytes], note: str) -> int:
    answer = httpx.post(f"{url}/add-checkpoint", content=request_body(old, proof, note))
    return answer.status_code


def _forge(production: Production, size: int) -> str:
    """The operator's other history: the real key signs a checkpoint of other entries."""
    signer = Ed25519Signer.from_private_key_string(production.key_file.read_text())
    origin = signer.name
    leaves = [leaf_hash(f"rewritten {i}".encode()) for i in range(size)]
    return sign_checkpoint(Checkpoint(origin, size, root_hash(leaves)), [signer])


def test_one_history_seen_by_the_server_and_two_witnesses_is_ok(
    production: Production, new_witness: Callable[[str], tuple[str, str]]
) -> None:
    """Witnesses at the latest size and at an older one: one history, the proofs join them."""
    size = production.world.size()
    insurer, union = new_witness("insurer"), new_witness("union")
    assert _submit(insurer[0], 0, [], production.note()) == 200
    older = size - 3
    assert _submit(union[0], 0, [], production.note(older)) == 200
    report = check_split_view(
        production.url, production.vkey, [insurer, union], token=production.token
    )
    assert report.ok, (report.split, report.problems)
    assert [(v.source, v.checkpoint.size) for v in report.views] == [
        ("server", size),
        ("insurer.example/witness", size),
        ("union.example/witness", older),
    ]


def test_the_operator_showing_another_history_to_a_witness_is_a_split_view(
    production: Production, new_witness: Callable[[str], tuple[str, str]]
) -> None:
    """Same key, other entries, same size: two roots for one size are reported as a fork."""
    size = production.world.size()
    insurer, bond = new_witness("insurer"), new_witness("bond")
    assert _submit(insurer[0], 0, [], production.note()) == 200
    assert _submit(bond[0], 0, [], _forge(production, size)) == 200  # bond never saw the real one
    report = check_split_view(
        production.url, production.vkey, [insurer, bond], token=production.token
    )
    assert not report.ok
    assert any("two roots for size" in line and "bond" in line for line in report.split)


def test_a_witness_holding_an_older_forged_checkpoint_is_a_split_view(
    production: Production, new_witness: Callable[[str], tuple[str, str]]
) -> None:
    """A smaller forged tree: the server's consistency proof does not join it to the real one."""
    size = production.world.size()
    union = new_witness("union")
    assert _submit(union[0], 0, [], _forge(production, size - 2)) == 200
    report = check_split_view(production.url, production.vkey, [union], token=production.token)
    assert any("not one history" in line for line in report.split), report


def test_a_witness_that_is_down_or_has_nothing_is_a_problem_not_ok(
    production: Production, new_witness: Callable[[str], tuple[str, str]]
) -> None:
    """The monitor cannot vouch for what it could not see."""
    empty = new_witness("empty")
    down = ("http://127.0.0.1:9", empty[1])
    report = check_split_view(
        production.url, production.vkey, [empty, down], token=production.token
    )
    assert not report.split
    assert len(report.problems) == 2 and not report.ok


def test_witness_check_on_the_command_line(
    production: Production,
    new_witness: Callable[[str], tuple[str, str]],
    showclear: Callable[..., CliRun],
) -> None:
    """`showclear witness check` prints each view, exits 0 on one history and 1 on a fork."""
    size = production.world.size()
    insurer, bond = new_witness("insurer"), new_witness("bond")
    assert _submit(insurer[0], 0, [], production.note()) == 200
    args = ["witness", "check", production.url, "--log-key", production.vkey]
    args += ["--token", production.token, "--witness", f"{insurer[0]}={insurer[1]}"]
    ran = showclear(*args)
    assert ran.code == 0, ran.err
    assert f"insurer.example/witness: size {size}" in ran.out and "OK" in ran.out
    assert _submit(bond[0], 0, [], _forge(production, size)) == 200
    ran = showclear(*args, "--witness", f"{bond[0]}={bond[1]}")
    assert ran.code == 1
    assert "SPLIT VIEW" in ran.out


def test_a_server_checkpoint_not_signed_by_the_pinned_key_is_refused(
    production: Production,
) -> None:
    """Pinning the log key: another key's checkpoints are not the production's."""
    other = Ed25519Signer.generate(production.vkey.split("+")[0]).verifier().verifier_key()
    with pytest.raises(WitnessUnreachable, match="not signed by the pinned log key"):
        check_split_view(production.url, other, [], token=production.token)
