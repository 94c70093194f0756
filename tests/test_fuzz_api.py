"""Fuzz the HTTP API from its own OpenAPI document with schemathesis.

Every operation gets valid and invalid parameters and bodies (schemathesis' positive and
negative modes). Whatever comes in, the answer is never a 500, an error is always
``application/problem+json`` with a ``detail`` that says something, and no call runs past the
configured query timeout (plus a margin). The embedded backend (in-memory Oxigraph and networkx,
the example article loaded) is fuzzed on every operation; Neo4j (marked ``neo4j``) on the read
routes. Budgets are small and fixed so that the whole module runs in well under a minute on two
cores; hypothesis' example database is off so that nothing is written to the working tree, and
under CI the examples are derandomised so that a run is reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans

from api.app import create_app
from api.settings import Settings
from tests.conftest import Neo4jConnection, fuzz_examples, fuzz_profile

API_KEY = "fuzz-api-key-0123456789"
TIMEOUT_S = 2.0
"""The query timeout the fuzzed apps are configured with."""
MARGIN_S = 3.0
"""Slack on top of the timeout: thread hand-off, serialisation, a slow CI machine."""

EXAMPLES = fuzz_examples(12)
"""Examples per operation; ``FUZZ_EXAMPLES=500 pytest tests/test_fuzz_api.py`` digs deeper."""

FUZZ_SETTINGS = fuzz_profile(EXAMPLES)

DELETE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)"

READ_ROUTES = (
    "/health",
    "/ready",
    "/stats",
    "/articles",
    "/entities",
    "/links",
    "/paths",
    "/brokers",
    "/influences",
    "/agreements",
    "/sparql",
    "/cypher",
    "/export",
)


def fuzz_settings(**overrides: Any) -> Settings:
    """Settings of a fuzzed app: in-memory store, a development key, a short timeout."""
    values: dict[str, Any] = {
        "data_dir": None,
        "development": True,
        "api_keys": [SecretStr(API_KEY)],
        "query_timeout_s": TIMEOUT_S,
        "neo4j_uri": None,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="module")
def embedded_schema() -> Iterator[Any]:
    """The OpenAPI schema of an embedded app (examples loaded), its lifespan running."""
    app = create_app(fuzz_settings(), load_examples=True)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    yield schema
    shutdown_lifespans()


@pytest.fixture(scope="module")
def neo4j_schema(
    neo4j_connection: Neo4jConnection, neo4j_driver: Driver, neo4j_database: str
) -> Iterator[Any]:
    """The schema of an app over an emptied Neo4j (examples loaded), for the read routes."""
    while neo4j_driver.execute_query(DELETE_BATCH, database_=neo4j_database).records[0][0]:
        pass
    uri, user, password = neo4j_connection
    app = create_app(
        fuzz_settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=SecretStr(password)),
        load_examples=True,
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    yield schema
    shutdown_lifespans()


def expected_5xx(case: Any, response: Any) -> bool:
    """Server-side statuses that are answers, not failures: /cypher's 501 on the embedded
    backend (no Neo4j: it says how to start it) and a query that ran out of its time limit
    (504 query-timeout, on a loaded machine even a small Neo4j query may); the elapsed-time
    check bounds both."""
    if case.path == "/cypher" and response.status_code == 501:
        return True
    if response.status_code == 504:
        return str(response.json().get("type", "")).endswith("/query-timeout")
    return False


def check_response(case: Any, response: Any, elapsed: float) -> None:
    """The properties every answer has, whatever the request."""
    where = f"{case.method} {case.formatted_path} {case.query or ''}"
    if not expected_5xx(case, response):
        case.validate_response(response, checks=[not_a_server_error])
    assert elapsed < TIMEOUT_S + MARGIN_S, f"{where}: took {elapsed:.1f}s"
    if response.status_code >= 400:
        media_type = header(response, "content-type")
        assert media_type.startswith("application/problem+json"), (where, media_type)
        body = response.json()
        assert body["status"] == response.status_code, (where, body)
        assert isinstance(body.get("detail"), str) and body["detail"].strip(), (where, body)
        assert "Traceback" not in body["detail"], (where, body)


def header(response: Any, name: str) -> str:
    """One header of a schemathesis response (whose headers map names to lists)."""
    values = {k.lower(): v for k, v in response.headers.items()}.get(name.lower()) or [""]
    return str(values[0] if isinstance(values, list) else values)


def call_and_check(case: Any) -> Any:
    """Send ``case`` and check the answer; writes carry the API key so that their bodies reach
    the loaders (reads keep whatever key was generated: they are open)."""
    if case.method in {"POST", "DELETE"} and case.path.startswith(("/articles", "/identity")):
        case.headers = {**(case.headers or {}), "X-API-Key": API_KEY}
    started = time.monotonic()
    response = case.call()
    elapsed = time.monotonic() - started
    check_response(case, response, elapsed)
    return response


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI document (no store is opened)."""
    document = create_app(fuzz_settings()).openapi()
    return [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]


OPERATIONS = operations()
READ_OPERATIONS = [
    (method, path)
    for method, path in OPERATIONS
    if method == "GET" and path.startswith(READ_ROUTES)
]


def fuzz(schema: Any, method: str, path: str) -> None:
    """Run ``call_and_check`` on positive and negative cases of one operation."""
    operation = schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case: Any) -> None:
        call_and_check(case)

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_embedded_api_never_fails_on_bad_input(
    embedded_schema: Any, method: str, path: str
) -> None:
    fuzz(embedded_schema, method, path)


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("method", "path"), READ_OPERATIONS, ids=[f"{m} {p}" for m, p in READ_OPERATIONS]
)
def test_neo4j_read_routes_never_fail_on_bad_input(
    neo4j_schema: Any, method: str, path: str
) -> None:
    fuzz(neo4j_schema, method, path)


# ------------------------------------------------------- hostile dates and over-long ids

HOSTILE_DATES = st.one_of(
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}(-[0-9]{2})?\Z"),  # month 00..99, day 00..99
    st.from_regex(r"\A-?[0-9]{1,6}(-[0-9]{1,3}){0,3}\Z"),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=4, max_size=10),  # ٢٠٢٥
    st.sampled_from(["2025-00", "2025-13", "2025-02-30", "2025-13-45", "0000-02", "2024-02-29"]),
    st.text(max_size=12),
)
"""Partial dates that look right and are not (month 13, 30 February, non-ASCII digits)."""
LONG_IDS = st.one_of(
    st.integers(min_value=2_001, max_value=30_000).map(lambda n: "x" * n),
    st.integers(min_value=2_001, max_value=8_000).map(lambda n: "country/" + "é" * n),
    st.text(min_size=1, max_size=40),
)
"""Ids over the 2,000-character limit (httpx refuses URLs over 64 KiB) and ids of junk."""
DATE_PARAMETERS = frozenset({"since", "until", "signed_after", "signed_before"})
ID_PARAMETERS = frozenset(
    {"a", "b", "seed", "link", "party", "signatory", "influencer", "influenced", "kind", "area"}
    | {"entity_id", "agreement_id", "article_id"}
)


def parameters() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(name, location) of the date and id parameters of every operation that has some."""
    document = create_app(fuzz_settings()).openapi()
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            names = [
                (p["name"], p["in"])
                for p in op.get("parameters", [])
                if p["name"] in DATE_PARAMETERS | ID_PARAMETERS
            ]
            if names:
                found[(method.upper(), path)] = names
    return found


HOSTILE = parameters()


@pytest.mark.parametrize(
    ("method", "path"), sorted(HOSTILE), ids=[f"{m} {p}" for m, p in sorted(HOSTILE)]
)
def test_hostile_dates_and_long_ids_are_4xx(embedded_schema: Any, method: str, path: str) -> None:
    """Valid requests whose date and id parameters are replaced by hostile ones: never a 500
    (``/export`` answered 500 to ``until=2025-13`` and accepted ``since=2025-02-30``)."""
    operation = embedded_schema[path][method]

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(GenerationMode.POSITIVE), date=HOSTILE_DATES, ident=LONG_IDS)
    def run(case: Any, date: str, ident: str) -> None:
        for name, where in HOSTILE[(method, path)]:
            value = date if name in DATE_PARAMETERS else ident
            if where == "path":
                case.path_parameters = {**(case.path_parameters or {}), name: value}
            else:
                case.query = {**(case.query or {}), name: value}
        response = call_and_check(case)
        if any(len(v) > 2_000 for v in (case.query or {}).values() if isinstance(v, str)):
            assert response.status_code == 422, case.query

    run()
