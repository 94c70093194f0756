"""Contract suite of the graph query services: every backend, the same answers.

Runs on the example fact sheet loaded through the loaders and ``GraphStore``; the networkx
backend reads the Oxigraph store, the Neo4j backend the projection plus the LINK relationships
(written here with ``graph.neo4j.links``, as the store facade will do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from neo4j import Driver

from graph.backends import nx_queries, open_backends
from graph.errors import NotFound, QueryError
from graph.queries import QueryService, StepFilter
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders import EntityIndex, load_paths
from ontology.dates import first_day
from tests.conftest import Neo4jConnection, neo4j_backend_config

EXAMPLE = "examples/us-algeria-mou.yaml"
DZA, RUS, USA = "country/DZA", "country/RUS", "country/USA"
CHANEGRIHA, LANGLEY = "person/said-chanegriha", "person/michael-langley"


def load_example(store: GraphStore) -> None:
    """Load the example fact sheet through the loaders into ``store``."""
    result = load_paths([EXAMPLE], EntityIndex([]))
    assert not result.failed
    for article in result.articles:
        store.load_graphs({str(article.iri): article.graph})


@pytest.fixture(scope="module")
def example_rdf() -> OxigraphStore:
    """An in-memory Oxigraph store holding the example."""
    rdf = OxigraphStore()
    load_example(GraphStore(rdf))
    return rdf


@pytest.fixture(scope="module")
def nx_service(example_rdf: OxigraphStore) -> QueryService:
    """The networkx backend over the example."""
    return nx_queries(example_rdf)


@pytest.fixture(scope="module")
def neo4j_service(
    neo4j_connection: Neo4jConnection, neo4j_driver: Driver, neo4j_database: str
) -> Iterator[QueryService]:
    """The Neo4j backend over the example, built as the app builds it (``open_backends``: the
    projection writer with its LINK upkeep), from a fresh store."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    config = neo4j_backend_config(neo4j_connection, neo4j_database)
    backends = open_backends(config)
    try:
        backends.store.ensure_schema()
        load_example(backends.store)
        yield backends.queries
    finally:
        backends.close()


@pytest.fixture(params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def service(request: pytest.FixtureRequest) -> QueryService:
    """Each backend in turn."""
    name = "nx_service" if request.param == "nx" else "neo4j_service"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------ required answers


def test_links_algeria_russia_include_the_expected_intermediaries(service: QueryService) -> None:
    result = service.links(DZA, RUS, max_hops=3)
    assert not result.truncated
    names = {i.entity.name for i in result.intermediaries}
    assert {"Wagner Group", "United States", "Soviet Union"} <= names
    # Russia reaches Mali only through "instability Russia has brought to the Sahel": a region
    # claim applied to its member states, which no article states of Mali itself.
    assert "Mali" not in names
    assert all(not s.inferred for p in result.paths for s in p.steps)
    inferred = service.links(DZA, RUS, max_hops=3, flt=StepFilter(inferred=True))
    assert "Mali" in {i.entity.name for i in inferred.intermediaries}
    marked = [s for p in inferred.paths for s in p.steps if s.inferred]
    assert marked and {s.rule for s in marked} == {"region-membership"}
    for path in result.paths:
        assert path.length <= 3
        assert len(set(path.nodes)) == len(path.nodes)  # simple
        assert all(path.hops)  # every hop carries at least one fact
        for step in path.steps:
            assert step.sources
            if step.via is not None:
                assert step.evidence and all(e.quote for e in step.evidence)
    via_wagner = [p for p in result.paths if any(n.endswith("/wagner-group") for n in p.nodes)]
    assert any(e.quote for p in via_wagner for s in p.steps for e in s.evidence)


def test_links_algeria_russia_include_the_soviet_union(service: QueryService) -> None:
    result = service.links(DZA, RUS, max_hops=3)
    assert "Soviet Union" in {i.entity.name for i in result.intermediaries}


def test_intermediaries_are_ranked_by_paths_then_sources(service: QueryService) -> None:
    ranked = service.links(DZA, RUS, max_hops=3).intermediaries
    keys = [(-i.paths, -i.sources) for i in ranked]
    assert keys == sorted(keys)
    assert ranked[0].entity.name == "United States"


def test_agreements_of_algeria_list_the_mou_with_its_signatories(service: QueryService) -> None:
    page = service.agreements(party=DZA)
    assert page.total == 1
    mou = page.items[0]
    assert "MOU" in mou.types and mou.date_signed == "2025-01-22"
    assert {s.name for s in mou.signatories} == {"Michael Langley", "Saïd Chanegriha"}
    detail = service.agreement(mou.id)
    behalf = {s.signatory.name: {o.id for o in s.on_behalf_of} for s in detail.signatures}
    assert behalf == {"Michael Langley": {USA}, "Saïd Chanegriha": {DZA}}
    assert detail.bodies[0].meeting_frequency == "P1Y"
    assert detail.bodies[0].first_meeting == "2025"
    assert detail.legally_binding is False
    assert {c.status.notation for c in detail.commitments if c.status} >= {"to-be-explored"}


def test_search_is_case_and_accent_insensitive_and_ranked(service: QueryService) -> None:
    hits = service.search("Chengriha").hits
    assert hits[0].entity.id == CHANEGRIHA
    assert service.search("algiers").hits[0].entity.id == DZA
    assert service.search("SAID CHANEGRIHA").hits[0].match == "exact"
    ranked = service.search("al")
    assert [h.match for h in ranked.hits] == sorted(
        (h.match for h in ranked.hits), key=["exact", "prefix", "substring"].index
    )
    assert service.search("a", types=["country"]).total == len(
        [h for h in service.search("a", limit=1000).hits if "Country" in h.entity.types]
    )
    page = service.search("a", limit=2, offset=1)
    assert len(page.hits) == 2 and page.total > 3


def test_timeline_of_chanegriha_is_in_date_order(service: QueryService) -> None:
    timeline = service.timeline(CHANEGRIHA)
    dates = [first_day(e.date) for e in timeline.entries]
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert {e.category for e in timeline.entries} >= {"agreement", "event"}
    assert {e.category for e in timeline.undated} == {"tenure"}


def test_entity_detail(service: QueryService) -> None:
    detail = service.entity(DZA)
    assert detail.iso_code == "DZA" and detail.wikidata == "Q262"
    assert "Algiers" in detail.aliases
    assert any("party" in a.roles for a in detail.agreements)
    assert {i.influencer.name for i in detail.influences} >= {"Russia", "United States"}
    person = service.entity("https://w3id.org/diplograph/id/" + CHANEGRIHA)
    assert len(person.tenures) == 2 and all(t.post_in for t in person.tenures)
    with pytest.raises(NotFound):
        service.entity("country/XXX")


def test_neighbours_hub_cap_and_filters(service: QueryService) -> None:
    hood = service.neighbours(DZA, depth=2, hub_cap=5)
    assert hood.hubs and all(not n.expanded for n in hood.nodes if n.hub)
    only = service.neighbours(DZA, flt=StepFilter.of(relations=["influence"]))
    assert {s.relation for s in only.steps} == {"influence"}
    people = service.neighbours(DZA, flt=StepFilter.of(node_types=["person"]))
    assert all("Person" in n.entity.types for n in people.nodes)
    dated = service.neighbours(DZA, flt=StepFilter.of(since="2024", until="2024"))
    assert all((s.start_key or "") <= "2024-12-31" for s in dated.steps)


def test_shortest_paths(service: QueryService) -> None:
    result = service.shortest_paths(LANGLEY, "organization/wagner-group")
    assert result.length == 2 and result.paths  # Langley - Algeria - Wagner Group
    assert all(p.length == 2 for p in result.paths)
    assert all(p.nodes[1] == "https://w3id.org/diplograph/id/country/DZA" for p in result.paths)


def test_influences_filters(service: QueryService) -> None:
    russian = service.influences(influencer=RUS)
    assert russian.total >= 3 and all(i.influencer.id == RUS for i in russian.items)
    arms = [i for i in russian.items if i.kind and i.kind.notation == "arms-supply"]
    assert len(arms) >= 2
    assert service.influences(influencer=RUS, kind="arms-supply").items == tuple(arms)
    weakening = [i for i in russian.items if i.direction == "weakening"]
    assert service.influences(direction="weakening", influencer=RUS).items == tuple(weakening)
    regions = service.influences(influenced="region/sahel")
    assert regions.total >= 1 and regions.items[0].influenced.types == ("Region",)


def test_brokers_and_statistics(service: QueryService) -> None:
    brokers = service.brokers(limit=3)
    assert brokers.method == "exact" and brokers.items[0].entity.id == USA
    ego = service.brokers(seeds=[DZA], depth=1)
    assert ego.scope == "ego" and ego.method == "exact"
    stats = service.statistics()
    assert dict(stats.by_type)["Agreement"] == 1 and stats.articles == 1


def test_bad_parameters_raise_query_error(service: QueryService) -> None:
    with pytest.raises(QueryError):
        service.links(DZA, RUS, max_hops=99)
    with pytest.raises(QueryError):
        StepFilter.of(relations=["nonsense"])
    with pytest.raises(QueryError):
        service.neighbours(DZA, depth=0)


# ------------------------------------------------------------------------ identical answers

CALLS: dict[str, Callable[[QueryService], Any]] = {
    "links": lambda q: q.links(DZA, RUS, max_hops=3),
    "links-filtered": lambda q: q.links(
        DZA, RUS, max_hops=3, flt=StepFilter.of(relations=["influence", "relation"])
    ),
    "links-typed": lambda q: q.links(DZA, RUS, flt=StepFilter.of(node_types=["Organization"])),
    "links-dated": lambda q: q.links(DZA, USA, max_hops=2, flt=StepFilter.of(since="2025")),
    "search": lambda q: q.search("a", limit=50),
    "search-typed": lambda q: q.search("u", types=["Person", "Organization"]),
    "entity": lambda q: q.entity(DZA),
    "entity-person": lambda q: q.entity(CHANEGRIHA),
    "neighbours": lambda q: q.neighbours(DZA, depth=2, hub_cap=10),
    "neighbours-page": lambda q: q.neighbours(USA, depth=3, limit=5, offset=3),
    "shortest": lambda q: q.shortest_paths(LANGLEY, "organization/wagner-group"),
    "agreements": lambda q: q.agreements(),
    "agreements-filtered": lambda q: q.agreements(
        signatory=LANGLEY, area="counterterrorism", signed_since="2025-01"
    ),
    "agreement": lambda q: q.agreement(q.agreements().items[0].id),
    "influences": lambda q: q.influences(),
    "influences-filtered": lambda q: q.influences(influenced=DZA, direction="strengthening"),
    "timeline": lambda q: q.timeline(DZA),
    "timeline-person": lambda q: q.timeline(CHANEGRIHA),
    "brokers": lambda q: q.brokers(),
    "brokers-ego": lambda q: q.brokers(seeds=["country/MLI"], depth=2),
    "statistics": lambda q: q.statistics(),
}


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(CALLS))
def test_backends_answer_identically(
    name: str, nx_service: QueryService, neo4j_service: QueryService
) -> None:
    expected, actual = CALLS[name](nx_service), CALLS[name](neo4j_service)
    if expected != actual:  # name the differing fields
        left, right = dataclasses.asdict(expected), dataclasses.asdict(actual)
        differing = {k: (left[k], right[k]) for k in left if left[k] != right[k]}
        pytest.fail(f"{name}: backends differ on {differing}")
