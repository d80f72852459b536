"""The pages over HTTP, without a browser: sign-in, same-origin forms, and the API unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import Site
from .seed import PINS


@pytest.fixture
def production(site: Site) -> str:
    return site.production()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    """A client that says, as a browser does, which site its forms come from: this one."""
    with httpx.Client(base_url=site.url, timeout=30, headers={"Origin": site.url}) as c:
        yield c


def _ui(slug: str, rest: str = "/") -> str:
    return f"/productions/{slug}/ui{rest}"


def _signed_in(client: httpx.Client, slug: str, person: str) -> None:
    answer = client.post(_ui(slug, "/login"), data={"person": person, "pin": PINS[person]})
    assert answer.status_code == 303, answer.text
    # The session cookie is Secure, which httpx keeps for https only: carry it over by hand.
    client.cookies.set("showclear_session", answer.cookies["showclear_session"])


def test_a_page_without_a_session_goes_to_the_login_and_back(
    client: httpx.Client, production: str
) -> None:
    """The login page is told where to return to."""
    answer = client.get(_ui(production, "/weapons/colt-1"))
    assert answer.status_code == 303
    assert answer.headers["location"] == _ui(
        production, "/login?next=%2Fproductions%2F" + production + "%2Fui%2Fweapons%2Fcolt-1"
    )


def test_a_wrong_pin_is_said_on_the_login_form(client: httpx.Client, production: str) -> None:
    """No redirect loop: the form comes back with the reason and the person kept."""
    answer = client.post(_ui(production, "/login"), data={"person": "maria", "pin": "0000"})
    assert answer.status_code == 401
    assert 'class="login-error"' in answer.text
    assert 'value="maria"' in answer.text


def test_a_form_posted_from_another_site_is_refused_and_records_nothing(
    site: Site, client: httpx.Client, production: str
) -> None:
    """SameSite=Strict cookies, and the Origin checked as well."""
    _signed_in(client, production, "maria")
    size = site.app.production(production).size
    answer = client.post(
        _ui(production, "/weapons/colt-1/take-out"),
        data={"setup": "12B"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert answer.status_code == 403
    assert "another site" in answer.text
    assert site.app.production(production).size == size
    answer = client.post(
        _ui(production, "/weapons/colt-1/take-out"),
        data={"setup": "12B"},
        headers={"Origin": site.url},
    )
    assert answer.status_code == 303
    assert site.app.production(production).size == size + 1


def test_pages_stay_out_of_the_api_schema(client: httpx.Client) -> None:
    """The OpenAPI schema documents the API only."""
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if "/ui" in p or p.startswith("/static")]
    assert "/productions/{slug}/board" in paths
