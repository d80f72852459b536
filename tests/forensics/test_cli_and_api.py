"""The queries from the command line (``custody``, ``lot-account``, ``refusals``) and the API."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from api.world import Server
from showclear.api import create_api
from showclear.bundle import verify_bundle

from .histories import Demo

AT = "2026-11-25T{}:00Z".format


def _json(showclear: Callable[..., Any], demo: Demo, *args: str) -> Any:
    run = showclear("--db", str(demo.db), *args, "--json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_custody_at_a_moment_from_the_command_line(
    showclear: Callable[..., Any], demo: Demo
) -> None:
    found = _json(showclear, demo, "custody", "colt-1", "--at", AT("08:10"))
    assert (found["holder"], found["entry"], found["inspection"]) == ("jack", 34, 33)


def test_a_chain_from_the_command_line(showclear: Callable[..., Any], demo: Demo) -> None:
    chain = _json(showclear, demo, "custody", "colt-1", "--from", AT("08:00"), "--to", AT("08:20"))
    assert [h["holder"] for h in chain["holds"]] == [None, "maria", "dana", "maria", "jack",
                                                    "maria", None]  # fmt: skip
    table = showclear("--db", str(demo.db), "custody", "colt-1", "--from", AT("08:00"))
    assert table.code == 0 and "Dana Kim" in table.out


def test_a_lot_from_the_command_line(showclear: Callable[..., Any], demo: Demo) -> None:
    lot = _json(showclear, demo, "lot-account", "blk-45")
    assert (lot["received"], lot["expended"], lot["returned"], lot["balanced"]) == (12, 1, 1, True)
    chain = _json(showclear, demo, "lot-account", "blk-45", "--from", AT("08:30"), "--to",
                  AT("09:05"))  # fmt: skip
    assert [c["holder"] for c in chain["carriers"]] == ["maria", "jack", "maria"]


def test_refusals_from_the_command_line(showclear: Callable[..., Any], demo: Demo) -> None:
    found = _json(showclear, demo, "refusals", "--rule", "CUS-HANDLER")
    assert [r["index"] for r in found["refusals"]] == [30]
    plain = showclear("--db", str(demo.db), "refusals", "--person", "maria")
    assert plain.code == 0 and "CUS-SHOW-CLEAR" in plain.out


def test_unknown_things_exit_3_and_bad_times_exit_2(
    showclear: Callable[..., Any], demo: Demo
) -> None:
    assert showclear("--db", str(demo.db), "custody", "colt-9").code == 3
    assert showclear("--db", str(demo.db), "lot-account", "nope").code == 3
    bad = showclear("--db", str(demo.db), "custody", "colt-1", "--from", "noon")
    assert bad.code == 2 and "not a time" in bad.err_text


# -- the HTTP API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A real server over the demo day, and Ruth's (safety coordinator) token."""
    demo.app.set_pin(demo.slug, "ruth", "2468")
    token = demo.app.create_token(demo.slug, "ruth", "2468", label="tests", ttl=None).secret
    with (
        Server(create_api(demo.app, secure_cookies=True)) as url,
        httpx.Client(base_url=f"{url}/productions/{demo.slug}", timeout=60) as http,
    ):
        yield http, {"Authorization": f"Bearer {token}"}


def test_the_api_answers_the_queries_with_cited_entries(
    client: tuple[httpx.Client, dict[str, str]],
) -> None:
    http, auth = client
    custody = http.get("/forensics/weapons/colt-1/custody", params={"at": AT("08:10")},
                       headers=auth)  # fmt: skip
    assert custody.status_code == 200, custody.text
    assert custody.json()["cites"] == [33, 34]
    chain = http.get(
        "/forensics/weapons/colt-2/chain",
        params={"from": AT("08:30"), "to": AT("09:05")},
        headers=auth,
    ).json()
    assert [h["holder"] for h in chain["holds"]] == [None, "maria", "jack", "maria", None]
    lot = http.get("/forensics/lots/blk-45/accounting", headers=auth).json()
    assert lot["balanced"] is True
    refused = http.get("/forensics/refusals", params={"person": "dana"}, headers=auth).json()
    assert [r["index"] for r in refused["refusals"]] == [30]


def test_the_api_serves_the_reports_and_the_bundle(
    client: tuple[httpx.Client, dict[str, str]],
) -> None:
    http, auth = client
    day = http.get("/reports/day/2026-11-25", headers=auth)
    assert day.status_code == 200 and day.headers["content-type"] == "application/pdf"
    page = http.get("/reports/incidents/1", params={"format": "html"}, headers=auth)
    assert page.status_code == 200 and "Incident report no. 1" in page.text
    bundle = http.get("/export/bundle", headers=auth)
    assert bundle.headers["content-type"] == "application/zip"
    assert verify_bundle(bundle.content).ok
    assert zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()[0] == "README.md"


def test_the_api_answers_problems_for_unknown_things_and_strangers(
    client: tuple[httpx.Client, dict[str, str]],
) -> None:
    http, auth = client
    missing = http.get("/reports/incidents/7", headers=auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    reversed_ = http.get(
        "/forensics/weapons/colt-1/chain",
        params={"from": AT("10:00"), "to": AT("09:00")},
        headers=auth,
    )
    assert reversed_.status_code == 400
    assert http.get("/forensics/refusals").status_code == 401
