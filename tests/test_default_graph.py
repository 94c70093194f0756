"""The SPARQL default graph is the set union of the article graphs (issue 16, item 4).

A triple stated by several articles is one triple of the default graph and one row per stating
article under ``GRAPH ?g``; that stays exact after replacements, retractions, an in-process
restore, a crash in the middle of a bulk load, in an old data directory opened again, and over
HTTP ``/sparql`` (worker processes on a snapshot) with SPARQLWrapper.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper
from union_child import ARTICLES, DG, FRANCE, article, articles

import graph.rdf.store as store_module
from api.app import create_app
from api.ingest import ingest_paths
from api.settings import Settings
from graph.journal import UNDO_FILE
from graph.model import Lit, SelectResult
from graph.rdf import union
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from tests.conftest import fuzz_examples, fuzz_profile
from tests.live_server import live_server
from tests.test_cookbook import EXAMPLES, RECIPES, Recipe, normalised, sparql_rows

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "tests" / "union_child.py"
NAME = f"<{FRANCE}> <{DG.name}> ?name"
IN_DEFAULT = f"SELECT (COUNT(*) AS ?n) WHERE {{ {NAME} }}"
IN_GRAPHS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {NAME} }} }}"
AGREEMENTS_PER_COUNTRY = f"""
SELECT ?country (COUNT(*) AS ?n) WHERE {{
  ?country a <{DG.Country}> ; <{DG.name}> ?name . ?agreement <{DG.signedIn}> ?country .
}} GROUP BY ?country"""
"""A join through the shared name: with a bag union, each article's copy multiplies the rows."""


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> OxigraphStore:
    return OxigraphStore(None if request.param == "memory" else tmp_path / "oxigraph")


def count(store: OxigraphStore, query: str) -> int:
    result = store.query(query)
    assert isinstance(result, SelectResult)
    value = result.rows[0][0]
    assert isinstance(value, Lit)
    return int(value.value)


def lines(data: bytes) -> set[bytes]:
    return {line for line in data.splitlines() if line.strip()}


def assert_union(store: OxigraphStore) -> None:
    """The default graph holds exactly the distinct triples of the article graphs."""
    stated = {line.rsplit(b" <", 1)[0] + b" ." for line in lines(store.dump())}
    assert lines(store.default_graph_dump()) == stated


def test_a_triple_stated_by_three_articles_is_one_triple(store: OxigraphStore) -> None:
    store.replace_graphs(articles(1, 3))
    assert count(store, IN_DEFAULT) == 1
    assert count(store, IN_GRAPHS) == 3
    # one agreement per pair of articles signed in France: the join does not multiply
    result = store.query(AGREEMENTS_PER_COUNTRY)
    assert isinstance(result, SelectResult)
    assert [(row[0], row[1]) for row in result.rows] == [(str(FRANCE), Lit("2", XSD_INT))]
    assert_union(store)


XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


def test_counts_follow_retraction_and_replacement(store: OxigraphStore) -> None:
    store.replace_graphs(articles(1, 3))
    store.drop_graphs([article(0)])
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (1, 2)
    unnamed = Graph()
    unnamed.add((URIRef(article(1)), DG.title, Literal("no France any more")))
    store.replace_graphs({article(1): unnamed})
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (1, 1)
    store.drop_graphs([article(2)])
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (0, 0)
    assert_union(store)


def test_restore_puts_the_union_back(store: OxigraphStore) -> None:
    store.replace_graphs(articles(1, 3))
    before = store.default_graph_dump()
    snapshot = store.drop_graphs([article(0), article(1), article(2)])
    assert store.default_graph_dump() == b""
    store.restore(snapshot)
    assert lines(store.default_graph_dump()) == lines(before)
    assert count(store, IN_GRAPHS) == 3


@pytest.mark.parametrize("bulk", [False, True])
def test_bulk_path_keeps_the_union(
    store: OxigraphStore, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if bulk:  # a few small graphs through the bulk loader, in several parts
        monkeypatch.setattr(store_module, "BULK_THRESHOLD", 5)
        monkeypatch.setattr(store_module, "BULK_PART", 8)
    store.replace_graphs(articles(1))
    store.replace_graphs({**articles(2, 4), **articles(3)})
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (1, ARTICLES)
    assert_union(store)


ID = "https://w3id.org/diplograph/id/"
TRIPLES = [
    (URIRef(f"{ID}s{i % 3}"), DG[f"p{i % 2}"], Literal(str(i % 4)) if i % 2 else FRANCE)
    for i in range(12)
]
OPERATION = st.tuples(
    st.sampled_from(["replace", "drop"]),
    st.sets(st.integers(0, 3), min_size=1, max_size=3),
    st.sets(st.integers(0, len(TRIPLES) - 1), max_size=8),
)


@fuzz_profile(fuzz_examples(60))
@given(
    operations=st.lists(OPERATION, min_size=1, max_size=8), bulk=st.booleans(), sweep=st.booleans()
)
def test_any_sequence_of_writes_keeps_the_union(
    operations: list[tuple[str, set[int], set[int]]], bulk: bool, sweep: bool
) -> None:
    """Both write paths (one update; the bulk loader), both ways of removing what no article
    states any more (candidates checked against the graph list; a sweep for many graphs)."""
    store = OxigraphStore()
    model: dict[str, set[int]] = {}
    saved, saved_limit = store_module.BULK_THRESHOLD, union.NOT_IN_LIMIT
    store_module.BULK_THRESHOLD = 2 if bulk else saved
    union.NOT_IN_LIMIT = 0 if sweep else saved_limit
    try:
        for kind, numbers, chosen in operations:
            names = [article(n) for n in sorted(numbers)]
            if kind == "drop":
                store.drop_graphs(names)
                for name in names:
                    model.pop(name, None)
                continue
            graphs = {}
            for name in names:
                graphs[name] = Graph()
                for index in chosen:
                    graphs[name].add(TRIPLES[index])
            store.replace_graphs(graphs)
            model.update({name: set(chosen) for name in names})
            assert_union(store)
    finally:
        store_module.BULK_THRESHOLD, union.NOT_IN_LIMIT = saved, saved_limit
    assert_union(store)
    expected = {TRIPLES[index] for chosen in model.values() for index in chosen}
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult)
    assert result.rows[0][0] == Lit(str(len(expected)), XSD_INT)


@pytest.mark.parametrize("point", ["part", "flush"])
def test_a_crash_in_a_bulk_load_leaves_the_union(tmp_path: Path, point: str) -> None:
    data_dir = tmp_path / "oxigraph"
    store = OxigraphStore(data_dir)
    store.replace_graphs(articles(1))
    old = lines(store.dump())
    del store
    child = subprocess.run(
        [sys.executable, str(CHILD), str(data_dir), point],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert child.returncode == 9, child.stdout + child.stderr
    assert (data_dir / UNDO_FILE).exists()  # it died inside the bulk write
    store = OxigraphStore(data_dir)  # recovers
    assert lines(store.dump()) == old
    assert_union(store)
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (1, ARTICLES)


def test_a_data_dir_written_before_gets_its_default_graph(tmp_path: Path) -> None:
    data_dir = tmp_path / "oxigraph"
    store = OxigraphStore(data_dir)
    store.replace_graphs(articles(1))
    del store
    raw = ox.Store(str(data_dir))  # as the code before this kept it: no default graph
    raw.clear_graph(ox.DefaultGraph())
    raw.flush()
    del raw
    (data_dir / union.MARKER).unlink()
    store = OxigraphStore(data_dir)
    assert (count(store, IN_DEFAULT), count(store, IN_GRAPHS)) == (1, ARTICLES)
    assert_union(store)
    assert (data_dir / union.MARKER).exists()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[tuple[str, GraphStore]]:
    app = create_app(Settings(_env_file=None, data_dir=tmp_path / "data", neo4j_uri=None))
    with live_server(app) as url:
        backends = app.state.backends
        backends.store.load_graphs(articles(1, 3))
        yield f"{url}/sparql", backends.store


def wrapper_count(url: str, query: str) -> int:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    document = client.query().convert()
    assert isinstance(document, dict), json.dumps(document)[:200]
    return int(document["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_counts_each_triple_once(endpoint: tuple[str, GraphStore]) -> None:
    url, writer = endpoint
    assert (wrapper_count(url, IN_DEFAULT), wrapper_count(url, IN_GRAPHS)) == (1, 3)
    writer.retract_article(article(0))
    assert (wrapper_count(url, IN_DEFAULT), wrapper_count(url, IN_GRAPHS)) == (1, 2)


@pytest.fixture(scope="module")
def three_copies() -> Iterator[GraphSparqlService]:
    """The example articles, each stated by three articles (its graph under two more IRIs)."""
    rdf = OxigraphStore(None)
    report = ingest_paths(GraphStore(rdf), EXAMPLES)
    assert report.articles and not report.failed
    dataset = Dataset().parse(data=rdf.dump(), format="nquads")
    copies = {}
    for name in [info.iri for info in rdf.articles()]:
        graph = dataset.graph(URIRef(name))
        assert len(graph) > 200
        copies |= {f"{name}-copy-1": graph, f"{name}-copy-2": graph}
    rdf.replace_graphs(copies)
    service = GraphSparqlService(rdf.pyoxigraph_store)
    yield service
    service.close()


@pytest.mark.parametrize("recipe", RECIPES, ids=str)
def test_cookbook_answers_do_not_grow_with_repeating_articles(
    three_copies: GraphSparqlService, recipe: Recipe
) -> None:
    rows = sparql_rows(three_copies, recipe.sparql)
    assert normalised(rows, recipe.ordered) == normalised(recipe.expected, recipe.ordered)
