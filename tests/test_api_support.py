"""Shared helpers of the graph API tests (``tests/test_api*.py``, ``tests/test_e2e*.py``).

The apps run in-process with FastAPI's ``TestClient`` inside a ``with`` block, so the lifespan
opens the stores and loads the bundled examples. ``api_client`` is parametrised over both
backends: the networkx view of an in-memory Oxigraph store, and Neo4j (marked ``neo4j``; the
``neo4j_connection`` fixture fails under CI=true when no Neo4j answers, never skips).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from api.app import create_app
from api.settings import Settings

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
DZA, RUS, USA, MLI = "country/DZA", "country/RUS", "country/USA", "country/MLI"
CHANEGRIHA, LANGLEY = "person/said-chanegriha", "person/michael-langley"
WAGNER = "organization/wagner-group"
SOVIET_UNION = "country/SUN"
_DELETE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"


def embedded_settings(**overrides: Any) -> Settings:
    """Settings of the embedded backend: in-memory Oxigraph, no Neo4j, no .env."""
    values: dict[str, Any] = {"data_dir": None, "neo4j_uri": None, "api_keys": []}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def neo4j_settings(connection: tuple[str, str, str], **overrides: Any) -> Settings:
    """Settings of the Neo4j backend (in-memory Oxigraph as the system of record)."""
    uri, user, password = connection
    return embedded_settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password, **overrides)


def clear_neo4j(driver: Driver, database: str) -> None:
    """Delete every node and relationship, in batches (what ``clean_neo4j`` does, for
    module-scoped fixtures that cannot use the function-scoped one)."""
    while True:
        records, _, _ = driver.execute_query(_DELETE_BATCH, database_=database)
        if records[0]["deleted"] == 0:
            return


def serve(settings: Settings) -> Iterator[TestClient]:
    """A client of the app for ``settings`` with the examples loaded (lifespan running)."""
    app = create_app(settings, load_examples=True)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """A client of the app over the examples, on each backend in turn."""
    if request.param == "nx":
        yield from serve(embedded_settings())
        return
    connection = request.getfixturevalue("neo4j_connection")
    clear_neo4j(request.getfixturevalue("neo4j_driver"), request.getfixturevalue("neo4j_database"))
    settings = neo4j_settings(connection)
    for client in serve(settings):
        assert client.app.state.backends.neo4j_enabled  # type: ignore[attr-defined]
        yield client


@pytest.fixture(scope="module")
def nx_client() -> Iterator[TestClient]:
    """A client of the app on the embedded backend only (validation, OpenAPI)."""
    yield from serve(embedded_settings())


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 200 response."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem+json body of an error response with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def named_parameters(body: dict[str, Any]) -> set[str]:
    """The parameters a 422 problem names (``query.k`` and ``k`` both count as ``k``)."""
    return {str(p["parameter"]).rsplit(".", 1)[-1] for p in body.get("problems", [])}
