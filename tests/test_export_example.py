"""Exports of the example article (US-Algeria MOU) on the networkx backend (and Neo4j when
available): the ego network of Algeria to depth 2 in every format, read back by real readers,
with the spells of the MOU, the events and the tenures matching their dates."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import igraph
import networkx as nx
import pytest
import rdflib
from neo4j import Driver
from rdflib.compare import isomorphic

from api.ingest import ingest_paths
from graph.backends import BackendConfig, Backends, open_backends
from graph.errors import NotFound, QueryError, ResultTooLarge
from graph.export import FORMATS, ExportService, Selection, Spell, Subgraph
from graph.export.select import edge_of
from graph.rules.fact_index import Evidence
from graph.rules.steps import Step
from tests.conftest import neo4j_backend_config
from tests.test_export_support import assert_valid_gexf, read_csv_zip, read_with_graphology

DZA, RUS, USA = "country/DZA", "country/RUS", "country/USA"
ID = "https://w3id.org/diplograph/id/"
ARTICLE = ID + "article/defensescoop-2025-01-us-algeria-mou"
EGO = Selection(seeds=(DZA,), depth=2)


@pytest.fixture(scope="module")
def backends() -> Iterator[Backends]:
    """In-memory backends holding the example article."""
    opened = open_backends(BackendConfig(data_dir=None))
    ingest_paths(opened.store, ["examples"])
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def service(backends: Backends) -> ExportService:
    return backends.exporter


@pytest.fixture(scope="module")
def ego(service: ExportService) -> Subgraph:
    return service.select(EGO)


def export_bytes(service: ExportService, fmt: str, selection: Selection = EGO) -> bytes:
    return b"".join(service.export(fmt, selection).chunks)


def edges_of(sub: Subgraph, relation: str, kind: str | None = None) -> list:  # type: ignore[type-arg]
    return [
        e
        for e in sub.edges
        if e.relation == relation and (kind is None or e.attributes["relation_kind"] == kind)
    ]


# ------------------------------------------------------------------------------------ selection


def test_ego_network_of_algeria(ego: Subgraph) -> None:
    ids = {n.id for n in ego.nodes}
    assert {ID + DZA, ID + USA, ID + RUS, ID + "person/said-chanegriha"} <= ids
    algeria = next(n for n in ego.nodes if n.id == ID + DZA)
    assert algeria.label == "Algeria" and algeria.type == "Country"
    assert algeria.attributes["depth"] == 0 and algeria.attributes["seed"] is True
    assert algeria.attributes["iso_code"] == "DZA" and algeria.attributes["wikidata"] == "Q262"
    assert all(isinstance(n.attributes["depth"], int) for n in ego.nodes)
    assert {e.source for e in ego.edges} | {e.target for e in ego.edges} <= ids
    assert len({e.id for e in ego.edges}) == len(ego.edges)
    assert ego.meta["selection"] == "ego"


def test_mou_spells_start_on_the_signing_date(ego: Subgraph) -> None:
    mou = edges_of(ego, "agreement", "mou")
    assert mou, "the MOU links its parties and signatories"
    for edge in mou:
        assert edge.spells == (Spell("2025-01-22", None),)
        assert edge.attributes["start_date"] == "2025-01-22"
        assert edge.directed is False and edge.attributes["symmetric"] is True
        assert ARTICLE in edge.attributes["sources"]
    quotes = " ".join(q for e in mou for q in e.attributes["quotes"])  # type: ignore[union-attr]
    assert "first-of-its-kind agreement" in quotes


@pytest.mark.parametrize(
    ("kind", "spell"),
    [
        ("signing", Spell("2025-01-22", "2025-01-22")),
        ("election", Spell("2024-11-01", "2024-11-30")),
        ("severed-relations", Spell("1967-01-01", "1974-12-31")),
        ("independence", Spell("1962-01-01", "1962-12-31")),
    ],
)
def test_event_spells_cover_their_dates(ego: Subgraph, kind: str, spell: Spell) -> None:
    events = edges_of(ego, "event", kind)
    assert events
    assert {e.spells for e in events} == {(spell,)}


def test_undated_tenures_have_no_spell_and_dated_ones_do(ego: Subgraph) -> None:
    tenures = edges_of(ego, "tenure")
    assert tenures and all(e.spells == () and e.directed for e in tenures)
    dated = Step(ID + "link/x", ID + "person/a", ID + "country/B", "tenure", ID + "tenure/t",
                 None, "2019-08", "2024", (ARTICLE,), (Evidence(ARTICLE, "q"),))  # fmt: skip
    assert edge_of(dated).spells == (Spell("2019-08-01", "2024-12-31"),)


def test_other_spells(ego: Subgraph) -> None:
    ruled = edges_of(ego, "relation:ruled")
    assert [e.spells for e in ruled] == [(Spell(None, "1962-12-31"),)]
    trump = [e for e in edges_of(ego, "influence") if e.source == ID + "person/donald-trump"]
    assert [e.spells for e in trump] == [(Spell("2024-11-01", None),)]


def test_whole_graph_and_filters(service: ExportService, ego: Subgraph) -> None:
    whole = service.select(Selection())
    assert len(whole.nodes) >= len(ego.nodes) and len(whole.edges) >= len(ego.edges)
    countries = service.select(Selection(types=("Country",)))
    assert {n.type for n in countries.nodes} == {"Country"}
    agreements = service.select(Selection(seeds=(DZA,), relations=("agreement",)))
    assert {e.relation for e in agreements.edges} == {"agreement"}
    recent = service.select(Selection(seeds=(DZA,), depth=2, since="2024"))
    kinds = {(e.relation, e.attributes["relation_kind"]) for e in recent.edges}
    assert ("event", "severed-relations") not in kinds  # ended in 1974
    assert ("relation:ruled", "ruled") not in kinds  # ended in 1962
    assert ("agreement", "mou") in kinds
    assert len(recent.edges) < len(ego.edges)


def test_links_between_algeria_and_russia(service: ExportService) -> None:
    sub = service.select(Selection(link=(DZA, RUS), k=2))
    ids = {n.id for n in sub.nodes}
    assert {ID + DZA, ID + RUS} <= ids
    assert sub.meta["selection"] == "links" and int(sub.meta["paths"]) > 0
    ends = {n.id: n.attributes for n in sub.nodes}
    assert ends[ID + DZA]["seed"] is True
    assert any(isinstance(a.get("paths"), int) for a in ends.values())


def test_errors(service: ExportService) -> None:
    with pytest.raises(ResultTooLarge, match="cap of 3") as caught:
        service.select(Selection(seeds=(DZA,), depth=2, max_nodes=3))
    assert caught.value.limit == 3 and "narrow" in str(caught.value)
    with pytest.raises(ResultTooLarge):
        service.select(Selection(max_nodes=3))
    with pytest.raises(NotFound):
        service.select(Selection(seeds=("country/XXX",)))
    with pytest.raises(QueryError, match="relation"):
        service.select(Selection(relations=("friendship",)))
    with pytest.raises(QueryError, match="since"):
        service.select(Selection(since="last year"))
    with pytest.raises(QueryError, match="depth"):
        service.select(Selection(seeds=(DZA,), depth=99))
    with pytest.raises(QueryError, match="format"):
        service.export("pdf", EGO)


# ------------------------------------------------------------------------------------ formats


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"gexf", "graphml", "csv", "cytoscape", "turtle", "jsonld", "nquads"}


def test_gexf_of_the_ego_network(service: ExportService, ego: Subgraph, tmp_path: Path) -> None:
    data = export_bytes(service, "gexf")
    assert_valid_gexf(data)
    g = nx.read_gexf(io.BytesIO(data))
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(ego.nodes), len(ego.edges))
    assert g.nodes[ID + DZA]["label"] == "Algeria"
    mou = edges_of(ego, "agreement", "mou")[0]
    assert g.edges[mou.source, mou.target, mou.id]["spells"][0][0] == "2025-01-22"
    path = tmp_path / "ego.gexf"
    path.write_bytes(data)
    read = read_with_graphology(path)
    assert (read["nodes"], read["edges"]) == (len(ego.nodes), len(ego.edges))
    relations = {e.relation for e in ego.edges}
    assert set(read["kinds"]) == relations
    assert read["multi"] is True  # parallel edges of different relations stay distinct


def test_mixed_gexf_of_the_ego_network(
    service: ExportService, ego: Subgraph, tmp_path: Path
) -> None:
    data = b"".join(service.export("gexf", EGO, mixed=True).chunks)
    assert_valid_gexf(data)
    path = tmp_path / "mixed.gexf"
    path.write_bytes(data)
    read = read_with_graphology(path)
    assert read["type"] == "mixed" and read["edges"] == len(ego.edges)


def test_graphml_of_the_ego_network(service: ExportService, ego: Subgraph, tmp_path: Path) -> None:
    path = tmp_path / "ego.graphml"
    path.write_bytes(export_bytes(service, "graphml"))
    g = nx.read_graphml(path)
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(ego.nodes), len(ego.edges))
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (len(ego.nodes), len(ego.edges))
    assert set(ig.es["relation"]) == {e.relation for e in ego.edges}


def test_csv_of_the_ego_network(service: ExportService, ego: Subgraph) -> None:
    nodes, edges = read_csv_zip(export_bytes(service, "csv"))
    assert (len(nodes), len(edges)) == (len(ego.nodes), len(ego.edges))
    assert {e["Source"] for e in edges} | {e["Target"] for e in edges} <= {n["Id"] for n in nodes}
    mou = [e for e in edges if e["relation_kind"] == "mou"]
    assert mou and {e["Timeset"] for e in mou} == {"<[2025-01-22, Infinity]>"}


def test_cytoscape_of_the_ego_network(service: ExportService, ego: Subgraph) -> None:
    doc = json.loads(export_bytes(service, "cytoscape"))
    nodes = [n["data"] for n in doc["elements"]["nodes"]]
    edges = [e["data"] for e in doc["elements"]["edges"]]
    assert (len(nodes), len(edges)) == (len(ego.nodes), len(ego.edges))
    ids = [x["id"] for x in (*nodes, *edges)]
    assert len(ids) == len(set(ids))
    assert {e["source"] for e in edges} | {e["target"] for e in edges} <= {n["id"] for n in nodes}


def test_rdf_of_the_ego_network_round_trips(service: ExportService, ego: Subgraph) -> None:
    quads = rdflib.Dataset()
    quads.parse(data=export_bytes(service, "nquads"), format="nquads")
    named = {str(g.identifier) for g in quads.graphs() if len(g)}
    assert ARTICLE in named  # the article's named graph is kept
    turtle = rdflib.Graph().parse(data=export_bytes(service, "turtle"), format="turtle")
    jsonld = rdflib.Dataset()
    jsonld.parse(data=export_bytes(service, "jsonld"), format="json-ld")
    union = rdflib.Graph()
    for s, p, o, _ in quads.quads((None, None, None, None)):
        union.add((s, p, o))
    union_ld = rdflib.Graph()
    for s, p, o, _ in jsonld.quads((None, None, None, None)):
        union_ld.add((s, p, o))
    assert len(union) > 100
    assert isomorphic(union, turtle) and isomorphic(union_ld, turtle)
    dg = rdflib.Namespace("https://w3id.org/diplograph/ontology#")
    algeria = rdflib.URIRef(ID + DZA)
    assert (algeria, dg.isoCode, rdflib.Literal("DZA")) in union
    mou = {f for e in ego.edges if (f := e.attributes["fact"]) and e.relation == "agreement"}
    for fact in mou:
        assert (rdflib.URIRef(str(fact)), dg.dateSigned, None) in union
    quotes = {str(o) for o in union.objects(None, dg.quote)}
    assert any("first-of-its-kind agreement" in q for q in quotes)  # evidence is exported


# ------------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_neo4j_backend_selects_the_same_subgraph(
    clean_neo4j: Driver, neo4j_connection: tuple[str, str, str], neo4j_database: str, ego: Subgraph
) -> None:
    config = neo4j_backend_config(neo4j_connection, neo4j_database)
    opened = open_backends(config)
    try:
        opened.store.ensure_schema()
        ingest_paths(opened.store, ["examples"])
        sub = opened.exporter.select(EGO)
    finally:
        opened.close()
    assert [n.id for n in sub.nodes] == [n.id for n in ego.nodes]
    assert [e.id for e in sub.edges] == [e.id for e in ego.edges]
    assert sub.edges == ego.edges
    assert [n.attributes for n in sub.nodes] == [n.attributes for n in ego.nodes]
