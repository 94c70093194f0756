"""Worker processes for untrusted SPARQL, and the read-only snapshots they query.

:class:`WorkerPool` hands one job at a time to a worker process (:mod:`graph.rdf.sparql_worker`)
and waits for it until the deadline; past it the worker is killed (SIGKILL: the only way to stop
pyoxigraph mid-query) and replaced. A worker that dies on its own (stack overflow, abort on a
failed allocation) costs its query only (:class:`~graph.errors.QueryAborted`) and is replaced.
Workers are started from a ``forkserver`` (never forked from the threaded server), which has
already imported pyoxigraph and rdflib, so a replacement is ready in tens of milliseconds.

:class:`Snapshots` gives the workers a consistent read-only copy of the store per store
generation, made when a query arrives and the generation changed: an on-disk store is
checkpointed (``Store.backup``: hard links, cheap) into ``<data dir>/sparql-snapshots``, opened by
the workers with ``Store.read_only`` (safe: nobody writes a checkpoint); an in-memory store is
dumped to an N-Quads file the workers load. A snapshot is deleted once it is not current and no
worker holds it.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import errors
from graph.rdf.sparql_check import CheckedQuery
from graph.rdf.sparql_worker import Job, Outcome, Snapshot, WorkerConfig, serve

log = logging.getLogger("diplograph.rdf.sparql_service")

START_TIMEOUT_S = 60.0
"""How long a new worker may take to say it is ready."""
SNAPSHOT_DIR = "sparql-snapshots"


class Snapshots:
    """Read-only copies of ``store`` for the workers, one per generation, reference counted."""

    def __init__(
        self, store: ox.Store, generation: Callable[[], int], data_dir: Path | None
    ) -> None:
        self._store: ox.Store | None = store
        self._generation = generation
        self._on_disk = data_dir is not None
        if data_dir is not None:
            self.directory = data_dir / SNAPSHOT_DIR
            shutil.rmtree(self.directory, ignore_errors=True)  # left over by a crash
            self.directory.mkdir(parents=True)
        else:
            self.directory = Path(tempfile.mkdtemp(prefix="diplograph-sparql-"))
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._current_generation = -1
        self._users: dict[int, set[int]] = {}
        self._next_id = 0
        self.last_cost_s = 0.0
        """Seconds the last snapshot took to make."""

    def current(self) -> Snapshot:
        """The snapshot of the store as it is now (made when the generation changed)."""
        with self._lock:
            generation = self._generation()  # read first: a write during the copy bumps it
            if self._current is None or generation != self._current_generation:
                self._replace(self._make(), generation)
            assert self._current is not None
            return self._current

    def latest(self) -> int | None:
        """The id of the newest snapshot made (None before the first), without making one."""
        current = self._current
        return current.id if current is not None else None

    def _make(self) -> Snapshot:
        if self._store is None:
            raise errors.StoreUnavailable("the SPARQL service is closed")
        started = time.perf_counter()
        self._next_id += 1
        path = self.directory / f"{self._next_id}{'' if self._on_disk else '.nq'}"
        try:
            if self._on_disk:
                self._store.backup(str(path))
            else:
                self._store.dump(str(path), format=ox.RdfFormat.N_QUADS)
        except OSError as error:
            message = f"cannot snapshot the store for SPARQL: {error}"
            raise errors.StoreUnavailable(message) from None
        self.last_cost_s = time.perf_counter() - started
        return Snapshot(self._next_id, str(path), "rocksdb" if self._on_disk else "nquads")

    def _replace(self, snapshot: Snapshot, generation: int) -> None:
        old = self._current
        self._current, self._current_generation = snapshot, generation
        self._users[snapshot.id] = set()
        if old is not None:
            self._collect(old)

    def hold(self, snapshot: Snapshot, worker: int, previous: Snapshot | None) -> None:
        """Note that ``worker`` now holds ``snapshot`` (and no longer ``previous``)."""
        with self._lock:
            self._users.setdefault(snapshot.id, set()).add(worker)
            if previous is not None and previous.id != snapshot.id:
                self._users.get(previous.id, set()).discard(worker)
                self._collect(previous)

    def release(self, snapshot: Snapshot | None, worker: int) -> None:
        """``worker`` is gone; delete ``snapshot`` if nobody else needs it."""
        if snapshot is not None:
            with self._lock:
                self._users.get(snapshot.id, set()).discard(worker)
                self._collect(snapshot)

    def _collect(self, snapshot: Snapshot) -> None:
        """Delete ``snapshot`` when it is not current and no worker holds it (lock held)."""
        current = self._current
        if (current is None or snapshot.id != current.id) and not self._users.get(snapshot.id):
            self._users.pop(snapshot.id, None)
            _remove(Path(snapshot.path))

    def close(self) -> None:
        """Delete every snapshot and let go of the store: the caller may open its data
        directory again at once (RocksDB allows one open store per directory and process)."""
        with self._lock:
            self._store = None
            self._generation = _closed
        shutil.rmtree(self.directory, ignore_errors=True)


def _closed() -> int:
    """The generation of a closed service's store (never used to make a snapshot)."""
    return -1


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass
class _Slot:
    """One worker process (None until started, or after it died)."""

    number: int
    process: BaseProcess | None = None
    conn: Connection | None = None
    holding: Snapshot | None = None


class WorkerPool:
    """``size`` worker processes; :meth:`run` evaluates one job on one of them."""

    def __init__(
        self,
        size: int,
        config: WorkerConfig,
        snapshots: Snapshots,
        on_checked: Callable[[str, CheckedQuery], None],
    ) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["graph.rdf.sparql_worker"])
        self._config = config
        self._snapshots = snapshots
        self._on_checked = on_checked
        self._idle: queue.LifoQueue[_Slot] = queue.LifoQueue()
        self._slots = [_Slot(number) for number in range(size)]
        for slot in reversed(self._slots):
            self._idle.put(slot)
        self._closed = False
        self._preparing: tuple[Callable[[Snapshot], Job], float] | None = None
        """What :meth:`prepare` runs, once it was called (see :meth:`_release`)."""
        self.isolation: str | None = None
        """Why workers could not leave the network, or None when they did (or none started)."""
        self.replaced = 0
        """Workers killed (time-out) or dead (crash) and replaced so far."""

    def run(self, job: Callable[[Snapshot], Job], deadline: float, timeout: float) -> Outcome:
        """Run the job on a free worker; QueryTimeout past ``deadline`` (the worker is killed),
        StoreUnavailable when no worker frees up in time, QueryAborted when the worker died."""
        try:
            slot = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise errors.StoreUnavailable(
                "every SPARQL worker is busy; retry in a few seconds", retry_after=5.0
            ) from None
        try:
            return self._run(slot, job, deadline, timeout)
        finally:
            if slot.process is None:  # killed or dead: hand it back once a replacement is up
                threading.Thread(target=self._replace, args=(slot,), daemon=True).start()
            else:
                self._release(slot)

    def _replace(self, slot: _Slot) -> None:
        """Start a worker in ``slot``, then make the slot available again."""
        try:
            if not self._closed:
                self._started(slot)
        except errors.GraphError as error:  # the next query that gets the slot tries again
            if not self._closed:
                log.warning("could not start a SPARQL worker: %s", error)
        finally:
            self._idle.put(slot)

    def _run(
        self, slot: _Slot, make_job: Callable[[Snapshot], Job], deadline: float, timeout: float
    ) -> Outcome:
        conn = self._started(slot)
        snapshot = self._snapshots.current()
        job = make_job(snapshot)
        previous, slot.holding = slot.holding, snapshot
        self._snapshots.hold(snapshot, slot.number, None)
        try:
            conn.send(job)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not _readable(conn, slot.process, remaining):
                    self._discard(slot, previous)
                    raise errors.QueryTimeout(
                        f"the query did not finish within {timeout:g} s", timeout=timeout
                    )
                if not conn.poll(0):  # the worker ended without a word
                    raise EOFError
                kind, payload = conn.recv()
                if kind == "checked":
                    self._on_checked(job.text, payload)
                    continue
                self._snapshots.hold(snapshot, slot.number, previous)
                return payload  # type: ignore[no-any-return]
        except (EOFError, OSError):
            code = self._discard(slot, previous)
            raise errors.QueryAborted(
                "the query exceeded the SPARQL engine's limits (memory or stack) and its worker "
                f"process died ({_exit(code)}); simplify the query"
            ) from None

    def _started(self, slot: _Slot) -> Connection:
        """The pipe of the slot's worker, starting one if there is none."""
        if slot.process is not None and slot.process.is_alive() and slot.conn is not None:
            return slot.conn
        if slot.process is not None:
            self._discard(slot, slot.holding)
        conn = self._start(slot)
        if self._closed:  # closed while it started: do not leave it behind
            self._discard(slot, None)
            raise errors.StoreUnavailable("the SPARQL service is shutting down")
        return conn

    def _start(self, slot: _Slot) -> Connection:
        """Start a worker process in ``slot`` and wait until it is ready."""
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(child, self._config), name=f"sparql-worker-{slot.number}"
        )
        process.daemon = True
        process.start()
        child.close()
        if not _readable(parent, process, START_TIMEOUT_S):
            process.kill()
            process.join(1)
            parent.close()
            raise errors.StoreUnavailable("a SPARQL worker did not start in time")
        try:
            if not parent.poll(0):
                raise EOFError
            _, note = parent.recv()
        except (EOFError, OSError):
            process.kill()
            process.join(1)
            parent.close()
            raise errors.StoreUnavailable("a SPARQL worker failed to start") from None
        if note and self.isolation is None:
            log.warning(
                "SPARQL workers keep network access: %s; SERVICE is refused by the "
                "parser check only",
                note,
            )
        self.isolation = note
        slot.process, slot.conn = process, parent
        return parent

    def _discard(self, slot: _Slot, previous: Snapshot | None) -> int | None:
        """Kill the slot's worker (if alive), forget it and its snapshots; its exit code."""
        process, conn = slot.process, slot.conn
        slot.process = slot.conn = None
        code = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            code = process.exitcode
            self.replaced += 1
        if conn is not None:
            conn.close()
        self._snapshots.release(slot.holding, slot.number)
        self._snapshots.release(previous, slot.number)
        slot.holding = None
        return code

    def _take_idle(self) -> list[_Slot]:
        """Every idle slot, taken off the idle queue (the caller hands each one back)."""
        slots = []
        while True:
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                return slots

    def warm(self) -> None:
        """Start every worker in the background (so the first queries do not wait for them)."""
        slots = self._take_idle()
        for slot in slots:
            threading.Thread(target=self._replace, args=(slot,), daemon=True).start()

    def prepare(self, make_job: Callable[[Snapshot], Job], timeout: float) -> None:
        """Have every idle worker run ``make_job`` on the current snapshot, in the background.

        After a write, each worker's next query would first open the new snapshot (a RocksDB
        open, ~0.1 s and more on a busy machine): done here right after the write instead,
        while the queries that arrive meanwhile take the workers that are not preparing."""
        self._preparing = (make_job, timeout)
        slots = self._take_idle()
        for slot in slots:
            threading.Thread(target=self._prepare, args=(slot,), daemon=True).start()

    def _prepare(self, slot: _Slot) -> None:
        """Open the current snapshot in ``slot``'s worker, then hand the slot back."""
        assert self._preparing is not None
        make_job, timeout = self._preparing
        try:
            if not self._closed:
                self._run(slot, make_job, time.monotonic() + timeout, timeout)
        except errors.GraphError as error:  # the next query on this worker opens it instead
            log.info("a SPARQL worker could not prepare the new snapshot: %s", error)
            if slot.process is not None:
                self._idle.put(slot)
                return
        if slot.process is None:
            self._replace(slot)  # hands the slot back once a replacement is up
        else:
            self._release(slot)

    def _release(self, slot: _Slot) -> None:
        """Hand a slot back; one busy when the store last changed first opens the new
        snapshot (when :meth:`prepare` is in use)."""
        latest = self._snapshots.latest()
        stale = slot.holding is not None and latest is not None and slot.holding.id != latest
        if stale and self._preparing is not None and not self._closed:
            threading.Thread(target=self._prepare, args=(slot,), daemon=True).start()
        else:
            self._idle.put(slot)

    def held(self) -> list[int | None]:
        """The snapshot each idle worker holds open (None: none yet)."""
        return [s.holding.id if s.holding else None for s in list(self._idle.queue)]

    def pids(self) -> list[int]:
        """Process ids of the running workers (idle ones; a busy one is not listed)."""
        slots = list(self._idle.queue)
        return [s.process.pid for s in slots if s.process is not None and s.process.pid]

    def stats(self) -> dict[str, Any]:
        """Worker counts and isolation, for ``/ready`` and the benchmark."""
        return {
            "replaced": self.replaced,
            "network_isolated": self.isolation is None,
            "isolation_note": self.isolation,
        }

    def close(self) -> None:
        """Stop every worker, idle or busy (at shutdown); no new ones start after this."""
        self._closed = True
        for slot in self._slots:
            self._discard(slot, None)


def _readable(conn: Connection, process: BaseProcess | None, timeout: float) -> bool:
    """Wait until ``conn`` has a message or the process ended (then reading it fails at once:
    the forkserver may hold the other end of the pipe, so a dead worker is no EOF)."""
    waitables: list[Any] = [conn] if process is None else [conn, process.sentinel]
    return bool(wait(waitables, timeout))


def _exit(code: int | None) -> str:
    """How a worker ended, in words."""
    if code is None:
        return "no exit status"
    if code < 0:
        import signal

        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"
