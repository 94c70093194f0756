"""Properties of actor paths (issue 17), on random fact graphs in a real Oxigraph store:

* ``k`` is honoured: every path of ``links(k)`` is a path of ``links(k + 1)``;
* a cap that is not reached changes nothing (same paths, same ranking, ``ranking`` complete);
* a cap that is reached keeps the first paths of the uncapped answer, says so, and still counts
  every path per length;
* a path is a sequence of distinct actors, once, whatever the number of facts joining them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.backends import nx_queries
from graph.queries import QueryLimits, QueryService
from graph.queries.model import LinksResult
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from ontology.namespace import DG, ID

ARTICLE = ID["article/random-facts"]
KIND = URIRef("https://w3id.org/diplograph/vocab/relation-kind/partner-of")
LIMITS = QueryLimits(max_hops=4, max_paths=100_000, timeout=30.0)
ACTORS = 7

facts = st.lists(
    st.tuples(st.integers(0, ACTORS - 1), st.integers(0, ACTORS - 1)).filter(
        lambda e: e[0] != e[1]
    ),
    min_size=1,
    max_size=22,
)
"""Relations between organisations; repeated pairs are parallel facts."""


def service_of(edges: list[tuple[int, int]]) -> QueryService:
    """Query services over an in-memory store holding one relation per edge."""
    dataset = Dataset()
    graph = dataset.graph(ARTICLE)
    graph.add((ARTICLE, RDF.type, DG.Article))
    for node in range(ACTORS):
        org = ID[f"organization/o{node}"]
        graph.add((org, RDF.type, DG.Organization))
        graph.add((org, DG.name, Literal(f"Org {node}")))
    for number, (a, b) in enumerate(edges):
        relation = ID[f"relation/r{number}"]
        graph.add((relation, RDF.type, DG.Relation))
        graph.add((relation, DG.relationSubject, ID[f"organization/o{a}"]))
        graph.add((relation, DG.relationObject, ID[f"organization/o{b}"]))
        graph.add((relation, DG.relationKind, KIND))
    rdf = OxigraphStore()
    GraphStore(rdf).load_articles(dataset)
    return nx_queries(rdf, LIMITS)


def sequences(result: LinksResult) -> list[tuple[str, ...]]:
    """The actor sequences of a links answer, in answer order."""
    return [p.nodes for p in result.paths]


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(facts)
def test_links_k_is_contained_in_links_k_plus_one(edges: list[tuple[int, int]]) -> None:
    service = service_of(edges)
    previous: set[tuple[str, ...]] = set()
    for k in range(1, LIMITS.max_hops + 1):
        result = service.links("organization/o0", "organization/o1", max_hops=k)
        found = sequences(result)
        assert not result.truncated
        assert previous <= set(found)
        assert len(found) == len(set(found))  # one path per actor sequence
        assert all(len(set(p)) == len(p) for p in found)  # distinct actors
        assert [c.paths for c in result.counts] == [
            sum(1 for p in found if len(p) - 1 == n) for n in range(1, k + 1)
        ]
        for path in result.paths:  # every fact between consecutive actors is on the hop
            for hop, (u, v) in zip(
                path.hops, zip(path.nodes, path.nodes[1:], strict=False), strict=True
            ):
                assert hop and all({s.source, s.target} == {u, v} for s in hop)
        previous = set(found)


@PROPERTY
@given(facts, st.integers(1, 40))
def test_a_cap_changes_nothing_unless_reached(edges: list[tuple[int, int]], cap: int) -> None:
    service = service_of(edges)
    full = service.links("organization/o0", "organization/o1", max_hops=4)
    capped = service.links("organization/o0", "organization/o1", max_hops=4, max_paths=cap)
    assert capped.counts == full.counts  # counting goes on past the cap
    if cap >= len(full.paths):
        assert capped == full
        assert capped.ranking_complete and not capped.truncated
    else:
        assert capped.truncated and capped.reason == "path-cap"
        assert not capped.ranking_complete
        assert sequences(capped) == sequences(full)[:cap]  # shortest first, then by actors
