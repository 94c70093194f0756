"""Read-only SPARQL 1.1 queries from untrusted clients, evaluated out of the API process.

:class:`GraphSparqlService` is what ``/sparql`` calls. It evaluates one query and returns the
serialised result; the HTTP layer only parses the protocol and negotiates the media type.

Guarantees
----------
* **The API process never parses a query.** It checks the text's length, then hands the query
  to a worker process (:mod:`graph.rdf.sparql_pool`, :mod:`graph.rdf.sparql_worker`) that holds a
  read-only snapshot of the store, has no network and a memory limit. A query that crashes the
  engine (stack overflow, abort on a failed allocation) costs that worker only:
  :class:`~graph.errors.QueryAborted`, and the worker is replaced.
* **Checked by a real parser.** In the worker, before pyoxigraph sees it, the query is parsed by
  rdflib's SPARQL grammar (:mod:`graph.rdf.sparql_check`): SPARQL Update is
  :class:`~graph.errors.WriteRejected`, ``SERVICE`` anywhere and parse trees over the limits
  (depth, chain length, node count) are :class:`~graph.errors.QueryError`. The verdict on a text
  is cached here, so a repeated query is not parsed twice.
* **Time limit, for real.** At the deadline the worker is killed (pyoxigraph cannot cancel a
  query) and replaced: :class:`~graph.errors.QueryTimeout`, and no CPU is spent on it after.
  At most ``max_concurrent`` queries run at once; a query that finds every worker busy waits
  within its own time limit, then gets :class:`~graph.errors.StoreUnavailable`.
* **Dataset.** Without a dataset in the request, the default graph is the set union of every
  article graph (each distinct triple once: the store keeps it materialised, see
  :mod:`graph.rdf.union`) and ``GRAPH ?g`` ranges over the articles, one per stating article.
  The query's own ``FROM``/``FROM NAMED`` replace
  that, and the protocol's ``default-graph-uri``/``named-graph-uri`` replace both.
* **Result cap.** At most ``result_cap`` solutions (or triples) are taken from the engine; one
  more and the query fails with :class:`~graph.errors.ResultTooLarge` (add a ``LIMIT``).
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Store

from graph.errors import (
    GraphError,
    NotAcceptable,
    QueryAborted,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
    WriteRejected,
)
from graph.rdf.sparql_check import CheckedQuery, CheckLimits
from graph.rdf.sparql_formats import GRAPH_MEDIA_TYPES, SOLUTION_MEDIA_TYPES
from graph.rdf.sparql_pool import Snapshots, WorkerPool
from graph.rdf.sparql_worker import Job, Outcome, Snapshot, WorkerConfig
from ontology.namespace import PREFIXES

__all__ = [
    "GRAPH_MEDIA_TYPES",
    "SOLUTION_MEDIA_TYPES",
    "CheckLimits",
    "GraphSparqlService",
    "QueryForm",
    "SparqlResult",
]

VERDICTS = 4096
"""Parser-check verdicts remembered (by SHA-256 of the text)."""

_ERRORS: dict[str, type[GraphError]] = {
    cls.__name__: cls
    for cls in (
        QueryError,
        WriteRejected,
        ResultTooLarge,
        StoreUnavailable,
        NotAcceptable,
        QueryAborted,
        QueryTimeout,
    )
}


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE return RDF triples; SELECT and ASK return results."""
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class SparqlResult:
    """A serialised query result."""

    body: bytes
    media_type: str
    form: QueryForm
    count: int
    """Solutions (SELECT), triples (CONSTRUCT, DESCRIBE) or 1 (ASK)."""


@dataclass(frozen=True)
class Negotiated:
    """The media type the client accepts for each result family (None: none acceptable)."""

    solutions: str | None
    graph: str | None


def _graph_list(uris: Sequence[str], what: str) -> list[str]:
    """The graph IRIs of a protocol parameter; QueryError on an invalid IRI."""
    for uri in uris:
        try:
            NamedNode(uri)
        except ValueError as error:
            raise QueryError(f"invalid {what}: {error}") from error
    return list(uris)


def _raise(outcome: Outcome) -> None:
    """Re-raise a worker's error as the graph error it was."""
    if outcome.error is not None:
        raise _ERRORS.get(outcome.error, QueryError)(outcome.message, **outcome.attributes)


PREPARE_QUERY = "ASK {}"
"""What a worker runs to open a new snapshot ahead of the queries
(:meth:`GraphSparqlService.committed`)."""


class GraphSparqlService:
    """SPARQL 1.1 queries over a pyoxigraph ``Store`` whose named graphs are the articles and
    whose default graph is their set union (as :class:`graph.rdf.store.OxigraphStore` keeps it).

    ``store`` is snapshotted for the workers whenever ``generation()`` changes: an on-disk store
    (``data_dir`` given) as a RocksDB checkpoint, an in-memory one as an N-Quads dump.
    ``timeout_s`` and ``result_cap`` are defaults that :meth:`query` may override per call.
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout_s: float = 10.0,
        result_cap: int = 10_000,
        max_concurrent: int = 4,
        memory_bytes: int = 2 * 1024**3,
        max_query_chars: int = 100_000,
        limits: CheckLimits | None = None,
        data_dir: Path | None = None,
        generation: Callable[[], int] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        self._result_cap = result_cap
        self._max_query_chars = max_query_chars
        self._prefixes = dict(PREFIXES if prefixes is None else prefixes)  # Turtle's prefixes
        self._verdicts: OrderedDict[bytes, CheckedQuery] = OrderedDict()
        self._verdict_lock = threading.Lock()
        self._snapshots = Snapshots(store, generation or (lambda: 0), data_dir)
        self._serving = False
        config = WorkerConfig(memory_bytes=memory_bytes, limits=limits or CheckLimits())
        self.pool = WorkerPool(max_concurrent, config, self._snapshots, self._remember)
        self._finalizer = weakref.finalize(self, _shut, self.pool, self._snapshots)

    def start(self) -> None:
        """Start the worker processes in the background (the server calls it at start-up, so
        that the first queries do not wait for them; otherwise they start on first use)."""
        self._serving = True
        self.pool.warm()

    def close(self) -> None:
        """Stop the workers and delete the snapshots."""
        self._finalizer()

    def committed(self, touched: frozenset[str], generation: int) -> None:
        """:class:`graph.writer.WriteObserver`: snapshot the store as the write left it and
        have the idle workers open it now, in the background, rather than on their next query
        (once :meth:`start` was called: a CLI load starts no workers for nobody's queries)."""
        if self._serving:
            self.pool.prepare(self._prepare_job, self._timeout_s)

    def current_snapshot(self) -> int:
        """The id of the snapshot the next query runs on (made now if the store changed)."""
        return self._snapshots.current().id

    def _prepare_job(self, snapshot: Snapshot) -> Job:
        return Job(
            PREPARE_QUERY, snapshot, 1, {}, self._prefixes, checked=self._verdict(PREPARE_QUERY)
        )

    @staticmethod
    def media_types(form: QueryForm | None) -> tuple[str, ...]:
        """The media types offered for ``form``, preferred first (SELECT's when unknown)."""
        offered = GRAPH_MEDIA_TYPES if form and form.returns_graph else SOLUTION_MEDIA_TYPES
        return tuple(offered)

    def stats(self) -> dict[str, Any]:
        """Worker and snapshot figures (network isolation, replacements, last snapshot cost)."""
        return {**self.pool.stats(), "snapshot_s": round(self._snapshots.last_cost_s, 4)}

    def query(
        self,
        text: str,
        *,
        media_type: str | None = None,
        negotiated: Negotiated | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
        result_cap: int | None = None,
    ) -> SparqlResult:
        """Evaluate ``text`` and serialise the result as ``media_type`` (the form's default if
        None or not offered for the form), or as ``negotiated`` says for the query's form.

        Raises WriteRejected (an update), QueryError (malformed, SERVICE, over a limit, bad graph
        IRI), NotAcceptable, QueryTimeout, QueryAborted (the engine's limits), ResultTooLarge,
        StoreUnavailable (store error, or every worker busy).
        """
        if len(text) > self._max_query_chars:
            raise QueryError(
                f"the query is {len(text)} characters long; at most {self._max_query_chars} are "
                "accepted (limit sparql_max_query_chars)"
            )
        options: dict[str, Any] = {}
        if default_graph_uris or named_graph_uris:
            options = {
                "default_graph": _graph_list(default_graph_uris, "default-graph-uri"),
                "named_graphs": _graph_list(named_graph_uris, "named-graph-uri"),
            }
        timeout = self._timeout_s if timeout_s is None else timeout_s
        cap = self._result_cap if result_cap is None else result_cap
        verdict = self._verdict(text)

        def job(snapshot: Snapshot) -> Job:
            return Job(
                text=text,
                snapshot=snapshot,
                cap=cap,
                options=options,
                prefixes=self._prefixes,
                media_type=media_type,
                negotiated=None if negotiated is None else (negotiated.solutions, negotiated.graph),
                checked=verdict,
            )

        outcome = self.pool.run(job, time.monotonic() + timeout, timeout)
        _raise(outcome)
        form = QueryForm(outcome.form)
        return SparqlResult(outcome.body, outcome.media_type, form, outcome.count)

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def _verdict(self, text: str) -> CheckedQuery | None:
        """The cached parser verdict on ``text``, if any."""
        key = self._key(text)
        with self._verdict_lock:
            found = self._verdicts.get(key)
            if found is not None:
                self._verdicts.move_to_end(key)
            return found

    def _remember(self, text: str, checked: CheckedQuery) -> None:
        """Cache a worker's verdict that ``text`` passed the parser check."""
        with self._verdict_lock:
            self._verdicts[self._key(text)] = checked
            while len(self._verdicts) > VERDICTS:
                self._verdicts.popitem(last=False)


def _shut(pool: WorkerPool, snapshots: Snapshots) -> None:
    pool.close()
    snapshots.close()
