"""The server process: launching it detached, recognising it, waiting for it to exit."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from graph.neo4j.local.layout import Neo4jLocalError, Paths

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
HEAP_SIZE = "1g"
PAGECACHE_SIZE = "512m"

JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)

# Run with the log file and the JVM command line as arguments: starts the JVM in a new session,
# prints its pid and exits, so the server is never the caller's child (no zombie, no tie to the
# calling terminal or test process).
_LAUNCHER = """\
import subprocess, sys
with open(sys.argv[1], "ab") as log:
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
print(child.pid)
"""


def neo4j_env(paths: Paths) -> dict[str, str]:
    """The environment for Neo4j's own tools and server."""
    return {**os.environ, "NEO4J_HOME": str(paths.home), "NEO4J_CONF": str(paths.conf_dir)}


def set_initial_password(paths: Paths, java: str, password: str) -> None:
    """Set the password of a database that has never started (``neo4j-admin`` equivalent)."""
    command = [java, "-cp", f"{paths.lib}/*", "org.neo4j.cli.AdminTool"]
    command += ["dbms", "set-initial-password", password]
    result = subprocess.run(
        command, env=neo4j_env(paths), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-2000:]
        raise Neo4jLocalError(f"setting the initial Neo4j password failed:\n{output}")


def launch(paths: Paths, java: str, heap_size: str = HEAP_SIZE) -> int:
    """Start the JVM detached, output to the console log; write the pid file and return the pid."""
    paths.log_file.parent.mkdir(parents=True, exist_ok=True)
    heap = [f"-Xms{heap_size}", f"-Xmx{heap_size}"]
    command = [java, *heap, *JVM_OPTIONS, "-cp", f"{paths.lib}/*", ENTRY_POINT]
    command += [f"--home-dir={paths.home}", f"--config-dir={paths.conf_dir}"]
    launcher = [sys.executable, "-c", _LAUNCHER, str(paths.log_file), *command]
    result = subprocess.run(
        launcher, env=neo4j_env(paths), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise Neo4jLocalError(f"could not launch {java}: {result.stderr.strip()}")
    pid = int(result.stdout.strip())
    paths.pid_file.write_text(f"{pid}\n")
    return pid


def pid_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        command = ["ps", "-ww", "-o", "command=", "-p", str(pid)]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.split()


def is_our_server(pid: int, paths: Paths) -> bool:
    """True when ``pid`` is a live Neo4j server of this installation (checked on its cmdline)."""
    if not pid_alive(pid):
        return False
    arguments = _cmdline(pid)
    return ENTRY_POINT in arguments and f"--home-dir={paths.home}" in arguments


def running_pid(paths: Paths) -> int | None:
    """The pid of this installation's server: from the pid file or, if that is stale, /proc."""
    with contextlib.suppress(FileNotFoundError, ValueError):
        pid = int(paths.pid_file.read_text().strip())
        if is_our_server(pid, paths):
            return pid
    proc = Path("/proc")
    candidates = [int(p.name) for p in proc.iterdir() if p.name.isdigit()] if proc.is_dir() else []
    return next((pid for pid in candidates if is_our_server(pid, paths)), None)


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to end; True when it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a text file ('' when it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def logs_tail(paths: Paths, lines: int = 30) -> str:
    """The end of the server log and of the console log, labelled, for error messages."""
    parts = []
    for log in (paths.server_log, paths.log_file):
        text = tail(log, lines)
        if text.strip():
            parts.append(f"--- {log}\n{text}")
    return "\n".join(parts) or "(the logs are empty)"
