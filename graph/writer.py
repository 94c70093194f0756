"""The facade that keeps the RDF store of record and the property-graph projection in step.

A load (or retraction) replaces article graphs in the RDF store in one transaction, recomputes
the records of every subject the change touches from the union of all article graphs, and
applies them to the projection in one transaction. If the projection fails, the RDF store is
restored to exactly its previous content and the error is raised: nothing is half-written.
Writes are serialised by a lock; reads may run concurrently.

A crash (SIGKILL, power loss) between the two stores' commits cannot be undone in process, so a
durable :class:`graph.journal.StaleMarker` is set before the RDF store changes and cleared once
both stores committed (or the RDF change was undone). Found at start-up, it means the projection
may disagree with the RDF store: :meth:`GraphStore.sync` rebuilds it (the API does so in the
background, ``/ready`` answering 503 "projection stale" until it is done; CLI commands before
they run). A full rebuild rather than the touched subjects: they are only known once the RDF
change is made, and a rebuild is correct whatever was interrupted (a sync, a restore).
A write without a projection sets the marker too and leaves it: a projection of that data
directory elsewhere (Neo4j configured later) is behind.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode as RdfBNode
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from graph.errors import GraphError, InvalidData, NotFound
from graph.journal import StaleMarker
from graph.model import (
    GraphSnapshot,
    NodeRecord,
    Progress,
    Projection,
    ProjectionCounts,
    RDFStore,
    RecordBatch,
    RelRecord,
    SelectResult,
    StoreCounts,
)
from graph.rules.records import (
    EVIDENCE_CLASS,
    REL_SUBJECT,
    Projected,
    project_subjects,
)
from ontology.triples import Triples

_RdfChange = Callable[[], GraphSnapshot]
"""A change to the RDF store that returns the snapshot undoing it."""

_REL_SUBJECT = URIRef(REL_SUBJECT)
SYNC_BATCH = 2000
"""Subjects projected per transaction by :meth:`GraphStore.sync`."""

LOAD_BATCH = 2000
"""Subjects projected per batch handed to the projection during a load."""

_FOLDED_QUERY = f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{EVIDENCE_CLASS}> }} }}"
"""Evidence nodes: they project to nothing of their own (folded into their facts)."""


@dataclass(frozen=True)
class WriteResult:
    """What a load or retraction did."""

    articles: tuple[str, ...]
    triples: int
    """Triples in the loaded graphs (0 for a retraction)."""
    touched: int
    """Subjects whose records were recomputed."""
    nodes: int
    relationships: int
    """Records written to the projection (0 without one)."""


class WriteObserver(Protocol):
    """Told of every write the RDF store committed (an in-process view kept up to date)."""

    def committed(self, touched: frozenset[str], generation: int) -> None:
        """The subjects whose quads the write changed; called under the write lock (so the
        store holds exactly that write) with the store's ``generation`` after it. Must not
        raise: the write is done."""
        ...


@dataclass(frozen=True)
class GraphStats:
    """Sizes of both stores."""

    rdf: StoreCounts
    projection: ProjectionCounts | None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk write.

    A load allocates hundreds of thousands of short-lived acyclic objects (terms, quads,
    records); the collector's generation scans then cost more than the work itself (measured:
    2-3x on 60k triples). Reference counting still frees them; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def graph_touched(graph: Triples) -> set[str]:
    """:func:`graph.rules.records.touched_subjects` of an rdflib graph about to be stored.

    The same set as reading the graph back from the store once written, without the read.
    """
    touched: set[str] = set()
    for s, p, o in graph:
        if isinstance(s, URIRef):
            touched.add(str(s))
        if p == _REL_SUBJECT and isinstance(o, URIRef):
            touched.add(str(o))
    return touched


@contextmanager
def _touched_meanwhile(new: Mapping[str, Triples] | None) -> Iterator[Future[set[str]]]:
    """The subjects of ``new`` (:func:`_graphs_touched`), computed in a thread while the caller
    changes the RDF store (its bulk loader does not hold the GIL)."""
    with ThreadPoolExecutor(1, thread_name_prefix="diplograph-touched") as pool:
        yield pool.submit(_graphs_touched, list((new or {}).values()))


def _graphs_touched(graphs: Iterable[Triples]) -> set[str]:
    """:func:`graph_touched` of several graphs."""
    touched: set[str] = set()
    for graph in graphs:
        touched |= graph_touched(graph)
    return touched


def article_graphs(dataset: Dataset) -> dict[str, Triples]:
    """The non-empty named graphs of ``dataset`` by IRI; triples outside them are refused."""
    graphs: dict[str, Triples] = {}
    for graph in dataset.graphs():
        identifier = graph.identifier
        if identifier == DATASET_DEFAULT_GRAPH_ID:
            if len(graph):
                raise InvalidData(
                    f"{len(graph)} triples are in the default graph: every triple must be in "
                    "the named graph of its article"
                )
            continue
        if isinstance(identifier, RdfBNode):
            raise InvalidData("an article graph must be named by an IRI, not a blank node")
        if len(graph):
            graphs[str(identifier)] = graph
    return graphs


def _written(pending: tuple[Future[None], int], total: int, on_progress: Progress | None) -> None:
    """Wait for a batch write (raising its error), then report progress."""
    future, done = pending
    future.result()
    if on_progress is not None:
        on_progress(done, total)


class GraphStore:
    """The RDF store of record plus an optional projection (Neo4j), written together."""

    def __init__(
        self,
        rdf: RDFStore,
        projection: Projection | None = None,
        *,
        sync_batch: int = SYNC_BATCH,
        marker: StaleMarker | None = None,
        observers: Sequence[WriteObserver] = (),
    ) -> None:
        self.rdf = rdf
        self.observers = tuple(observers)
        self.projection = projection
        self.sync_batch = sync_batch
        self.marker = marker if marker is not None else StaleMarker(None)
        self._stale = self.marker.present
        self._lock = threading.RLock()

    @property
    def projection_stale(self) -> bool:
        """Whether the projection may disagree with the RDF store until :meth:`sync` rebuilds
        it: a write or sync was interrupted (marker found at start-up), or failed half-way."""
        return self.projection is not None and self._stale

    def repair(self) -> ProjectionCounts | None:
        """Rebuild the projection when it may be stale (:meth:`sync`); None when it is not."""
        if not self.projection_stale:
            return None
        return self.sync()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the write lock across a read-decide-write sequence (identity resolution reads
        every article, then writes what it decided: no other write may come between)."""
        with self._lock:
            yield

    def ensure_schema(self) -> None:
        """Create the projection's constraints and indexes (no-op without a projection)."""
        if self.projection is not None:
            self.projection.ensure_schema()

    # ------------------------------------------------------------------ writes

    def load_articles(self, dataset: Dataset) -> WriteResult:
        """Load every named (article) graph of ``dataset``, replacing former versions."""
        graphs = article_graphs(dataset)
        if not graphs:
            return WriteResult((), 0, 0, 0, 0)
        return self.load_graphs(graphs)

    def load_graphs(self, graphs: Mapping[str, Triples]) -> WriteResult:
        """Load article graphs given by IRI (the same as :meth:`load_articles`)."""
        non_empty = {iri: g for iri, g in graphs.items() if len(g)}
        triples = sum(len(g) for g in non_empty.values())
        return self._write(
            list(non_empty), lambda: self.rdf.replace_graphs(non_empty), triples, non_empty
        )

    def replace_articles(
        self, graphs: Mapping[str, Triples], drop: Sequence[str] = ()
    ) -> WriteResult:
        """Replace article graphs and drop others in one transaction of each store (a load
        that re-points other articles' facts, a retraction that splits an entity).

        Raises :class:`NotFound` if a graph to drop is not stored.
        """
        missing = [iri for iri in drop if not self.rdf.has_graph(iri)]
        if missing:
            raise NotFound(f"no article graph <{missing[0]}>")
        non_empty = {iri: g for iri, g in graphs.items() if len(g)}
        change: dict[str, Triples] = {**{iri: () for iri in drop}, **non_empty}
        if not change:
            return WriteResult((), 0, 0, 0, 0)
        triples = sum(len(g) for g in non_empty.values())
        return self._write(
            list(change), lambda: self.rdf.replace_graphs(change), triples, non_empty
        )

    def retract_article(self, iri: str) -> WriteResult:
        """Drop an article graph; what other articles still state stays, with fewer ``sources``.

        Raises :class:`NotFound` if the store has no such graph.
        """
        return self.retract_articles([iri])

    def retract_articles(self, iris: Sequence[str]) -> WriteResult:
        """Drop several article graphs at once (see :meth:`retract_article`)."""
        missing = [iri for iri in iris if not self.rdf.has_graph(iri)]
        if missing:
            raise NotFound(f"no article graph <{missing[0]}>")
        return self._write(list(iris), lambda: self.rdf.drop_graphs(iris), 0)

    def _write(
        self,
        iris: list[str],
        change_rdf: _RdfChange,
        triples: int,
        new: Mapping[str, Triples] | None = None,
    ) -> WriteResult:
        """Change the RDF store, then the projection; undo the RDF change if the latter fails.

        The subjects to recompute are those of the former content (the snapshot the change
        returns, parsed) and of ``new``, the new content of the graphs (None when they are
        dropped): neither is read back from the store.
        """
        with self._lock, paused_gc():
            if self.projection is None:
                self._write_rdf_only(change_rdf, new)
                return WriteResult(tuple(iris), triples, 0, 0, 0)
            self.projection.check()
            self.marker.set("a write to both stores began")
            with self.rdf.cached_reads(), _touched_meanwhile(new) as touching:
                try:
                    snapshot = change_rdf()
                except InvalidData:
                    self._agreed()  # refused before anything was written
                    raise
                try:
                    touched = self.rdf.touched_subjects(snapshot) | touching.result()
                    projected = self._apply(sorted(touched))
                except BaseException as error:
                    self._restore(snapshot, error)
                    self._agreed()  # the projection's transaction was rolled back
                    raise
                self._agreed()
                self._notify(touched)
        return WriteResult(
            tuple(iris), triples, len(touched), len(projected.nodes), len(projected.relationships)
        )

    def _write_rdf_only(self, change_rdf: _RdfChange, new: Mapping[str, Triples] | None) -> None:
        """:meth:`_write` without a projection: the RDF change, then the observers told."""
        self.marker.set("written without the projection")
        if not self.observers:
            change_rdf()
            return
        with _touched_meanwhile(new) as touching:
            snapshot = change_rdf()
            touched = touching.result()
        with self.rdf.cached_reads():  # an observer may read a subject twice
            self._notify(self.rdf.touched_subjects(snapshot) | touched)

    def _notify(self, touched: set[str]) -> None:
        """Tell the observers what the committed write touched (a restored write changed
        nothing: they are not told)."""
        frozen, generation = frozenset(touched), self.rdf.generation
        for observer in self.observers:
            observer.committed(frozen, generation)

    def _apply(self, subjects: list[str]) -> Projected:
        """Recompute ``subjects`` from the RDF store and replace their records, batch by batch
        while the projection writes them (the same records: each subject's depend on its own
        quads and its dependencies'). The projection and its LINK upkeep read the same
        subjects: the store decodes each once for both, in the ``cached_reads`` block that
        :meth:`_write` opens before the RDF change (a bulk load may make it cheaper still)."""
        assert self.projection is not None
        nodes: list[NodeRecord] = []
        relationships: list[RelRecord] = []

        def batches() -> Iterator[RecordBatch]:
            for start in range(0, len(subjects), LOAD_BATCH):
                batch = project_subjects(
                    subjects[start : start + LOAD_BATCH], self.rdf.subject_quads
                )
                nodes.extend(batch.nodes)
                relationships.extend(batch.relationships)
                yield batch.nodes, batch.relationships

        self.projection.apply(subjects, batches())
        return Projected(tuple(nodes), tuple(relationships))

    def _agreed(self) -> None:
        """Both stores hold the same content (unless a failed sync left the projection stale)."""
        if not self._stale:
            self.marker.clear()

    def _restore(self, snapshot: GraphSnapshot, cause: BaseException) -> None:
        """Put the RDF store back; if even that fails, say the stores may disagree."""
        try:
            self.rdf.restore(snapshot)
        except Exception as error:
            self._stale = True
            raise GraphError(
                f"the projection failed ({cause}) and restoring the RDF store failed too "
                f"({error}); the stores may disagree: fix the cause and run `diplograph sync`"
            ) from error

    # ------------------------------------------------------------------ rebuild and stats

    def sync(self, on_progress: Progress | None = None) -> ProjectionCounts:
        """Rebuild the projection from the RDF store from scratch; returns its new counts.

        Clears the projection, then projects every subject in batches of ``sync_batch``, one
        transaction per batch (``on_progress(done, total)`` after each is written). The
        clearing and each batch are written by a worker thread while the next batch is computed
        (the projection's server works while Python reads the RDF store), in order, one at a
        time. A failure leaves the projection partial, never the RDF store: run it again.
        """
        projection = self.projection
        if projection is None:
            raise GraphError("no projection is configured: nothing to sync")
        with (
            self._lock,
            paused_gc(),
            ThreadPoolExecutor(1, thread_name_prefix="diplograph-sync") as writer,
        ):
            projection.check()
            projection.ensure_schema()
            self.marker.set("a sync began")
            self._stale = True  # until it ends: a failure leaves the projection partial
            clearing = writer.submit(projection.clear)  # while the first batch is computed
            subjects = self.rdf.subjects()
            folded = self._folded()
            total = len(subjects)
            if on_progress is not None:
                on_progress(0, total)
            pending: tuple[Future[None], int] | None = None
            for start in range(0, total, self.sync_batch):
                batch = [s for s in subjects[start : start + self.sync_batch] if s not in folded]
                projected = project_subjects(batch, self.rdf.subject_quads)
                records = [(projected.nodes, projected.relationships)]
                clearing.result()
                if pending is not None:
                    _written(pending, total, on_progress)
                done = min(start + self.sync_batch, total)
                pending = (writer.submit(projection.apply, (), records), done)
            clearing.result()
            if pending is not None:
                _written(pending, total, on_progress)
            projection.rebuilt()
            self._stale = False
            self.marker.clear()
            return projection.counts()

    def _folded(self) -> set[str]:
        """Subjects that project to nothing of their own (evidence): a sync reads them only as
        dependencies of their facts, not once more as subjects."""
        result = self.rdf.query(_FOLDED_QUERY, union_default_graph=False)
        assert isinstance(result, SelectResult)
        return {row[0] for row in result.rows if isinstance(row[0], str)}

    def stats(self) -> GraphStats:
        """Sizes of the RDF store and of the projection (None without one)."""
        projection = self.projection.counts() if self.projection is not None else None
        return GraphStats(self.rdf.counts(), projection)
