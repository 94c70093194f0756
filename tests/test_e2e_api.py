"""End to end: ``diplograph serve --load-examples`` as a subprocess on 127.0.0.1 over the Neo4j
of the tests, called over HTTP with httpx, then stopped with SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from live_server import wait_ready
from neo4j import Driver
from test_api_support import (
    CHANEGRIHA,
    DZA,
    LANGLEY,
    MLI,
    RUS,
    SOVIET_UNION,
    USA,
    WAGNER,
    named_parameters,
    problem,
)

STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_command(port: int) -> list[str]:
    """``diplograph serve`` (the console script, else the module)."""
    program = shutil.which("diplograph")
    head = [program] if program else [sys.executable, "-m", "api.cli.main"]
    return [*head, "serve", "--load-examples", "--host", "127.0.0.1", "--port", str(port)]


def server_env(connection: tuple[str, str, str], data_dir: Path) -> dict[str, str]:
    """The environment of the server: the tests' Neo4j and a fresh data directory."""
    uri, user, password = connection
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env.update(
        DIPLOGRAPH_NEO4J_URI=uri,
        DIPLOGRAPH_NEO4J_USER=user,
        DIPLOGRAPH_NEO4J_PASSWORD=password,
        DIPLOGRAPH_DATA_DIR=str(data_dir),
        DIPLOGRAPH_CACHE_DIR=os.environ.get("DIPLOGRAPH_CACHE_DIR", str(data_dir / "cache")),
    )
    return env


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, wait for a clean exit (SIGKILL after ``STOP_TIMEOUT``); the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
            pytest.fail(f"the server ignored SIGTERM for {STOP_TIMEOUT}s")
    return process.returncode


@pytest.fixture
def server(
    clean_neo4j: Driver, neo4j_connection: tuple[str, str, str], tmp_path: Path
) -> Iterator[str]:
    """The base URL of a served API over a cleared Neo4j; stopped cleanly afterwards."""
    port = free_port()
    log_path = tmp_path / "server.log"
    log: IO[bytes] = log_path.open("wb")
    process = subprocess.Popen(
        serve_command(port),
        env=server_env(neo4j_connection, tmp_path / "data"),
        cwd=tmp_path,  # no stray .env file
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(process, base, log_path, STARTUP_TIMEOUT)
        yield base
        code = stop(process)
        # uvicorn shuts down gracefully, then re-raises the signal it caught: -SIGTERM is clean.
        assert code in (0, -signal.SIGTERM), f"exit code {code}:\n{log_path.read_text()}"
        assert "Application shutdown complete" in log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()


def test_served_api_over_neo4j(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        ready = client.get("/ready").json()
        assert ready["stores"]["neo4j"] == {"ready": True, "configured": True, "detail": None}
        assert client.get("/stats").json()["nodes"] > 0

        links = client.get("/links", params={"a": DZA, "b": RUS, "k": 3})
        assert links.status_code == 200, links.text
        body = links.json()
        ranked = {i["entity"]["id"] for i in body["intermediaries"]}
        assert {WAGNER, USA, SOVIET_UNION} <= ranked
        assert MLI not in ranked  # reached only through a claim about the Sahel (inferred)
        for actor in (WAGNER, USA, SOVIET_UNION):
            touching = [e for e in body["edges"] if actor in (e["source"], e["target"])]
            assert any(ev["quote"] for e in touching for ev in e["evidence"]), actor

        agreements = client.get("/agreements", params={"party": DZA}).json()
        (mou,) = agreements["items"]
        assert {s["id"] for s in mou["signatories"]} == {LANGLEY, CHANEGRIHA}

        detail = client.get(f"/entities/{DZA}")
        assert detail.status_code == 200 and detail.json()["iso_code"] == "DZA"
        cy = client.get(f"/entities/{DZA}/neighbours", params={"format": "cytoscape"}).json()
        assert cy["elements"]["nodes"][0]["data"]["id"] == DZA

        problem(client.get("/entities/country/ZZZ"), 404)
        for query, parameter in (("k=0", "k"), ("k=100", "k"), ("since=2025-13-45", "since")):
            body = problem(client.get(f"/links?a={DZA}&b={RUS}&{query}"), 422)
            assert parameter in named_parameters(body)

        assert "/links" in client.get("/openapi.json").json()["paths"]
