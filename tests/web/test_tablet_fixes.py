"""Issue 16 on the tablet: a plan from the API keeps the setups page up, and a refused form
keeps what was typed."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Crew, Site
from .seed import PINS

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])


@ON_THE_TABLET
def test_a_setup_planned_through_the_api_without_a_lot_is_listed_on_the_setups_page(
    crew: Crew, site: Site
) -> None:
    """A weapon planned without ``lot``, ``rounds`` or protection flags does not break the page."""
    token = site.app.create_token(crew.slug, "dana", PINS["dana"], label="test", ttl=None).secret
    plan = {
        "setup": "20-api",
        "scene": "20",
        "kind": "rehearsal",
        "weapons": [{"weapon": "replica-1", "performer": "jack", "load": "empty"}],
        "direction": "toward the empty street",
        "people_near": [{"who": "camera B", "distance_cm": 800}],
    }
    answer = httpx.post(
        f"{site.url}/productions/{crew.slug}/setups",
        json=plan,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code < 300, answer.text
    crew.sign_in("dana")
    response = crew.page.goto(crew.ui("/setups"))
    assert response is not None and response.status == 200
    card = crew.page.locator("#setup-20-api").inner_text()
    assert "replica-1 for jack: empty" in card
    assert "camera B 8.0 m" in card
