"""Entity and agreement detail from one page fetch: one Cypher query on Neo4j, and the same
answer as the detail assembled from the primitives (describe, referrers, entity_infos).

On a synthetic corpus (bench/generate.py, 40 articles) plus the example, every entity and every
agreement, on both backends over the same stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultutil import bench_generator
from neo4j import Driver, Record

from graph.backends import nx_queries, open_backends
from graph.neo4j.source import Neo4jSource
from graph.queries import QueryService
from graph.queries.agreements import agreement_detail
from graph.queries.facts import entity_detail
from graph.queries.pages import AGREEMENT_PAGE, ENTITY_PAGE, compose_page
from graph.queries.refs import Refs, short_id
from graph.queries.source import GraphSource
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders import EntityIndex, load_paths
from tests.conftest import Neo4jConnection, neo4j_backend_config

EXAMPLE = "examples/us-algeria-mou.yaml"


class CountingSource(Neo4jSource):
    """Neo4jSource counting its read transactions (the real driver and server)."""

    reads = 0

    def read(self, query: str, timeout: float | None = None, **params: Any) -> list[Record]:
        self.reads += 1
        return super().read(query, timeout, **params)


def corpus(tmp: Path) -> list[str]:
    """40 synthetic fact sheets and the example, as paths."""
    generator = bench_generator()
    paths = [EXAMPLE]
    for article_id, sheet in generator.generate(40, 7, n_agreements=15):
        path = tmp / f"{article_id.replace('/', '-')}.json"
        path.write_text(json.dumps(sheet))
        paths.append(str(path))
    return paths


def load(store: GraphStore, paths: list[str]) -> None:
    result = load_paths(paths, EntityIndex([]))
    assert not result.failed
    store.load_graphs({str(a.iri): a.graph for a in result.articles})


@pytest.fixture(scope="module")
def backends(
    tmp_path_factory: pytest.TempPathFactory,
    neo4j_connection: Neo4jConnection,
    neo4j_driver: Driver,
    neo4j_database: str,
) -> Iterator[tuple[GraphSource, CountingSource, OxigraphStore]]:
    """The corpus in both stores, as the app writes them."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    opened = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
    try:
        opened.store.ensure_schema()
        load(opened.store, corpus(tmp_path_factory.mktemp("sheets")))
        counting = CountingSource(neo4j_driver, neo4j_database)
        yield nx_queries(opened.rdf).source, counting, opened.rdf
    finally:
        opened.close()


def ids(source: GraphSource) -> tuple[list[str], list[str]]:
    entities = [e.uri for e in source.entities()]
    return entities, source.instances("Agreement")


@pytest.mark.neo4j
def test_entity_and_agreement_detail_are_one_query_and_unchanged(
    backends: tuple[GraphSource, CountingSource, OxigraphStore],
) -> None:
    nx_source, neo4j, _ = backends
    entities, agreements = ids(neo4j)
    assert len(entities) > 50 and len(agreements) > 5
    for source in (neo4j, nx_source):
        service = QueryService(source)
        for uri in entities:
            before = neo4j.reads
            detail = service.entity(short_id(uri))
            if source is neo4j:
                assert neo4j.reads - before == 1, uri
            assert detail == entity_detail(source, Refs(source), uri), uri
        for uri in agreements:
            before = neo4j.reads
            found = service.agreement(short_id(uri))
            if source is neo4j:
                assert neo4j.reads - before == 1, uri
            assert found == agreement_detail(source, Refs(source), uri), uri


@pytest.mark.neo4j
def test_one_cypher_page_equals_the_page_composed_of_primitives(
    backends: tuple[GraphSource, CountingSource, OxigraphStore],
) -> None:
    nx_source, neo4j, _ = backends
    entities, agreements = ids(neo4j)
    pages = [(u, ENTITY_PAGE) for u in entities] + [(u, AGREEMENT_PAGE) for u in agreements]
    for uri, plan in [*pages, ("https://w3id.org/diplograph/id/country/NOPE", ENTITY_PAGE)]:
        fetched = neo4j.page(uri, plan)
        # the same records as the primitives give, on Neo4j and on the embedded backend
        for composed in (compose_page(neo4j, uri, plan), nx_source.page(uri, plan)):
            assert dict(composed.entities) == dict(fetched.entities), uri
            assert composed.referrers == fetched.referrers, uri
            assert composed.looked_up == fetched.looked_up, uri
            assert set(composed.described) <= set(fetched.described), uri
        assert compose_page(neo4j, uri, plan).described.items() <= fetched.described.items()


@pytest.mark.neo4j
def test_a_name_costs_one_more_fetch(
    backends: tuple[GraphSource, CountingSource, OxigraphStore],
) -> None:
    _, neo4j, _ = backends
    service = QueryService(neo4j)
    before = neo4j.reads
    by_name = service.entity("Algeria")
    assert by_name.entity.uri.endswith("country/DZA")
    assert neo4j.reads - before <= 3  # the page of the id tried, the entity list, the page
    assert by_name == service.entity("country/DZA")


@pytest.mark.neo4j
def test_neighbours_are_one_query_a_level_and_agree_across_backends(
    backends: tuple[GraphSource, CountingSource, OxigraphStore],
) -> None:
    nx_source, neo4j, _ = backends
    actors = [e.uri for e in neo4j.entities() if e.is_actor][::7]
    assert len(actors) > 10
    by_nx, by_neo4j = QueryService(nx_source), QueryService(neo4j)
    for uri in actors:
        for depth in (1, 2):
            before = neo4j.reads
            found = by_neo4j.neighbours(short_id(uri), depth=depth, hub_cap=25)
            assert neo4j.reads - before <= depth, (uri, depth)
            assert found == by_nx.neighbours(short_id(uri), depth=depth, hub_cap=25), uri
