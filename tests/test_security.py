"""Write access with API keys, optional read keys, secrets kept out of logs and errors, and the
refusal to start with weak keys (``api/security.py``), over real HTTP against a live server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from api.app import create_app
from api.security import API_KEY_HEADER, InsecureSettings
from api.settings import Settings
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "us-algeria-mou.yaml").read_text(encoding="utf-8")
ARTICLE_ID = "defensescoop-2025-01-us-algeria-mou"
ARTICLE_IRI = f"https://w3id.org/diplograph/id/article/{ARTICLE_ID}"
YAML = {"Content-Type": "application/yaml"}
PROBLEM = "application/problem+json"

KEY_A = "a-first-api-key-Xq3vR9tLm2Wp8Zs"
KEY_B = "a-second-api-key-Hy7Kd4Nb6Jc1Fg"
WRONG = "not-the-key-but-long-enough-4Ue8Tz"
WEAK_KEYS = ["", "changeme", "CHANGE-ME", " password ", "test", "apikey", "sh0rt-r4nd0m-k"]
"""Empty, placeholders (any case, padded) and a random-looking key under 16 characters."""


def settings(**overrides: Any) -> Settings:
    """Embedded settings (in-memory Oxigraph, no Neo4j, no .env) with ``overrides``."""
    values: dict[str, Any] = {"data_dir": None, "neo4j_uri": None, "api_keys": [KEY_A, KEY_B]}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def serve(config: Settings, **server: Any) -> Iterator[httpx.Client]:
    """An httpx client of a live server of the app for ``config``."""
    with (
        live_server(create_app(config), **server) as base_url,
        httpx.Client(base_url=base_url, timeout=60) as client,
    ):
        yield client


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """Two keys configured, reads open."""
    yield from serve(settings())


def key(value: str) -> dict[str, str]:
    """The API key header."""
    return {API_KEY_HEADER: value}


def load(client: httpx.Client, api_key: str | None) -> httpx.Response:
    """POST the example fact sheet."""
    headers = {**YAML, **(key(api_key) if api_key is not None else {})}
    return client.post("/articles", content=EXAMPLE, headers=headers)


def loaded(client: httpx.Client) -> list[str]:
    """Ids of the loaded articles."""
    return [item["id"] for item in client.get("/articles", headers=key(KEY_A)).json()["items"]]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """A problem+json response with ``status``; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# ------------------------------------------------------------------------------ writes


@pytest.mark.parametrize("api_key", [None, "", WRONG, KEY_A.upper(), "x" + KEY_A, KEY_A[:-1]])
def test_a_load_without_a_valid_key_is_401_and_writes_nothing(
    http: httpx.Client, api_key: str | None
) -> None:
    response = load(http, api_key)
    problem = assert_problem(response, 401)
    assert API_KEY_HEADER in problem["detail"]
    assert response.headers["www-authenticate"] == f'ApiKey header="{API_KEY_HEADER}"'
    assert loaded(http) == []


def test_a_retraction_without_a_valid_key_is_401_and_keeps_the_article(
    http: httpx.Client,
) -> None:
    assert load(http, KEY_A).status_code == 201
    assert_problem(http.delete(f"/articles/{ARTICLE_ID}"), 401)
    assert_problem(http.delete(f"/articles/{ARTICLE_ID}", headers=key(WRONG)), 401)
    # Without a key, nothing says whether an article exists: 401 rather than 404.
    assert_problem(http.delete("/articles/no-such-article"), 401)
    assert loaded(http) == [ARTICLE_IRI]


def test_the_key_is_checked_before_the_body(http: httpx.Client) -> None:
    response = http.post("/articles", content=b"\xff not even text", headers={"X": "y"})
    assert_problem(response, 401)  # not 415 or 400: an unauthenticated body is never read


def test_each_configured_key_may_load_and_retract(http: httpx.Client) -> None:
    created = load(http, KEY_A)
    assert created.status_code == 201, created.text
    assert created.json()["articles"] == [ARTICLE_IRI]
    assert loaded(http) == [ARTICLE_IRI]

    retracted = http.delete(f"/articles/{ARTICLE_ID}", headers=key(KEY_B))
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["article"] == ARTICLE_IRI
    assert loaded(http) == []

    assert load(http, KEY_B).status_code == 201
    assert http.delete(f"/articles/{ARTICLE_ID}", headers=key(KEY_A)).status_code == 200


def test_writes_are_closed_when_no_key_is_configured() -> None:
    for client in serve(settings(api_keys=[])):
        for api_key in (None, KEY_A, ""):
            problem = assert_problem(load(client, api_key), 403)
            assert "DIPLOGRAPH_API_KEYS" in problem["detail"]
        assert_problem(client.delete(f"/articles/{ARTICLE_ID}", headers=key(KEY_A)), 403)
        assert client.get("/articles").json()["total"] == 0


# ------------------------------------------------------------------------------ reads


def _sample(path: str) -> str:
    """A path of the OpenAPI document with its parameters filled in."""
    values = {
        "{entity_id}": "country/DZA",
        "{article_id}": ARTICLE_ID,
        "{agreement_id}": "agreement/x",
        "{format}": "gexf",
    }
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    return path


PROBES = {"/health", "/ready"}


def _read_operations(client: httpx.Client) -> list[tuple[str, str]]:
    """Every read of the API (GET, and POST for /sparql and /cypher), from its OpenAPI."""
    paths = client.get("/openapi.json").json()["paths"]
    reads = [("GET", _sample(p)) for p, ops in paths.items() if "get" in ops and p not in PROBES]
    reads += [("POST", p) for p in ("/sparql", "/cypher") if "post" in paths.get(p, {})]
    assert len(reads) >= 15, reads  # a change in the document must not empty this test
    return reads


def test_reads_are_open_by_default(http: httpx.Client) -> None:
    assert load(http, KEY_A).status_code == 201
    for path in ("/articles", "/stats", "/entities?q=alg", "/entities/country/DZA"):
        assert http.get(path).status_code == 200, path
    ask = http.get("/sparql", params={"query": "ASK {}"})
    assert ask.status_code == 200


def test_with_read_requires_key_every_read_needs_a_key_but_the_probes() -> None:
    for client in serve(settings(read_requires_key=True)):
        for method, path in _read_operations(client):
            for headers in ({}, key(WRONG)):
                response = client.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, response.text)
                assert WRONG not in response.text
        for probe in sorted(PROBES):
            assert client.get(probe).status_code == 200, probe

        assert load(client, KEY_B).status_code == 201
        for path in ("/articles", "/stats", "/entities?q=alg", f"/articles/{ARTICLE_ID}"):
            assert client.get(path, headers=key(KEY_A)).status_code == 200, path
        ask = client.post(
            "/sparql",
            content="ASK {}",
            headers={**key(KEY_B), "Content-Type": "application/sparql-query"},
        )
        assert ask.status_code == 200, ask.text


# ------------------------------------------------------------------------------ secrets


def test_a_wrong_key_is_never_echoed(http: httpx.Client) -> None:
    responses = [
        load(http, WRONG),
        http.delete(f"/articles/{ARTICLE_ID}", headers=key(WRONG)),
        http.post("/articles", content="not: [valid", headers={**YAML, **key(KEY_A)}),
    ]
    for response in responses:
        assert response.status_code in (401, 422)
        for secret in (WRONG, KEY_A, KEY_B):
            assert secret not in response.text
            assert all(secret not in value for value in response.headers.values())


def test_settings_do_not_show_secrets() -> None:
    config = settings(neo4j_password="a-neo4j-password-9vQ2")
    shown = repr(config) + str(config) + str(config.model_dump())
    for secret in (KEY_A, KEY_B, "a-neo4j-password-9vQ2"):
        assert secret not in shown


@pytest.mark.neo4j
def test_secrets_are_never_logged(
    neo4j_connection: tuple[str, str, str],
    clean_neo4j: Driver,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    uri, user, password = neo4j_connection
    config = settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    caplog.set_level(logging.DEBUG)  # every logger, the Neo4j driver's and uvicorn's included
    for client in serve(config, log_level="debug", access_log=True):
        assert client.get("/ready").status_code == 200
        assert load(client, KEY_A).status_code == 201
        assert load(client, WRONG).status_code == 401
        assert client.post("/articles", content="a: [", headers={**YAML, **key(KEY_B)}).is_error
        assert client.get("/stats").status_code == 200
        assert client.delete(f"/articles/{ARTICLE_ID}", headers=key(KEY_B)).status_code == 200
    captured = capfd.readouterr()
    logged = caplog.text + "".join(map(repr, caplog.records)) + captured.out + captured.err
    assert "POST /articles" in logged, "nothing was captured: the test would prove nothing"
    assert any(r.name.startswith("neo4j") for r in caplog.records), "no driver log captured"
    for secret in (KEY_A, KEY_B, WRONG, password):
        assert secret not in logged


@pytest.mark.neo4j
def test_refused_neo4j_credentials_do_not_reveal_the_password(
    neo4j_connection: tuple[str, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # A user that does not exist: a wrong password for the shared `neo4j` user would count
    # towards its lockout (3 failed attempts) and disturb the tests sharing the server.
    uri = neo4j_connection[0]
    password = "not-the-password-Wd83Kq"
    caplog.set_level(logging.DEBUG)
    config = settings(neo4j_uri=uri, neo4j_user="diplograph-nobody", neo4j_password=password)
    for client in serve(config):
        ready = client.get("/ready")
        assert ready.status_code == 503
        neo4j = ready.json()["stores"]["neo4j"]
        assert neo4j["ready"] is False and "credentials" in neo4j["detail"]
        for response in (ready, client.get("/stats"), load(client, KEY_A)):
            assert response.status_code == 503
            assert password not in response.text
        # graph routes too: refused credentials are "store unavailable", not a bad query (400)
        graph_routes = (
            "/entities?q=Algeria",
            "/entities/country/DZA",
            "/entities/country/DZA/neighbours",
            "/links?a=country/DZA&b=country/RUS",
            "/paths?a=country/DZA&b=country/RUS",
            "/agreements",
            "/influences",
            "/brokers",
        )
        for route in graph_routes:
            response = client.get(route)
            assert response.status_code == 503, (route, response.text)
            assert response.json()["type"].endswith("/store-unavailable"), route
            assert password not in response.text
    assert password not in caplog.text


# ------------------------------------------------------------------------------ weak keys


@pytest.mark.parametrize("weak", WEAK_KEYS)
def test_a_weak_key_refuses_to_start_naming_the_setting_not_the_key(weak: str) -> None:
    with pytest.raises(InsecureSettings) as raised:
        create_app(settings(api_keys=[weak]))
    message = str(raised.value)
    assert "DIPLOGRAPH_API_KEYS" in message and "#1" in message
    assert "DIPLOGRAPH_DEVELOPMENT" in message
    # The message is the same whatever the key, so it cannot reveal it.
    with pytest.raises(InsecureSettings) as other:
        create_app(settings(api_keys=["changeme"]))
    assert message == str(other.value)


def test_the_weak_key_is_named_by_its_position() -> None:
    with pytest.raises(InsecureSettings, match="#2 of DIPLOGRAPH_API_KEYS"):
        create_app(settings(api_keys=[KEY_A, "secret"]))


def test_a_weak_key_from_the_environment_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("DIPLOGRAPH_DEVELOPMENT", raising=False)
    monkeypatch.setenv("DIPLOGRAPH_API_KEYS", '["changeme"]')
    with pytest.raises(InsecureSettings, match="DIPLOGRAPH_API_KEYS"):
        create_app(Settings(data_dir=None, neo4j_uri=None))


def test_a_malformed_key_list_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIPLOGRAPH_API_KEYS", f'[{{"key": "{KEY_A}"}}]')  # an object, not a str
    with pytest.raises(Exception) as raised:
        Settings(data_dir=None, neo4j_uri=None)
    chain = []
    error: BaseException | None = raised.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert KEY_A not in "\n".join(chain)


@pytest.mark.parametrize("weak", ["changeme", "short"])
def test_weak_keys_start_in_development_mode(weak: str) -> None:
    for client in serve(settings(api_keys=[weak], development=True)):
        assert load(client, weak).status_code == 201
        assert_problem(load(client, "changeme-not"), 401)


def test_an_empty_key_in_development_mode_opens_nothing() -> None:
    for client in serve(settings(api_keys=[""], development=True)):
        assert_problem(load(client, ""), 403)
        assert_problem(load(client, None), 403)
