"""The uvicorn server of ``diplograph serve`` (and of the tests): one function builds its config.

uvicorn bounds neither the time a client may take to send a request head (its keep-alive timer
only runs *between* requests and is cancelled by the first byte of the next one) nor the number
of open connections (``limit_concurrency`` counts idle connections too, so a few hundred idle
sockets turn every request into a 503). :class:`GuardedH11Protocol` adds both, the way nginx
does (``client_header_timeout``, ``client_body_timeout``, ``worker_connections`` with idle
connections reclaimed first):

* a request head must arrive complete within ``request_head_timeout_s`` of the connection being
  opened (or of the previous response on a kept-alive connection), else the connection is
  dropped — a slowloris client cannot hold a connection by trickling header bytes;
* while a request body is being received, a pause longer than ``request_body_timeout_s``
  between two reads drops the connection (time while the server itself does not read — flow
  control, ``100-continue`` — does not count);
* at most ``max_connections`` connections are kept open: a new connection over the cap closes
  the connection that has been waiting longest for a request head (idle or half-open, the
  cheapest for an attacker to hold), and when every connection is busy with a request the new
  one is answered 503 and closed at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.settings import Settings

log = logging.getLogger("diplograph.server")


@dataclass(frozen=True)
class ConnectionLimits:
    """The connection-level limits of :class:`GuardedH11Protocol` (from the settings)."""

    head_timeout_s: float
    body_timeout_s: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        """The limits that ``settings`` configure."""
        return cls(
            head_timeout_s=settings.request_head_timeout_s,
            body_timeout_s=settings.request_body_timeout_s,
            max_connections=settings.max_connections,
        )


def _busy_response() -> bytes:
    """A complete ``503`` problem, written raw: the request has not even been read yet."""
    body = json.dumps(
        {
            "type": "https://w3id.org/diplograph/problems/too-many-connections",
            "title": "Too many connections",
            "status": 503,
            "detail": "every connection is busy (DIPLOGRAPH_MAX_CONNECTIONS); retry shortly",
        }
    ).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "content-type: application/problem+json\r\n"
        "retry-after: 1\r\n"
        "connection: close\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


BUSY_RESPONSE = _busy_response()


class ConnectionBook:
    """The open connections of one server, and which of them wait for a request head, oldest
    first (a dict keeps insertion order), so that a new connection costs O(1) however many are
    open. Only the event loop's thread touches it."""

    def __init__(self) -> None:
        self.open: set[GuardedH11Protocol] = set()
        self.waiting: dict[GuardedH11Protocol, None] = {}

    def oldest_waiting(self, but: GuardedH11Protocol) -> GuardedH11Protocol | None:
        """The connection waiting longest for a request head, other than ``but``."""
        for connection in self.waiting:
            if connection is not but:
                return connection
        return None


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline, a body read timeout and a
    connection cap. Subclassed per server by :func:`guarded_protocol`, which sets ``limits``
    and ``book``."""

    limits: ClassVar[ConnectionLimits]
    book: ClassVar[ConnectionBook]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Register the connection; make room over the cap or refuse; start the head clock."""
        super().connection_made(transport)
        self.book.open.add(self)
        if len(self.book.open) > self.limits.max_connections:
            oldest = self.book.oldest_waiting(but=self)
            if oldest is None:
                log.debug("connection refused: %d connections busy", self.limits.max_connections)
                self.transport.write(BUSY_RESPONSE)
                self._forget()
                self.transport.close()
                return
            oldest._drop()
        self._follow_request_state()

    def data_received(self, data: bytes) -> None:
        """Feed h11, then move the deadline to the request's new state."""
        super().data_received(data)
        self._follow_request_state(data_arrived=True)

    def on_response_complete(self) -> None:
        """A response went out: a kept-alive connection waits for the next head again."""
        super().on_response_complete()
        self._follow_request_state()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection and its deadline."""
        self._forget()
        super().connection_lost(exc)

    # Deadlines

    def _follow_request_state(self, *, data_arrived: bool = False) -> None:
        """Arm the deadline that fits the state of the client's side of the connection."""
        if self.transport.is_closing():
            self._forget()
        elif self.conn.their_state is h11.IDLE:
            # The head deadline is absolute: trickling bytes does not extend it.
            if self not in self.book.waiting:
                self.book.waiting[self] = None
                self._arm(self.limits.head_timeout_s, self._head_timed_out)
        elif self.conn.their_state is h11.SEND_BODY:
            self.book.waiting.pop(self, None)
            if data_arrived or self._timer is None:
                self._arm(self.limits.body_timeout_s, self._body_timed_out)
        else:
            self.book.waiting.pop(self, None)
            self._cancel_timer()

    def _arm(self, delay: float, callback: Any) -> None:
        self._cancel_timer()
        self._timer = self.loop.call_later(delay, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _head_timed_out(self) -> None:
        self._timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.debug("no complete request head in %ss: dropped", self.limits.head_timeout_s)
            self._drop()

    def _body_timed_out(self) -> None:
        self._timer = None
        if self.conn.their_state is not h11.SEND_BODY or self.transport.is_closing():
            return
        awaiting_continue = self.cycle is not None and self.cycle.waiting_for_100_continue
        if self.flow.read_paused or awaiting_continue:
            # The server is not reading (yet): the client is not the one who is slow.
            self._arm(self.limits.body_timeout_s, self._body_timed_out)
            return
        log.debug("request body stalled for %ss: connection dropped", self.limits.body_timeout_s)
        self._drop()

    def _drop(self) -> None:
        """Close at once, discarding anything unsent (a client that does not read cannot hold
        the connection by leaving a response in the send buffer)."""
        self._forget()
        self.transport.abort()

    def _forget(self) -> None:
        """No longer count this connection (it is closing)."""
        self._cancel_timer()
        self.book.open.discard(self)
        self.book.waiting.pop(self, None)


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """A :class:`GuardedH11Protocol` subclass bound to ``limits`` (uvicorn takes a class)."""
    book = ConnectionBook()
    return type("DiplographH11Protocol", (GuardedH11Protocol,), {"limits": limits, "book": book})


def uvicorn_config(app: Any, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """The uvicorn config of ``diplograph serve`` for ``app``; tests pass ``overrides`` (port 0,
    log level) but keep every limit, so they exercise the server that production runs."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "http": guarded_protocol(ConnectionLimits.from_settings(settings)),
        # No WebSocket routes: an Upgrade request must not switch to a protocol without limits.
        "ws": "none",
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_timeout_s,
        "lifespan": "on",
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)
