"""Mirrors: a production's ledger kept current on another server, verified before storing.

A production is written in one place (a set laptop on SQLite, often offline); the studio
keeps a **mirror** of it (issue 18, docs/sync.md). A mirror is a production with a
``mirrors`` row: its entries, tree nodes and checkpoints are exactly the writer's bytes and
notes, signed by the production's key and never re-signed here.

The writer sends what the mirror lacks in batches (:mod:`showclear.service.sync`). The
mirror checks a batch before anything is stored, in one transaction (:func:`receive_batch`):

1. the upload token is the mirror's (only its SHA-256 is kept);
2. the batch starts at the size held, or inside what is held with the same bytes
   (a batch sent again changes nothing); past it, a gap, answered with the size held;
3. every checkpoint note is signed by the production's key (C2SP signed note, Ed25519)
   and is a C2SP tlog-checkpoint of the production's origin;
4. the RFC 9162 root recomputed from the held tree and the new entries equals each
   checkpoint's root, so the new checkpoint extends the held one; a checkpoint at a size
   held with another root, or one the entries do not reach, is a **fork**: refused, nothing
   stored, both notes kept in ``mirror_forks`` as evidence;
5. every entry is canonical JSON and replays into the mirror's projection, as
   ``showclear repair projection`` replays a recorded ledger.

The decoded projection is kept between batches, per mirror, tagged with the size it
reflects (as the group commit keeps a writer's, :mod:`showclear.service.group`): inside the
batch's write transaction the stored size is compared with it, and only an equal size
reuses it; anything else (another studio server stored a batch, a promote) decodes the
stored one again. A batch takes the kept projection out before it begins and puts it back
only once its transaction committed, so a refused or failed batch never leaves a
half-replayed projection behind. Without it each batch decoded the whole state.

The mirror then cosigns the checkpoint it holds as a witness would (C2SP
tlog-cosignature, the studio's witness key in the key directory), so a set syncing once a
day still has its history pinned outside the set; and the commit listeners hear of it, so
the studio server's witness submitter sends the new checkpoint to the witnesses the
mirror's replicated policy lists (:mod:`showclear.service.witnessing`), as for a commit.
Every command sent to a mirror is refused with :class:`MirrorReadOnly`, naming where the
production is written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from showclear.errors import ErrorKind
from showclear.ledger import (
    Checkpoint,
    CompactRange,
    Ed25519Verifier,
    LedgerError,
    leaf_hash,
    open_checkpoint,
    parse_entry,
    tree_root,
)
from showclear.ledger.cosignature import Cosigner
from showclear.protocol import Projection, ProtocolError, apply
from showclear.protocol.time import format_time, parse_time
from showclear.service.clock import Clock
from showclear.service.commands import load_projection, stored_changes
from showclear.service.errors import AuthError, BadRequest, NotFound, ServiceError
from showclear.service.keys import Keyring, write_atomically
from showclear.service.promote import promoted_at
from showclear.store import EntryRow, ProductionInfo, ProductionNotFound, Session, Store
from showclear.store.base import MirrorForkRow, MirrorRow, MirrorSession


class MirrorHost(Protocol):
    """What mirrors need of the application (:class:`showclear.service.App`)."""

    store: Store
    clock: Clock
    keyring: Keyring
    #: Told the slug once a batch stored entries (the studio server's witness submitter).
    commit_listeners: list[Callable[[str], None]]


__all__ = [
    "MIRROR_HEADER",
    "Accepted",
    "Batch",
    "MirrorAdded",
    "MirrorBatchInvalid",
    "MirrorBehind",
    "MirrorFork",
    "MirrorGap",
    "MirrorHost",
    "MirrorReadOnly",
    "MirrorState",
    "MirrorStatus",
    "add_mirror",
    "check_writable",
    "cosign_held",
    "freshness",
    "freshness_header",
    "known_writer",
    "mirror_forks",
    "mirror_state",
    "mirror_status",
    "receive_batch",
    "refuse_writes",
    "studio_cosigner",
]

#: The response header of every read a mirror answers: ``as-of=<size>; synced=<time>``.
MIRROR_HEADER = "Showclear-Mirror"
#: The studio's witness key file in the key directory (made by ``showclear mirror add``).
COSIGNER_FILE = "mirror-witness.key"
#: Its name when ``mirror add`` makes it and none is given.
DEFAULT_COSIGNER_NAME = "showclear-studio-mirror"


class MirrorReadOnly(ServiceError):
    """A command sent to a mirror: the production is written elsewhere (its ``source``)."""

    kind = ErrorKind.CONFLICT

    def __init__(self, slug: str, source: str) -> None:
        where = "on the set's own server" if source == "set" else f"at {source}"
        super().__init__(
            f"{slug!r} here is a read-only mirror: nothing was recorded. The production is "
            f"written {where}; send the command there (a mirror only receives the writer's "
            "entries by sync)"
        )
        self.source = source


class MirrorGap(ServiceError):
    """A batch that starts past the size the mirror holds; ``held_size`` says where to resume."""

    kind = ErrorKind.CONFLICT

    def __init__(self, slug: str, start: int, held_size: int) -> None:
        super().__init__(
            f"the mirror of {slug!r} holds {held_size} entries; a batch from {start} leaves "
            f"a gap: nothing was stored. Send again from entry {held_size}"
        )
        self.held_size = held_size


class MirrorFork(ServiceError):
    """A batch whose checkpoints do not extend what the mirror holds: refused, kept."""

    kind = ErrorKind.CONFLICT


class MirrorBehind(ServiceError):
    """A checkpoint past what the mirror holds: it is cosigned once the writer syncs it."""

    kind = ErrorKind.UNAVAILABLE


class MirrorBatchInvalid(ServiceError):
    """A batch that is malformed, not signed by the production's key, or not its events."""

    kind = ErrorKind.BAD_REQUEST


@dataclass(frozen=True, slots=True)
class MirrorStatus:
    """One mirror: where its production is written, how fresh it is, forks refused."""

    production: str
    source: str
    synced_at: str | None
    synced_size: int
    forks: int

    def to_json(self) -> dict[str, Any]:
        return {
            "production": self.production,
            "source": self.source,
            "synced_at": self.synced_at,
            "synced_size": self.synced_size,
            "forks": self.forks,
        }


@dataclass(frozen=True, slots=True)
class MirrorAdded:
    """A new, empty mirror and its upload token (shown once; only its hash is kept)."""

    production: ProductionInfo
    token: str
    witness_key: str | None  # the studio's cosigner verifier key, for the set's policy


@dataclass(frozen=True, slots=True)
class MirrorState:
    """What a mirror holds: its size and the checkpoint note at that size (None when empty)."""

    size: int
    checkpoint: str | None

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "checkpoint": self.checkpoint}


@dataclass(frozen=True, slots=True)
class Batch:
    """Entries from index ``start`` and the writer's checkpoints of sizes within the batch."""

    start: int
    entries: tuple[bytes, ...]
    checkpoints: tuple[str, ...]

    @classmethod
    def from_json(cls, body: Any) -> Batch:
        """A batch from ``{"from", "entries": [base64...], "checkpoints": [note...]}``.

        Raises:
            MirrorBatchInvalid: a field missing or of the wrong type, an entry not base64.
        """
        if not isinstance(body, dict):
            raise MirrorBatchInvalid("a batch is a JSON object with from, entries, checkpoints")
        start, entries, notes = body.get("from"), body.get("entries"), body.get("checkpoints")
        if type(start) is not int or start < 0:
            raise MirrorBatchInvalid(f"from must be an entry index (0 or more), not {start!r}")
        if not isinstance(entries, list) or not isinstance(notes, list):
            raise MirrorBatchInvalid("entries and checkpoints must be lists")
        data = []
        for i, text in enumerate(entries):
            try:
                data.append(base64.b64decode(text, validate=True))
            except (TypeError, ValueError, binascii.Error) as e:
                raise MirrorBatchInvalid(f"entry {start + i} is not base64: {e}") from e
        if not all(isinstance(n, str) for n in notes):
            raise MirrorBatchInvalid("every checkpoint is a signed note as text")
        return cls(start, tuple(data), tuple(notes))

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "entries": [base64.b64encode(d).decode() for d in self.entries],
            "checkpoints": list(self.checkpoints),
        }


@dataclass(frozen=True, slots=True)
class Accepted:
    """A batch's answer: the size and checkpoint held now, the studio's cosignature of it."""

    size: int
    checkpoint: str | None
    stored: int  # how many entries this batch added (0 when sent again)
    cosignature: str | None  # a tlog-cosignature/v1 line, without its newline

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "checkpoint": self.checkpoint,
            "stored": self.stored,
            "cosignature": self.cosignature,
        }


@dataclass(slots=True)
class _Kept:
    """A mirror's decoded projection as of ``size`` entries (None: decode the stored one)."""

    size: int = -1
    projection: Projection | None = None


#: Each App's kept mirror projections, by slug; a batch owns its entry while it runs.
_KEPT: weakref.WeakKeyDictionary[MirrorHost, dict[str, _Kept]] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def _take_kept(app: MirrorHost, slug: str) -> _Kept:
    with _KEPT_LOCK:
        return _KEPT.setdefault(app, {}).pop(slug, None) or _Kept()


def _put_kept(app: MirrorHost, slug: str, kept: _Kept) -> None:
    if kept.projection is not None:
        with _KEPT_LOCK:
            _KEPT.setdefault(app, {})[slug] = kept


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


# -- the studio's witness key ------------------------------------------------------------


def _key_directory(app: MirrorHost) -> Path | None:
    directory = getattr(app.keyring, "directory", None)
    return directory if isinstance(directory, Path) else None


def studio_cosigner(app: MirrorHost, *, create_as: str | None = None) -> Cosigner | None:
    """The studio's witness key in the key directory; made as ``create_as`` if asked.

    None when the keyring has no directory (keys in memory) or no key was made yet.

    Raises:
        LedgerError: the key file is not a witness private key.
    """
    directory = _key_directory(app)
    if directory is None:
        return None
    path = directory / COSIGNER_FILE
    if path.exists():
        return Cosigner.from_private_key_string(path.read_text(encoding="ascii"))
    if create_as is None:
        return None
    cosigner = Cosigner.generate(create_as)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(
        path, (cosigner.private_key_string() + "\n").encode("ascii"), what="the witness key"
    )
    os.chmod(path, 0o600)
    return cosigner


# -- the studio side: making a mirror, its status ----------------------------------------


def add_mirror(
    app: MirrorHost,
    slug: str,
    *,
    name: str,
    origin: str,
    verifier_key: str,
    source: str = "set",
    witness_name: str | None = None,
) -> MirrorAdded:
    """Make an empty mirror of a production written elsewhere, and its upload token.

    ``verifier_key`` is the production's key, given out of band: every checkpoint the
    mirror receives is checked against it.

    Raises:
        BadRequest: the key is malformed or not named ``origin``; the slug or origin is taken.
    """
    try:
        verifier = Ed25519Verifier.from_verifier_key(verifier_key)
    except LedgerError as e:
        raise BadRequest(f"--key {verifier_key!r} is not a production's verifier key: {e}") from e
    if verifier.name != origin:
        raise BadRequest(
            f"the key is named {verifier.name!r}, but the origin is {origin!r}: a production's "
            "checkpoints are signed by a key named as its origin; give the origin the set's "
            "`showclear checkpoint` prints on its first line"
        )
    if any(p.slug == slug or p.origin == origin for p in app.store.productions()):
        raise BadRequest(f"a production with slug {slug!r} or origin {origin!r} is here already")
    cosigner = studio_cosigner(app, create_as=witness_name or DEFAULT_COSIGNER_NAME)
    token = f"scm_{slug}_{secrets.token_urlsafe(32)}"
    now = format_time(app.clock.now())
    info = ProductionInfo(slug, name, origin, verifier.verifier_key(), 0, now)
    with app.store.create_production(info) as session:
        session.add_mirror(MirrorRow(source, None, 0, now, _token_hash(token)))
    return MirrorAdded(info, token, cosigner.verifier_key if cosigner else None)


#: The productions each App has seen to be writers here. A writer never becomes a mirror
#: (only a mirror becomes the writer, by promote), so this is never stale in a harmful way.
_WRITERS: weakref.WeakKeyDictionary[MirrorHost, set[str]] = weakref.WeakKeyDictionary()


def known_writer(app: MirrorHost, slug: str) -> bool:
    """Whether ``slug`` was seen to be written here (then it is no mirror: no read needed)."""
    return slug in _WRITERS.get(app, ())


def mirror_status(app: MirrorHost, slug: str) -> MirrorStatus | None:
    """The production's mirror status, or None when this database is its writer.

    A production seen to be a writer is not read again (a writer never becomes a mirror).

    Raises:
        ProductionNotFound: no production ``slug`` here.
    """
    known = _WRITERS.setdefault(app, set())
    if slug in known:
        return None
    with app.store.read(slug) as session:
        status = _status(session)
    if status is None:
        known.add(slug)
    return status


def _status(session: MirrorSession) -> MirrorStatus | None:
    row = session.mirror()
    if row is None:
        return None
    forks = len(session.mirror_forks())
    return MirrorStatus(session.slug, row.source, row.synced_at, row.synced_size, forks)


def mirror_forks(app: MirrorHost, slug: str) -> list[MirrorForkRow]:
    """Every fork the mirror of ``slug`` refused, oldest first (none for a writer)."""
    with app.store.read(slug) as session:
        return session.mirror_forks()


def refuse_writes(session: MirrorSession) -> None:
    """Raise :class:`MirrorReadOnly` if the session's production is a mirror."""
    row = session.mirror()
    if row is not None:
        raise MirrorReadOnly(session.slug, row.source)


def check_writable(app: MirrorHost, slug: str) -> None:
    """Refuse a command before it is queued if ``slug`` is a mirror here (read once per writer).

    Raises:
        MirrorReadOnly: ``slug`` is a mirror; the production is written at its ``source``.
    """
    try:
        status = mirror_status(app, slug)
    except ProductionNotFound:
        return  # the command says so itself, as before
    if status is not None:
        raise MirrorReadOnly(slug, status.source)


def freshness(status: MirrorStatus, now: datetime) -> str:
    """How fresh a mirror is, in words: ``as of entry 4,812, synced 14 min ago``."""
    if status.synced_at is None:
        return "a mirror, not synced yet"
    minutes = max(0, int((now - parse_time(status.synced_at)).total_seconds() // 60))
    if minutes < 1:
        ago = "just now"
    elif minutes < 120:
        ago = f"{minutes} min ago"
    elif minutes < 48 * 60:
        ago = f"{minutes // 60} h ago"
    else:
        ago = f"{minutes // (24 * 60)} days ago"
    return f"as of entry {status.synced_size:,}, synced {ago}"


def freshness_header(status: MirrorStatus) -> str:
    """The ``Showclear-Mirror`` header's value: ``as-of=<size>; synced=<time or never>``."""
    return f"as-of={status.synced_size}; synced={status.synced_at or 'never'}"


# -- receiving a batch -------------------------------------------------------------------


def _check_token(slug: str, row: MirrorRow | None, token: str | None) -> MirrorRow:
    if row is None:
        raise NotFound(f"{slug!r} is not a mirror here: make it with showclear mirror add")
    if not token or not hmac.compare_digest(_token_hash(token), row.upload_token_hash):
        raise AuthError(
            f"that is not the upload token of the mirror of {slug!r}: use the token "
            "`showclear mirror add` printed on the studio server"
        )
    return row


def mirror_state(app: MirrorHost, slug: str, token: str | None) -> MirrorState:
    """The size and checkpoint the mirror holds, for its upload token's holder.

    Raises:
        NotFound: no mirror ``slug`` here.
        AuthError: not its upload token.
    """
    with app.store.read(slug) as session:
        if _promoted_here(session) is None:  # promoted: its checkpoint is no secret
            _check_token(slug, session.mirror(), token)
        return _held(session)


def _promoted_here(session: Session) -> int | None:
    """The entry from which a production promoted here is written here (no mirror row)."""
    return promoted_at(session) if session.mirror() is None else None


def _held(session: Session) -> MirrorState:
    size = session.size()
    return MirrorState(size, session.checkpoint(size)[1] if size else None)


def _body(note: str) -> str:
    """A signed note's text: everything before the blank line and the signatures."""
    return note[: note.rfind("\n\n") + 1]


def _open(notes: tuple[str, ...], key: Ed25519Verifier) -> list[tuple[Checkpoint, str]]:
    """3. Each note signed by the production's key, a checkpoint of its origin."""
    opened = []
    for note in notes:
        try:
            opened.append((open_checkpoint(note, key), note))
        except LedgerError as e:
            raise MirrorBatchInvalid(
                f"a checkpoint of the batch is not signed by the production's key: {e}. "
                "Nothing was stored"
            ) from e
    return opened


def receive_batch(app: MirrorHost, slug: str, token: str | None, batch: Batch) -> Accepted:
    """Check a batch from the production's writer and store it, or refuse it whole.

    Raises:
        NotFound: no mirror ``slug`` here.
        AuthError: not its upload token.
        MirrorGap: the batch starts past the size held (``held_size`` says where).
        MirrorFork: it does not extend what is held; the notes were kept as evidence.
        MirrorBatchInvalid: malformed, unsigned, or entries that are not its events.
    """
    now = app.clock.now()
    fork: MirrorFork | None = None
    kept = _take_kept(app, slug)  # put back below only once the transaction committed
    with app.store.write(slug) as session:
        promoted = _promoted_here(session)
        if promoted is None:
            _check_token(slug, session.mirror(), token)  # 1.
        elif not batch.checkpoints:
            # The upload token went with the mirror row: the old writer's key signs instead.
            raise MirrorBatchInvalid(
                f"{slug!r} is written here since entry {promoted:,}: a batch sent to it must "
                "carry the sender's checkpoints, signed by the production's key"
            )
        stored = _verify_and_store(session, batch, format_time(now), kept)
        if isinstance(stored, MirrorFork):
            fork, stored = stored, 0  # the evidence commits with this transaction
        held = _held(session)
    if fork is None:
        _put_kept(app, slug, kept)
    if stored:
        # The mirror's new checkpoint goes to the witnesses its replicated policy lists, as
        # a commit's does (the server's WitnessSubmitter), not only at its next sweep.
        for listener in app.commit_listeners:
            listener(slug)
    if fork is not None and promoted is not None:
        raise MirrorFork(
            f"refused: {slug!r} is written here since entry {promoted:,} (showclear promote); "
            "the server sending this is no longer its writer, and what it recorded after that "
            "is a fork, its checkpoints kept here as evidence (table mirror_forks). Stop "
            "writing there "
            "and send its people here (docs/deploy.md, 'Promote a mirror')"
        )
    if fork is not None:
        raise fork
    return Accepted(held.size, held.checkpoint, stored, _cosign(app, held, now))


def _verify_and_store(session: Session, batch: Batch, now: str, kept: _Kept) -> int | MirrorFork:
    """Steps 2 to 5, then store; a fork is kept as evidence and returned, not raised.

    ``kept`` is the projection kept from the last batch: used if it is as of the size held,
    and left as of the size stored once this batch is (its caller keeps it on commit).
    """
    info = session.production()
    held = info.size
    start, entries = batch.start, list(batch.entries)
    end = start + len(entries)
    # 2. Where the batch starts: at the size held, or inside it with the same bytes.
    if start > held:
        raise MirrorGap(info.slug, start, held)
    opened = _open(batch.checkpoints, Ed25519Verifier.from_verifier_key(info.verifier_key))
    sizes = [c.size for c, _ in opened]
    if sizes != sorted(set(sizes)) or any(not start <= s <= end for s in sizes):
        raise MirrorBatchInvalid(
            f"the batch's checkpoints (sizes {sizes}) must grow and lie within entries "
            f"{start} to {end}; nothing was stored"
        )
    if end > held and (not sizes or sizes[-1] != end):
        raise MirrorBatchInvalid(
            f"the batch ends at {end} entries without the checkpoint of that size: a batch "
            "ends at a checkpoint, so that it can be verified; nothing was stored"
        )
    for offset, row in enumerate(session.entries(start, min(end, held))):
        if row.data != entries[offset]:
            return _refuse(
                session,
                now,
                opened[-1][1] if opened else "",
                f"entry {row.index} differs from the one held",
            )
    # 4. Checkpoints at sizes already held must have the held root (else: two signed roots).
    for checkpoint, note in opened:
        at_held = 0 < checkpoint.size <= held
        if at_held and tree_root(checkpoint.size, session) != checkpoint.root:
            return _refuse(
                session,
                now,
                note,
                f"a checkpoint at size {checkpoint.size} with another root than the one held",
            )
    new = entries[held - start :]
    if not new:
        return 0  # sent again: nothing changes
    # 4. The root from the held tree plus the new entries, at each new checkpoint.
    edge = CompactRange(held, session.nodes(CompactRange.peak_coords(held)))
    rows: list[EntryRow] = []
    nodes: list[tuple[int, int, bytes]] = []
    roots: dict[int, bytes] = {}
    for data in new:
        leaf = leaf_hash(data)
        made = edge.append(leaf)
        rows.append(EntryRow(made[0][1], data, leaf))
        nodes += made[1:]
        roots[edge.size] = edge.root()
    for checkpoint, note in opened:
        if checkpoint.size > held and roots[checkpoint.size] != checkpoint.root:
            return _refuse(
                session,
                now,
                note,
                f"the entries sent do not hash to the signed root of size {checkpoint.size}: "
                "they are not the entries the production's key signed after the ones held "
                "(a forged entry, or a forked history)",
            )
    # 5. Every entry is canonical JSON and replays into the mirror's projection.
    if kept.projection is None or kept.size != held:
        kept.projection = load_projection(session)  # another writer of this table, or none kept
    projection, kept.projection = kept.projection, None  # half replayed if this raises
    changed: set[str] = set()
    for row in rows:
        changed |= _replay(projection, row, info if row.index == 0 else None)
    # Everything checked: store it all in this one transaction.
    session.add_entries(rows)
    if nodes:
        session.add_nodes(nodes)
    for checkpoint, note in opened:
        if checkpoint.size > held:
            session.add_checkpoint(checkpoint.size, note)
    session.set_size(end)
    session.put_projection(stored_changes(projection, changed))
    session.set_mirror_synced(now, end)
    kept.size, kept.projection = end, projection
    if held == 0:
        first = parse_entry(rows[0].data)
        assert isinstance(first, dict)  # _replay checked it
        session.set_mirrored_identity(str(first["production"]), str(first["at"]))
    return len(rows)


def _replay(projection: Projection, row: EntryRow, info: ProductionInfo | None) -> set[str]:
    """Fold one entry into the projection; entry 0 must name the production's key and origin."""
    try:
        event = parse_entry(row.data)
        if not isinstance(event, dict):
            raise ValueError("an entry is a JSON object")
        if info is not None:
            _check_first(event, info)
        return apply(projection, event)
    except (LedgerError, ProtocolError, KeyError, TypeError, ValueError) as e:
        raise MirrorBatchInvalid(
            f"entry {row.index} is not an event of the catalogue this mirror can replay ({e}); "
            "nothing was stored"
        ) from e


def _check_first(event: dict[str, Any], info: ProductionInfo) -> None:
    """Entry 0 is the production's creation, naming the key and origin the mirror holds."""
    stated = {"type": "ProductionCreated", "public_key": info.verifier_key, "origin": info.origin}
    for key, value in stated.items():
        if event.get(key) != value:
            raise ValueError(f"entry 0 gives {key} {event.get(key)!r}, not {value!r}")
    if event.get("slug", info.slug) != info.slug:
        raise ValueError(f"entry 0 names the slug {event.get('slug')!r}, not {info.slug!r}")
    if not isinstance(event.get("production"), str) or not isinstance(event.get("at"), str):
        raise ValueError("entry 0 names no production or time")


def _refuse(session: Session, now: str, offered: str, detail: str) -> MirrorFork:
    """Keep both notes as evidence of a fork; the refusal to raise once that is committed."""
    size = session.size()
    held_note = session.checkpoint(size)[1] if size else ""
    session.add_mirror_fork(MirrorForkRow(now, held_note, offered, detail))
    return MirrorFork(
        f"refused: {detail}. The mirror of {session.slug!r} holds {size} entries and keeps "
        "both checkpoints as evidence of a fork (showclear mirror status); nothing was "
        "stored. The production's history was rewritten or forked: stop and compare the "
        "set's database with the studio's"
    )


def _cosign(app: MirrorHost, held: MirrorState, now: datetime) -> str | None:
    """The studio's cosignature of the held checkpoint (C2SP tlog-cosignature), if it has a key."""
    if held.checkpoint is None:
        return None
    try:
        cosigner = studio_cosigner(app)
    except (LedgerError, OSError):
        return None
    if cosigner is None:
        return None
    return cosigner.cosign(_body(held.checkpoint), max(1, int(now.timestamp()))).rstrip("\n")


# -- the mirror as a witness (C2SP tlog-witness add-checkpoint) --------------------------


def cosign_held(app: MirrorHost, slug: str, body: bytes) -> str:
    """Cosign a writer's checkpoint the mirror holds the entries of (tlog-witness request).

    The mirror keeps no witness state of its own: it cosigns a checkpoint only if it holds
    its entries and they have its root, so everything it cosigns is a prefix of one
    history (what it holds), whatever the request's ``old`` line and proof say.

    Raises:
        MirrorBatchInvalid: the request is not an add-checkpoint body (answered 400).
        NotFound: no mirror ``slug``, its origin is another, or the studio has no key.
        AuthError: not signed by the production's key (a 403 in tlog-witness terms).
        MirrorBehind: a size past what the mirror holds: synced later (503).
        MirrorFork: another root at a size held; both notes are kept as evidence.
    """
    text = body.decode("utf-8", "replace")
    _, blank, note = text.partition("\n\n")
    if not blank or not text.startswith("old ") or not note:
        raise MirrorBatchInvalid(
            "an add-checkpoint body is 'old N', proof lines, a blank line, a note"
        )
    now = format_time(app.clock.now())
    fork: MirrorFork | None = None
    with app.store.write(slug) as session:
        if session.mirror() is None:
            raise NotFound(f"{slug!r} is not a mirror here")
        info = session.production()
        try:
            checkpoint = open_checkpoint(note, Ed25519Verifier.from_verifier_key(info.verifier_key))
        except LedgerError as e:
            raise AuthError(f"not a checkpoint signed by the key of {info.origin}: {e}") from e
        held = session.size()
        if checkpoint.size > held:
            raise MirrorBehind(
                f"the mirror of {slug!r} holds {held} entries, not the {checkpoint.size} of this "
                "checkpoint: it cosigns it once the writer syncs them (showclear sync)"
            )
        if checkpoint.size and tree_root(checkpoint.size, session) != checkpoint.root:
            fork = _refuse(
                session,
                now,
                note,
                f"a checkpoint at size {checkpoint.size} asked to be cosigned, with another "
                "root than the one held",
            )
    if fork is not None:
        raise fork
    cosigner = studio_cosigner(app)
    if cosigner is None:
        raise NotFound("this studio server has no witness key (showclear mirror add makes it)")
    return cosigner.cosign(_body(note), max(1, int(app.clock.now().timestamp())))
