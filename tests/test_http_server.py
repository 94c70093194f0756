"""The HTTP server holds against slow and idle clients and shows nothing it need not, over real
HTTP against ``diplograph serve`` (a subprocess on the embedded store, no Neo4j):

* a request head (or a request body) that does not arrive in time gets the connection dropped;
* idle sockets beyond ``DIPLOGRAPH_MAX_CONNECTIONS`` are closed and never stop a request;
* no ``server`` banner; ``HEAD`` wherever ``GET`` is allowed; ``Allow`` lists it on a 405;
* ``/docs`` and ``/redoc`` load nothing from another host.

Every socket loop is bounded and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from live_server import wait_ready

pytestmark = pytest.mark.e2e

HEAD_TIMEOUT_S = 2.0
BODY_TIMEOUT_S = 2.0
SMALL_CAP = 64
KEEP_ALIVE_S = 3
SMALL_CONCURRENCY = 8
MARGIN_S = 1.5
STARTUP_TIMEOUT_S = 60.0
EXAMPLE_ARTICLE = "defensescoop-2025-01-us-algeria-mou"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve_command(port: int) -> list[str]:
    program = shutil.which("diplograph")
    head = [program] if program else [sys.executable, "-m", "api.cli.main"]
    return [*head, "serve", "--load-examples", "--host", "127.0.0.1", "--port", str(port)]


@contextmanager
def _serve(data_dir: Path, **settings: str) -> Iterator[str]:
    """``diplograph serve --load-examples`` on a free port with ``DIPLOGRAPH_<settings>``."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env.update({f"DIPLOGRAPH_{name.upper()}": value for name, value in settings.items()})
    env["DIPLOGRAPH_DATA_DIR"] = str(data_dir)
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _serve_command(port), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=data_dir
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base, log, STARTUP_TIMEOUT_S)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with short request timeouts (so the tests are quick), other settings default."""
    with _serve(
        tmp_path_factory.mktemp("server"),
        request_head_timeout_s=str(HEAD_TIMEOUT_S),
        request_body_timeout_s=str(BODY_TIMEOUT_S),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def patient_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose head timeout is long, so that only the connection cap closes sockets."""
    with _serve(
        tmp_path_factory.mktemp("patient"),
        request_head_timeout_s="120",
        keep_alive_timeout_s=str(KEEP_ALIVE_S),
        max_connections=str(SMALL_CAP),
        max_concurrent_requests=str(SMALL_CONCURRENCY),
    ) as url:
        yield url


def _connect(base: str) -> socket.socket:
    address = urlsplit(base)
    assert address.hostname == "127.0.0.1"
    return socket.create_connection((address.hostname, address.port or 80), timeout=5)


def _closed_by_server(sock: socket.socket) -> bool:
    """True if the server closed ``sock`` (EOF or reset), False if it is still open."""
    sock.setblocking(False)
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True
    finally:
        sock.setblocking(True)


def _seconds_until_closed(sock: socket.socket, limit_s: float, trickle: bytes = b"") -> float:
    """Seconds until the server closes ``sock``, sending one byte of ``trickle`` every 0.25 s;
    fails the test if it is still open after ``limit_s``."""
    start = time.monotonic()
    for byte in [trickle[i : i + 1] for i in range(len(trickle))] or [b""]:
        if _closed_by_server(sock):
            return time.monotonic() - start
        if byte:
            try:
                sock.sendall(byte)
            except ConnectionError:
                return time.monotonic() - start
        time.sleep(0.25)
        if time.monotonic() - start > limit_s:
            break
    while time.monotonic() - start <= limit_s:
        if _closed_by_server(sock):
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail(f"the server kept the connection open for more than {limit_s}s")


# Slow clients


SLOW_HEAD = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200


@pytest.mark.parametrize("trickle", [b"", SLOW_HEAD], ids=["silent", "trickling"])
def test_a_request_head_that_does_not_arrive_in_time_gets_the_connection_dropped(
    base_url: str, trickle: bytes
) -> None:
    with _connect(base_url) as sock:
        waited = _seconds_until_closed(sock, HEAD_TIMEOUT_S + MARGIN_S, trickle)
    # Trickling bytes does not extend the deadline; nor is the connection dropped early.
    assert HEAD_TIMEOUT_S - 0.5 <= waited <= HEAD_TIMEOUT_S + MARGIN_S


def test_the_head_deadline_applies_again_on_a_kept_alive_connection(base_url: str) -> None:
    with _connect(base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        trickle = b"GET /health HTTP/1.1\r\nX-Slow: " + b"a" * 200
        waited = _seconds_until_closed(sock, HEAD_TIMEOUT_S + MARGIN_S, trickle)
    assert waited <= HEAD_TIMEOUT_S + MARGIN_S


def test_an_idle_kept_alive_connection_closes_after_the_keep_alive_timeout(
    patient_url: str,
) -> None:
    with _connect(patient_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        waited = _seconds_until_closed(sock, KEEP_ALIVE_S + MARGIN_S)
    assert waited >= KEEP_ALIVE_S - 0.5


def test_a_stalled_request_body_gets_the_connection_dropped(base_url: str) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 1000\r\n\r\nSELECT * "
    )
    with _connect(base_url) as sock:
        sock.sendall(head)
        waited = _seconds_until_closed(sock, BODY_TIMEOUT_S + MARGIN_S)
    assert waited >= BODY_TIMEOUT_S - 0.5


def test_a_slow_but_steady_body_is_read(base_url: str) -> None:
    """The body timeout is a pause between reads, not a deadline for the whole body."""
    query = b"ASK { }"
    with _connect(base_url) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % len(query)
        )
        for byte in [query[i : i + 1] for i in range(len(query))]:
            time.sleep(BODY_TIMEOUT_S / 4)  # 7 bytes over 3.5 s, longer than the timeout
            sock.sendall(byte)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


def test_idle_connections_beyond_the_cap_are_closed_and_never_stop_a_request(
    patient_url: str,
) -> None:
    opened: list[socket.socket] = []
    try:
        for index in range(10 * SMALL_CAP):
            sock = _connect(patient_url)
            if index % 2:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # half a head
            opened.append(sock)
        # Give the server the time to accept them all.
        deadline = time.monotonic() + 15
        while (still_open := _count_open(opened)) > SMALL_CAP and time.monotonic() < deadline:
            time.sleep(0.1)
        assert still_open <= SMALL_CAP, f"{still_open} idle connections held"
        # With the cap full of idle connections, a new client is served at once.
        for _ in range(3):
            start = time.monotonic()
            answer = httpx.get(f"{patient_url}/articles", timeout=5)
            elapsed = time.monotonic() - start
            assert answer.status_code == 200
            assert elapsed < 1.0, f"a request took {elapsed:.2f}s behind {len(opened)} sockets"
    finally:
        for sock in opened:
            sock.close()


PENDING_BODY = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 1000\r\n\r\nSELECT"
)
"""A request whose head is complete and whose body never ends: it keeps its connection busy."""


@contextmanager
def _busy(base: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections busy with a request each, closed on exit; then waits (bounded)
    until the server answers normally again."""
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            opened.append(_connect(base))
            opened[-1].sendall(PENDING_BODY)
        time.sleep(0.5)  # let the server accept them and start the requests
        yield opened
    finally:
        for sock in opened:
            sock.close()
    deadline = time.monotonic() + 10
    while httpx.get(f"{base}/articles", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.1)


def test_over_the_concurrency_limit_requests_get_503_and_probes_still_answer(
    patient_url: str,
) -> None:
    with _busy(patient_url, SMALL_CONCURRENCY):
        refused = httpx.get(f"{patient_url}/articles", timeout=5)
        health = httpx.get(f"{patient_url}/health", timeout=5)
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "1"
    assert "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS" in refused.json()["detail"]
    assert health.status_code == 200


def test_when_every_connection_is_busy_a_new_one_gets_503_at_once(patient_url: str) -> None:
    with _busy(patient_url, SMALL_CAP), _connect(patient_url) as extra:
        start = time.monotonic()
        answer = b""
        while chunk := extra.recv(65536):
            answer += chunk
        elapsed = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 503 "), answer[:100]
    assert b"retry-after: 1" in answer.lower()
    assert b"DIPLOGRAPH_MAX_CONNECTIONS" in answer
    assert elapsed < 2.0


def _count_open(sockets: list[socket.socket]) -> int:
    return sum(not _closed_by_server(sock) for sock in sockets)


# What the server shows


def test_no_response_names_the_server_software(base_url: str) -> None:
    for method, path in [("GET", "/health"), ("GET", "/nowhere"), ("PUT", "/health")]:
        response = httpx.request(method, f"{base_url}{path}", timeout=10)
        assert "server" not in response.headers, (method, path)
        assert "x-powered-by" not in response.headers, (method, path)


GET_URLS = [
    "/health",
    "/ready",
    "/stats",
    "/articles",
    f"/articles/{EXAMPLE_ARTICLE}",
    "/entities?q=alg",
    "/entities/country/DZA",
    "/entities/country/DZA/neighbours",
    "/agreements?party=country/DZA",
    "/export/gexf",
    "/sparql?query=ASK%20%7B%7D",
    "/openapi.json",
    "/docs",
    "/redoc",
    "/docs-assets/swagger-ui.css",
    "/nowhere",
]


@pytest.mark.parametrize("path", GET_URLS)
def test_head_answers_like_get_without_a_body(base_url: str, path: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        got = client.get(path)
        head = client.head(path)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "content-disposition"):
        assert head.headers.get(name) == got.headers.get(name), name


ALLOWED = [
    ("PUT", "/health", {"GET", "HEAD"}),
    ("PATCH", "/articles", {"GET", "HEAD", "POST"}),
    ("PATCH", f"/articles/{EXAMPLE_ARTICLE}", {"GET", "HEAD", "DELETE"}),
    ("PUT", "/cypher", {"GET", "HEAD", "POST"}),
    ("DELETE", "/export/gexf", {"GET", "HEAD"}),
    ("POST", "/docs-assets/favicon.png", {"GET", "HEAD"}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ALLOWED)
def test_a_405_names_every_method_of_the_path_head_included(
    base_url: str, method: str, path: str, allowed: set[str]
) -> None:
    response = httpx.request(method, f"{base_url}{path}", timeout=10)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


LOADED_BY = {"script": "src", "link": "href", "img": "src", "iframe": "src", "redoc": "spec-url"}
"""The attribute through which each tag makes the browser fetch a URL."""


class _References(HTMLParser):
    """Every URL a page makes the browser load: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attribute = dict(attrs).get(LOADED_BY.get(tag, ""))
        if attribute:
            self.urls.append(attribute)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_nothing_from_another_host(base_url: str, page: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        html = client.get(page)
        assert html.status_code == 200
        parser = _References()
        parser.feed(html.text)
        assert any(url.endswith(".js") for url in parser.urls), parser.urls
        for url in parser.urls:
            absolute = urljoin(f"{base_url}{page}", url)
            assert urlsplit(absolute).netloc == urlsplit(base_url).netloc, url
            assert client.get(absolute).status_code == 200, url
    # Nor any other absolute URL in the page itself (inline scripts included).
    assert "http://" not in html.text and "https://" not in html.text
