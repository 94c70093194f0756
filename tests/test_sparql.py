"""GraphSparqlService on an in-memory Oxigraph store: dataset, formats, refusals, limits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph.errors import (
    NotAcceptable,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
    WriteRejected,
)
from graph.rdf import union
from graph.rdf.sparql_check import CheckLimits, check_query
from graph.rdf.sparql_service import GraphSparqlService, Negotiated, QueryForm
from graph.rdf.store import OxigraphStore
from tests.sparql_attacks import CHAIN_OPERATORS, chain_query

DG = "https://w3id.org/diplograph/ontology#"
ID = "https://w3id.org/diplograph/id/"
A1 = f"{ID}article/a1"
A2 = f"{ID}article/a2"
PREFIXES = f"PREFIX dg: <{DG}>\nPREFIX id: <{ID}>\n"

TRIG = f"""
@prefix dg: <{DG}> .
@prefix id: <{ID}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{A1}> {{
  <{A1}> a dg:Article ; dg:title "US, Algeria sign MOU" .
  id:country\\/USA a dg:Country ; dg:name "United States" ; dg:isoCode "USA" .
  id:country\\/DZA a dg:Country ; dg:name "Algeria" ; dg:isoCode "DZA" .
  id:agreement\\/mou a dg:Agreement, dg:MOU ; dg:title "MOU on military cooperation" ;
      dg:party id:country\\/USA, id:country\\/DZA ; dg:dateSigned "2025-01-22"^^xsd:date .
}}
<{A2}> {{
  <{A2}> a dg:Article ; dg:title "Algeria concerned about the Wagner Group" .
  id:country\\/DZA a dg:Country ; dg:name "Algeria" ; dg:isoCode "DZA" .
  id:country\\/RUS a dg:Country ; dg:name "Russia"@en ; dg:isoCode "RUS" .
}}
"""
COUNTRIES = PREFIXES + "SELECT DISTINCT ?c WHERE { ?c a dg:Country } ORDER BY ?c"


def load_store() -> ox.Store:
    """An in-memory store with two article graphs."""
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    union.rebuild(store)  # the default graph as OxigraphStore keeps it: the union of the graphs
    return store


@pytest.fixture
def store() -> ox.Store:
    return load_store()


@pytest.fixture
def service(store: ox.Store) -> Iterator[GraphSparqlService]:
    service = GraphSparqlService(store, timeout_s=5, result_cap=100, max_concurrent=1)
    yield service
    service.close()


def select(service: GraphSparqlService, query: str, **kwargs: object) -> list[dict[str, str]]:
    """Run a SELECT and return its bindings as {var: value}."""
    result = service.query(query, media_type="application/sparql-results+json", **kwargs)  # type: ignore[arg-type]
    document = json.loads(result.body)
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


# --------------------------------------------------------------------------------------- dataset


def test_default_graph_is_the_union_of_article_graphs(service: GraphSparqlService) -> None:
    rows = select(service, COUNTRIES)
    assert [r["c"].rsplit("/", 1)[1] for r in rows] == ["DZA", "RUS", "USA"]


def test_graph_variable_ranges_over_articles(service: GraphSparqlService) -> None:
    query = PREFIXES + "SELECT ?g WHERE { GRAPH ?g { ?c dg:isoCode 'DZA' } } ORDER BY ?g"
    assert [r["g"] for r in select(service, query)] == [A1, A2]


def test_from_clause_replaces_the_union(service: GraphSparqlService) -> None:
    query = PREFIXES + f"SELECT ?c FROM <{A2}> WHERE {{ ?c a dg:Country }} ORDER BY ?c"
    assert [r["c"] for r in select(service, query)] == [f"{ID}country/DZA", f"{ID}country/RUS"]


def test_protocol_dataset_replaces_from_clause(service: GraphSparqlService) -> None:
    query = PREFIXES + f"SELECT ?c FROM <{A2}> WHERE {{ ?c dg:isoCode 'USA' }}"
    assert select(service, query, default_graph_uris=[A1]) == [{"c": f"{ID}country/USA"}]


def test_named_graph_uri_limits_graph_clause(service: GraphSparqlService) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert select(service, query, named_graph_uris=[A2]) == [{"g": A2}]
    # with only named graphs given, the default graph is empty (SPARQL 1.1 Protocol 2.1.4)
    assert select(service, COUNTRIES, named_graph_uris=[A2]) == []


def test_invalid_graph_iri_is_a_query_error(service: GraphSparqlService) -> None:
    with pytest.raises(QueryError, match="default-graph-uri"):
        service.query(COUNTRIES, default_graph_uris=["not an iri"])


# --------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        (
            "application/sparql-results+json",
            b'"value":"https://w3id.org/diplograph/id/country/DZA"',
        ),
        (
            "application/sparql-results+xml",
            b"<uri>https://w3id.org/diplograph/id/country/DZA</uri>",
        ),
        ("text/csv", b"c\r\nhttps://w3id.org/diplograph/id/country/DZA\r\n"),
        ("text/tab-separated-values", b"?c\n<https://w3id.org/diplograph/id/country/DZA>\n"),
    ],
)
def test_select_formats(service: GraphSparqlService, media_type: str, expected: bytes) -> None:
    result = service.query(COUNTRIES, media_type=media_type)
    assert (result.media_type, result.form, result.count) == (media_type, QueryForm.SELECT, 3)
    assert expected in result.body


def test_select_json_keeps_datatypes_and_languages(service: GraphSparqlService) -> None:
    query = PREFIXES + "SELECT ?d ?n WHERE { ?a dg:dateSigned ?d . id:country\\/RUS dg:name ?n }"
    result = service.query(query, media_type="application/sparql-results+json")
    (binding,) = json.loads(result.body)["results"]["bindings"]
    assert binding["d"] == {
        "type": "literal",
        "value": "2025-01-22",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }
    assert binding["n"] == {"type": "literal", "value": "Russia", "xml:lang": "en"}


def test_unbound_variables_are_left_out(service: GraphSparqlService) -> None:
    query = PREFIXES + "SELECT ?c ?t WHERE { ?c dg:isoCode 'RUS' OPTIONAL { ?c dg:title ?t } }"
    result = service.query(query)
    document = json.loads(result.body)
    assert document["head"]["vars"] == ["c", "t"]
    assert document["results"]["bindings"] == [{"c": {"type": "uri", "value": f"{ID}country/RUS"}}]


@pytest.mark.parametrize(
    ("media_type", "body"),
    [
        ("application/sparql-results+json", b'{"head":{},"boolean":true}'),
        ("application/sparql-results+xml", b"<boolean>true</boolean>"),
        ("text/csv", b"true"),
        ("text/tab-separated-values", b"true"),
    ],
)
def test_ask_formats(service: GraphSparqlService, media_type: str, body: bytes) -> None:
    result = service.query(PREFIXES + "ASK { ?c dg:isoCode 'DZA' }", media_type=media_type)
    assert result.form == QueryForm.ASK
    assert body in result.body


RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize("media_type", list(RDFLIB_FORMATS))
def test_construct_formats_parse_back(service: GraphSparqlService, media_type: str) -> None:
    query = PREFIXES + "CONSTRUCT { ?c dg:name ?n } WHERE { ?c a dg:Country ; dg:name ?n }"
    result = service.query(query, media_type=media_type)
    assert (result.media_type, result.form, result.count) == (media_type, QueryForm.CONSTRUCT, 3)
    parsed = Graph().parse(data=result.body, format=RDFLIB_FORMATS[media_type])
    expected = Graph()
    name = URIRef(f"{DG}name")
    expected.add((URIRef(f"{ID}country/USA"), name, Literal("United States")))
    expected.add((URIRef(f"{ID}country/DZA"), name, Literal("Algeria")))
    expected.add((URIRef(f"{ID}country/RUS"), name, Literal("Russia", lang="en")))
    assert isomorphic(parsed, expected)


def test_describe(service: GraphSparqlService) -> None:
    result = service.query(f"DESCRIBE <{ID}country/USA>", media_type="application/n-triples")
    assert result.form == QueryForm.DESCRIBE
    assert b'"United States"' in result.body


def test_wrong_family_media_type_falls_back_to_the_forms_default(
    service: GraphSparqlService,
) -> None:
    result = service.query(PREFIXES + "CONSTRUCT WHERE { ?c dg:isoCode ?i }", media_type="text/csv")
    assert result.media_type == "text/turtle"


def test_negotiated_media_type_follows_the_form(service: GraphSparqlService) -> None:
    both = Negotiated(solutions="text/csv", graph="application/n-triples")
    assert service.query(COUNTRIES, negotiated=both).media_type == "text/csv"
    describe = service.query(f"DESCRIBE <{ID}country/USA>", negotiated=both)
    assert describe.media_type == "application/n-triples"
    with pytest.raises(NotAcceptable, match="acceptable: text/turtle"):
        service.query("DESCRIBE <http://x>", negotiated=Negotiated("text/csv", None))


# ------------------------------------------------------------------------------------- refusals


def test_malformed_query_reports_the_parser_message(service: GraphSparqlService) -> None:
    with pytest.raises(QueryError, match=r"malformed SPARQL query: error at 1:\d+"):
        service.query("SELECT * WHERE { ?s ?p }")


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ <{ID}x> <{DG}name> 'x' }}",
        "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
        f"DROP GRAPH <{A1}>",
        "CLEAR ALL",
        "LOAD <http://example.com/data.ttl>",
        f"WITH <{A1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://x> <http://y> 1 }",
    ],
)
def test_updates_are_refused_and_change_nothing(
    service: GraphSparqlService, store: ox.Store, update: str
) -> None:
    before = len(store)
    with pytest.raises(WriteRejected, match="read-only"):
        service.query(update)
    assert len(store) == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * where { service silent ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(service: GraphSparqlService, query: str) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        service.query(query)


@pytest.mark.parametrize(
    ("text", "form", "dataset"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT", False),
        ("prefix select: <http://x/> ASK { ?s select:construct ?o }", "ASK", False),
        ("# SELECT\nCONSTRUCT WHERE { ?s ?p 'DESCRIBE' }", "CONSTRUCT", False),
        ("DESCRIBE <http://x/SELECT#INSERT>", "DESCRIBE", False),
        ("SELECT ?service { ?service ?p 'SERVICE' } # SERVICE", "SELECT", False),
        ("SELECT * FROM <http://g> { ?s ?p ?o }", "SELECT", True),
    ],
)
def test_check_query(text: str, form: str, dataset: bool) -> None:
    checked = check_query(text, CheckLimits())
    assert (checked.form, checked.has_dataset_clause) == (form, dataset)


# --------------------------------------------------------------------------------------- limits


def test_result_cap(service: GraphSparqlService) -> None:
    assert service.query(COUNTRIES, result_cap=3).count == 3
    with pytest.raises(ResultTooLarge, match="more than 2 results") as caught:
        service.query(COUNTRIES, result_cap=2)
    assert caught.value.limit == 2
    with pytest.raises(ResultTooLarge):
        service.query(PREFIXES + "CONSTRUCT WHERE { ?c a dg:Country }", result_cap=2)


def big_store(size: int) -> ox.Store:
    """``size`` triples in one graph: a self-join of it has size² solutions."""
    store = ox.Store()
    graph = ox.NamedNode(A1)
    predicate = ox.NamedNode(f"{DG}n")
    store.extend(
        ox.Quad(ox.NamedNode(f"{ID}x/{i}"), predicate, ox.Literal(str(i)), graph)
        for i in range(size)
    )
    union.rebuild(store)
    return store


SLOW_SORT = "SELECT * WHERE { ?a ?p ?x . ?b ?q ?y } ORDER BY ?y ?x"
"""Sorts size² solutions before yielding the first: one long step of the engine."""
STREAM = "SELECT * WHERE { ?a ?p ?x . ?b ?q ?y }"


def test_timeout_of_a_long_single_step() -> None:
    service = GraphSparqlService(big_store(700), result_cap=10**9)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"0\.2 s") as caught:
        service.query(SLOW_SORT, timeout_s=0.2)
    assert time.monotonic() - started < 0.5
    assert caught.value.timeout == 0.2


def test_timeout_kills_the_worker_and_frees_its_slot() -> None:
    service = GraphSparqlService(big_store(700), result_cap=10**9, max_concurrent=1)
    try:
        with pytest.raises(QueryTimeout):
            service.query(SLOW_SORT, timeout_s=0.3)
        assert service.stats()["replaced"] == 1
        # the only worker was killed and replaced: the next query is served
        assert service.query("ASK { ?s ?p ?o }", timeout_s=5).body == b'{"head":{},"boolean":true}'
    finally:
        service.close()


def test_running_queries_are_bounded() -> None:
    service = GraphSparqlService(big_store(700), result_cap=10**9, max_concurrent=1)
    try:
        service.query("ASK {}", timeout_s=30)  # the worker is up
        timed_out: list[QueryTimeout] = []

        def run_slow() -> None:
            try:
                service.query(SLOW_SORT, timeout_s=2)
            except QueryTimeout as error:
                timed_out.append(error)

        slow = threading.Thread(target=run_slow)
        slow.start()
        time.sleep(0.3)
        with pytest.raises(StoreUnavailable, match="busy") as caught:
            service.query("ASK {}", timeout_s=0.2)
        assert caught.value.retry_after
        slow.join()
        assert timed_out
    finally:
        service.close()


def test_on_disk_store_is_queried_through_a_fresh_snapshot_after_each_write(tmp_path: Path) -> None:
    """Workers read a checkpoint of the on-disk store, remade after a write; the old one goes."""
    rdf = OxigraphStore(tmp_path / "data")
    rdf.replace_graph(A1, Graph().parse(data=f"<{ID}x> <{DG}name> 'one' .", format="turtle"))
    service = GraphSparqlService(
        rdf.pyoxigraph_store,
        data_dir=tmp_path / "data",
        generation=lambda: rdf.generation,
        max_concurrent=1,
    )
    try:
        count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        assert b'"value":"1"' in service.query(count).body
        snapshots = tmp_path / "data" / "sparql-snapshots"
        first = sorted(snapshots.iterdir())
        assert len(first) == 1
        rdf.replace_graph(A2, Graph().parse(data=f"<{ID}y> <{DG}name> 'two' .", format="turtle"))
        assert b'"value":"2"' in service.query(count).body
        assert sorted(snapshots.iterdir()) != first and len(list(snapshots.iterdir())) == 1
    finally:
        service.close()
        rdf.flush()
    assert not (tmp_path / "data" / "sparql-snapshots").exists()


@pytest.mark.parametrize("operator", sorted(CHAIN_OPERATORS))
def test_a_chain_is_counted_by_its_operands(operator: str) -> None:
    """The limit is on operands: 500 pass, 501 are refused, whatever the operator."""
    check_query(chain_query(operator, 500), CheckLimits())
    with pytest.raises(QueryError, match="chain of 501 "):
        check_query(chain_query(operator, 501), CheckLimits())
