"""What the graph layer's stores look like: plain records and two small protocols.

* :class:`RDFStore` is the system of record (one named graph per article); ``graph.rdf.store``
  implements it on embedded Oxigraph.
* :class:`Projection` is the property-graph sink the RDF is projected into
  (``graph.neo4j.projection`` on Neo4j); ``graph.rules.records`` computes what to write, as
  :class:`NodeRecord` and :class:`RelRecord`.

RDF terms cross these interfaces as plain Python values, never as rdflib or pyoxigraph objects:
an IRI is a ``str``, a blank node a :class:`BNode`, a literal a :class:`Lit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from ontology.triples import Triples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Lit:
    """An RDF literal: lexical form, datatype IRI and language tag (for ``rdf:langString``)."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None


@dataclass(frozen=True, slots=True)
class BNode:
    """A blank node, by its store-local id."""

    id: str


Term = str | BNode | Lit
"""An RDF term: an IRI (``str``), a blank node or a literal."""


class QuadRow(NamedTuple):
    """One quad; ``graph`` is the IRI of the article graph that states it."""

    subject: str | BNode
    predicate: str
    object: Term
    graph: str


class StoredEntity(NamedTuple):
    """An actor, region or post as every article graph describes it (the loaders' entity index).

    Values are merged over all graphs and sorted; ``iso_code`` and ``wikidata`` are the first
    in sort order when articles disagree.
    """

    iri: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    aliases: tuple[str, ...]
    iso_code: str | None
    wikidata: str | None
    same_as: tuple[str, ...]


Scalar = str | int | float | bool
PropertyValue = Scalar | list[str] | list[int] | list[float] | list[bool]
"""A Neo4j property value: a primitive or a homogeneous list (never None, never mixed)."""
Properties = Mapping[str, PropertyValue]


@dataclass(frozen=True)
class NodeRecord:
    """A property-graph node: ``labels`` always start with ``Resource``; properties include
    ``uri`` and ``sources``."""

    uri: str
    labels: tuple[str, ...]
    properties: Properties = field(hash=False)


@dataclass(frozen=True)
class RelRecord:
    """A property-graph relationship from ``start`` to ``end`` (node IRIs).

    ``uri`` is the IRI of the ``dg:Relation`` statement node it projects, or None for a
    relationship projected from a plain triple (identified by start, type and end).
    """

    uri: str | None
    type: str
    start: str
    end: str
    properties: Properties = field(hash=False)


@dataclass(frozen=True)
class ArticleInfo:
    """An article graph: its IRI, what its ``dg:Article`` says, and how many triples it holds."""

    iri: str
    triples: int
    title: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class StoreCounts:
    """Size of the RDF store."""

    triples: int
    articles: int


@dataclass(frozen=True)
class ProjectionCounts:
    """Size of the property graph, in total and by label and relationship type."""

    nodes: int
    relationships: int
    labels: Mapping[str, int] = field(default_factory=dict, hash=False)
    types: Mapping[str, int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class GraphSnapshot:
    """The former content of some article graphs (N-Triples bytes, None if the graph did not
    exist), taken by a write so that :meth:`RDFStore.restore` can undo it."""

    graphs: Mapping[str, bytes | None] = field(hash=False)


@dataclass(frozen=True)
class SelectResult:
    """Solutions of a SPARQL SELECT; an unbound variable is None."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]] = field(hash=False)


@dataclass(frozen=True)
class ConstructResult:
    """Triples of a SPARQL CONSTRUCT or DESCRIBE."""

    triples: list[tuple[str | BNode, str, Term]] = field(hash=False)


@dataclass(frozen=True)
class AskResult:
    """Answer of a SPARQL ASK."""

    value: bool


QueryResult = SelectResult | ConstructResult | AskResult
Progress = Callable[[int, int], None]
"""``on_progress(done, total)``."""


class RDFStore(Protocol):
    """The RDF quad store, system of record: one named graph per article."""

    def replace_graphs(self, graphs: Mapping[str, Triples]) -> GraphSnapshot:
        """Replace (or create) the named graphs, all at once; returns what they held before."""
        ...

    def drop_graphs(self, iris: Iterable[str]) -> GraphSnapshot:
        """Drop the named graphs, all at once; returns what they held before."""
        ...

    def restore(self, snapshot: GraphSnapshot) -> None:
        """Put the graphs of ``snapshot`` back as they were when it was taken."""
        ...

    def has_graph(self, iri: str) -> bool:
        """Whether the named graph exists."""
        ...

    def graph_quads(self, iri: str) -> list[QuadRow]:
        """Every quad of one named graph (empty if the graph does not exist)."""
        ...

    def articles(self) -> list[ArticleInfo]:
        """Every named graph, with what its ``dg:Article`` says and its triple count."""
        ...

    def subjects(self) -> list[str]:
        """Every IRI that is the subject of a triple in some named graph, sorted."""
        ...

    def subject_quads(self, subjects: Iterable[str]) -> list[QuadRow]:
        """Every quad whose subject is one of ``subjects``, in any named graph."""
        ...

    def merged_into(self, local_id: str) -> list[str]:
        """The entities an article stated under ``local_id`` now are (``dg:localIri``: the id
        that article alone gave them, before identity resolution merged or renamed them)."""
        ...

    def referring_subjects(self, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
        """IRI subjects stating ``(s p o)`` in a named graph, ``p`` in predicates, ``o`` in
        objects (objects that are not IRIs match nothing); looked up in the store's indexes."""
        ...

    def subject_objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[Term]:
        """Objects of ``(s p o)`` in a named graph, ``s`` in subjects, ``p`` in predicates."""
        ...

    def predicate_quads(self, predicates: Sequence[str]) -> list[QuadRow]:
        """Every quad of a named graph whose predicate is one of ``predicates`` (index scans)."""
        ...

    def cached_reads(self) -> AbstractContextManager[None]:
        """A block, in this thread, in which a writer's repeated reads of the same subjects
        (projection, then LINK steps) decode each of them once."""
        ...

    def touched_subjects(self, snapshot: GraphSnapshot) -> set[str]:
        """``graph.rules.records.touched_subjects`` of the former content a change returned
        (read from the snapshot, not from the store)."""
        ...

    @property
    def generation(self) -> int:
        """A counter bumped by every write of this process: views compare it to know when to
        rebuild."""
        ...

    def entity_records(self) -> list[StoredEntity]:
        """Every actor, region and post, merged over all graphs, sorted by IRI."""
        ...

    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = None,
        max_results: int | None = None,
        union_default_graph: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query (SELECT, CONSTRUCT, DESCRIBE or ASK); updates are rejected."""
        ...

    def dump(self) -> bytes:
        """Every quad as N-Quads (canonical order not guaranteed)."""
        ...

    def counts(self) -> StoreCounts:
        """Number of triples and article graphs."""
        ...


RecordBatch = tuple[Sequence[NodeRecord], Sequence[RelRecord]]
"""Some of the records of one change (nodes, relationships)."""


class Projection(Protocol):
    """A property-graph sink kept in step with the RDF store."""

    def ensure_schema(self) -> None:
        """Create the constraints and indexes the projection relies on (idempotent)."""
        ...

    def check(self) -> None:
        """Raise :class:`graph.errors.StoreUnavailable` unless the sink answers."""
        ...

    def apply(self, reset: Sequence[str], batches: Iterable[RecordBatch]) -> None:
        """Write one change in one transaction: all of it or, on error, nothing.

        ``reset`` are the subjects whose records are recomputed: their nodes lose every
        property and label (but ``uri`` and ``Resource``) and the relationships they own
        (outgoing ones without ``uri``, and those whose ``uri`` is in ``reset``); then the
        records of ``batches`` are written (consumed in the calling thread: a sink may write
        one while the next is computed), and nodes of ``reset`` (or left at the end of a
        deleted relationship) that no article describes and nothing links to are deleted.
        """
        ...

    def rebuilt(self) -> None:
        """Called by ``GraphStore.sync`` once every record has been written again."""
        ...

    def remove_nodes(self, uris: Sequence[str]) -> int:
        """Delete these nodes and their relationships; returns how many nodes were deleted."""
        ...

    def clear(self) -> int:
        """Delete every projected node and relationship; returns how many nodes were deleted."""
        ...

    def counts(self) -> ProjectionCounts:
        """Number of nodes and relationships, by label and type."""
        ...
