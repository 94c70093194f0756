"""Parameter validation of the graph API (clear 422 problems naming the parameter) and the
OpenAPI document (every route documented, with a response model and examples)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import test_api_support as support
from test_api_support import DZA, RUS, TestClient, embedded_settings, named_parameters, problem

from api.app import create_app

nx_client = support.nx_client  # the fixture: the embedded backend

LINKS = f"/links?a={DZA}&b={RUS}"
NEIGHBOURS = f"/entities/{DZA}/neighbours"
MY_PREFIXES = ("/entities", "/links", "/paths", "/brokers", "/influences", "/agreements")


@pytest.mark.parametrize(
    ("url", "parameter", "words"),
    [
        (f"{LINKS}&k=0", "k", "greater than or equal to 1"),
        (f"{LINKS}&k=100", "k", "max_path_hops"),
        (f"{LINKS}&k=5", "k", "more than 4"),
        (f"{LINKS}&k=three", "k", "integer"),
        (f"{LINKS}&since=2025-13-45", "since", "month 13"),
        (f"{LINKS}&since=2025-02-30", "since", "February 2025 has 28 days"),
        (f"{LINKS}&until=yesterday", "until", "YYYY-MM-DD"),
        (f"{LINKS}&since=2025&until=2024-12", "until", "before since"),
        (f"{LINKS}&relation=friendship", "relation", "unknown relation"),
        (f"{LINKS}&type=planet", "type", "unknown type"),
        (f"{LINKS}&max_paths=100000", "max_paths", "cap"),
        (f"{LINKS}&format=xml", "format", "json"),
        (f"/links?a={DZA}", "b", "required"),
        (f"/paths?a={DZA}&b={RUS}&max_hops=9", "max_hops", "max_path_hops"),
        (f"{NEIGHBOURS}?depth=0", "depth", "greater than or equal to 1"),
        (f"{NEIGHBOURS}?depth=4", "depth", "less than or equal to 3"),
        (f"{NEIGHBOURS}?limit=0", "limit", "greater than or equal to 1"),
        (f"{NEIGHBOURS}?limit=5000", "limit", "less than or equal to 1000"),
        (f"{NEIGHBOURS}?offset=-1", "offset", "greater than or equal to 0"),
        (f"{NEIGHBOURS}?hub_cap=0", "hub_cap", "greater than or equal to 1"),
        ("/entities?q=", "q", "at least 1"),
        ("/entities?q=a&type=Country,planet", "type", "planet"),
        ("/agreements?signed_after=2025-13", "signed_after", "month 13"),
        ("/agreements?signed_after=2025&signed_before=2024", "signed_before", "before"),
        ("/influences?direction=up", "direction", "strengthening"),
        ("/agreements?include=everyone", "include", "subordinates"),
        (f"{LINKS}&inferred=maybe", "inferred", "bool"),
        ("/brokers?depth=9", "depth", "less than or equal to 3"),
    ],
)
def test_invalid_parameters_are_422_problems_naming_them(
    nx_client: TestClient, url: str, parameter: str, words: str
) -> None:
    body = problem(nx_client.get(url), 422)
    assert body["type"].endswith("/invalid-request")
    assert parameter in named_parameters(body), body
    assert parameter in body["detail"] and words in body["detail"], body["detail"]


@pytest.mark.parametrize("date", ["2025", "2025-01", "2025-01-22"])
def test_partial_dates_are_accepted(nx_client: TestClient, date: str) -> None:
    assert nx_client.get(f"{LINKS}&since={date}&until={date}").status_code == 200
    assert nx_client.get(f"/agreements?signed_after={date}").status_code == 200


def test_relations_and_types_repeat_or_use_commas(nx_client: TestClient) -> None:
    comma = nx_client.get(f"{LINKS}&relation=influence,agreement&type=country,Official")
    repeat = nx_client.get(
        f"{LINKS}&relation=influence&relation=agreement&type=country&type=Official"
    )
    assert comma.status_code == repeat.status_code == 200
    assert comma.json() == repeat.json()
    relations = {e["relation"] for e in comma.json()["edges"]}
    assert relations <= {"influence", "agreement"}


def test_text_that_is_neither_an_id_nor_a_name_is_a_404(nx_client: TestClient) -> None:
    body = problem(nx_client.get("/entities/not an id"), 404)
    assert "'not an id'" in body["detail"] and "name" in body["detail"]


def test_an_iri_with_a_folded_double_slash_resolves(nx_client: TestClient) -> None:
    response = nx_client.get("/entities/https:/w3id.org/diplograph/id/country/DZA")
    assert response.status_code == 200 and response.json()["entity"]["id"] == DZA


@pytest.fixture(scope="module")
def two_hop_client() -> Iterator[TestClient]:
    """An app whose ``max_path_hops`` is 2."""
    yield from support.serve(embedded_settings(max_path_hops=2, max_paths=10))


def test_the_hop_cap_comes_from_the_settings(two_hop_client: TestClient) -> None:
    assert two_hop_client.get(f"{LINKS}&k=2").status_code == 200
    body = problem(two_hop_client.get(f"{LINKS}&k=3"), 422)
    assert named_parameters(body) == {"k"} and "more than 2" in body["detail"]
    body = problem(two_hop_client.get(f"{LINKS}&max_paths=11"), 422)
    assert named_parameters(body) == {"max_paths"}
    capped = two_hop_client.get(f"{LINKS}&k=2&max_paths=3").json()
    assert len(capped["paths"]) == 3 and capped["truncated"] and capped["reason"] == "path-cap"


# --------------------------------------------------------------------------------- OpenAPI


def _operations() -> list[tuple[str, dict[str, Any]]]:
    """The GET operations of the graph routers in the OpenAPI document."""
    document = create_app(embedded_settings()).openapi()
    return [
        (path, item["get"])
        for path, item in document["paths"].items()
        if path.startswith(MY_PREFIXES) and "get" in item
    ]


def test_openapi_lists_every_graph_route() -> None:
    paths = {path for path, _ in _operations()}
    assert paths == {
        "/entities",
        "/entities/{entity_id}",
        "/entities/{entity_id}/neighbours",
        "/entities/{entity_id}/timeline",
        "/links",
        "/paths",
        "/brokers",
        "/influences",
        "/agreements",
        "/agreements/{agreement_id}",
    }


@pytest.mark.parametrize(("path", "operation"), _operations())
def test_openapi_documents_each_route(path: str, operation: dict[str, Any]) -> None:
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("anyOf", [])]
    assert any(r and r.startswith("#/components/schemas/") for r in refs), schema
    assert operation["summary"] and len(operation["description"]) > 80, path
    assert "422" in operation["responses"]
    for parameter in operation.get("parameters", []):
        assert parameter.get("description"), (path, parameter["name"])


def test_openapi_has_examples() -> None:
    document = create_app(embedded_settings()).openapi()
    links = document["paths"]["/links"]["get"]
    examples = {p["name"]: p.get("examples") for p in links["parameters"]}
    assert examples["a"] and examples["b"] and examples["k"]
    edge = document["components"]["schemas"]["GraphEdge"]["properties"]
    assert edge["relation"]["examples"] == ["influence"]
