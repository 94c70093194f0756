"""/sparql over real HTTP (uvicorn in a thread): every protocol form, with real SPARQL clients.

Clients: plain httpx, SPARQLWrapper (its default GET + XML, JSON, CONSTRUCT into rdflib) and
rdflib's SPARQLStore.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from types import SimpleNamespace
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from live_server import live_server
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from test_sparql import A1, A2, COUNTRIES, DG, ID, PREFIXES, big_store, load_store

from api.problems import install_problem_handlers
from api.routers.sparql import negotiate
from api.routers.sparql import router as sparql_router
from api.settings import Settings
from graph.rdf.sparql_service import GraphSparqlService

SPARQL_JSON = "application/sparql-results+json"
PROBLEM = "application/problem+json"


def build_app(store: ox.Store, **settings: object) -> FastAPI:
    """An app with just the /sparql router, problem handlers and CORS, like the real one."""
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )
    app.include_router(sparql_router)
    app.state.settings = config = Settings(**settings)  # type: ignore[arg-type]
    # built from the settings as graph.backends does: the service enforces its own limits
    service = GraphSparqlService(
        store,
        timeout_s=config.query_timeout_s,
        result_cap=config.sparql_result_cap,
        max_concurrent=min(config.sparql_workers, 3),
        memory_bytes=config.sparql_worker_memory_mb * 1024 * 1024,
        max_query_chars=config.sparql_max_query_chars,
    )
    service.start()
    app.state.backends = SimpleNamespace(sparql=service, cypher=None)
    return app


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_store()


@pytest.fixture(scope="module")
def base_url(store: ox.Store) -> Iterator[str]:
    app = build_app(store, query_timeout_s=5, sparql_result_cap=10, max_body_bytes=100_000)
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(base_url: str) -> str:
    return f"{base_url}/sparql"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def country_codes(response: httpx.Response) -> list[str]:
    """The last path segment of every ?c binding of a SPARQL JSON response."""
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [b["c"]["value"].rsplit("/", 1)[1] for b in bindings]


def problem(response: httpx.Response, status: int) -> dict[str, object]:
    """The problem+json body of an error response, after checking its status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


# ------------------------------------------------------------------------- protocol operations


def test_get(client: httpx.Client, endpoint: str) -> None:
    response = client.get(endpoint, params={"query": COUNTRIES}, headers={"Accept": SPARQL_JSON})
    assert country_codes(response) == ["DZA", "RUS", "USA"]
    assert response.headers["content-type"] == SPARQL_JSON
    assert "Accept" in response.headers["vary"]


def test_post_urlencoded(client: httpx.Client, endpoint: str) -> None:
    response = client.post(endpoint, data={"query": COUNTRIES}, headers={"Accept": SPARQL_JSON})
    assert country_codes(response) == ["DZA", "RUS", "USA"]


def test_post_direct(client: httpx.Client, endpoint: str) -> None:
    response = client.post(
        endpoint,
        content=COUNTRIES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": SPARQL_JSON},
    )
    assert country_codes(response) == ["DZA", "RUS", "USA"]


def test_dataset_by_get(client: httpx.Client, endpoint: str) -> None:
    query = f"SELECT DISTINCT ?c WHERE {{ ?c a <{DG}Country> }} ORDER BY ?c"
    params = [("query", query), ("default-graph-uri", A2)]
    assert country_codes(client.get(endpoint, params=params)) == ["DZA", "RUS"]
    params = [("query", query), ("default-graph-uri", A1), ("default-graph-uri", A2)]
    assert country_codes(client.get(endpoint, params=params)) == ["DZA", "RUS", "USA"]


def test_dataset_by_urlencoded_post(client: httpx.Client, endpoint: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(endpoint, data={"query": query, "named-graph-uri": [A1]})
    assert response.json()["results"]["bindings"] == [{"g": {"type": "uri", "value": A1}}]


def test_dataset_by_direct_post_in_the_url(client: httpx.Client, endpoint: str) -> None:
    response = client.post(
        endpoint,
        params={"default-graph-uri": A1},
        content=COUNTRIES.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert country_codes(response) == ["DZA", "USA"]


def test_graph_clause_sees_each_article(client: httpx.Client, endpoint: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    response = client.get(endpoint, params={"query": query})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [A1, A2]


# ----------------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, SPARQL_JSON),
        ("*/*", SPARQL_JSON),
        ("application/json", "application/json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*", "text/csv; charset=utf-8"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml"),
    ],
)
def test_select_negotiation(
    client: httpx.Client, endpoint: str, accept: str | None, content_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(endpoint, params={"query": COUNTRIES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_csv_and_xml_bodies(client: httpx.Client, endpoint: str) -> None:
    csv_body = client.get(endpoint, params={"query": COUNTRIES}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(csv_body.text)))
    assert rows[0] == ["c"] and len(rows) == 4
    xml_body = client.get(
        endpoint, params={"query": COUNTRIES}, headers={"Accept": "application/sparql-results+xml"}
    )
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    uris = [e.text for e in ElementTree.fromstring(xml_body.content).iterfind(".//r:uri", ns)]
    assert uris == [f"{ID}country/DZA", f"{ID}country/RUS", f"{ID}country/USA"]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_negotiation(
    client: httpx.Client, endpoint: str, accept: str, rdflib_format: str
) -> None:
    query = PREFIXES + "CONSTRUCT WHERE { ?c dg:isoCode ?code }"
    response = client.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 3


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (COUNTRIES, "image/png"),
        (COUNTRIES, "text/turtle"),
        (PREFIXES + "CONSTRUCT WHERE { ?c dg:isoCode ?code }", "text/csv"),
        (COUNTRIES, "application/sparql-results+json;q=0"),
    ],
)
def test_not_acceptable(client: httpx.Client, endpoint: str, query: str, accept: str) -> None:
    response = client.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert "acceptable" in str(problem(response, 406)["detail"])


def test_negotiate_prefers_quality_then_our_order() -> None:
    offered = ("application/sparql-results+json", "text/csv", "application/xml")
    assert negotiate("text/csv, application/xml", offered) == "text/csv"
    assert negotiate("application/xml;q=1, text/csv;q=0.9", offered) == "application/xml"
    assert negotiate("application/*;q=0.2, text/csv;q=0.1", offered) == offered[0]
    assert negotiate("", offered) == offered[0]
    assert negotiate("text/csv;q=0, */*", offered) == offered[0]
    assert negotiate("text/csv;q=bogus", offered) is None


# ----------------------------------------------------------------------------------- refusals


def test_malformed_query_is_400_with_the_parser_message(
    client: httpx.Client, endpoint: str
) -> None:
    response = client.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert "error at 1:" in str(problem(response, 400)["detail"])


def test_missing_or_repeated_query_is_400(client: httpx.Client, endpoint: str) -> None:
    problem(client.get(endpoint), 400)
    problem(client.get(endpoint, params=[("query", "ASK {}"), ("query", "ASK {}")]), 400)


def test_updates_are_refused_in_every_form(
    client: httpx.Client, endpoint: str, store: ox.Store
) -> None:
    before = len(store)
    update = f"INSERT DATA {{ GRAPH <{A1}> {{ <{ID}x> <{DG}name> 'x' }} }}"
    responses = [
        client.post(endpoint, data={"update": update}),
        client.post(
            endpoint, content=update, headers={"Content-Type": "application/sparql-update"}
        ),
        client.post(endpoint, data={"query": update}),
        client.get(endpoint, params={"query": update}),
        client.get(endpoint, params={"update": update}),
        client.post(endpoint, content=update, headers={"Content-Type": "application/sparql-query"}),
        client.get(endpoint, params={"query": f"DROP GRAPH <{A1}>"}),
    ]
    for response in responses:
        assert "read-only" in str(problem(response, 403)["detail"])
    assert len(store) == before


def test_unsupported_post_body_is_415(client: httpx.Client, endpoint: str) -> None:
    response = client.post(endpoint, content=COUNTRIES, headers={"Content-Type": "text/plain"})
    problem(response, 415)


def test_oversized_body_is_413(client: httpx.Client, endpoint: str) -> None:
    query = "ASK {} #" + "x" * 200_000
    problem(
        client.post(endpoint, content=query, headers={"Content-Type": "application/sparql-query"}),
        413,
    )


def test_result_cap_is_413(client: httpx.Client, endpoint: str) -> None:
    response = client.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert "LIMIT" in str(problem(response, 413)["detail"])


def test_service_is_400(client: httpx.Client, endpoint: str) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    problem(client.get(endpoint, params={"query": query}), 400)


def test_timeout_is_504() -> None:
    app = build_app(big_store(700), query_timeout_s=0.3, sparql_result_cap=10**9)
    query = "SELECT * WHERE { ?a ?p ?x . ?b ?q ?y } ORDER BY ?y ?x"
    with live_server(app) as url, httpx.Client(timeout=30) as client:
        started = time.monotonic()
        response = client.get(f"{url}/sparql", params={"query": query})
        elapsed = time.monotonic() - started
    assert "0.3 s" in str(problem(response, 504)["detail"])
    assert elapsed < 1.5


# ------------------------------------------------------------------------------------------ CORS


def test_cors_preflight_for_a_direct_post(client: httpx.Client, endpoint: str) -> None:
    response = client.options(
        endpoint,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in {"*", "https://yasgui.example"}
    assert "POST" in response.headers["access-control-allow-methods"]


def test_cors_on_a_query(client: httpx.Client, endpoint: str) -> None:
    response = client.get(
        endpoint, params={"query": COUNTRIES}, headers={"Origin": "https://yasgui.example"}
    )
    assert response.headers["access-control-allow-origin"] in {"*", "https://yasgui.example"}


# ------------------------------------------------------------------------------ real clients


def test_sparqlwrapper_default_get_xml(endpoint: str) -> None:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(COUNTRIES)
    document = wrapper.query().convert()  # default: GET, XML results -> a DOM document
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == [f"{ID}country/DZA", f"{ID}country/RUS", f"{ID}country/USA"]


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(endpoint: str, method: str) -> None:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(PREFIXES + "SELECT ?n WHERE { id:country\\/RUS dg:name ?n }")
    wrapper.setReturnFormat(JSON)
    wrapper.setMethod(method)
    result = wrapper.query().convert()
    assert result["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "Russia", "xml:lang": "en"}}
    ]


def test_sparqlwrapper_ask(endpoint: str) -> None:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(PREFIXES + "ASK { ?c dg:isoCode 'DZA' }")
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True


@pytest.mark.parametrize("return_format", [XML, TURTLE])
def test_sparqlwrapper_construct_to_rdflib(endpoint: str, return_format: str) -> None:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(
        PREFIXES + "CONSTRUCT { ?c dg:name ?n } WHERE { ?c dg:isoCode ?i ; dg:name ?n }"
    )
    wrapper.setReturnFormat(return_format)
    converted = wrapper.query().convert()
    graph = (
        converted
        if isinstance(converted, Graph)
        else Graph().parse(data=converted, format="turtle")
    )
    assert (URIRef(f"{ID}country/RUS"), URIRef(f"{DG}name"), Literal("Russia", lang="en")) in graph
    assert len(graph) == 3


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    countries = {str(s).rsplit("/", 1)[1] for s in graph.subjects(RDF.type, URIRef(f"{DG}Country"))}
    assert countries == {"DZA", "RUS", "USA"}
    rows = list(graph.query(PREFIXES + "SELECT ?n WHERE { ?c dg:isoCode 'USA' ; dg:name ?n }"))
    assert [str(row[0]) for row in rows] == ["United States"]
    assert bool(graph.query(PREFIXES + "ASK { ?c dg:isoCode 'RUS' }").askAnswer)


def test_rdflib_sparqlstore_json_and_post(endpoint: str) -> None:
    store = SPARQLStore(endpoint, returnFormat="json", method="POST")
    graph = Graph(store=store)
    rows = list(graph.query(COUNTRIES))
    assert [str(row[0]).rsplit("/", 1)[1] for row in rows] == ["DZA", "RUS", "USA"]
    assert json.loads(json.dumps([str(r[0]) for r in rows]))  # plain strings, no store objects
