"""LINK relationships kept in step incrementally: refresh after loads and retractions equals a
full rebuild (what the store facade will run in its projection transaction)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.neo4j.links import LinkUpkeep, all_link_records
from graph.neo4j.projection import Neo4jProjection
from graph.rdf.reader import SparqlReader
from graph.rdf.step_source import SparqlSource
from graph.rdf.store import OxigraphStore
from graph.rules.step_reads import StoreSource, step_delta
from graph.writer import GraphStore
from loaders import EntityIndex, load_paths
from ontology.namespace import DG, ID

KIND = URIRef("https://w3id.org/diplograph/vocab/relation-kind/successor-of")
SECOND = ID["article/second"]


def second_article() -> Dataset:
    """Russia successor of the Soviet Union, and a Sahel including Niger, in another article."""
    dataset = Dataset()
    graph = dataset.graph(SECOND)
    graph.add((SECOND, RDF.type, DG.Article))
    rus, sun, sahel = ID["country/RUS"], ID["country/SUN"], ID["region/sahel"]
    for country, name in ((rus, "Russia"), (sun, "Soviet Union")):
        graph.add((country, RDF.type, DG.Country))
        graph.add((country, DG.name, Literal(name)))
    relation = ID["relation/rus-sun"]
    graph.add((relation, RDF.type, DG.Relation))
    graph.add((relation, DG.relationSubject, rus))
    graph.add((relation, DG.relationObject, sun))
    graph.add((relation, DG.relationKind, KIND))
    graph.add((sahel, RDF.type, DG.Region))
    graph.add((sahel, DG.includes, ID["country/NER"]))
    return dataset


def load_example(store: GraphStore) -> None:
    """Load the example fact sheet through the loaders."""
    for article in load_paths(["examples/us-algeria-mou.yaml"], EntityIndex([])).articles:
        store.load_graphs({str(article.iri): article.graph})


def links_in_neo4j(driver: Driver, database: str) -> dict[str, dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (a)-[l:LINK]->(b) RETURN a.uri AS s, b.uri AS t, properties(l) AS p",
        database_=database,
    )
    return {r["p"]["uri"]: {"source": r["s"], "target": r["t"], **r["p"]} for r in records}


def expected(rdf: OxigraphStore) -> dict[str, dict[str, Any]]:
    rows = all_link_records(rdf)
    return {
        r["uri"]: {
            "source": r["source"],
            "target": r["target"],
            **{k: v for k, v in r["properties"].items() if v is not None},
        }
        for r in rows
    }


def test_store_and_sparql_sources_read_the_same() -> None:
    """Reading steps through ``subject_quads`` and index lookups equals the SPARQL queries."""
    rdf = OxigraphStore()
    store = GraphStore(rdf)
    load_example(store)
    store.load_articles(second_article())
    sparql, native = SparqlSource(SparqlReader.of_store(rdf)), StoreSource(rdf)
    assert sorted(native.all_quads()) == sorted(sparql.all_quads()) != []
    subjects = rdf.subjects()
    for touched in ([], subjects, subjects[::3], subjects[1::4], [str(ID["country/NER"])]):
        assert step_delta(native, touched) == step_delta(sparql, touched)
    with rdf.cached_reads():
        assert step_delta(native, subjects) == step_delta(sparql, subjects)


@pytest.mark.neo4j
def test_loads_through_the_link_extension_equal_a_rebuild(
    neo4j_driver: Driver, neo4j_database: str
) -> None:
    """The LINK upkeep (deletions first in the load's transaction) keeps LINKs exact through
    loads, reloads and retractions, and equals a full rebuild."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    rdf = OxigraphStore()
    projection = Neo4jProjection(neo4j_driver, neo4j_database, links=LinkUpkeep(rdf))
    store = GraphStore(rdf, projection)
    store.ensure_schema()
    load_example(store)
    assert links_in_neo4j(neo4j_driver, neo4j_database) == expected(rdf) != {}
    store.load_articles(second_article())
    assert links_in_neo4j(neo4j_driver, neo4j_database) == expected(rdf)
    niger = str(ID["country/NER"])
    assert any(v["target"] == niger for v in expected(rdf).values())
    load_example(store)  # a reload rewrites the same LINKs
    assert links_in_neo4j(neo4j_driver, neo4j_database) == expected(rdf)
    store.retract_article(str(SECOND))
    assert links_in_neo4j(neo4j_driver, neo4j_database) == expected(rdf)
    store.sync()
    assert links_in_neo4j(neo4j_driver, neo4j_database) == expected(rdf)
