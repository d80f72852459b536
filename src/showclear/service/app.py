"""The application service: one method per thing a person or device can ask.

The CLI, the API and the tests all build it through :func:`build_app`, the one
place that wires storage, keys and the clock together.
"""

from __future__ import annotations

import io
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from showclear.bundle import BundleSummary
from showclear.ledger import canonical_json
from showclear.ledger.cosignature import CosignatureVerifier
from showclear.ledger.errors import LedgerError
from showclear.ledger.pins import Pins
from showclear.protocol import (
    Decision,
    Finding,
    Policy,
    Projection,
    ProtocolError,
    apply,
    validate_event,
)
from showclear.protocol.catalogue.credentials import credential_record
from showclear.protocol.projection import record_key
from showclear.protocol.rules.identity import IdReset
from showclear.protocol.time import format_time, parse_time
from showclear.service.auth import (
    OWASP_ARGON2ID,
    VOID_SECRET,
    ConfirmationWindow,
    PinHasher,
    check_new_secret,
)
from showclear.service.authz import ACCOUNTS, authorize, authorize_account, authorize_read
from showclear.service.clock import Clock, SystemClock, stamp
from showclear.service.commands import Receipt, load_projection
from showclear.service.documents import (
    DocumentProblem,
    DocumentStore,
    UnknownDocument,
    check_sha256,
    named_by,
    named_documents,
)
from showclear.service.errors import AuthError, BadRequest, Forbidden, NotFound
from showclear.service.export import export_bundle
from showclear.service.forensics import Forensics
from showclear.service.group import Group, GroupCommit
from showclear.service.idempotency import remember, replay, request_digest
from showclear.service.identity import (
    Credentials,
    Trusted,
    apply_confirmations,
    confirmers,
)
from showclear.service.keys import FileKeyring, Keyring
from showclear.service.ledger import (
    AppendResult,
    ConsistencyProofText,
    append_entries,
    prove_consistency,
    prove_inclusion,
)
from showclear.service.mirrors import check_writable
from showclear.service.passkeys import Passkeys
from showclear.service.sessions import (
    Attempt,
    Issued,
    Kind,
    Principal,
    SignedIn,
    SignInLimiter,
    TokenInfo,
    TriesBusy,
    check_still_valid,
    issue,
    locked_out,
    production_of,
    record_attempt,
    reserve_attempt,
    resolve,
)
from showclear.service.verify import Progress, VerifyFailed, VerifyReport, verify_ledger
from showclear.service.views import Board, board, rounds, weapon_history
from showclear.service.witnessing import check_day_close, policy_of, with_cosignatures
from showclear.store import (
    CredentialSession,
    EntryRow,
    ProductionInfo,
    ProjectionSession,
    Session,
    Store,
    StoreError,
    open_store,
)

__all__ = ["App", "build_app", "slugify"]

DEFAULT_ORIGIN_BASE = "showclear.example/productions"

#: Sign-in attempts a device (one client address) may make per minute, to the API and the
#: web alike. Only the test suite raises it (tests/conftest.py), where every request comes
#: from one address; tests of the limit set their own.
SIGN_INS_PER_MINUTE = 10

#: How long a command waits for this process's earlier writers of its production before
#: it is turned away (503 with Retry-After; nothing recorded) instead of queueing without
#: a limit (issue 15). The database's own wait for other processes is bounded apart.
WRITE_WAIT_SECONDS = 10.0

#: How long a PIN check waits while every try of the person is being checked at once.
RESERVE_WAIT_SECONDS = 10.0


def slugify(name: str) -> str:
    """A production's short id from its name: lowercase letters, digits and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise BadRequest(f"the production name {name!r} needs at least one letter or digit")
    return slug


class App:
    """showclear's service layer over one store."""

    def __init__(
        self,
        store: Store,
        keyring: Keyring,
        clock: Clock,
        hasher: PinHasher = OWASP_ARGON2ID,
        documents: DocumentStore | None = None,
    ) -> None:
        self.store = store
        #: Scans of the paperwork entries name by SHA-256, beside the database.
        self.documents = documents or DocumentStore(None)
        self.hasher = hasher
        self.keyring = keyring
        self.clock = clock
        #: Seconds a command waits for earlier writers of its production (WRITE_WAIT_SECONDS).
        self.write_wait = WRITE_WAIT_SECONDS
        #: One writer per production at a time (DESIGN), recording queued commands in
        #: groups, with each production's decoded state kept between them.
        self.group = GroupCommit(
            store,
            lambda info: self.keyring.signer_for(info.verifier_key),
            self._committed,
            lambda: self.write_wait,
        )
        #: Sign-in attempts per client address (API and web), so nobody locks people out at will.
        self.sign_in_limiter = SignInLimiter(limit=SIGN_INS_PER_MINUTE)
        self._dummy_hash: str | None = None
        #: PINs confirmed lately, as keyed hashes in memory (no argon2 on the command path).
        self.confirmations = ConfirmationWindow()
        #: Passkey ceremonies: enrolment and signed commands (ID-OWN).
        self.passkeys = Passkeys(self)
        #: Called with a production's slug after each commit to its ledger (the witness
        #: submitter's ``notify``): must return at once, the command is waiting.
        self.commit_listeners: list[Callable[[str], None]] = []

    def close(self) -> None:
        self.store.close()

    # -- productions -------------------------------------------------------

    def productions(self) -> list[ProductionInfo]:
        """Every production in this database."""
        return self.store.productions()

    def resolve(self, slug: str | None) -> str:
        """The production to act on: ``slug``, or the only one in the database.

        Raises:
            NotFound: no such production, or none at all.
            BadRequest: several productions exist and none was named.
        """
        known = [p.slug for p in self.store.productions()]
        if slug is not None:
            if slug not in known:
                listed = ", ".join(known) or "none"
                raise NotFound(f"there is no production {slug!r} here (productions: {listed})")
            return slug
        if not known:
            raise NotFound(
                "this database has no production yet; run: showclear init --production NAME"
            )
        if len(known) > 1:
            raise BadRequest(
                f"this database holds several productions ({', '.join(known)}); "
                "choose one with --production SLUG"
            )
        return known[0]

    def init_production(
        self,
        name: str,
        *,
        origin: str | None = None,
        slug: str | None = None,
        jurisdiction: str | None = None,
    ) -> ProductionInfo:
        """Create a production whose first entry names it, its public key and jurisdiction.

        Raises:
            BadRequest: the slug or origin is taken, or the origin is malformed.
            PolicyError: the jurisdiction is not an ISO 3166 code (before any key is made).
        """
        if jurisdiction:
            Policy().with_changes({"jurisdiction": jurisdiction})  # refuse it before the key
        slug = slug or slugify(name)
        origin = origin or f"{DEFAULT_ORIGIN_BASE}/{slug}"
        if any(p.slug == slug or p.origin == origin for p in self.store.productions()):
            raise BadRequest(
                f"a production with slug {slug!r} or origin {origin!r} already exists here"
            )
        if any(ch.isspace() for ch in origin) or "+" in origin:
            raise BadRequest(f"the origin {origin!r} must contain no spaces and no '+'")
        signer = self.keyring.create(origin)
        now = format_time(self.clock.now())
        info = ProductionInfo(slug, name, origin, signer.verifier().verifier_key(), 0, now)
        first = {
            "type": "ProductionCreated",
            "at": now,
            "actor": None,
            "production": name,
            "slug": slug,
            "origin": origin,
            "public_key": info.verifier_key,
        }
        if jurisdiction:
            first["jurisdiction"] = jurisdiction
        # The production, its first entry and its projection are one transaction.
        projection = Projection.empty()
        apply(projection, first)
        try:
            with self.store.create_production(info) as session:
                session.replace_projection(projection.records())
                append_entries(session, signer, [canonical_json(first)])
        except BaseException:
            self.keyring.discard(info.verifier_key)  # no production: no key left behind
            raise
        return self.production(slug)

    def production(self, slug: str) -> ProductionInfo:
        with self.store.read(slug) as session:
            return session.production()

    # -- the ledger --------------------------------------------------------

    def append_unchecked(self, slug: str, events: Sequence[Any]) -> AppendResult:
        """Append already-decided events under one new checkpoint, WITHOUT evaluating rules.

        For replaying a record that was decided elsewhere (imports, benchmarks and
        ledger tests); every command from a person goes through :meth:`submit`. The
        events are still validated and folded into the projection in the same
        transaction, so the ledger and the projection never disagree.

        Raises:
            ProtocolError: an event is not a valid protocol event (nothing is appended).
            EncodingError: an event cannot be a canonical entry (nothing is appended).
        """
        for event in events:
            validate_event(event)
        with self._writer(slug) as session:
            group = self.group.current(session)
            group.record(list(events), "allowed", [])
            result = group.flush()
        assert result is not None or not events
        return result or AppendResult(group.size, group.size, "")

    def checkpoint(self, slug: str, size: int | None = None) -> str:
        """The signed checkpoint note at ``size`` (the latest by default)."""
        with self.store.read(slug) as session:
            try:
                found, note = session.checkpoint(size)
            except StoreError as e:
                raise NotFound(str(e)) from e
            return with_cosignatures(session, found, note)  # C2SP: extra signature lines

    def verifier_key(self, slug: str) -> str:
        """The production's verifier key string ``name+keyid+base64``."""
        return self.production(slug).verifier_key

    def prove_inclusion(self, slug: str, index: int, size: int | None = None) -> str:
        """The C2SP tlog-proof of entry ``index``."""
        with self.store.read(slug) as session:
            return prove_inclusion(session, index, size).format()

    def prove_consistency(
        self, slug: str, old_size: int, new_size: int | None = None
    ) -> ConsistencyProofText:
        """The proof that the ledger at ``old_size`` is a prefix of it at ``new_size``."""
        with self.store.read(slug) as session:
            return prove_consistency(session, old_size, new_size)

    def verify(
        self, slug: str, progress: Progress | None = None, pins: Pins | None = None
    ) -> VerifyReport:
        """Recompute and check everything stored, and rebuild the projection from the ledger.

        ``pins`` are the keys the caller trusts; the key's memory of what it signed
        last (``Keyring.last_signed``) must be in the database.
        """
        rebuilt = Projection.empty()
        try:
            signed = self.keyring.last_signed(self.production(slug).verifier_key)
        except LedgerError:  # an unreadable key in the productions row: verify names it
            signed = None

        def replay(index: int, event: Any) -> None:
            try:
                apply(rebuilt, event)
            except ProtocolError as e:
                raise VerifyFailed(f"entry {index} cannot be replayed: {e}") from e

        with self.store.read(slug) as session:
            witnesses = session.witness_states()
            report = verify_ledger(
                session,
                progress=progress,
                on_entry=replay,
                pins=pins,
                signed=signed,
                cosigned=_cosigned(session),
                listed=[CosignatureVerifier(w.key) for w in policy_of(session).witnesses],
                held={w.witness: w.cosigned_size for w in witnesses},
                claimed={w.witness: w.known_size for w in witnesses},
            )
            if report.ok:
                try:
                    _compare_projection(rebuilt.records(), session.projection())
                except VerifyFailed as e:
                    report.problem = str(e)
        return report

    # -- the protocol ------------------------------------------------------

    def set_pin(self, slug: str, person: str, secret: str) -> None:
        """Give a person their first PIN while a day is built (fixtures, the demo), recorded.

        A PIN set by a person from the CLI or the API goes through :meth:`enrol_pin` and
        :meth:`change_pin`, where ID-RESET decides; this is for replays that build a day,
        and refuses a person who already has a PIN.

        Raises:
            NotFound: no such person.
            BadRequest: the person has a PIN already, or the PIN is too short.
        """
        check_new_secret(secret)
        hashed = self.hasher.hash(secret)
        with self._writer(slug) as session:
            if self.group.current(session).projection.person(person) is None:
                raise NotFound(f"there is no person {person!r} on this production")
            if session.credential(person) is not None:
                raise BadRequest(f"{person} has a PIN already; they change it with pin set")
            event = {
                "type": "CredentialEnrolled",
                "actor": None,
                "person": person,
                "kind": "pin",
                "reset": False,
            }
            self._append_own(session, [event], self.clock.now())
            session.set_credential(person, hashed)

    def authenticate(self, slug: str, person: str, secret: str, *, window: bool = False) -> None:
        """Check a person's PIN; a failure is recorded even though this raises.

        With ``window`` (a PIN confirming a command), the PIN this person gave and argon2
        accepted within :data:`~showclear.service.auth.CONFIRMATION_WINDOW` is accepted
        again without argon2, if their stored PIN is unchanged and they have no wrong PIN
        counted and no lock-out; a right check opens the window.

        One of the person's tries is taken in a short write before argon2 runs, so a burst
        of concurrent guesses checks at most the limit; argon2 runs outside any
        transaction. A name with no PIN is checked against a dummy hash and answered
        exactly as a wrong PIN. Reaching the limit writes a PersonLockedOut entry.

        Raises:
            LockedOut: too many wrong PINs in a row (an AuthError).
            AuthError: wrong PIN, or no such person (the same answer).
        """
        now = self.clock.now()
        if window and self._within_window(slug, person, secret, now):
            return
        attempt = self._reserve(slug, person, now)
        ok = self.hasher.verify(attempt.stored or self._dummy(), secret)
        lock: str | None = None
        failure: AuthError | None = None
        with self._writer(slug) as session:
            try:
                lock = record_attempt(session, attempt, ok, secret, now=now, hasher=self.hasher)
            except AuthError as e:  # commit what was recorded, then raise
                failure = e
            if lock is not None:
                event = {"type": "PersonLockedOut", "actor": None, "person": person, "until": lock}
                self._append_own(session, [event], now)
        if failure is not None or lock is not None:
            self.confirmations.close(slug, person)
        if failure is not None:
            raise failure
        if lock is not None:
            raise locked_out(person, lock)
        if window and ok and attempt.stored is not None:
            self.confirmations.open(slug, person, secret, attempt.stored, now)

    def _within_window(self, slug: str, person: str, secret: str, now: datetime) -> bool:
        """Whether ``secret`` is the PIN ``person`` confirmed with lately, still theirs."""
        stored = self.confirmations.accepts(slug, person, secret, now)
        if stored is None:
            return False
        with self.store.read(slug) as session:
            current = session.credential(person)  # one row: a reset or lock-out elsewhere too
        if current is None or current != (stored, 0, None):
            self.confirmations.close(slug, person)
            return False
        return True

    def _reserve(self, slug: str, person: str, now: datetime) -> Attempt:
        """One of the person's tries, waiting while every try is being checked (a burst)."""
        deadline = time.monotonic() + RESERVE_WAIT_SECONDS
        while True:
            try:
                with self.store.write(slug) as session:
                    return reserve_attempt(session, person, now)
            except TriesBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)  # their outcome frees a try, or locks the person out

    def _dummy(self) -> str:
        # A hash no PIN matches, checked for a name without one so that it takes as long.
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def _append_own(
        self,
        session: Session,
        events: list[dict[str, Any]],
        now: datetime,
        findings: Sequence[Finding] = (),
    ) -> Receipt:
        """Append entries showclear writes itself (a lock-out, a credential set), in order.

        They are folded into the production's projection as the group holds it, and
        recorded with the entries of the transaction ``session`` belongs to.
        """
        group = self.group.current(session)
        last = group.projection.last_at()
        at = format_time(now)
        if last is not None and parse_time(last) > now:
            at = last  # never before the last entry (DESIGN: Time)
        for event in events:
            event["at"] = at
            validate_event(event)
        return group.record(events, "refused" if findings else "allowed", list(findings))

    @contextmanager
    def _writer(self, slug: str) -> Iterator[Session]:
        """A write session on ``slug`` for this thread alone, between the production's groups.

        Entries are recorded in it with :meth:`_append_own`.

        Raises:
            WritersBusy: earlier writers of the production held it past ``write_wait``.
        """
        check_writable(self, slug)
        with self.group.exclusive(slug) as session:
            yield session

    def _committed(self, slug: str) -> None:
        """Tell the listeners (the witness submitter) that ``slug``'s ledger grew."""
        for listener in self.commit_listeners:
            listener(slug)

    def submit(
        self,
        slug: str,
        proposed: dict[str, Any],
        auth: Credentials | Trusted | SignedIn,
        *,
        then: Callable[[Session], None] | None = None,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """Decide a proposed event against the rules and record the outcome.

        ``then`` runs in the same transaction once the event is recorded and not refused
        (a new person's first PIN); not with :class:`SignedIn`.

        ``idempotency_key`` (the API's ``Idempotency-Key``, with :class:`SignedIn`): a
        retry of a write already recorded under it returns that write's receipt and
        records nothing (service/idempotency.py).

        With :class:`Credentials`, the actor and every confirming person are
        authenticated first and confirmation fields are set from who was checked.

        With :class:`~showclear.service.sessions.SignedIn` (the API), the actor is the
        person of a checked session or token, who counts as confirming for themselves.

        Raises:
            AuthError: a wrong or locked-out PIN (nothing is appended).
            Forbidden: the actor's roles do not allow the command (nothing is appended).
            ProtocolError: a malformed event or unknown reference (nothing is appended).
        """
        check_writable(self, slug)  # a mirror is written elsewhere (service/mirrors.py)
        self._require_documents(slug, proposed)  # before any PIN is checked or entry written
        if isinstance(auth, SignedIn):
            return self._submit_signed_in(slug, proposed, auth, idempotency_key)
        event = dict(proposed)
        if isinstance(auth, Credentials):
            event["actor"] = auth.actor
            if auth.actor is not None:
                if auth.secret is None:
                    raise BadRequest(f"{auth.actor} must give their PIN")
                self.authenticate(slug, auth.actor, auth.secret, window=True)
            confirmed: set[str] = set()
            for person in confirmers(event):
                secret = auth.confirmations.get(person)
                if person == auth.actor and auth.actor is not None and secret is None:
                    confirmed.add(person)  # their PIN was checked as the actor's, just above
                elif secret is not None:
                    self.authenticate(slug, person, secret, window=True)
                    confirmed.add(person)
            # How each person's part was proven: the actor's and each confirmer's own PIN.
            proven = confirmed | ({auth.actor} if auth.actor is not None else set())
            event = _with_assurance(
                apply_confirmations(event, confirmed), dict.fromkeys(proven, "pin")
            )
        credentials = auth if isinstance(auth, Credentials) else None

        def work(group: Group) -> Callable[[], Receipt]:
            session, projection = group.session, group.projection
            # The time is taken by the group's writer, so that concurrent commands
            # are recorded in the order they are decided (DESIGN: Time); a concern or
            # an incident is never refused for the clock (service/clock.py: stamp).
            kind = str(event.get("type"))
            decided = {**event}
            decided.setdefault("at", stamp(self.clock.now(), projection.last_at(), kind))
            if credentials is not None:
                actor = credentials.actor
                roles = _roles(projection.person(actor)) if actor is not None else None
                first = actor is None and not projection.people()
                authorize(roles, actor, kind, first=first)
            unwitnessed = _check_day_close(group, decided)  # raises where the policy blocks
            receipt = group.decide(decided)
            self._after(session, receipt, projection)
            if then is not None and not receipt.refused:
                then(session)
            return lambda: _noting(receipt, unwitnessed)

        return self.group.run(slug, work)

    def _submit_signed_in(
        self, slug: str, proposed: dict[str, Any], auth: SignedIn, key: str | None = None
    ) -> Receipt:
        digest = request_digest(proposed)
        principal = auth.principal
        actor = principal.person
        kind = str(proposed.get("type"))
        # An anonymous concern names nobody (INC-CONCERN), though only a member may raise it.
        anonymous = kind == "ConcernRaised" and proposed.get("anonymous") is True
        event = {**proposed, "actor": None if anonymous else actor}
        confirming = confirmers(event)
        if confirming:
            # Roles first, as the principal had them moments ago (checked again below, in
            # the transaction): a forbidden request writes nothing, not even a PIN failure.
            authorize(principal.roles, actor, kind)
        assurance: dict[str, str] = {}
        for person in confirming:
            if person == actor:
                assurance[person] = "session"  # signed in already
            elif (secret := auth.confirmations.get(person)) is not None:
                self.authenticate(slug, person, secret, window=True)
                assurance[person] = "pin"
        confirmed = set(assurance)
        if event["actor"] is not None:
            assurance[actor] = "session"  # the actor's own part: their signed-in session
        event = _with_assurance(apply_confirmations(event, confirmed), assurance)

        def work(group: Group) -> Callable[[], Receipt]:
            session, projection = group.session, group.projection
            now = self.clock.now()
            self._check_login(session, principal, now)
            if key is not None:
                if (actor, key) in group.keys:
                    group.flush()  # the same key earlier in this group: answer as a retry
                if (done := replay(session, actor, key, digest)) is not None:
                    return lambda: done  # recorded already: a retry records nothing new
            authorize(_roles(projection.person(actor)), actor, kind)
            decided = {**event}
            decided.setdefault("at", stamp(now, projection.last_at(), kind))
            unwitnessed = _check_day_close(group, decided)  # raises where the policy blocks
            receipt = group.decide(decided)
            self._after(session, receipt, projection)
            answer: list[Receipt] = []

            def finish() -> None:  # once the group's checkpoint is signed
                answer.append(_noting(receipt, unwitnessed))
                if key is not None:
                    remember(session, actor, key, digest, answer[0], now=now)

            if key is not None:
                group.keys.add((actor, key))
            group.after_flush(finish)
            return lambda: answer[0]

        return self.group.run(slug, work)

    def submit_signed(
        self, slug: str, event: dict[str, Any], inspect: Callable[[Projection, Decision], None]
    ) -> Receipt:
        """Decide and record an event its people signed with their passkeys (service/passkeys.py).

        ``event`` carries its actor, time, signatures and assurance; ``inspect`` checks the
        signatures against the decision before anything is written.

        Raises:
            Forbidden: the actor's roles do not allow the command (nothing is appended).
            ProtocolError: a malformed event, or one earlier than the last entry.
        """
        check_writable(self, slug)
        self._require_documents(slug, event)

        def work(group: Group) -> Callable[[], Receipt]:
            actor = event["actor"]
            authorize(_roles(group.projection.person(actor)), actor, str(event.get("type")))
            unwitnessed = _check_day_close(group, event)  # raises where the policy blocks
            receipt = group.decide(event, inspect)
            self._after(group.session, receipt, group.projection)
            return lambda: _noting(receipt, unwitnessed)

        return self.group.run(slug, work)

    def append_own(self, slug: str, events: list[dict[str, Any]]) -> Receipt:
        """Append entries showclear writes itself after its own checks (a passkey enrolled)."""
        with self._writer(slug) as session:
            return self._append_own(session, events, self.clock.now())

    def _after(self, session: Session, receipt: Receipt, projection: Projection) -> None:
        """What the store must do once an entry is recorded: a completed reset (ID-RESET)."""
        for event in receipt.events:
            if event["type"] == "PasskeyRevoked":  # a revoked passkey ends every sign-in
                session.revoke_logins(event["person"], event["at"])
            if event["type"] != "CredentialResetApproved" or event["kind"] != "pin":
                continue
            person = event["person"]
            if credential_record(projection.record(f"credential:{person}"))["reset_approved"]:
                # Both approvals are in: the old PIN stops working, every sign-in ends.
                self.confirmations.close(session.slug, person)
                if session.credential(person) is not None:
                    session.set_credential(person, VOID_SECRET)
                session.revoke_logins(person, event["at"])

    # -- documents (service/documents.py) -----------------------------------

    def put_document(self, slug: str, data: bytes) -> str:
        """Keep a scan of paperwork for ``slug`` and return its SHA-256, for an entry to name.

        Raises:
            NotFound: no such production.
            BadRequest: no bytes at all.
            DocumentTooLarge: over the size limit.
            DocumentsUnavailable: no directory for documents (PostgreSQL without one).
        """
        self.resolve(slug)
        if not data:
            raise BadRequest("the document is empty: send the bytes of the scan or photo")
        return self.documents.production(slug).put(data)

    def document(self, slug: str, sha256: str) -> bytes:
        """The bytes of a document of ``slug``, checked against its SHA-256.

        Raises:
            NotFound: no such production.
            DocumentNotStored: no such document.
            DocumentChanged: its file no longer hashes to its name.
            DocumentsUnavailable: no directory for documents.
        """
        self.resolve(slug)
        return self.documents.production(slug).get(check_sha256(sha256))

    def check_documents(self, slug: str) -> tuple[int, list[DocumentProblem]]:
        """How many documents the ledger names, and each one missing or changed beside it.

        Raises:
            DocumentsUnavailable: the ledger names documents and there is no directory.
        """
        with self.store.read(slug) as session:
            named = named_documents(session.entries(0))
        if not named:
            return 0, []
        return len(named), self.documents.production(slug).check(named)

    def _require_documents(self, slug: str, proposed: Mapping[str, Any]) -> None:
        """An entry never names a document the production does not hold.

        Raises:
            UnknownDocument: the proposal names a document not stored here.
            DocumentsUnavailable: it names one and there is no directory for documents.
        """
        sha = named_by(proposed)
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
            return  # none, or malformed: validation says what is wrong with it
        if not self.documents.production(slug).has(sha):
            raise UnknownDocument(
                f"no document {sha[:12]}… is stored for this production: store the scan "
                "first (showclear document add FILE, or POST /productions/"
                f"{slug}/documents), then name the SHA-256 it answers"
            )

    # -- views -------------------------------------------------------------

    def board(self, slug: str) -> Board:
        with self.store.read(slug) as session:
            return board(session)

    def rounds(self, slug: str) -> list[dict[str, Any]]:
        with self.store.read(slug) as session:
            return rounds(session)

    def history(self, slug: str, weapon: str) -> list[dict[str, Any]]:
        with self.store.read(slug) as session:
            if session.record(record_key("weapon", weapon)) is None:
                raise NotFound(f"there is no weapon {weapon!r} in this production's inventory")
            return weapon_history(session, weapon)

    def projection(self, slug: str) -> Projection:
        with self.store.read(slug) as session:
            return load_projection(session)

    def entries(self, slug: str, start: int, limit: int) -> tuple[int, list[EntryRow]]:
        """The ledger's size and up to ``limit`` entries from index ``start``.

        Raises:
            BadRequest: a negative start, or a limit below 1.
        """
        if start < 0 or limit < 1:
            raise BadRequest("entries start at index 0 and come at least one at a time")
        with self.store.read(slug) as session:
            size = session.size()
            return size, list(session.entries(start, min(start + limit, size)))

    # -- forensics and export (service/forensics/, bundle/) -------------------

    @contextmanager
    def forensics(self, slug: str) -> Iterator[Forensics]:
        """Forensic queries over one consistent snapshot of the production's ledger."""
        with self.store.read(slug) as session:
            yield Forensics(session)

    def export_bundle(self, slug: str) -> tuple[bytes, BundleSummary]:
        """The production's whole ledger as an offline-verifiable bundle (zip bytes)."""
        out = io.BytesIO()
        summary = self.export_bundle_to(slug, out)
        return out.getvalue(), summary

    def export_bundle_to(self, slug: str, out: BinaryIO) -> BundleSummary:
        """Write the bundle to ``out`` (seekable), streamed: flat memory at any size."""
        with self.store.read(slug) as session:
            return export_bundle(session, out)

    # -- signing in (service/sessions.py) ------------------------------------

    def login(
        self,
        slug: str,
        person: str,
        secret: str,
        *,
        kind: Kind = "session",
        label: str | None = None,
        ttl: timedelta | None = None,
        client: str | None = None,
    ) -> Issued:
        """Check a person's PIN and open a session (or an API token) on this production.

        ``client`` is the address of the device asking (None from the CLI): each may try
        only so often (:class:`~showclear.service.sessions.SignInLimiter`).

        Raises:
            TooManyAttempts: the device tried too often (a LockedOut).
            LockedOut: too many wrong PINs in a row.
            AuthError: wrong or missing PIN; unknown person.
            BadRequest: a lifetime out of bounds.
        """
        self.sign_in_limiter.take(client, person, self.clock.now())
        self.authenticate(slug, person, secret)
        with self.store.write(slug) as session:
            return issue(session, person, self.clock.now(), kind=kind, label=label, ttl=ttl)

    def create_token(
        self,
        slug: str,
        person: str,
        secret: str,
        *,
        label: str | None,
        ttl: timedelta | None,
        client: str | None = None,
    ) -> Issued:
        """Check a person's PIN and issue an API token for a device; the secret is shown once."""
        return self.login(slug, person, secret, kind="token", label=label, ttl=ttl, client=client)

    def principal_for_token(self, slug: str, token: str | None) -> Principal:
        """The member a session or API token speaks for on ``slug``, allowed to read it.

        Raises:
            AuthError: no token, or an unknown, revoked or expired one.
            Forbidden: the token belongs to another production, or its person is
                not a member (authorize_read).
        """
        if not token:
            raise AuthError("sign in first: log in, or send an API token")
        other = production_of(token)
        if other is not None and other != slug:
            raise Forbidden(f"this session or token is for production {other!r}, not {slug!r}")
        with self.store.read(slug) as session:
            login = resolve(session, token, self.clock.now())
            roles = _roles(_person(session, login.person))
        authorize_read(roles, login.person)
        return Principal(slug, login.person, roles or (), login)

    def tokens(self, slug: str, principal: Principal) -> list[TokenInfo]:
        """The principal's own sessions and tokens, or everyone's for oversight roles."""
        with self.store.read(slug) as session:
            self._check_login(session, principal, self.clock.now())
            roles = _roles(_person(session, principal.person))
            sees_all = roles is not None and bool(ACCOUNTS & set(roles))
            rows = session.logins(None if sees_all else principal.person)
            return [TokenInfo.of(row) for row in rows]

    def revoke_token(self, slug: str, principal: Principal, token_id: str) -> None:
        """Revoke a session or token: one's own, or anyone's for oversight roles.

        Raises:
            NotFound: no live session or token by that id on this production.
            Forbidden: it is someone else's and the principal has no oversight role.
        """
        with self.store.write(slug) as session:
            now = self.clock.now()
            self._check_login(session, principal, now)
            found = session.login_by_id(token_id)  # by its key, not a scan of every sign-in
            if found is None or found.revoked_at is not None:
                raise NotFound(f"there is no live session or token {token_id!r} here")
            roles = _roles(_person(session, principal.person))
            authorize_account(roles, principal.person, found.person)
            session.revoke_login(token_id, format_time(now))

    def change_pin(
        self, slug: str, principal: Principal, person: str, new: str, current: str | None
    ) -> Receipt:
        """Set a PIN: one's own with the current PIN, or after a reset two people approved.

        Setting someone else's PIN without that reset is refused by ID-RESET, and the
        attempt is recorded. Every PIN set ends the person's sessions and tokens.

        Raises:
            BadRequest: a new PIN with fewer than 4 characters that are not spaces.
            AuthError: one's own PIN without the right current one (and no reset approved).
            NotFound: no such person.
        """
        check_new_secret(new)
        with self.store.read(slug) as session:
            self._check_login(session, principal, self.clock.now())
            subject = _person(session, person)
            approved = credential_record(session.record(f"credential:{person}"))["reset_approved"]
        if subject is None:
            raise NotFound(f"there is no person {person!r} on this production")
        if person == principal.person and current is not None:
            self.authenticate(slug, person, current)
        elif person == principal.person and not approved:
            raise AuthError("give your current PIN to set a new one")
        return self.enrol_pin(slug, person, new, actor=principal.person)

    def enrol_pin(self, slug: str, person: str, secret: str, *, actor: str | None) -> Receipt:
        """Record that ``actor`` set ``person``'s PIN and store its hash, if ID-RESET allows.

        ``actor`` has already proven who they are (a session, or their PIN). It is a reset
        if two people approved one. A refusal is recorded and nothing is stored. Every
        session and token of the person ends.

        Raises:
            BadRequest: fewer than 4 characters that are not spaces.
        """
        check_new_secret(secret)
        hashed = self.hasher.hash(secret)  # slow: before taking the write lock
        with self._writer(slug) as session:
            return self._enrol(session, person, hashed, actor)

    def register_person(
        self, slug: str, proposed: dict[str, Any], auth: Credentials, secret: str
    ) -> tuple[Receipt, Receipt | None]:
        """Register a person and set their first PIN in one transaction: both, or neither.

        Returns the registration's receipt and, unless a rule refused it, the PIN's.

        Raises:
            BadRequest: a PIN with fewer than 4 characters that are not spaces (nothing
                is recorded), as well as what :meth:`submit` raises.
        """
        check_new_secret(secret)
        hashed = self.hasher.hash(secret)  # slow, and may fail: before anything is recorded
        person = str(proposed["person"])
        enrolled: list[Receipt] = []

        def enrol(session: Session) -> None:
            enrolled.append(self._enrol(session, person, hashed, auth.actor or person))

        receipt = self.submit(slug, proposed, auth, then=enrol)
        return receipt, (enrolled[0] if enrolled else None)

    def _enrol(self, session: Session, person: str, hashed: str, actor: str | None) -> Receipt:
        """Record a PIN set in ``session`` and store its hash, if ID-RESET allows."""
        now = self.clock.now()
        projection = self.group.current(session).projection  # with this group's changes
        if projection.person(person) is None:
            raise NotFound(f"there is no person {person!r} on this production")
        proposed: dict[str, Any] = {
            "type": "CredentialEnrolled",
            "actor": actor,
            "person": person,
            "kind": "pin",
            "reset": False,
        }
        record = credential_record(projection.record(f"credential:{person}"))
        proposed["reset"] = record["reset_approved"]
        findings = _ID_RESET.check(projection, {**proposed, "at": ""}, projection.policy())
        if findings:
            refusal = {
                "type": "AttemptRefused",
                "actor": actor,
                "attempted": {**proposed, "at": format_time(now)},
                "rules": [_ID_RESET.id],
                "reasons": [f.message for f in findings],
            }
            return self._append_own(session, [refusal], now, findings)
        receipt = self._append_own(session, [proposed], now)
        self.confirmations.close(session.slug, person)
        session.set_credential(person, hashed)
        session.revoke_logins(person, format_time(now))
        return receipt

    def _check_login(self, session: CredentialSession, principal: Principal, now: datetime) -> None:
        # A session or token revoked (or expired) after the request was authenticated
        # stops here, inside the transaction that would act on it.
        check_still_valid(session, principal, now)


_ID_RESET = IdReset()


def _noting(receipt: Receipt, notice: str | None) -> Receipt:
    """The receipt with a service notice (a day closed unwitnessed), unless it was refused."""
    if notice is None or receipt.refused:
        return receipt
    return replace(receipt, notices=(*receipt.notices, notice))


def _check_day_close(group: Group, event: dict[str, Any]) -> str | None:
    """check_day_close against the ledger as it stands: a day close first appends what the
    group holds so far (its own checkpoint), so the witnesses' lag is counted right."""
    if event.get("type") == "DayClosed":
        group.flush()
    return check_day_close(group.session, event)


def _with_assurance(event: dict[str, Any], assurance: Mapping[str, str]) -> dict[str, Any]:
    """``event`` saying how each confirming person's part was proven (never from a request)."""
    event.pop("assurance", None)
    if assurance:
        event["assurance"] = dict(sorted(assurance.items()))
    return event


def _person(session: ProjectionSession, person: str) -> Mapping[str, Any] | None:
    """One person's record, read alone (authentication needs nobody else's)."""
    record: Mapping[str, Any] | None = session.record(record_key("person", person))
    return record


def _roles(person: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """The roles in a person's record; None without a record (not a member)."""
    return None if person is None else tuple(person["roles"])


def _compare_projection(rebuilt: dict[str, Any], stored: dict[str, Any]) -> None:
    for key in sorted(set(rebuilt) | set(stored)):
        if rebuilt.get(key) != stored.get(key):
            raise VerifyFailed(
                f"the stored projection record {key!r} differs from a rebuild from the ledger"
            )


#: The PIN hasher :func:`build_app` wires in when it is handed none: argon2id at OWASP's
#: parameters. Only the test suite replaces it, with a cheaper argon2id (tests/conftest.py).
DEFAULT_PIN_HASHER: PinHasher = OWASP_ARGON2ID


def build_app(
    db: str,
    *,
    key_dir: Path | None = None,
    clock: Clock | None = None,
    keyring: Keyring | None = None,
    create: bool = True,
    hasher: PinHasher | None = None,
    documents: Path | None = None,
) -> App:
    """Wire a store, a keyring, a clock, a PIN hasher and the documents into an :class:`App`.

    With ``create`` False, a database that does not exist yet is an error
    (``StoreUnavailable``) rather than a new empty file. Without ``hasher``, PINs
    are hashed with :data:`DEFAULT_PIN_HASHER`. Documents are kept in ``documents``,
    by default beside a SQLite file (``<file>.documents/``); PostgreSQL has no default.
    """
    store = open_store(db, create=create)
    return App(
        store,
        keyring or FileKeyring(key_dir),
        clock or SystemClock(),
        hasher or DEFAULT_PIN_HASHER,
        _document_store(db, documents),
    )


def _document_store(db: str, directory: Path | None) -> DocumentStore:
    """Where documents are kept: ``directory``, or beside a SQLite database file."""
    if directory is not None:
        return DocumentStore(directory)
    if db.startswith(("postgresql://", "postgres://")):
        return DocumentStore(
            None,
            unavailable="documents of a PostgreSQL database need a directory of their own: "
            "give --documents DIR (or set SHOWCLEAR_DOCUMENTS), or build_app(documents=...)",
        )
    path = db.removeprefix("sqlite:///")
    if path == ":memory:":
        return DocumentStore(
            None, unavailable="an in-memory database keeps no documents: give --documents DIR"
        )
    return DocumentStore(Path(f"{path}.documents"))


def _cosigned(session: Session) -> Callable[[int, str], str] | None:
    """Adds the stored cosignatures to a checkpoint's note; None if no witness was asked."""
    if not session.witness_states():
        return None
    return lambda size, note: with_cosignatures(session, size, note)
