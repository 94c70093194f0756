"""The SPARQL worker process: checks and evaluates one untrusted query at a time.

Runs in a child process started by :mod:`graph.rdf.sparql_pool` (multiprocessing ``forkserver``), so
that whatever a query does to it — a stack overflow in pyoxigraph's parser, an abort on a failed
allocation, a runaway sort — costs this process only. At start it

* leaves the network: ``unshare(CLONE_NEWNET)`` (as root), else ``CLONE_NEWUSER|CLONE_NEWNET``
  (unprivileged user namespaces); in the new namespace there is no interface but a down loopback,
  so no connection can leave even if a ``SERVICE`` got past the parser check. When both fail the
  reason is reported to the pool (which logs it once and shows it in its stats);
* caps its address space (``RLIMIT_AS``) so a memory blow-up fails here;
* evaluates each query in a thread with a large stack (the parser and engine recurse).

Each query is checked by :func:`graph.rdf.sparql_check.check_query` before pyoxigraph sees it
(unless the pool already holds the check's verdict for that exact text), then evaluated on a
read-only snapshot of the store, and the bounded, serialised result is sent back.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import pyoxigraph as ox

from graph.errors import GraphError, NotAcceptable, QueryError, ResultTooLarge, StoreUnavailable
from graph.rdf.sparql_check import CheckedQuery, CheckLimits, check_query
from graph.rdf.sparql_formats import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    pick,
    write_boolean,
    write_solutions,
    write_triples,
)

T = TypeVar("T")

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
STACK_BYTES = 256 * 1024 * 1024
"""Stack of the thread that parses and evaluates (the default 8 MiB overflows on deep queries)."""
RECURSION_LIMIT = 20_000


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker is started with."""

    memory_bytes: int
    """RLIMIT_AS of the worker (0: no limit)."""
    limits: CheckLimits = field(default_factory=CheckLimits)


@dataclass(frozen=True)
class Snapshot:
    """A read-only copy of the store: a RocksDB checkpoint, or an N-Quads file (in-memory store)."""

    id: int
    path: str
    kind: str
    """``rocksdb`` or ``nquads``."""


@dataclass(frozen=True)
class Job:
    """One query for a worker."""

    text: str
    snapshot: Snapshot
    cap: int
    options: dict[str, Any]
    """Dataset: ``default_graph``/``named_graphs`` IRIs, or empty (the worker decides)."""
    prefixes: dict[str, str]
    media_type: str | None = None
    """The requested media type; the form's default when None or of the other family."""
    negotiated: tuple[str | None, str | None] | None = None
    """(for SELECT/ASK, for CONSTRUCT/DESCRIBE) as the HTTP layer negotiated them: None in the
    form's slot means nothing acceptable (NotAcceptable); overrides ``media_type``."""
    checked: CheckedQuery | None = None
    """The parser check's verdict on this text, when the pool already has it."""


@dataclass(frozen=True)
class Outcome:
    """A worker's answer: a result or an error (re-raised by the pool)."""

    body: bytes = b""
    media_type: str = ""
    form: str = ""
    count: int = 0
    error: str | None = None
    """Class name of the graph error, None on success."""
    message: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------ process set-up


def drop_network() -> str | None:
    """Move this process into a network namespace of its own; the reason it failed, or None."""
    libc = ctypes.CDLL(None, use_errno=True)
    reasons = []
    for flags, what in ((CLONE_NEWNET, "CLONE_NEWNET"), (CLONE_NEWUSER | CLONE_NEWNET, "userns")):
        if libc.unshare(flags) == 0:
            return None
        reasons.append(f"{what}: {os.strerror(ctypes.get_errno())}")
    return "unshare failed (" + "; ".join(reasons) + ")"


def limit_memory(memory_bytes: int) -> None:
    """Cap the address space so an allocation past it fails in this process."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def serve(conn: Connection, config: WorkerConfig) -> None:
    """The worker's main loop: isolate, say ready, then answer jobs until the pipe closes."""
    note = drop_network()
    limit_memory(config.memory_bytes)
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    conn.send(("ready", note))
    worker = _Worker(conn, config)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        outcome: list[Outcome] = []
        thread = threading.Thread(target=worker.run, args=(job, outcome), name="query")
        thread.start()
        thread.join()
        conn.send(("done", outcome[0] if outcome else _failure("the worker thread failed")))


def _failure(message: str) -> Outcome:
    return Outcome(error="QueryAborted", message=message)


# ------------------------------------------------------------------------------------ the work


class _Worker:
    """The open snapshot and the evaluation of one job."""

    def __init__(self, conn: Connection, config: WorkerConfig) -> None:
        self._conn = conn
        self._config = config
        self._snapshot: Snapshot | None = None
        self._store: ox.Store | None = None

    def run(self, job: Job, into: list[Outcome]) -> None:
        """Check, evaluate and serialise ``job`` into ``into``; errors become an Outcome."""
        into.append(self._outcome(job))

    def _outcome(self, job: Job) -> Outcome:
        try:
            checked = job.checked or check_query(job.text, self._config.limits)
            if job.checked is None:
                self._conn.send(("checked", checked))
            return self._evaluate(job, checked)
        except GraphError as error:
            return Outcome(
                error=type(error).__name__, message=error.message, attributes=_attributes(error)
            )
        except MemoryError:
            return _failure("the query needed more memory than a SPARQL worker may use")
        except RecursionError:
            return _failure("the query is nested too deeply for the SPARQL engine")

    def _open(self, snapshot: Snapshot) -> ox.Store:
        """The store of ``snapshot`` (the previous one is closed)."""
        if self._store is not None and self._snapshot == snapshot:
            return self._store
        self._store = self._snapshot = None
        try:
            if snapshot.kind == "rocksdb":
                store = ox.Store.read_only(snapshot.path)
            else:
                store = ox.Store()
                store.bulk_load(path=snapshot.path, format=ox.RdfFormat.N_QUADS)
        except (OSError, ValueError, SyntaxError) as error:
            raise StoreUnavailable(f"the SPARQL worker cannot open the store: {error}") from None
        self._store, self._snapshot = store, snapshot
        return store

    def _evaluate(self, job: Job, checked: CheckedQuery) -> Outcome:
        """Run the query in the engine, take at most ``job.cap`` results, serialise them."""
        returns_graph = checked.form in ("CONSTRUCT", "DESCRIBE")
        media_type = _media_type(job, checked.form, returns_graph)
        # No dataset in the request: the store's own, whose default graph is the set union of
        # the article graphs (graph.rdf.union; the query's FROM clauses replace it if any).
        options = job.options
        store = self._open(job.snapshot)
        try:
            results = store.query(job.text, **_dataset(options))
            if isinstance(results, ox.QueryBoolean):
                fmt, mime = pick(SOLUTION_MEDIA_TYPES, media_type)
                return Outcome(write_boolean(bool(results), fmt), mime, "ASK", 1)
            if isinstance(results, ox.QuerySolutions):
                variables = [variable.value for variable in results.variables]
                rows = [list(solution) for solution in _take(results, job.cap)]
                fmt, mime = pick(SOLUTION_MEDIA_TYPES, media_type)
                return Outcome(write_solutions(variables, rows, fmt), mime, "SELECT", len(rows))
            triples = _take(results, job.cap)
            rdf_format, mime = pick(GRAPH_MEDIA_TYPES, media_type)
            body = write_triples(triples, rdf_format, {**job.prefixes, **checked.prefixes})
            return Outcome(body, mime, checked.form if returns_graph else "CONSTRUCT", len(triples))
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {str(error.msg)[:300]}") from None
        except ValueError as error:
            raise QueryError(str(error)[:300]) from None
        except OSError as error:
            raise StoreUnavailable(f"the RDF store failed: {error}") from None


def _media_type(job: Job, form: str, returns_graph: bool) -> str | None:
    """The media type to write: the negotiated one for this form, else the requested one."""
    if job.negotiated is None:
        return job.media_type
    chosen = job.negotiated[1 if returns_graph else 0]
    if chosen is None:
        offered = GRAPH_MEDIA_TYPES if returns_graph else SOLUTION_MEDIA_TYPES
        raise NotAcceptable(
            f"cannot answer a {form} query in the requested format; acceptable: "
            + ", ".join(offered)
        )
    return chosen


def _dataset(options: dict[str, Any]) -> dict[str, Any]:
    """pyoxigraph's keyword arguments for ``options`` (graph IRIs become NamedNodes)."""
    if "default_graph" not in options:
        return options
    return {key: [ox.NamedNode(iri) for iri in options[key]] for key in options}


def _take(items: Iterable[T], cap: int) -> list[T]:
    """At most ``cap`` items; ResultTooLarge on one more."""
    taken: list[T] = []
    for item in items:
        if len(taken) == cap:
            raise ResultTooLarge(
                f"the query has more than {cap} results; add a LIMIT (at most {cap})", limit=cap
            )
        taken.append(item)
    return taken


def _attributes(error: GraphError) -> dict[str, Any]:
    """The keyword attributes an error type carries (limit, timeout, retry_after)."""
    return {
        name: value
        for name, value in vars(error).items()
        if name in ("limit", "timeout", "retry_after")
    }
