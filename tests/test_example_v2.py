"""The format 2 example end to end (issue 11): ``examples/mali-algiers-accord-termination.yaml``,
the facts of the project's own article ``examples/mali-algiers-accord-termination.md``.

It has a terminated agreement with a mediator, a reaction, approximate dates, a role-only
signatory, cities, a collective actor, a quantity and one fact answering another. It is loaded
over HTTP into each backend and read back four ways: the JSON API, SPARQL (SPARQLWrapper on
``/sparql``), Cypher (``/cypher``, Neo4j) and a GEXF export.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from neo4j import Driver
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from api.security import API_KEY_HEADER
from tests.test_security import KEY_A, serve, settings

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "examples" / "mali-algiers-accord-termination.yaml"
ARTICLE_TEXT = ROOT / "examples" / "mali-algiers-accord-termination.md"
WRITE = {"Content-Type": "application/yaml", API_KEY_HEADER: KEY_A}
GEXF = "{http://gexf.net/1.3}"


def quotes(node: Any) -> Iterator[str]:
    """Every ``quote`` of a parsed sheet."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote":
                yield value
            else:
                yield from quotes(value)
    elif isinstance(node, list):
        for item in node:
            yield from quotes(item)


def test_every_quote_is_in_the_article() -> None:
    text = re.sub(r"\s+", " ", ARTICLE_TEXT.read_text(encoding="utf-8"))
    found = list(quotes(yaml.safe_load(SHEET.read_text(encoding="utf-8"))))
    assert len(found) >= 8
    missing = [q for q in found if q not in text]
    assert not missing


def agreement_detail(client: httpx.Client) -> dict[str, Any]:
    (item,) = client.get("/agreements").json()["items"]
    detail = client.get(f"/agreements/{item['id']}")
    assert detail.status_code == 200, detail.text
    result: dict[str, Any] = detail.json()
    return result


def check_json_api(client: httpx.Client) -> None:
    """What an analyst sees of every format 2 element of the example."""
    detail = agreement_detail(client)
    assert detail["title"] == "Agreement for Peace and Reconciliation in Mali"
    assert detail["status"]["notation"] == "terminated"
    (ending,) = detail["ended"]
    assert (ending["how"], ending["date"], ending["effect"]) == (
        "terminated",
        "2024-01-25",
        "immediate",
    )
    assert [b["name"] for b in ending["by"]] == ["Malian transitional authorities"]
    (role,) = detail["roles"]
    assert (role["actor"]["id"], role["role"]["notation"]) == ("country/DZA", "mediator")
    # a mediator is not a party
    assert "country/DZA" not in [p["id"] for p in detail["parties"]]
    assert detail["place_signed"]["id"] == "place/bamako"
    assert detail["place_signed_country"]["id"] == "country/MLI"
    (body,) = detail["bodies"]
    assert body["follow_up"] is True
    (reaction,) = detail["reactions"]
    assert reaction["stance"]["notation"] == "regrets"
    assert reaction["reactor"]["name"] == "Ministry of Foreign Affairs of Algeria"
    # stated: when; not stated: as of, placed by the article's date and marked so
    assert reaction["when"] == "2024-01"
    assert (reaction["as_of"], reaction["as_of_source"]) == ("2024-01-26", "article")
    # undated in the sheet: placed in time by the article, and marked as derived
    assert (detail["as_of"], detail["as_of_source"]) == ("2024-01-26", "article")
    (signature,) = detail["signatures"]
    signer = client.get(f"/entities/{signature['signatory']['id']}").json()
    assert signer["role_only"] is True
    (held,) = signer["holds"]
    assert held["post_name"] == "Minister of Foreign Affairs of Mali"
    assert (held["as_of"], held["as_of_source"]) == ("2015-05-15", "sheet")
    group = client.get("/entities/CMA").json()
    assert group["entity"]["types"] == ["CollectiveActor"]
    assert sorted(m["name"] for m in group["members"]) == [
        "Arab Movement of Azawad",
        "High Council for the Unity of Azawad",
        "National Movement for the Liberation of Azawad",
    ]
    city = client.get("/entities/place/algiers").json()
    assert city["place"]["country"]["id"] == "country/DZA"
    assert city["place"]["country_source"] == "gazetteer"
    assert city["place"]["coordinates"]["source"] == "gazetteer"
    (influence,) = client.get("/influences", params={"influenced": "country/MLI"}).json()["items"]
    assert influence["quantity"]["value"] == 1000
    assert influence["quantity"]["approximate"] is True
    assert (influence["as_of"], influence["as_of_source"]) == ("2024-01", "sheet")


def check_sparql(base_url: str) -> None:
    """The ending, the mediator and the approximate start of the talks, through SPARQLWrapper."""
    endpoint = SPARQLWrapper(f"{base_url}/sparql")
    endpoint.setMethod(POST)
    endpoint.setReturnFormat(JSON)
    endpoint.setQuery(
        """PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX role: <https://w3id.org/diplograph/vocab/role/>
PREFIX kind: <https://w3id.org/diplograph/vocab/event-kind/>
SELECT ?title ?ended ?mediator ?talksStart ?datatype WHERE {
  ?ending a dg:AgreementEnding ; dg:concerns ?a ; dg:startDate ?ended .
  ?a dg:title ?title .
  ?role dg:roleIn ?a ; dg:role role:mediator ; dg:roleActor/dg:name ?mediator .
  ?talks dg:eventKind kind:negotiation ; dg:startDate ?talksStart .
  BIND(DATATYPE(?talksStart) AS ?datatype)
}"""
    )
    bindings = endpoint.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    rows = [{k: v["value"] for k, v in b.items()} for b in bindings]
    assert rows == [
        {
            "title": "Agreement for Peace and Reconciliation in Mali",
            "ended": "2024-01-25",
            "mediator": "Algeria",
            "talksStart": "2014-07~",
            "datatype": "https://w3id.org/diplograph/ontology#edtf",
        }
    ]


def check_gexf(client: httpx.Client) -> None:
    """The approximate start of the talks becomes a spell from its earliest possible day."""
    answer = client.get("/export/gexf", params={"seed": "country/DZA", "depth": 1})
    assert answer.status_code == 200, answer.text
    root = ET.fromstring(answer.content)
    spells = {}
    for edge in root.iter(f"{GEXF}edge"):
        values = {v.get("for"): v.get("value") for v in edge.iter(f"{GEXF}attvalue")}
        for spell in edge.iter(f"{GEXF}spell"):
            spells[(values["relation"], values["relation_kind"])] = (
                spell.get("start"),
                spell.get("end"),
            )
    assert spells[("event", "negotiation")] == ("2014-06-01", "2015-05-31")
    assert spells[("role:mediator", "mediator")] == ("2015-05-15", None)


def load_example(client: httpx.Client) -> None:
    created = client.post("/articles", content=SHEET.read_text(encoding="utf-8"), headers=WRITE)
    assert created.status_code == 201, created.text


def test_example_end_to_end_embedded() -> None:
    for client in serve(settings()):
        load_example(client)
        check_json_api(client)
        check_sparql(str(client.base_url).rstrip("/"))
        check_gexf(client)


CYPHER = """
MATCH (a:Agreement)<-[:CONCERNS]-(e:AgreementEnding)-[:ENDED_BY]->(who)
MATCH (a)<-[:ROLE_IN]-(r:Role)-[:ROLE_ACTOR]->(mediator)
MATCH (s:Signature)-[:AGREEMENT]->(a), (s)-[:SIGNATORY]->(signer)-[:HOLDS]->(post)
MATCH (a)-[:PLACE_SIGNED]->(city:Place)-[:COUNTRY]->(country)
RETURN a.title AS agreement, e.startDate AS ended, who.name AS by, mediator.name AS mediator,
       signer.roleOnly AS roleOnly, post.name AS post, city.name AS city, country.name AS country
"""


@pytest.mark.neo4j
def test_example_end_to_end_on_neo4j(
    clean_neo4j: Driver, neo4j_connection: tuple[str, str, str]
) -> None:
    uri, user, password = neo4j_connection
    config = settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    for client in serve(config):
        load_example(client)
        check_json_api(client)
        check_sparql(str(client.base_url).rstrip("/"))
        check_gexf(client)
        answer = client.post("/cypher", json={"query": CYPHER})
        assert answer.status_code == 200, answer.text
        assert answer.json()["rows"] == [
            [
                "Agreement for Peace and Reconciliation in Mali",
                "2024-01-25",
                "Malian transitional authorities",
                "Algeria",
                True,
                "Minister of Foreign Affairs of Mali",
                "Bamako",
                "Mali",
            ]
        ]
