"""Signing in: sessions, API tokens, PINs and lock-out, and what is refused without them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from showclear.service.auth import MAX_FAILURES

from .world import PEOPLE, PIN, World, build_world

INSPECTION = {"chambers": ["empty"] * 6, "barrel_clear": True, "performer": "pat"}


@pytest.fixture
def restore_clock(world: World) -> Iterator[None]:
    """Put the module's clock back where it was after a test that moves it."""
    before = world.clock.now()
    yield
    world.clock.set(before)


def _new_token(client: httpx.Client, world: World, person: str, **extra: object) -> dict:
    response = client.post(
        world.path("/tokens"), json={"person": person, "pin": PIN[person], **extra}
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(response: httpx.Response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"https://showclear.example/problems/{kind}"
    assert problem["status"] == status
    return problem


# -- refused without a valid session or token ------------------------------------------------


def test_a_request_without_a_session_or_token_is_401_and_records_nothing(
    client: httpx.Client, world: World
) -> None:
    """No credentials: 401 with a Bearer challenge, for reads and commands alike."""
    size = world.size()
    read = client.get(world.path("/board"))
    _problem(read, 401, "unauthenticated")
    assert read.headers["www-authenticate"].startswith("Bearer")
    command = client.post(
        world.path("/concerns"), json={"text": "x", "anonymous": False, "stop_work": True}
    )
    _problem(command, 401, "unauthenticated")
    assert world.size() == size


def test_an_unknown_token_is_401(client: httpx.Client, world: World) -> None:
    """A made-up token, even one naming this production, signs in nobody."""
    for token in ("nonsense", f"sc1.{world.slug}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"):
        _problem(client.get(world.path("/me"), headers=_bearer(token)), 401, "unauthenticated")


def test_an_expired_token_is_401_naming_its_expiry(
    client: httpx.Client, world: World, restore_clock: None
) -> None:
    """A token past its expiry is refused, and the problem says so."""
    token = _new_token(client, world, "pete", expires_in_days=1)
    assert client.get(world.path("/me"), headers=_bearer(token["token"])).status_code == 200
    world.clock.advance(days=1)
    problem = _problem(
        client.get(world.path("/me"), headers=_bearer(token["token"])), 401, "unauthenticated"
    )
    assert f"expired at {token['expires_at']}" in problem["detail"]


def test_a_revoked_token_is_401_naming_the_revocation(client: httpx.Client, world: World) -> None:
    """Revoking a token (DELETE /tokens/{id}) ends it at once."""
    token = _new_token(client, world, "pete", label="lost tablet")
    headers = _bearer(token["token"])
    assert client.delete(world.path(f"/tokens/{token['id']}"), headers=headers).status_code == 204
    problem = _problem(client.get(world.path("/me"), headers=headers), 401, "unauthenticated")
    assert "revoked" in problem["detail"]


def test_a_session_or_token_of_another_production_is_403_both_ways(
    client: httpx.Client, world: World
) -> None:
    """A token acts only on its own production, even for a person of the same name."""
    other = build_world(world.app, world.clock, "Other Show")
    theirs = _bearer(other.tokens["ava"])
    size = world.size()
    _problem(client.get(world.path("/board"), headers=theirs), 403, "forbidden")
    _problem(
        client.post(world.path("/weapons/rev-1/take-out"), json={"setup": "12a-1"}, headers=theirs),
        403,
        "forbidden",
    )
    _problem(client.get(other.path("/board"), headers=world.auth("ava")), 403, "forbidden")
    _problem(client.get("/productions/nowhere/board", headers=world.auth("ava")), 403, "forbidden")
    assert world.size() == size


# -- browser sessions ------------------------------------------------------------------------


def test_login_sets_a_secure_http_only_same_site_cookie_for_this_production_only(
    client: httpx.Client, world: World
) -> None:
    """The session cookie works for this production's endpoints until logout."""
    response = client.post(world.path("/login"), json={"person": "dan", "pin": PIN["dan"]})
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", f"Path=/productions/{world.slug}"):
        assert attribute in cookie
    session = cookie.split(";", 1)[0]
    me = client.get(world.path("/me"), headers={"Cookie": session})
    assert me.json()["person"] == "dan"
    assert me.json()["signed_in_with"]["kind"] == "session"
    assert client.post(world.path("/logout"), headers={"Cookie": session}).status_code == 204
    _problem(client.get(world.path("/me"), headers={"Cookie": session}), 401, "unauthenticated")


def test_a_cross_site_form_post_with_the_session_cookie_records_nothing(
    client: httpx.Client, world: World
) -> None:
    """Commands take only JSON bodies, which a form on another site cannot send (422)."""
    login = client.post(world.path("/login"), json={"person": "dan", "pin": PIN["dan"]})
    session = login.headers["set-cookie"].split(";", 1)[0]
    size = world.size()
    response = client.post(
        world.path("/concerns"),
        content='{"text": "x", "anonymous": false, "stop_work": true}',
        headers={"Cookie": session, "Content-Type": "text/plain"},
    )
    _problem(response, 422, "invalid-request")
    assert world.size() == size


def test_a_wrong_pin_at_login_is_401_and_counted_and_the_limit_locks_out_with_423(
    client: httpx.Client, world: World
) -> None:
    """Failures are recorded; at the limit the person is locked out, even with the right PIN."""
    wrong = {"person": "cree", "pin": "0000"}
    for _attempt in range(1, MAX_FAILURES):
        problem = _problem(client.post(world.path("/login"), json=wrong), 401, "unauthenticated")
        # The same words as for an unknown name (ID-RESET: nothing tells a guesser who exists).
        assert problem["detail"].startswith("wrong PIN for cree, or no such person here")
    locked = client.post(world.path("/login"), json=wrong)
    problem = _problem(locked, 423, "locked-out")
    assert problem["person"] == "cree"
    again = client.post(world.path("/login"), json={"person": "cree", "pin": PIN["cree"]})
    assert _problem(again, 423, "locked-out")["locked_until"] == problem["locked_until"]
    assert int(again.headers["retry-after"]) > 0
    with world.app.store.read(world.slug) as session:
        assert session.credential("cree")[1:] == (MAX_FAILURES, problem["locked_until"])


def test_a_wrong_receiver_pin_records_nothing_but_the_failure_and_locks_the_receiver_out(
    client: httpx.Client, world: World, restore_clock: None
) -> None:
    """A handover with the receiver's wrong PIN is 401, then 423; only the lock-out is recorded."""
    ava = world.auth("ava")
    weapon = world.path("/weapons/spare-3")
    client.post(weapon + "/take-out", json={"setup": "12a-1"}, headers=ava)
    client.post(weapon + "/inspect", json=INSPECTION | {"performer_pin": PIN["pat"]}, headers=ava)
    size = world.size()
    handover = {"receiver": "pat", "receiver_pin": "9999"}
    statuses = [
        client.post(weapon + "/hand-over", json=handover, headers=ava).status_code
        for _ in range(MAX_FAILURES + 1)
    ]
    assert statuses == [401] * (MAX_FAILURES - 1) + [423, 423]
    # Nothing of the handover; only the lock-out, which is an entry (ID-RESET).
    assert world.size() == size + 1
    with world.app.store.read(world.slug) as session:
        assert session.entry(size).event()["type"] == "PersonLockedOut"
    # The safety coordinator and a producer approve a reset (ID-RESET), which lifts the
    # lock-out; then one of them sets the new PIN.
    for approver in ("sam", "pru"):
        approved = client.post(
            world.path("/people/pat/credential-resets"),
            json={"kind": "pin"},
            headers=world.auth(approver),
        )
        assert approved.status_code == 200, approved.text
    reset = client.put(
        world.path("/people/pat/pin"), json={"pin": PIN["pat"]}, headers=world.auth("sam")
    )
    assert reset.status_code == 204, reset.text
    # The reset ended pat's sessions and tokens: pat signs in again for the tests after.
    world.tokens["pat"] = world.app.create_token(
        world.slug, "pat", PIN["pat"], label="tests", ttl=None
    ).secret
    handover["receiver_pin"] = PIN["pat"]
    assert client.post(weapon + "/hand-over", json=handover, headers=ava).status_code == 200


# -- tokens and PINs -------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_its_hash(
    client: httpx.Client, world: World
) -> None:
    """Listing tokens never shows a secret; the database holds SHA-256 of it."""
    token = _new_token(client, world, "dan", label="AD tablet")
    listed = client.get(world.path("/tokens"), headers=_bearer(token["token"])).json()
    assert token["id"] in [t["id"] for t in listed]
    assert all("token" not in t for t in listed)
    assert {t["person"] for t in listed} == {"dan"}
    with world.app.store.read(world.slug) as session:
        stored = next(r for r in session.logins("dan") if r.id == token["id"])
    assert stored.token_hash == hashlib.sha256(token["token"].encode()).hexdigest()
    created, expires = token["created_at"], token["expires_at"]
    assert (world.clock.now() + timedelta(days=30)).strftime("%Y-%m-%d") in expires
    assert created < expires


def test_people_revoke_only_their_own_tokens_unless_they_oversee(
    client: httpx.Client, world: World
) -> None:
    """A performer cannot revoke the armorer's token; the safety coordinator can."""
    token = _new_token(client, world, "ava", label="armory tablet")
    path = world.path(f"/tokens/{token['id']}")
    _problem(client.delete(path, headers=world.auth("pat")), 403, "forbidden")
    assert client.get(world.path("/me"), headers=_bearer(token["token"])).status_code == 200
    assert client.delete(path, headers=world.auth("sam")).status_code == 204
    _problem(client.delete(path, headers=world.auth("sam")), 404, "not-found")
    assert len(client.get(world.path("/tokens"), headers=world.auth("sam")).json()) > len(PEOPLE)


def test_changing_your_own_pin_needs_the_current_one(client: httpx.Client, world: World) -> None:
    """Without the current PIN, 401; someone else's, refused by ID-RESET and recorded;
    with the current PIN, the new one works at login and the old token stops working."""
    path = world.path("/people/pete/pin")
    pete = world.auth("pete")
    _problem(client.put(path, json={"pin": "7777"}, headers=pete), 401, "unauthenticated")
    refused = _problem(
        client.put(world.path("/people/dan/pin"), json={"pin": "7777"}, headers=pete),
        409,
        "refused",
    )
    assert [r["id"] for r in refused["rules"]] == ["ID-RESET"]
    ok = client.put(path, json={"pin": "7777", "current_pin": PIN["pete"]}, headers=pete)
    assert ok.status_code == 204, ok.text
    _problem(client.get(world.path("/me"), headers=pete), 401, "unauthenticated")
    login = client.post(world.path("/login"), json={"person": "pete", "pin": "7777"})
    assert login.status_code == 200
    world.tokens["pete"] = world.app.create_token(
        world.slug, "pete", "7777", label="tests", ttl=None
    ).secret
    back = {"pin": PIN["pete"], "current_pin": "7777"}
    assert client.put(path, json=back, headers=world.auth("pete")).status_code == 204
    world.tokens["pete"] = world.app.create_token(
        world.slug, "pete", PIN["pete"], label="tests", ttl=None
    ).secret


def test_an_anonymous_concern_is_recorded_naming_nobody(client: httpx.Client, world: World) -> None:
    """A member raises it signed in, but the ledger entry has no actor (INC-CONCERN)."""
    body = {"text": "the prop cart was left open", "anonymous": True, "stop_work": False}
    response = client.post(world.path("/concerns"), json=body, headers=world.auth("cree"))
    assert response.status_code == 200, response.text
    assert response.json()["entries"][-1]["event"]["actor"] is None


def test_the_body_cannot_name_the_actor_or_set_a_confirmation(
    client: httpx.Client, world: World
) -> None:
    """Fields the server decides are refused as unknown (422), and nothing is recorded."""
    size = world.size()
    for extra in ({"actor": "ava"}, {"receiver_confirmed": True}, {"giver": "ava"}, {"at": "x"}):
        body = {"receiver": "pat", "receiver_pin": PIN["pat"], **extra}
        response = client.post(
            world.path("/weapons/rev-1/hand-over"), json=body, headers=world.auth("dan")
        )
        problem = _problem(response, 422, "invalid-request")
        assert problem["errors"][0]["type"] == "extra_forbidden"
    assert world.size() == size
