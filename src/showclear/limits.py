"""Every limit on what a client may send, in one place; docs/limits.md is their table.

A request is held to these before it is read, parsed or decided, so that nobody, signed
in or not, can make the server read 200 MB, walk a JSON document nested ten thousand deep,
convert a number of five thousand digits, or fill a production's ledger faster than people
on set can act. Each error names the limit and its value:

- request bodies by route class (:data:`BODY_LIMITS`): 413 ``too-large``;
- JSON nesting and number size (:data:`MAX_JSON_DEPTH`, :data:`MAX_NUMBER_CHARS`): 400
  ``bad-request``, before the JSON is parsed (:func:`json_shape_problem`);
- commands per person per production per minute (:data:`COMMANDS_PER_MINUTE`): 429
  ``rate-limited`` with ``Retry-After`` (:class:`CommandRate`). A report of what happened
  on set (a stop-work concern, an incident and its cease-fire) is never limited: refusing
  it would keep a fact out of the record (DESIGN: reports are never refused).

The limits of what a command may hold (text lengths, list lengths, an entry's size) are
the protocol's (:mod:`showclear.protocol.schema`, :data:`showclear.ledger.MAX_ENTRY_BYTES`);
docs/limits.md lists them beside these, and a test holds the page to the code.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from weakref import WeakKeyDictionary

from showclear.errors import ErrorKind, ShowclearError
from showclear.protocol.catalogue import REPORT_TYPES

__all__ = [
    "BODY_LIMITS",
    "COMMANDS_PER_MINUTE",
    "MAX_FORM_BODY",
    "MAX_JSON_BODY",
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_CHARS",
    "MAX_UPLOAD_BODY",
    "UNLIMITED_COMMANDS",
    "BodyLimit",
    "CommandRate",
    "RequestTooLarge",
    "TooManyCommands",
    "body_limit",
    "command_rate",
    "json_shape_problem",
]

#: A JSON request body (a command, a sign-in, a passkey's answer): four entries' worth.
MAX_JSON_BODY: Final = 256 * 1024
#: A web form (urlencoded or multipart): the largest form is a meeting of 200 people.
MAX_FORM_BODY: Final = 128 * 1024
#: A document upload: the document limit (20 MiB) and room for the transfer's framing;
#: the service answers a document over its own limit first (``bad-request``).
MAX_UPLOAD_BODY: Final = 20 * 1024 * 1024 + 64 * 1024
#: How deep a JSON body may nest objects and arrays (an event nests five deep at most).
MAX_JSON_DEPTH: Final = 32
#: The most characters of one JSON number (sign, digits, fraction, exponent): the largest
#: integer the ledger keeps, 2**53 - 1, has 16 digits.
MAX_NUMBER_CHARS: Final = 24
#: Commands one person may record on one production in a minute (far above what a person
#: on set does; a script or a stuck device is stopped).
COMMANDS_PER_MINUTE: Final = 120
#: Event types never rate-limited: the reports of what happened on set (a concern, an
#: incident and its cease-fire, a discharge, live rounds, a weapon found or surrendered).
UNLIMITED_COMMANDS: Final = REPORT_TYPES

_UPLOAD_PATH = re.compile(r"^/productions/[^/]+/documents/?$")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class BodyLimit:
    """The size limit of one class of request body, named as docs/limits.md names it."""

    name: str
    bytes: int


#: Each class of request body and its limit.
BODY_LIMITS: Final = {
    "json": BodyLimit("JSON request body", MAX_JSON_BODY),
    "form": BodyLimit("form body", MAX_FORM_BODY),
    "upload": BodyLimit("document upload", MAX_UPLOAD_BODY),
}


def body_limit(method: str, path: str, content_type: str) -> tuple[str, BodyLimit]:
    """The class of a request's body (``json``, ``form`` or ``upload``) and its limit."""
    if method == "POST" and _UPLOAD_PATH.match(path):
        return "upload", BODY_LIMITS["upload"]
    if content_type.split(";", 1)[0].strip().lower() in _FORM_TYPES:
        return "form", BODY_LIMITS["form"]
    return "json", BODY_LIMITS["json"]


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"[-+0-9.eE]{%d,}" % (MAX_NUMBER_CHARS + 1))


def json_shape_problem(body: bytes) -> str | None:
    """What makes ``body`` too deep or its numbers too long to parse, or None.

    Strings are skipped (a bracket or digit inside one is text); a body that is not JSON
    at all is left to the parser, which says so.
    """
    bare = _STRING.sub(b'""', body)
    number = _LONG_NUMBER.search(bare)
    if number is not None:
        return (
            f"a number in the JSON body has {len(number.group())} characters; the limit "
            f"(JSON number size) is {MAX_NUMBER_CHARS}"
        )
    depth = 0
    for bracket in _BRACKET.finditer(bare):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > MAX_JSON_DEPTH:
            return (
                f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels; the limit "
                f"(JSON depth) is {MAX_JSON_DEPTH}"
            )
    return None


class RequestTooLarge(ShowclearError):
    """A request body over its limit: answered 413 before the rest of it is read."""

    kind = ErrorKind.TOO_LARGE

    def __init__(self, limit: BodyLimit, size: int, *, at_least: bool = False) -> None:
        sent = f"at least {size:,}" if at_least else f"{size:,}"
        super().__init__(
            f"the request body is {sent} bytes; the limit ({limit.name}) is "
            f"{limit.bytes:,} bytes; nothing was read or recorded: send less"
        )
        self.limit = limit


class TooManyCommands(ShowclearError):
    """A person recorded more commands on a production in a minute than the limit."""

    kind = ErrorKind.RATE_LIMITED

    def __init__(self, person: str, per_minute: int, retry_after: int) -> None:
        super().__init__(
            f"{person} recorded {per_minute} commands in the last minute on this production "
            f"(the limit: commands per person per minute is {per_minute}); nothing was "
            f"recorded; wait {retry_after} seconds"
        )
        self.person = person
        self.retry_after = retry_after


class CommandRate:
    """A sliding minute of commands per (production, person), on a monotonic clock."""

    def __init__(
        self,
        per_minute: int = COMMANDS_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def take(self, production: str, person: str, event_type: str) -> None:
        """Count one command of ``person`` on ``production``.

        Raises:
            TooManyCommands: the person reached the limit in the last minute.
        """
        if event_type in UNLIMITED_COMMANDS:
            return
        now = self._clock()
        with self._lock:
            seen = self._seen.setdefault((production, person), deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = int(seen[0] + 60 - now) + 1 if seen else 60
                raise TooManyCommands(person, self.per_minute, max(1, wait))
            seen.append(now)


_RATES: WeakKeyDictionary[object, CommandRate] = WeakKeyDictionary()
_RATES_LOCK = threading.Lock()


def command_rate(owner: object) -> CommandRate:
    """The command limiter of ``owner`` (one service application), made on first use."""
    with _RATES_LOCK:
        found = _RATES.get(owner)
        if found is None:
            found = _RATES[owner] = CommandRate()
        return found
