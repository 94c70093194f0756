"""Region-level claims never pass as stated links (issue 17), on both backends, over HTTP.

The corpus (``tests/fixtures/regions``, three articles) claims Russia's, the EU's and the
United States' influence on "Africa" and "North Africa", never on Morocco or Tunisia. By default
no path, neighbour, broker edge or export runs through region membership; with ``inferred=true``
such links appear, each marked ``inferred: true`` with its rule. ``/paths``, ``/links`` and
``/influences`` agree on it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import test_api_support as support
from neo4j import Driver
from test_api_support import TestClient, ok

from api.schemas.agreements import InfluenceList
from api.schemas.graph import Brokers, LinksCytoscape, LinksGraph, NeighbourhoodGraph, PathsGraph

CORPUS = Path(__file__).parent / "fixtures" / "regions"
MAR, RUS, TUN, USA, DZA = "country/MAR", "country/RUS", "country/TUN", "country/USA", "country/DZA"
RULE = "region-membership"


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The app over the region corpus, on each backend in turn."""
    if request.param == "nx":
        yield from support.serve(support.embedded_settings(examples_dir=CORPUS))
        return
    connection = request.getfixturevalue("neo4j_connection")
    driver = request.getfixturevalue("neo4j_driver")
    support.clear_neo4j(driver, request.getfixturevalue("neo4j_database"))
    yield from support.serve(support.neo4j_settings(connection, examples_dir=CORPUS))


def get(client: TestClient, url: str, model: Any = None, **params: Any) -> Any:
    """GET a 200 JSON answer (checked against ``model`` when given)."""
    body = ok(client.get(url, params=params))
    if model is not None:
        model.model_validate(body)
    return body


def inferred_edges(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The edges of a graph answer marked inferred."""
    return [e for e in body["edges"] if e["inferred"]]


def test_links_never_run_through_region_membership_by_default(client: TestClient) -> None:
    body = get(client, "/links", LinksGraph, a=MAR, b=RUS, k=3)
    assert not inferred_edges(body) and not body["inferred"]
    assert all(e["rule"] is None for e in body["edges"])
    assert body["paths"], "Morocco and Russia are linked through the United States"
    assert all(len(p["nodes"]) > 2 for p in body["paths"])  # no direct Morocco–Russia hop
    assert [p["nodes"] for p in body["paths"] if p["length"] == 2] == [[MAR, USA, RUS]]
    direct = [e for e in body["edges"] if {e["source"], e["target"]} == {MAR, RUS}]
    assert direct == []


def test_inferred_links_are_marked_with_their_rule(client: TestClient) -> None:
    body = get(client, "/links", LinksGraph, a=MAR, b=RUS, k=3, inferred="true")
    assert body["inferred"]
    marked = inferred_edges(body)
    assert marked and {e["rule"] for e in marked} == {RULE}
    assert (RUS, MAR) in {(e["source"], e["target"]) for e in marked}
    direct = [p for p in body["paths"] if p["length"] == 1]
    assert len(direct) == 1 and direct[0]["inferred"]
    # two region claims (Africa, North Africa) make one hop carrying both facts
    assert len(direct[0]["hops"][0]) == 2
    default = get(client, "/links", LinksGraph, a=MAR, b=RUS, k=3)
    stated = {tuple(p["nodes"]) for p in default["paths"]}
    assert stated <= {tuple(p["nodes"]) for p in body["paths"]}
    cyto = get(
        client, "/links", LinksCytoscape, a=MAR, b=RUS, k=1, inferred="true", format="cytoscape"
    )
    assert {e["data"]["rule"] for e in cyto["elements"]["edges"]} == {RULE}


def test_paths_links_and_influences_agree(client: TestClient) -> None:
    shortest = get(client, "/paths", PathsGraph, a=MAR, b=RUS)
    assert shortest["length"] == 2 and not inferred_edges(shortest)
    assert [p["nodes"] for p in shortest["paths"]] == [[MAR, USA, RUS]]
    wide = get(client, "/paths", PathsGraph, a=MAR, b=RUS, inferred="true")
    assert wide["length"] == 1 and wide["paths"][0]["inferred"]
    # /influences says Russia's influences are on regions (and Algeria), never on Morocco
    influences = get(client, "/influences", InfluenceList, influencer=RUS, limit=100)["items"]
    assert not get(client, "/influences", InfluenceList, influencer=RUS, influenced=MAR)["items"]
    by_id = {i["id"]: i for i in influences}
    stated = get(client, "/links", LinksGraph, a=DZA, b=RUS, k=1, relation="influence")
    for edge in stated["edges"]:  # a stated influence edge is an influence on its target
        assert by_id[edge["via"]]["influenced"]["id"] == edge["target"]
    for edge in inferred_edges(wide):  # an inferred one names a region including the target
        influenced = by_id[edge["via"]]["influenced"]
        assert influenced["types"] == ["Region"]
        region = get(client, f"/entities/{influenced['id']}")
        assert region["entity"]["id"] == influenced["id"]


def test_neighbours_and_brokers_leave_inferred_steps_out(client: TestClient) -> None:
    ego = get(client, f"/entities/{RUS}/neighbours", NeighbourhoodGraph)
    ids = {n["id"] for n in ego["nodes"]}
    assert MAR not in ids and TUN not in ids and DZA in ids
    assert not inferred_edges(ego)
    wide = get(client, f"/entities/{RUS}/neighbours", NeighbourhoodGraph, inferred="true")
    assert {MAR, TUN} <= {n["id"] for n in wide["nodes"]}
    assert {e["rule"] for e in inferred_edges(wide)} == {RULE}
    plain = get(client, "/brokers", Brokers)
    widened = get(client, "/brokers", Brokers, inferred="true")
    assert widened["edges"] > plain["edges"]


def test_links_export_leaves_inferred_links_out(client: TestClient) -> None:
    response = client.get("/export/graphml", params={"link": [MAR, RUS], "k": 2})
    assert response.status_code == 200, response.text
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert graph.number_of_edges() > 0
    assert not any(d.get("inferred") for _, _, d in graph.edges(data=True))
    wide = client.get("/export/graphml", params={"link": [MAR, RUS], "k": 2, "inferred": "true"})
    assert wide.status_code == 200, wide.text
    rules = {
        d.get("rule") for _, _, d in nx.read_graphml(io.BytesIO(wide.content)).edges(data=True)
    }
    assert RULE in rules


@pytest.mark.neo4j
@pytest.mark.parametrize("client", ["neo4j"], indirect=True)
def test_cypher_readers_can_leave_inferred_links_out(
    client: TestClient, neo4j_driver: Driver, neo4j_database: str
) -> None:
    assert client.app.state.backends.neo4j_enabled  # type: ignore[attr-defined]
    everything = """
    MATCH p = shortestPath((:Country {name: 'Morocco'})-[:LINK*]-(:Country {name: 'Russia'}))
    RETURN length(p) AS hops, [l IN relationships(p) | l.rule] AS rules"""
    stated = """
    MATCH p = shortestPath((:Country {name: 'Morocco'})-[:LINK*]-(:Country {name: 'Russia'}))
    WHERE all(l IN relationships(p) WHERE NOT coalesce(l.inferred, false))
    RETURN length(p) AS hops"""
    records, _, _ = neo4j_driver.execute_query(everything, database_=neo4j_database)
    assert records[0]["hops"] == 1 and records[0]["rules"] == [RULE]
    records, _, _ = neo4j_driver.execute_query(stated, database_=neo4j_database)
    assert records[0]["hops"] == 2
