"""Two pure-ASGI middlewares of the HTTP surface: ``HEAD`` wherever ``GET`` is allowed, and a
limit on the requests in progress."""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBES = frozenset({"/health"})
"""Paths never refused by :class:`ConcurrencyLimit`: a liveness probe that fails under load would
get a busy server restarted."""


class HeadAsGet:
    """Answer ``HEAD`` as the ``GET`` of the same URL without its body (RFC 9110 §9.3.2), and
    give every 405 an ``Allow`` header naming all the methods of the path.

    FastAPI registers ``GET`` routes for ``GET`` only, so ``HEAD`` answered 405; the rewrite here
    covers every route, mount and error alike. FastAPI's own ``Allow`` names only the methods of
    the first route whose path matched (``PATCH /articles`` said ``GET``, hiding ``POST``), so
    the header is rebuilt from ``routes``.
    """

    def __init__(self, app: ASGIApp, routes: Sequence[Route]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run ``GET`` for ``HEAD`` (dropping the body); rebuild ``Allow`` on 405s."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"

        async def send_fixed(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = self.allowed(scope)
                if allow:
                    headers = message.get("headers", [])
                    kept = [(k, v) for k, v in headers if k.lower() != b"allow"]
                    message = {**message, "headers": [*kept, (b"allow", allow)]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        inner = {**scope, "method": "GET"} if head else scope
        await self.app(inner, receive, send_fixed)

    def allowed(self, scope: Scope) -> bytes:
        """The ``Allow`` value for the path of ``scope`` (empty if no route has the path)."""
        methods: set[str] = set()
        for route in self.routes:
            if route.methods and route.matches(scope)[0] is not Match.NONE:
                methods |= route.methods
        if "GET" in methods:
            methods.add("HEAD")
        return ", ".join(sorted(methods)).encode()


class ConcurrencyLimit:
    """Answer 503 (``Retry-After: 1``) while ``max_requests`` requests are in progress.

    A request counts until the app returns, which is when its work has finished (a request whose
    client went away still holds its slot while its query runs). uvicorn's ``limit_concurrency``
    is not used because it also counts idle connections (see ``api.httpserver``).
    """

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or refuse it when the server is full."""
        if scope["type"] != "http" or scope["path"] in PROBES:
            await self.app(scope, receive, send)
            return
        if self.in_progress >= self.max_requests:
            await _refuse(send, self.max_requests)
            return
        # One event loop: no lock is needed around the counter.
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1


async def _refuse(send: Send, limit: int) -> None:
    payload = json.dumps(
        {
            "type": "https://w3id.org/diplograph/problems/too-many-requests-in-progress",
            "title": "Server busy",
            "status": 503,
            "detail": f"{limit} requests are in progress (DIPLOGRAPH_MAX_CONCURRENT_REQUESTS); "
            "retry shortly",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
