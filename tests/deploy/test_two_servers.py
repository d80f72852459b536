"""Two ``showclear serve`` processes on one PostgreSQL database (issue 18, item 6).

Each process has its own copy of the key directory, as two hosts would. Commands for
one production are spread over both; PostgreSQL's row lock on the production keeps
its commits in one order, and every process checks what it holds in memory against
the database inside that lock, so a command decided on one host sees what the other
recorded. One host is killed with SIGKILL mid-burst: every command it acknowledged
is in the ledger, and the other host (and the first, restarted) goes on.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from tests.api.world import PIN, START, World, build_world
from tests.serve_process import ServeProcess

from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.service import App, FileKeyring, FixedClock, build_app

if TYPE_CHECKING:
    from tests.postgres import PostgresServer

PRODUCTIONS = 16

pytestmark = pytest.mark.slow


@dataclass
class Deployment:
    """One database, the productions in it, and a server on each of two hosts."""

    app: App
    worlds: list[World]
    servers: tuple[ServeProcess, ServeProcess]

    @property
    def world(self) -> World:
        return self.worlds[0]


@pytest.fixture(scope="module")
def deployment(
    postgresql_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """Sixteen productions on one PostgreSQL database, served by two processes (built once:
    each test uses its own weapon or counts from the sizes it finds)."""
    url = postgresql_server.fresh()
    tmp_path = tmp_path_factory.mktemp("deployment")
    clock = FixedClock(START)
    keys_a = tmp_path / "host-a" / "keys"
    app = build_app(url, keyring=FileKeyring(keys_a), clock=clock)
    worlds = [build_world(app, clock, "Dust Creek", spares=4)]
    worlds += [build_world(app, clock, f"Picture {n}") for n in range(1, PRODUCTIONS)]
    keys_b = tmp_path / "host-b" / "keys"
    shutil.copytree(keys_a, keys_b)  # docs/deploy.md: each host holds a copy
    servers = (ServeProcess(url, keys_a, graceful=False), ServeProcess(url, keys_b, graceful=False))
    try:
        for server in servers:
            server.start()
        yield Deployment(app, worlds, servers)
    finally:
        for server in servers:
            server.stop()
        app.close()
        postgresql_server.drop(url)


def _post(base: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=120) as client:
        return client.post(path, json=body, headers=headers)


def _concern(world: World, n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
    body = {"text": f"concern {n}", "anonymous": False, "stop_work": False}
    return world.path("/concerns"), body, world.auth("cree")


def _burst(calls: list[tuple[str, str, dict[str, Any], dict[str, str]]]) -> list[httpx.Response]:
    """Send every call at once (a barrier releases them together)."""
    barrier = threading.Barrier(len(calls))

    def send(call: tuple[str, str, dict[str, Any], dict[str, str]]) -> httpx.Response:
        base, path, body, headers = call
        barrier.wait()
        return _post(base, path, body, headers)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def _one_chain(app: App, world: World) -> None:
    """Verify passes, and every stored checkpoint is signed by the key and names the one
    before it (ledger.chain): one history, no fork."""
    report = app.verify(world.slug)
    assert report.ok, report.problem
    verifier = Ed25519Verifier.from_verifier_key(app.production(world.slug).verifier_key)
    with app.store.read(world.slug) as session:
        sizes = [size for size, note in session.checkpoints() if open_checkpoint(note, verifier)]
    assert sizes == sorted(set(sizes))
    assert sizes[-1] == world.size()


def test_32_commands_for_one_production_over_two_servers_form_one_ledger(
    deployment: Deployment,
) -> None:
    """32 concerns at once, half to each host: 32 consecutive entries, 32 distinct concern
    numbers (a host deciding on a stale projection would reuse one), one chain."""
    world = deployment.world
    size = world.size()
    a, b = deployment.servers
    calls = [((a, b)[n % 2].url, *_concern(world, n)) for n in range(32)]
    responses = _burst(calls)
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    indices = sorted(e["index"] for r in responses for e in r.json()["entries"])
    assert indices == list(range(size, size + 32))  # one entry each, none lost, none twice
    # Each answer's checkpoint covers its entry (a group commit may sign one for several).
    assert all(r.json()["size"] > r.json()["entries"][0]["index"] for r in responses)
    numbers = {r.json()["entries"][0]["event"]["concern"] for r in responses}
    assert len(numbers) == 32
    _one_chain(deployment.app, world)


def test_one_weapon_taken_out_32_times_over_two_servers_is_taken_out_once(
    deployment: Deployment,
) -> None:
    """Exactly one wins across hosts: one take-out allowed, 31 refused and recorded."""
    world = deployment.world
    size = world.size()
    a, b = deployment.servers
    path = world.path("/weapons/spare-1/take-out")
    calls = [((a, b)[n % 2].url, path, {"setup": "12a-1"}, world.auth("ava")) for n in range(32)]
    responses = _burst(calls)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 31, [r.text for r in responses]
    recorded = sorted(e["index"] for r in responses for e in r.json()["entries"])
    assert recorded == list(range(size, world.size()))
    _one_chain(deployment.app, world)


def test_a_weapon_taken_out_on_one_host_is_inspected_and_handed_over_on_the_other(
    deployment: Deployment,
) -> None:
    """Each step is decided against what the other host just recorded: a host holding a
    stale projection would refuse the inspection of a weapon it thinks is in the safe."""
    world = deployment.world
    a, b = deployment.servers
    path = world.path("/weapons/spare-2")
    inspection = {
        "chambers": ["empty"] * 6,
        "barrel_clear": True,
        "performer": "pat",
        "performer_pin": PIN["pat"],
    }
    steps = [
        (a, "/take-out", {"setup": "12a-1"}),
        (b, "/inspect", inspection),
        (a, "/hand-over", {"receiver": "pat", "receiver_pin": PIN["pat"]}),
    ]
    for server, action, body in steps:
        response = _post(server.url, path + action, body, world.auth("ava"))
        assert response.status_code == 200, (action, response.text)
    again = _post(b.url, path + "/take-out", {"setup": "12a-1"}, world.auth("ava"))
    assert again.status_code == 409, again.text
    _one_chain(deployment.app, world)


def test_32_commands_for_16_productions_over_two_servers(deployment: Deployment) -> None:
    """Two commands for each of 16 productions, one to each host, at once: every one is
    recorded in its own production, each ledger one chain."""
    a, b = deployment.servers
    sizes = {w.slug: w.size() for w in deployment.worlds}
    calls = [
        (server.url, *_concern(world, n))
        for n, world in enumerate(deployment.worlds)
        for server in (a, b)
    ]
    responses = _burst(calls)
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    for world in deployment.worlds:
        assert world.size() == sizes[world.slug] + 2
        _one_chain(deployment.app, world)


def test_every_acknowledged_command_survives_a_host_killed_mid_burst(
    deployment: Deployment,
) -> None:
    """SIGKILL one host while both take commands: what either acknowledged is in the
    ledger at the index it said; the survivor goes on; the killed host, restarted with
    its own key directory, extends the survivor's growth."""
    world = deployment.world
    a, b = deployment.servers
    acknowledged: list[dict[str, Any]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(server: ServeProcess, n: int) -> None:
        k = 0
        while not stop.is_set():
            path, body, headers = _concern(world, n * 1000 + k)
            k += 1
            try:
                response = _post(server.url, path, body, headers)
            except httpx.HTTPError:
                if server is a:
                    return  # the host is gone: nothing acknowledged by this request
                raise
            assert response.status_code == 200, response.text
            with lock:
                acknowledged.append(response.json())

    threads = [threading.Thread(target=client, args=((a, b)[n % 2], n)) for n in range(16)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    a.kill()  # mid-burst: requests in flight on host A
    time.sleep(1.0)  # host B keeps taking commands
    stop.set()
    for thread in threads:
        thread.join(120)
    assert len(acknowledged) >= 40
    with deployment.app.store.read(world.slug) as session:
        for result in acknowledged:
            for entry in result["entries"]:
                assert session.entry(entry["index"]).event() == entry["event"]
    _one_chain(deployment.app, world)

    a.stop()
    a.start()  # the same host, its own key directory, after B grew the ledger
    size = world.size()
    response = _post(a.url, *_concern(world, 99_999))
    assert response.status_code == 200, response.text
    assert response.json()["size"] == size + 1
    _one_chain(deployment.app, world)
