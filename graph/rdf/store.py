"""The RDF store of record on embedded Oxigraph (pyoxigraph): one named graph per article.

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
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, URIRef
from rdflib import BNode as RdfBNode
from rdflib.namespace import OWL, RDF

from graph.errors import (
    GraphError,
    InvalidData,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
    WriteRejected,
)
from graph.journal import UndoJournal
from graph.model import (
    ArticleInfo,
    AskResult,
    BNode,
    ConstructResult,
    GraphSnapshot,
    Lit,
    QuadRow,
    QueryResult,
    SelectResult,
    StoreCounts,
    StoredEntity,
    Term,
)
from graph.rules.records import REL_SUBJECT
from ontology.classes import ENTITY_CLASSES
from ontology.namespace import DG

log = logging.getLogger("diplograph.rdf")

BULK_THRESHOLD = 20_000
"""Triples above which a load uses Oxigraph's (non-transactional, much faster) bulk loader,
made atomic by the undo journal."""
BULK_PART = 400_000
"""A bulk load is split in 2 to 4 parts, about one per this many triples."""

ENTITY_TYPES = (*ENTITY_CLASSES, DG.Post, DG.Actor)
"""Classes whose instances :meth:`OxigraphStore.entity_records` returns."""

_ENTITY_PREDICATES = (RDF.type, DG.name, DG.alias, DG.isoCode, DG.wikidata, OWL.sameAs)

_ENTITIES_QUERY = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s a ?t . VALUES ?t {{ {" ".join(f"<{t}>" for t in ENTITY_TYPES)} }} }}
  GRAPH ?h {{ ?s ?p ?o . VALUES ?p {{ {" ".join(f"<{p}>" for p in _ENTITY_PREDICATES)} }} }}
}}"""

_GRAPH_SIZES_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

_ARTICLES_QUERY = f"""
SELECT ?g (SAMPLE(?title) AS ?t) (SAMPLE(?url) AS ?u) (SAMPLE(?date) AS ?d) WHERE {{
  GRAPH ?g {{
    ?g a <{DG.Article}> .
    OPTIONAL {{ ?g <{DG.title}> ?title }}
    OPTIONAL {{ ?g <{DG.url}> ?url }}
    OPTIONAL {{ ?g <{DG.date}> ?date }}
  }}
}} GROUP BY ?g"""

_SUBJECTS_QUERY = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
"""Sorted and filtered to IRIs in Python: Oxigraph's ORDER BY STR(?s) and FILTER(isIRI(?s))
take 14 s instead of 0.2 s on 150,000 quads."""

_UPDATE_KEYWORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>|#[^\n]*)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


def to_term(term: Any) -> Term:
    """A pyoxigraph term as a plain value (``str`` IRI, :class:`BNode` or :class:`Lit`)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return str(term.value)
    if kind is ox.Literal:
        return Lit(term.value, term.datatype.value, term.language)
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise InvalidData(f"unsupported RDF term {term!r} (RDF-star triples are not supported)")


def _node(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI; an invalid IRI is :class:`InvalidData`."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InvalidData(f"invalid IRI <{iri}>: {error}") from error


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = XSD.string


def _nt_literal(term: Literal) -> str:
    """One rdflib literal in N-Triples syntax."""
    text = str(term)
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    if term.language:
        return f'"{text}"@{term.language}'
    datatype = term.datatype
    if datatype is not None and datatype != _XSD_STRING:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def _nt_term(term: Any) -> str:
    """One rdflib term in N-Triples syntax (rdflib's own serialiser is three times slower)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return _nt_literal(term)
    if isinstance(term, RdfBNode):
        return f"_:{term}"
    raise InvalidData(f"cannot store the term {term!r}")


def _nquads(graphs: Mapping[str, Graph]) -> bytes:
    """Every triple of ``graphs`` as N-Quads in its named graph."""
    iris: dict[Any, str] = {}
    lines: list[str] = []
    for iri, graph in graphs.items():
        _triple_lines(graph, f" <{_node(iri).value}> .\n", iris, lines)
    return "".join(lines).encode("utf-8")


def _insert_data(graphs: Mapping[str, Graph]) -> list[str]:
    """SPARQL update operations that replace ``graphs``: dropped, then inserted."""
    iris: dict[Any, str] = {}
    operations = [f"DROP SILENT GRAPH <{_node(iri).value}>" for iri in graphs]
    for iri, graph in graphs.items():
        lines: list[str] = []
        _triple_lines(graph, " .\n", iris, lines)
        operations.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{''.join(lines)}}} }}")
    return operations


def _triple_lines(graph: Graph, end: str, iris: dict[Any, str], lines: list[str]) -> None:
    """Append every triple of ``graph`` to ``lines`` in N-Triples syntax, each ending with
    ``end`` (its graph name for N-Quads).

    IRIs recur (predicates, classes, shared entities), so their syntax is computed once per
    call (``iris``); literals are written each time (hashing an rdflib literal costs more than
    writing it).
    """

    def iri_or_bnode(term: Any) -> str:
        text = iris.get(term)
        if text is None:
            text = _nt_term(term)
            if type(term) is URIRef:
                iris[term] = text
        return text

    append = lines.append
    for s, p, o in graph:
        subject = iris.get(s) or iri_or_bnode(s)
        predicate = iris.get(p) or iri_or_bnode(p)
        if type(o) is Literal:
            obj = _nt_literal(o)
        elif type(o) is URIRef:
            obj = iris.get(o) or iri_or_bnode(o)
        else:
            obj = _nt_term(o)
        append(f"{subject} {predicate} {obj}{end}")


def _parts(graphs: Mapping[str, Graph], total: int, count: int) -> list[dict[str, Graph]]:
    """``graphs`` in ``count`` parts of about the same number of triples (graph IRIs checked)."""
    parts: list[dict[str, Graph]] = [{}]
    size = 0
    for iri, graph in graphs.items():
        _node(iri)
        if size >= total * len(parts) / count:
            parts.append({})
        parts[-1][iri] = graph
        size += len(graph)
    return parts


def _row(quad: Any) -> QuadRow:
    """A pyoxigraph quad of a named graph as a :class:`QuadRow`."""
    subject = to_term(quad.subject)
    if isinstance(subject, Lit):  # pragma: no cover - RDF forbids literal subjects
        raise InvalidData(f"literal subject in {quad!r}")
    return QuadRow(subject, quad.predicate.value, to_term(quad.object), quad.graph_name.value)


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
        self.flush()
        self._journal.clear()
        log.warning("recovered in %.2f s", time.monotonic() - started)

    @property
    def generation(self) -> int:
        """A counter bumped by every write of this process (cheap change detection for views)."""
        return self._generation

    @property
    def pyoxigraph_store(self) -> ox.Store:
        """The underlying pyoxigraph store, for the SPARQL service of the graph layer."""
        return self._store

    def touched_subjects(self, snapshot: GraphSnapshot) -> set[str]:
        """:func:`graph.rules.records.touched_subjects` of the former content of some graphs.

        The snapshot holds it as N-Triples: parsing them is several times cheaper than reading
        the graphs from the store (which decodes every term from its dictionary).
        """
        touched: set[str] = set()
        for data in snapshot.graphs.values():
            if not data:
                continue
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                subject, obj = triple.subject, triple.object
                if type(subject) is ox.NamedNode:
                    touched.add(subject.value)
                if type(obj) is ox.NamedNode and triple.predicate.value == REL_SUBJECT:
                    touched.add(obj.value)
        return touched

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
            [f"DROP SILENT GRAPH <{_node(iri).value}>" for iri in snapshot.graphs],
            "recovering graphs",
        )
        quads: list[bytes] = []
        with _store_errors("recovering graphs"):
            for iri, data in snapshot.graphs.items():
                if data is not None:
                    self._store.add_graph(_node(iri))
                    # Oxigraph's N-Triples: one triple a line, ending " .\n" (a newline inside a
                    # literal is escaped), so naming the graph before the dot makes N-Quads
                    quads.append(data.replace(b" .\n", f" <{iri}> .\n".encode()))
            if quads:
                self._store.bulk_load(b"".join(quads), format=ox.RdfFormat.N_QUADS)

    def replace_graph(self, iri: str, graph: Graph) -> GraphSnapshot:
        """Replace (or create) one article graph; returns what it held before."""
        return self.replace_graphs({iri: graph})

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> GraphSnapshot:
        """Replace (or create) these named graphs, all or nothing; returns the old content.

        Up to ``BULK_THRESHOLD`` triples: one SPARQL update (one transaction). Above: the undo
        journal, then Oxigraph's bulk loader (see the module docstring; a concurrent reader
        may see part of the batch while it runs). If adding fails, the former content is
        restored before the error is raised.
        """
        snapshot = self.snapshot(graphs)
        total = sum(len(g) for g in graphs.values())
        if total <= BULK_THRESHOLD:
            self._update(_insert_data(graphs), "replacing article graphs")
            return snapshot
        if self._journal is not None:
            with _store_errors("writing the undo journal"):
                self._journal.write(snapshot)
        existing = [iri for iri, old in snapshot.graphs.items() if old is not None]
        mirror: ox.Store | None = None
        try:
            self._update([f"DROP SILENT GRAPH <{iri}>" for iri in existing], "dropping graphs")
            with _store_errors("adding article graphs"):
                mirror = ox.Store() if self._mirrored() else None
                self._bulk_load(graphs, total, mirror)
                self.flush()  # durable before the journal goes: the commit point
        except BaseException:
            self.restore(snapshot)
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

    def _bulk_load(self, graphs: Mapping[str, Graph], total: int, mirror: ox.Store | None) -> None:
        """Bulk-load ``graphs`` (and into ``mirror``) in a few parts: worker threads load one
        while the N-Quads of the next are written (the bulk loader runs without the GIL;
        measured 15-25% faster than one part, more parts cost more than they save)."""
        parts = _parts(graphs, total, max(2, min(4, total // BULK_PART)))
        targets = [self._store] if mirror is None else [self._store, mirror]
        with ThreadPoolExecutor(len(targets), thread_name_prefix="diplograph-bulk-load") as loader:
            loading: list[Future[None]] = []
            for part in parts:
                data = _nquads(part)
                for future in loading:
                    future.result()
                loading = [
                    loader.submit(target.bulk_load, data, format=ox.RdfFormat.N_QUADS)
                    for target in targets
                ]
            for future in loading:
                future.result()

    def drop_graph(self, iri: str) -> GraphSnapshot:
        """Drop one article graph (no error if it does not exist); returns its old content."""
        return self.drop_graphs([iri])

    def drop_graphs(self, iris: Iterable[str]) -> GraphSnapshot:
        """Drop these named graphs in one transaction; returns their old content."""
        iris = list(dict.fromkeys(iris))
        snapshot = self.snapshot(iris)
        self._update([f"DROP SILENT GRAPH <{_node(iri).value}>" for iri in iris], "dropping graphs")
        return snapshot

    def snapshot(self, iris: Iterable[str]) -> GraphSnapshot:
        """The current content of these named graphs, for :meth:`restore`."""
        graphs: dict[str, bytes | None] = {}
        with _store_errors("reading graphs"):
            for iri in iris:
                node = _node(iri)
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
        operations: list[str] = []
        for iri, data in snapshot.graphs.items():
            operations.append(f"DROP SILENT GRAPH <{_node(iri).value}>")
            if data is not None:
                operations.append(f"CREATE SILENT GRAPH <{iri}>")
                if data.strip():
                    text = data.decode("utf-8")
                    operations.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{text}\n}} }}")
        self._update(operations, "restoring graphs")

    def _update(self, operations: list[str], action: str) -> None:
        """Run SPARQL update operations as one transaction."""
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
            return bool(self._store.contains_named_graph(_node(iri)))

    def graph_quads(self, iri: str) -> list[QuadRow]:
        """Every quad of one named graph (empty if it does not exist)."""
        with _store_errors("reading a graph"):
            return [_row(q) for q in self._store.quads_for_pattern(None, None, None, _node(iri))]

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
        for quad in self._reader().quads_for_pattern(_node(subject), None, None, None):
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
        an ``o`` of ``objects`` (values that are not IRIs match nothing).

        Per predicate, either scans its quads or looks each object up, whichever reads less:
        the scan is tried first and given up once it has read as many quads as there are
        objects (so it never costs more than twice the lookups).
        """
        wanted = set(objects)
        found: set[str] = set()
        with _store_errors("reading referrers"):
            for predicate in predicates:
                node = _node(predicate)
                scanned = self._scan_referrers(node, wanted)
                found |= scanned if scanned is not None else self._look_referrers(node, wanted)
        return found

    def _scan_referrers(self, predicate: ox.NamedNode, wanted: set[str]) -> set[str] | None:
        """Referrers through ``predicate`` from a scan of its quads; None past ``len(wanted)``."""
        found: set[str] = set()
        quads = self._reader().quads_for_pattern(None, predicate, None, None)
        for count, quad in enumerate(quads):
            if count >= len(wanted):
                return None
            obj, subject = quad.object, quad.subject
            if (
                type(obj) is ox.NamedNode
                and obj.value in wanted
                and type(subject) is ox.NamedNode
                and type(quad.graph_name) is not ox.DefaultGraph
            ):
                found.add(subject.value)
        return found

    def _look_referrers(self, predicate: ox.NamedNode, wanted: set[str]) -> set[str]:
        """Referrers through ``predicate``, one index lookup per wanted object."""
        found: set[str] = set()
        store = self._reader()
        for value in wanted:
            try:
                obj = ox.NamedNode(value)
            except ValueError:
                continue
            for quad in store.quads_for_pattern(None, predicate, obj, None):
                subject = quad.subject
                if type(subject) is ox.NamedNode and type(quad.graph_name) is not ox.DefaultGraph:
                    found.add(subject.value)
        return found

    def predicate_quads(self, predicates: Sequence[str]) -> list[QuadRow]:
        """Every quad of a named graph whose predicate is one of ``predicates`` (index scans)."""
        rows: list[QuadRow] = []
        store = self._reader()
        with _store_errors("reading predicates"):
            for predicate in dict.fromkeys(predicates):
                for quad in store.quads_for_pattern(None, _node(predicate), None, None):
                    graph = quad.graph_name
                    if type(graph) is not ox.DefaultGraph:
                        subject = _subject(quad.subject)
                        rows.append(QuadRow(subject, predicate, to_term(quad.object), graph.value))
        return rows

    def subject_objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[Term]:
        """Objects of ``(s p o)`` in a named graph, for an ``s`` of ``subjects`` and a ``p`` of
        ``predicates`` (one index lookup per subject and predicate)."""
        nodes = [_node(p) for p in predicates]
        found: set[Term] = set()
        store = self._reader()
        with _store_errors("reading objects"):
            for subject in set(subjects):
                node = _node(subject)
                for predicate in nodes:
                    for quad in store.quads_for_pattern(node, predicate, None, None):
                        if type(quad.graph_name) is not ox.DefaultGraph:
                            found.add(to_term(quad.object))
        return found

    def subjects(self) -> list[str]:
        """Every IRI subject of a named graph, sorted."""
        result = self._select(_SUBJECTS_QUERY)
        return sorted(row[0] for row in result.rows if isinstance(row[0], str))

    def articles(self) -> list[ArticleInfo]:
        """Every named graph with its triple count and its ``dg:Article``'s title, url, date."""
        sizes = {str(g): n for g, n in self._select(_GRAPH_SIZES_QUERY).rows}
        details = {str(row[0]): row[1:] for row in self._select(_ARTICLES_QUERY).rows}
        with _store_errors("listing graphs"):
            names = self._named_graphs()
        infos = []
        for iri in sorted(names):
            title, url, date = (_lexical(v) for v in details.get(iri, (None, None, None)))
            count = sizes.get(iri)
            triples = int(count.value) if isinstance(count, Lit) else 0
            infos.append(ArticleInfo(iri, triples, title, url, date))
        return infos

    def entity_records(self) -> list[StoredEntity]:
        """Every actor, region and post, its values merged over all graphs and sorted."""
        values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for subject, predicate, obj in self._select(_ENTITIES_QUERY).rows:
            if isinstance(subject, str) and isinstance(predicate, str) and obj is not None:
                values[subject][predicate].add(obj.value if isinstance(obj, Lit) else str(obj))
        records = []
        for iri in sorted(values):
            by = values[iri]
            records.append(
                StoredEntity(
                    iri=iri,
                    types=tuple(sorted(by[str(RDF.type)])),
                    names=tuple(sorted(by[str(DG.name)])),
                    aliases=tuple(sorted(by[str(DG.alias)])),
                    iso_code=min(by[str(DG.isoCode)], default=None),
                    wikidata=min(by[str(DG.wikidata)], default=None),
                    same_as=tuple(sorted(by[str(OWL.sameAs)])),
                )
            )
        return records

    def counts(self) -> StoreCounts:
        """Number of quads and of named graphs."""
        with _store_errors("counting"):
            return StoreCounts(triples=len(self._store), articles=len(self._named_graphs()))

    def dump(self) -> bytes:
        """Every quad as N-Quads."""
        with _store_errors("dumping the store"):
            return self._store.dump(format=ox.RdfFormat.N_QUADS) or b""

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
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            raw = self._store.query(sparql, use_default_graph_as_union=union_default_graph)
            if isinstance(raw, ox.QueryBoolean):
                return AskResult(bool(raw))
            if isinstance(raw, ox.QuerySolutions):
                variables = tuple(v.value for v in raw.variables)
                rows = [
                    tuple(None if t is None else to_term(t) for t in solution)
                    for solution in _bounded(raw, deadline, timeout, max_results)
                ]
                return SelectResult(variables, rows)
            triples = [
                (_subject(t.subject), t.predicate.value, to_term(t.object))
                for t in _bounded(raw, deadline, timeout, max_results)
            ]
            return ConstructResult(triples)
        except GraphError:
            raise
        except SyntaxError as error:
            if _UPDATE_KEYWORDS.match(sparql):
                raise WriteRejected("SPARQL updates are not accepted here") from error
            raise QueryError(f"SPARQL syntax error: {error}") from error
        except (ValueError, RuntimeError) as error:
            raise QueryError(f"SPARQL evaluation error: {error}") from error
        except OSError as error:
            raise StoreUnavailable(f"Oxigraph I/O error: {error}", retry_after=None) from error

    def _select(self, sparql: str) -> SelectResult:
        """Run one of our own SELECT queries over the named graphs."""
        result = self.query(sparql, union_default_graph=False)
        assert isinstance(result, SelectResult)
        return result


def _bounded(
    items: Iterable[Any], deadline: float | None, timeout: float | None, limit: int | None
) -> Iterator[Any]:
    """Yield ``items``, raising past the deadline or past ``limit`` items."""
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            raise ResultTooLarge(f"the result has more than {limit} rows", limit=limit)
        if deadline is not None and count % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran longer than {timeout} s", timeout=timeout)
        yield item
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout(f"the query ran longer than {timeout} s", timeout=timeout)


def _subject(term: Any) -> str | BNode:
    """A triple's subject as a plain term."""
    value = to_term(term)
    if isinstance(value, Lit):  # pragma: no cover - RDF forbids literal subjects
        raise QueryError("a literal cannot be a subject")
    return value


def _lexical(term: Term | None) -> str | None:
    """The lexical form of a literal (or the IRI), None if unbound."""
    if term is None:
        return None
    return term.value if isinstance(term, Lit) else str(term)
