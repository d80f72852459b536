"""Promote a studio mirror to be its production's writer, when the set's server is gone.

A production is written in one place; its mirror on the studio server holds exactly
the writer's entries and checkpoints (:mod:`showclear.service.mirrors`). When the set
laptop dies, :func:`promote` makes the mirror the writer, in this order:

1. The production is a mirror here (it has a ``mirrors`` row).
2. The production's key is here: already in the key directory, or imported from its
   backup (``--key FILE``), which must be the production's verifier key's private half.
3. The old writer is gone with nothing the mirror lacks: its last checkpoint, fetched
   from the old writer if it answers, else from the production's witnesses (the C2SP
   tlog-witness monitoring path ``GET <witness>/<sha256(origin)>/checkpoint``), signed by
   the production's key, is exactly the checkpoint the mirror holds (size and root).
4. Otherwise only by an explicit decision: a reason, the safety coordinator and a
   producer (two people of those roles), each confirming with their PIN. The studio
   holds no PIN of the set's people (PINs never leave the database they were set in),
   so each sets here the PIN they will use on the new writer.
5. In one transaction: the ``mirrors`` row goes and a ``WriterPromoted`` entry (and the
   deciders' ``CredentialEnrolled``) is appended and signed by the production's key.

From then on commands are taken here, and a sync from the old writer is refused as a
fork and kept as evidence (:func:`showclear.service.mirrors.receive_batch`).
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from showclear.errors import ErrorKind
from showclear.ledger import (
    Ed25519Signer,
    Ed25519Verifier,
    LedgerError,
    canonical_json,
    open_checkpoint,
)
from showclear.ledger import tree_root as ledger_root
from showclear.protocol import apply, validate_event
from showclear.protocol.catalogue.writer import WRITER_KEY
from showclear.protocol.time import format_time
from showclear.service.auth import PinHasher, check_new_secret, set_secret
from showclear.service.clock import Clock
from showclear.service.commands import load_projection, stored_changes
from showclear.service.errors import AuthError, BadRequest, ServiceError
from showclear.service.keys import CheckpointSigner, Keyring
from showclear.service.ledger import append_entries
from showclear.service.witness_views import policy_of
from showclear.store import Session, Store

__all__ = [
    "Decision",
    "Fetch",
    "PromoteRefused",
    "Promoted",
    "Seen",
    "http_fetch",
    "promote",
    "promoted_at",
]

#: How long to wait for the old writer or a witness to answer.
FETCH_TIMEOUT_SECONDS = 10.0


class PromoteRefused(ServiceError):
    """The mirror cannot be shown to hold everything the old writer wrote; nothing changed."""

    kind = ErrorKind.CONFLICT


class PromoteHost(Protocol):
    """What promote needs of the application (:class:`showclear.service.App`)."""

    store: Store
    clock: Clock
    keyring: Keyring
    hasher: PinHasher


#: GET ``url`` (with a bearer token, if given): the body of a 200, else None.
Fetch = Callable[[str, str | None], str | None]


def http_fetch(url: str, token: str | None) -> str | None:
    """The text at ``url`` over HTTP(S), or None when it does not answer 200."""
    request = urllib.request.Request(url, method="GET")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body: bytes = response.read()
            return body.decode("utf-8") if response.status == 200 else None
    except (OSError, ValueError, urllib.error.URLError):
        return None


@dataclass(frozen=True, slots=True)
class Decision:
    """Promote without the proof: why, and the two people who decide, with their PINs."""

    reason: str
    safety_coordinator: str
    safety_pin: str
    producer: str
    producer_pin: str


@dataclass(frozen=True, slots=True)
class Seen:
    """One place the old writer's last checkpoint was looked for, and what it said."""

    where: str
    size: int | None  # None: no answer, or no valid checkpoint
    detail: str


@dataclass(frozen=True, slots=True)
class Promoted:
    """The production is written here now, from entry ``size`` (the WriterPromoted entry)."""

    slug: str
    size: int
    check: str  # "matched" or "decided"
    seen: tuple[Seen, ...]


def promoted_at(session: Session) -> int | None:
    """The size at which this database became the production's writer, or None."""
    record = session.record(WRITER_KEY)
    return int(record["size"]) if isinstance(record, dict) else None


def _origin_hash(origin: str) -> str:
    # The C2SP tlog-witness monitoring prefix's path: lowercase hex SHA-256 of the origin
    # (showclear.witness.core.origin_hash, a layer above this one).
    return hashlib.sha256(origin.encode()).hexdigest()


def _look(
    where: str,
    url: str,
    verifier: Ed25519Verifier,
    held: tuple[int, bytes],
    *,
    token: str | None,
    fetch: Fetch,
) -> tuple[Seen, bool]:
    """Fetch one checkpoint; (what was seen, whether it is exactly what the mirror holds)."""
    size, root = held
    text = fetch(url, token)
    if text is None:
        return Seen(where, None, f"{where}: no answer from {url}"), False
    try:
        checkpoint = open_checkpoint(text, verifier)
    except LedgerError as e:
        return Seen(where, None, f"{where}: not a checkpoint of the production's key ({e})"), False
    same = checkpoint.size == size and checkpoint.root == root
    state = "is exactly" if same else "is NOT"
    return (
        Seen(
            where,
            checkpoint.size,
            f"{where}: checkpoint of {checkpoint.size:,} entries {state} what the mirror holds "
            f"({size:,} entries)",
        ),
        same,
    )


def _check_old_writer(
    session: Session,
    source: str,
    *,
    writer_url: str | None,
    writer_token: str | None,
    witnesses: tuple[str, ...],
    fetch: Fetch,
) -> tuple[bool, list[Seen]]:
    """Step 3: whether the old writer's last checkpoint is exactly what the mirror holds.

    The witnesses asked are those of the policy the mirror holds, and ``witnesses`` (URLs)
    given besides: one listed after the mirror's last sync is known only to people.
    """
    info = session.production()
    verifier = Ed25519Verifier.from_verifier_key(info.verifier_key)
    held = (info.size, ledger_root(info.size, session))
    seen: list[Seen] = []
    url = writer_url or (source if source.startswith(("http://", "https://")) else None)
    if url is not None:
        where = f"the old writer {url}"
        target = f"{url.rstrip('/')}/productions/{quote(info.slug, safe='')}/ledger/checkpoint"
        found, same = _look(where, target, verifier, held, token=writer_token, fetch=fetch)
        seen.append(found)
        if found.size is not None:
            return same, seen  # it answered: its checkpoint decides
    witnessed: list[bool] = []
    asked = [(f"witness {w.name}", w.url) for w in policy_of(session).witnesses]
    asked += [(f"witness {url}", url) for url in witnesses if url not in {u for _, u in asked}]
    for where, base in asked:
        target = f"{base.rstrip('/')}/{_origin_hash(info.origin)}/checkpoint"
        found, same = _look(where, target, verifier, held, token=None, fetch=fetch)
        seen.append(found)
        if found.size is not None:
            witnessed.append(same)
    return bool(witnessed) and all(witnessed), seen


def _deciders(session: Session, decision: Decision, hasher: PinHasher) -> list[str]:
    """Step 4: two people of the two roles, each with their PIN (set here if none is)."""
    people = {
        "safety_coordinator": decision.safety_coordinator,
        "producer": decision.producer,
    }
    if decision.safety_coordinator == decision.producer:
        raise BadRequest("the safety coordinator and the producer deciding are two people")
    if not decision.reason.strip():
        raise BadRequest("say why the mirror is promoted without the proof (--decide REASON)")
    enrolled: list[str] = []
    pins = {"safety_coordinator": decision.safety_pin, "producer": decision.producer_pin}
    for role, person in people.items():
        record = session.record(f"person:{person}")
        roles = record.get("roles", []) if isinstance(record, dict) else []
        if not isinstance(record, dict) or role not in roles:
            raise BadRequest(
                f"{person!r} is not a {role.replace('_', ' ')} of {session.slug!r}: the "
                "safety coordinator and a producer of the production decide"
            )
        credential = session.credential(person)
        if credential is None:
            check_new_secret(pins[role])
            enrolled.append(person)
        elif not hasher.verify(credential[0], pins[role]):
            raise AuthError(f"wrong PIN for {person}: nothing was changed")
    return enrolled


def _signer(app: PromoteHost, verifier_key: str, key_text: str | None) -> CheckpointSigner:
    """Step 2: the production's key, from the directory or imported from its backup.

    The backup is checked to be the production's key before anything is written: a key
    of another production here must never be replaced, nor a stray file left behind.
    """
    if key_text is None:
        return app.keyring.signer_for(verifier_key)
    try:
        given = Ed25519Signer.from_private_key_string(key_text.strip())
    except (LedgerError, ValueError) as e:
        raise BadRequest(
            f"the file given with --key is not a showclear private key ({e}): give the "
            "production's .key file from the backup of the set's key directory"
        ) from e
    if given.verifier().verifier_key() != verifier_key:
        raise BadRequest(
            f"the key given is {given.verifier().verifier_key()}, not the production's "
            f"key {verifier_key}: nothing was changed. Give the backup of this "
            "production's key"
        )
    return app.keyring.import_key(key_text)


def promote(
    app: PromoteHost,
    slug: str,
    *,
    key_text: str | None = None,
    writer_url: str | None = None,
    writer_token: str | None = None,
    witnesses: tuple[str, ...] = (),
    decision: Decision | None = None,
    fetch: Fetch = http_fetch,
) -> Promoted:
    """Make the mirror of ``slug`` here the production's writer (steps in the module doc).

    Raises:
        BadRequest: not a mirror here; a key that is not the production's; a decision
            naming someone not of the role, one person twice, or a PIN too short.
        KeyFileError: the production's key is not in the key directory and none given.
        PromoteRefused: the old writer's last checkpoint is not shown to be what the
            mirror holds, and no decision was given.
        AuthError: a decider's PIN is wrong.
    """
    with app.store.read(slug) as session:
        row = session.mirror()
        if row is None:
            raise BadRequest(f"{slug!r} is written here already: it is not a mirror")
        info = session.production()
        if info.size == 0:
            raise PromoteRefused(
                f"the mirror of {slug!r} holds no entries yet: sync it from the set first"
            )
        matched, seen = _check_old_writer(
            session,
            row.source,
            writer_url=writer_url,
            writer_token=writer_token,
            witnesses=witnesses,
            fetch=fetch,
        )
    signer = _signer(app, info.verifier_key, key_text)
    if not matched and decision is None:
        looked = "; ".join(s.detail for s in seen) or "no writer URL and no witnesses to ask"
        raise PromoteRefused(
            f"the mirror of {slug!r} holds {info.size:,} entries, but the old writer's last "
            f"checkpoint is not shown to be exactly that ({looked}). Nothing was changed. "
            "Sync the mirror from the set if it still runs, or, if it is gone for good, "
            "decide: --decide REASON with the safety coordinator and a producer "
            "(docs/deploy.md, 'Promote a mirror')"
        )
    now = app.clock.now()
    with app.store.write(slug) as session:
        if session.mirror() is None or session.size() != info.size:
            raise PromoteRefused(
                f"the mirror of {slug!r} changed while it was checked (a sync arrived): "
                "nothing was changed; run promote again"
            )
        event: dict[str, Any] = {
            "type": "WriterPromoted",
            "at": format_time(now),
            "actor": None,
            "previous": row.source,
            "size": info.size,
            "root": base64.b64encode(ledger_root(info.size, session)).decode(),
            "check": "matched" if matched else "decided",
            "evidence": "; ".join(s.detail for s in seen) or "nobody to ask",
        }
        events = [event]
        enrolled: list[str] = []
        if not matched and decision is not None:
            enrolled = _deciders(session, decision, app.hasher)
            event |= {
                "reason": decision.reason,
                "safety_coordinator": decision.safety_coordinator,
                "producer": decision.producer,
            }
            events += [
                {
                    "type": "CredentialEnrolled",
                    "at": format_time(now),
                    "actor": person,
                    "person": person,
                    "kind": "pin",
                    "reset": False,
                }
                for person in enrolled
            ]
        session.remove_mirror()
        projection = load_projection(session)
        changed: set[str] = set()
        for item in events:
            validate_event(item)
            changed |= apply(projection, item)
        session.put_projection(stored_changes(projection, changed))
        append_entries(session, signer, [canonical_json(item) for item in events])
        if decision is not None:
            pins = {decision.safety_coordinator: decision.safety_pin}
            pins[decision.producer] = decision.producer_pin
            for person in enrolled:
                set_secret(session, person, pins[person], app.hasher)
    return Promoted(slug, info.size, event["check"], tuple(seen))
