"""What a client may send, held before it is read: body sizes, JSON shape, text, input shape.

Each test is a finding of issue 15 (security), sent to a real server as an attacker or a
clumsy client would send it; each error must name the limit and its value, or the field.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from showclear.api.guard import LOOPBACK_NAMES, host_name, served_names
from showclear.api.problems import PROBLEM_BASE, install
from showclear.cli import app as cli
from showclear.limits import (
    COMMANDS_PER_MINUTE,
    MAX_FORM_BODY,
    MAX_JSON_BODY,
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    command_rate,
)
from showclear.service import KeyFileError

from .world import PIN, Server, World

if TYPE_CHECKING:
    from tests.conftest import Backend


def _problem(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM_BASE + kind
    return problem


def _messages(problem: dict[str, Any]) -> str:
    return " ".join(e["msg"] for e in problem["errors"])


def _raw(server: str, head: str, body: bytes = b"") -> bytes:
    """Send ``head`` and ``body`` on a socket, and read what the server answers (10 s)."""
    address = urlsplit(server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head.encode("ascii") + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


# -- request bodies ------------------------------------------------------------------------


def test_a_200_mb_login_is_answered_413_without_being_read(server: str, world: World) -> None:
    """A declared 200 MB body gets its 413 at once: the server does not wait for the bytes."""
    started = time.monotonic()
    answer = _raw(
        server,
        f"POST {world.path('/login')} HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nContent-Length: 209715200\r\n",
        b'{"person": "ava", "pin": "',
    )
    assert time.monotonic() - started < 5
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    problem = json.loads(body)
    assert problem["type"] == PROBLEM_BASE + "too-large"
    assert "209,715,200" in problem["detail"]
    assert f"(JSON request body) is {MAX_JSON_BODY:,} bytes" in problem["detail"]


def test_a_streamed_body_past_the_limit_is_refused_when_it_passes_it(
    client: httpx.Client, world: World
) -> None:
    """Without a Content-Length, reading stops at the limit, and nothing is recorded."""
    size = world.size()

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(MAX_JSON_BODY // 65536 + 2):
            yield b"x" * 65536
        yield b'", "anonymous": false, "stop_work": false}'

    answer = client.post(
        world.path("/concerns"),
        content=chunks(),
        headers={**world.auth("cree"), "content-type": "application/json"},
    )
    problem = _problem(answer, 413, "too-large")
    assert f"{MAX_JSON_BODY:,}" in problem["detail"]
    assert world.size() == size


def test_a_form_post_has_its_own_limit(client: httpx.Client, world: World) -> None:
    """A form body over the form limit is 413, naming the form limit."""
    answer = client.post(
        world.path("/ui/login"),
        content=b"person=" + b"a" * (MAX_FORM_BODY + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    problem = _problem(answer, 413, "too-large")
    assert f"(form body) is {MAX_FORM_BODY:,} bytes" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b'{"person": ' + b"[" * 5000 + b"]" * 5000 + b', "pin": "1357"}', "JSON depth"),
        (b'{"person": "ava", "pin": ' + b"9" * 5000 + b"}", "JSON number size"),
    ],
    ids=["deep", "long-number"],
)
def test_deep_nesting_and_huge_numbers_are_refused_before_parsing(
    client: httpx.Client, world: World, body: bytes, named: str
) -> None:
    """A documented bad-request naming the limit, not about:blank or a parser's failure."""
    answer = client.post(
        world.path("/login"), content=body, headers={"content-type": "application/json"}
    )
    problem = _problem(answer, 400, "bad-request")
    assert named in problem["detail"]
    limit = MAX_JSON_DEPTH if named == "JSON depth" else MAX_NUMBER_CHARS
    assert problem["detail"].endswith(f"is {limit}")


def test_brackets_and_digits_inside_text_are_text(client: httpx.Client, world: World) -> None:
    """The JSON shape check skips strings: a concern full of brackets is recorded."""
    text = "[" * (MAX_JSON_DEPTH + 5) + " 1" + "2" * 40 + ' \\" ]'
    answer = client.post(
        world.path("/concerns"),
        json={"text": text, "anonymous": False, "stop_work": False},
        headers=world.auth("cree"),
    )
    assert answer.status_code == 200, answer.text


# -- a refusal is always recorded ------------------------------------------------------------


def test_a_padded_unsafe_attempt_is_recorded_with_the_hash_of_what_was_cut(
    client: httpx.Client, world: World
) -> None:
    """200 people near the line of fire, long names: refused, recorded, the cut part hashed."""
    near = [{"who": f"{i:03d} " + "x" * 200, "distance_cm": 10} for i in range(200)]
    plan = {
        "setup": "pad-1",
        "scene": "12A",
        "kind": "take",
        "weapons": [{"weapon": world.weapons[0], "performer": "pat", "load": "blanks"}],
        "direction": "toward the crowd",
        "people_near": near,
    }
    size = world.size()
    answer = client.post(world.path("/setups"), json=plan, headers=world.auth("ava"))
    problem = _problem(answer, 409, "refused")
    assert world.size() > size
    refusal = next(e["event"] for e in problem["entries"] if e["event"]["type"] == "AttemptRefused")
    canonical = json.dumps(near, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert any("attempted.people_near had" in r and digest in r for r in refusal["reasons"])
    kept = refusal["attempted"]["people_near"]
    assert 0 < len(kept) < len(near) and kept == near[: len(kept)]
    assert refusal["attempted"]["setup"] == "pad-1"


# -- text and input shape ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a\x00b", "a\x01b", "bell\x07", "\x1b[31mred"])
def test_control_characters_are_refused_in_text_with_a_clear_message(
    client: httpx.Client, world: World, bad: str
) -> None:
    """NUL and the other C0 controls never enter: a token label, a concern's text."""
    label = client.post(
        world.path("/tokens"), json={"person": "ava", "pin": PIN["ava"], "label": bad}
    )
    problem = _problem(label, 422, "invalid-request")
    assert "without control characters" in problem["errors"][0]["msg"]
    size = world.size()
    concern = client.post(
        world.path("/concerns"),
        json={"text": bad, "anonymous": False, "stop_work": False},
        headers=world.auth("cree"),
    )
    assert "without control characters" in _messages(_problem(concern, 422, "invalid-request"))
    assert world.size() == size


def test_tabs_and_line_breaks_are_text(client: httpx.Client, world: World) -> None:
    """A note written on several lines (a browser sends CR LF) is recorded."""
    answer = client.post(
        world.path("/concerns"),
        json={"text": "line one\r\n\tline two", "anonymous": False, "stop_work": False},
        headers=world.auth("cree"),
    )
    assert answer.status_code == 200, answer.text


def test_a_pin_of_spaces_is_refused_as_no_pin(client: httpx.Client, world: World) -> None:
    """Four spaces are not a PIN: 422 naming the field, not a wrong-PIN try."""
    answer = client.post(world.path("/login"), json={"person": "ava", "pin": "    "})
    problem = _problem(answer, 422, "invalid-request")
    assert problem["errors"][0]["loc"] == ["body", "pin"]
    assert "not only spaces" in problem["errors"][0]["msg"]


def test_a_number_sent_as_text_is_not_a_number(client: httpx.Client, world: World) -> None:
    """JSON types are strict: "30" is no number of days."""
    answer = client.post(
        world.path("/tokens"),
        json={"person": "ava", "pin": PIN["ava"], "expires_in_days": "30"},
    )
    problem = _problem(answer, 422, "invalid-request")
    assert problem["errors"][0]["loc"] == ["body", "expires_in_days"]


def test_a_person_with_a_role_twice_is_refused_naming_it(
    client: httpx.Client, world: World
) -> None:
    """Roles name each role once; the message names the one given twice."""
    answer = client.post(
        world.path("/people"),
        json={"person": "dup-1", "name": "Dee Dup", "roles": ["crew", "performer", "crew"]},
        headers=world.auth("sam"),
    )
    assert "names the item 'crew' twice" in _messages(_problem(answer, 422, "invalid-request"))


def test_a_meeting_with_an_attendee_twice_is_refused_naming_them(
    client: httpx.Client, world: World
) -> None:
    """Attendees name each person once."""
    size = world.size()
    answer = client.post(
        world.path("/meetings"),
        json={"setups": ["12a-1"], "attendees": [{"person": "pat"}, {"person": "pat"}]},
        headers=world.auth("dan"),
    )
    assert "names the person 'pat' twice" in _messages(_problem(answer, 422, "invalid-request"))
    assert world.size() == size


# -- commands per minute ------------------------------------------------------------------------


@pytest.fixture
def slow_limit(world: World) -> Iterator[int]:
    """The module's command limit lowered to 3 a minute, and restored."""
    rate = command_rate(world.app)
    rate.per_minute = 3
    yield 3
    rate.per_minute = COMMANDS_PER_MINUTE


def test_a_person_past_the_command_limit_waits_and_records_nothing(
    client: httpx.Client, world: World, slow_limit: int
) -> None:
    """429 naming the limit, with Retry-After; a concern (a report) is never limited."""
    answers = [
        client.post(
            world.path("/concerns"),
            json={"text": f"ok {i}", "anonymous": False, "stop_work": False},
            headers=world.auth("pru"),
        )
        for i in range(slow_limit + 2)
    ]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    chores = [
        client.post(
            world.path("/people"),
            json={"person": f"rl-{i}", "name": f"R {i}", "roles": ["crew"]},
            headers=world.auth("pru"),
        )
        for i in range(slow_limit + 1)
    ]
    assert [a.status_code for a in chores[:slow_limit]] == [200] * slow_limit, chores[0].text
    size = world.size()
    problem = _problem(chores[-1], 429, "rate-limited")
    assert "(the limit: commands per person per minute is 3)" in problem["detail"]
    assert 1 <= int(chores[-1].headers["retry-after"]) <= 61
    assert world.size() == size


# -- Host, headers, OpenAPI -----------------------------------------------------------------


def test_a_host_the_server_does_not_serve_is_refused(
    api: FastAPI, client: httpx.Client, world: World
) -> None:
    """With its names known (serve sets them), another Host is 400 (DNS rebinding)."""
    api.state.allowed_hosts = frozenset({"showclear.local", "127.0.0.1"})
    try:
        other = client.get(world.path("/me"), headers={**world.auth("ava"), "host": "evil.example"})
        assert "evil.example" in _problem(other, 400, "bad-request")["detail"]
        named = client.get(
            world.path("/me"), headers={**world.auth("ava"), "host": "showclear.local:8443"}
        )
        assert named.status_code == 200, named.text
    finally:
        api.state.allowed_hosts = None


def test_every_answer_says_nosniff_deny_and_referrer_policy(
    client: httpx.Client, world: World
) -> None:
    """JSON, problems and documents alike."""
    for answer in (client.get(world.path("/me"), headers=world.auth("ava")), client.get("/nope")):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"


def test_every_operation_documents_the_guard_and_server_errors(client: httpx.Client) -> None:
    """400, 413, 500 and 503 everywhere (a report's 500 too); 429 on every command."""
    paths = client.get("/openapi.json").json()["paths"]
    for ops in paths.values():
        for operation in ops.values():
            assert {"400", "413", "500", "503"} <= set(operation["responses"]), operation
            if "x-event-type" in operation:
                assert "429" in operation["responses"], operation["operationId"]


def test_an_unusable_key_is_a_clear_503_that_names_no_path(tmp_path: Path) -> None:
    """The problem says what to do; the key's path stays in the server's log."""
    secret = tmp_path / "keys" / "dust-creek.key"
    api = FastAPI()
    install(api)

    @api.get("/broken")
    def broken() -> None:
        raise KeyFileError(f"the private key {secret} is readable by others")

    with Server(api) as url, httpx.Client(base_url=url, timeout=30) as c:
        problem = _problem(c.get("/broken"), 503, "unavailable")
    assert str(secret) not in problem["detail"] and "keys" not in problem["detail"]
    assert "signing key cannot be used" in problem["detail"]


def test_serve_answers_to_its_address_and_certificate_names_only() -> None:
    """On one address: it and the loopback names; with a certificate: its names; on every
    address without one: any name (the server cannot know them)."""
    assert served_names("192.168.1.20") == {"192.168.1.20", *LOOPBACK_NAMES}
    assert served_names("0.0.0.0", ["showclear.local", "10.0.0.2"], "showclear.local") == {
        "showclear.local",
        "10.0.0.2",
        *LOOPBACK_NAMES,
    }
    assert served_names("0.0.0.0") is None
    assert (
        host_name("[::1]:8443") == "::1" and host_name("Showclear.Local:8443") == "showclear.local"
    )


def test_showclear_serve_sets_the_names_it_answers_to(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`showclear serve` on loopback refuses every other Host (DNS rebinding)."""
    keys = tmp_path / "keys"
    runner = CliRunner()
    init = ["--db", backend.url, "--key-dir", str(keys), "init", "--production", "Dust Creek"]
    assert runner.invoke(cli, init).exit_code == 0
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda api, **options: served.update(api=api))
    result = runner.invoke(cli, ["--key-dir", str(keys), "serve", "--db", backend.url])
    assert result.exit_code == 0, result.output
    assert served["api"].state.allowed_hosts == LOOPBACK_NAMES
