"""Contract of the stores: Oxigraph (SPARQL) and the Neo4j projection (Cypher) tell the same
story, loads are idempotent and all-or-nothing, retractions keep what other articles support,
and ``sync`` rebuilds exactly what incremental loads maintained. Runs against a REAL Neo4j.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import ServiceUnavailable
from rdflib import Dataset

from graph import writer as graphstore
from graph.errors import (
    InvalidData,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
    WriteRejected,
)
from graph.model import Lit, SelectResult
from graph.neo4j.feed import Feed
from graph.neo4j.links import LinkUpkeep
from graph.neo4j.projection import FULLTEXT_INDEX, Neo4jProjection
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders.factsheet import load_factsheet
from loaders.index import EntityIndex
from ontology.namespace import DG
from tests.storeutil import (
    Article,
    MemoryProjection,
    algeria_russia,
    country,
    cypher_rows,
    dataset,
    neo4j_dump,
    nquads_lines,
    person,
    us_algeria,
)

pytestmark = pytest.mark.neo4j

A1, A2 = us_algeria(), algeria_russia()
USA, DZA, RUS = (str(country(c)) for c in ("USA", "DZA", "RUS"))
REFERENCE = Path(__file__).resolve().parents[1] / "examples" / "us-algeria-mou.yaml"


@pytest.fixture
def projection(clean_neo4j: Driver, neo4j_database: str) -> Neo4jProjection:
    """A Neo4j projection on an emptied database, schema in place."""
    sink = Neo4jProjection(clean_neo4j, neo4j_database)
    sink.ensure_schema()
    return sink


@pytest.fixture(params=["memory", "disk"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, projection: Neo4jProjection
) -> GraphStore:
    """Oxigraph (in memory or on disk) + Neo4j."""
    path = tmp_path / "rdf" if request.param == "disk" else None
    return GraphStore(OxigraphStore(path), projection)


def dump(projection: Neo4jProjection) -> Any:
    """Canonical content of the Neo4j database."""
    return neo4j_dump(projection.driver, projection.database)


# ---------------------------------------------------------------------- readers

SPARQL = {
    "entities": """SELECT DISTINCT ?e ?name WHERE {
        ?e a ?t ; dg:name ?name . VALUES ?t { dg:Country dg:Organization dg:Person } }""",
    "parties": "SELECT DISTINCT ?a ?p WHERE { ?a a dg:Agreement ; dg:party ?p }",
    "signatures": """SELECT DISTINCT ?who ?for ?a WHERE {
        ?s a dg:Signature ; dg:signatory ?who ; dg:onBehalfOf ?for ; dg:agreement ?a }""",
    "relations": """SELECT DISTINCT ?from ?kind ?to WHERE {
        ?r a dg:Relation ; dg:relationSubject ?from ; dg:relationObject ?to ;
           dg:relationKind ?kind }""",
}
CYPHER = {
    "entities": "MATCH (e:Resource) WHERE e:Country OR e:Organization OR e:Person "
    "RETURN e.uri AS e, e.name AS name",
    "parties": "MATCH (a:Agreement)-[:PARTY]->(p) RETURN a.uri AS a, p.uri AS p",
    "signatures": "MATCH (w)<-[:SIGNATORY]-(s:Signature)-[:ON_BEHALF_OF]->(f), "
    "(s)-[:AGREEMENT]->(a) RETURN w.uri AS who, f.uri AS for, a.uri AS a",
    "relations": "MATCH (a)-[r]->(b) WHERE r.uri IS NOT NULL AND r.kind IS NOT NULL "
    "RETURN a.uri AS from, r.kind AS kind, b.uri AS to",
}
Reader = Callable[[str], set[tuple[str, ...]]]


def sparql_reader(store: GraphStore) -> Reader:
    """Rows of a named SPARQL query, as tuples of lexical values."""

    def read(name: str) -> set[tuple[str, ...]]:
        result = store.rdf.query(f"PREFIX dg: <{DG._NS}>\n" + SPARQL[name])
        assert isinstance(result, SelectResult)
        return {
            tuple(v.value if isinstance(v, Lit) else str(v) for v in row) for row in result.rows
        }

    return read


def _text(term: object) -> str:
    """A literal's lexical form, an IRI as is."""
    return term.value if isinstance(term, Lit) else str(term)


def cypher_reader(store: GraphStore) -> Reader:
    """Rows of a named Cypher query, as tuples."""
    assert isinstance(store.projection, Neo4jProjection)
    sink = store.projection

    def read(name: str) -> set[tuple[str, ...]]:
        return {tuple(row.values()) for row in cypher_rows(sink, CYPHER[name])}

    return read


READERS = {"sparql": sparql_reader, "cypher": cypher_reader}


@pytest.mark.parametrize("reader", ["sparql", "cypher"])
def test_both_stores_tell_the_same_facts(store: GraphStore, reader: str) -> None:
    store.load_articles(dataset(A1, A2))
    read = READERS[reader](store)
    entities = read("entities")
    assert (DZA, "Algeria") in entities and (USA, "United States") in entities
    assert len(entities) == 7
    parties = read("parties")
    assert {p for _, p in parties} == {USA, DZA} and len(parties) == 2
    signatures = read("signatures")
    langley, chanegriha = str(person("michael-langley")), str(person("said-chanegriha"))
    assert {(who, on_behalf) for who, on_behalf, _ in signatures} == {
        (langley, USA),
        (chanegriha, DZA),
    }
    relations = read("relations")
    assert {(a, b) for a, _, b in relations} == {(str(country("FRA")), DZA), (RUS, DZA)}


def test_the_reference_article_reads_the_same_from_both(store: GraphStore) -> None:
    article = load_factsheet(REFERENCE, EntityIndex())
    store.load_articles(article.dataset)
    sparql, cypher = sparql_reader(store), cypher_reader(store)
    for name in SPARQL:
        assert sparql(name) == cypher(name), name
    assert sparql("parties") and sparql("signatures")


def test_memory_sink_and_neo4j_agree(store: GraphStore, projection: Neo4jProjection) -> None:
    memory = MemoryProjection()
    twin = GraphStore(OxigraphStore(), memory)
    for s in (store, twin):
        s.load_articles(dataset(A1, A2))
        s.retract_article(str(A1.iri))
        s.load_articles(dataset(A1))
    assert dump(projection) == memory.dump()


# ---------------------------------------------------------------------- idempotence, sharing


def test_reloading_the_same_dataset_is_a_no_op(
    store: GraphStore, projection: Neo4jProjection
) -> None:
    store.load_articles(dataset(A1, A2))
    before = (store.rdf.counts(), projection.counts(), dump(projection))
    store.load_articles(dataset(A1, A2))
    assert (store.rdf.counts(), projection.counts(), dump(projection)) == before


def test_a_shared_entity_is_one_node_with_the_sources_of_both(
    store: GraphStore, projection: Neo4jProjection
) -> None:
    store.load_articles(dataset(A1))
    store.load_articles(dataset(A2))
    rows = cypher_rows(
        projection, "MATCH (n:Resource {uri: $uri}) RETURN n.sources AS s", {"uri": DZA}
    )
    assert rows == [{"s": sorted([str(A1.iri), str(A2.iri)])}]


def test_retraction_keeps_shared_nodes_and_drops_the_rest(
    store: GraphStore, projection: Neo4jProjection
) -> None:
    store.load_articles(dataset(A1, A2))
    store.retract_article(str(A1.iri))
    nodes = dump(projection).nodes
    assert dict(nodes[DZA][1])["sources"] == (str(A2.iri),)
    assert USA not in nodes and str(person("michael-langley")) not in nodes
    assert set(projection.counts().types) == {
        "CLOSE_TO",
        "INFLUENCER",
        "INFLUENCED",
        "INFLUENCE_KIND",
        "DIRECTION",
    }
    store.retract_article(str(A2.iri))
    assert projection.counts().nodes == 0 and store.rdf.counts().triples == 0


def test_incremental_loads_equal_a_rebuild(store: GraphStore, projection: Neo4jProjection) -> None:
    rng = random.Random(7)
    articles = [A1, A2, *(_variant(rng, n) for n in range(5))]
    for _ in range(12):
        article = rng.choice(articles)
        if store.rdf.has_graph(str(article.iri)) and rng.random() < 0.3:
            store.retract_article(str(article.iri))
        else:
            store.load_articles(dataset(article))
    incremental = dump(projection)
    store.sync()
    assert dump(projection) == incremental


def _variant(rng: random.Random, number: int) -> Article:
    article = Article(f"random-{number % 3}", f"Random {number}")
    for _ in range(rng.randint(1, 3)):
        a, b = rng.sample(["USA", "DZA", "RUS", "FRA"], 2)
        first, second = article.country(a, a.title()), article.country(b, b.title())
        article.relation(first, second, rng.choice(["close-to", "ruled"]), f"{a} {b}")
    return article


def test_a_load_written_in_small_batches_equals_a_rebuild(
    store: GraphStore, projection: Neo4jProjection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records computed and written batch by batch (in one transaction) make the same graph."""
    monkeypatch.setattr("graph.writer.LOAD_BATCH", 3)
    store.load_articles(dataset(A1, A2))
    store.load_articles(dataset(A1))
    store.retract_article(str(A2.iri))
    store.load_articles(dataset(A2))
    incremental = dump(projection)
    store.sync()
    assert dump(projection) == incremental


def test_a_failure_while_computing_batches_rolls_the_load_back(
    store: GraphStore, projection: Neo4jProjection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transaction writing the first batches is rolled back when a later one fails."""
    store.load_articles(dataset(A1))
    before = (nquads_lines(store.rdf.dump()), dump(projection))
    monkeypatch.setattr("graph.writer.LOAD_BATCH", 3)
    real = graphstore.project_subjects
    calls: list[int] = []
    written = threading.Event()
    real_iter = Feed.__iter__

    def counting(feed: Feed) -> Iterator[Any]:
        for count, batch in enumerate(real_iter(feed), start=1):
            yield batch
            if count == 2:  # the writer came back for a third: the first two are written
                written.set()

    def failing(subjects: Sequence[str], fetch: Any) -> Any:
        calls.append(len(subjects))
        if len(calls) == 3:
            assert written.wait(30), "the writer thread never wrote the first batches"
            raise InvalidData("simulated failure in the third batch")
        return real(subjects, fetch)

    monkeypatch.setattr(Feed, "__iter__", counting)

    monkeypatch.setattr("graph.writer.project_subjects", failing)
    with pytest.raises(InvalidData, match="third batch"):
        store.load_articles(dataset(A2))
    assert len(calls) == 3
    assert (nquads_lines(store.rdf.dump()), dump(projection)) == before


class _FailingAtOnce(Neo4jProjection):
    """The connection 'drops' as soon as the transaction starts."""

    def _apply(self, tx: ManagedTransaction, *args: Any) -> None:
        raise ServiceUnavailable("connection lost at the start (simulated)")


def test_a_transaction_failing_while_batches_are_computed_fails_the_load(
    store: GraphStore, projection: Neo4jProjection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graph.writer.LOAD_BATCH", 2)
    store.load_articles(dataset(A1))
    before = (nquads_lines(store.rdf.dump()), dump(projection))
    failing = _FailingAtOnce(projection.driver, projection.database, max_retry_time=0)
    with pytest.raises(StoreUnavailable, match="at the start"):
        GraphStore(store.rdf, failing).load_articles(dataset(A2))
    assert (nquads_lines(store.rdf.dump()), dump(projection)) == before


def test_sync_after_wiping_neo4j_restores_everything(
    store: GraphStore, projection: Neo4jProjection
) -> None:
    store.load_articles(dataset(A1, A2))
    counts, content = projection.counts(), dump(projection)
    projection.clear()
    assert projection.counts().nodes == 0
    progress: list[tuple[int, int]] = []
    assert store.sync(lambda done, total: progress.append((done, total))) == counts
    assert dump(projection) == content
    assert progress[-1][0] == progress[-1][1]


# ---------------------------------------------------------------------- failures


class _FailingMidTransaction(Neo4jProjection):
    """Writes everything, then the connection 'drops' before the commit."""

    def _apply(self, tx: ManagedTransaction, *args: Any) -> None:
        super()._apply(tx, *args)
        raise ServiceUnavailable("connection lost before commit (simulated)")


def test_neo4j_failure_mid_load_leaves_both_stores_as_before(
    store: GraphStore, projection: Neo4jProjection
) -> None:
    store.load_articles(dataset(A1))
    rdf_before, graph_before = nquads_lines(store.rdf.dump()), dump(projection)
    failing = _FailingMidTransaction(projection.driver, projection.database, max_retry_time=0)
    broken = GraphStore(store.rdf, failing)
    changed = Article("us-algeria-mou", "Changed")
    changed.country("USA", "USA renamed")
    with pytest.raises(StoreUnavailable):
        broken.load_articles(dataset(changed, A2))
    with pytest.raises(StoreUnavailable):
        broken.retract_article(str(A1.iri))
    assert nquads_lines(store.rdf.dump()) == rdf_before
    assert dump(projection) == graph_before


class _Unchecked(Neo4jProjection):
    """Skips the pre-flight check, so the failure happens inside the load."""

    def check(self) -> None:
        return None


def test_unreachable_neo4j_leaves_oxigraph_as_before(tmp_path: Path) -> None:
    rdf = OxigraphStore(tmp_path / "rdf")
    GraphStore(rdf).load_articles(dataset(A1))
    before = nquads_lines(rdf.dump())
    with GraphDatabase.driver("bolt://127.0.0.1:9", auth=("neo4j", "x")) as closed:
        for sink in (Neo4jProjection(closed), _Unchecked(closed, max_retry_time=0)):
            with pytest.raises(StoreUnavailable) as caught:
                GraphStore(rdf, sink).load_articles(dataset(A2))
            assert caught.value.retry_after
            assert nquads_lines(rdf.dump()) == before


def test_wrong_password_is_unavailable_without_retry(neo4j_connection: Any) -> None:
    uri, user, _password = neo4j_connection
    with (
        GraphDatabase.driver(uri, auth=(user, "wrong password")) as driver,
        pytest.raises(StoreUnavailable) as caught,
    ):
        Neo4jProjection(driver).check()
    assert caught.value.retry_after is None


# ---------------------------------------------------------------------- extensions


def _links(projection: Neo4jProjection) -> list[dict[str, Any]]:
    return cypher_rows(
        projection,
        "MATCH (a)-[l:LINK]->(b) RETURN a.uri AS a, b.uri AS b, l.uri AS uri ORDER BY uri",
    )


def test_links_are_written_in_the_load_transaction(projection: Neo4jProjection) -> None:
    rdf = OxigraphStore()
    sink = Neo4jProjection(projection.driver, projection.database, links=LinkUpkeep(rdf))
    store = GraphStore(rdf, sink)
    store.ensure_schema()
    store.load_articles(dataset(A2))
    after_a2 = _links(projection)
    assert after_a2 and any(DZA in (row["a"], row["b"]) for row in after_a2)
    failing = _FailingMidTransaction(
        projection.driver, projection.database, max_retry_time=0, links=LinkUpkeep(rdf)
    )
    with pytest.raises(StoreUnavailable):
        GraphStore(rdf, failing).load_articles(dataset(A1))
    assert _links(projection) == after_a2  # the failed load's LINK writes were rolled back
    store.load_articles(dataset(A1))
    loaded = _links(projection)
    assert loaded != after_a2
    projection.driver.execute_query("MATCH ()-[l:LINK]->() DELETE l", database_=projection.database)
    store.sync()  # the projection's sync rebuilds every LINK from the RDF store
    assert _links(projection) == loaded


# ---------------------------------------------------------------------- Neo4j specifics


def test_schema_and_full_text_search(store: GraphStore, projection: Neo4jProjection) -> None:
    projection.ensure_schema()  # idempotent
    constraints = cypher_rows(projection, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type")
    assert {"labelsOrTypes": ["Resource"], "properties": ["uri"], "type": "UNIQUENESS"} in [
        dict(c) for c in constraints
    ]
    store.load_articles(dataset(A1))
    cypher_rows(projection, "CALL db.awaitIndexes(60)")
    hits = cypher_rows(
        projection,
        "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.uri AS uri",
        {"index": FULLTEXT_INDEX, "q": "washington"},
    )
    assert hits == [{"uri": USA}]


def test_read_errors_are_translated(projection: Neo4jProjection) -> None:
    with pytest.raises(QueryError):
        cypher_rows(projection, "MATCH (n RETURN n")
    with pytest.raises(WriteRejected):
        cypher_rows(projection, "CREATE (:Resource {uri: 'urn:x'})")
    with pytest.raises(ResultTooLarge):
        cypher_rows(projection, "UNWIND range(1, 10) AS x RETURN x", max_rows=5)
    with pytest.raises(QueryTimeout):
        cypher_rows(
            projection,
            "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 8 RETURN count(x)",
            timeout=0.2,
        )
    assert projection.counts().nodes == 0


def test_nothing_is_written_for_an_empty_dataset(store: GraphStore) -> None:
    assert store.load_articles(Dataset()).articles == ()
    assert store.stats().projection is not None
