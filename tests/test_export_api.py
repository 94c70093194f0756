"""``GET /export/{format}`` and ``diplograph export`` on the example."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli.main import main
from api.settings import Settings
from tests.test_export_support import assert_valid_gexf, read_csv_zip

DZA, RUS = "country/DZA", "country/RUS"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The app on an in-memory store with the example loaded."""
    settings = Settings(_env_file=None, data_dir=None, neo4j_uri=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings, load_examples=True)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("fmt", "media_type", "extension"),
    [
        ("gexf", "application/gexf+xml", "gexf"),
        ("graphml", "application/graphml+xml", "graphml"),
        ("csv", "application/zip", "zip"),
        ("cytoscape", "application/json", "cyjs"),
        ("turtle", "text/turtle", "ttl"),
        ("jsonld", "application/ld+json", "jsonld"),
        ("nquads", "application/n-quads", "nq"),
    ],
)
def test_every_format_streams_as_an_attachment(
    client: TestClient, fmt: str, media_type: str, extension: str
) -> None:
    response = client.get(f"/export/{fmt}", params={"seed": DZA, "depth": 2})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="diplograph-ego-country-DZA.{extension}"'
    )
    assert int(response.headers["x-export-nodes"]) > 10
    assert response.content


def test_gexf_over_http_reads_back(client: TestClient) -> None:
    response = client.get("/export/gexf", params={"seed": DZA, "depth": 2})
    assert_valid_gexf(response.content)
    g = nx.read_gexf(io.BytesIO(response.content))
    assert g.number_of_nodes() == int(response.headers["x-export-nodes"])
    assert g.number_of_edges() == int(response.headers["x-export-edges"])


def test_links_and_filters_over_http(client: TestClient) -> None:
    response = client.get(
        "/export/csv", params=[("link", DZA), ("link", RUS), ("k", "2"), ("type", "Country")]
    )
    assert response.status_code == 200, response.text
    assert "diplograph-links-country-DZA-country-RUS.zip" in response.headers["content-disposition"]
    nodes, edges = read_csv_zip(response.content)
    assert nodes and edges
    whole = client.get("/export/cytoscape", params={"relation": "agreement"})
    assert whole.status_code == 200
    doc = json.loads(whole.content)
    assert {e["data"]["relation"] for e in doc["elements"]["edges"]} == {"agreement"}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"seed": DZA, "depth": 2, "max_nodes": 3}, 413, "cap of 3"),
        ({"seed": "country/XXX"}, 404, "XXX"),
        ({"relation": "friendship"}, 422, "relation"),
        ({"since": "yesterday"}, 422, "since"),
        ({"type": "planet"}, 422, "type"),
        ({"until": "2025-00"}, 422, "until"),
        ({"until": "2025-13"}, 422, "month 13"),
        ({"since": "2025-13-45"}, 422, "month 13"),
        ({"since": "2025-02-30"}, 422, "February 2025 has 28 days"),
        ({"since": "2025", "until": "2024"}, 422, "before since"),
        ({"seed": "x" * 5000}, 422, "the limit is 2,000"),
        ({"link": DZA}, 400, "two link"),
        ([("seed", DZA), ("link", DZA), ("link", RUS)], 400, "either"),
    ],
)
def test_errors_are_problems(client: TestClient, params: object, status: int, words: str) -> None:
    response = client.get("/export/gexf", params=params)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


def test_unknown_format_is_rejected(client: TestClient) -> None:
    assert client.get("/export/pdf").status_code == 422


def test_openapi_lists_the_formats(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/export/{format}"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"format", "seed", "depth", "link", "k", "type", "relation", "since", "until"} <= names


# ------------------------------------------------------------------------------------ CLI


def test_cli_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIPLOGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIPLOGRAPH_NEO4J_URI", raising=False)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert main(["load", "examples"]) == 0
    out = tmp_path / "dza.gexf"
    code = main(["export", "--format", "gexf", "--seed", DZA, "--depth", "2", "--out", str(out)])
    assert code == 0
    assert_valid_gexf(out.read_bytes())
    assert "exported" in capsys.readouterr().err
    out = tmp_path / "links.graphml"
    code = main(["export", "-f", "graphml", "--link", DZA, RUS, "--k", "2", "-o", str(out)])
    assert code == 0 and nx.read_graphml(out).number_of_nodes() > 2
    # errors: nothing written, exit code 3 (store/query errors) or 2 (arguments)
    bad = tmp_path / "bad.gexf"
    assert main(["export", "--seed", DZA, "--depth", "2", "--max-nodes", "2", "-o", str(bad)]) == 3
    assert "cap of 2" in capsys.readouterr().err
    assert not bad.exists() and not list(tmp_path.glob(".bad.gexf*"))
    assert main(["export", "--seed", DZA, "--link", DZA, RUS]) == 2
