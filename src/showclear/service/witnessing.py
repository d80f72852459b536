"""Asking the production's witnesses to cosign its checkpoints (C2SP tlog-witness, client side).

After each commit the production's latest checkpoint goes to every witness its policy lists
(:class:`showclear.protocol.policy.WitnessEntry`), off the command path: a background
thread (:class:`WitnessSubmitter`, started by the server) or one round now
(:meth:`WitnessSubmitter.push`, ``showclear witnesses push``). C2SP tlog-witness,
"add-checkpoint":

1. The request body is ``old <size>``, the RFC 6962 consistency proof from that size to the
   checkpoint's (no line when the old size is 0 or equal), a blank line, then the signed
   checkpoint note. The old size is the size the witness last said it holds.
2. ``200``: the body is cosignature lines; each is checked against the witness key the
   policy pins (C2SP tlog-cosignature) before it is stored with the checkpoint.
3. ``409``: the body is the size the witness holds (``text/x.tlog.size``); the request is
   made again from there. A witness holding more than the ledger has, or answering ``422``
   (the proof does not verify), refuses a history other than the one it saw: the request
   and the answer are kept as evidence (:meth:`WitnessSession.add_witness_refusal`).
4. No answer (a witness offline on a set is normal, never an error to anyone): the
   witness is asked again after an exponential backoff.

No witness is asked more than once a second; a witness that is behind is sent only the
latest checkpoint, so a burst of commits costs each witness one request.

What is known of the witnesses (their lag, the closed days, the day-close check) is
:mod:`showclear.service.witness_views`, whose names this module re-exports.
"""

from __future__ import annotations

import base64
import functools
import http.client
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Final, Literal, Protocol
from urllib.parse import urlsplit

from showclear.errors import ErrorKind
from showclear.ledger import LedgerError, consistency_proof
from showclear.ledger.cosignature import CosignatureVerifier, add_cosignatures, cosignatures_in
from showclear.protocol.time import format_time, parse_time
from showclear.service.errors import ServiceError
from showclear.service.witness_views import (
    DayWitnessing,
    Host,
    WitnessesBehind,
    WitnessLag,
    WitnessStatus,
    check_day_close,
    day_witnessing,
    policy_of,
    with_cosignatures,
    witness_lags,
    witness_status,
)
from showclear.store import StoreError, WitnessRefusalRow, WitnessStateRow

__all__ = [
    "MIN_INTERVAL_SECONDS",
    "DayWitnessing",
    "Host",
    "HttpWitnessClient",
    "WitnessAnswer",
    "WitnessClient",
    "WitnessLag",
    "WitnessOffline",
    "WitnessOutcome",
    "WitnessStatus",
    "WitnessSubmitter",
    "WitnessesBehind",
    "check_day_close",
    "day_witnessing",
    "policy_of",
    "with_cosignatures",
    "witness_lags",
    "witness_status",
]

_log = logging.getLogger("showclear.witnessing")

#: No witness is sent more than one request a second (issue 14).
MIN_INTERVAL_SECONDS: Final = 1.0
#: The first wait after an unanswered request, doubled after each one up to the maximum.
BACKOFF_FIRST_SECONDS: Final = 2.0
BACKOFF_MAX_SECONDS: Final = 300.0
#: How often every production is looked at, for commits another process made (the CLI
#: writing to the database the server serves).
SWEEP_SECONDS: Final = 5.0
#: How long to wait for a witness to answer: loopback or a set's network.
REQUEST_TIMEOUT_SECONDS: Final = 5.0


class WitnessOffline(ServiceError):
    """A witness did not answer (offline, refused the connection, timed out)."""

    kind = ErrorKind.UNAVAILABLE


@dataclass(frozen=True, slots=True)
class WitnessAnswer:
    """A witness's HTTP answer to add-checkpoint."""

    status: int
    body: str


class WitnessClient(Protocol):
    """The transport to witnesses: one ``POST <url>/add-checkpoint``."""

    def add_checkpoint(self, url: str, body: str) -> WitnessAnswer:
        """Send ``body``; raise :class:`WitnessOffline` when no answer comes."""
        ...

    def close(self) -> None:
        """Let go of any connection kept open."""
        ...


class HttpWitnessClient:
    """add-checkpoint over HTTP(S); connections are kept alive between requests (the spec's
    SHOULD), one at a time per request, until :meth:`close`."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._idle: dict[str, list[http.client.HTTPConnection]] = {}
        self._guard = threading.Lock()

    def _take(self, base: str, netloc: str, https: bool) -> http.client.HTTPConnection:
        with self._guard:
            idle = self._idle.get(base)
            if idle:
                return idle.pop()
        cls = http.client.HTTPSConnection if https else http.client.HTTPConnection
        return cls(netloc, timeout=self.timeout)

    def _give_back(self, base: str, conn: http.client.HTTPConnection) -> None:
        with self._guard:
            self._idle.setdefault(base, []).append(conn)

    def add_checkpoint(self, url: str, body: str) -> WitnessAnswer:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        path = parts.path.rstrip("/") + "/add-checkpoint"
        for attempt in (1, 2):  # a kept-alive connection the witness closed: reconnect once
            conn = self._take(base, parts.netloc, parts.scheme == "https")
            try:
                conn.request("POST", path, body.encode(), {"Content-Type": "text/plain"})
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                stale = isinstance(
                    e, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
                )
                if attempt == 2 or not stale:
                    raise WitnessOffline(f"{url} did not answer: {e}") from e
                continue
            self._give_back(base, conn)
            return WitnessAnswer(response.status, text)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close every kept-alive connection."""
        with self._guard:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


Status = Literal["cosigned", "up-to-date", "waiting", "unreachable", "refused", "failed"]


@dataclass(frozen=True, slots=True)
class WitnessOutcome:
    """What one witness made of one round."""

    witness: str
    status: Status
    size: int  # the checkpoint size it now cosigned, holds or was asked about
    message: str = ""


@dataclass(frozen=True, slots=True)
class _Job:
    """One witness to ask about one checkpoint of one production."""

    slug: str
    name: str
    url: str
    key: str
    size: int
    note: str


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _body(note: str) -> str:
    """A signed note's text: everything before the blank line and the signatures."""
    return note[: note.rfind("\n\n") + 1]


class WitnessSubmitter:
    """Sends each production's latest checkpoint to its witnesses, off the command path.

    ``notify(slug)`` (after every commit) only marks the production and wakes the thread;
    the thread sends, at most once a second per witness, and retries unanswered requests
    with exponential backoff.
    """

    def __init__(
        self,
        app: Host,
        *,
        client: WitnessClient | None = None,
        interval: float = MIN_INTERVAL_SECONDS,
        backoff_first: float = BACKOFF_FIRST_SECONDS,
        backoff_max: float = BACKOFF_MAX_SECONDS,
        sweep: float = SWEEP_SECONDS,
        wall: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.app = app
        self.client: WitnessClient = client or HttpWitnessClient()
        self.interval = interval
        self.backoff_first = backoff_first
        self.backoff_max = backoff_max
        self.sweep = sweep
        self.wall = wall
        self._swept = 0.0
        self._guard = threading.Lock()
        self._pending: set[str] = set()
        self._due: dict[str, float] = {}  # slug -> monotonic time another round is due
        self._sent: dict[tuple[str, str], float] = {}  # (slug, witness) -> last request
        self._asking: set[tuple[str, str]] = set()  # (slug, witness) with a request out
        self._pool: ThreadPoolExecutor | None = None  # the thread's workers, while it runs
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the background thread ---------------------------------------------

    def notify(self, slug: str) -> None:
        """A commit on ``slug``: its witnesses are due the new checkpoint. Never blocks."""
        with self._guard:
            self._pending.add(slug)
        self._wake.set()

    def start(self) -> None:
        """Start the thread; every production is looked at once (to catch up after a restart)."""
        if self._thread is not None:
            return
        self._swept = 0.0  # every production is looked at first
        self._stopping.clear()
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="witness-ask")
        self._thread = threading.Thread(target=self._run, name="witness-submitter", daemon=True)
        self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread after its current round."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._wake.set()
        thread.join(timeout)
        if self._pool is not None:  # requests out finish (each within its timeout)
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.client.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            now = time.monotonic()
            with self._guard:
                wait = min((due - now for due in self._due.values()), default=3600.0)
            self._wake.wait(timeout=max(0.0, min(wait, self._swept + self.sweep - now)))
            self._wake.clear()
            if self._stopping.is_set():
                return
            now = time.monotonic()
            if now - self._swept >= self.sweep:
                self._swept = now
                try:
                    slugs_now = [info.slug for info in self.app.productions()]
                except StoreError:
                    _log.warning("cannot list the productions to witness", exc_info=True)
                    slugs_now = []
                with self._guard:
                    self._pending.update(slugs_now)
            with self._guard:
                slugs = set(self._pending) | {s for s, due in self._due.items() if due <= now}
                self._pending.clear()
                for slug in slugs:
                    self._due.pop(slug, None)
            for slug in sorted(slugs):
                try:
                    self._dispatch(slug)
                except Exception:  # the thread must outlive a bad round: try again later
                    _log.exception("witnessing %s failed; trying again", slug)
                    self._schedule(slug, self.backoff_first)

    def _schedule(self, slug: str, seconds: float) -> None:
        with self._guard:
            due = time.monotonic() + seconds
            self._due[slug] = min(self._due.get(slug, due), due)
        self._wake.set()

    def _dispatch(self, slug: str) -> None:
        """Hand each witness of ``slug`` not already being asked to a worker of the pool.

        Witnesses are asked independently: one that takes its whole timeout to not answer
        delays nobody else's cosignature.
        """
        for job, state in self._jobs(slug):
            key = (slug, job.name)
            with self._guard:
                if key in self._asking:
                    continue  # its worker comes back for the latest checkpoint when done
                self._asking.add(key)
            pool = self._pool
            if pool is None:  # stopping
                with self._guard:
                    self._asking.discard(key)
                return
            future = pool.submit(self._ask, job, state, False)
            future.add_done_callback(functools.partial(self._asked, key))

    def _asked(self, key: tuple[str, str], future: Future[WitnessOutcome]) -> None:
        """A witness answered (or did not): come back when it is due the latest again."""
        slug, _ = key
        with self._guard:
            self._asking.discard(key)
        error = future.exception()
        if error is not None:
            _log.error("asking %s for %s failed", key[1], slug, exc_info=error)
            self._schedule(slug, self.backoff_first)
            return
        outcome = future.result()
        if outcome.status in ("cosigned", "waiting"):
            self._schedule(slug, self.interval)  # the ledger may have grown meanwhile
        elif outcome.status in ("unreachable", "failed", "refused"):
            self._schedule(slug, self._next_attempt(slug, outcome.witness))

    def _next_attempt(self, slug: str, witness: str) -> float:
        """Seconds until ``witness`` is due again after its backoff."""
        with self.app.store.read(slug) as session:
            states = {s.witness: s for s in session.witness_states()}
        state = states.get(witness)
        if state is None or state.next_attempt is None:
            return self.backoff_first
        return max(self.interval, (parse_time(state.next_attempt) - self.wall()).total_seconds())

    # -- one round -----------------------------------------------------------

    def push(self, slug: str) -> list[WitnessOutcome]:
        """Send the latest checkpoint to every witness now, backoff or not (a CLI push)."""
        try:
            return self.round(slug, force=True)
        finally:
            if self._thread is None:
                self.client.close()

    def round(self, slug: str, *, force: bool = False) -> list[WitnessOutcome]:
        """Ask every witness of ``slug`` that is behind, in parallel, and wait for them all."""
        jobs = self._jobs(slug)
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = [pool.submit(self._ask, job, state, force) for job, state in jobs]
            return [f.result() for f in futures]

    def _jobs(self, slug: str) -> list[tuple[_Job, WitnessStateRow]]:
        """Each listed witness with the latest checkpoint and what is known of it."""
        with self.app.store.read(slug) as session:
            policy = policy_of(session)
            if not policy.witnesses:
                return []
            size, note = session.checkpoint()
            states = {s.witness: s for s in session.witness_states()}
        return [
            (
                _Job(slug, w.name, w.url, w.key, size, note),
                states.get(w.name, WitnessStateRow(w.name)),
            )
            for w in policy.witnesses
        ]

    def _ask(self, job: _Job, state: WitnessStateRow, force: bool) -> WitnessOutcome:
        slug, name, size = job.slug, job.name, job.size
        if state.cosigned_size == size and state.known_size == size:
            return WitnessOutcome(name, "up-to-date", size)
        if (
            not force
            and state.next_attempt is not None
            and parse_time(state.next_attempt) > self.wall()
        ):
            return WitnessOutcome(name, "waiting", size, f"next try at {state.next_attempt}")
        old = state.known_size
        for _ in range(3):  # a 409 names the size to start from: at most two of them
            if old > size:
                return self._refused(
                    job,
                    state,
                    409,
                    f"old {old}",
                    f"{old}\n",
                    message=f"witness {name} holds a checkpoint of {old} entries but this "
                    f"ledger has only {size}: the ledger was rolled back or rewritten",
                )
            waited = self._pace(slug, name, force)
            if waited is not None:
                return WitnessOutcome(name, "waiting", size, f"asked {waited:.1f} s ago")
            request = self._request(slug, old, size, job.note)
            try:
                answer = self.client.add_checkpoint(job.url, request)
            except WitnessOffline as e:
                return self._unanswered(slug, state, size, str(e))
            if answer.status == 200:
                return self._cosigned(job, state, answer.body)
            if answer.status == 409:
                held = _held_size(answer.body)
                if held is None or held == old:
                    return self._failed(
                        slug, state, size, f"409 without a usable size: {answer.body!r}"
                    )
                state = replace(state, known_size=held)
                self._save(slug, state)
                old = held
                continue
            if answer.status == 422:
                return self._refused(
                    job,
                    state,
                    422,
                    request,
                    answer.body,
                    message=f"witness {name} refused the checkpoint of {size} entries as "
                    f"inconsistent with the one of {old} it holds: this ledger is not the "
                    "history it saw",
                )
            return self._failed(slug, state, size, _explain(answer))
        return self._failed(slug, state, size, "the witness kept naming other sizes (409)")

    def _pace(self, slug: str, name: str, force: bool) -> float | None:
        """Wait out the one-request-a-second limit (a push), or say how recent the last was.

        Only this witness's worker waits, never under the guard ``notify`` takes.
        """
        with self._guard:
            last = self._sent.get((slug, name))
            since = time.monotonic() - last if last is not None else math.inf
        if since < self.interval:
            if not force:
                return since
            time.sleep(self.interval - since)
        with self._guard:
            self._sent[(slug, name)] = time.monotonic()
        return None

    def _request(self, slug: str, old: int, size: int, note: str) -> str:
        lines = [f"old {old}\n"]
        if 0 < old < size:
            with self.app.store.read(slug) as session:
                proof = consistency_proof(old, size, session)
            lines += [base64.b64encode(h).decode() + "\n" for h in proof]
        return "".join(lines) + "\n" + note

    # -- recording answers -----------------------------------------------------

    def _save(self, slug: str, state: WitnessStateRow) -> None:
        with self.app.store.write(slug) as session:
            session.put_witness_state(state)

    def _cosigned(self, job: _Job, state: WitnessStateRow, body: str) -> WitnessOutcome:
        slug, name, size, note = job.slug, job.name, job.size, job.note
        try:
            verifier = CosignatureVerifier(job.key)
            cosigned = add_cosignatures(note, body)
            verifier.verify(cosigned)
            checkpoint_body = _body(note)
            mine = [
                c
                for c in cosignatures_in(cosigned)
                if c.line in body and verifier.check(checkpoint_body, c)
            ]
        except LedgerError as e:
            return self._failed(
                slug, state, size, f"its answer is not a valid cosignature by its key: {e}"
            )
        now = format_time(self.wall())
        best = max(mine, key=lambda c: c.timestamp)
        with self.app.store.write(slug) as session:
            session.add_cosignature(size, name, best.line.rstrip("\n"), best.timestamp, now)
            session.put_witness_state(
                replace(
                    state,
                    known_size=size,
                    cosigned_size=max(size, state.cosigned_size),
                    cosigned_at=now,
                    failures=0,
                    last_attempt=now,
                    next_attempt=None,
                    last_error=None,
                )
            )
        return WitnessOutcome(name, "cosigned", size)

    def _backoff(self, state: WitnessStateRow, error: str) -> WitnessStateRow:
        failures = state.failures + 1
        delay = min(self.backoff_max, self.backoff_first * 2 ** (failures - 1))
        now = self.wall()
        return replace(
            state,
            failures=failures,
            last_attempt=format_time(now),
            next_attempt=format_time(now + timedelta(seconds=delay)),
            last_error=error,
        )

    def _unanswered(
        self, slug: str, state: WitnessStateRow, size: int, error: str
    ) -> WitnessOutcome:
        self._save(slug, self._backoff(state, f"unreachable: {error}"))
        return WitnessOutcome(state.witness, "unreachable", size, error)

    def _failed(self, slug: str, state: WitnessStateRow, size: int, error: str) -> WitnessOutcome:
        self._save(slug, self._backoff(state, error))
        return WitnessOutcome(state.witness, "failed", size, error)

    def _refused(
        self,
        job: _Job,
        state: WitnessStateRow,
        status: int,
        request: str,
        response: str,
        *,
        message: str,
    ) -> WitnessOutcome:
        size = job.size
        refused = self._backoff(state, f"refused: {message}")
        with self.app.store.write(job.slug) as session:
            session.add_witness_refusal(
                WitnessRefusalRow(
                    state.witness, refused.last_attempt or "", status, size, request, response
                )
            )
            session.put_witness_state(refused)
        return WitnessOutcome(state.witness, "refused", size, message)


def _held_size(body: str) -> int | None:
    text = body.strip()
    return int(text) if text.isdigit() and text.isascii() else None


def _explain(answer: WitnessAnswer) -> str:
    """What a witness's error status means, and what to do (C2SP tlog-witness)."""
    detail = answer.body.strip()[:200]
    if answer.status == 404:
        return (
            f"404: the witness does not follow this production's log ({detail}); on the "
            "witness, run: showclear witness add-log <the production's verifier key>"
        )
    if answer.status == 403:
        return (
            f"403: the witness does not accept this production's key ({detail}); give it "
            "the production's verifier key (showclear witness add-log)"
        )
    return f"{answer.status}: {detail or 'no detail'}"
