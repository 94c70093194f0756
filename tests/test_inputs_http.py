"""Untrusted input over real HTTP (issue 14, points 7-9): documents that cannot reach out, ids
with limits, dates and numbers that are 422 problems, never 500s nor silent acceptance.

Every refused request leaves the store as it was; a listener on 127.0.0.1 proves that no
connection leaves the server while a document is read.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from loaders import EntityIndex, load_document
from tests.test_security import (
    EXAMPLE,
    KEY_A,
    YAML,
    assert_problem,
    key,
    serve,
    settings,
)

JSONLD = {"Content-Type": "application/ld+json", **key(KEY_A)}
TURTLE = {"Content-Type": "text/turtle", **key(KEY_A)}
JSON = {"Content-Type": "application/json", **key(KEY_A)}
WRITE_YAML = {**YAML, **key(KEY_A)}
ID = "https://w3id.org/diplograph/id/"
DG = "https://w3id.org/diplograph/ontology#"


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it is offered."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """A live server holding the example article; one write key."""
    for client in serve(settings()):
        created = client.post("/articles", content=EXAMPLE, headers=WRITE_YAML)
        assert created.status_code == 201, created.text
        yield client


def state(client: httpx.Client) -> Any:
    """What the store holds: every article and its triple count."""
    response = client.get("/articles")
    assert response.status_code == 200
    return response.json()


def refused(client: httpx.Client, body: str, headers: dict[str, str]) -> dict[str, Any]:
    """POST ``body``; assert a 422 problem and an unchanged store; the problem."""
    before = state(client)
    problem = assert_problem(client.post("/articles", content=body, headers=headers), 422)
    assert state(client) == before
    return problem


def article_jsonld(context: Any, **extra: Any) -> str:
    """A small JSON-LD article whose context is ``context``."""
    return json.dumps(
        {
            "@context": context,
            "@id": f"{ID}article/jsonld-probe",
            "@type": f"{DG}Article",
            **extra,
        }
    )


# --------------------------------------------------------------- point 7: nothing is fetched


def remote_shapes(url: str) -> dict[str, str]:
    """Every place a JSON-LD document can name a context to load, pointing at ``url``."""
    term = {"@id": f"{DG}title", "@context": url}
    return {
        "top-level": article_jsonld(url),
        "array": article_jsonld([{"dg": DG}, url]),
        "nested arrays": article_jsonld([[[url]]]),
        "import": article_jsonld({"@import": url, "dg": DG}),
        "context in context": article_jsonld({"@context": url}),
        "scoped term": article_jsonld({"t": term}, t={"@id": f"{ID}x"}),
        "type-scoped": article_jsonld({"T": {"@id": f"{DG}Article", "@context": url}}),
        "embedded node": json.dumps(
            {"@id": f"{ID}article/x", "@type": f"{DG}Article", f"{DG}about": {"@context": url}}
        ),
        "in @graph": json.dumps({"@graph": [{"@context": [url], "@id": f"{ID}article/x"}]}),
        "top-level array": json.dumps([{"@context": url, "@id": f"{ID}article/x"}]),
        "relative": article_jsonld("ctx.jsonld"),
    }


@pytest.mark.parametrize("shape", sorted(remote_shapes("u")))
def test_no_jsonld_context_is_fetched(http: httpx.Client, listener: Listener, shape: str) -> None:
    body = remote_shapes(f"{listener.url}/context.jsonld")[shape]
    problem = refused(http, body, JSONLD)
    assert "<request body>" in problem["detail"] and "loads no remote or file:" in problem["detail"]
    if shape != "relative":
        assert listener.url in problem["detail"]
    assert listener.connections == 0


@pytest.mark.parametrize("shape", sorted(remote_shapes("u")))
def test_no_jsonld_context_is_read_from_a_file(http: httpx.Client, shape: str) -> None:
    """The same answer whether the file exists or not (nothing is opened)."""
    details = set()
    for path in ("/etc/passwd", "/no/such/file.jsonld", "/dev/zero", "/proc/self/environ"):
        body = remote_shapes(f"file://{path}")[shape]
        detail = refused(http, body, JSONLD)["detail"]
        details.add(detail.replace(path, "PATH"))
    assert len(details) == 1, details


def test_a_context_inline_still_loads(http: httpx.Client) -> None:
    """The round trip of the example through JSON-LD with an inline context is accepted."""
    article = load_document(EXAMPLE, EntityIndex(), file="x.yaml")[0]
    body = article.graph.serialize(format="json-ld", context={"dg": DG, "id": ID})
    response = http.post("/articles", content=body, headers=JSONLD)
    assert response.status_code == 201, response.text


def test_turtle_base_and_prefixes_fetch_nothing(http: httpx.Client, listener: Listener) -> None:
    article = load_document(EXAMPLE, EntityIndex(), file="x.yaml")[0]
    body = (
        f"@base <{listener.url}/base/> .\n@prefix remote: <{listener.url}/vocab#> .\n"
        f"PREFIX other: <{listener.url}/other#>\n" + article.graph.serialize(format="turtle")
    )
    response = http.post("/articles", content=body, headers=TURTLE)
    assert response.status_code == 201, response.text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/entity">]>',
        '<!DOCTYPE r SYSTEM "{url}/dtd">',
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
)
def test_rdf_xml_declares_no_dtd(tmp_path: Path, listener: Listener, doctype: str) -> None:
    """RDF/XML is read from files (the CLI; the API takes no XML): no DTD, no entities."""
    from loaders import ParseError, load_path

    xml = (
        '<?xml version="1.0"?>\n'
        + doctype.format(url=listener.url)
        + '\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    path = tmp_path / "article.rdf"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(ParseError, match="may not declare a DTD") as caught:
        load_path(path, EntityIndex())
    assert caught.value.problems[0].line == 2
    assert listener.connections == 0


# --------------------------------------------------------------- point 8: ids have limits


def sheet_with(old: str, new: str) -> str:
    assert old in EXAMPLE
    return EXAMPLE.replace(old, new, 1)


ARTICLE_ID = "defensescoop-2025-01-us-algeria-mou"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (f"id: {ARTICLE_ID}", "id: " + "a" * 1_000_000, "1,000,000 characters long"),
        (f"id: {ARTICLE_ID}", "id: " + "a" * 201, "at most 200 characters"),
        ("name: Algeria", "name: " + "A" * 10_000, "at most 500 characters"),
        ("parties: [", "parties: [" + "z" * 100_000 + ", ", "at most 200 characters"),
        ("areas: [", "areas: [" + "Z z" * 30_000 + ", ", "at most 500 characters"),
        (f"id: {ARTICLE_ID}", f"id: {ARTICLE_ID}\n  url: https://" + "u" * 10**5, "at most 2,000"),
    ],
)
def test_over_long_ids_and_names_in_a_fact_sheet_are_422(
    http: httpx.Client, old: str, new: str, words: str
) -> None:
    problem = refused(http, sheet_with(old, new), WRITE_YAML)
    assert words in problem["detail"]
    assert len(json.dumps(problem)) < 5_000  # the id is not echoed back


def test_an_over_long_rdf_article_iri_is_422(http: httpx.Client) -> None:
    body = f"<{ID}article/{'a' * 100_000}> a <{DG}Article> ."
    problem = refused(http, body, TURTLE)
    assert "the limit is 2,000" in problem["detail"] and len(json.dumps(problem)) < 5_000


@pytest.mark.parametrize("escape", ["\\u0020", "\\u003C", "\\U0000007F"])
def test_an_escaped_character_no_iri_may_hold_is_422(http: httpx.Client, escape: str) -> None:
    """Turtle's ``\\u`` escapes let any character into an IRI; the loaders refuse them."""
    body = f"<{ID}article/x> a <{DG}Article> ; <{DG}url> <http://example.org/a{escape}b> ."
    assert "which no IRI may contain" in refused(http, body, TURTLE)["detail"]


@pytest.mark.parametrize("length", [3_000, 10_000])
@pytest.mark.parametrize(
    "url",
    [
        "/entities/{id}",
        "/entities/{id}/neighbours",
        "/entities/{id}/timeline",
        "/agreements/{id}",
        "/articles/{id}",
        "/links?a={id}&b=country/DZA",
        "/paths?a=country/DZA&b={id}",
        "/brokers?seed={id}",
        "/influences?influencer={id}",
        "/agreements?party={id}",
        "/export/gexf?seed={id}",
        "/export/gexf?link={id}&link=country/DZA",
    ],
)
def test_over_long_ids_in_paths_and_queries_are_422(
    http: httpx.Client, url: str, length: int
) -> None:
    problem = assert_problem(http.get(url.format(id="x" * length)), 422)
    assert problem["problems"][0]["in"] in ("path", "query")
    assert f"{length:,} characters long; the limit is 2,000" in problem["detail"]


def test_retracting_an_over_long_id_is_422(http: httpx.Client) -> None:
    before = state(http)
    response = http.delete(f"/articles/{'a' * 10_000}", headers=key(KEY_A))
    assert_problem(response, 422)
    assert state(http) == before


# --------------------------------------------------------------- point 9: 4xx, not 500


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("until=2025-00", "until", "no month 0"),
        ("until=2025-13", "until", "no month 13"),
        ("since=2025-13-45", "since", "no month 13"),
        ("since=2025-02-30", "since", "February 2025 has 28 days"),
        ("since=2025-1-1", "since", "YYYY-MM-DD"),
        ("since=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95", "since", "YYYY"),  # full-width digits
        ("since=2025&until=2024", "until", "before since"),
        ("type=planet", "type", "unknown type"),
        ("relation=friendship", "relation", "unknown relation"),
    ],
)
@pytest.mark.parametrize("fmt", ["gexf", "graphml", "turtle"])
def test_export_parameters_are_checked_like_the_api(
    http: httpx.Client, fmt: str, query: str, parameter: str, words: str
) -> None:
    problem = assert_problem(http.get(f"/export/{fmt}?{query}"), 422)
    assert [p["parameter"] for p in problem["problems"]] == [parameter]
    assert words in problem["detail"]


def test_a_date_with_a_trailing_newline_is_read_as_the_date(http: httpx.Client) -> None:
    assert http.get("/export/gexf?since=2025%0A").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/links?a=country/DZA&b=country/USA&until=0000-02&since=0000",
        "/agreements?signed_before=0000-02",
        "/entities/country/DZA/neighbours?until=2025-00",
        "/brokers?since=2025-02-29",
    ],
)
def test_other_date_parameters_are_422(http: httpx.Client, url: str) -> None:
    response = http.get(url)
    if "0000" in url:  # year 0 exists in ISO 8601: the window is valid, not a 500
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, 422)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("9" * 5_000, "5,000 characters long"),
        ("-" + "1" * 4_301, "characters long"),
        ("1e999", "out of range"),
        ("NaN", "not a JSON number"),
        ("-Infinity", "not a JSON number"),
        ("1." + "0" * 200, "characters long"),
    ],
)
def test_numbers_no_field_can_hold_are_422_with_the_line(
    http: httpx.Client, value: str, words: str
) -> None:
    body = '{\n  "article": {\n    "id": "numbers",\n    "published": ' + value + "\n  }\n}"
    problem = refused(http, body, JSON)
    assert words in problem["detail"]
    assert problem["problems"][0]["line"] == 4


def test_yaml_integers_too_long_are_422_with_the_line(http: httpx.Client) -> None:
    body = "article:\n  id: numbers\n  published: " + "2" * 5_000 + "\n"
    problem = refused(http, body, WRITE_YAML)
    assert "5,000 characters long" in problem["detail"] and problem["problems"][0]["line"] == 3


def test_jsonld_numbers_are_checked_too(http: httpx.Client) -> None:
    body = article_jsonld({}, **{f"{DG}x": {"@value": 1}}).replace(": 1}", ": " + "9" * 5_000 + "}")
    assert "5,000 characters long" in refused(http, body, JSONLD)["detail"]


@pytest.mark.parametrize(
    "iri",
    [
        f"{ID}country/DZA",
        f"{ID}person/said-chanegriha",
        f"{ID}agreement/0000000000000000",
    ],
)
def test_an_rdf_article_may_not_take_an_entity_iri(http: httpx.Client, iri: str) -> None:
    body = f'<{iri}> a <{DG}Article> ; <{DG}title> "hijack" .'
    problem = refused(http, body, TURTLE)
    assert "names an entity" in problem["detail"]


def test_an_rdf_article_typed_as_an_entity_is_refused(http: httpx.Client) -> None:
    iri = "https://example.org/article/1"
    body = f'<{iri}> a <{DG}Article>, <{DG}Country> ; <{DG}title> "two things" .'
    assert "also names a dg:Country" in refused(http, body, TURTLE)["detail"]


@pytest.mark.parametrize(
    "predicate",
    [
        f"{DG}name",
        f"{DG}alias",
        "https://schema.org/name",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    ],
)
def test_an_over_long_name_in_rdf_is_422(http: httpx.Client, predicate: str) -> None:
    """Names become indexed Neo4j properties (keys under 8 KB): 10,000 characters is refused."""
    body = f'<{ID}article/n> a <{DG}Article> .\n<{ID}person/x> <{predicate}> "{"N" * 10_000}" .'
    assert "10,000 characters long; the limit is 500" in refused(http, body, TURTLE)["detail"]


def test_a_million_character_path_is_a_4xx(http: httpx.Client) -> None:
    """httpx refuses such URLs: a raw request, answered 4xx by the server, never 500."""
    host, port = str(http.base_url).removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(f"GET /entities/{'x' * 1_000_000} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        status = conn.recv(64).split(b" ")[1]
    assert status.startswith(b"4"), status


NEO4J_SHEET = """article:
  id: {article}
entities:
  - id: someone
    type: person
    name: {name}
events:
  - kind: meeting
    participants: [someone]
    evidence:
      quote: "They met."
"""


@pytest.mark.neo4j
def test_ids_at_their_limits_work_with_neo4j(
    neo4j_connection: tuple[str, str, str], clean_neo4j: Any
) -> None:
    """At the limits (four-byte characters: the most bytes a key can take) Neo4j's index keys
    stay under 8 KB: the load, the reads and the retraction answer, none is a 500."""
    uri, user, password = neo4j_connection
    article = "a" * 200
    name = "\U0001d538" * 500  # 𝔸, four bytes in UTF-8
    long_iri = "https://example.org/" + "\U0001d538" * 1_980
    for client in serve(settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)):
        sheet = NEO4J_SHEET.format(article=article, name=name)
        created = client.post("/articles", content=sheet, headers=WRITE_YAML)
        assert created.status_code == 201, created.text
        turtle = f'<{long_iri}> a <{DG}Article> ; <{DG}title> "at the limit" .'
        created = client.post("/articles", content=turtle, headers=TURTLE)
        assert created.status_code == 201, created.text
        assert client.get(f"/entities/{long_iri}").status_code == 404
        assert client.get(f"/entities/person/{'x' * 1_990}").status_code == 404
        assert_problem(client.get(f"/entities/{'x' * 9_000}"), 422)
        assert_problem(client.get(f"/links?a={'x' * 9_000}&b=country/DZA"), 422)
        assert client.delete(f"/articles/{article}", headers=key(KEY_A)).status_code == 200
        deleted = client.delete(f"/articles/{long_iri}", headers=key(KEY_A))
        assert deleted.status_code == 200, deleted.text
