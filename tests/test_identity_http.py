"""``/identity``: candidates and judgements over real HTTP against a live server; recording
needs the write key, refusals are problem+json and write nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.security import API_KEY_HEADER
from api.settings import Settings
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "identity"
ID = "https://w3id.org/diplograph/id/"
KEY = "an-identity-test-key-Rt5Yb8Qw2Xz"
WRITE = {API_KEY_HEADER: KEY}
PROBLEM = "application/problem+json"
CHIEF = ["person/said-chengriha", "person/said-chanegriha"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    data_dir = tmp_path_factory.mktemp("identity-http")
    config = Settings(_env_file=None, data_dir=data_dir, neo4j_uri=None, api_keys=[KEY])
    with (
        live_server(create_app(config)) as base_url,
        httpx.Client(base_url=base_url, timeout=60) as client,
    ):
        for sheet in sorted(CORPUS.glob("*.yaml")):
            headers = {**WRITE, "Content-Type": "application/yaml"}
            loaded = client.post("/articles", content=sheet.read_text("utf-8"), headers=headers)
            assert loaded.status_code == 201, loaded.text
        yield client, data_dir / "judgements.jsonl"


@pytest.fixture
def http(served: tuple[httpx.Client, Path]) -> Iterator[httpx.Client]:
    client, path = served
    yield client
    path.unlink(missing_ok=True)  # each test starts without judgements


def _file(served: tuple[httpx.Client, Path]) -> bytes | None:
    path = served[1]
    return path.read_bytes() if path.exists() else None


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    return body


def test_candidates_are_open_and_ranked_with_evidence(http: httpx.Client) -> None:
    response = http.get("/identity/candidates", params={"limit": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 4 and len(body["items"]) == 2
    first = body["items"][0]
    assert first["ids"] == [ID + "person/said-chanegriha", ID + "person/said-chengriha"]
    assert {e["rule"] for e in first["evidence"]} == {"similar-names", "shared-post"}
    assert all(e["articles"] for e in first["evidence"])
    assert http.get("/identity/candidates", params={"limit": 0}).status_code == 422


def test_recording_needs_the_write_key_and_writes_nothing_without_it(
    http: httpx.Client, served: tuple[httpx.Client, Path]
) -> None:
    body = {"judgement": "same", "ids": CHIEF}
    assert problem(http.post("/identity/judgements", json=body), 401)
    wrong = {API_KEY_HEADER: "not-the-key-but-long-enough-77"}
    assert problem(http.post("/identity/judgements", json=body, headers=wrong), 401)
    assert problem(http.delete("/identity/judgements", params={"a": CHIEF[0], "b": CHIEF[1]}), 401)
    assert _file(served) is None


def test_record_list_replace_and_undo(
    http: httpx.Client, served: tuple[httpx.Client, Path]
) -> None:
    body = {"judgement": "same", "ids": CHIEF, "note": "one general", "by": "ana"}
    created = http.post("/identity/judgements", json=body, headers=WRITE)
    assert created.status_code == 201, created.text
    [recorded] = created.json()["recorded"]
    assert recorded["ids"] == sorted(ID + i for i in CHIEF)
    assert recorded["judgement"] == "same" and recorded["note"] == "one general"
    listed = http.get("/identity/judgements").json()
    assert listed["total"] == 1 and listed["items"][0] == recorded
    assert b"one general" in (_file(served) or b"")
    # the judged pair leaves the candidates
    pairs = [c["ids"] for c in http.get("/identity/candidates").json()["items"]]
    assert recorded["ids"] not in pairs and len(pairs) == 3

    changed = http.post(
        "/identity/judgements", json={"judgement": "not-same", "ids": CHIEF}, headers=WRITE
    )
    assert changed.status_code == 201
    assert [j["judgement"] for j in changed.json()["replaced"]] == ["same"]
    assert [j["judgement"] for j in http.get("/identity/judgements").json()["items"]] == [
        "not-same"
    ]

    params = {"a": CHIEF[1], "b": CHIEF[0]}
    undone = http.delete("/identity/judgements", params=params, headers=WRITE)
    assert undone.status_code == 200, undone.text
    assert [j["judgement"] for j in undone.json()["replaced"]] == ["not-same"]
    assert http.get("/identity/judgements").json()["total"] == 0
    again = problem(http.delete("/identity/judgements", params=params, headers=WRITE), 404)
    assert "no judgement" in again["detail"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"judgement": "same", "ids": ["country/DZA", CHIEF[0]]}, 422, "is a country"),
        ({"judgement": "same", "ids": ["person/nobody", CHIEF[0]]}, 422, "unknown id"),
        ({"judgement": "same", "ids": [CHIEF[0], CHIEF[0]]}, 422, "the same id"),
        ({"judgement": "not-same", "ids": ["country/DZA", "country/USA", "x"]}, 422, "ids"),
        ({"judgement": "same", "ids": [CHIEF[0]]}, 422, "takes 2 id(s)"),
        ({"judgement": "split", "ids": CHIEF}, 422, "takes 1 id(s)"),
        ({"judgement": "split", "ids": [CHIEF[0]]}, 422, "not merged with any other id"),
        ({"judgement": "maybe", "ids": CHIEF}, 422, "judgement"),
        ({"judgement": "same", "ids": CHIEF, "score": 3}, 422, "score"),
        ({"judgement": "same", "ids": CHIEF, "note": "x" * 2001}, 422, "note"),
    ],
)
def test_bad_judgements_are_problems_and_write_nothing(
    http: httpx.Client,
    served: tuple[httpx.Client, Path],
    body: dict[str, Any],
    status: int,
    words: str,
) -> None:
    response = http.post("/identity/judgements", json=body, headers=WRITE)
    found = problem(response, status)
    assert words in str(found)
    assert _file(served) is None


def test_the_identity_routes_are_documented(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert set(paths["/identity/judgements"]) == {"get", "post", "delete"}
    assert "get" in paths["/identity/candidates"]


def test_a_corrupt_judgement_file_is_a_problem_naming_the_line_not_the_server_path(
    http: httpx.Client, served: tuple[httpx.Client, Path]
) -> None:
    path = served[1]
    path.write_text('{"ids": ["https://x.org/a", "https://x.org/b"], "judgement": "same"}\n{oops\n')
    body = problem(http.get("/identity/judgements"), 500)
    assert "judgements.jsonl:2: not JSON" in body["detail"]
    assert str(path.parent) not in body["detail"]
    assert problem(http.get("/identity/candidates"), 500)
    refused = http.post(
        "/identity/judgements", json={"judgement": "same", "ids": CHIEF}, headers=WRITE
    )
    problem(refused, 500)
    assert path.read_text().endswith("{oops\n")  # nothing written over a file that is not read
