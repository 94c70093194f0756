"""Run the app of ``create_app`` under uvicorn in a background thread, for tests over real HTTP,
with the uvicorn config of ``diplograph serve`` (``api.httpserver.uvicorn_config``).

Usage (``tests/`` has no ``__init__.py``, so pytest puts ``tests/`` itself on ``sys.path``)::

    from live_server import live_server

    with live_server(app) as base_url:          # e.g. "http://127.0.0.1:53817"
        httpx.get(f"{base_url}/health")

or as a pytest fixture::

    @pytest.fixture
    def base_url(app):
        with live_server(app) as url:
            yield url

The listening socket is bound *before* the server starts (port 0, so the kernel picks a free
port and there is no race between choosing a port and binding it). The app's lifespan runs
(startup before the URL is yielded, shutdown on exit). Exiting the block asks uvicorn to stop,
waits for the thread, and raises if it did not stop in time. Startup failures (an exception in
the lifespan, a bad app) are raised in the calling thread instead of hanging the test.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from api.httpserver import uvicorn_config

__all__ = ["LiveServerError", "live_server", "wait_ready"]


class LiveServerError(RuntimeError):
    """The server did not start or did not stop in time."""


class _ThreadServer(uvicorn.Server):
    """A uvicorn server that never touches signal handlers (it runs off the main thread)."""

    def capture_signals(self) -> Any:
        """Do nothing: signals belong to the main thread (pytest)."""
        return _null_context()


@contextmanager
def _null_context() -> Iterator[None]:
    yield


def _bind(host: str) -> socket.socket:
    """A listening-ready TCP socket bound to ``host`` on a free port.

    The protocol must be given as ``IPPROTO_TCP``: asyncio sets ``TCP_NODELAY`` on accepted
    connections only when ``sock.proto`` says TCP, and without it every response waits ~40 ms
    for the client's delayed ACK (Nagle).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


@contextmanager
def live_server(
    app: Any,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 15.0,
    shutdown_timeout: float = 15.0,
    log_level: str = "warning",
    access_log: bool = False,
) -> Iterator[str]:
    """Serve ``app`` on ``host`` and a free port; yield the base URL (no trailing slash)."""
    sock = _bind(host)
    port = sock.getsockname()[1]
    # The config of ``diplograph serve`` (its protocol, timeouts and limits), on a test port.
    config = uvicorn_config(
        app,
        app.state.settings,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=max(1, int(shutdown_timeout) - 2),
    )
    server = _ThreadServer(config)
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as error:  # reported to the caller below
            failure.append(error)

    thread = threading.Thread(target=serve, name=f"live-server-{port}", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread, failure, startup_timeout)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(shutdown_timeout)
        sock.close()
        if thread.is_alive():
            server.force_exit = True
            thread.join(5)
            raise LiveServerError(f"server on port {port} did not stop in {shutdown_timeout}s")


def _wait_started(
    server: uvicorn.Server,
    thread: threading.Thread,
    failure: list[BaseException],
    timeout: float,
) -> None:
    """Block until uvicorn reports it is serving; raise if it died or took too long."""
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            cause = failure[0] if failure else None
            raise LiveServerError("server exited during startup (see the log)") from cause
        if time.monotonic() > deadline:
            server.should_exit = True
            raise LiveServerError(f"server did not start in {timeout}s")
        time.sleep(0.01)


def wait_ready(
    process: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 90.0
) -> None:
    """Poll ``/ready`` of a ``diplograph serve`` subprocess until it answers 200; fail the
    test with the server's log if it exits or is not ready within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server was not ready in {timeout}s:\n{log.read_text()}")
