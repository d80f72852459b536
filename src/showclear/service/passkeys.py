"""Passkeys (WebAuthn): enrolling one in person, and signing a command with it (ID-OWN).

Enrolment: the person, signed in with their own credential, asks for registration
options, their phone makes a passkey (``navigator.credentials.create``), and a handler or
the safety coordinator standing beside them gives their own PIN as witness; showclear
checks the registration (py_webauthn), asks ID-RESET whether that witness may witness it
(:class:`~showclear.protocol.rules.identity.IdReset`, the rule a replay applies too),
checks the witness's PIN and records a PasskeyEnrolled entry holding the credential id and
the public key. The registration challenge is used up only by an enrolment recorded: a
witness's mistyped PIN (which still counts toward their lock-out) is typed again, without
a new passkey ceremony.

Revocation is a command (PasskeyRevoked, ID-RESET) like any other; here a revoked
passkey is refused: it gets no challenge, and its signature is never recorded.

Signing: a signed-in person proposes a command (:meth:`Passkeys.propose`); showclear
fixes its proposal (actor, time) and keeps it pending for a few minutes. Each person the
command needs (the actor and everyone who confirms) asks for their own challenge
(:meth:`Passkeys.options`), bound to the proposal's canonical bytes, the latest
checkpoint's root and a fresh nonce (:mod:`showclear.protocol.signing`), and answers
with their passkey's assertion (:meth:`Passkeys.sign`). When the last one has signed,
the command is decided and recorded with every signature in it; an entry whose
signatures would not verify offline is never written.

Challenges and pending proposals live in this process's memory only, and expire.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import decode_credential_public_key
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from showclear.commands import by_name
from showclear.ledger import Ed25519Verifier, VerificationError, open_checkpoint
from showclear.ledger.webauthn import b64url, from_b64url
from showclear.protocol import Decision, Projection
from showclear.protocol.catalogue import CATALOGUE, apply_confirmations, confirmers
from showclear.protocol.catalogue.credentials import (
    credential_record,
    passkey_key,
    passkeys_of,
    revoked_passkeys_of,
)
from showclear.protocol.errors import TimeOrderError
from showclear.protocol.rules.identity import IdReset
from showclear.protocol.signing import challenge_for, check_signatures, signed_target
from showclear.protocol.time import format_time, parse_time
from showclear.service.commands import Receipt, load_projection
from showclear.service.errors import AuthError, BadRequest, Forbidden, NotFound
from showclear.service.sessions import Principal
from showclear.store.base import ProjectionSession

__all__ = ["CHALLENGE_TTL", "Passkeys", "Pending", "Relying", "revoked_error", "usable"]

#: How long a registration challenge or a pending proposal may wait for its passkeys.
CHALLENGE_TTL = timedelta(minutes=5)
_NONCE_BYTES = 16
#: Tries at recording a signed entry while other writers record theirs.
_RECORD_ATTEMPTS = 3
#: Who may witness an enrolment is ID-RESET's to say (protocol/rules/identity.py).
_ID_RESET = IdReset()


@dataclass(frozen=True)
class Relying:
    """The relying party a browser speaks to: its host name (rp_id) and its web origin."""

    rp_id: str
    origin: str


@dataclass
class Pending:
    """A proposal waiting for the passkeys of the people it needs."""

    id: str
    slug: str
    event: dict[str, Any]
    signers: list[str]
    size: int
    root: bytes
    expires: datetime
    nonces: dict[str, bytes] = field(default_factory=dict)
    signatures: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def waiting(self) -> list[str]:
        return [p for p in self.signers if p not in self.signatures]

    def summary(self) -> dict[str, Any]:
        """What a person's phone shows before they sign: exactly the proposal."""
        return {
            "pending": self.id,
            "event": self.event,
            "signers": self.signers,
            "waiting": self.waiting,
            "expires": format_time(self.expires),
        }


class Passkeys:
    """Registration and signing ceremonies of one application, with their short-lived state."""

    def __init__(self, app: Any) -> None:
        # The App that owns this (service/app.py imports this module, not the reverse).
        self.app = app
        self._guard = threading.Lock()
        self._registrations: dict[tuple[str, str], tuple[bytes, datetime]] = {}
        self._pending: dict[str, Pending] = {}
        #: Proposals signed by everyone, and what they recorded: the tablet that proposed
        #: one, waiting for a phone, learns the outcome here (kept as long as a proposal).
        self._finished: dict[str, tuple[Pending, Receipt]] = {}

    # -- enrolment ---------------------------------------------------------

    def registration_options(
        self, slug: str, principal: Principal, relying: Relying
    ) -> dict[str, Any]:
        """Options for ``navigator.credentials.create`` making the principal's own passkey."""
        usable(relying)
        person = principal.person
        with self.app.store.read(slug) as session:
            self.app._check_login(session, principal, self.app.clock.now())
            name = session.production().name
            record = credential_record(session.record(f"credential:{person}"))
        options = generate_registration_options(
            rp_id=relying.rp_id,
            rp_name=f"showclear: {name}",
            user_id=person.encode("utf-8"),
            user_name=person,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=from_b64url(c)) for c in passkeys_of(record)
            ],
        )
        with self._guard:
            self._registrations[(slug, person)] = (options.challenge, self._expiry())
        return _json(options_to_json(options))

    def register(
        self,
        slug: str,
        principal: Principal,
        relying: Relying,
        credential: dict[str, Any],
        *,
        witness: str,
        witness_pin: str,
    ) -> Receipt:
        """Check the new passkey, the witness (ID-RESET) and their PIN; record PasskeyEnrolled.

        The registration challenge stays usable until the enrolment is recorded: after a
        refusal (a mistyped witness PIN, the wrong witness) the same passkey is sent again.

        Raises:
            BadRequest: no registration under way, or it expired, or it was just used; a
                response that does not verify; the person as their own witness.
            Forbidden: the witness is neither a handler nor the safety coordinator, or the
                passkey is one that was revoked (ID-RESET).
            AuthError: the witness's PIN is wrong (it counts toward their lock-out).
        """
        person = principal.person
        with self._guard:
            challenge, expires = self._registrations.get((slug, person), (None, None))
        if challenge is None or expires is None or expires < self.app.clock.now():
            raise BadRequest("no passkey registration is under way for you: ask for options again")
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=relying.rp_id,
                expected_origin=relying.origin,
                require_user_verification=True,
            )
        except (InvalidRegistrationResponse, InvalidJSONStructure) as e:
            raise BadRequest(f"the passkey registration does not verify: {e}") from e
        event = {
            "type": "PasskeyEnrolled",
            "actor": person,
            "person": person,
            "credential": b64url(verified.credential_id),
            "public_key": b64url(verified.credential_public_key),
            "alg": int(_alg(verified.credential_public_key)),
            "rp_id": relying.rp_id,
            "origin": relying.origin,
            "witness": witness,
            "witness_confirmed": True,
            "assurance": {person: "session", witness: "pin"},
        }
        with self.app.store.read(slug) as session:
            self.app._check_login(session, principal, self.app.clock.now())
            _witness_allowed(session, event)  # before the witness's PIN is tried
        self.app.authenticate(slug, witness, witness_pin)
        with self.app._writer(slug) as session:
            now = self.app.clock.now()
            self.app._check_login(session, principal, now)
            _witness_allowed(session, event)  # their roles, as recorded when it is written
            with self._guard:
                # Used up now, once: a second enrolment sent with the same challenge fails.
                current = self._registrations.get((slug, person))
                if current is None or current[0] != challenge:
                    raise BadRequest(
                        "this passkey registration was just used or replaced: ask for options again"
                    )
                del self._registrations[(slug, person)]
            receipt: Receipt = self.app._append_own(session, [event], now)
        return receipt

    def passkeys(
        self, slug: str, person: str, principal: Principal | None = None
    ) -> list[dict[str, Any]]:
        """``person``'s passkeys, enrolled and revoked: credential id, when, witness, revoked.

        ``principal`` is who asks over the network (None: the CLI, on the database itself).

        Raises:
            NotFound: no such person here.
            AuthError: the principal's session or token is no longer valid.
        """
        with self.app.store.read(slug) as session:
            if principal is not None:
                self.app._check_login(session, principal, self.app.clock.now())
            if session.record(f"person:{person}") is None:
                raise NotFound(f"there is no person {person!r} on this production")
            record = credential_record(session.record(f"credential:{person}"))
        listed = {**passkeys_of(record), **revoked_passkeys_of(record)}
        return [
            {
                "credential": credential,
                "enrolled_at": key["at"],
                "witness": key["witness"],
                "rp_id": key["rp_id"],
                "revoked": key.get("revoked"),
            }
            for credential, key in sorted(listed.items(), key=lambda item: str(item[1]["at"]))
        ]

    # -- signing -------------------------------------------------------------

    def propose(
        self, slug: str, principal: Principal, command: str, body: dict[str, Any]
    ) -> Pending:
        """Fix a command's proposal (the principal acting, now) for its people to sign.

        Raises:
            BadRequest: an unknown command, a body it does not take.
            InvalidCommand: a field that does not fit (from the command's own model).
        """
        try:
            model = by_name(command)
        except KeyError:
            raise BadRequest(f"there is no command {command!r}") from None
        declared = model.SPEC.command
        assert declared is not None
        body = dict(body)
        from_path = {declared.path: body.pop(declared.path)} if declared.path in body else {}
        parsed = model.parse(**body)
        if parsed.confirmations():
            raise BadRequest("a command signed with passkeys carries no PINs")
        from_path.update({name: principal.person for name in declared.from_actor})
        for name in declared.actor_default:
            from_path[name] = getattr(parsed, name) or principal.person
        event = parsed.event(**from_path)
        now = self.app.clock.now()
        with self.app.store.read(slug) as session:
            self.app._check_login(session, principal, now)
            projection = load_projection(session)
            size, note = session.checkpoint()
            key = session.production().verifier_key
        last = projection.last_at()
        at = now if last is None or parse_time(last) <= now else parse_time(last)
        event = {**event, "actor": principal.person, "at": format_time(at)}
        spec = CATALOGUE[event["type"]]
        if spec.complete is not None:
            spec.complete(projection, event)  # the fields the ledger would fill in, signed too
        signers = list(dict.fromkeys([principal.person, *confirmers(event)]))
        root = open_checkpoint(note, Ed25519Verifier.from_verifier_key(key)).root
        pending = Pending(secrets.token_hex(8), slug, event, signers, size, root, self._expiry())
        with self._guard:
            self._drop_expired()
            self._pending[pending.id] = pending
        return pending

    def pending(self, slug: str, pending_id: str) -> Pending:
        """A pending proposal of ``slug``.

        Raises:
            NotFound: none by that id (never made, expired, or already recorded).
        """
        with self._guard:
            self._drop_expired()
            found = self._pending.get(pending_id)
        if found is None or found.slug != slug:
            raise NotFound(
                f"there is no pending proposal {pending_id!r}: it expired or was recorded; "
                "propose it again"
            )
        return found

    def options(self, slug: str, pending_id: str, person: str, relying: Relying) -> dict[str, Any]:
        """Options for ``navigator.credentials.get``: ``person``'s challenge for the proposal.

        Raises:
            NotFound: no such pending proposal.
            BadRequest: the proposal does not need ``person``, or they have no passkey.
        """
        usable(relying)
        pending = self.pending(slug, pending_id)
        if person not in pending.signers:
            raise BadRequest(
                f"{person} has no part in this proposal (it needs {', '.join(pending.signers)})"
            )
        with self.app.store.read(slug) as session:
            record = credential_record(session.record(f"credential:{person}"))
        enrolled = passkeys_of(record)
        if not enrolled:
            raise BadRequest(
                f"{person} has no passkey: enrol one in person, or confirm with a PIN instead"
            )
        nonce = secrets.token_bytes(_NONCE_BYTES)
        with self._guard:
            pending.nonces[person] = nonce
        options = generate_authentication_options(
            rp_id=relying.rp_id,
            challenge=challenge_for(pending.event, pending.root, nonce),
            allow_credentials=[PublicKeyCredentialDescriptor(id=from_b64url(c)) for c in enrolled],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return {**pending.summary(), "person": person, "publicKey": _json(options_to_json(options))}

    def sign(
        self,
        slug: str,
        pending_id: str,
        person: str,
        credential: dict[str, Any],
        *,
        relying: Relying,
    ) -> tuple[Pending, Receipt | None]:
        """Check ``person``'s assertion over the proposal; record it once everyone signed.

        Raises:
            NotFound: no such pending proposal.
            BadRequest: no challenge asked for, an unknown passkey, an assertion that
                does not verify (nothing is recorded; a refusal by the rules is, and its
                receipt returned).
        """
        pending = self.pending(slug, pending_id)
        nonce = pending.nonces.get(person)
        if nonce is None:
            raise BadRequest(f"ask for {person}'s signing options first")
        credential_id = str(credential.get("id", ""))
        with self.app.store.read(slug) as session:
            record = credential_record(session.record(f"credential:{person}"))
        key = passkeys_of(record).get(credential_id)
        if key is None and credential_id in revoked_passkeys_of(record):
            raise revoked_error(person, credential_id, revoked_passkeys_of(record)[credential_id])
        if key is None:
            raise BadRequest(f"that passkey is not one of {person}'s enrolled passkeys")
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge_for(pending.event, pending.root, nonce),
                expected_rp_id=relying.rp_id,
                expected_origin=relying.origin,
                credential_public_key=from_b64url(key["public_key"]),
                credential_current_sign_count=0,
                require_user_verification=True,
            )
        except (InvalidAuthenticationResponse, InvalidJSONStructure) as e:
            raise AuthError(f"{person}'s passkey signature does not verify: {e}") from e
        response = credential.get("response") or {}
        signed = {
            "credential": b64url(verified.credential_id),
            "authenticator_data": _canon(response.get("authenticatorData")),
            "client_data": _canon(response.get("clientDataJSON")),
            "signature": _canon(response.get("signature")),
            "nonce": b64url(nonce),
            "size": pending.size,
            "root": b64url(pending.root),
        }
        with self._guard:
            pending.signatures[person] = signed
            done = not pending.waiting
            if done:
                self._pending.pop(pending.id, None)
        if not done:
            return pending, None
        receipt = self._record(pending)
        with self._guard:
            self._finished[pending.id] = (pending, receipt)
        return pending, receipt

    def finished(self, slug: str, pending_id: str) -> tuple[Pending, Receipt] | None:
        """What a proposal everyone signed recorded (or had refused), while it is kept."""
        with self._guard:
            self._drop_expired()
            found = self._finished.get(pending_id)
        return found if found is not None and found[0].slug == slug else None

    def _record(self, pending: Pending) -> Receipt:
        event = apply_confirmations(pending.event, set(pending.signatures))
        event["signatures"] = dict(sorted(pending.signatures.items()))
        event["assurance"] = dict.fromkeys(sorted(pending.signatures), "passkey")
        roots = {pending.size: pending.root}

        def inspect(projection: Projection, decision: Decision) -> None:
            def key_of(person: str, credential: str) -> dict[str, Any] | None:
                record = credential_record(projection.record(f"credential:{person}"))
                key = passkey_key(record, credential)
                if key is not None and key.get("revoked"):
                    # Revoked while the others signed: nothing signed with it is recorded.
                    raise revoked_error(person, credential, key)
                return key

            for recorded in decision.events:
                if signed_target(recorded).get("signatures"):
                    try:
                        check_signatures("the entry", recorded, key_of, roots.get)
                    except VerificationError as e:
                        raise BadRequest(
                            f"{e}; the command changed after it was signed: propose it again"
                        ) from e

        # Recorded at the time the last person signed (not signed itself: the set went on
        # while phones confirmed). Another writer may record in between: then a later time.
        for attempt in range(_RECORD_ATTEMPTS):
            event["at"] = self._recording_time(pending.slug)
            try:
                receipt: Receipt = self.app.submit_signed(pending.slug, event, inspect)
            except TimeOrderError:
                if attempt + 1 == _RECORD_ATTEMPTS:
                    raise
                continue
            return receipt
        raise AssertionError("unreachable")  # pragma: no cover

    def _recording_time(self, slug: str) -> str:
        now = self.app.clock.now()
        with self.app.store.read(slug) as session:
            last = load_projection(session).last_at()
        return format_time(now if last is None or parse_time(last) <= now else parse_time(last))

    def _expiry(self) -> datetime:
        now: datetime = self.app.clock.now()
        return now + CHALLENGE_TTL

    def _drop_expired(self) -> None:
        now = self.app.clock.now()
        for key in [k for k, p in self._pending.items() if p.expires < now]:
            del self._pending[key]
        for key in [k for k, (p, _) in self._finished.items() if p.expires < now]:
            del self._finished[key]


def revoked_error(person: str, credential: str, key: dict[str, Any]) -> AuthError:
    """The answer to a signature by a revoked passkey (ID-RESET): it signs nothing now."""
    revoked = key["revoked"]
    return AuthError(
        f"{person}'s passkey {credential} was revoked at {revoked['at']} by {revoked['by']}: "
        "it signs nothing any more (ID-RESET); sign with another of their passkeys, enrol a "
        "new one in person, or confirm with a PIN"
    )


def _witness_allowed(session: ProjectionSession, event: dict[str, Any]) -> None:
    """Refuse an enrolment ID-RESET refuses: the person as witness, a witness who may not be.

    Raises:
        BadRequest: the person as their own witness.
        Forbidden: a witness who is neither a handler nor the safety coordinator, or a
            passkey revoked before.
    """
    person, witness = event["person"], event["witness"]
    keys = ("production", "meta", "policy", f"person:{witness}", f"credential:{person}")
    found = {key: session.record(key) for key in keys}
    projection = Projection.adopt({k: v for k, v in found.items() if v is not None})
    findings = _ID_RESET.check(projection, event, projection.policy())
    if findings:
        first = findings[0]
        error = BadRequest if witness == person else Forbidden
        raise error(f"{first.message} {first.remedy} ({first.rule_id})")


def usable(relying: Relying) -> None:
    """Refuse a relying party no browser accepts, saying how to reach showclear instead.

    Raises:
        BadRequest: an IP address as relying party (WebAuthn needs a host name), or a
            page whose host is neither the relying party nor a name under it.
    """
    try:
        ipaddress.ip_address(relying.rp_id)
    except ValueError:
        pass
    else:
        raise BadRequest(
            f"passkeys need a host name, not the address {relying.rp_id}: open showclear by "
            "its name (https://showclear.local, or the studio's DNS name; docs/tls.md)"
        )
    host = urlsplit(relying.origin).hostname or ""
    if host != relying.rp_id and not host.endswith("." + relying.rp_id):
        raise BadRequest(
            f"this page is on {host}, but passkeys here are for {relying.rp_id} "
            f"(serve --rp-id): open showclear at a name under {relying.rp_id}"
        )


def _json(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _canon(value: object) -> str:
    """A base64url field of a browser's response, written without padding."""
    if not isinstance(value, str):
        raise BadRequest(
            "the passkey response lacks authenticatorData, clientDataJSON or signature"
        )
    return b64url(from_b64url(value))


def _alg(public_key: bytes) -> int:
    return int(decode_credential_public_key(public_key).alg)
