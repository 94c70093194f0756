"""Every query of docs/queries.md, run on the example article in both stores, gives the answer
its ``<!-- expect: … -->`` comment states: SPARQL through GraphSparqlService (the /sparql path),
Cypher through GraphCypherService (the read-only /cypher path, EXPLAIN check included).

Values are compared as text: IRIs and literals by their lexical form, numbers and booleans as
JSON writes them, unbound/null as None. Rows compare as a multiset unless the comment says
``expect ordered``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from api.ingest import ingest_paths
from graph.neo4j.cypher import GraphCypherService
from graph.neo4j.links import LinkUpkeep
from graph.neo4j.projection import Neo4jProjection
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore

ROOT = Path(__file__).resolve().parents[1]
COOKBOOK = ROOT / "docs" / "queries.md"
EXAMPLE = ROOT / "examples" / "us-algeria-mou.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
"""The example articles the cookbook's answers are stated for: the reference article (format 1)
and the format 2 example (recipes 18 to 22)."""
WIPE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"

_SECTION = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)
_EXPECT = re.compile(r"<!-- expect( ordered)?: (.*?) -->", re.DOTALL)
_BLOCK = re.compile(r"```(sparql|cypher)\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Recipe:
    """One question of the cookbook: its queries and the expected rows."""

    number: int
    title: str
    sparql: str
    cypher: str
    expected: list[list[Any]]
    ordered: bool

    def __str__(self) -> str:
        return f"{self.number}-{self.title}"


def parse_cookbook(text: str) -> list[Recipe]:
    """The recipes of the cookbook, in order; each section needs one expect and both blocks."""
    headings = list(_SECTION.finditer(text))
    recipes = []
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        body = text[heading.end() : following.start() if following else len(text)]
        expects = _EXPECT.findall(body)
        blocks = dict(_BLOCK.findall(body))
        assert len(expects) == 1, f"section {heading.group(1)} needs one expect comment"
        assert set(blocks) == {"sparql", "cypher"}, f"section {heading.group(1)} needs both"
        ordered, expected = expects[0]
        recipes.append(
            Recipe(
                number=int(heading.group(1)),
                title=heading.group(2),
                sparql=blocks["sparql"],
                cypher=blocks["cypher"],
                expected=json.loads(expected),
                ordered=bool(ordered),
            )
        )
    return recipes


RECIPES = parse_cookbook(COOKBOOK.read_text(encoding="utf-8"))


def text(value: Any) -> str | None:
    """A value as comparable text (JSON spelling for numbers and booleans)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def normalised(rows: list[list[Any]], ordered: bool) -> list[list[str | None]]:
    """Rows of text, sorted unless the order is part of the answer."""
    result = [[text(value) for value in row] for row in rows]
    return result if ordered else sorted(result, key=lambda row: [v or "" for v in row])


def test_the_cookbook_has_enough_recipes() -> None:
    assert len(RECIPES) >= 12
    assert [r.number for r in RECIPES] == list(range(1, len(RECIPES) + 1))


# ------------------------------------------------------------------------------------- SPARQL


@pytest.fixture(scope="module")
def sparql() -> GraphSparqlService:
    """The example articles in an in-memory Oxigraph store."""
    rdf = OxigraphStore(None)
    report = ingest_paths(GraphStore(rdf), EXAMPLES)
    assert report.articles and not report.failed
    return GraphSparqlService(rdf.pyoxigraph_store)


def sparql_rows(service: GraphSparqlService, query: str) -> list[list[Any]]:
    """SELECT rows in the order of the query's variables (lexical values, None if unbound)."""
    result = json.loads(service.query(query, media_type="application/sparql-results+json").body)
    variables = result["head"]["vars"]
    return [
        [binding[v]["value"] if v in binding else None for v in variables]
        for binding in result["results"]["bindings"]
    ]


@pytest.mark.parametrize("recipe", RECIPES, ids=str)
def test_sparql(sparql: GraphSparqlService, recipe: Recipe) -> None:
    rows = sparql_rows(sparql, recipe.sparql)
    assert normalised(rows, recipe.ordered) == normalised(recipe.expected, recipe.ordered)


# ------------------------------------------------------------------------------------- Cypher


@pytest.fixture(scope="module")
def cypher(neo4j_driver: Driver, neo4j_database: str) -> Iterator[GraphCypherService]:
    """The example article loaded into an emptied Neo4j (through Oxigraph, as the app does)."""
    while neo4j_driver.execute_query(WIPE_BATCH, database_=neo4j_database).records[0]["deleted"]:
        pass
    rdf = OxigraphStore(None)
    links = LinkUpkeep(rdf)  # the LINK relationships, as the app keeps them
    store = GraphStore(rdf, Neo4jProjection(neo4j_driver, neo4j_database, links=links))
    store.ensure_schema()
    report = ingest_paths(store, EXAMPLES)
    assert report.articles and not report.failed
    yield GraphCypherService(neo4j_driver, neo4j_database)


@pytest.mark.neo4j
@pytest.mark.parametrize("recipe", RECIPES, ids=str)
def test_cypher(cypher: GraphCypherService, recipe: Recipe) -> None:
    rows = cypher.run(recipe.cypher).rows
    assert normalised(rows, recipe.ordered) == normalised(recipe.expected, recipe.ordered)
