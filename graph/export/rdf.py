"""The RDF behind a subgraph, with its provenance: N-Quads (streamed), Turtle and JSON-LD.

The quads are read from the RDF store (the system of record), not rebuilt from the export:
every quad, in every article graph, whose subject is

* a node of the subgraph (its description: type, name, aliases, codes…);
* a fact behind an edge (``fact``: the agreement, influence, tenure, event, relation…);
* an evidence item of such a fact, the article it cites, and the post of a tenure.

N-Quads and JSON-LD keep the named graphs (one per article, so each fact stays traceable to
its article); Turtle holds their union. Order is deterministic (graph, subject, predicate,
object).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode as RdfBNode
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node as RdfNode

from graph.export.model import Subgraph
from graph.model import RDF_LANG_STRING, XSD_STRING, BNode, Lit, QuadRow, RDFStore, Term
from ontology.namespace import DG, PREFIXES

MEDIA_TYPES = {
    "nquads": "application/n-quads",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
}
EXTENSIONS = {"nquads": "nq", "turtle": "ttl", "jsonld": "jsonld"}
CHUNK = 2000
_FOLLOW = (str(DG.evidence), str(DG.post))
"""Predicates whose objects (evidence items, posts) are exported with the facts."""
_ARTICLE = str(DG.inArticle)


def _objects(rows: Iterable[QuadRow], predicates: Iterable[str]) -> set[str]:
    """IRI objects of some predicates."""
    wanted = set(predicates)
    return {r.object for r in rows if r.predicate in wanted and isinstance(r.object, str)}


def subgraph_quads(sub: Subgraph, store: RDFStore) -> list[QuadRow]:
    """The quads of the subgraph's nodes, facts, evidence, cited articles and posts, sorted."""
    facts = {e.attributes.get("fact") for e in sub.edges}
    first = sorted({n.id for n in sub.nodes} | {f for f in facts if isinstance(f, str)})
    rows = store.subject_quads(first)
    seen = set(first)
    second = sorted(_objects(rows, _FOLLOW) - seen)
    more = store.subject_quads(second)
    seen.update(second)
    third = sorted(_objects(more, (_ARTICLE,)) - seen)
    found = {*rows, *more, *store.subject_quads(third)}
    return sorted(found, key=_sort_key)


def _sort_key(row: QuadRow) -> tuple[str, str, str, str]:
    return (row.graph, _nt(row.subject), row.predicate, _nt(row.object))


# ------------------------------------------------------------------------------------- N-Quads

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_IRI_ESCAPES = {c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\' + "".join(map(chr, range(0x21)))}
_IRI_TABLE = str.maketrans(_IRI_ESCAPES)


def _iri(value: str) -> str:
    return f"<{value.translate(_IRI_TABLE)}>"


def _nt(term: Term | BNode) -> str:
    """N-Triples form of a term."""
    if isinstance(term, str):
        return _iri(term)
    if isinstance(term, BNode):
        return f"_:{term.id}"
    text = '"' + term.value.translate(_ESCAPES) + '"'
    if term.datatype == RDF_LANG_STRING and term.language:
        return f"{text}@{term.language}"
    if term.datatype == XSD_STRING:
        return text
    return f"{text}^^{_iri(term.datatype)}"


def write_nquads(quads: Iterable[QuadRow]) -> Iterator[str]:
    """N-Quads lines, in chunks."""
    buf: list[str] = []
    for row in quads:
        buf.append(
            f"{_nt(row.subject)} {_iri(row.predicate)} {_nt(row.object)} {_iri(row.graph)} .\n"
        )
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    yield "".join(buf)


# ------------------------------------------------------------------------------------- rdflib


def _term(term: Term | BNode) -> RdfNode:
    """The rdflib term of a store term."""
    if isinstance(term, str):
        return URIRef(term)
    if isinstance(term, BNode):
        return RdfBNode(term.id)
    if isinstance(term, Lit):
        if term.datatype == RDF_LANG_STRING and term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype))
    raise TypeError(f"not an RDF term: {term!r}")


def to_dataset(quads: Iterable[QuadRow]) -> Dataset:
    """An rdflib Dataset with one named graph per article."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    graphs: dict[str, Graph] = {}
    for row in quads:
        graph = graphs.get(row.graph)
        if graph is None:
            graph = graphs[row.graph] = dataset.graph(URIRef(row.graph))
        graph.add((_term(row.subject), URIRef(row.predicate), _term(row.object)))
    return dataset


def write_turtle(quads: Iterable[QuadRow]) -> Iterator[str]:
    """The union of the quads' graphs as Turtle."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for row in quads:
        graph.add((_term(row.subject), URIRef(row.predicate), _term(row.object)))
    yield graph.serialize(format="turtle")


def write_jsonld(quads: Iterable[QuadRow]) -> Iterator[str]:
    """JSON-LD with one named graph per article (``@graph`` of ``@graph``s)."""
    context = dict(PREFIXES)
    yield to_dataset(quads).serialize(format="json-ld", context=context, auto_compact=True)
