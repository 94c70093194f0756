"""A benchmark's ``diplograph serve`` child: a free port, and waiting for it to be ready
(shared by the benches)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(
    child: subprocess.Popen[bytes], url: str, log: Path, seconds: float, poll: float = 0.2
) -> None:
    """Poll ``{url}/ready`` until it answers 200; RuntimeError naming ``log`` if the child
    exits or is not ready within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if httpx.get(f"{url}/ready", timeout=max(2.0, poll * 10)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(poll)
    raise RuntimeError(f"the server did not start; see {log}")
