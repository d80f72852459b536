"""Sync from the writer: send the studio's mirror what it lacks, in batches (issue 18).

The writer of a production (the set laptop) asks the mirror what it holds
(``GET /mirror/{slug}/state``), then sends the entries and checkpoints after it
(``POST /mirror/{slug}/entries``) in batches that each end at a checkpoint, so that each
can be verified alone (:mod:`showclear.service.mirrors` says what the studio checks). Every
run starts by asking the state, so a run cut anywhere (the network, the studio restarted)
resumes where the studio is; a batch sent twice changes nothing there.

The studio's answer carries its cosignature of the checkpoint it now holds (C2SP
tlog-cosignature). Where the production's policy lists the studio as a witness, the
cosignature is checked against the key the policy pins and stored like any witness's, so
the set's history is pinned outside the set even if it syncs once a day.

Where to sync (the studio's URL and the upload token) can be saved per production in the
key directory (``sync/<slug>.json``, readable by its owner only); ``showclear serve`` then
syncs in a background thread (:class:`SyncRunner`) whenever the studio answers, with
backoff when it does not, never holding up a command.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import quote

from showclear.errors import ErrorKind
from showclear.ledger import Checkpoint, LedgerError
from showclear.ledger.cosignature import CosignatureVerifier, add_cosignatures, cosignatures_in
from showclear.protocol.time import format_time
from showclear.service.errors import BadRequest, ServiceError
from showclear.service.keys import write_atomically
from showclear.service.mirrors import Batch
from showclear.service.witness_views import policy_of
from showclear.store import Session, StoreError, WitnessStateRow

if TYPE_CHECKING:
    from showclear.service.app import App

__all__ = [
    "DEFAULT_BATCH",
    "HttpStudioClient",
    "StudioAnswer",
    "StudioClient",
    "SyncFailed",
    "SyncProgress",
    "SyncResult",
    "SyncRunner",
    "SyncTarget",
    "load_target",
    "save_target",
    "sync",
]

_log = logging.getLogger("showclear.sync")

#: Entries per batch by default.
DEFAULT_BATCH: Final = 500
#: A batch's entries stay under this many bytes (base64 makes them a third larger), so the
#: request stays under the API's JSON body limit (docs/limits.md); a batch still always
#: reaches its first checkpoint.
MAX_BATCH_BYTES: Final = 150 * 1024
#: How long to wait for the studio to answer one request.
REQUEST_TIMEOUT_SECONDS: Final = 15.0
#: The background sync: how often it looks, and its backoff when the studio is away.
SYNC_EVERY_SECONDS: Final = 30.0
BACKOFF_FIRST_SECONDS: Final = 5.0
MIN_INTERVAL_SECONDS: Final = 1.0
BACKOFF_MAX_SECONDS: Final = 600.0


class SyncFailed(ServiceError):
    """The studio did not answer, or refused what was sent; ``status`` is its HTTP status."""

    kind = ErrorKind.UNAVAILABLE

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class SyncTarget:
    """Where a production syncs to: the studio server's URL and the mirror's upload token."""

    url: str
    token: str


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """After each accepted batch: what the studio holds now, of how many entries here."""

    studio_size: int
    size: int
    sent: int


@dataclass(frozen=True, slots=True)
class SyncResult:
    """A sync run: entries sent, the sizes at the end, whether the studio's cosignature was
    stored (it is, when the policy lists the studio as a witness)."""

    sent: int
    batches: int
    studio_size: int
    size: int
    cosigned: bool


# -- where to sync, saved ----------------------------------------------------------------


def _target_path(app: App, slug: str) -> Path:
    directory = getattr(app.keyring, "directory", None)
    if not isinstance(directory, Path):
        raise BadRequest("these keys are kept in memory: there is no key directory to save in")
    return directory / "sync" / f"{slug}.json"


def load_target(app: App, slug: str) -> SyncTarget | None:
    """The saved studio URL and token of ``slug``, or None if none was saved."""
    try:
        path = _target_path(app, slug)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (BadRequest, OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("url", "token")
    ):
        return None
    return SyncTarget(data["url"], data["token"])


def save_target(app: App, slug: str, target: SyncTarget) -> Path:
    """Save where ``slug`` syncs to, readable by its owner only; return the file.

    Raises:
        BadRequest: the keys are kept in memory (no key directory).
        KeyFileError: the file cannot be written.
    """
    path = _target_path(app, slug)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps({"url": target.url, "token": target.token}, indent=2) + "\n"
    write_atomically(path, data.encode("utf-8"), what="the sync settings")
    os.chmod(path, 0o600)
    return path


# -- talking to the studio ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StudioAnswer:
    """The studio's answer: its HTTP status and JSON body."""

    status: int
    body: dict[str, Any]


class StudioClient(Protocol):
    """How the sync reaches the studio server (HTTP; a test may hand another)."""

    def get(self, url: str, token: str) -> StudioAnswer: ...
    def post(self, url: str, token: str, body: dict[str, Any]) -> StudioAnswer: ...


class HttpStudioClient:
    """The studio over HTTP(S), with the upload token as a bearer token."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def get(self, url: str, token: str) -> StudioAnswer:
        return self._send(urllib.request.Request(url, method="GET"), token)

    def post(self, url: str, token: str, body: dict[str, Any]) -> StudioAnswer:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        return self._send(request, token)

    def _send(self, request: urllib.request.Request, token: str) -> StudioAnswer:
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Accept", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return StudioAnswer(response.status, _json(response.read()))
        except urllib.error.HTTPError as e:
            return StudioAnswer(e.code, _json(e.read()))
        except (OSError, ValueError) as e:  # refused, unreachable, timed out, bad URL
            raise SyncFailed(
                f"the studio at {request.full_url} did not answer ({e}); nothing is lost: "
                "sync again when the network is back"
            ) from e


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {"detail": raw[:200].decode("utf-8", "replace")}
    return value if isinstance(value, dict) else {"detail": str(value)[:200]}


# -- one run -----------------------------------------------------------------------------


def _root(note: str) -> bytes:
    return Checkpoint.parse(note[: note.rfind("\n\n") + 1]).root


def sync(
    app: App,
    slug: str,
    target: SyncTarget,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[SyncProgress], None] | None = None,
    client: StudioClient | None = None,
) -> SyncResult:
    """Send the studio's mirror of ``slug`` every entry and checkpoint it lacks.

    Raises:
        SyncFailed: the studio did not answer, refused the token, or refused a batch
            (a fork: the studio keeps it as evidence); what it holds is then unchanged.
        BadRequest: a batch size below 1.
    """
    if batch < 1:
        raise BadRequest("--batch is a number of entries, 1 or more")
    client = client or HttpStudioClient()
    base = f"{target.url.rstrip('/')}/mirror/{quote(slug, safe='')}"
    state = _answer(client.get(f"{base}/state", target.token), "asking what it holds")
    studio = int(state["size"])
    sent = batches = 0
    cosigned = False
    while True:
        with app.store.read(slug) as session:
            size = session.size()
            if studio >= size:
                own = session.checkpoint(size)[1] if size else None
                held = state.get("checkpoint")
                if studio > size or (own and held and _root(held) != _root(own)):
                    # Our checkpoint at our size: the studio compares it with what it holds
                    # and keeps a fork as evidence (a set restored from an old copy, or two
                    # sets writing one production).
                    check = Batch(size, (), (own,) if own else ())
                    _answer(client.post(f"{base}/entries", target.token, check.to_json()), "")
                    raise SyncFailed(
                        f"the studio holds {studio} entries of {slug!r}, this database {size}: "
                        "this database is behind the studio. Restore the newest backup of the "
                        "set's database (docs/operations.md, 'Restore') before syncing again"
                    )
                return SyncResult(sent, batches, studio, size, cosigned)
            out = _next_batch(session, studio, size, batch)
        answer = client.post(f"{base}/entries", target.token, out.to_json())
        if answer.status == 409 and isinstance(answer.body.get("held_size"), int):
            # A gap: someone else synced, or the studio lost entries. Ask again.
            state = _answer(client.get(f"{base}/state", target.token), "asking what it holds")
            studio = int(state["size"])
            continue
        accepted = _answer(answer, f"sending entries {out.start} to {out.start + len(out.entries)}")
        sent += len(out.entries) if accepted.get("stored") else 0
        batches += 1
        studio = int(accepted["size"])
        state = accepted
        line = accepted.get("cosignature")
        if isinstance(line, str) and accepted.get("checkpoint"):
            cosigned = _store_cosignature(app, slug, studio, line) or cosigned
        if progress is not None:
            progress(SyncProgress(studio, size, sent))


def _answer(answer: StudioAnswer, doing: str) -> dict[str, Any]:
    """The body of a 200, or :class:`SyncFailed` saying what the studio answered."""
    if answer.status == 200:
        return answer.body
    detail = answer.body.get("detail") or answer.body.get("title") or "no reason given"
    what = {
        401: "refused the upload token",
        404: "has no mirror of this production",
        409: "refused the batch",
    }.get(answer.status, f"answered {answer.status}")
    raise SyncFailed(f"the studio {what}{f' ({doing})' if doing else ''}: {detail}", answer.status)


def _next_batch(session: Session, start: int, size: int, limit: int) -> Batch:
    """Entries from ``start`` up to a checkpoint: the last within ``limit`` entries and
    :data:`MAX_BATCH_BYTES`, or the first after ``start`` if even that one is larger."""
    sizes = session.checkpoint_sizes(start, size, limit)
    if not sizes:
        raise SyncFailed(
            f"this database has no checkpoint after entry {start}: run showclear verify"
        )
    reach = [s for s in sizes if s - start <= limit] or sizes[:1]
    entries = [row.data for row in session.entries(start, reach[-1])]
    sent = list(itertools.accumulate((len(data) for data in entries), initial=0))
    end = reach[0]
    for checkpoint in reach[1:]:
        if sent[checkpoint - start] > MAX_BATCH_BYTES:
            break
        end = checkpoint
    notes = tuple(session.checkpoint(s)[1] for s in reach if s <= end)
    return Batch(start, tuple(entries[: end - start]), notes)


def _store_cosignature(app: App, slug: str, size: int, line: str) -> bool:
    """Store the studio's cosignature if the policy lists its key as a witness's."""
    try:
        with app.store.read(slug) as session:
            witnesses = policy_of(session).witnesses
            note = session.checkpoint(size)[1]
            states = {s.witness: s for s in session.witness_states()}
        body = note[: note.rfind("\n\n") + 1]
        cosigned = add_cosignatures(note, line + "\n")
        for witness in witnesses:
            verifier = CosignatureVerifier(witness.key)
            mine = [
                c
                for c in cosignatures_in(cosigned)
                if c.line.rstrip("\n") == line and verifier.check(body, c)
            ]
            if not mine:
                continue
            now = format_time(datetime.now(UTC))
            state = states.get(witness.name, WitnessStateRow(witness.name))
            with app.store.write(slug) as session:
                session.add_cosignature(size, witness.name, line, mine[0].timestamp, now)
                session.put_witness_state(
                    replace(
                        state,
                        known_size=max(size, state.known_size),
                        cosigned_size=max(size, state.cosigned_size),
                        cosigned_at=now,
                        failures=0,
                        last_attempt=now,
                        next_attempt=None,
                        last_error=None,
                    )
                )
            return True
    except (LedgerError, StoreError) as e:
        _log.warning("the studio's cosignature of %s at %d was not stored: %s", slug, size, e)
    return False


# -- in the background, while serving ----------------------------------------------------


class SyncRunner:
    """While ``serve`` runs: sync every production with a saved target, off the command path.

    It wakes after each commit (``notify``) and every :data:`SYNC_EVERY_SECONDS`; a studio
    that does not answer is tried again after a backoff doubling up to
    :data:`BACKOFF_MAX_SECONDS`. Nothing here ever blocks a command.
    """

    def __init__(
        self,
        app: App,
        *,
        client: StudioClient | None = None,
        every: float = SYNC_EVERY_SECONDS,
    ) -> None:
        self.app = app
        self.client = client or HttpStudioClient()
        self.every = every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next: dict[str, float] = {}  # slug -> monotonic time of its next try
        self._failures: dict[str, int] = {}
        #: The last outcome per production: a SyncResult, or the error's message.
        self.last: dict[str, SyncResult | str] = {}

    def notify(self, slug: str) -> None:
        """A commit to ``slug``: sync soon (returns at once)."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="showclear-sync", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            for slug in self._targets():
                if self._stop.is_set():
                    return
                if time.monotonic() < self._next.get(slug, 0.0):
                    continue
                self.round(slug)
            if self._stop.wait(MIN_INTERVAL_SECONDS):
                return  # a burst of commits costs the studio one sync a second at most
            self._wake.wait(self.every)

    def _targets(self) -> list[str]:
        try:
            slugs = [p.slug for p in self.app.productions()]
        except StoreError:
            return []
        return [slug for slug in slugs if load_target(self.app, slug) is not None]

    def round(self, slug: str) -> SyncResult | str:
        """One sync of ``slug`` now; a failure is logged and retried after a backoff."""
        target = load_target(self.app, slug)
        if target is None:
            return "no studio is saved for this production"
        try:
            result: SyncResult | str = sync(self.app, slug, target, client=self.client)
        except (SyncFailed, StoreError, LedgerError) as e:
            failures = self._failures.get(slug, 0) + 1
            self._failures[slug] = failures
            delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (failures - 1))
            self._next[slug] = time.monotonic() + delay
            _log.warning("sync of %s: %s (next try in %.0f s)", slug, e, delay)
            result = str(e)
        else:
            self._failures.pop(slug, None)
            self._next.pop(slug, None)
        self.last[slug] = result
        return result
