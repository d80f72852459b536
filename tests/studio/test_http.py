"""The studio view over HTTP: the API with a studio token, the page with its signed cookie."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from tests.api.world import Server

from showclear.server import create_server
from showclear.service import App
from showclear.service.studio import add_account

from .conftest import grant, in_trouble


@pytest.fixture
def base(app: App) -> Iterator[str]:
    """A real server (API and pages) over ``app``; plain HTTP, so cookies are not Secure."""
    with Server(create_server(app, secure_cookies=False)) as url:
        yield url


def test_the_api_lists_the_granted_productions_for_a_studio_token(
    app: App, base: str, seeded: Callable[[str], str]
) -> None:
    """Bearer token: 200 with the rows; no token or another one: 401 problem; bad status: 422."""
    dust, mesa = seeded("Dust Creek"), seeded("Mesa Verde")
    grant(app, dust, "safety-office", "safety-office")
    in_trouble(app, dust)
    token = add_account(app, "safety-office").token
    with httpx.Client(base_url=base) as client:
        answer = client.get("/api/studio/productions", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["account"] == "safety-office"
        assert [row["slug"] for row in body["productions"]] == [dust]
        assert body["productions"][0]["statuses"][:2] == ["cease-fire", "stop-work"]
        filtered = client.get(
            "/api/studio/productions",
            params={"status": "fork"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert filtered.status_code == 200 and filtered.json()["productions"] == []
        for headers in ({}, {"Authorization": "Bearer nope"}):
            refused = client.get("/api/studio/productions", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"] == "application/problem+json"
        bad = client.get(
            "/api/studio/productions",
            params={"status": "hot"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert bad.status_code == 422
    assert mesa not in answer.text


def test_the_page_signs_in_with_the_token_and_shows_the_alarms(
    app: App, base: str, seeded: Callable[[str], str]
) -> None:
    """No cookie: to the sign-in; a wrong token: 401 page; the right one: the view."""
    dust = seeded("Dust Creek")
    grant(app, dust, "insurer", "insurer")
    in_trouble(app, dust)
    token = add_account(app, "insurer").token
    same_site = {"Origin": base}
    with httpx.Client(base_url=base) as client:
        first = client.get("/studio")
        assert first.status_code == 303 and first.headers["location"] == "/studio/signin"
        wrong = client.post("/studio/signin", data={"token": "nope"}, headers=same_site)
        assert wrong.status_code == 401 and "no studio account" in wrong.text
        signed = client.post("/studio/signin", data={"token": token}, headers=same_site)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "Path=/studio" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = client.get("/studio")
        assert page.status_code == 200
        assert "Dust Creek" in page.text and "CEASE-FIRE: incident 1" in page.text
        assert "grazed" not in page.text  # the insurer does not see the description
        assert client.get("/studio", params={"status": "fork"}).text.count("studio-row ") == 0
        out = client.post("/studio/signout", headers=same_site)
        assert out.status_code == 303
        assert client.get("/studio").status_code == 303
