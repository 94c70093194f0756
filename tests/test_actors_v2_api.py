"""Format 2 actors through the API on both backends, the Neo4j projection and cookbook 21.

The corpus is ``tests/fixtures/loaders/v2-actors``: a role-only signatory whose post two named
people may hold in 2025 (left apart), a role-only visitor of 2022 (one named holder then:
merged), a collective actor with members, a relation with a region, and a later article that
adds a country to that region and that group (the Neo4j LINK upkeep must follow).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import test_api_support as support
from neo4j import Driver
from storeutil import neo4j_dump
from test_api_support import TestClient, ok
from test_cookbook import RECIPES, normalised, sparql_rows
from test_page_queries import CountingSource

from api.ingest import ingest_paths
from graph.backends import nx_queries, open_backends
from graph.queries import QueryService
from graph.queries.facts import entity_detail
from graph.queries.refs import Refs
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from tests.conftest import Neo4jConnection, neo4j_backend_config

CORPUS = Path(__file__).parent / "fixtures" / "loaders" / "v2-actors"
HOLDER = "person/holder-of-minister-of-national-defense"
GROUP = "group/sahelian-military-regimes"
MEMMICH = "person/imed-memmich"
(RECIPE_21,) = [r for r in RECIPES if r.number == 21]
ROLE_ONLY_SIGNATORY = [
    [
        "holder of Minister of National Defense",
        "Minister of National Defense",
        "Tunisia",
        "Tunisia-Algeria defence memorandum",
    ]
]
"""Recipe 21's answer on this corpus (the cookbook states it for the example articles)."""


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The app over the corpus, on each backend in turn."""
    if request.param == "nx":
        yield from support.serve(support.embedded_settings(examples_dir=CORPUS))
        return
    connection = request.getfixturevalue("neo4j_connection")
    driver = request.getfixturevalue("neo4j_driver")
    support.clear_neo4j(driver, request.getfixturevalue("neo4j_database"))
    yield from support.serve(support.neo4j_settings(connection, examples_dir=CORPUS))


def test_a_role_only_person_shows_the_post_and_the_stated_as_of(client: TestClient) -> None:
    body = ok(client.get(f"/entities/{HOLDER}"))
    assert body["role_only"] is True
    assert body["entity"]["types"] == ["Official", "Person"]
    (held,) = body["holds"]
    assert held["post_name"] == "Minister of National Defense"
    assert held["post_in"]["id"] == "country/TUN"
    assert (held["as_of"], held["as_of_source"]) == ("2025-01", "sheet")
    assert [a["roles"] for a in body["agreements"]] == [["signatory"]]


def test_a_merged_role_only_person_takes_the_name_and_the_article_date(client: TestClient) -> None:
    body = ok(client.get("/entities/person/imed-memmich"))
    assert body["names"] == ["Imed Memmich"] and body["role_only"] is True
    assert (
        "https://w3id.org/diplograph/id/person/holder-of-minister-of-national-defense"
        in (body["merged_from"])
    )
    (held,) = body["holds"]
    assert (held["as_of"], held["as_of_source"]) == ("2022-05-12", "article")


def test_a_collective_actor_lists_its_members_and_they_their_group(client: TestClient) -> None:
    body = ok(client.get(f"/entities/{GROUP}"))
    assert body["entity"]["types"] == ["CollectiveActor"]
    assert [m["id"] for m in body["members"]] == ["country/BFA", "country/MLI", "country/NER"]
    mali = ok(client.get("/entities/country/MLI"))
    assert [g["id"] for g in mali["member_of"]] == [GROUP]
    hits = ok(client.get("/entities", params={"q": "Sahelian"}))
    assert [h["entity"]["id"] for h in hits["items"]] == [GROUP], hits


def test_region_level_relations_stay_off_stated_links(client: TestClient) -> None:
    # Algeria "active in" the Sahel: a region-level fact, Mali reached only by inference
    pair = {"a": "country/DZA", "b": "country/MLI", "k": 1, "relation": "relation:active-in"}
    stated = ok(client.get("/links", params=pair))
    assert stated["edges"] == []
    inferred = ok(client.get("/links", params={**pair, "inferred": "true"}))
    assert {(e["source"], e["target"], e["rule"]) for e in inferred["edges"]} == {
        ("country/DZA", "country/MLI", "region-membership")
    }


@pytest.mark.neo4j
def test_neo4j_projects_groups_members_and_role_only_holders(
    neo4j_connection: Neo4jConnection,
    clean_neo4j: Driver,
    neo4j_driver: Driver,
    neo4j_database: str,
) -> None:
    backends = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
    try:
        ingest_paths(backends.store, sorted(CORPUS.glob("*.yaml")))
    finally:
        backends.close()
    rows, _, _ = neo4j_driver.execute_query(
        "MATCH (g:CollectiveActor)-[:MEMBER]->(m:Country) "
        "OPTIONAL MATCH (g)-[:GROUP_KIND]->(k) "
        "RETURN g.name AS name, k.uri AS kind, collect(m.isoCode) AS members",
        database_=neo4j_database,
    )
    assert [(r["name"], r["kind"].rsplit("/", 1)[1], sorted(r["members"])) for r in rows] == [
        ("Sahelian military regimes", "regimes", ["BFA", "MLI", "NER"])
    ]
    rows, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Person {roleOnly: true})-[:HOLDS]->(post:Post) "
        "RETURN p.uri AS uri, p.asOf AS asOf, post.name AS post ORDER BY uri",
        database_=neo4j_database,
    )
    assert [(r["uri"].rsplit("/", 1)[1], r["asOf"], r["post"]) for r in rows] == [
        ("holder-of-minister-of-national-defense", "2025-01", "Minister of National Defense"),
        ("imed-memmich", None, "Minister of National Defense"),
    ]
    rows, _, _ = neo4j_driver.execute_query(
        "MATCH (g:CollectiveActor)-[l:LINK {relation: 'member'}]->(m) "
        "RETURN count(l) AS n, sum(CASE WHEN l.inferred THEN 1 ELSE 0 END) AS inferred",
        database_=neo4j_database,
    )
    assert (rows[0]["n"], rows[0]["inferred"]) == (3, 0)
    rows, _, _ = neo4j_driver.execute_query(RECIPE_21.cypher, database_=neo4j_database)
    assert normalised([list(r.values()) for r in rows], False) == normalised(
        ROLE_ONLY_SIGNATORY, False
    )


def test_cookbook_21_on_the_role_only_article() -> None:
    rdf = OxigraphStore(None)
    ingest_paths(GraphStore(rdf), [CORPUS / "role-only.yaml"])
    rows = sparql_rows(GraphSparqlService(rdf.pyoxigraph_store), RECIPE_21.sparql)
    assert normalised(rows, False) == normalised(ROLE_ONLY_SIGNATORY, False)


@pytest.mark.neo4j
def test_neo4j_is_the_same_whichever_article_names_the_holder_first(
    neo4j_connection: Neo4jConnection, clean_neo4j: Driver, neo4j_database: str
) -> None:
    files = sorted(CORPUS.glob("*.yaml"))
    dumps = []
    for order in (files, files[::-1]):
        backends = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
        try:
            backends.store.projection.clear()  # type: ignore[union-attr]
            for file in order:  # one at a time: each load re-resolves identity
                ingest_paths(backends.store, [file])
            dumps.append(neo4j_dump(backends.store.projection.driver, neo4j_database))  # type: ignore[union-attr]
        finally:
            backends.close()
    assert dumps[0] == dumps[1]


def test_gexf_export_carries_the_group_and_its_member_edges(client: TestClient) -> None:
    response = client.get("/export/gexf", params={"seed": GROUP, "depth": 1})
    assert response.status_code == 200, response.text
    graph = nx.read_gexf(io.BytesIO(response.content))
    types = {data.get("entity_type") for _, data in graph.nodes(data=True)}
    assert "CollectiveActor" in types, types
    relations = {data.get("relation") for _, _, data in graph.edges(data=True)}
    assert "member" in relations and "relation:rival-of" in relations, relations


@pytest.mark.neo4j
def test_neo4j_entity_detail_of_groups_and_holders_is_one_page_read(
    neo4j_connection: Neo4jConnection,
    clean_neo4j: Driver,
    neo4j_driver: Driver,
    neo4j_database: str,
) -> None:
    backends = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
    try:
        ingest_paths(backends.store, sorted(CORPUS.glob("*.yaml")))
        counting = CountingSource(neo4j_driver, neo4j_database)
        service = QueryService(counting)
        # the article's date of an undated holder is one read more (Memmich: 2022-05-12)
        for entity, reads in ((GROUP, 1), ("country/MLI", 1), (HOLDER, 1), (MEMMICH, 2)):
            before = counting.reads
            detail = service.entity(entity)
            assert counting.reads - before == reads, entity
            uri = detail.entity.uri
            assert detail == entity_detail(counting, Refs(counting), uri), entity
            nx_source = nx_queries(backends.rdf).source
            assert detail == entity_detail(nx_source, Refs(nx_source), uri), entity
    finally:
        backends.close()
