"""A good fact sheet maps to the triples of docs/data-model.md, deterministically."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from loaders import ArticleGraph, EntityIndex, load_document, load_factsheet
from loaders.dates import date_literal, duration_literal
from loaders.iris import canonical, fact_iri
from loaders.schema import SCHEMA_PATH, factsheet_json_schema, schema_text
from ontology.namespace import DG, ID, WD, concept

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
GOOD = FIXTURES / "good.yaml"

USA, DZA, SUN = ID["country/USA"], ID["country/DZA"], ID["country/SUN"]
LANGLEY = ID["person/michael-langley"]
CHANEGRIHA = ID["person/said-chanegriha"]
ARTICLE = ID["article/test-us-algeria"]


@pytest.fixture(scope="module")
def article() -> ArticleGraph:
    return load_factsheet(GOOD, EntityIndex())


@pytest.fixture(scope="module")
def graph(article: ArticleGraph) -> Graph:
    return article.graph


def one(graph: Graph, predicate: URIRef, obj: URIRef) -> URIRef:
    (subject,) = set(graph.subjects(predicate, obj))
    assert isinstance(subject, URIRef)
    return subject


def agreement_of(graph: Graph) -> URIRef:
    return one(graph, ns.RDF.type, DG.MOU)


def test_exactly_one_named_graph_named_after_the_article(article: ArticleGraph) -> None:
    named = [g for g in article.dataset.graphs() if len(g)]
    assert [g.identifier for g in named] == [ARTICLE]
    assert article.iri == ARTICLE
    assert article.article_id == "test-us-algeria"
    assert article.source == str(GOOD)


def test_article_node(graph: Graph) -> None:
    assert (ARTICLE, ns.RDF.type, DG.Article) in graph
    assert (ARTICLE, DG.date, Literal("2025-01-24", datatype=ns.XSD.date)) in graph
    assert (ARTICLE, DG.url, Literal("https://example.org/us-algeria")) in graph
    assert (ARTICLE, DG.publisher, ID["organization/defensescoop"]) in graph
    assert (ARTICLE, DG.author, ID["person/brandi-vincent"]) in graph


def test_countries_by_iso_code(graph: Graph) -> None:
    assert (USA, ns.RDF.type, DG.Country) in graph
    assert (USA, DG.isoCode, Literal("USA")) in graph
    assert (USA, DG.alias, Literal("Washington")) in graph
    assert (SUN, DG.historic, Literal(True)) in graph
    # France has no iso in the sheet: pycountry finds it by name
    assert (ID["country/FRA"], DG.isoCode, Literal("FRA")) in graph


def test_people_and_organisations(graph: Graph) -> None:
    assert {LANGLEY, CHANEGRIHA} <= set(graph.subjects(ns.RDF.type, DG.Official))
    assert (LANGLEY, ns.RDF.type, DG.Person) in graph
    assert (LANGLEY, DG.honorific, Literal("Gen.")) in graph
    assert (LANGLEY, DG.nationality, USA) in graph
    assert (LANGLEY, DG.wikidata, Literal("Q6834265")) in graph
    assert (LANGLEY, ns.OWL.sameAs, WD.Q6834265) in graph
    assert (CHANEGRIHA, DG.name, Literal("Saïd Chanegriha")) in graph
    africom = ID["organization/us-africa-command"]
    assert (africom, DG.organizationKind, concept("organization-kind", "military-command")) in graph
    assert (africom, DG.country, USA) in graph
    assert (ID["region/sahel"], DG.includes, DZA) in graph


def test_agreement(graph: Graph) -> None:
    mou = agreement_of(graph)
    assert str(mou).startswith(f"{ID}agreement/")
    assert (mou, ns.RDF.type, DG.Agreement) in graph
    assert set(graph.objects(mou, DG.party)) == {USA, DZA}
    assert (mou, DG.dateSigned, Literal("2025-01-22", datatype=ns.XSD.date)) in graph
    assert (mou, DG.placeSigned, DZA) in graph
    assert (mou, DG.legallyBinding, Literal(False)) in graph
    assert (mou, DG.coversArea, concept("area", "counterterrorism")) in graph
    jmc = ID["organization/us-algeria-joint-military-commission"]
    assert (mou, DG.establishes, jmc) in graph
    assert (jmc, DG.meetingFrequency, Literal("P1Y", datatype=ns.XSD.duration)) in graph
    assert (jmc, DG.firstMeeting, Literal("2025", datatype=ns.XSD.gYear)) in graph


def test_agreement_iri_is_a_hash_of_kind_parties_and_date(graph: Graph) -> None:
    parties = [str(USA), str(DZA)]
    assert agreement_of(graph) == fact_iri("agreement", "mou", parties, "2025-01-22")
    assert len(str(agreement_of(graph)).rsplit("/", 1)[1]) == 16


def test_signature_on_behalf_of(graph: Graph) -> None:
    mou = agreement_of(graph)
    signature = one(graph, DG.signatory, LANGLEY)
    assert (signature, ns.RDF.type, DG.Signature) in graph
    assert (signature, DG.agreement, mou) in graph
    assert (signature, DG.onBehalfOf, USA) in graph
    assert (signature, DG.date, Literal("2025-01-22", datatype=ns.XSD.date)) in graph
    other = one(graph, DG.signatory, CHANEGRIHA)
    assert (other, DG.onBehalfOf, DZA) in graph


def test_evidence_quote_claimant_and_confidence(graph: Graph) -> None:
    signature = one(graph, DG.signatory, LANGLEY)
    (evidence,) = graph.objects(signature, DG.evidence)
    assert (evidence, ns.RDF.type, DG.Evidence) in graph
    quote = "Gen. Michael Langley ... sign an MOU on Jan. 22, 2025"
    assert (evidence, DG.quote, Literal(quote)) in graph
    assert (evidence, DG.inArticle, ARTICLE) in graph
    assert (evidence, DG.claimant, Literal("U.S. Africa Command")) in graph
    (other,) = graph.objects(one(graph, DG.signatory, CHANEGRIHA), DG.evidence)
    (confidence,) = graph.objects(other, DG.confidence)
    assert isinstance(confidence, Literal)
    assert confidence.datatype == ns.XSD.decimal
    assert confidence.toPython() == Decimal("0.9")


def test_every_fact_has_evidence(graph: Graph) -> None:
    facts = [DG.Tenure, DG.Agreement, DG.Signature, DG.Commitment, DG.Influence, DG.Event]
    facts.append(DG.Relation)
    for cls in facts:
        nodes = set(graph.subjects(ns.RDF.type, cls))
        assert nodes, cls
        for node in nodes:
            assert set(graph.objects(node, DG.evidence)), node


def test_partial_dates_keep_their_precision(graph: Graph) -> None:
    tenure = one(graph, ns.RDF.type, DG.Tenure)
    assert (tenure, DG.startDate, Literal("2024-08", datatype=ns.XSD.gYearMonth)) in graph
    assert (tenure, DG.post, ID["post/commander-us-africa-command"]) in graph
    event = one(graph, ns.RDF.type, DG.Event)
    assert (event, DG.startDate, Literal("1967", datatype=ns.XSD.gYear)) in graph
    assert (event, DG.endDate, Literal("1974", datatype=ns.XSD.gYear)) in graph


def test_commitment_influence_relation(graph: Graph) -> None:
    commitment = one(graph, ns.RDF.type, DG.Commitment)
    assert (commitment, DG.agreement, agreement_of(graph)) in graph
    assert (commitment, DG.commitmentKind, concept("commitment-kind", "explore")) in graph
    assert (commitment, DG.status, concept("commitment-status", "undecided")) in graph
    assert (commitment, DG.dueDate, Literal("2025", datatype=ns.XSD.gYear)) in graph
    influence = one(graph, ns.RDF.type, DG.Influence)
    assert (influence, DG.influencer, ID["country/RUS"]) in graph
    assert (influence, DG.direction, concept("direction", "strengthening")) in graph
    (evidence,) = graph.objects(influence, DG.evidence)
    assert (evidence, DG.claimedBy, ID["person/martin-pimentel"]) in graph
    ruled = one(graph, DG.relationKind, concept("relation-kind", "ruled"))
    assert (ruled, DG.relationSubject, ID["country/FRA"]) in graph
    assert (ruled, DG.endDate, Literal("1962", datatype=ns.XSD.gYear)) in graph


def test_a_new_label_becomes_a_concept_with_a_warning(article: ArticleGraph) -> None:
    graph, cyber = article.graph, concept("area", "cyber-defence")
    assert (agreement_of(graph), DG.coversArea, cyber) in graph
    assert (cyber, ns.RDF.type, DG.CooperationArea) in graph
    assert (cyber, ns.SKOS.prefLabel, Literal("cyber Defence", lang="en")) in graph
    assert (cyber, ns.SKOS.notation, Literal("cyber-defence")) in graph
    (warning,) = article.warnings
    assert warning.severity == "warning"
    assert warning.path == "agreements[0].areas[2]"
    assert "new to the area scheme" in warning.message


def test_loading_twice_gives_the_same_graph() -> None:
    first = load_factsheet(GOOD, EntityIndex())
    second = load_factsheet(GOOD, EntityIndex())
    assert isomorphic(first.graph, second.graph)
    assert set(first.graph) == set(second.graph)  # no blank nodes: the very same triples


def test_json_and_yaml_give_the_same_graph(tmp_path: Path, graph: Graph) -> None:
    from loaders.source import parse_yaml

    data = parse_yaml(GOOD.read_text(), "good.yaml").data
    path = tmp_path / "good.json"
    path.write_text(json.dumps(data))
    assert set(load_factsheet(path, EntityIndex()).graph) == set(graph)


def test_origins_point_back_to_the_sheet(article: ArticleGraph) -> None:
    signature = one(article.graph, DG.signatory, LANGLEY)
    path, line = article.origins[signature]
    assert path == "agreements[0].signatories[0]"
    assert line == GOOD.read_text().splitlines().index("      - signatory: langley") + 1


def test_same_key_fields_are_kept_apart_with_a_warning() -> None:
    text = """\
article: {id: twice}
entities:
  - {id: usa, type: country, name: United States, iso: USA}
agreements:
  - {kind: mou, title: First, parties: [usa], evidence: {quote: a}}
  - {kind: mou, title: Second, parties: [usa], evidence: {quote: b}}
"""
    article = load_document(text, EntityIndex(), file="twice.yaml")[0]
    assert len(set(article.graph.subjects(ns.RDF.type, DG.MOU))) == 2
    (warning,) = article.warnings
    assert warning.path == "agreements[1]"
    assert "same key fields as agreements[0]" in warning.message


def test_dates_and_durations() -> None:
    assert date_literal("2025").datatype == ns.XSD.gYear
    assert date_literal("2025-01").datatype == ns.XSD.gYearMonth
    assert date_literal("2024-02-29").datatype == ns.XSD.date
    with pytest.raises(ValueError, match="February 2025 has 28 days"):
        date_literal("2025-02-29")
    assert duration_literal("annually") == Literal("P1Y", datatype=ns.XSD.duration)
    assert duration_literal("quarterly") == Literal("P3M", datatype=ns.XSD.duration)
    assert duration_literal("P2Y6M") == Literal("P2Y6M", datatype=ns.XSD.duration)
    with pytest.raises(ValueError):
        duration_literal("P")


def test_fact_iris_are_stable() -> None:
    assert canonical(["a", None, ["y", "x"]]) == "a\x1f\x1fx\x1ey"
    assert fact_iri("event", "a", ["x", "y"]) == fact_iri("event", "a", ["y", "x"])
    assert fact_iri("event", "a") != fact_iri("relation", "a")
    # pinned: changing the hashing would re-mint every IRI in every store
    assert fact_iri("agreement", "mou", [str(USA), str(DZA)], "2025-01-22") == URIRef(
        "https://w3id.org/diplograph/id/agreement/6adbefced86e5f19"
    )


def test_committed_json_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "loaders/factsheet.schema.json is stale: run `python -m loaders.schema`"
    )


def test_json_schema_accepts_the_fixture_and_rejects_typos() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from loaders.source import parse_yaml

    schema = factsheet_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = parse_yaml(GOOD.read_text(), "good.yaml").data
    jsonschema.validate(data, schema)
    data["article"]["titel"] = "typo"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
