"""Format 2, facts about facts (issue 11, part "reactions"): reactions, ``in_response_to`` and
quantities on influences, from the sheet through RDF, steps, the JSON API over real HTTP (both
backends), SPARQL and Cypher; and the bad input they bring, refused with file, line and what is
wrong, leaving both stores unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from rdflib import Literal
from rdflib.namespace import RDF, XSD

from api.ingest import ingest_paths
from api.security import API_KEY_HEADER
from graph.neo4j.cypher import GraphCypherService
from graph.neo4j.links import LinkUpkeep
from graph.neo4j.projection import Neo4jProjection
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.rules.step_reads import StoreSource, all_steps
from graph.rules.steps import derive_steps
from graph.writer import GraphStore
from loaders import EntityIndex, InvalidInputError, load_path
from ontology.namespace import DG, ID, concept
from tests.test_cookbook import COOKBOOK, Recipe, normalised, parse_cookbook, sparql_rows
from tests.test_security import KEY_A, serve, settings

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
SHEET = FIXTURES / "v2-reactions.yaml"
BAD = FIXTURES / "bad"
ARTICLE = "v2-reactions-mali-accord"
WRITE = {"Content-Type": "application/yaml", API_KEY_HEADER: KEY_A}


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` containing ``text``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def graph_of(path: Path) -> Any:
    """The article graph a sheet loads to (rdflib graph of its one named graph)."""
    (article,) = load_path(path, EntityIndex(), shacl=True)
    return article.dataset.graph(article.iri)


# --------------------------------------------------------------------------------------- RDF


def test_reactions_responses_and_quantities_map_to_rdf() -> None:
    g = graph_of(SHEET)
    (regrets,) = g.subjects(DG.stance, concept("stance", "regrets"))
    assert (regrets, RDF.type, DG.Reaction) in g
    assert g.value(regrets, DG.reactor) == ID["country/DZA"]
    termination = g.value(regrets, DG.towards)
    assert (termination, RDF.type, DG.Event) in g
    assert g.value(regrets, DG.pointInTime) == Literal("2024-01-26", datatype=XSD.date)
    assert g.value(regrets, DG.localRef) == Literal(f"{ARTICLE}#algeria-regrets")
    (rejects,) = g.subjects(DG.stance, concept("stance", "rejects"))
    # towards another reaction, in response to it (by this article's reference) and to a
    # fact of an article not loaded (kept as the reference)
    assert g.value(rejects, DG.towards) == regrets
    assert g.value(rejects, DG.inResponseTo) == regrets
    assert g.value(rejects, DG.inResponseToRef) == Literal("other-article#some-event")
    relation = g.value(termination, DG.inResponseTo)
    assert (relation, RDF.type, DG.Relation) in g
    (influence,) = g.subjects(RDF.type, DG.Influence)
    assert g.value(influence, DG.share) == Literal("0.75", datatype=XSD.decimal)
    assert g.value(influence, DG.shareOf) == Literal("weapons imports")
    assert g.value(influence, DG.quantityApproximate) == Literal(True)
    assert g.value(influence, DG.quantityValue) is None


def test_a_reaction_is_a_stated_step_from_the_reactor_to_the_actors_of_its_fact() -> None:
    (article,) = load_path(SHEET, EntityIndex())
    quads = [(str(s), str(p), str(o), str(c)) for s, p, o, c in article.dataset.quads()]
    steps = {
        (s.source.rsplit("/", 1)[-1], s.target.rsplit("/", 1)[-1], s.kind, s.start, s.rule)
        for s in derive_steps(quads)
        if s.relation == "reaction"
    }
    # Algeria regrets the termination (participant Mali); Mali rejects Algeria's reaction
    assert steps == {
        ("DZA", "MLI", "regrets", "2024-01-26", None),
        ("MLI", "DZA", "rejects", None, None),
    }


def test_ids_on_influences_and_relations_change_nothing_else() -> None:
    text = SHEET.read_text()
    plain = text.replace("  - id: russian-arms\n    influencer", "  - influencer")
    plain = plain.replace("[russian-arms, other-article", "[other-article")
    assert plain.count("russian-arms") == 0
    without = FIXTURES.parent / "v2-reactions-no-id.yaml"
    g1 = graph_of(SHEET)
    try:
        without.write_text(plain)
        g2 = graph_of(without)
    finally:
        without.unlink()
    influence = next(g1.subjects(RDF.type, DG.Influence))
    assert set(g1) - set(g2) == {
        (influence, DG.localRef, Literal(f"{ARTICLE}#russian-arms")),
        (g1.value(predicate=DG.inResponseTo, object=influence), DG.inResponseTo, influence),
    }


# ------------------------------------------------------------------------------- bad input

BAD_CASES = {
    "v2-reaction-unknown-target.yaml": (
        "towards: no-such-event",
        "reactions[0].towards",
        ("unknown agreement/event/", "'no-such-event'", "known: termination"),
    ),
    "v2-reaction-stance-typo.yaml": (
        "stance: regret",
        "reactions[0].stance",
        ("unknown stance 'regret'", "'regrets'"),
    ),
    "v2-quantity-share-above-one.yaml": (
        "share: 1.5",
        "influences[0].quantity.share",
        ("less than or equal to 1",),
    ),
    "v2-responds-to-itself.yaml": (
        "in_response_to: [talks]",
        "events[0].in_response_to[0]",
        ("a fact cannot respond to itself",),
    ),
}
"""Fixture → (text of the line the problem names, its path, what the message says)."""


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_input_names_file_line_and_problem(name: str) -> None:
    marker, where, parts = BAD_CASES[name]
    path = BAD / name
    with pytest.raises(InvalidInputError) as caught:
        load_path(path, EntityIndex())
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (str(path), line_of(path, marker), where)
    for part in parts:
        assert part in problem.message, str(problem)


# ------------------------------------------------------------------------ API, both backends


def check_api(client: httpx.Client) -> None:
    """What an analyst sees of the sheet's reactions, responses and quantities; a reaction
    loaded before the article it names by reference is shown unresolved, then resolved."""
    posted = client.post("/articles", content=FOLLOWUP.read_text(), headers=WRITE)
    assert posted.status_code == 201, posted.text
    (early,) = client.get("/reactions").json()["items"]
    ref = f"{ARTICLE}#algiers-accord"
    assert early["towards"] == {"id": None, "uri": None, "ref": ref, "types": [], "resolved": False}
    created = client.post("/articles", content=SHEET.read_text(), headers=WRITE)
    assert created.status_code == 201, created.text
    listed = client.get("/reactions")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(r["reactor"]["id"], r["stance"]["notation"]) for r in items] == [
        ("country/DZA", "regrets"),
        ("country/RUS", "welcomes"),
        ("country/MLI", "rejects"),
    ]
    regrets, welcomes, rejects = items
    (agreement,) = client.get("/agreements").json()["items"]
    assert welcomes["towards"] == {
        "id": agreement["id"],
        "uri": agreement["uri"],
        "ref": ref,
        "types": ["Agreement"],
        "resolved": True,
    }
    assert regrets["towards"]["types"] == ["Event"] and regrets["towards"]["resolved"]
    assert regrets["when"] == "2024-01-26"
    assert regrets["evidence"]["quotes"] == ["to the ire of Algiers"]
    assert rejects["towards"]["id"] == regrets["id"]
    assert [(f["id"], f["ref"], f["resolved"]) for f in rejects["in_response_to"]] == [
        (regrets["id"], None, True),
        (None, "other-article#some-event", False),
    ]
    towards = client.get("/reactions", params={"towards": regrets["towards"]["id"]}).json()
    assert [r["id"] for r in towards["items"]] == [regrets["id"]]
    by_stance = client.get("/reactions", params={"stance": "rejects", "actor": "Mali"}).json()
    assert [r["id"] for r in by_stance["items"]] == [rejects["id"]]
    algeria = client.get("/entities/country/DZA").json()
    assert [r["id"] for r in algeria["reactions"]] == [regrets["id"]]
    (influence,) = client.get("/influences", params={"influencer": "country/RUS"}).json()["items"]
    assert influence["quantity"] == {
        "value": None,
        "unit": None,
        "share": 0.75,
        "share_of": "weapons imports",
        "approximate": True,
    }
    detail = client.get(f"/agreements/{agreement['id']}").json()
    (event,) = detail["events"]
    assert event["id"] == regrets["towards"]["id"]
    assert [f["types"] for f in event["in_response_to"]] == [["Relation"]]
    timeline = client.get("/entities/country/MLI/timeline").json()
    reactions = [
        (e["roles"], e["kind"]["notation"])
        for e in timeline["entries"] + timeline["undated"]
        if e["category"] == "reaction"
    ]
    assert reactions == [(["reacted-to"], "regrets"), (["reactor"], "rejects")]
    links = client.get(
        "/links", params={"a": "country/DZA", "b": "country/MLI", "k": 1, "relation": "reaction"}
    )
    assert links.status_code == 200, links.text
    assert "reaction" in links.text


@pytest.fixture
def embedded() -> Iterator[httpx.Client]:
    yield from serve(settings())


def test_api_embedded(embedded: httpx.Client) -> None:
    check_api(embedded)


@pytest.mark.neo4j
def test_api_and_cypher_on_neo4j(
    clean_neo4j: Driver, neo4j_connection: tuple[str, str, str], neo4j_database: str
) -> None:
    uri, user, password = neo4j_connection
    config = settings(neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    for client in serve(config):
        check_api(client)
        cypher = (
            "MATCH (a:Country)<-[:REACTOR]-(r:Reaction)-[:STANCE]->(s), (r)-[:TOWARDS]->(f) "
            "RETURN a.isoCode AS actor, s.uri AS stance, "
            "[x IN labels(f) WHERE x <> 'Resource'] AS target, r.pointInTime AS when "
            "ORDER BY actor"
        )
        rows = client.post("/cypher", json={"query": cypher}).json()["rows"]
        assert rows == [
            ["DZA", str(concept("stance", "regrets")), ["Event"], "2024-01-26"],
            ["MLI", str(concept("stance", "rejects")), ["Reaction"], None],
        ]
        records, _, _ = clean_neo4j.execute_query(
            "MATCH (i:Influence) RETURN i.share AS share, i.shareOf AS of", database_=neo4j_database
        )
        assert [(r["share"], r["of"]) for r in records] == [(0.75, "weapons imports")]
        records, _, _ = clean_neo4j.execute_query(
            "MATCH (:Country {isoCode: 'DZA'})-[r:OPPOSES]->(:Country {isoCode: 'RUS'}), "
            "(i:Influence) RETURN r.inResponseTo = [i.uri] AS answers, r.inResponseToRef AS refs",
            database_=neo4j_database,
        )
        assert [(r["answers"], r["refs"]) for r in records] == [
            (True, ["other-article#wagner-deployment"])
        ]
        records, _, _ = clean_neo4j.execute_query(
            "MATCH (:Country {isoCode: 'DZA'})-[l:LINK {relation: 'reaction'}]->(:Country) "
            "RETURN l.kind AS kind",
            database_=neo4j_database,
        )
        assert [r["kind"] for r in records] == ["regrets"]
        check_refusals(client, lambda: neo4j_snapshot(clean_neo4j, neo4j_database))


def neo4j_snapshot(driver: Driver, database: str) -> object:
    """Node and relationship counts by label and type."""
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS l, count(*) AS c "
        "UNION ALL MATCH ()-[r]->() RETURN [type(r)] AS l, count(*) AS c",
        database_=database,
    )
    return sorted((sorted(r["l"]), r["c"]) for r in records)


def test_sparql_reactions_to_an_agreement_event(embedded: httpx.Client) -> None:
    created = embedded.post("/articles", content=SHEET.read_text(), headers=WRITE)
    assert created.status_code == 201, created.text
    query = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?iso ?stance WHERE {
  ?agreement a dg:Agreement . ?event dg:concerns ?agreement .
  ?reaction a dg:Reaction ; dg:towards ?event ; dg:reactor/dg:isoCode ?iso ; dg:stance ?stance .
}"""
    answer = embedded.post(
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    rows = [(b["iso"]["value"], b["stance"]["value"]) for b in answer.json()["results"]["bindings"]]
    assert rows == [("DZA", str(concept("stance", "regrets")))]


def check_refusals(client: httpx.Client, snapshot: Callable[[], object]) -> None:
    """Every bad fixture is a 422 problem naming its line; the stores are as they were."""
    before = (client.get("/articles").json(), snapshot())
    for name in sorted(BAD_CASES):
        marker, where, parts = BAD_CASES[name]
        refused = client.post("/articles", content=(BAD / name).read_text(), headers=WRITE)
        assert refused.status_code == 422, refused.text
        (problem,) = refused.json()["problems"]
        assert (problem["line"], problem["path"]) == (line_of(BAD / name, marker), where)
        for part in parts:
            assert part in problem["message"], refused.text
    assert (client.get("/articles").json(), snapshot()) == before


def test_bad_input_over_http_leaves_the_store_unchanged(embedded: httpx.Client) -> None:
    created = embedded.post("/articles", content=SHEET.read_text(), headers=WRITE)
    assert created.status_code == 201, created.text
    sparql = {"Content-Type": "application/sparql-query", "Accept": "application/json"}
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    check_refusals(embedded, lambda: embedded.post("/sparql", content=count, headers=sparql).json())


# ------------------------------------------------------------------ cookbook 22, both orders

FOLLOWUP = FIXTURES / "v2-reactions-followup.yaml"
TITLE = "Agreement for Peace and Reconciliation in Mali"
REACTIONS_TO_THE_ACCORD = [
    [TITLE, "Algeria", "regrets", "2024-01-26"],  # towards the termination event
    [TITLE, "Russia", "welcomes", "2024-01-27"],  # another article, by reference
]


def recipe_22() -> Recipe:
    (recipe,) = [r for r in parse_cookbook(COOKBOOK.read_text()) if r.number == 22]
    return recipe


@pytest.mark.parametrize(
    "order", [(SHEET, FOLLOWUP), (FOLLOWUP, SHEET)], ids=["ref-last", "ref-first"]
)
def test_cookbook_22_sparql_resolves_references_whatever_the_order(
    order: tuple[Path, Path],
) -> None:
    rdf = OxigraphStore(None)
    for path in order:
        report = ingest_paths(GraphStore(rdf), [path])
        assert report.articles and not report.failed
    rows = sparql_rows(GraphSparqlService(rdf.pyoxigraph_store), recipe_22().sparql)
    assert normalised(rows, False) == normalised(REACTIONS_TO_THE_ACCORD, False)


@pytest.mark.neo4j
def test_cookbook_22_cypher(clean_neo4j: Driver, neo4j_database: str) -> None:
    rdf = OxigraphStore(None)
    projection = Neo4jProjection(clean_neo4j, neo4j_database, links=LinkUpkeep(rdf))
    store = GraphStore(rdf, projection)
    store.ensure_schema()
    for path in (FOLLOWUP, SHEET):
        report = ingest_paths(store, [path])
        assert report.articles and not report.failed
    rows = GraphCypherService(clean_neo4j, neo4j_database).run(recipe_22().cypher).rows
    assert normalised(rows, False) == normalised(REACTIONS_TO_THE_ACCORD, False)


@pytest.mark.neo4j
def test_links_follow_the_fact_a_reaction_is_towards(
    clean_neo4j: Driver, neo4j_database: str
) -> None:
    """Another article adds a participant to the event Algeria reacted to: the incremental LINK
    upkeep gives the reaction its new step, as a rebuild from the whole store does. (The second
    article's date is less precise, so the event keeps the first article's IRI and that
    article's graph is not rewritten: only the ``dg:towards`` lookup of the delta finds the
    reaction; without it the step to Burkina Faso is missing.)"""
    rdf = OxigraphStore(None)
    store = GraphStore(rdf, Neo4jProjection(clean_neo4j, neo4j_database, links=LinkUpkeep(rdf)))
    store.ensure_schema()
    for path in (SHEET, FIXTURES / "v2-reactions-participant.yaml"):
        report = ingest_paths(store, [path])
        assert report.articles and not report.failed
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (a)-[l:LINK {relation: 'reaction'}]->(b) RETURN a.isoCode AS a, b.isoCode AS b, "
        "l.uri AS uri",
        database_=neo4j_database,
    )
    assert sorted((r["a"], r["b"]) for r in records) == [
        ("DZA", "BFA"),
        ("DZA", "MLI"),
        ("MLI", "DZA"),
    ]
    rebuilt = {s.uri for s in all_steps(StoreSource(rdf)) if s.relation == "reaction"}
    assert {r["uri"] for r in records} == rebuilt
