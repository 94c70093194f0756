"""Path enumeration on a dense random graph: the path cap and the time limit stop it quickly."""

from __future__ import annotations

import time
from collections.abc import Iterator

import networkx as nx
import pytest
from neo4j import Driver
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.backends import nx_queries, open_backends
from graph.queries import QueryLimits, QueryService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from ontology.namespace import DG, ID
from tests.conftest import Neo4jConnection, neo4j_backend_config

ARTICLE = ID["article/dense-random"]
NODES, DENSITY = 200, 0.25


def dense_dataset(nodes: int = NODES, density: float = DENSITY) -> Dataset:
    """A random graph as facts: organisations joined by ``partner-of`` relations."""
    graph = nx.gnp_random_graph(nodes, density, seed=7)
    dataset = Dataset()
    named = dataset.graph(ARTICLE)
    named.add((ARTICLE, RDF.type, DG.Article))
    for node in graph.nodes:
        org = ID[f"organization/org-{node}"]
        named.add((org, RDF.type, DG.Organization))
        named.add((org, DG.name, Literal(f"Organisation {node}")))
    for a, b in graph.edges:
        relation = ID[f"relation/r-{a}-{b}"]
        named.add((relation, RDF.type, DG.Relation))
        named.add((relation, DG.relationSubject, ID[f"organization/org-{a}"]))
        named.add((relation, DG.relationObject, ID[f"organization/org-{b}"]))
        named.add(
            (
                relation,
                DG.relationKind,
                URIRef("https://w3id.org/diplograph/vocab/relation-kind/partner-of"),
            )
        )
    return dataset


LIMITS = QueryLimits(max_hops=4, max_paths=1_000_000, timeout=5.0)


@pytest.fixture(scope="module")
def dense_rdf() -> OxigraphStore:
    rdf = OxigraphStore()
    GraphStore(rdf).load_articles(dense_dataset())
    return rdf


@pytest.fixture(scope="module")
def dense_neo4j(
    neo4j_connection: Neo4jConnection, neo4j_driver: Driver, neo4j_database: str
) -> Iterator[QueryService]:
    """The Neo4j backend over the dense graph, built as the app builds it."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    config = neo4j_backend_config(neo4j_connection, neo4j_database, limits=LIMITS)
    backends = open_backends(config)
    try:
        backends.store.ensure_schema()
        backends.store.load_articles(dense_dataset())
        yield backends.queries
    finally:
        backends.close()


@pytest.fixture(params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def dense(request: pytest.FixtureRequest) -> QueryService:
    if request.param == "nx":
        return nx_queries(request.getfixturevalue("dense_rdf"), LIMITS)
    return request.getfixturevalue("dense_neo4j")  # type: ignore[no-any-return]


def test_path_cap_truncates_quickly(dense: QueryService) -> None:
    started = time.monotonic()
    result = dense.links("organization/org-0", "organization/org-1", max_hops=4, max_paths=200)
    assert time.monotonic() - started < 5
    assert result.truncated and result.reason == "path-cap"
    assert len(result.paths) == 200
    lengths = [p.length for p in result.paths]
    assert lengths == sorted(lengths)
    assert all(len(set(p.nodes)) == len(p.nodes) for p in result.paths)


def test_timeout_truncates_quickly(dense: QueryService) -> None:
    started = time.monotonic()
    result = dense.links("organization/org-2", "organization/org-3", max_hops=4, timeout=0.005)
    assert time.monotonic() - started < 5
    assert result.truncated and result.reason == "timeout"
    lengths = [p.length for p in result.paths]
    assert lengths == sorted(lengths)  # whole shorter lengths, never a longer path alone


def test_shortest_paths_on_a_dense_graph(dense: QueryService) -> None:
    result = dense.shortest_paths("organization/org-4", "organization/org-5", max_paths=50)
    assert result.length is not None and result.length <= 2
    assert all(p.length == result.length for p in result.paths)
