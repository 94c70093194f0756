"""The JSON graph API on the example article, on both backends (networkx and Neo4j).

Every answer is checked against its response model, so the OpenAPI document says what the API
really sends.
"""

from __future__ import annotations

from typing import Any

import pytest
import test_api_support as support
from pydantic import BaseModel
from test_api_support import (
    CHANEGRIHA,
    DZA,
    LANGLEY,
    MLI,
    RUS,
    SOVIET_UNION,
    USA,
    WAGNER,
    TestClient,
    ok,
    problem,
)

from api.schemas.agreements import AgreementDetailOut, AgreementList, InfluenceList
from api.schemas.entities import EntityDetailOut, EntityPage, TimelineOut
from api.schemas.graph import (
    Brokers,
    LinksCytoscape,
    LinksGraph,
    NeighbourhoodCytoscape,
    NeighbourhoodGraph,
    PathsGraph,
)

ID_BASE = "https://w3id.org/diplograph/id/"
api_client = support.api_client  # the fixture: each backend in turn


def get(client: TestClient, url: str, model: type[BaseModel], **params: Any) -> Any:
    """GET a 200 answer and check it against its response model."""
    body = ok(client.get(url, params=params))
    model.model_validate(body)
    return body


def assert_graph(body: dict[str, Any]) -> None:
    """Node ids and edge ids are unique and every edge joins two nodes."""
    node_ids = [n["id"] for n in body["nodes"]]
    edge_ids = [e["id"] for e in body["edges"]]
    assert len(node_ids) == len(set(node_ids))
    assert len(edge_ids) == len(set(edge_ids))
    for edge in body["edges"]:
        assert edge["source"] in node_ids and edge["target"] in node_ids, edge
        assert edge["sources"], edge


# ---------------------------------------------------------------------------------- links


def test_links_algeria_russia_show_the_intermediaries_with_their_quotes(
    api_client: TestClient,
) -> None:
    body = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=3)
    assert body["k"] == 3 and not body["truncated"]
    assert_graph(body)
    ranked = {i["entity"]["id"]: i for i in body["intermediaries"]}
    for actor in (WAGNER, USA, SOVIET_UNION):
        assert actor in ranked, f"{actor} missing from {sorted(ranked)}"
        quotes = [
            e["quote"]
            for edge in body["edges"]
            if actor in (edge["source"], edge["target"])
            for e in edge["evidence"]
        ]
        assert any(q.strip() for q in quotes), f"no quote on the steps of {actor}"
    assert body["intermediaries"][0]["entity"]["name"] == "United States"
    assert [i["rank"] for i in body["intermediaries"]] == list(
        range(1, len(body["intermediaries"]) + 1)
    )
    # Mali is linked to Russia only by a claim about the Sahel, applied to its member states:
    # inferred, so absent by default, present and marked with inferred=true.
    assert MLI not in ranked and not body["inferred"]
    assert all(not e["inferred"] and e["rule"] is None for e in body["edges"])
    wider = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=3, inferred="true")
    assert wider["inferred"] and MLI in {i["entity"]["id"] for i in wider["intermediaries"]}
    marked = [e for e in wider["edges"] if e["inferred"]]
    assert marked and {e["rule"] for e in marked} == {"region-membership"}
    assert all(p["inferred"] for p in wider["paths"] if MLI in p["nodes"][1:-1])


def test_links_paths_refer_to_the_graph(api_client: TestClient) -> None:
    body = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=3)
    edges = {e["id"]: e for e in body["edges"]}
    roles = {n["id"]: n["role"] for n in body["nodes"]}
    assert roles[DZA] == "source" and roles[RUS] == "target"
    for path in body["paths"]:
        assert path["nodes"][0] == DZA and path["nodes"][-1] == RUS
        assert len(set(path["nodes"])) == len(path["nodes"])  # distinct actors
        assert path["length"] == len(path["hops"]) == len(path["nodes"]) - 1 <= 3
        assert path["edges"] == [e for hop in path["hops"] for e in hop]
        for hop, edge_ids in enumerate(path["hops"]):
            assert edge_ids  # every hop carries at least one fact
            for edge_id in edge_ids:
                ends = {edges[edge_id]["source"], edges[edge_id]["target"]}
                assert ends == {path["nodes"][hop], path["nodes"][hop + 1]}
    # one path per sequence of actors, however many facts join them
    sequences = [tuple(p["nodes"]) for p in body["paths"]]
    assert len(sequences) == len(set(sequences))
    assert sum(c["paths"] for c in body["counts"]) == len(body["paths"])
    assert all(c["exact"] for c in body["counts"]) and body["ranking"] == "complete"
    assert len(body["edges"]) == len({e for p in body["paths"] for e in p["edges"]})


def test_links_accept_full_iris_and_filters(api_client: TestClient) -> None:
    body = get(api_client, "/links", LinksGraph, a=ID_BASE + DZA, b=ID_BASE + RUS, k=2)
    assert body["source"]["id"] == DZA and body["k"] == 2
    only = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=3, relation="influence")
    assert only["edges"] and {e["relation"] for e in only["edges"]} == {"influence"}
    countries = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=3, type="country")
    assert {n["type"] for n in countries["nodes"]} == {"Country"}


def test_links_in_cytoscape_form(api_client: TestClient) -> None:
    neutral = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=2)
    body = get(api_client, "/links", LinksCytoscape, a=DZA, b=RUS, k=2, format="cytoscape")
    elements = body["elements"]
    assert [n["data"] for n in elements["nodes"]] == neutral["nodes"]
    assert [e["data"] for e in elements["edges"]] == neutral["edges"]
    assert body["data"]["intermediaries"] == neutral["intermediaries"]
    assert body["data"]["paths"] == neutral["paths"]


def test_shortest_paths(api_client: TestClient) -> None:
    body = get(api_client, "/paths", PathsGraph, a=DZA, b=MLI)
    assert body["length"] == 2 and body["paths"]
    assert all(len(p["hops"]) == 2 for p in body["paths"])
    assert_graph(body)


# ------------------------------------------------------------------------------ agreements


def test_agreements_of_algeria_list_the_mou_and_its_signatories(api_client: TestClient) -> None:
    page = get(api_client, "/agreements", AgreementList, party=DZA)
    assert page["total"] == 1 and page["next"] is None
    mou = page["items"][0]
    assert "MOU" in mou["types"] and mou["date_signed"] == "2025-01-22"
    assert {s["id"] for s in mou["signatories"]} == {LANGLEY, CHANEGRIHA}
    assert {p["id"] for p in mou["parties"]} == {DZA, USA}
    assert "counterterrorism" in {a["notation"] for a in mou["areas"]}


def test_agreement_detail_says_who_signed_for_whom(api_client: TestClient) -> None:
    mou_id = get(api_client, "/agreements", AgreementList, party=DZA)["items"][0]["id"]
    body = get(api_client, f"/agreements/{mou_id}", AgreementDetailOut)
    signatures = body["signatures"]
    behalf = {s["signatory"]["id"]: {o["id"] for o in s["on_behalf_of"]} for s in signatures}
    assert behalf == {LANGLEY: {USA}, CHANEGRIHA: {DZA}}
    assert body["legally_binding"] is False
    assert body["bodies"][0]["meeting_frequency"] == "P1Y"
    statuses = {c["status"]["notation"] for c in body["commitments"] if c["status"]}
    assert "to-be-explored" in statuses
    assert all(c["evidence"]["quotes"] for c in body["commitments"])
    same = get(api_client, f"/agreements/{body['uri']}", AgreementDetailOut)
    assert same == body


def test_agreement_filters(api_client: TestClient) -> None:
    by_signatory = get(api_client, "/agreements", AgreementList, signatory=CHANEGRIHA)
    assert by_signatory["total"] == 1
    by_area = get(api_client, "/agreements", AgreementList, area="counterterrorism")
    assert by_area["total"] >= 1
    assert get(api_client, "/agreements", AgreementList, signed_after="2025-02")["total"] == 0
    window = {"signed_after": "2025", "signed_before": "2025-01"}
    assert get(api_client, "/agreements", AgreementList, **window)["total"] >= 1


def test_influences_of_russia_on_algeria(api_client: TestClient) -> None:
    body = get(api_client, "/influences", InfluenceList, influencer=RUS, influenced=DZA)
    kinds = {i["kind"]["notation"] for i in body["items"] if i["kind"]}
    assert "arms-supply" in kinds
    assert all(i["evidence"]["quotes"] for i in body["items"])
    weakening = get(api_client, "/influences", InfluenceList, influencer=RUS, direction="weakening")
    assert {i["direction"] for i in weakening["items"]} == {"weakening"}


# -------------------------------------------------------------------------------- entities


def test_search_by_alias_and_misspelling(api_client: TestClient) -> None:
    body = get(api_client, "/entities", EntityPage, q="Chengriha")
    assert body["items"][0]["entity"]["id"] == CHANEGRIHA
    algiers = get(api_client, "/entities", EntityPage, q="algiers")["items"][0]
    assert algiers["entity"]["id"] == DZA and algiers["match"] == "exact"


def test_search_pages_and_types(api_client: TestClient) -> None:
    first = get(api_client, "/entities", EntityPage, q="a", limit=2)
    assert first["total"] > 2 and first["next"] == 2 and len(first["items"]) == 2
    second = get(api_client, "/entities", EntityPage, q="a", limit=2, offset=first["next"])
    assert {h["entity"]["id"] for h in second["items"]}.isdisjoint(
        {h["entity"]["id"] for h in first["items"]}
    )
    countries = get(api_client, "/entities", EntityPage, q="a", type="country", limit=100)
    assert countries["items"] and all("Country" in h["entity"]["types"] for h in countries["items"])
    last = get(api_client, "/entities", EntityPage, q="a", limit=100)
    assert last["next"] is None


def test_entity_detail(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{DZA}", EntityDetailOut)
    assert body["iso_code"] == "DZA" and body["wikidata"] == "Q262"
    assert "Algiers" in body["aliases"]
    assert any("party" in a["roles"] for a in body["agreements"])
    assert {i["influencer"]["id"] for i in body["influences"]} >= {RUS, USA}
    assert get(api_client, f"/entities/{ID_BASE}{DZA}", EntityDetailOut) == body


def test_entity_detail_of_an_official(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{CHANEGRIHA}", EntityDetailOut)
    assert body["entity"]["types"] == ["Official", "Person"]
    assert body["tenures"] and all(t["holder"]["id"] == CHANEGRIHA for t in body["tenures"])


def test_neighbours_of_algeria(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{DZA}/neighbours", NeighbourhoodGraph, depth=2)
    assert_graph(body)
    centre, *others = body["nodes"]
    assert centre["id"] == DZA and centre["depth"] == 0
    assert {n["depth"] for n in others} == {1, 2}
    assert [n["depth"] for n in others] == sorted(n["depth"] for n in others)
    assert body["total"] == len(others) and body["next"] is None
    assert {USA, RUS} <= {n["id"] for n in others}


def test_neighbours_page_and_cytoscape(api_client: TestClient) -> None:
    page = get(api_client, f"/entities/{DZA}/neighbours", NeighbourhoodGraph, limit=3, offset=3)
    assert len(page["nodes"]) == 4 and page["next"] == 6  # the centre and three actors
    assert_graph(page)
    cy = get(
        api_client,
        f"/entities/{DZA}/neighbours",
        NeighbourhoodCytoscape,
        limit=3,
        offset=3,
        format="cytoscape",
    )
    assert [n["data"]["id"] for n in cy["elements"]["nodes"]] == [n["id"] for n in page["nodes"]]
    assert cy["data"]["center"]["id"] == DZA and "nodes" not in cy["data"]


def test_neighbours_filtered_by_relation_and_date(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{DZA}/neighbours", NeighbourhoodGraph, relation="tenure")
    assert all(e["relation"] == "tenure" for e in body["edges"])
    since = get(api_client, f"/entities/{DZA}/neighbours", NeighbourhoodGraph, since="2026")
    for edge in since["edges"]:
        assert edge["end"] is None or edge["end"] >= "2026"


def test_timeline_of_chanegriha(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{CHANEGRIHA}/timeline", TimelineOut)
    assert {e["category"] for e in body["entries"]} >= {"agreement", "event"}
    assert {e["category"] for e in body["undated"]} == {"tenure"}
    without = get(
        api_client, f"/entities/{CHANEGRIHA}/timeline", TimelineOut, include_undated=False
    )
    assert without["undated"] == [] and without["entries"] == body["entries"]


def test_brokers(api_client: TestClient) -> None:
    body = get(api_client, "/brokers", Brokers, limit=3)
    # Algeria: the MOU's party and, in the format 2 example, the Algiers Accord's mediator
    assert body["items"][0]["entity"]["id"] == DZA and body["scope"] == "graph"
    ego = get(api_client, "/brokers", Brokers, seed=DZA, depth=1, limit=5)
    assert ego["scope"] == "ego" and ego["items"]


# ---------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "url",
    [
        "/entities/country/ZZZ",
        "/entities/country/ZZZ/neighbours",
        "/entities/person/nobody-at-all/timeline",
        "/agreements/agreement/0000000000000000",
        "/links?a=country/DZA&b=country/ZZZ",
        "/paths?a=country/ZZZ&b=country/DZA",
    ],
)
def test_unknown_ids_are_404_problems(api_client: TestClient, url: str) -> None:
    body = problem(api_client.get(url), 404)
    assert body["type"].endswith("/not-found")
    assert "ZZZ" in body["detail"] or "nobody" in body["detail"] or "0000" in body["detail"]
