"""A tablet on the set network signs in over HTTPS, trusting only the set's own authority.

``showclear tls init`` makes the authority and a certificate for ``set.showclear.test``;
``showclear serve --tls`` runs in a process of its own; Chromium resolves the name to
127.0.0.1 (a host-resolver rule) and trusts the authority the way a device that
installed it does: the authority is in the NSS database of the browser's own HOME
(``certutil``), and nothing tells Chromium to ignore certificate errors. The same
Chromium without the authority refuses the server, so the trust is what made it work.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_tls import serving_tls
from tests.system_tools import need_program

from showclear.demo import PINS, western_day
from showclear.http import COOKIE
from showclear.service import TRUSTED, build_app
from showclear.service.keys import FileKeyring

from .conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

NAME = "set.showclear.test"


@pytest.fixture(scope="module")
def set_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A seeded production served over HTTPS by ``serve --tls``; base URL, slug, the CA file."""
    from showclear.cli import main

    folder = tmp_path_factory.mktemp("tls")
    db, keys = str(folder / "showclear.db"), folder / "keys"
    app = build_app(db, keyring=FileKeyring(keys), create=True)
    try:
        slug = app.init_production("Set network").slug
        # The crew of the demo day; signing in needs nothing more.
        for step in western_day(datetime.now(UTC).date()).steps:
            if step.event["type"] == "PersonRegistered":
                event = {key: value for key, value in step.event.items() if key != "at"}
                assert not app.submit(slug, event, TRUSTED).refused
        app.set_pin(slug, "maria", PINS["maria"])
    finally:
        app.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "sys.argv", ["showclear", "--key-dir", str(keys), "tls", "init", "--name", NAME]
        )
        try:
            main()
        except SystemExit as e:
            assert not e.code, e.code
    with serving_tls(db, keys) as port:
        yield f"https://{NAME}:{port}", slug, folder / "tls" / "ca.pem"


def _launch(playwright: Any, home: Path) -> Any:
    """Chromium with ``home`` as HOME (its NSS database) and the set's name mapped to loopback."""
    rule = f"--host-resolver-rules=MAP {NAME} 127.0.0.1"
    env = {**os.environ, "HOME": str(home)}
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rule], env=env
    )


def _trusting_home(folder: Path, ca: Path) -> Path:
    """A HOME whose NSS database trusts ``ca`` to identify servers, as an installed CA does."""
    certutil = need_program("certutil", "libnss3-tools", "give Chromium the set authority")
    nssdb = folder / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    database = f"sql:{nssdb}"
    subprocess.run([certutil, "-N", "-d", database, "--empty-password"], check=True)
    trust = [certutil, "-A", "-d", database, "-t", "C,,", "-n", "showclear-ca", "-i", str(ca)]
    subprocess.run(trust, check=True)
    return folder


def test_a_tablet_trusting_the_set_authority_signs_in_over_https_by_name(
    set_server: tuple[str, str, Path], tmp_path: Path, playwright: Any
) -> None:
    """Sign-in over HTTPS on a non-loopback name sets the Secure cookie, used on the next page."""
    from playwright.sync_api import Error

    base, slug, ca = set_server
    login = f"{base}/productions/{slug}/ui/login"
    # Without the authority, the browser refuses the server: the trust is what matters.
    untrusting = _launch(playwright, tmp_path / "bare")
    try:
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            untrusting.new_page().goto(login)
    finally:
        untrusting.close()

    browser = _launch(playwright, _trusting_home(tmp_path / "trusting", ca))
    try:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(login)
        page.fill("#person", "maria")
        page.fill("#pin", PINS["maria"])
        page.click("form#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/ui/$"))
        (session,) = [c for c in context.cookies() if c["name"] == COOKIE]
        assert session["secure"] and session["httpOnly"] and session["domain"] == NAME
        page.goto(f"{base}/productions/{slug}/ui/day")
        assert page.url.endswith("/ui/day")  # not sent back to the login page
        assert "maria" in page.locator("header.top .person").inner_text()
        page.goto(f"{base}/ca")
        assert page.locator("#fingerprint").inner_text().count(":") == 31
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "tls-ca-page.png"), full_page=True)
    finally:
        browser.close()
