"""Helpers of the fault-injection tests (``tests/test_faults.py``, ``tests/test_concurrency.py``).

* :class:`PrivateNeo4j` — a Neo4j server of the tests' own (its own cache dir and port, the
  shared jars), which they may kill with SIGKILL and restart. The shared server the other tests
  use is never touched.
* :class:`PauseBeforeRelationships` — holds a projection transaction open in the middle (the
  nodes written, the relationships not yet) until the test says go, so a fault lands inside it.
* :func:`write_sheets` — synthetic fact sheets from ``bench/generate.py`` as JSON files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from neo4j import Driver, GraphDatabase

from graph.backends import BackendConfig, Backends, open_backends
from graph.neo4j import local as neo4j_local
from graph.neo4j.local import install, process
from graph.neo4j.local.layout import Paths
from graph.neo4j.local.manager import port_is_free
from graph.neo4j.projection import WRITE_RELATIONSHIPS, Neo4jProjection
from tests.storeutil import PropertyGraphDump, neo4j_dump, nquads_lines

ROOT = Path(__file__).resolve().parents[1]
_DELETE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"

# ------------------------------------------------------------------------------ synthetic sheets


def bench_generator() -> ModuleType:
    """``bench/generate.py``, imported by path (``bench`` is not a package)."""
    name = "bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def write_sheets(
    directory: Path, count: int, *, seed: int = 1, title_suffix: str = ""
) -> list[Path]:
    """``count`` synthetic sheets of one world as JSON files; their paths, in article order.

    ``title_suffix`` is appended to every title: a changed version of the same articles.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for article_id, sheet in bench_generator().generate(count, seed):
        sheet["article"]["title"] += title_suffix
        path = directory / f"{article_id}.json"
        path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------ store snapshots


@dataclass(frozen=True)
class StoresState:
    """Both stores' canonical content: sorted N-Quads lines and the Neo4j dump."""

    rdf: list[str]
    neo4j: PropertyGraphDump

    @classmethod
    def of(cls, backends: Backends) -> StoresState:
        """Read both stores of ``backends`` (Neo4j must be configured)."""
        projection = backends.store.projection
        assert isinstance(projection, Neo4jProjection)
        return cls(
            nquads_lines(backends.rdf.dump()), neo4j_dump(projection.driver, projection.database)
        )


def clear_database(driver: Driver, database: str = "neo4j") -> None:
    """Delete every node and relationship, in batches."""
    while True:
        records, _, _ = driver.execute_query(_DELETE_BATCH, database_=database)
        if records[0]["deleted"] == 0:
            return


# ------------------------------------------------------------------------------ private Neo4j


@dataclass
class PrivateNeo4j:
    """A local Neo4j of the tests' own, in ``cache_dir``, always on the same port."""

    cache_dir: Path
    heap_size: str = "512m"
    pagecache_size: str = "128m"
    port: int = 0
    instance: neo4j_local.LocalNeo4j | None = None
    restarts: list[float] = field(default_factory=list)
    """Seconds each :meth:`restart` took, until Bolt accepted the password again."""

    def __post_init__(self) -> None:
        self.cache_dir = Path(self.cache_dir)

    def reuse_jars(self, shared_cache: Path) -> None:
        """Link the jars of ``shared_cache`` when they are installed (else ``start`` copies them
        from the local Maven repository)."""
        if install.is_installed(shared_cache):
            mine = Paths.of(self.cache_dir)
            mine.root.mkdir(parents=True, exist_ok=True)
            if not mine.lib.exists():
                mine.lib.symlink_to(Paths.of(shared_cache).lib, target_is_directory=True)

    def start(self, timeout: float = 180.0) -> float:
        """Start (or find) the server, on the port of the first start; seconds it took."""
        started = time.monotonic()
        self.instance = neo4j_local.start(
            self.cache_dir,
            port=self.port,
            timeout=timeout,
            progress=lambda _message: None,
            heap_size=self.heap_size,
            pagecache_size=self.pagecache_size,
        )
        self.port = int(self.instance.uri.rsplit(":", 1)[1])
        return time.monotonic() - started

    @property
    def connection(self) -> tuple[str, str, str]:
        """(uri, user, password)."""
        assert self.instance is not None, "not started"
        return self.instance.uri, self.instance.user, self.instance.password

    def pid(self) -> int | None:
        """The server's pid as the manager reports it (None when it does not run)."""
        return neo4j_local.status(self.cache_dir).pid

    def kill(self) -> int:
        """SIGKILL the server (no shutdown, no checkpoint) and wait until it is gone."""
        pid = self.pid()
        assert pid is not None, "the private Neo4j is not running"
        os.kill(pid, signal.SIGKILL)
        assert process.wait_for_exit(pid, 30), f"Neo4j pid {pid} survived SIGKILL"
        # The JVM's main thread turns zombie while its other threads still hold the listening
        # socket (measured: up to ~0.5 s); starting again before it is closed would find the
        # port taken.
        deadline = time.monotonic() + 30
        while not port_is_free(self.port):
            assert time.monotonic() < deadline, f"port {self.port} still taken after the kill"
            time.sleep(0.05)
        return pid

    def restart(self) -> float:
        """Start again after :meth:`kill` (same data, port and password); records the time."""
        seconds = self.start()
        self.restarts.append(seconds)
        return seconds

    def ensure_running(self) -> None:
        """Restart the server if a test left it dead."""
        if self.pid() is None:
            self.restart()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        neo4j_local.stop(self.cache_dir, timeout=30)

    @contextmanager
    def driver(self) -> Iterator[Driver]:
        """A driver of its own (the tests' view, not the app's)."""
        uri, user, password = self.connection
        with GraphDatabase.driver(uri, auth=(user, password)) as driver:
            yield driver

    def backend_config(self, data_dir: Path | None) -> BackendConfig:
        """What the app would be configured with, Oxigraph in ``data_dir``."""
        uri, user, password = self.connection
        return BackendConfig(
            data_dir=data_dir, neo4j_uri=uri, neo4j_user=user, neo4j_password=password
        )

    @contextmanager
    def backends(self, data_dir: Path | None) -> Iterator[Backends]:
        """The production wiring (``open_backends``) on this server, schema created."""
        backends = open_backends(self.backend_config(data_dir))
        try:
            backends.store.ensure_schema()
            yield backends
        finally:
            backends.close()


# ------------------------------------------------------------------------------ fault triggers


def wait_for_pause(reached: threading.Event, work: Background, timeout: float) -> None:
    """Wait until ``reached`` is set; fail at once if ``work`` ends before it."""
    deadline = time.monotonic() + timeout
    while not reached.wait(0.1):
        assert not work.done, f"the work ended before the pause: {work.error!r}"
        assert time.monotonic() < deadline, f"the pause was not reached within {timeout} s"


class _PausingTransaction:
    """A managed transaction that calls ``before_relationships`` before writing them."""

    def __init__(self, tx: Any, before_relationships: Callable[[], None]) -> None:
        self._tx = tx
        self._before_relationships = before_relationships

    def run(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if query == WRITE_RELATIONSHIPS:
            self._before_relationships()
        return self._tx.run(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


class PauseBeforeRelationships:
    """Pause the first projection transaction after its nodes are sent, before its relationships.

    At that point the load has replaced the article graphs in Oxigraph, and Neo4j holds an open
    transaction with the new nodes written but not committed: the worst moment for Neo4j to die.
    ``reached`` is set there; the transaction goes on once ``resume`` is set. Later transactions
    (the driver's retries) are not paused.
    """

    def __init__(self, timeout: float = 300.0) -> None:
        self.reached = threading.Event()
        self.resume = threading.Event()
        self.timeout = timeout
        self._armed = True

    @contextmanager
    def installed(self, projection: Neo4jProjection) -> Iterator[PauseBeforeRelationships]:
        """Wrap the projection's transaction function for the block; on leaving it, let a
        paused transaction go on (a failing test never leaves the load hanging)."""
        original = projection._apply

        def apply(tx: Any, *args: Any) -> None:
            original(cast(Any, _PausingTransaction(tx, self._pause)), *args)

        projection._apply = apply  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            self.resume.set()
            del projection._apply

    def wait_reached(self, load: Background, timeout: float) -> None:
        """Wait until the pause is reached; fail at once if ``load`` ends before it."""
        wait_for_pause(self.reached, load, timeout)

    def _pause(self) -> None:
        if self._armed:
            self._armed = False
            self.reached.set()
            self.resume.wait(self.timeout)


class PauseAtCall:
    """Pause the ``nth`` call (1-based) of a method of one object until ``resume`` is set."""

    def __init__(self, nth: int, timeout: float = 300.0) -> None:
        self.nth = nth
        self.calls = 0
        self.reached = threading.Event()
        self.resume = threading.Event()
        self.timeout = timeout

    @contextmanager
    def installed(self, target: Any, name: str) -> Iterator[PauseAtCall]:
        """Wrap ``target.name`` for the block; leaving it lets a paused call go on."""
        original = getattr(target, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.nth:
                self.reached.set()
                self.resume.wait(self.timeout)
            return original(*args, **kwargs)

        setattr(target, name, wrapper)
        try:
            yield self
        finally:
            self.resume.set()
            delattr(target, name)

    def wait_reached(self, work: Background, timeout: float) -> None:
        """Wait until the paused call is reached; fail at once if ``work`` ends before it."""
        wait_for_pause(self.reached, work, timeout)


class Background:
    """Run ``function(*args)`` in a thread; keeps its result or the exception it raised."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True)

    def _run(self, function: Callable[..., Any], args: Sequence[Any]) -> None:
        started = time.monotonic()
        try:
            self.result = function(*args)
        except BaseException as error:  # reported to the test
            self.error = error
        finally:
            self.seconds = time.monotonic() - started

    def start(self) -> Background:
        """Start the thread."""
        self._thread.start()
        return self

    @property
    def done(self) -> bool:
        """Whether the function has returned or raised."""
        return self._thread.ident is not None and not self._thread.is_alive()

    def join(self, timeout: float) -> None:
        """Wait for the thread; fail when it is still running after ``timeout`` seconds."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"still running after {timeout} s"
