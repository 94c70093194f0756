"""Format 2, part "time": EDTF dates and time qualifiers, from the sheet to the API.

One rule of date meaning (``ontology.dates``): EDTF values have bounds (approximate and
uncertain ones widened by one unit of their precision), windows keep what may overlap them,
plain partial dates keep their format 1 meaning and literals. Over real HTTP on both backends:
``when``/``as_of``/``as_of_source`` in the details, the overlap of ``since``/``until``. Bad dates
are line-numbered problems that leave both stores as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from api.app import create_app
from api.ingest import ingest_paths
from api.settings import Settings
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders import EntityIndex, InvalidInputError, load_path
from loaders.dates import date_literal
from ontology.dates import Bounds, bounds, check_date, compatible, most_precise, refines
from ontology.namespace import DG
from tests.conftest import fuzz_examples, fuzz_profile
from tests.live_server import live_server

FIXTURES = Path(__file__).parent / "fixtures"
TIME_DIR = FIXTURES / "time"
SHEET = TIME_DIR / "time.yaml"
BAD = FIXTURES / "loaders" / "bad"
KEY = "a-time-test-api-key-Rq8Zt3Wv"
ARTICLE = "https://w3id.org/diplograph/id/article/time-probe-2025-01"
MLI, GOITA = "country/MLI", "person/assimi-goita"


# ---------------------------------------------------------------------- the one rule


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025", "2025-01-01", "2025-12-31"),  # plain: exact period, as in format 1
        ("2025-02", "2025-02-01", "2025-02-28"),
        ("2025~", "2024-01-01", "2026-12-31"),  # approximate: ± one unit of its precision
        ("2025-01?", "2024-12-01", "2025-02-28"),  # not ± a year, as the edtf package pads
        ("2025-01%", "2024-11-01", "2025-03-31"),  # both: ± two units
        ("2024-12-31~", "2024-12-30", "2025-01-01"),
        ("2020-09/2021-09", "2020-09-01", "2021-09-30"),
        ("2021-09~/2022?", "2021-08-01", "2023-12-31"),
        ("2021-09/..", "2021-09-01", None),  # open end: no bound (the package raises here)
        ("../2030", None, "2030-12-31"),
        ("2021/", "2021-01-01", None),  # unknown end: no bound either
        ("/2021", None, "2021-12-31"),
        ("2019-XX", "2019-01-01", "2019-12-31"),
        ("201X", "2010-01-01", "2019-12-31"),
    ],
)
def test_bounds_of_edtf_values(text: str, earliest: str | None, latest: str | None) -> None:
    assert bounds(text) == Bounds(earliest, latest)
    assert check_date(text) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-02-30~", "impossible date '2025-02-30~': February 2025 has 28 days"),
        ("2025-13?", "there is no month 13"),
        ("late 2020", "(for 'late 2020', e.g. 2020-09/2020-12 or 2020~)"),
        ("2021-09/2020-09", "interval '2021-09/2020-09' ends before it starts"),
        ("..", "is not a date"),
        ("2025-21", "there is no month 21"),  # seasons are not read: a typo of a month
        ("2025-~01", "does not read (PartialUncertainOrApproximate)"),  # level 2
        ("2025-01-22T10:00:00", "does not read (DateAndTime)"),
        ("Y170000", "does not read (LongYear)"),
        ("-0500", "years from 0000 to 9999 only"),
        ("2019-1X", "X may stand for the last digits only"),
    ],
)
def test_what_is_not_read_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        check_date(text)
    assert reason in str(caught.value)


EDTF_LIKE = st.text(alphabet="0123456789-X~?%/.Y ", max_size=24) | st.from_regex(
    r"[0-9]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[~?%]?(/[0-9.]{0,4}(-[0-9]{2})?[~?%]?)?", fullmatch=True
)


@fuzz_profile(fuzz_examples(100))
@given(text=EDTF_LIKE)
def test_any_text_is_a_date_with_ordered_bounds_or_a_value_error(text: str) -> None:
    try:
        found = bounds(text)
    except ValueError as exc:
        assert str(exc)  # never another exception (the parser raises others on some inputs)
        return
    if found.earliest and found.latest:
        assert found.earliest <= found.latest
    assert refines(text, text) and compatible(text, text)


def test_identity_compares_bounds() -> None:
    assert refines("2025-03", "2025~") and not refines("2025~", "2025")
    assert refines("2025-01-22", "2025-01") and refines("2025", "2025")
    assert compatible("2025-01?", "2025-02-10") and not compatible("2025-01?", "2025-03")
    assert compatible("2021-09/..", "2030") and not compatible("2021-09/..", "2020")
    assert most_precise(["2025~", "2025-03"]) == "2025-03"
    assert most_precise(["2025-01", "2025-01-22"]) == "2025-01-22"  # format 1 rule kept
    assert most_precise(["2025-01?", "2025-03"]) is None


def test_plain_dates_keep_their_literals_edtf_is_dg_edtf() -> None:
    assert date_literal("2025") == Literal("2025", datatype=ns.XSD.gYear)
    assert date_literal("2025-01-22") == Literal("2025-01-22", datatype=ns.XSD.date)
    assert date_literal("2025~") == Literal("2025~", datatype=DG.edtf)
    assert date_literal("2020-09/2021-09") == Literal("2020-09/2021-09", datatype=DG.edtf)


# ---------------------------------------------------------------------- the sheet


def test_the_sheet_maps_qualifiers_and_never_writes_the_article_date_on_facts() -> None:
    [graph] = load_path(SHEET, EntityIndex())
    quads = list(graph.dataset.quads((None, None, None, None)))
    by_predicate: dict[URIRef, set[Literal]] = {}
    for _, p, o, _ in quads:
        by_predicate.setdefault(p, set()).add(o)
    assert by_predicate[DG.asOf] == {Literal("2025-01", datatype=ns.XSD.gYearMonth)}
    assert by_predicate[DG.pointInTime] == {Literal("2024?", datatype=DG.edtf)}
    starts = by_predicate[DG.startDate]
    assert Literal("2014-07~", datatype=DG.edtf) in starts
    assert Literal("2023-09/2023-12", datatype=DG.edtf) in starts
    assert Literal("2015-06-20", datatype=ns.XSD.date) in starts  # agreement start (format 2)
    article_date = Literal("2025-01-24", datatype=ns.XSD.date)
    assert [s for s, p, o, _ in quads if o == article_date] == [URIRef(ARTICLE)]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


BAD_DATES = [
    ("v2-impossible-edtf.yaml", "2025-02-30~", "relations[0].start", "February 2025 has 28 days"),
    ("v2-garbage-date.yaml", "late 2020", "relations[0].start", "e.g. 2020-09/2020-12 or 2020~"),
    ("v2-interval-reversed.yaml", "2021-09/", "relations[0].when", "ends before it starts"),
    ("v2-end-before-start.yaml", "end:", "relations[0].end", "ends (2023-06) before it starts"),
    ("v2-edtf-in-format-1.yaml", "2023~", "relations[0].start", "add `format: 2`"),
]


@pytest.mark.parametrize(("name", "marker", "path", "message"), BAD_DATES)
def test_bad_dates_name_file_line_and_what_is_wrong(
    name: str, marker: str, path: str, message: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_path(BAD / name, EntityIndex())
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (
        str(BAD / name),
        line_of(BAD / name, marker),
        path,
    )
    assert message in problem.message


# ---------------------------------------------------------------------- over HTTP


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": None,
        "neo4j_uri": None,
        "api_keys": [KEY],
        "examples_dir": TIME_DIR,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def serve(config: Settings) -> Iterator[httpx.Client]:
    with (
        live_server(create_app(config, load_examples=True)) as base_url,
        httpx.Client(base_url=base_url, timeout=60) as client,
    ):
        yield client


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, Driver | None]]:
    """A live server holding the time sheet, on each backend in turn (with the driver of its
    Neo4j, to see the projection)."""
    if request.param == "nx":
        for client in serve(settings()):
            yield client, None
        return
    uri, user, password = request.getfixturevalue("neo4j_connection")
    driver: Driver = request.getfixturevalue("neo4j_driver")
    database = request.getfixturevalue("neo4j_database")
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    config = settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    for client in serve(config):
        yield client, driver


def get(client: httpx.Client, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_details_show_as_of_from_the_sheet_or_the_article(
    backend: tuple[httpx.Client, Driver | None],
) -> None:
    client, _ = backend
    [tenure] = get(client, f"/entities/{GOITA}")["tenures"]
    assert (tenure["start"], tenure["as_of"], tenure["as_of_source"]) == (
        "2021-05~",
        "2025-01",
        "sheet",
    )
    [influence] = get(client, "/entities/country/DZA")["influences"]
    assert (influence["as_of"], influence["as_of_source"]) == ("2025-01-24", "article")
    [summary] = get(client, "/agreements", party=MLI)["items"]
    detail = get(client, f"/agreements/{summary['id']}")
    assert (detail["start"], detail["end"]) == ("2015-06-20", "2024-01-25")
    assert (detail["as_of"], detail["as_of_source"], detail["when"]) == (
        "2025-01-24",
        "article",
        None,
    )
    [talks] = detail["events"]
    expected = ("2014-07~", "2015-03", "article")
    assert (talks["start"], talks["end"], talks["as_of_source"]) == expected


def relations_in(client: httpx.Client, since: str, until: str) -> set[str]:
    body = get(client, f"/entities/{MLI}/neighbours", since=since, until=until)
    return {edge["relation"] for edge in body["edges"]}


def test_windows_keep_what_may_overlap_them(backend: tuple[httpx.Client, Driver | None]) -> None:
    client, _ = backend
    # "2014-07~" may begin in June 2014: the talks are kept; the undated influence always is
    june = relations_in(client, "2014-06-01", "2014-06-30")
    assert {"event", "influence"} <= june and "relation:rival-of" not in june
    # before the widened bounds: the talks are not kept
    assert "event" not in relations_in(client, "2013-01", "2013-12")
    # a relation from "2023-09/2023-12" with no end covers 2030; the 2024? meeting may be 2025
    later = relations_in(client, "2025-06", "2030")
    assert {"relation:rival-of", "event", "tenure"} <= later


def test_bad_dates_leave_both_stores_unchanged(
    backend: tuple[httpx.Client, Driver | None],
) -> None:
    client, driver = backend
    headers = {"Content-Type": "application/yaml", "X-API-Key": KEY}
    before = get(client, "/articles")
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n").records if driver else None
    for name, *_ in BAD_DATES:
        response = client.post("/articles", content=(BAD / name).read_bytes(), headers=headers)
        assert response.status_code == 422, response.text
        assert name in response.text or "line" in response.text
    assert get(client, "/articles") == before
    if driver is not None:
        assert driver.execute_query("MATCH (n) RETURN count(n) AS n").records == nodes


SPARQL_QUALIFIERS = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?asOf ?start (DATATYPE(?start) AS ?type) WHERE {
  ?t a dg:Tenure ; dg:asOf ?asOf ; dg:startDate ?start }"""
CYPHER_QUALIFIERS = """MATCH (t:Tenure) MATCH (e:Event) WHERE e.pointInTime IS NOT NULL
MATCH ()-[l:LINK {relation: 'event'}]->() WHERE l.startDate = '2014-07~'
RETURN t.asOf AS asOf, t.startDate AS start, e.pointInTime AS when,
       l.startKey AS startKey, l.endKey AS endKey"""


def test_query_languages_read_the_qualifiers(backend: tuple[httpx.Client, Driver | None]) -> None:
    client, driver = backend
    accept = {"Accept": "application/sparql-results+json"}
    response = client.get("/sparql", params={"query": SPARQL_QUALIFIERS}, headers=accept)
    assert response.status_code == 200, response.text
    [row] = response.json()["results"]["bindings"]
    assert (row["asOf"]["value"], row["start"]["value"]) == ("2025-01", "2021-05~")
    assert row["type"]["value"] == str(DG.edtf)
    if driver is not None:  # the projection: properties as stated, LINK keys from the bounds
        [record] = driver.execute_query(CYPHER_QUALIFIERS).records
        assert dict(record) == {
            "asOf": "2025-01",
            "start": "2021-05~",
            "when": "2024?",
            "startKey": "2014-06-01",
            "endKey": "2015-03-31",
        }


def test_gexf_spells_come_from_the_bounds(backend: tuple[httpx.Client, Driver | None]) -> None:
    client, _ = backend
    response = client.get("/export/gexf", params={"seed": MLI})
    assert response.status_code == 200, response.text
    gexf = response.text
    assert '<spell start="2014-06-01" end="2015-03-31"/>' in gexf  # talks from 2014-07~
    assert '<spell start="2023-09-01"/>' in gexf  # rivalry from 2023-09/2023-12, ongoing
    assert '<spell start="2023-01-01" end="2025-12-31"/>' in gexf  # the meeting "when: 2024?"


def test_a_fact_dated_only_by_when_is_dated_in_timelines(
    backend: tuple[httpx.Client, Driver | None],
) -> None:
    client, _ = backend
    body = get(client, f"/entities/{MLI}/timeline", include_undated=True)
    dated = {(e["category"], e["date"], e["as_of_source"]) for e in body["entries"]}
    assert ("event", "2024?", "article") in dated  # the meeting "when: 2024?"
    assert ("event", "2014-07~", "article") in dated  # the talks
    assert [e["category"] for e in body["undated"]] == ["influence"]
    [meeting] = [e for e in body["entries"] if e["date"] == "2024?"]
    assert (meeting["when"], meeting["as_of"]) == ("2024?", "2025-01-24")


# ---------------------------------------------------------------------- identity


def talks_sheet(article: str, start: str, fmt: int) -> str:
    return f"""format: {fmt}
article: {{id: {article}, published: 2015-06-01}}
entities:
  - {{id: mli, type: country, name: Mali, iso: MLI}}
  - {{id: dza, type: country, name: Algeria, iso: DZA}}
events:
  - kind: negotiation
    participants: [mli, dza]
    start: "{start}"
    evidence: {{quote: "talks began"}}
"""


@pytest.mark.parametrize(("start", "events"), [("2014-07-15", 1), ("2014-10-15", 2)])
def test_an_approximate_date_merges_with_the_precise_days_it_may_mean(
    tmp_path: Path, start: str, events: int
) -> None:
    (tmp_path / "a.yaml").write_text(talks_sheet("talks-a", "2014-07~", 2))
    (tmp_path / "b.yaml").write_text(talks_sheet("talks-b", start, 1))
    rdf = OxigraphStore(None)
    report = ingest_paths(GraphStore(rdf), [tmp_path])
    assert len(report.articles) == 2 and not report.failed
    query = "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a <" + str(DG.Event) + "> } }"
    assert len(list(rdf.pyoxigraph_store.query(query))) == events
