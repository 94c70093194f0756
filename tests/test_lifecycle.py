"""Format 2 part "lifecycle": agreement status, entry into force, expiry, duration, endings,
follow-up bodies and roles, from the fact sheet to RDF, steps, the JSON API (both backends,
over real HTTP) and the Neo4j projection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import neo4j_backend_config
from live_server import live_server
from neo4j import Driver
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD
from test_api_support import clear_neo4j, embedded_settings, neo4j_settings
from test_page_queries import CountingSource

from api.app import create_app
from api.ingest import ingest_paths, ingest_text
from graph.backends import open_backends
from graph.nx.view import NxView
from graph.queries import QueryService
from graph.queries.agreements import agreement_detail
from graph.queries.facts import entity_detail
from graph.queries.lifecycle import endings
from graph.queries.refs import Refs, short_id
from graph.queries.source import Described
from graph.rdf.store import OxigraphStore
from graph.rules.steps import Step, derive_steps
from graph.writer import GraphStore
from loaders.batch import load_path
from loaders.errors import InvalidInputError, Problem, ShapeError
from loaders.index import EntityIndex
from loaders.shacl import check_article
from ontology.namespace import DG, ID, VOCAB

FIXTURES = Path(__file__).parent / "fixtures"
LIFECYCLE = FIXTURES / "lifecycle"
ACCORD = LIFECYCLE / "algiers-accord.yaml"
BAD = FIXTURES / "loaders" / "bad"
DZA, MLI, FRA = ID["country/DZA"], ID["country/MLI"], ID["country/FRA"]
CMA = ID["organization/coordination-of-azawad-movements"]
UN = ID["organization/united-nations"]


def _dataset(path: Path) -> Dataset:
    (article,) = load_path(path, EntityIndex())
    return article.dataset


def _one(dataset: Dataset, subject: Any, predicate: URIRef) -> Any:
    values = {o for _, _, o, _ in dataset.quads((subject, predicate, None, None))}
    assert len(values) == 1, values
    return values.pop()


def _typed(dataset: Dataset, cls: URIRef) -> list[Any]:
    return sorted({s for s, _, _, _ in dataset.quads((None, RDF.type, cls, None))})


# ------------------------------------------------------------------------------- RDF


def test_the_lifecycle_keys_map_to_the_ontology_terms() -> None:
    data = _dataset(ACCORD)
    (agreement,) = _typed(data, DG.Agreement)
    assert _one(data, agreement, DG.agreementStatus) == VOCAB["agreement-status/terminated"]
    assert _one(data, agreement, DG.entryIntoForce) == Literal("2015-06-20", datatype=XSD.date)
    assert _one(data, agreement, DG.duration) == Literal("P10Y", datatype=XSD.duration)
    committee = ID["organization/agreement-monitoring-committee"]
    assert _one(data, committee, DG.followUpBody) == Literal(True)
    (ending,) = _typed(data, DG.AgreementEnding)
    assert ending in _typed(data, DG.Event)  # also an event: it shows in the event lists
    assert _one(data, ending, DG.concerns) == agreement
    assert _one(data, ending, DG.endedBy) == MLI
    assert _one(data, ending, DG.eventKind) == VOCAB["event-kind/termination"]
    assert _one(data, ending, DG.startDate) == Literal("2024-01-25", datatype=XSD.date)
    assert _one(data, ending, DG.effect) == Literal("immediate")
    assert _one(data, _one(data, ending, DG.evidence), DG.quote).startswith("Mali's junta")


def test_roles_are_qualified_nodes_and_not_parties() -> None:
    data = _dataset(ACCORD)
    (agreement,) = _typed(data, DG.Agreement)
    (event,) = [e for e in _typed(data, DG.Event) if e not in _typed(data, DG.AgreementEnding)]
    found = {
        (_one(data, r, DG.roleIn), _one(data, r, DG.roleActor), _one(data, r, DG.role))
        for r in _typed(data, DG.Role)
    }
    assert found == {
        (agreement, DZA, VOCAB["role/mediator"]),
        (agreement, UN, VOCAB["role/guarantor"]),
        (agreement, FRA, VOCAB["role/witness"]),
        (event, DZA, VOCAB["role/host"]),
    }
    for role in _typed(data, DG.Role):
        assert str(role).startswith(str(ID["role/"]))
        assert list(data.quads((role, DG.evidence, None, None)))
    parties = {o for _, _, o, _ in data.quads((agreement, DG.party, None, None))}
    assert parties == {MLI, CMA}


def test_the_lifecycle_graph_conforms_to_the_shapes() -> None:
    (article,) = load_path(ACCORD, EntityIndex(), shacl=True)  # raises on a violation
    assert article.warnings == []


def test_the_shapes_refuse_a_status_outside_the_closed_scheme() -> None:
    article = load_path(ACCORD, EntityIndex())[0]
    graph = article.dataset.graph(article.iri)
    (agreement,) = {s for s, _, _ in graph.triples((None, RDF.type, DG.Agreement))}
    graph.remove((agreement, DG.agreementStatus, None))
    graph.add((agreement, DG.agreementStatus, VOCAB["agreement-status/ratified"]))
    with pytest.raises(ShapeError) as caught:
        check_article(article)
    assert any("closed agreement-status scheme" in p.message for p in caught.value.problems)


def test_a_status_label_resolves_within_the_closed_scheme(tmp_path: Path) -> None:
    sheet = tmp_path / "in-force.yaml"
    text = ACCORD.read_text().replace("status: terminated", "status: In force")
    sheet.write_text(text.replace("lifecycle-algiers-accord", "lifecycle-in-force"))
    data = _dataset(sheet)
    (agreement,) = _typed(data, DG.Agreement)
    assert _one(data, agreement, DG.agreementStatus) == VOCAB["agreement-status/in-force"]
    minted = {s for s, _, _, _ in data.quads((None, RDF.type, DG.AgreementStatus, None))}
    assert minted == set()  # resolved to an existing concept, nothing added to the scheme


# ----------------------------------------------------------------------------- steps


def _steps(path: Path) -> list[Step]:
    quads = [(str(s), str(p), str(o), str(g)) for s, p, o, g in _dataset(path).quads()]
    return derive_steps(quads)


def test_a_role_is_a_step_to_each_party_and_not_an_agreement_step() -> None:
    steps = _steps(ACCORD)
    mediator = {(s.source, s.target) for s in steps if s.relation == "role:mediator"}
    assert mediator == {(str(DZA), str(MLI)), (str(DZA), str(CMA))}
    host = {(s.source, s.target, s.start) for s in steps if s.relation == "role:host"}
    assert host == {(str(DZA), str(MLI), "2014-07"), (str(DZA), str(CMA), "2014-07")}
    agreement_ends = {e for s in steps if s.relation == "agreement" for e in (s.source, s.target)}
    assert str(DZA) not in agreement_ends and str(FRA) not in agreement_ends
    assert all(not s.inferred for s in steps if s.relation.startswith("role:"))


def test_an_ending_is_a_step_from_the_ender_to_the_other_parties() -> None:
    (ended,) = [s for s in _steps(ACCORD) if s.relation == "ended"]
    assert (ended.source, ended.target) == (str(MLI), str(CMA))
    assert (ended.kind, ended.start) == ("termination", "2024-01-25")
    assert [e.quote for e in ended.evidence] == [
        "Mali's junta ended the 2015 peace accord, with immediate effect"
    ]


# A later article names another party of the accord: the roles and the ending of the first
# article now reach it, though neither is stated again (the incremental upkeep must follow).
PLATFORM_ARTICLE = """
article: {id: lifecycle-platform, published: 2024-02}
entities:
  - {id: mali, type: country, name: Mali}
  - {id: platform, type: organization, name: Platform of Movements, kind: armed-group}
agreements:
  - parties: [mali, platform]
    title: Agreement for Peace and Reconciliation in Mali
    signed: {date: 2015-05-15}
    same_as: [lifecycle-algiers-accord#algiers-accord]
    evidence: {quote: "the Platform, which also signed the 2015 accord"}
"""
PLATFORM = str(ID["organization/platform-of-movements"])


def test_the_incremental_view_follows_a_party_added_by_another_article() -> None:
    rdf = OxigraphStore()
    view = NxView.of_store(rdf, follows_writes=True)
    store = GraphStore(rdf, observers=[view])
    view.current()
    ingest_paths(store, [ACCORD])
    ingest_text(store, PLATFORM_ARTICLE, file="platform.yaml")
    followed = view.current()
    assert followed.version == rdf.generation
    reached = {(s.relation, s.source, s.target) for s in followed.steps.values()}
    assert ("role:mediator", str(DZA), PLATFORM) in reached
    assert ("ended", str(MLI), PLATFORM) in reached
    assert dict(followed.steps) == dict(NxView.of_store(rdf).rebuilt().steps)
    store.retract_article(str(ID["article/lifecycle-platform"]))
    assert dict(view.current().steps) == dict(NxView.of_store(rdf).rebuilt().steps)


# ------------------------------------------------------------------------- bad input


def _problem(name: str) -> Problem:
    path = BAD / name
    with pytest.raises(InvalidInputError) as caught:
        load_path(path, EntityIndex())
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    return problem


def _line(name: str, text: str) -> int:
    lines = (BAD / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize(
    ("name", "path", "line", "message"),
    [
        (
            "v2-ended-without-evidence.yaml",
            "agreements[0].ended.evidence",
            "ended:",
            "fact without evidence",
        ),
        (
            "v2-role-typo.yaml",
            "agreements[0].roles[0].role",
            "mediater",
            "unknown role 'mediater': did you mean 'mediator'",
        ),
        (
            "v2-ended-by-non-actor.yaml",
            "agreements[0].ended.by[0]",
            "by: [sahel]",
            "'sahel' is a region, expected a country or a collective actor or an organization "
            "or a person",
        ),
        (
            "v2-entry-into-force-after-expiry.yaml",
            "agreements[0].expires",
            "expires:",
            "expires (2025) before it enters into force (2030-01)",
        ),
        (
            "v2-status-not-in-closed-scheme.yaml",
            "agreements[0].status",
            "status:",
            "unknown agreement-status 'Ratified Pending Review': the scheme is closed",
        ),
    ],
)
def test_bad_lifecycle_input_names_file_line_and_fault(
    name: str, path: str, line: str, message: str
) -> None:
    problem = _problem(name)
    assert problem.path == path
    assert problem.line == _line(name, line)
    assert message in problem.message


def test_a_status_contradicting_the_ending_is_a_warning(tmp_path: Path) -> None:
    sheet = tmp_path / "contradiction.yaml"
    text = ACCORD.read_text().replace("status: terminated", "status: in-force")
    sheet.write_text(text.replace("lifecycle-algiers-accord", "lifecycle-contradiction"))
    (article,) = load_path(sheet, EntityIndex())
    (warning,) = [w for w in article.warnings if w.path == "agreements[0].status"]
    assert "status 'in-force' while `ended` says terminated" in warning.message


# ----------------------------------------------------------------- endings, pure rule


class _NoSource:
    """A source with no entities (the references then carry only the IRI)."""

    def entity_infos(self, uris: Any) -> dict[str, Any]:
        return {}


def _event(uri: str, labels: tuple[str, ...], kind: str, **out: tuple[str, ...]) -> Described:
    rels = {"EVENT_KIND": (str(VOCAB[f"event-kind/{kind}"]),), **out}
    return Described(uri, ("Resource", *labels), {"startDate": "2024-01-25"}, rels)


def test_a_plain_termination_event_is_an_ending_without_enders() -> None:
    refs = Refs(_NoSource())  # type: ignore[arg-type]
    plain = _event("urn:e1", ("Event",), "termination", PARTICIPANT=(str(MLI),))
    stated = _event("urn:e2", ("AgreementEnding", "Event"), "suspension", ENDED_BY=(str(MLI),))
    meeting = _event("urn:e3", ("Event",), "meeting", PARTICIPANT=(str(MLI),))
    found = {e.uri: e for e in endings([plain, stated, meeting], refs)}
    assert set(found) == {"urn:e1", "urn:e2"}
    assert (found["urn:e1"].how, found["urn:e1"].written_as) == ("terminated", "event")
    assert found["urn:e1"].by == () and [p.uri for p in found["urn:e1"].participants] == [str(MLI)]
    assert (found["urn:e2"].how, found["urn:e2"].written_as) == ("suspended", "ended")
    assert [b.uri for b in found["urn:e2"].by] == [str(MLI)]


# ------------------------------------------------------------------ API, both backends


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The app over the lifecycle fixtures (an ``ended`` key and, in a second article, a plain
    termination event about the same accord), on each backend, over real HTTP."""
    if request.param == "nx":
        settings = embedded_settings(examples_dir=LIFECYCLE)
    else:
        clear_neo4j(
            request.getfixturevalue("neo4j_driver"), request.getfixturevalue("neo4j_database")
        )
        connection = request.getfixturevalue("neo4j_connection")
        settings = neo4j_settings(connection, examples_dir=LIFECYCLE)
    with live_server(create_app(settings, load_examples=True)) as url:
        yield url


def _get(base_url: str, path: str, **params: Any) -> Any:
    response = httpx.get(f"{base_url}{path}", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _accord(base_url: str) -> dict[str, Any]:
    (item,) = _get(base_url, "/agreements")["items"]
    detail: dict[str, Any] = _get(base_url, f"/agreements/{item['id']}")
    return detail


def test_the_agreement_detail_shows_its_lifecycle(base_url: str) -> None:
    detail = _accord(base_url)
    assert detail["status"]["notation"] == "terminated"
    assert (detail["entry_into_force"], detail["expires"]) == ("2015-06-20", None)
    assert detail["duration"] == "P10Y"
    assert [b["follow_up"] for b in detail["bodies"]] == [True]
    (ending,) = detail["ended"]  # the `ended` key and the plain event state one ending
    assert (ending["how"], ending["date"], ending["effect"]) == (
        "terminated",
        "2024-01-25",
        "immediate",
    )
    assert [b["id"] for b in ending["by"]] == ["country/MLI"]
    assert len(ending["sources"]) == 2
    assert ending["id"] in {e["id"] for e in detail["events"]}


def test_the_agreement_detail_lists_roles_apart_from_parties(base_url: str) -> None:
    detail = _accord(base_url)
    roles = [(r["actor"]["id"], r["role"]["notation"]) for r in detail["roles"]]
    assert roles == [
        ("country/DZA", "mediator"),
        ("country/FRA", "witness"),
        ("organization/united-nations", "guarantor"),
    ]
    assert {p["id"] for p in detail["parties"]} == {
        "country/MLI",
        "organization/coordination-of-azawad-movements",
    }
    assert detail["roles"][0]["evidence"]["quotes"] == ["the 2015 accord, brokered by Algeria"]


def test_the_entity_detail_names_the_actors_role(base_url: str) -> None:
    (algeria,) = _get(base_url, "/entities/country/DZA")["agreements"]
    assert algeria["roles"] == ["mediator"]
    (mali,) = _get(base_url, "/entities/country/MLI")["agreements"]
    assert mali["roles"] == ["ended", "party"]


def test_the_timeline_shows_the_ending_and_the_roles_in_events(base_url: str) -> None:
    mali = _get(base_url, "/entities/country/MLI/timeline")["entries"]
    (ending,) = [e for e in mali if "ended-by" in e["roles"]]
    assert (ending["date"], ending["category"], ending["kind"]["notation"]) == (
        "2024-01-25",
        "event",
        "termination",
    )
    algeria = _get(base_url, "/entities/country/DZA/timeline")["entries"]
    assert [(e["category"], e["roles"]) for e in algeria] == [
        ("event", ["host"]),
        ("agreement", ["mediator"]),
    ]


def test_role_steps_are_walked_and_filtered(base_url: str) -> None:
    roles = _get(base_url, "/entities/country/DZA/neighbours", relation="role:mediator")
    assert {(e["relation"], e["target"]) for e in roles["edges"]} == {
        ("role:mediator", "country/MLI"),
        ("role:mediator", "organization/coordination-of-azawad-movements"),
    }
    family = _get(base_url, "/entities/country/DZA/neighbours", relation="role")
    assert {e["relation"] for e in family["edges"]} == {"role:mediator", "role:host"}
    as_party = _get(base_url, "/entities/country/DZA/neighbours", relation="agreement")
    assert as_party["edges"] == []
    ended = _get(base_url, "/entities/country/MLI/neighbours", relation="ended")
    assert [(e["source"], e["target"]) for e in ended["edges"]] == [
        ("country/MLI", "organization/coordination-of-azawad-movements")
    ]


# ------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_the_projection_carries_roles_and_endings(
    neo4j_connection: tuple[str, str, str], neo4j_database: str, clean_neo4j: Driver
) -> None:
    backends = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
    try:
        backends.store.ensure_schema()
        ingest_paths(backends.store, [LIFECYCLE])
        ingest_text(backends.store, PLATFORM_ARTICLE, file="platform.yaml")
    finally:
        backends.close()
    neo4j_driver = clean_neo4j
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (r:Role)-[:ROLE_IN]->(a:Agreement), (r)-[:ROLE_ACTOR]->(x), (r)-[:ROLE]->(c)
        MATCH (a)-[:AGREEMENT_STATUS]->(s)
        MATCH (e:AgreementEnding)-[:CONCERNS]->(a), (e)-[:ENDED_BY]->(by)
        RETURN x.uri AS actor, c.uri AS role, s.uri AS status, a.entryIntoForce AS force,
               a.duration AS duration, by.uri AS ender, e.effect AS effect
        ORDER BY actor
        """
    )
    assert [(r["actor"], r["role"].rsplit("/", 1)[-1]) for r in records] == [
        (str(DZA), "mediator"),
        (str(FRA), "witness"),
        (str(UN), "guarantor"),
    ]
    first = records[0]
    assert first["status"] == str(VOCAB["agreement-status/terminated"])
    assert (first["force"], first["duration"]) == ("2015-06-20", "P10Y")
    assert (first["ender"], first["effect"]) == (str(MLI), "immediate")
    counting = CountingSource(neo4j_driver, neo4j_database)
    service = QueryService(counting)
    for entity in ("country/DZA", "country/MLI"):  # roles and endings come in the one page read
        before = counting.reads
        detail = service.entity(entity)
        assert counting.reads - before == 1, entity
        assert detail == entity_detail(counting, Refs(counting), str(ID[entity]))
    (agreement,) = counting.instances("Agreement")
    before = counting.reads
    found = service.agreement(short_id(agreement))
    assert counting.reads - before == 1
    assert found == agreement_detail(counting, Refs(counting), agreement)
    assert [r.role.notation for r in found.roles if r.role] == ["mediator", "witness", "guarantor"]
    links, _, _ = neo4j_driver.execute_query(
        "MATCH (a {uri: $dza})-[l:LINK]->(b) RETURN l.relation AS relation, b.uri AS target",
        dza=str(DZA),
    )
    assert {(r["relation"], r["target"]) for r in links} == {
        ("role:mediator", str(MLI)),
        ("role:mediator", str(CMA)),
        ("role:mediator", PLATFORM),  # a party another article added: the LINK upkeep follows
        ("role:host", str(MLI)),
        ("role:host", str(CMA)),
    }
