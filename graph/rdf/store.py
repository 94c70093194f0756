"""The RDF store of record on embedded Oxigraph (pyoxigraph): one named graph per article.

The default graph holds the set union of the article graphs, each distinct triple once, kept
exact by every write in the same transaction (:mod:`graph.rdf.union`); SPARQL queries read it
as their default graph.

Replacing graphs is all or nothing, even if the process is killed (SIGKILL) at any moment:

* up to ``BULK_THRESHOLD`` triples, the former versions are dropped and the new triples
  inserted by ONE SPARQL update (``DROP SILENT GRAPH`` + ``INSERT DATA``), which Oxigraph
  applies as one RocksDB transaction (pyoxigraph has no other multi-operation transaction:
  ``load`` and ``extend`` only add). Inserting through the SPARQL parser costs ~30% more than
  ``Store.load`` at 20,000 triples, and nothing for one article.
* above it, Oxigraph's bulk loader (several times faster, not transactional: it writes SST
  files in several parts) is made atomic by an undo journal (:mod:`graph.journal`): the former
  content of the target graphs is written and fsynced to ``replace.undo`` in the data directory
  BEFORE the store is touched; then the graphs are dropped and bulk-loaded, the store flushed,
  and the journal deleted (the commit point). Opening the store with a journal present (any
  entry point: serve, load, sync) puts those graphs back as they were (dropped, then their
  former content loaded), flushes, then deletes the journal. Recovery is idempotent and the
  journal stays until it is done, so a crash during recovery is recovered again. An undo (not
  a redo) journal costs nothing for new articles (only their names are written) and replays
  content that the store itself produced, so a replay cannot fail on bad input.

The new triples are written as N-Triples/N-Quads by our own term writer (rdflib's serialiser
is three times slower). If adding fails in process, the former content is put back before the
error is raised.

Reads of subjects (:meth:`OxigraphStore.subject_quads`) decode every term from the on-disk
store (~5 µs a quad, ~4x less from an in-memory store); a writer that reads the same subjects
several times in a row (the projection, then the LINK steps) wraps them in
:meth:`OxigraphStore.cached_reads`, which also reads a bulk load into an empty store from an
in-memory copy filled alongside it.

pyoxigraph has no query timeout: :meth:`OxigraphStore.query` checks its deadline while it
iterates the solutions, which stops long result streams but not a single long-running operator
(a big ORDER BY or GROUP BY computes before the first solution).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from graph.errors import (
    GraphError,
    InvalidData,
    StoreUnavailable,
)
from graph.journal import UndoJournal
from graph.model import (
    ArticleInfo,
    GraphSnapshot,
    Lit,
    QuadRow,
    QueryResult,
    SelectResult,
    StoreCounts,
    StoredEntity,
    Term,
)
from graph.rdf import catalog, lookups, union
from graph.rdf.evaluate import evaluate
from graph.rdf.terms import (
    bulk_load,
    insert_data,
    iri_node,
    nquad_lines,
    quad_row,
    snapshot_subjects,
    to_term,
)
from ontology.namespace import DG
from ontology.triples import Triples

log = logging.getLogger("diplograph.rdf")

BULK_THRESHOLD = 20_000
"""Triples above which a load uses Oxigraph's (non-transactional, much faster) bulk loader,
made atomic by the undo journal."""
BULK_PART = 100_000
"""A bulk load is split in parts of at most about this many triples (at least 2: one is
written while the other loads). Each part's N-Quads are held in memory as text and bytes, so
the part size, not the batch size, bounds what a large load adds to the process."""


_QUADS_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@contextmanager
def _store_errors(action: str) -> Iterator[None]:
    """Turn pyoxigraph's write and read errors into :mod:`graph.errors`."""
    try:
        yield
    except GraphError:
        raise
    except SyntaxError as error:
        raise InvalidData(f"{action}: the store could not parse the data: {error}") from error
    except ValueError as error:
        raise InvalidData(f"{action}: {error}") from error
    except OSError as error:
        raise StoreUnavailable(
            f"{action}: Oxigraph I/O error: {error}", retry_after=None
        ) from error
    except RuntimeError as error:
        raise GraphError(f"{action}: {error}") from error


_LOCAL_IRI = ox.NamedNode(str(DG.localIri))


class OxigraphStore:
    """An :class:`graph.model.RDFStore` on pyoxigraph, on disk at ``path`` or in memory."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._generation = 0
        self._cache: dict[str, list[QuadRow]] | None = None
        self._cache_thread: int | None = None
        self._mirror: ox.Store | None = None
        self._journal: UndoJournal | None = None
        with _store_errors(f"opening the RDF store at {self.path}"):
            if self.path is None:
                self._store = ox.Store()
                return
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                self._store = ox.Store(str(self.path))
            except OSError as error:
                if "lock" not in str(error).lower():
                    raise
                raise StoreUnavailable(
                    f"the RDF store at {self.path} is in use by another process (a running "
                    "`diplograph serve`?): one process at a time opens a data directory; stop it "
                    "or use the HTTP API",
                    retry_after=None,
                ) from error
        self._journal = UndoJournal(self.path)
        self._recover()
        self._migrate()

    def _recover(self) -> None:
        """Undo a bulk load that a crash interrupted (its journal is still there)."""
        assert self._journal is not None
        snapshot = self._journal.read()
        if snapshot is None:
            return
        log.warning(
            "the RDF store at %s holds an unfinished bulk load of %d graph(s) (the process "
            "died during it): putting their former content back",
            self.path,
            len(snapshot.graphs),
        )
        started = time.monotonic()
        self._put_back(snapshot)
        with _store_errors("rebuilding the default graph"):
            union.rebuild(self._store)  # the bulk load may have reached it in part
        self.flush()
        self._journal.clear()
        log.warning("recovered in %.2f s", time.monotonic() - started)

    def _migrate(self) -> None:
        """Fill the default graph of a data directory written before it held the union of
        the article graphs (once: the marker file is written after the flush)."""
        assert self.path is not None
        if union.marked(self.path):
            return
        with _store_errors("building the default graph"):
            union.rebuild(self._store)
        self.flush()
        with _store_errors("marking the default graph"):
            union.mark(self.path)

    @property
    def generation(self) -> int:
        """A counter bumped by every write of this process (cheap change detection for views)."""
        return self._generation

    @property
    def pyoxigraph_store(self) -> ox.Store:
        """The underlying pyoxigraph store, for the SPARQL service of the graph layer."""
        return self._store

    def touched_subjects(self, snapshot: GraphSnapshot) -> set[str]:
        """:func:`graph.rules.records.touched_subjects` of the former content of some graphs
        (see :func:`graph.rdf.terms.snapshot_subjects`)."""
        return snapshot_subjects(snapshot)

    @contextmanager
    def cached_reads(self) -> Iterator[None]:
        """Make a writer's reads cheaper, in this thread, until the block ends.

        A write (projection then LINK steps) reads the same subjects several times; inside the
        block each subject is decoded once. A bulk load into a store that holds no other graph
        also fills an in-memory copy of it, which the reads of the block use (decoding from
        memory is ~4x cheaper than from disk). Any later write drops both, so stale quads are
        never served; other threads read the store as usual.
        """
        if self._cache is not None:  # nested: the outer block owns the cache
            yield
            return
        self._cache, self._cache_thread = {}, threading.get_ident()
        try:
            yield
        finally:
            self._cache, self._cache_thread, self._mirror = None, None, None

    def _reader(self) -> ox.Store:
        """The store this thread reads: the in-memory copy inside :meth:`cached_reads` (when
        there is one), else the store."""
        mirror = self._mirror
        if mirror is not None and self._cache_thread == threading.get_ident():
            return mirror
        return self._store

    # ------------------------------------------------------------------ writes

    def _put_back(self, snapshot: GraphSnapshot) -> None:
        """:meth:`restore` for the recovery: the graphs dropped in one transaction, then their
        former content bulk-loaded (not atomic, but the journal stays until it is done, so a
        crash repeats it; much faster than ``INSERT DATA``)."""
        self._update(
            [f"DROP SILENT GRAPH <{iri_node(iri).value}>" for iri in snapshot.graphs],
            "recovering graphs",
        )
        quads: list[bytes] = []
        with _store_errors("recovering graphs"):
            for iri, data in snapshot.graphs.items():
                if data is not None:
                    self._store.add_graph(iri_node(iri))
                    # Oxigraph's N-Triples: one triple a line, ending " .\n" (a newline inside a
                    # literal is escaped), so naming the graph before the dot makes N-Quads
                    quads.append(data.replace(b" .\n", f" <{iri}> .\n".encode()))
            if quads:
                self._store.bulk_load(b"".join(quads), format=ox.RdfFormat.N_QUADS)

    def replace_graph(self, iri: str, graph: Triples) -> GraphSnapshot:
        """Replace (or create) one article graph; returns what it held before."""
        return self.replace_graphs({iri: graph})

    def replace_graphs(self, graphs: Mapping[str, Triples]) -> GraphSnapshot:
        """Replace (or create) these named graphs, all or nothing; returns the old content.

        Up to ``BULK_THRESHOLD`` triples: one SPARQL update (one transaction). Above: the undo
        journal, then Oxigraph's bulk loader (see the module docstring; a concurrent reader
        may see part of the batch while it runs). If adding fails, the former content is
        restored before the error is raised.
        """
        snapshot = self.snapshot(graphs)
        total = sum(len(g) for g in graphs.values())
        if total <= BULK_THRESHOLD:
            before, after = union.orphan_removal(graphs)
            operations = [before, *insert_data(graphs), after, union.insert_from(graphs)]
            self._update(operations, "replacing article graphs")
            return snapshot
        if self._journal is not None:
            with _store_errors("writing the undo journal"):
                self._journal.write(snapshot)
        existing = [iri for iri, old in snapshot.graphs.items() if old is not None]
        mirror: ox.Store | None = None
        try:
            drops = [f"DROP SILENT GRAPH <{iri}>" for iri in existing]
            before, after = union.orphan_removal(existing)
            self._update([before, *drops], "dropping graphs")
            with _store_errors("adding article graphs"):
                mirror = ox.Store() if self._mirrored() else None
                targets = [self._store] if mirror is None else [self._store, mirror]
                parts = max(2, -(-total // BULK_PART))
                bulk_load(targets, graphs, total, parts, default=self._store)
            self._update([after], "removing what no article states any more")
            self.flush()  # durable before the journal goes: the commit point
        except BaseException:
            self.restore(snapshot)
            with _store_errors("rebuilding the default graph"):
                union.rebuild(self._store)  # the default graph's load may have run ahead
            self.flush()
            self._forget_journal()
            raise
        finally:
            self._changed()
        self._forget_journal()
        self._mirror = mirror
        return snapshot

    def _forget_journal(self) -> None:
        """Delete the undo journal: the store holds the load, or its former content again."""
        if self._journal is not None:
            with _store_errors("deleting the undo journal"):
                self._journal.clear()

    def _mirrored(self) -> bool:
        """Whether a bulk load now should fill an in-memory copy for :meth:`cached_reads`: in
        its block, when the store holds no named graph (the load's own were just dropped), so
        that the copy holds exactly what the store will."""
        if self._cache is None or self._cache_thread != threading.get_ident():
            return False
        return next(iter(self._store.named_graphs()), None) is None

    def drop_graph(self, iri: str) -> GraphSnapshot:
        """Drop one article graph (no error if it does not exist); returns its old content."""
        return self.drop_graphs([iri])

    def drop_graphs(self, iris: Iterable[str]) -> GraphSnapshot:
        """Drop these named graphs in one transaction; returns their old content."""
        iris = list(dict.fromkeys(iris))
        snapshot = self.snapshot(iris)
        drops = [f"DROP SILENT GRAPH <{iri_node(iri).value}>" for iri in iris]
        before, after = union.orphan_removal(iris)
        self._update([before, *drops, after], "dropping graphs")
        return snapshot

    def snapshot(self, iris: Iterable[str]) -> GraphSnapshot:
        """The current content of these named graphs, for :meth:`restore`."""
        graphs: dict[str, bytes | None] = {}
        with _store_errors("reading graphs"):
            for iri in iris:
                node = iri_node(iri)
                exists = self._store.contains_named_graph(node)
                graphs[iri] = (
                    self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
                    if exists
                    else None
                )
        return GraphSnapshot(graphs)

    def restore(self, snapshot: GraphSnapshot) -> None:
        """Put the graphs of ``snapshot`` back as they were, in one transaction.

        Blank nodes come back with fresh ids (the loaders mint IRIs, so there are none).
        """
        before, after = union.orphan_removal(snapshot.graphs)
        operations = [before]
        for iri, data in snapshot.graphs.items():
            operations.append(f"DROP SILENT GRAPH <{iri_node(iri).value}>")
            if data is not None:
                operations.append(f"CREATE SILENT GRAPH <{iri}>")
                if data.strip():
                    text = data.decode("utf-8")
                    operations.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{text}\n}} }}")
        operations += [after, union.insert_from(snapshot.graphs)]
        self._update(operations, "restoring graphs")

    def _update(self, operations: list[str], action: str) -> None:
        """Run SPARQL update operations as one transaction (empty ones are left out)."""
        operations = [operation for operation in operations if operation]
        if operations:
            try:
                with _store_errors(action):
                    self._store.update(" ;\n".join(operations))
            finally:
                self._changed()

    def _changed(self) -> None:
        """Note a write: bump the generation, forget cached reads and the in-memory copy."""
        self._generation += 1
        self._mirror = None
        if self._cache is not None:
            self._cache.clear()

    # ------------------------------------------------------------------ reads

    def has_graph(self, iri: str) -> bool:
        """Whether the named graph exists."""
        with _store_errors("reading graphs"):
            return bool(self._store.contains_named_graph(iri_node(iri)))

    def graph_quads(self, iri: str) -> list[QuadRow]:
        """Every quad of one named graph (empty if it does not exist)."""
        with _store_errors("reading a graph"):
            return [
                quad_row(q) for q in self._store.quads_for_pattern(None, None, None, iri_node(iri))
            ]

    def subject_quads(self, subjects: Iterable[str]) -> list[QuadRow]:
        """Every quad of a named graph whose subject is one of ``subjects``."""
        cache = self._cache if self._cache_thread == threading.get_ident() else None
        rows: list[QuadRow] = []
        with _store_errors("reading subjects"):
            for subject in dict.fromkeys(subjects):
                if cache is None:
                    rows.extend(self._subject_rows(subject))
                    continue
                found = cache.get(subject)
                if found is None:
                    found = cache[subject] = self._subject_rows(subject)
                rows.extend(found)
        return rows

    def _subject_rows(self, subject: str) -> list[QuadRow]:
        """The quads of one subject in the named graphs (:func:`_row`, inlined: it is hot)."""
        rows: list[QuadRow] = []
        append = rows.append
        for quad in self._reader().quads_for_pattern(iri_node(subject), None, None, None):
            graph = quad.graph_name
            if type(graph) is ox.DefaultGraph:
                continue
            obj = quad.object
            if type(obj) is ox.NamedNode:
                value: Term = obj.value
            elif type(obj) is ox.Literal:
                value = Lit(obj.value, obj.datatype.value, obj.language)
            else:
                value = to_term(obj)
            append(QuadRow(subject, quad.predicate.value, value, graph.value))
        return rows

    def referring_subjects(self, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
        """IRI subjects stating ``(s p o)`` in a named graph, for a ``p`` of ``predicates`` and
        an ``o`` of ``objects`` (see :func:`graph.rdf.lookups.referring_subjects`)."""
        with _store_errors("reading referrers"):
            return lookups.referring_subjects(self._reader(), predicates, objects)

    def merged_into(self, local_id: str) -> list[str]:
        """The subjects that carry ``dg:localIri`` ``local_id`` in some article graph, sorted."""
        with _store_errors("reading former ids"):
            quads = self._reader().quads_for_pattern(None, _LOCAL_IRI, ox.Literal(local_id), None)
            return sorted({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)})

    def predicate_quads(self, predicates: Sequence[str]) -> list[QuadRow]:
        """Every quad of a named graph whose predicate is one of ``predicates`` (index scans)."""
        with _store_errors("reading predicates"):
            return lookups.predicate_quads(self._reader(), predicates)

    def subject_objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[Term]:
        """Objects of ``(s p o)`` in a named graph, for an ``s`` of ``subjects`` and a ``p`` of
        ``predicates`` (one index lookup per subject and predicate)."""
        with _store_errors("reading objects"):
            return lookups.subject_objects(self._reader(), subjects, predicates)

    def subjects(self) -> list[str]:
        """Every IRI subject of a named graph, sorted."""
        return catalog.subjects(self._select)

    def articles(self) -> list[ArticleInfo]:
        """Every named graph with its triple count and its ``dg:Article``'s title, url, date."""
        with _store_errors("listing graphs"):
            names = self._named_graphs()
        return catalog.articles(self._select, names)

    def entity_records(self) -> list[StoredEntity]:
        """Every actor, region and post, its values merged over all graphs and sorted."""
        return catalog.entity_records(self._select)

    def counts(self) -> StoreCounts:
        """Number of quads in the article graphs and of article graphs."""
        with _store_errors("counting"):
            found = self._select(_QUADS_QUERY).rows[0][0]
            triples = int(found.value) if isinstance(found, Lit) else 0
            return StoreCounts(triples=triples, articles=len(self._named_graphs()))

    def dump(self) -> bytes:
        """Every quad of the article graphs as N-Quads (not the default graph: their union)."""
        with _store_errors("dumping the store"):
            return nquad_lines(self._store, self._named_graphs())

    def default_graph_dump(self) -> bytes:
        """The default graph (the union of the article graphs) as N-Triples."""
        with _store_errors("dumping the default graph"):
            return (
                self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
            )

    def flush(self) -> None:
        """Write buffered data to disk (no-op in memory)."""
        if self.path is not None:
            with _store_errors("flushing"):
                self._store.flush()

    def _named_graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    # ------------------------------------------------------------------ SPARQL

    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = None,
        max_results: int | None = None,
        union_default_graph: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query over the union of article graphs (by default).

        Raises :class:`QueryError` (parser message), :class:`WriteRejected` for an update,
        :class:`QueryTimeout` past ``timeout`` seconds, :class:`ResultTooLarge` past
        ``max_results`` rows or triples.
        """
        return evaluate(
            self._store,
            sparql,
            timeout=timeout,
            max_results=max_results,
            union_default_graph=union_default_graph,
        )

    def _select(self, sparql: str) -> SelectResult:
        """Run one of our own SELECT queries over the named graphs."""
        result = self.query(sparql, union_default_graph=False)
        assert isinstance(result, SelectResult)
        return result
