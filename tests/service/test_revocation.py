"""Revoking a passkey (ID-RESET), and who may witness an enrolment, through the service and CLI.

Ava (armorer) enrols two passkeys, each witnessed in person; she revokes one herself with
her own PIN. Revoking Ava's passkey for her takes the safety coordinator and a producer,
each approving with their own credential, then one of them revokes it. A revocation ends
every session and token of the person; the revoked passkey gets no challenge and its
signature is refused; and a later entry carrying a signature made with it (an operator
holding the lost phone, writing the entry straight into the ledger) makes ``verify`` and
``verify --bundle`` fail naming that entry, while what it signed before stays valid.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.authenticator import SoftAuthenticator, b64url
from tests.conftest import START

from showclear.bundle import verify_bundle
from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.protocol.signing import challenge_for
from showclear.protocol.time import format_time
from showclear.service import App, AuthError, BadRequest, FixedClock, build_app
from showclear.service.errors import Forbidden
from showclear.service.identity import TRUSTED, Credentials
from showclear.service.keys import FileKeyring
from showclear.service.passkeys import Relying
from showclear.service.sessions import Principal

if TYPE_CHECKING:
    from tests.conftest import Backend, CliRun

SLUG = "dust-creek"
RELYING = Relying("showclear.local", "https://showclear.local")
PEOPLE = {
    "ava": ("armorer", "ava-pin1"),
    "cree": ("crew", "cree-pin1"),
    "sam": ("safety_coordinator", "sam-pin1"),
    "pru": ("producer", "pru-pin1"),
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(backend: Backend, key_dir: Path, clock: FixedClock) -> Iterator[App]:
    """A production with an armorer, a crew member, a safety coordinator and a producer."""
    application = build_app(backend.url, keyring=FileKeyring(key_dir), clock=clock)
    application.init_production("Dust Creek", slug=SLUG)
    for person, (role, pin) in PEOPLE.items():
        event = {
            "type": "PersonRegistered",
            "actor": None,
            "person": person,
            "name": person.title(),
            "roles": [role],
        }
        assert not application.submit(SLUG, event, TRUSTED).refused
        application.set_pin(SLUG, person, pin)
    yield application
    application.close()


def _principal(app: App, person: str) -> Principal:
    issued = app.login(SLUG, person, PEOPLE[person][1])
    return app.principal_for_token(SLUG, issued.secret)


def _enrol(
    app: App,
    person: str,
    witness: str,
    pin: str | None = None,
    passkey: SoftAuthenticator | None = None,
) -> SoftAuthenticator:
    """``person`` makes a passkey on their phone and ``witness`` gives their PIN beside them."""
    principal = _principal(app, person)
    options = app.passkeys.registration_options(SLUG, principal, RELYING)
    passkey = passkey or SoftAuthenticator()
    credential = passkey.create(options, RELYING.origin)
    app.passkeys.register(
        SLUG,
        principal,
        RELYING,
        credential,
        witness=witness,
        witness_pin=pin or PEOPLE[witness][1],
    )
    return passkey


def _entries(app: App, start: int = 0) -> list[dict[str, Any]]:
    _, rows = app.entries(SLUG, start, 10_000)
    return [json.loads(row.data) for row in rows]


@pytest.fixture
def cli(
    showclear: Callable[..., CliRun],
    backend: Backend,
    key_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    clock: FixedClock,
) -> Callable[..., CliRun]:
    """``showclear`` on the app's database, every person's PIN in their variable, at the
    app's clock (one minute on after each command)."""
    for person, (_, pin) in PEOPLE.items():
        monkeypatch.setenv(f"SHOWCLEAR_PIN_{person.upper()}", pin)

    def run(*args: str) -> CliRun:
        clock.advance(minutes=1)
        monkeypatch.setenv("SHOWCLEAR_NOW", format_time(clock.now()))
        return showclear("--db", backend.url, "--key-dir", str(key_dir), *args)

    return run


def _revoke(
    cli: Callable[..., CliRun], actor: str, passkey: SoftAuthenticator, *options: str
) -> CliRun:
    """``showclear passkey revoke`` of Ava's ``passkey`` by ``actor``; its id (base64url) may
    start with "-", so it comes after "--"."""
    credential = b64url(passkey.credential_id)
    return cli("passkey", "revoke", "--as", actor, *options, "--", "ava", credential)


# -- item 2: the witness is ID-RESET's to decide --------------------------------------------


def test_the_witness_rule_refuses_the_person_and_a_crew_member_citing_id_reset(app: App) -> None:
    """Herself as witness is a bad request, a crew member forbidden; both name ID-RESET."""
    size = app.production(SLUG).size
    with pytest.raises(BadRequest, match=r"someone else as witness.*\(ID-RESET\)"):
        _enrol(app, "ava", "ava")
    with pytest.raises(Forbidden, match=r"cree cannot witness a passkey enrolment.*ID-RESET"):
        _enrol(app, "ava", "cree")
    assert app.production(SLUG).size == size  # nothing recorded, no PIN tried


# -- item 3: a mistyped witness PIN keeps the registration ----------------------------------


def test_a_wrong_witness_pin_keeps_the_challenge_and_counts_toward_the_lock_out(
    app: App, backend: Backend
) -> None:
    """Sam mistypes his PIN; the same passkey response enrols with his right one."""
    principal = _principal(app, "ava")
    options = app.passkeys.registration_options(SLUG, principal, RELYING)
    credential = SoftAuthenticator().create(options, RELYING.origin)
    with pytest.raises(AuthError, match="wrong PIN for sam"):
        app.passkeys.register(
            SLUG, principal, RELYING, credential, witness="sam", witness_pin="not-sams"
        )
    with app.store.read(SLUG) as session:
        failures = session.credential("sam")
    assert failures is not None and failures[1] == 1  # the wrong PIN counted
    receipt = app.passkeys.register(
        SLUG, principal, RELYING, credential, witness="sam", witness_pin=PEOPLE["sam"][1]
    )
    (event,) = receipt.events
    assert (event["type"], event["person"], event["witness"]) == ("PasskeyEnrolled", "ava", "sam")
    # Used up by the enrolment: the same response cannot enrol twice.
    with pytest.raises(BadRequest, match="no passkey registration is under way"):
        app.passkeys.register(
            SLUG, principal, RELYING, credential, witness="sam", witness_pin=PEOPLE["sam"][1]
        )


# -- item 1: revocation ---------------------------------------------------------------------


def test_a_person_revokes_their_own_passkey_alone_and_every_sign_in_ends(
    app: App, cli: Callable[..., CliRun]
) -> None:
    """``showclear passkey revoke`` with Ava's own PIN: recorded, her token no longer works."""
    # An id whose base64url starts with "-" (0xf8...), as one in 64 do: it must still parse.
    dashed = SoftAuthenticator(credential_id=b"\xf8" + secrets.token_bytes(15))
    kept, lost = _enrol(app, "ava", "sam"), _enrol(app, "ava", "sam", passkey=dashed)
    assert b64url(lost.credential_id).startswith("-")
    token = app.login(SLUG, "ava", PEOPLE["ava"][1], kind="token", label="tablet").secret
    listed = cli("passkey", "list", "ava", "--json")
    assert listed.code == 0, listed.err
    assert [k["revoked"] for k in json.loads(listed.out)] == [None, None]

    run = _revoke(cli, "ava", lost, "--reason", "phone lost")
    assert run.code == 0, run.err_text
    last = _entries(app)[-1]
    assert last["type"] == "PasskeyRevoked"
    assert (last["actor"], last["person"]) == ("ava", "ava")
    assert last["credential"] == b64url(lost.credential_id)
    assert last["assurance"] == {"ava": "pin"}
    with pytest.raises(AuthError, match="revoked"):
        app.principal_for_token(SLUG, token)
    listed = cli("passkey", "list", "ava", "--json")
    revoked = {k["credential"]: k["revoked"] for k in json.loads(listed.out)}
    assert revoked[b64url(kept.credential_id)] is None
    assert revoked[b64url(lost.credential_id)]["by"] == "ava"


def test_the_revoked_passkey_cannot_sign_and_the_other_still_can(
    app: App, clock: FixedClock
) -> None:
    """Its challenge names only live passkeys; an assertion by the revoked one is refused."""
    kept, lost = _enrol(app, "ava", "sam"), _enrol(app, "ava", "sam")
    revoke = {"type": "PasskeyRevoked", "person": "ava", "credential": b64url(lost.credential_id)}
    assert not _as(app, "ava", revoke).refused
    clock.advance(minutes=1)
    body = {"storage": "safe-2", "name": "Second safe", "lockable": True}
    pending = app.passkeys.propose(SLUG, _principal(app, "ava"), "AddStorage", body)
    options = app.passkeys.options(SLUG, pending.id, "ava", RELYING)
    allowed = [c["id"] for c in options["publicKey"]["allowCredentials"]]
    assert allowed == [b64url(kept.credential_id)]
    stolen = lost.get(options["publicKey"], RELYING.origin)
    with pytest.raises(AuthError, match=r"ava's passkey .* was revoked at .* by ava"):
        app.passkeys.sign(SLUG, pending.id, "ava", stolen, relying=RELYING)
    signed = kept.get(options["publicKey"], RELYING.origin)
    _, receipt = app.passkeys.sign(SLUG, pending.id, "ava", signed, relying=RELYING)
    assert receipt is not None and not receipt.refused
    assert app.verify(SLUG).ok


def test_a_person_revokes_a_lost_passkey_by_signing_with_another(
    app: App, clock: FixedClock
) -> None:
    """Her own credential may be another passkey: the revocation is signed with it."""
    kept, lost = _enrol(app, "ava", "sam"), _enrol(app, "ava", "sam")
    clock.advance(minutes=1)
    body = {"person": "ava", "credential": b64url(lost.credential_id), "reason": "phone lost"}
    pending = app.passkeys.propose(SLUG, _principal(app, "ava"), "RevokePasskey", body)
    options = app.passkeys.options(SLUG, pending.id, "ava", RELYING)
    signed = kept.get(options["publicKey"], RELYING.origin)
    _, receipt = app.passkeys.sign(SLUG, pending.id, "ava", signed, relying=RELYING)
    assert receipt is not None and not receipt.refused, receipt
    (event,) = receipt.events
    assert event["type"] == "PasskeyRevoked" and event["assurance"] == {"ava": "passkey"}
    assert event["signatures"]["ava"]["credential"] == b64url(kept.credential_id)
    assert app.verify(SLUG).ok


def _as(app: App, person: str, event: dict[str, Any]) -> Any:
    """``person`` gives the command with their own PIN."""
    return app.submit(SLUG, {**event, "actor": person}, Credentials(person, PEOPLE[person][1]))


def test_revoking_someone_elses_passkey_alone_is_refused_citing_id_reset(
    app: App, cli: Callable[..., CliRun]
) -> None:
    """Sam alone, even as safety coordinator: refused by ID-RESET, the attempt recorded."""
    lost = _enrol(app, "ava", "sam")
    token = app.login(SLUG, "ava", PEOPLE["ava"][1]).secret
    run = _revoke(cli, "sam", lost)
    assert run.code == 4, run.err_text
    assert "ID-RESET" in run.err_text
    assert "Nobody revokes another person's passkey alone" in run.err_text
    last = _entries(app)[-1]
    assert last["type"] == "AttemptRefused" and last["rules"] == ["ID-RESET"]
    # One approval is not two: Sam approves, then revokes, still alone.
    assert cli("pin", "approve-reset", "ava", "--kind", "passkey", "--as", "sam").code == 0
    run = _revoke(cli, "sam", lost)
    assert run.code == 4 and "ID-RESET" in run.err_text
    assert app.principal_for_token(SLUG, token).person == "ava"  # her sign-in stands


def test_the_safety_coordinator_and_a_producer_revoke_it_together(
    app: App, cli: Callable[..., CliRun]
) -> None:
    """Sam and Pru approve with their own PINs; Pru revokes; Ava's PIN still works, her
    sessions end, and the approvals are used up."""
    lost = _enrol(app, "ava", "sam")
    token = app.login(SLUG, "ava", PEOPLE["ava"][1]).secret
    assert cli("pin", "approve-reset", "ava", "--kind", "passkey", "--as", "sam").code == 0
    assert cli("pin", "approve-reset", "ava", "--kind", "passkey", "--as", "pru").code == 0
    run = _revoke(cli, "pru", lost)
    assert run.code == 0, run.err_text
    last = _entries(app)[-1]
    assert (last["type"], last["actor"], last["person"]) == ("PasskeyRevoked", "pru", "ava")
    with pytest.raises(AuthError):
        app.principal_for_token(SLUG, token)
    app.login(SLUG, "ava", PEOPLE["ava"][1])  # a passkey revocation leaves her PIN alone
    again = _enrol(app, "ava", "sam")
    run = _revoke(cli, "pru", again)
    assert run.code == 4 and "ID-RESET" in run.err_text  # the two approvals were used up


def test_a_revoked_passkey_is_never_enrolled_again(app: App) -> None:
    """The same key, registered anew after its revocation, is refused by ID-RESET."""
    lost = _enrol(app, "ava", "sam")
    revoke = {"type": "PasskeyRevoked", "person": "ava", "credential": b64url(lost.credential_id)}
    assert not _as(app, "ava", revoke).refused
    principal = _principal(app, "ava")
    options = app.passkeys.registration_options(SLUG, principal, RELYING)
    again = lost.create(options, RELYING.origin)
    with pytest.raises(Forbidden, match=r"was revoked at .*ID-RESET"):
        app.passkeys.register(
            SLUG, principal, RELYING, again, witness="sam", witness_pin=PEOPLE["sam"][1]
        )


# -- verify: a signature by the revoked key on a later entry -------------------------------


def _forged(app: App, passkey: SoftAuthenticator, name: str) -> dict[str, Any]:
    """An entry 'signed' by Ava with ``passkey`` over the current checkpoint's root."""
    event: dict[str, Any] = {
        "type": "StorageAdded",
        "actor": "ava",
        "at": format_time(app.clock.now()),
        "storage": name,
        "name": "A safe nobody has seen",
        "lockable": True,
    }
    info = app.production(SLUG)
    root = open_checkpoint(
        app.checkpoint(SLUG, info.size), Ed25519Verifier.from_verifier_key(info.verifier_key)
    ).root
    nonce = secrets.token_bytes(16)
    made = passkey.sign(challenge_for(event, root, nonce), RELYING.rp_id, RELYING.origin)
    signature = {
        "credential": b64url(made.credential_id),
        "authenticator_data": b64url(made.authenticator_data),
        "client_data": b64url(made.client_data),
        "signature": b64url(made.signature),
        "nonce": b64url(nonce),
        "size": info.size,
        "root": b64url(root),
    }
    return {**event, "assurance": {"ava": "passkey"}, "signatures": {"ava": signature}}


def test_verify_refuses_a_signature_by_the_revoked_passkey_on_a_later_entry(
    app: App, clock: FixedClock, cli: Callable[..., CliRun]
) -> None:
    """Signed before the revocation: valid. After it, written straight into the ledger: both
    verifications fail naming that entry; the earlier signed entry is never blamed."""
    lost = _enrol(app, "ava", "sam")
    before = _forged(app, lost, "safe-before")
    app.append_unchecked(SLUG, [before])  # signed while the passkey was Ava's
    assert app.verify(SLUG).ok
    revoke = {"type": "PasskeyRevoked", "person": "ava", "credential": b64url(lost.credential_id)}
    clock.advance(minutes=1)
    revoked_at = _as(app, "ava", revoke).first_index
    assert app.verify(SLUG).ok
    clock.advance(minutes=1)
    forged = app.append_unchecked(SLUG, [_forged(app, lost, "safe-after")]).first_index

    report = app.verify(SLUG)
    assert report.problem is not None
    assert report.problem.startswith(f"entry {forged}: ava's passkey signature"), report.problem
    assert f"revoked at entry {revoked_at}" in report.problem
    run = cli("verify")
    assert run.code == 1 and f"entry {forged}: ava's passkey signature" in run.err_text

    data, _ = app.export_bundle(SLUG)
    bundle = verify_bundle(data)
    assert bundle.problem is not None
    assert bundle.problem.startswith(f"entry {forged}: ava's passkey signature"), bundle.problem
    assert f"revoked at entry {revoked_at}" in bundle.problem


@pytest.mark.parametrize(
    ("witness", "message"),
    [("ava", "someone else as witness"), ("cree", "cree cannot witness a passkey enrolment")],
    ids=["herself", "crew"],
)
def test_verify_refuses_an_enrolment_written_with_a_witness_the_rule_refuses(
    app: App, witness: str, message: str
) -> None:
    """An enrolment written straight into the ledger is held to ID-RESET's witness rule
    on replay: both verifications name the entry, in the rule's words."""
    passkey = SoftAuthenticator()
    forged = app.append_unchecked(
        SLUG,
        [
            {
                "type": "PasskeyEnrolled",
                "at": format_time(app.clock.now()),
                "actor": "ava",
                "person": "ava",
                "credential": b64url(passkey.credential_id),
                "public_key": b64url(passkey.cose_key()),
                "alg": -7,
                "rp_id": RELYING.rp_id,
                "origin": RELYING.origin,
                "witness": witness,
                "witness_confirmed": True,
                "assurance": {"ava": "session", witness: "pin"},
            }
        ],
    ).first_index
    report = app.verify(SLUG)
    assert report.problem is not None
    assert report.problem.startswith(f"entry {forged}: "), report.problem
    assert message in report.problem and "(ID-RESET)" in report.problem
    data, _ = app.export_bundle(SLUG)
    bundle = verify_bundle(data)
    assert bundle.problem is not None and bundle.problem.startswith(f"entry {forged}: ")
    assert message in bundle.problem
