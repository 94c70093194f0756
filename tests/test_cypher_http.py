"""/cypher over real HTTP: answers, and nothing an analyst sends changes the database.

Every attack must come back as a 4xx problem, and the node and relationship counts, the label,
type and property-key tokens, the indexes, the constraints and the users (checked with the
official driver as a writer) must be unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from live_server import live_server
from neo4j import Driver
from test_cypher import TEST_INDEX, seeded, snapshot  # noqa: F401 (the seeded fixture)

from api.problems import install_problem_handlers
from api.routers.cypher import router as cypher_router
from api.settings import Settings
from graph.neo4j.cypher import GraphCypherService

PROBLEM = "application/problem+json"


def build_app(cypher: GraphCypherService | None, **settings: object) -> FastAPI:
    """An app with just the /cypher router and the problem handlers (``cypher`` is built with
    the limits it enforces, as graph.backends builds it from the settings)."""
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(cypher_router)
    app.state.backends = SimpleNamespace(sparql=None, cypher=cypher)
    app.state.settings = Settings(**settings)  # type: ignore[arg-type]
    return app


@pytest.fixture(scope="module")
def base_url(neo4j_driver: Driver, neo4j_database: str) -> Iterator[str]:
    service = GraphCypherService(neo4j_driver, neo4j_database, timeout_s=2, row_cap=20)
    app = build_app(service, query_timeout_s=2, cypher_row_cap=20)
    with live_server(app) as url:
        yield url


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def post(client: httpx.Client, base_url: str, query: str, **parameters: object) -> httpx.Response:
    return client.post(f"{base_url}/cypher", json={"query": query, "parameters": parameters})


def problem(response: httpx.Response) -> dict[str, object]:
    """The problem+json body of a 4xx response."""
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    return body


# ------------------------------------------------------------------------------------- answers


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
def test_post(client: httpx.Client, base_url: str) -> None:
    query = "MATCH (c:Country {isoCode: $iso})<-[:PARTY]-(m:MOU) RETURN c.name AS name, m"
    response = post(client, base_url, query, iso="DZA")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["columns"] == ["name", "m"]
    ((name, mou),) = body["rows"]
    assert name == "Algeria"
    assert mou["labels"] == ["Agreement", "MOU", "Resource"]
    assert mou["properties"]["signed"] == "2025-01-22"


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
def test_get_with_parameters(client: httpx.Client, base_url: str) -> None:
    response = client.get(
        f"{base_url}/cypher",
        params={
            "query": "MATCH (c:Country) WHERE c.isoCode IN $codes RETURN c.isoCode ORDER BY 1",
            "parameters": json.dumps({"codes": ["USA", "XXX"]}),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [["USA"]]


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
def test_bad_requests(client: httpx.Client, base_url: str) -> None:
    assert problem(post(client, base_url, "MATCH (n RETURN n"))["status"] == 400
    get = client.get(f"{base_url}/cypher", params={"query": "RETURN 1", "parameters": "[1]"})
    assert problem(get)["status"] == 400
    assert problem(client.post(f"{base_url}/cypher", json={"parameters": {}}))["status"] == 422


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
def test_row_cap_and_timeout(client: httpx.Client, base_url: str) -> None:
    too_many = post(client, base_url, "UNWIND range(1, 21) AS i RETURN i")
    assert problem(too_many)["status"] == 413
    slow = post(client, base_url, "UNWIND range(1, 1000000000) AS i RETURN count(*)")
    assert slow.status_code == 504, slow.text


def test_embedded_default_answers_501_with_instructions(client: httpx.Client) -> None:
    with live_server(build_app(None)) as url:
        response = client.post(f"{url}/cypher", json={"query": "RETURN 1"})
    assert response.status_code == 501
    detail = str(response.json()["detail"])
    assert "diplograph neo4j start" in detail
    assert 'eval "$(diplograph neo4j env)"' in detail


# ------------------------------------------------------------------------------------- attacks

ATTACKS = [
    "CREATE (x:Pwned {at: 1})",
    "cReAtE (x:Pwned) RETURN x",
    "MERGE (x:Pwned {at: 1}) RETURN x",
    "MATCH (c:Country) MERGE (c)-[:PWNED]->(c)",
    "MATCH (n) SET n.pwned = true",
    "MATCH (n:Country) SET n:Pwned",
    "MATCH (n:Country) SET n += {pwned: 1}",
    "MATCH (n) DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Country) REMOVE n.name",
    "MATCH (n:Country) REMOVE n:Country",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:1/x.csv' AS row CREATE (:Pwned {r: row.x})",
    "CALL db.createLabel('Pwned')",
    "CALL db.createProperty('pwnedKey')",
    "CALL db.createRelationshipType('PWNED')",
    "MATCH (n) WITH n LIMIT 1 CALL db.createLabel('Pwned') RETURN n",
    "CALL db.clearQueryCaches()",
    "CALL dbms.listConfig()",
    "CALL db.awaitIndexes()",
    "CALL { CREATE (:Pwned) }",
    "CALL () { CREATE (:Pwned) } RETURN 1 AS one",
    "MATCH (n) CALL (n) { DETACH DELETE n } RETURN count(*) AS c",
    "FOREACH (i IN range(1, 3) | CREATE (:Pwned {i: i}))",
    "MATCH (c:Country) FOREACH (x IN [1] | SET c.pwned = x)",
    "CREATE INDEX pwned_index FOR (n:Pwned) ON (n.x)",
    "CREATE CONSTRAINT pwned_constraint FOR (n:Pwned) REQUIRE n.x IS UNIQUE",
    "CREATE FULLTEXT INDEX pwned_fulltext FOR (n:Pwned) ON EACH [n.x]",
    f"DROP INDEX {TEST_INDEX}",
    "CREATE USER pwned SET PASSWORD 'pwnedpwned1' CHANGE NOT REQUIRED",
    "ALTER USER pwned SET PASSWORD 'pwnedpwned2'",
    "DROP USER pwned IF EXISTS",
    "SHOW USERS",
    "SHOW CURRENT USER",
    "CREATE DATABASE pwned",
    "GRANT ROLE admin TO pwned",
    "USE system SHOW USERS",
    "USE system CREATE USER pwned SET PASSWORD 'pwnedpwned1'",
    "USE system MATCH (n) RETURN n",
    "UNWIND range(1, 3) AS i CALL (i) { CREATE (:Pwned {i: i}) } IN TRANSACTIONS OF 1 ROW",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
    "MATCH (n) RETURN n; CREATE (x:Pwned)",
    "MATCH (n) RETURN n LIMIT 1 /* read */ ; CREATE (:Pwned)",
    "// only a read\nCREATE (:Pwned) // RETURN 1",
    "/* MATCH (n) RETURN n */ CREATE (:Pwned)",
    "MATCH (n) RETURN n // \n CREATE (:Pwned)",
    "PROFILE CREATE (:Pwned)",
    "EXPLAIN CREATE (:Pwned)",
    "CYPHER runtime=slotted CREATE (:Pwned)",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW SETTINGS",
    "CALL apoc.create.node(['Pwned'], {})",
]


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("query", ATTACKS)
def test_attack_is_refused_and_changes_nothing(
    neo4j_driver: Driver, client: httpx.Client, base_url: str, query: str
) -> None:
    before = snapshot(neo4j_driver)
    response = post(client, base_url, query)
    assert problem(response)["status"] in {400, 403}
    get = client.get(f"{base_url}/cypher", params={"query": query})
    assert problem(get)["status"] in {400, 403}
    assert snapshot(neo4j_driver) == before


@pytest.mark.neo4j
@pytest.mark.usefixtures("seeded")
def test_writes_say_read_only(client: httpx.Client, base_url: str) -> None:
    body = problem(post(client, base_url, "MATCH (n) DETACH DELETE n"))
    assert body["status"] == 403
    assert "read-only" in str(body["detail"])
