"""Places (format 2): a city, site or base resolved to its country by the offline gazetteer,
with what was derived marked as such, through RDF, identity, both backends, the API and GEXF.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from rdflib import Literal, URIRef
from rdflib.namespace import OWL

from api.ingest import ingest_paths
from api.settings import Settings
from graph.backends import BackendConfig, nx_queries, open_backends
from graph.export import Subgraph
from graph.export.gexf import write_gexf
from graph.export.select import EDGE_ATTRS, NODE_ATTRS, node_of
from graph.neo4j.cypher import GraphCypherService
from graph.neo4j.links import LinkUpkeep
from graph.neo4j.projection import Neo4jProjection
from graph.queries.refs import Refs
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders import EntityIndex, InvalidInputError, load_document, load_path
from ontology.namespace import DG, GEO, ID
from tests.test_api_support import clear_neo4j
from tests.test_cookbook import RECIPES, Recipe, normalised, sparql_rows
from tests.test_export_support import assert_valid_gexf
from tests.test_security import KEY_A, YAML, key, serve

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "tests" / "fixtures" / "places" / "mali-accord-places.yaml"
BAD = ROOT / "tests" / "fixtures" / "loaders" / "bad"
BAMAKO, ALGIERS, CAMP = ID["place/bamako"], ID["place/algiers"], ID["place/kidal-camp"]
MLI, DZA = ID["country/MLI"], ID["country/DZA"]


def _sheet(article: str, *entities: str) -> str:
    lines = "\n".join(f"  - {e}" for e in entities)
    return f"format: 2\narticle: {{id: {article}}}\nentities:\n{lines}\n"


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# ------------------------------------------------------------------------------ loading


def test_the_gazetteer_completes_a_place_and_says_so() -> None:
    graph = load_path(SHEET, EntityIndex())[0].graph
    assert (BAMAKO, DG.country, MLI) in graph
    assert (BAMAKO, GEO.lat, Literal(Decimal("12.60915"))) in graph
    assert (BAMAKO, GEO.long, Literal(Decimal("-7.97522"))) in graph
    assert (BAMAKO, DG.geonamesId, Literal(2460596)) in graph
    assert (BAMAKO, OWL.sameAs, URIRef("https://sws.geonames.org/2460596/")) in graph
    derived = {str(o) for o in graph.objects(BAMAKO, DG.fromGazetteer)}
    assert derived == {"country", "coordinates", "geonamesId"}
    # the country is stated for Algiers: only coordinates and id are derived
    assert {str(o) for o in graph.objects(ALGIERS, DG.fromGazetteer)} == {
        "coordinates",
        "geonamesId",
    }


def test_what_the_sheet_states_is_kept_and_not_marked() -> None:
    graph = load_path(SHEET, EntityIndex())[0].graph
    assert (CAMP, GEO.lat, Literal(Decimal("18.44"))) in graph
    assert (CAMP, DG.country, MLI) in graph
    assert list(graph.objects(CAMP, DG.fromGazetteer)) == []
    assert list(graph.objects(CAMP, DG.geonamesId)) == []  # not a gazetteer city


def test_places_are_accepted_where_a_location_is() -> None:
    graph = load_path(SHEET, EntityIndex())[0].graph
    assert set(graph.subjects(DG.placeSigned, BAMAKO))
    assert set(graph.subjects(DG.location, ALGIERS))


def test_a_geonames_id_that_contradicts_the_country_is_an_error() -> None:
    text = _sheet(
        "geonames-contradiction",
        "{id: mar, type: country, name: Morocco}",
        "{id: x, type: place, name: Algiers, country: mar, geonames: 2507480}",
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="inline.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (5, "entities[1].geonames")
    assert "GeoNames 2507480 is Algiers in DZA, but `country` says MAR" in problem.message


def test_an_alternate_name_finds_the_city() -> None:
    text = _sheet("alternate", "{id: x, type: place, name: Alger}")
    graph = load_document(text, EntityIndex(), file="inline.yaml")[0].graph
    assert (ID["place/alger"], DG.geonamesId, Literal(2507480)) in graph
    assert (ID["place/alger"], DG.country, DZA) in graph


BAD_CASES = [
    (
        "v2-place-ambiguous.yaml",
        "name: Tripoli",
        "entities[1].name",
        "ambiguous place 'Tripoli': the gazetteer has it in LBY, LBN, GRC",
    ),
    (
        "v2-place-unknown.yaml",
        "name: Anefis camp",
        "entities[1].name",
        "unknown place 'Anefis camp': the gazetteer (GeoNames cities of 15,000 people or more) "
        "does not know it; add `country:`",
    ),
    (
        "v2-place-coordinates.yaml",
        "lat: 95.2",
        "entities[1].coordinates.lat",
        "less than or equal to 90",
    ),
    (
        "v2-place-as-party.yaml",
        "parties: [mli, algiers]",
        "agreements[0].parties[1]",
        "'algiers' is a place, expected a country or a collective actor or an organization "
        "or a person (a place is not an actor",
    ),
]


@pytest.mark.parametrize(("name", "at", "path", "message"), BAD_CASES, ids=lambda v: str(v))
def test_bad_places_name_file_line_and_what_is_wrong(
    name: str, at: str, path: str, message: str
) -> None:
    fixture = BAD / name
    with pytest.raises(InvalidInputError) as caught:
        load_path(fixture, EntityIndex())
    (problem,) = caught.value.problems
    assert problem.file == str(fixture)
    assert (problem.line, problem.path) == (_line(fixture, at), path)
    assert message in problem.message


# ------------------------------------------------------------------------------ identity


TRIPOLI = "{id: t, type: place, name: Tripoli, country: l}"


def _quads(batches: list[list[Path]]) -> str:
    """The sorted N-Quads of an in-memory store the batches were ingested into in order."""
    backends = open_backends(BackendConfig(data_dir=None))
    try:
        for batch in batches:
            ingest_paths(backends.store, batch)
        return "\n".join(sorted(backends.store.rdf.dump().decode().splitlines()))
    finally:
        backends.close()


def test_places_merge_by_geonames_id_and_stay_apart_across_countries(tmp_path: Path) -> None:
    sheets = {
        "a": ("{id: x, type: place, name: Algiers}",),
        "b": ("{id: y, type: place, name: Alger}",),
        "c": ("{id: l, type: country, name: Lebanon}", TRIPOLI),
        "d": ("{id: l, type: country, name: Libya}", TRIPOLI),
        "e": ("{id: s, type: country, name: Algiers}",),
    }  # fmt: skip
    paths = []
    for article, entities in sheets.items():
        path = tmp_path / f"{article}.yaml"
        path.write_text(_sheet(f"identity-{article}", *entities))
        paths.append(path)
    quads = _quads([paths])
    # the same graph however the articles come: reversed, one at a time
    assert _quads([list(reversed(paths))]) == quads
    assert _quads([[p] for p in paths[::-1]]) == quads
    places = {line.split()[0] for line in quads.splitlines() if f"<{DG.Place}>" in line}
    # Alger and Algiers are one GeoNames feature; the two Tripolis are two; the state is no place
    assert places == {
        f"<{ALGIERS}>",
        f"<{ID['place/tripoli-lbn']}>",
        f"<{ID['place/tripoli-lby']}>",
    }
    assert f'<{DZA}> <{DG.name}> "Algiers"' in quads  # the capital read as its state


# ------------------------------------------------------------------------------ API, both backends


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def http(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A live server holding the places sheet, on each backend in turn."""
    values: dict[str, Any] = {"data_dir": None, "neo4j_uri": None, "api_keys": [KEY_A]}
    if request.param == "neo4j":
        uri, user, password = request.getfixturevalue("neo4j_connection")
        driver: Driver = request.getfixturevalue("neo4j_driver")
        clear_neo4j(driver, request.getfixturevalue("neo4j_database"))
        values.update(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    for client in serve(Settings(_env_file=None, **values)):  # type: ignore[call-arg]
        created = client.post(
            "/articles", content=SHEET.read_bytes(), headers={**YAML, **key(KEY_A)}
        )
        assert created.status_code == 201, created.text
        yield client


def get(client: httpx.Client, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_entity_detail_of_a_place_shows_country_and_coordinates_with_their_source(
    http: httpx.Client,
) -> None:
    body = get(http, "/entities/place/bamako")
    place = body["place"]
    assert body["entity"]["types"] == ["Place"]
    assert place["country"]["id"] == "country/MLI"
    assert place["country_source"] == "gazetteer"
    assert place["coordinates"] == {"lat": 12.60915, "lon": -7.97522, "source": "gazetteer"}
    assert (place["geonames_id"], place["geonames_source"]) == (2460596, "gazetteer")
    assert place["kind"]["notation"] == "capital"
    camp = get(http, "/entities/place/kidal-camp")["place"]
    assert camp["country_source"] == "sheet"
    assert camp["coordinates"] == {"lat": 18.44, "lon": 1.41, "source": "sheet"}
    assert camp["geonames_id"] is None
    assert get(http, "/entities/country/MLI")["place"] is None


def test_agreements_and_events_show_their_place_with_its_country(http: httpx.Client) -> None:
    (item,) = get(http, "/agreements")["items"]
    detail = get(http, f"/agreements/{item['id']}")
    assert detail["place_signed"]["id"] == "place/bamako"
    assert detail["place_signed_country"]["id"] == "country/MLI"
    assert detail["place_signed_country"]["name"] == "Mali"
    entries = get(http, "/entities/country/DZA/timeline")["entries"]
    where = {(e["category"], e["place"]["id"], e["place_country"]["id"]) for e in entries}
    assert where == {
        ("agreement", "place/bamako", "country/MLI"),
        ("event", "place/algiers", "country/DZA"),
    }


def test_search_finds_places_and_no_step_touches_them(http: httpx.Client) -> None:
    hits = get(http, "/entities", q="Alger")["items"]
    first = hits[0]
    assert (first["entity"]["id"], first["match"]) == ("place/algiers", "exact")
    network = get(http, "/entities/country/MLI/neighbours", depth=1)
    ids = {n["id"] for n in network.get("nodes", [])}
    assert ids and not any(i.startswith("place/") for i in ids)


@pytest.mark.neo4j
def test_neo4j_has_places_with_coordinates_and_country(
    neo4j_connection: tuple[str, str, str], neo4j_driver: Driver, neo4j_database: str
) -> None:
    clear_neo4j(neo4j_driver, neo4j_database)
    uri, user, password = neo4j_connection
    values: dict[str, Any] = {"data_dir": None, "api_keys": [KEY_A]}
    values.update(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    for client in serve(Settings(_env_file=None, **values)):  # type: ignore[call-arg]
        created = client.post(
            "/articles", content=SHEET.read_bytes(), headers={**YAML, **key(KEY_A)}
        )
        assert created.status_code == 201, created.text
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Place)-[:COUNTRY]->(c:Country) RETURN p.uri AS uri, p.lat AS lat, "
        "p.long AS lon, p.geonamesId AS gid, p.fromGazetteer AS derived, c.isoCode AS iso "
        "ORDER BY uri",
        database_=neo4j_database,
    )
    rows = {r["uri"].rsplit("/", 1)[1]: r for r in records}
    assert sorted(rows) == ["algiers", "bamako", "kidal-camp"]
    bamako = rows["bamako"]
    assert (bamako["lat"], bamako["lon"], bamako["gid"], bamako["iso"]) == (
        12.60915,
        -7.97522,
        2460596,
        "MLI",
    )
    assert sorted(bamako["derived"]) == ["coordinates", "country", "geonamesId"]
    assert rows["kidal-camp"]["derived"] is None
    # a place is no actor: no LINK (actor step) touches it
    links, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Place)-[l:LINK]-() RETURN count(l) AS n", database_=neo4j_database
    )
    assert links[0]["n"] == 0


# ------------------------------------------------------------------------------ cookbook 20

SIGNED_IN_BAMAKO = [
    [
        "Agreement for Peace and Reconciliation in Mali",
        "Bamako",
        str(MLI),
        "12.60915",
        "-7.97522",
    ]
]


def _recipe() -> Recipe:
    return next(r for r in RECIPES if r.number == 20)


def test_cookbook_20_in_sparql_on_a_city() -> None:
    rdf = OxigraphStore(None)
    ingest_paths(GraphStore(rdf), [SHEET])
    rows = sparql_rows(GraphSparqlService(rdf.pyoxigraph_store), _recipe().sparql)
    assert normalised(rows, False) == normalised(SIGNED_IN_BAMAKO, False)


@pytest.mark.neo4j
def test_cookbook_20_in_cypher_on_a_city(neo4j_driver: Driver, neo4j_database: str) -> None:
    clear_neo4j(neo4j_driver, neo4j_database)
    rdf = OxigraphStore(None)
    store = GraphStore(rdf, Neo4jProjection(neo4j_driver, neo4j_database, links=LinkUpkeep(rdf)))
    store.ensure_schema()
    ingest_paths(store, [SHEET])
    rows = GraphCypherService(neo4j_driver, neo4j_database).run(_recipe().cypher).rows
    assert normalised(rows, False) == normalised(SIGNED_IN_BAMAKO, False)


# ------------------------------------------------------------------------------ GEXF


def test_a_place_carries_lat_and_long_in_gexf() -> None:
    backends = open_backends(BackendConfig(data_dir=None))
    try:
        ingest_paths(backends.store, [SHEET])
        source = nx_queries(backends.rdf).source
        refs = Refs(source)
        described = source.describe([str(BAMAKO), str(MLI)])
        nodes = [node_of(uri, refs, described[uri], {}) for uri in (str(BAMAKO), str(MLI))]
    finally:
        backends.close()
    assert (nodes[0].attributes["lat"], nodes[0].attributes["long"]) == (12.60915, -7.97522)
    assert nodes[1].attributes["lat"] is None  # a country has no position
    sub = Subgraph(tuple(nodes), (), NODE_ATTRS, EDGE_ATTRS, "places", {})
    root = assert_valid_gexf("".join(write_gexf(sub)).encode())
    ns = {"g": root.nsmap[None]}
    declared = {a.get("id"): a.get("type") for a in root.iterfind(".//g:attribute", ns)}
    assert (declared["lat"], declared["long"]) == ("double", "double")
    (bamako,) = [n for n in root.iterfind(".//g:node", ns) if n.get("label") == "Bamako"]
    values = {v.get("for"): v.get("value") for v in bamako.iterfind(".//g:attvalue", ns)}
    assert (values["lat"], values["long"]) == ("12.60915", "-7.97522")
