"""Put one article graph into canonical IRIs."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from loaders.identity.statements import Props
from loaders.iris import fact_iri
from ontology.namespace import DG
from ontology.triples import Triple, Triples

_LOCAL = str(DG.localIri)


def rewrite_article(
    article: str, triples: Triples, iris: Mapping[str, str], local_ids: Mapping[str, str]
) -> tuple[Triple, ...]:
    """The triples of the article graph ``article`` with every IRI of ``iris`` (as stored →
    canonical) replaced; each entity whose canonical IRI differs from its local id
    (``local_ids``, by stored IRI) says so with ``dg:localIri``. Former ``dg:localIri`` triples
    are replaced."""
    mapped: dict[Node, Node] = {URIRef(k): URIRef(v) for k, v in iris.items() if k != v}
    quotes: dict[Node, Node] = {}
    supported: list[tuple[Node, Node]] = []
    for s, p, o in triples:
        if p == DG.quote:
            quotes[s] = o
        elif p == DG.evidence:
            supported.append((s, o))
    for fact, evidence in supported:
        quote = quotes.get(evidence)
        if quote is not None:  # as loaders.mapping names it: article, fact, quote
            renamed = fact_iri("evidence", article, str(mapped.get(fact, fact)), str(quote))
            if renamed != evidence:
                mapped[evidence] = renamed
    out: dict[Triple, None] = {}  # a set in a stable order (two stored IRIs may map to one)
    for s, p, o in triples:
        if p == DG.localIri:
            continue
        s2, o2 = mapped.get(s, s), mapped.get(o, o)
        if p == OWL.sameAs and s2 == o2:
            continue
        out[(s2, p, o2)] = None
    for stored, local in local_ids.items():
        canonical = iris.get(stored, stored)
        if canonical != local:
            out[(URIRef(canonical), DG.localIri, Literal(local))] = None
    return tuple(out)


def unchanged(iris: Mapping[str, str], local_ids: Mapping[str, str]) -> bool:
    """Whether rewriting with ``iris`` and ``local_ids`` would give the graph back as it is (a
    graph that already states these local ids, or needs none)."""
    return all(k == v for k, v in iris.items()) and all(
        iris.get(stored, stored) == local for stored, local in local_ids.items()
    )


def rewrite_statements(
    statements: Mapping[str, Props], iris: Mapping[str, str], local_ids: Mapping[str, str]
) -> dict[str, Props]:
    """The identifying statements of an article after :func:`rewrite_article` (the same
    mapping, without reading the rewritten graph again)."""
    out: dict[str, Props] = {}
    for subject, props in statements.items():
        mapped: Props = {
            p: [iris.get(o, o) for o in objects] for p, objects in props.items() if p != _LOCAL
        }
        canonical = iris.get(subject, subject)
        local = local_ids.get(subject)
        if local is not None and local != canonical:
            mapped[_LOCAL] = [local]
        merged = out.setdefault(canonical, {})
        for p, objects in mapped.items():
            merged.setdefault(p, []).extend(objects)
    return out
