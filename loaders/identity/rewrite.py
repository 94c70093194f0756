"""Put one article graph into canonical IRIs."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from loaders.iris import fact_iri
from ontology.namespace import DG


def rewrite_article(
    graph: Graph, iris: Mapping[str, str], local_ids: Mapping[str, str], into: Graph
) -> Graph:
    """Add ``graph``'s triples to ``into`` with every IRI of ``iris`` (as stored → canonical)
    replaced; each entity whose canonical IRI differs from its local id (``local_ids``, by
    stored IRI) says so with ``dg:localIri``. Former ``dg:localIri`` triples are replaced."""
    mapped: dict[Node, Node] = {URIRef(k): URIRef(v) for k, v in iris.items() if k != v}
    article = str(into.identifier)
    for fact, evidence in graph.subject_objects(DG.evidence):
        quote = graph.value(evidence, DG.quote)
        if quote is not None:  # as loaders.mapping names it: article, fact, quote
            renamed = fact_iri("evidence", article, str(mapped.get(fact, fact)), str(quote))
            if renamed != evidence:
                mapped[evidence] = renamed
    for s, p, o in graph:
        if p == DG.localIri:
            continue
        s2, o2 = mapped.get(s, s), mapped.get(o, o)
        if p == OWL.sameAs and s2 == o2:
            continue
        into.add((s2, p, o2))
    for stored, local in local_ids.items():
        canonical = iris.get(stored, stored)
        if canonical != local:
            into.add((URIRef(canonical), DG.localIri, Literal(local)))
    return into
