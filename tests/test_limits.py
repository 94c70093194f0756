"""Every limit of ``api.settings`` is a setting, and each is enforced over HTTP.

Each test starts the real app (``create_app``, example article loaded) under uvicorn with a small
value of the limit it checks and shows both sides of it: just within the limit is answered,
beyond it is refused (a problem naming the limit) or cut short (``truncated`` says why). The
README's settings table is checked for names elsewhere (``tests/test_readme.py``); here it is
the enforcement. Neo4j variants are marked ``neo4j``.

| setting | enforced as |
|---|---|
| ``max_body_bytes`` | 413 on any route, by ``Content-Length`` or while a chunked body streams |
| ``query_timeout_s`` | 504 (``/sparql``, ``/cypher``); graph queries 504 or ``reason: timeout`` |
| ``sparql_result_cap`` / ``cypher_row_cap`` | 413 past the cap, rows up to it |
| ``export_node_cap`` | 413 past the cap; ``max_nodes`` above it is a 422 naming it |
| ``max_path_hops`` | 422 naming ``k`` / ``max_hops``; the default ``k`` follows it |
| ``max_paths`` | links and paths stop at the cap (``truncated``, ``reason: path-cap``) |
| ``hub_expansion_cap`` | ego networks list hubs without expanding them |
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from conftest import Neo4jConnection
from live_server import live_server
from neo4j import Driver
from pydantic import SecretStr, ValidationError

from api.app import create_app
from api.settings import Settings

API_KEY = "limits-api-key-0123456789"
PROBLEM = "application/problem+json"
MARGIN_S = 2.5
DZA, RUS = "country/DZA", "country/RUS"
LINKS = {"a": DZA, "b": RUS}
PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
COUNTRIES = PREFIX + "SELECT ?c WHERE { ?c a dg:Country }"
CROSS_PRODUCT = "SELECT * WHERE { ?a ?p ?x . ?b ?q ?y }"
"""Streams (size of the store)² solutions: stops at the cap or, without one, at the deadline."""

LIMITS = {
    "max_body_bytes": 1234,
    "query_timeout_s": 0.25,
    "sparql_result_cap": 7,
    "cypher_row_cap": 8,
    "max_path_hops": 2,
    "max_paths": 9,
    "hub_expansion_cap": 3,
    "export_node_cap": 11,
}


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": None,
        "development": True,
        "api_keys": [SecretStr(API_KEY)],
        "neo4j_uri": None,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def serve(**overrides: Any) -> Iterator[httpx.Client]:
    """A client of the real app, example loaded, with ``overrides`` as settings."""
    app = create_app(settings(**overrides), load_examples=True)
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def problem(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    """The problem+json body of ``response``, whose detail contains each of ``words``."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    for word in words:
        assert word in body["detail"], (word, body["detail"])
    return body


def invalid_parameter(response: httpx.Response, parameter: str, *words: str) -> None:
    """A 422 whose problems name ``parameter``."""
    body = problem(response, 422, parameter, *words)
    named = {str(p["parameter"]).rsplit(".", 1)[-1] for p in body["problems"]}  # query.k: k
    assert parameter in named, body


def padded(query: str, size: int) -> bytes:
    """``query`` and a comment: exactly ``size`` bytes."""
    text = query + "\n#" + "x" * (size - len(query) - 2)
    assert len(text.encode()) == size
    return text.encode()


# ------------------------------------------------------------------ the settings themselves


@pytest.mark.parametrize(("name", "value"), LIMITS.items())
def test_each_limit_is_read_from_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: float
) -> None:
    monkeypatch.setenv(f"DIPLOGRAPH_{name.upper()}", str(value))
    assert getattr(Settings(), name) == value


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_of_zero_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match=name):
        Settings(**{name: 0})


def test_max_path_hops_is_at_most_eight() -> None:
    assert Settings(max_path_hops=8).max_path_hops == 8
    with pytest.raises(ValidationError, match="max_path_hops"):
        Settings(max_path_hops=9)


# ------------------------------------------------------------------ request body size

BODY = 2_000


@pytest.fixture(scope="module")
def small_body() -> Iterator[httpx.Client]:
    with serve(max_body_bytes=BODY) as client:
        yield client


@pytest.mark.parametrize("media_type", ["application/sparql-query", "form"])
def test_a_body_of_exactly_the_limit_is_accepted(small_body: httpx.Client, media_type: str) -> None:
    if media_type == "form":
        content = b"query=" + padded(COUNTRIES, BODY - 6).replace(b"\n", b"%0A")[: BODY - 6]
        headers = {"content-type": "application/x-www-form-urlencoded"}
    else:
        content, headers = padded(COUNTRIES, BODY), {"content-type": media_type}
    assert len(content) == BODY
    response = small_body.post("/sparql", content=content, headers=headers)
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/sparql", "application/sparql-query"),
        ("/cypher", "application/json"),
        ("/articles", "application/yaml"),
        ("/articles", "text/turtle"),
    ],
)
@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
def test_a_body_one_byte_over_the_limit_is_a_413(
    small_body: httpx.Client, path: str, media_type: str, streamed: bool
) -> None:
    content = b"#" * (BODY + 1)
    body: Any = iter([content[:1000], content[1000:]]) if streamed else content
    response = small_body.post(
        path, content=body, headers={"content-type": media_type, "x-api-key": API_KEY}
    )
    assert ("content-length" in response.request.headers) is not streamed
    problem(response, 413, str(BODY), "DIPLOGRAPH_MAX_BODY_BYTES")


def test_a_fact_sheet_over_the_limit_loads_nothing(small_body: httpx.Client) -> None:
    before = small_body.get("/articles").json()["total"]
    sheet = b"article:\n  id: too-big\n  title: '" + b"x" * BODY + b"'\n"
    response = small_body.post(
        "/articles",
        content=sheet,
        headers={"content-type": "application/yaml", "x-api-key": API_KEY},
    )
    problem(response, 413)
    assert small_body.get("/articles").json()["total"] == before


# ------------------------------------------------------------------ query timeout

TIMEOUT = 0.3


def test_sparql_stops_at_the_query_timeout() -> None:
    with serve(query_timeout_s=TIMEOUT, sparql_result_cap=10**9) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": CROSS_PRODUCT})
        elapsed = time.monotonic() - started
        problem(response, 504, f"{TIMEOUT:g} s")
        assert elapsed < TIMEOUT + MARGIN_S
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


# a timed-out query's Oxigraph iterator must not reach another thread (it would be leaked)
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    ("path", "params"),
    [("/links", {**LINKS, "k": 4}), ("/paths", LINKS)],
)
def test_graph_queries_stop_at_the_query_timeout(path: str, params: dict[str, Any]) -> None:
    """Too little time: the answer is a 504, or the enumeration is cut (``reason: timeout``)."""
    with serve(query_timeout_s=1e-6) as client:
        started = time.monotonic()
        response = client.get(path, params=params)
        assert time.monotonic() - started < 1e-6 + MARGIN_S
        if response.status_code == 200:
            assert response.json()["truncated"] is True
            assert response.json().get("reason", "timeout") == "timeout"
        else:
            problem(response, 504)


def test_graph_queries_answer_in_full_with_enough_time() -> None:
    with serve(query_timeout_s=30) as client:
        body = client.get("/links", params={**LINKS, "k": 3}).json()
        assert body["truncated"] is False and body["reason"] is None and body["paths"]


# ------------------------------------------------------------------ result rows, nodes, paths


@pytest.fixture(scope="module")
def capped() -> Iterator[httpx.Client]:
    """Small caps: 5 SPARQL rows, 12 export nodes, 2 hops, 3 paths, hubs above 2 steps."""
    with serve(
        sparql_result_cap=5,
        export_node_cap=12,
        max_path_hops=2,
        max_paths=3,
        hub_expansion_cap=2,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def roomy() -> Iterator[httpx.Client]:
    """The defaults, for comparison."""
    with serve() as client:
        yield client


def sparql_rows(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text[:300]
    return len(response.json()["results"]["bindings"])


def test_sparql_answers_up_to_the_result_cap(capped: httpx.Client, roomy: httpx.Client) -> None:
    assert sparql_rows(roomy.get("/sparql", params={"query": COUNTRIES})) > 5
    assert sparql_rows(capped.get("/sparql", params={"query": COUNTRIES + " LIMIT 5"})) == 5


@pytest.mark.parametrize(
    "query",
    [COUNTRIES, COUNTRIES + " LIMIT 6", "CONSTRUCT WHERE { ?s ?p ?o }", CROSS_PRODUCT],
)
def test_sparql_past_the_result_cap_is_a_413(capped: httpx.Client, query: str) -> None:
    problem(capped.get("/sparql", params={"query": query}), 413, "5")


def test_export_past_the_node_cap_is_a_413(capped: httpx.Client, roomy: httpx.Client) -> None:
    whole = roomy.get("/export/graphml")
    assert whole.status_code == 200 and int(whole.headers["x-export-nodes"]) > 12
    problem(capped.get("/export/graphml"), 413, "12")
    problem(capped.get("/export/gexf", params={"max_nodes": 4}), 413, "4")


def test_export_within_the_node_cap_streams(capped: httpx.Client) -> None:
    response = capped.get("/export/cytoscape", params={"seed": RUS, "depth": 1, "type": "Country"})
    assert response.status_code == 200, response.text[:300]
    assert 1 <= int(response.headers["x-export-nodes"]) <= 12


def test_export_max_nodes_above_the_setting_is_a_422(capped: httpx.Client) -> None:
    invalid_parameter(
        capped.get("/export/graphml", params={"max_nodes": 13}), "max_nodes", "export_node_cap"
    )


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/links", {**LINKS, "k": 3}, "k"),
        ("/paths", {**LINKS, "max_hops": 3}, "max_hops"),
    ],
)
def test_hops_above_max_path_hops_are_a_422_naming_the_parameter(
    capped: httpx.Client, path: str, params: dict[str, Any], parameter: str
) -> None:
    invalid_parameter(capped.get(path, params=params), parameter, "max_path_hops", "2")


def test_export_links_above_max_path_hops_are_refused(capped: httpx.Client) -> None:
    response = capped.get("/export/graphml", params={"link": [DZA, RUS], "k": 3})
    assert 400 <= response.status_code < 500
    assert "2" in response.json()["detail"]


def test_links_default_k_follows_max_path_hops(capped: httpx.Client) -> None:
    body = capped.get("/links", params=LINKS).json()
    assert body["k"] == 2
    assert body["paths"] and all(path["length"] <= 2 for path in body["paths"])


def test_links_stop_at_max_paths_and_say_so(capped: httpx.Client, roomy: httpx.Client) -> None:
    full = roomy.get("/links", params={**LINKS, "k": 2}).json()
    assert full["truncated"] is False and len(full["paths"]) > 3
    cut = capped.get("/links", params={**LINKS, "k": 2}).json()
    assert cut["truncated"] is True and cut["reason"] == "path-cap"
    assert len(cut["paths"]) == 3


def test_links_max_paths_below_the_setting_is_honoured(capped: httpx.Client) -> None:
    body = capped.get("/links", params={**LINKS, "k": 2, "max_paths": 1}).json()
    assert body["truncated"] is True and len(body["paths"]) == 1


@pytest.mark.parametrize("path", ["/links", "/paths"])
def test_max_paths_above_the_setting_is_a_422(capped: httpx.Client, path: str) -> None:
    invalid_parameter(capped.get(path, params={**LINKS, "max_paths": 4}), "max_paths", "3")


def test_hubs_above_the_expansion_cap_are_listed_not_expanded(
    capped: httpx.Client, roomy: httpx.Client
) -> None:
    url = f"/entities/{DZA}/neighbours"
    full = roomy.get(url, params={"depth": 2}).json()
    cut = capped.get(url, params={"depth": 2}).json()
    assert full["hubs"] == [] and cut["hubs"]
    assert cut["total"] < full["total"]
    assert set(cut["hubs"]) <= {node["id"] for node in cut["nodes"]}


# ------------------------------------------------------------------ Neo4j


@pytest.fixture(scope="module")
def on_neo4j(
    neo4j_connection: Neo4jConnection, neo4j_driver: Driver, neo4j_database: str
) -> Iterator[httpx.Client]:
    """The app over an emptied Neo4j with small limits."""
    delete = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)"
    while neo4j_driver.execute_query(delete, database_=neo4j_database).records[0][0]:
        pass
    uri, user, password = neo4j_connection
    with serve(
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=SecretStr(password),
        query_timeout_s=1.0,
        cypher_row_cap=4,
        max_path_hops=2,
        max_paths=3,
    ) as client:
        yield client


def cypher(client: httpx.Client, query: str) -> httpx.Response:
    return client.post("/cypher", json={"query": query})


@pytest.mark.neo4j
def test_cypher_answers_up_to_the_row_cap(on_neo4j: httpx.Client) -> None:
    response = cypher(on_neo4j, "UNWIND range(1, 4) AS i RETURN i")
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[1], [2], [3], [4]]


@pytest.mark.neo4j
def test_cypher_past_the_row_cap_is_a_413(on_neo4j: httpx.Client) -> None:
    problem(cypher(on_neo4j, "UNWIND range(1, 5) AS i RETURN i"), 413, "4")


@pytest.mark.neo4j
def test_cypher_stops_at_the_query_timeout(on_neo4j: httpx.Client) -> None:
    started = time.monotonic()
    response = cypher(on_neo4j, "UNWIND range(1, 1000000000) AS i RETURN count(*)")
    elapsed = time.monotonic() - started
    problem(response, 504)
    assert elapsed < 1.0 + MARGIN_S


@pytest.mark.neo4j
def test_neo4j_links_respect_hops_and_paths_caps(on_neo4j: httpx.Client) -> None:
    invalid_parameter(on_neo4j.get("/links", params={**LINKS, "k": 3}), "k", "max_path_hops")
    body = on_neo4j.get("/links", params=LINKS).json()
    assert body["k"] == 2
    assert body["truncated"] is True and body["reason"] == "path-cap" and len(body["paths"]) == 3
