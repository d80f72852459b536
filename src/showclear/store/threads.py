"""One database connection per thread, closed when its thread ends.

Both backends give each thread its own connection (a connection carries one transaction
at a time). The HTTP server runs requests on a pool of worker threads that it retires
after a while idle and replaces with new ones; a connection kept only in a
``threading.local`` would stay open for the store's whole life after its thread was gone
(issue 15: PostgreSQL backends 11 -> 100 and then "too many clients"; SQLite's open files
growing with every burst). So each connection is tied to a small holder object that only
its thread's local storage references: when the thread ends, Python drops that storage,
the holder goes, and its finalizer closes the connection. Open connections are therefore
bounded by the threads alive, whatever the server's pool does.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ThreadConnections"]

C = TypeVar("C")


class _Holder(Generic[C]):
    """The one object a thread's local storage keeps alive for its connection."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: C) -> None:
        self.conn = conn


def _release(
    opened: dict[int, C], guard: threading.Lock, key: int, close: Callable[[C], None]
) -> None:
    # A finalizer: it must not reference the holder or the store, only what it frees.
    with guard:
        conn = opened.pop(key, None)
    if conn is not None:
        close(conn)


class ThreadConnections(Generic[C]):
    """This thread's connection, if it has one; closed when the thread ends or on close()."""

    def __init__(self, close: Callable[[C], None]) -> None:
        self._close = close
        self._local = threading.local()
        self._opened: dict[int, C] = {}
        self._guard = threading.Lock()
        self._keys = itertools.count()

    def get(self) -> C | None:
        """The calling thread's connection, or None if it has none yet."""
        holder: _Holder[C] | None = getattr(self._local, "holder", None)
        return None if holder is None else holder.conn

    def put(self, conn: C) -> None:
        """Make ``conn`` the calling thread's connection, to be closed when the thread ends."""
        key = next(self._keys)
        holder = _Holder(conn)
        with self._guard:
            self._opened[key] = conn
        finalizer = weakref.finalize(holder, _release, self._opened, self._guard, key, self._close)
        finalizer.atexit = False  # at exit the process's files and sockets close anyway
        self._local.holder = holder

    def forget(self, conn: C) -> None:
        """Close ``conn`` now (a broken connection) and let its thread open a new one."""
        holder: _Holder[C] | None = getattr(self._local, "holder", None)
        if holder is not None and holder.conn is conn:
            self._local.holder = None  # its finalizer runs now, closing conn
        with self._guard:
            keys = [key for key, value in self._opened.items() if value is conn]
            for key in keys:
                del self._opened[key]
        if keys:
            self._close(conn)

    def open_count(self) -> int:
        """How many connections are open: one per live thread that used the store."""
        with self._guard:
            return len(self._opened)

    def close_all(self) -> None:
        """Close every thread's connection; a thread that uses the store again opens a new one."""
        with self._guard:
            opened = list(self._opened.values())
            self._opened.clear()
        # Outside the guard: dropping the old local runs this thread's finalizer, which
        # takes the guard (it finds nothing left to close).
        self._local = threading.local()
        for conn in opened:
            self._close(conn)
