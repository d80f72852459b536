"""Fixtures of the web UI tests: a real server, Debian's Chromium driven by Playwright, a crew.

The server is uvicorn on a free loopback port serving ``create_server`` (pages and
API alike) over a SQLite file, with the production's own Secure session cookie
(Chromium treats 127.0.0.1 as a secure origin). Each test gets a production of
its own, seeded with the demo day up to the safety meeting (tests/web/seed.py).

Chromium missing: the tests are skipped with the reason, except in CI
(``CI=true``), where ``.ci/run`` installs it and they must run. The same holds
for axe-core, which ``.ci/run`` fetches from npm into ``.cache/npm``.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from showclear.server import create_server
from showclear.service import App, MemoryKeyring, build_app

from .seed import PINS, seed_production

CHROMIUM = Path(os.environ.get("SHOWCLEAR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("SHOWCLEAR_AXE", ROOT / ".cache/npm/node_modules/axe-core/axe.min.js"))
ARTIFACTS = ROOT / "test-artifacts" / "web"
#: A 10-inch tablet in landscape, and a phone.
VIEWPORTS = {"tablet": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def need(path: Path, what: str) -> None:
    """Skip (or, in CI, fail) when ``path`` is missing."""
    if path.exists():
        return
    reason = f"{what} is not at {path}; bash .ci/run installs it"
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: the web tests must run)")
    pytest.skip(reason)


# -- the server ---------------------------------------------------------------------------


class _Server:
    """uvicorn serving an application on a free loopback port, in a thread of this process."""

    def __init__(self, asgi: Any) -> None:
        config = uvicorn.Config(asgi, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Site:
    """The running server and the service behind it."""

    url: str
    app: App
    _names: Iterator[int] = field(default_factory=itertools.count)

    def production(self) -> str:
        """A new production seeded for a take; its slug."""
        today = datetime.now(UTC).date()
        return seed_production(self.app, f"Web test {next(self._names)}", today)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = tmp_path_factory.mktemp("web") / "showclear.db"
    app = build_app(str(db), keyring=MemoryKeyring())
    with _Server(create_server(app)) as url:
        yield Site(url, app)
    app.close()


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The session's one Playwright driver: a second sync driver cannot run beside it."""
    need(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(site: Site, playwright: Any) -> Iterator[Any]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Crew:
    """One device on set: a browser page on one production, and what it saw."""

    page: Any
    base: str
    slug: str
    name: str
    errors: list[str] = field(default_factory=list)

    def ui(self, rest: str = "/") -> str:
        return f"{self.base}/productions/{self.slug}/ui{rest}"

    def shot(self, step: str) -> Path:
        """Save a full-page screenshot as a test artifact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def sign_in(self, person: str) -> None:
        """Sign in with the person's PIN on the login page."""
        self.page.goto(self.ui("/login"))
        self.page.fill("#person", person)
        self.page.fill("#pin", PINS[person])
        self.page.click("form#login-form button[type=submit]")
        self.page.wait_for_url(re.compile(r"/ui/$"))

    def switch_to(self, person: str) -> None:
        """Hand the tablet on: Switch person, then the next person signs in."""
        self.page.click("text=Switch person")
        self.page.wait_for_url(re.compile(r"/ui/login"))
        picks = self.page.locator(f".person-pick[data-person='{person}']")
        if picks.count():
            picks.click()
        else:
            self.page.fill("#person", person)
        self.page.fill("#pin", PINS[person])
        self.page.click("form#login-form button[type=submit]")
        self.page.wait_for_url(re.compile(r"/ui/$"))

    def choose(self, legend: str, option: str, nth: int = 0) -> None:
        """Tap an option of the choice whose legend is ``legend``."""
        group = self.page.locator(
            "fieldset[data-choice]",
            has=self.page.locator("legend", has_text=re.compile(f"^{re.escape(legend)}$")),
        ).nth(nth)
        group.locator(".opt", has_text=option).first.click()

    def submit(self, label: str) -> None:
        self.page.get_by_role("button", name=label).click()
        self.page.wait_for_load_state()

    def recorded(self) -> str:
        """The "Recorded" notice after a command (fails if there is none)."""
        self.page.locator(".flash, .stop-panel, .problem").first.wait_for()
        flash = self.page.locator(".flash")
        if not flash.count():
            self.shot("unexpected")
            raise AssertionError(f"not recorded: {self.page.locator('main').inner_text()}")
        return str(flash.inner_text())


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def crew(site: Site, browser: Any, viewport: str, request: pytest.FixtureRequest) -> Iterator[Crew]:
    """A fresh production, and a browser page the size of the device on it."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = f"{request.node.originalname}-{viewport}"
    device = Crew(page, site.url, site.production(), name)
    page.on("pageerror", lambda e: device.errors.append(str(e)))
    yield device
    context.close()
    assert not device.errors, f"JavaScript errors on the page: {device.errors}"
