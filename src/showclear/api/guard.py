"""The guard in front of every request, API and pages alike: Host, body size, JSON shape.

One ASGI middleware, installed by :func:`showclear.api.create_api` around the whole
application (the web UI's pages are routes of the same application), so no route reads a
byte before it is checked (docs/limits.md):

1. ``Host``: when the server knows the names it serves (``serve`` sets
   ``state.allowed_hosts`` from its certificate or its address), a request naming another
   host is answered 400 ``bad-request`` (a page on another site cannot reach this server
   through a name of its own: DNS rebinding);
2. the body: a declared ``Content-Length`` over the limit of the body's class
   (:func:`showclear.limits.body_limit`) is answered 413 ``too-large`` unread; a JSON or
   form body is read up to its limit (and 413 past it), a JSON body's nesting and numbers
   are measured before any parser sees them (400 ``bad-request``), and the route reads
   the same bytes; a document upload is streamed to the route and stopped at its limit;
3. every answer says ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and
   ``Referrer-Policy: same-origin`` (pages add their Content-Security-Policy:
   :mod:`showclear.web.routing`).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from showclear.api.problems import problem_response
from showclear.limits import BodyLimit, RequestTooLarge, body_limit, json_shape_problem
from showclear.service import BadRequest

__all__ = ["LOOPBACK_NAMES", "SECURITY_HEADERS", "RequestGuard", "host_name", "served_names"]

#: The names a device on the server itself reaches it by; always served.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})

#: Headers every answer carries (a route's own value of one wins).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port and brackets, in lower case."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def served_names(
    listen: str, certificate: list[str] | None = None, rp_id: str | None = None
) -> frozenset[str] | None:
    """The host names ``serve`` answers to, for ``state.allowed_hosts``; None for any.

    With a certificate, its names (devices must use one of them for HTTPS to work); on one
    address, that address; on every address without a certificate the server cannot know
    by which names it is reached, so it takes any. The loopback names always, and the
    passkeys' ``--rp-id``.
    """
    if certificate:
        names = {host_name(n) for n in certificate}
    elif listen in _EVERY_ADDRESS:
        return None
    else:
        names = {host_name(listen)}
    return frozenset(names | LOOPBACK_NAMES | ({rp_id} if rp_id else set()))


class RequestGuard:
    """ASGI middleware: the Host check, the body limits and the security headers."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state  # the application's state: ``allowed_hosts`` is read per request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        headers = Headers(scope=scope)
        allowed = getattr(self.state, "allowed_hosts", None)
        host = host_name(headers.get("host", ""))
        if allowed is not None and host not in allowed:
            refusal = BadRequest(
                f"this server does not answer to the name {host!r}: open it by the name "
                "its certificate or `showclear serve` gives"
            )
            await problem_response(refusal)(scope, receive, send)
            return
        kind, limit = body_limit(scope["method"], scope["path"], headers.get("content-type", ""))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit.bytes:
            await problem_response(RequestTooLarge(limit, int(declared)))(scope, receive, send)
            return
        if kind == "upload":
            await self.app(scope, _counted(receive, limit), send)
            return
        if scope["method"] in _WITHOUT_BODY:
            await self.app(scope, receive, send)
            return
        body, complete = await _read(receive, limit.bytes)
        if not complete:
            error = RequestTooLarge(limit, len(body), at_least=True)
            await problem_response(error)(scope, receive, send)
            return
        shape = json_shape_problem(body) if kind == "json" else None
        if shape is not None:
            await problem_response(BadRequest(shape))(scope, receive, send)
            return
        await self.app(scope, _replayed(body, receive), send)


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, read up to ``limit`` bytes; False when there was more than that."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True  # the client went away: the route sees it
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replayed(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counted(receive: Receive, limit: BodyLimit) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit.bytes:  # the route's read fails: answered 413 by its handler
                raise RequestTooLarge(limit, size, at_least=True)
        return message

    return counted


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
            message = {**message, "headers": headers}
        await send(message)

    return sending
