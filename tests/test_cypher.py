"""GraphCypherService against a real Neo4j: values as JSON, parameters, limits, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from neo4j import Driver

from graph.errors import QueryError, QueryTimeout, ResultTooLarge, WriteRejected
from graph.neo4j.cypher import GraphCypherService

pytestmark = pytest.mark.neo4j

ID = "https://w3id.org/diplograph/id/"
A1 = f"{ID}article/defensescoop-2025-01-us-algeria-mou"
TEST_INDEX = "cypher_test_index"

SEED = """
CREATE (us:Resource:Country {uri: $id + 'country/USA', name: 'United States', isoCode: 'USA',
                             alias: ['U.S.', 'Washington'], sources: [$a1]})
CREATE (dz:Resource:Country {uri: $id + 'country/DZA', name: 'Algeria', isoCode: 'DZA',
                             sources: [$a1]})
CREATE (mou:Resource:Agreement:MOU {uri: $id + 'agreement/mou', title: 'MOU on defense cooperation',
                                    dateSigned: '2025-01-22', legallyBinding: false,
                                    signed: date('2025-01-22'), sources: [$a1]})
CREATE (mou)-[:PARTY {sources: [$a1]}]->(us)
CREATE (mou)-[:PARTY {sources: [$a1], quotes: ['signed a memorandum of understanding']}]->(dz)
"""
SEED_INDEX = f"CREATE INDEX {TEST_INDEX} IF NOT EXISTS FOR (n:CypherTest) ON (n.x)"


class Snapshot(NamedTuple):
    """Everything an analyst's query must not change."""

    nodes: int
    relationships: int
    labels: list[str]
    types: list[str]
    property_keys: list[str]
    indexes: list[str]
    constraints: list[str]
    users: list[str]


def _column(driver: Driver, query: str, database: str = "neo4j") -> list[Any]:
    records, _, _ = driver.execute_query(query, database_=database)
    return sorted(record[0] for record in records)


def snapshot(driver: Driver) -> Snapshot:
    """Counts, tokens, schema and users of the server, as seen by a writer."""
    return Snapshot(
        nodes=_column(driver, "MATCH (n) RETURN count(n)")[0],
        relationships=_column(driver, "MATCH ()-[r]->() RETURN count(r)")[0],
        labels=_column(driver, "CALL db.labels()"),
        types=_column(driver, "CALL db.relationshipTypes()"),
        property_keys=_column(driver, "CALL db.propertyKeys()"),
        indexes=_column(driver, "SHOW INDEXES YIELD name RETURN name"),
        constraints=_column(driver, "SHOW CONSTRAINTS YIELD name RETURN name"),
        users=_column(driver, "SHOW USERS YIELD user RETURN user", "system"),
    )


WIPE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"


def wipe(driver: Driver, database: str) -> None:
    """Delete every node and relationship, in batches (like ``clean_neo4j``, for any scope)."""
    while driver.execute_query(WIPE_BATCH, database_=database).records[0]["deleted"]:
        pass


@pytest.fixture(scope="module")
def seeded(neo4j_driver: Driver, neo4j_database: str) -> Iterator[Driver]:
    """A small projection (two countries, an MOU, two PARTY edges) and a test index, once per
    module: nothing in these modules may change it."""
    wipe(neo4j_driver, neo4j_database)
    neo4j_driver.execute_query(SEED, id=ID, a1=A1, database_=neo4j_database)
    neo4j_driver.execute_query(SEED_INDEX, database_=neo4j_database)
    yield neo4j_driver
    neo4j_driver.execute_query(f"DROP INDEX {TEST_INDEX} IF EXISTS", database_=neo4j_database)


@pytest.fixture
def service(seeded: Driver, neo4j_database: str) -> GraphCypherService:
    return GraphCypherService(seeded, neo4j_database, timeout_s=10, row_cap=100)


def test_columns_and_plain_values(service: GraphCypherService) -> None:
    result = service.run("MATCH (c:Country) RETURN c.name AS name, c.alias AS alias ORDER BY name")
    assert result.columns == ["name", "alias"]
    assert result.rows == [["Algeria", None], ["United States", ["U.S.", "Washington"]]]


def test_nodes_relationships_paths_and_dates(service: GraphCypherService) -> None:
    result = service.run(
        "MATCH p = (m:MOU)-[r:PARTY]->(c:Country {isoCode: 'DZA'}) "
        "RETURN m, r, p, m.signed AS signed, datetime('2025-01-22T10:30:00Z') AS at, "
        "duration('P1Y') AS every"
    )
    ((mou, party, path, signed, at, every),) = result.rows
    assert set(mou) == {"id", "labels", "properties"}
    assert mou["labels"] == ["Agreement", "MOU", "Resource"]
    assert mou["properties"]["signed"] == "2025-01-22"
    assert mou["properties"]["legallyBinding"] is False
    assert party["type"] == "PARTY" and party["start"] == mou["id"]
    assert party["properties"]["quotes"] == ["signed a memorandum of understanding"]
    assert [n["properties"]["uri"] for n in path["nodes"]] == [
        f"{ID}agreement/mou",
        f"{ID}country/DZA",
    ]
    assert path["relationships"] == [party]
    assert (signed, at, every) == ("2025-01-22", "2025-01-22T10:30:00+00:00", "P1Y")


def test_parameters_are_bound_not_spliced(service: GraphCypherService, seeded: Driver) -> None:
    before = snapshot(seeded)
    query = "MATCH (c:Country) WHERE c.isoCode = $iso RETURN c.name AS name"
    assert service.run(query, {"iso": "DZA"}).rows == [["Algeria"]]
    injected = "DZA' OR 1=1 WITH 1 AS x CREATE (:Pwned) //"
    assert service.run(query, {"iso": injected}).rows == []
    assert snapshot(seeded) == before


def test_missing_parameter_is_a_query_error(service: GraphCypherService) -> None:
    with pytest.raises(QueryError, match="iso"):
        service.run("MATCH (c:Country {isoCode: $iso}) RETURN c")


def test_syntax_error_is_a_query_error(service: GraphCypherService) -> None:
    with pytest.raises(QueryError):
        service.run("MATCH (c:Country RETURN c")


def test_trailing_semicolon_is_accepted(service: GraphCypherService) -> None:
    assert service.run("RETURN 1 AS one;  ").rows == [[1]]


def test_notifications_are_passed_on(service: GraphCypherService) -> None:
    result = service.run("MATCH (a:Country), (b:MOU) RETURN count(*) AS n")
    assert result.rows == [[2]]
    assert any("cartesian product" in note for note in result.notifications)


def test_allowed_procedures(service: GraphCypherService) -> None:
    labels = service.run("CALL db.labels() YIELD label RETURN label ORDER BY label").rows
    assert ["Country"] in labels
    assert service.run("CALL dbms.components() YIELD edition RETURN edition").rows


def test_row_cap(service: GraphCypherService) -> None:
    assert len(service.run("UNWIND range(1, 10) AS i RETURN i", row_cap=10).rows) == 10
    with pytest.raises(ResultTooLarge, match="more than 9 rows") as caught:
        service.run("UNWIND range(1, 10) AS i RETURN i", row_cap=9)
    assert caught.value.limit == 9


def test_timeout(service: GraphCypherService) -> None:
    with pytest.raises(QueryTimeout):
        service.run("UNWIND range(1, 1000000000) AS i RETURN count(*)", timeout_s=0.5)


def test_write_is_rejected_before_it_runs(service: GraphCypherService, seeded: Driver) -> None:
    before = snapshot(seeded)
    with pytest.raises(WriteRejected, match="read-only"):
        service.run("MATCH (c:Country) DETACH DELETE c")
    assert snapshot(seeded) == before
