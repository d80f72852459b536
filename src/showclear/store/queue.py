"""Writers of one SQLite file take turns in the order they asked (issue 17).

SQLite's own lock is not a queue: a writer turned away sleeps in the busy handler (up
to 100 ms at a time) while the writer that just committed begins again at once, so with
several writer processes the slowest made 0 appends in 2 s. Here writers line up first,
with POSIX record locks on ``<database>-queue`` beside the database, a ticket lock in
which each waiter watches only its predecessor:

1. Holding the lock on byte 0 (a short critical section), a writer takes ticket *t*
   (the counter stored in the file) and locks byte ``BASE + t``, which nobody else
   ever locks.
2. It waits until it can lock byte ``BASE + t - 1``: its predecessor holds that byte
   until its transaction ended, it gave up, or its process died (the kernel drops a
   dead process's record locks, so a SIGKILL never wedges the queue).
3. It runs its transaction, then unlocks byte ``BASE + t``.

The queue only orders writers; ``BEGIN IMMEDIATE`` still excludes every writer but
one, so a writer that gave up its place, a queue file that cannot be written (a
read-only copy), or a program that does not queue costs fairness, never correctness.

Record locks belong to a process, not a thread, and closing any descriptor of the file
drops all of the process's locks on it: each process keeps one descriptor per database
for its whole life, and its threads take turns on a lock of their own first.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from showclear.store.errors import WritersBusy

__all__ = ["QUEUE_SUFFIX", "WriterQueue", "writer_queue"]

#: The queue file beside the database: ``showclear.db-queue``.
QUEUE_SUFFIX = "-queue"

#: Ticket *t* is byte ``_BASE + t``; byte 0 guards the counter.
_BASE = 1 << 32
_COUNTER_BYTES = 20

#: How long a waiter sleeps between looks at its predecessor: short, since the turn
#: passes every few milliseconds; growing, so a long wait costs little CPU.
_FIRST_NAP, _LONGEST_NAP = 0.0002, 0.002


class WriterQueue:
    """The turn-taking of this process's writers of one database file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: nothing to queue on (an in-memory database)
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._tried = False

    def _descriptor(self) -> int | None:
        """The queue file, opened once for the process; None where it cannot be written."""
        if not self._tried and self.path is not None:
            self._tried = True
            with suppress(OSError):  # as SQLite makes its -wal and -shm files: 0666 & ~umask
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        return self._fd

    @contextmanager
    def turn(self, timeout: float, *, retry_after: int) -> Iterator[None]:
        """Wait for this writer's turn (at most ``timeout`` s), hold it, then pass it on.

        Raises:
            WritersBusy: the turn did not come in time; the writer left the queue and
                nothing was recorded.
        """
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise self._busy(timeout, "another writer of this process", retry_after)
        try:
            fd = self._descriptor()
            if fd is None:
                yield
                return
            ticket = _take_ticket(fd)
            try:
                if not _wait_for(fd, ticket, deadline):
                    ahead = f"{_ahead(fd, ticket)} writers"
                    raise self._busy(timeout, ahead, retry_after)
                yield
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, _BASE + ticket, os.SEEK_SET)
        finally:
            self._threads.release()

    def _busy(self, timeout: float, ahead: str, retry_after: int) -> WritersBusy:
        database = str(self.path).removesuffix(QUEUE_SUFFIX)
        return WritersBusy(
            f"{ahead} held the database {database} for more than {timeout:g} s, "
            f"ahead of this one; nothing was recorded. Try again in {retry_after} s; if "
            "this keeps happening, look for a program holding the database open in a "
            "long transaction",
            retry_after=retry_after,
        )


def _take_ticket(fd: int) -> int:
    fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0, os.SEEK_SET)
    try:
        text = os.pread(fd, _COUNTER_BYTES, 0).strip(b"\0 \n")
        try:
            ticket = int(text) if text else 0
        except ValueError:
            ticket = 0  # a damaged counter: order resumes from 0, exclusion is SQLite's
        os.pwrite(fd, str(ticket + 1).encode().ljust(_COUNTER_BYTES), 0)
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _BASE + ticket, os.SEEK_SET)
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0, os.SEEK_SET)
    return ticket


def _wait_for(fd: int, ticket: int, deadline: float) -> bool:
    """True once ticket ``ticket - 1`` is done; False at ``deadline``."""
    if ticket == 0:
        return True
    nap = _FIRST_NAP
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _BASE + ticket - 1, os.SEEK_SET)
        except OSError:  # EAGAIN or EACCES: the predecessor still has its turn
            if time.monotonic() >= deadline:
                return False
            time.sleep(nap)
            nap = min(nap * 2, _LONGEST_NAP)
            continue
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _BASE + ticket - 1, os.SEEK_SET)
        return True


def _ahead(fd: int, ticket: int, look_back: int = 64) -> int:
    """How many of the tickets just before ``ticket`` are still held (for the error)."""
    held = 0
    for earlier in range(max(0, ticket - look_back), ticket):
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _BASE + earlier, os.SEEK_SET)
        except OSError:
            held += 1
        else:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, _BASE + earlier, os.SEEK_SET)
    return held


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(database: Path) -> WriterQueue:
    """This process's queue for ``database`` (one per file, however many stores open it)."""
    if str(database) == ":memory:":
        return WriterQueue(None)
    path = Path(os.path.realpath(database))
    with _queues_lock:
        queue = _queues.get(str(path))
        if queue is None:
            queue = _queues[str(path)] = WriterQueue(path.with_name(path.name + QUEUE_SUFFIX))
        return queue
