"""Passkeys in a real Chromium: the WebAuthn virtual authenticator plays each person's phone.

The page is a secure context (http://localhost, the relying party ``localhost``); its
scripts call ``navigator.credentials.create`` and ``.get`` with the options the API
gives, as a phone's page would, and post what the authenticator answered. Maria, the
armorer, enrols her passkey on the tablet with Ruth (safety coordinator) as witness;
Jack enrols his on his own phone (a second browser context with its own authenticator)
with Maria as witness. Maria proposes and signs a handover of the replica to Jack on the
tablet; Jack opens the pending proposal on his phone, sees it and confirms with his
passkey. The ledger then verifies, every passkey signature included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from showclear.demo import western_day
from showclear.service import TRUSTED

from .conftest import CHROMIUM, CHROMIUM_ARGS, PINS, Site

#: Runs in the page: base64url <-> ArrayBuffer, and the two ceremonies against the API.
SCRIPT = """
(() => {
  const bytes = (s) => {
    const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
  };
  const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const call = async (method, path, token, body) => {
    const headers = {"Content-Type": "application/json"};
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path, {method, headers, body: JSON.stringify(body)});
    const answer = await response.json();
    if (!response.ok) throw new Error(response.status + " " + JSON.stringify(answer));
    return answer;
  };
  const credentials = (list) => (list || []).map((c) => ({...c, id: bytes(c.id)}));
  window.showclear = {
    async enrol(base, token, witness, pin) {
      const o = await call("POST", base + "/passkeys/register/options", token, {});
      const made = await navigator.credentials.create({publicKey: {
        ...o, challenge: bytes(o.challenge), user: {...o.user, id: bytes(o.user.id)},
        excludeCredentials: credentials(o.excludeCredentials),
      }});
      const credential = {
        id: made.id, rawId: text(made.rawId), type: made.type,
        response: {
          clientDataJSON: text(made.response.clientDataJSON),
          attestationObject: text(made.response.attestationObject),
          transports: made.response.getTransports(),
        },
        clientExtensionResults: made.getClientExtensionResults(),
        authenticatorAttachment: made.authenticatorAttachment,
      };
      const body = {credential, witness, witness_pin: pin};
      return call("POST", base + "/passkeys/register", token, body);
    },
    async sign(base, pending, person, o) {
      const got = await navigator.credentials.get({publicKey: {
        ...o, challenge: bytes(o.challenge), allowCredentials: credentials(o.allowCredentials),
      }});
      const credential = {
        id: got.id, rawId: text(got.rawId), type: got.type,
        response: {
          authenticatorData: text(got.response.authenticatorData),
          clientDataJSON: text(got.response.clientDataJSON),
          signature: text(got.response.signature),
          userHandle: got.response.userHandle ? text(got.response.userHandle) : null,
        },
        clientExtensionResults: got.getClientExtensionResults(),
        authenticatorAttachment: got.authenticatorAttachment,
      };
      return call("POST", base + "/sign/" + pending, null, {person, credential});
    },
    async propose(base, token, command, body) {
      return call("POST", base + "/sign/options", token, {command, body});
    },
    async options(base, pending, person) {
      return call("POST", base + "/sign/" + pending + "/options", null, {person});
    },
    async show(base, pending) {
      return call("GET", base + "/sign/" + pending, null);
    },
  };
})();
"""


@pytest.fixture
def chromium(playwright: Any) -> Iterator[Any]:
    """Chromium reaching the test server as ``localhost`` (a secure context) on IPv4."""
    rule = "--host-resolver-rules=MAP localhost 127.0.0.1"
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rule]
    )
    yield launched
    launched.close()


def two_devices(
    site: Site, chromium: Any, slug: str, tablet: dict[str, str], phone: dict[str, str]
) -> tuple[Phone, Phone, str, dict[str, str]]:
    """The set's tablet and a person's own phone, each enrolling a passkey for the people
    given (person -> who witnesses the enrolment); the phone then keeps no sign-in, since
    its confirmation page needs none. Returns both devices, the origin and each person's
    API token."""
    token = {
        person: site.app.create_token(slug, person, PINS[person], label="web", ttl=None).secret
        for person in (*tablet, *phone)
    }
    origin = "http://localhost:" + site.url.rsplit(":", 1)[1]
    devices = Phone(chromium, origin, slug), Phone(chromium, origin, slug)
    for device, people in zip(devices, (tablet, phone), strict=True):
        for person, witness in people.items():
            device.call("enrol", token[person], witness, PINS[witness])
    devices[1].context.clear_cookies()
    return devices[0], devices[1], origin, token


class Phone:
    """One device: a browser context with its own virtual authenticator, on the production."""

    def __init__(self, browser: Any, origin: str, slug: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = f"/productions/{slug}"
        self.page.goto(f"{origin}{self.base}/ui/login")
        assert self.page.evaluate("window.isSecureContext")
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("WebAuthn.enable")
        self.authenticator = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
            },
        )["authenticatorId"]
        self.page.evaluate(SCRIPT)

    def call(self, method: str, *args: Any) -> Any:
        return self.page.evaluate(
            f"([base, args]) => window.showclear.{method}(base, ...args)", [self.base, list(args)]
        )

    def credentials(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": self.authenticator}
        )["credentials"]
        return found


def _ready_for_handover(site: Site, slug: str) -> None:
    """Maria takes the replica out for 12A and shows it clear to Jack, as the demo day does."""
    steps = western_day(site.app.clock.now().date()).steps
    meeting = next(i for i, s in enumerate(steps) if s.event["type"] == "SafetyMeetingHeld")
    for step in steps[meeting + 1 : meeting + 3]:
        event = {key: value for key, value in step.event.items() if key != "at"}
        assert event["type"] in ("WeaponTakenOut", "ShowClearInspected"), event
        outcome = site.app.submit(slug, event, TRUSTED)
        assert not outcome.refused, (event["type"], outcome.rule_ids)


def test_a_handover_signed_on_the_tablet_and_confirmed_on_the_receivers_phone(
    site: Site, chromium: Any
) -> None:
    slug = site.production()
    _ready_for_handover(site, slug)
    token = {
        person: site.app.create_token(slug, person, PINS[person], label="web", ttl=None).secret
        for person in ("maria", "jack")
    }
    origin = "http://localhost:" + site.url.rsplit(":", 1)[1]
    tablet, phone = Phone(chromium, origin, slug), Phone(chromium, origin, slug)

    enrolled = tablet.call("enrol", token["maria"], "ruth", PINS["ruth"])
    event = enrolled["entries"][0]["event"]
    assert (event["type"], event["person"], event["witness"]) == (
        "PasskeyEnrolled",
        "maria",
        "ruth",
    )
    assert (event["rp_id"], event["origin"]) == ("localhost", origin)
    enrolled = phone.call("enrol", token["jack"], "maria", PINS["maria"])
    assert enrolled["entries"][0]["event"]["person"] == "jack"
    # Each passkey lives on its own device only.
    assert len(tablet.credentials()) == len(phone.credentials()) == 1

    size = site.app.production(slug).size
    proposed = tablet.call(
        "propose", token["maria"], "HandOver", {"weapon": "replica-1", "receiver": "jack"}
    )
    pending = proposed["pending"]
    assert proposed["signers"] == ["maria", "jack"]
    signed = tablet.call("sign", pending, "maria", proposed["publicKey"])
    assert signed["recorded"] is None and signed["pending"]["waiting"] == ["jack"]

    # Jack's phone: no sign-in; it shows what he confirms, then his passkey signs it.
    shown = phone.call("show", pending)
    assert (shown["event"]["weapon"], shown["event"]["giver"]) == ("replica-1", "maria")
    assert shown["waiting"] == ["jack"]
    options = phone.call("options", pending, "jack")
    confirmed = phone.call("sign", pending, "jack", options["publicKey"])
    recorded = confirmed["recorded"]
    assert recorded is not None, confirmed
    handover = recorded["entries"][-1]["event"]
    assert handover["type"] == "WeaponHandedOver" and handover["receiver"] == "jack"
    assert handover["receiver_confirmed"] is True
    assert handover["assurance"] == {"jack": "passkey", "maria": "passkey"}
    assert site.app.production(slug).size > size

    report = site.app.verify(slug)
    assert report.ok, report.problem
    assert "2 passkey signatures verified" in report.notes
    for device in (tablet, phone):
        device.context.close()
