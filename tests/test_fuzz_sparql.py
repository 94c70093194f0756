"""Generated hostile SPARQL over real HTTP: flat chains, SERVICE spellings, escaped names.

The shapes of issue 14, generated (``tests/sparql_attacks.py``): whatever the example, the answer
is a problem (or a result for a harmless escaped name) within the time limit plus a margin, never
a 5xx other than 504, and the endpoint serves a normal query right after.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from live_server import live_server
from sparql_attacks import chains, escaped_names, service_texts
from test_sparql import COUNTRIES, load_store
from test_sparql_http import build_app

from tests.conftest import fuzz_examples, fuzz_profile

TIMEOUT_S = 2.0
MARGIN_S = 4.0
EXAMPLES = fuzz_examples(40)


fuzz = fuzz_profile


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    app = build_app(load_store(), query_timeout_s=TIMEOUT_S, sparql_workers=2)
    with live_server(app) as url:
        yield f"{url}/sparql"


def post(endpoint: str, query: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    with httpx.Client(timeout=60) as client:
        response = client.post(
            endpoint, content=query.encode(), headers={"Content-Type": "application/sparql-query"}
        )
    return response, time.monotonic() - started


def served(endpoint: str) -> None:
    response, elapsed = post(endpoint, COUNTRIES)
    assert response.status_code == 200, response.text
    assert elapsed < 1.0


@fuzz(max(3, EXAMPLES // 8))
@given(query=chains)
def test_flat_chains_are_refused(endpoint: str, query: str) -> None:
    response, elapsed = post(endpoint, query)
    assert response.status_code in (400, 504), response.text[:300]
    if response.status_code == 400:
        assert "sparql_max_chain" in response.json()["detail"]
    assert elapsed < TIMEOUT_S + MARGIN_S
    served(endpoint)


@fuzz(EXAMPLES)
@given(query=service_texts)
def test_generated_service_is_refused(endpoint: str, query: str) -> None:
    response, _ = post(endpoint, query)
    assert response.status_code in (400, 504), (query, response.text[:300])
    if response.status_code == 400:
        detail = response.json()["detail"]
        assert "SERVICE" in detail or "malformed" in detail


@fuzz(EXAMPLES)
@given(query=escaped_names)
def test_escaped_names_never_break_the_endpoint(endpoint: str, query: str) -> None:
    response, _ = post(endpoint, query)
    assert response.status_code in (200, 400), (query, response.text[:300])
