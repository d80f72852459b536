"""A device that tries to sign in too often waits: 429 Too Many Requests with Retry-After."""

from __future__ import annotations

import httpx

from showclear.service.sessions import SignInLimiter

from .world import PIN, World


def test_a_device_past_its_sign_in_limit_is_answered_429_with_retry_after(
    client: httpx.Client, world: World
) -> None:
    world.app.sign_in_limiter = SignInLimiter(limit=2)
    try:
        for n in range(2):
            wrong = client.post(world.path("/login"), json={"person": "sam", "pin": f"x{n}x9"})
            assert wrong.status_code == 401, wrong.json()
        limited = client.post(world.path("/login"), json={"person": "sam", "pin": PIN["sam"]})
        assert limited.status_code == 429, limited.json()
        problem = limited.json()
        assert problem["type"].endswith("/problems/rate-limited")
        assert problem["title"] == "Too many requests"
        assert "wait" in problem["detail"] and "try again" in problem["detail"]
        assert "locked_until" not in problem  # nobody is locked out by a device's tries
        assert 1 <= int(limited.headers["Retry-After"]) <= 61
        tokens = client.post(world.path("/tokens"), json={"person": "sam", "pin": PIN["sam"]})
        assert tokens.status_code == 429, tokens.json()
    finally:
        world.app.sign_in_limiter = SignInLimiter()
    # Sam was never locked out: from a device within its limit, her PIN works.
    signed_in = client.post(world.path("/login"), json={"person": "sam", "pin": PIN["sam"]})
    assert signed_in.status_code == 200, signed_in.json()
