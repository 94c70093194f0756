"""Put one article graph into canonical IRIs."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from ontology.namespace import DG


def rewrite_article(
    graph: Graph, iris: Mapping[str, str], local_ids: Mapping[str, str], into: Graph
) -> Graph:
    """Add ``graph``'s triples to ``into`` with every IRI of ``iris`` (as stored → canonical)
    replaced; each entity whose canonical IRI differs from its local id (``local_ids``, by
    stored IRI) says so with ``dg:localIri``. Former ``dg:localIri`` triples are replaced."""
    mapped: dict[Node, Node] = {URIRef(k): URIRef(v) for k, v in iris.items() if k != v}
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
