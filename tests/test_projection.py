"""The pure RDF → property-graph projection (docs/data-model.md, "Neo4j projection")."""

from __future__ import annotations

import random

import pytest
from rdflib import Literal

from graph.model import Lit, NodeRecord, QuadRow, RelRecord
from graph.rules.naming import (
    camel_case,
    labels_of,
    literal_value,
    relationship_type,
    upper_snake,
)
from graph.rules.records import (
    FALLBACK_RELATION_TYPE,
    Projected,
    dependencies,
    gather,
    project,
    touched_subjects,
)
from ontology.namespace import DG, ID, concept
from tests.storeutil import Article, algeria_russia, country, organization, person, us_algeria

A1 = str(ID["article/us-algeria-mou"])
A2 = str(ID["article/algeria-russia"])
DZA, USA, RUS, FRA = (str(country(c)) for c in ("DZA", "USA", "RUS", "FRA"))


def xsd(name: str) -> str:
    """An XSD datatype IRI (rdflib's XSD namespace object upsets pytest's collection)."""
    return f"http://www.w3.org/2001/XMLSchema#{name}"


def rows(*articles: Article) -> list[QuadRow]:
    """The quads of some articles, as the RDF store returns them."""
    out = []
    for article in articles:
        for s, p, o in article.graph:
            obj: str | Lit
            if isinstance(o, Literal):
                datatype = str(o.datatype) if o.datatype else xsd("string")
                if o.language:
                    datatype = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
                obj = Lit(str(o), datatype, o.language)
            else:
                obj = str(o)
            out.append(QuadRow(str(s), str(p), obj, str(article.iri)))
    return out


def project_all(*articles: Article) -> Projected:
    """Project every subject of the articles."""
    quads = rows(*articles)
    return project(touched_subjects(quads), quads)


def node(projected: Projected, uri: str) -> NodeRecord:
    """The node record of ``uri``."""
    (found,) = [n for n in projected.nodes if n.uri == uri]
    return found


def rels(projected: Projected, rel_type: str) -> list[RelRecord]:
    """Relationship records of one type."""
    return [r for r in projected.relationships if r.type == rel_type]


# ---------------------------------------------------------------------- naming


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("onBehalfOf", "ON_BEHALF_OF"),
        ("coversArea", "COVERS_AREA"),
        ("party", "PARTY"),
        ("close-to", "CLOSE_TO"),
        ("ruled", "RULED"),
        ("inScheme", "IN_SCHEME"),
        ("at-war-with", "AT_WAR_WITH"),
    ],
)
def test_upper_snake(name: str, expected: str) -> None:
    assert upper_snake(name) == expected


def test_camel_case_and_relationship_type() -> None:
    assert camel_case("isoCode") == "isoCode"
    assert camel_case("close-to") == "closeTo"
    assert camel_case("prefLabel") == "prefLabel"
    assert relationship_type(str(DG.onBehalfOf)) == "ON_BEHALF_OF"
    assert relationship_type("http://example.org/9lives") is None


def test_labels_from_dg_types_and_skos_concept() -> None:
    dg = "https://w3id.org/diplograph/ontology#"
    assert labels_of([dg + "Person", dg + "Official"]) == ("Resource", "Official", "Person")
    assert labels_of([dg + "MOU", dg + "Agreement"]) == ("Resource", "Agreement", "MOU")
    skos = "http://www.w3.org/2004/02/skos/core#Concept"
    assert labels_of([skos, dg + "CooperationArea"]) == ("Resource", "Concept", "CooperationArea")
    assert labels_of(["https://schema.org/Country", dg + "bad label"]) == ("Resource",)


def test_literal_values() -> None:
    assert literal_value(Lit("true", xsd("boolean"))) is True
    assert literal_value(Lit("0", xsd("boolean"))) is False
    assert literal_value(Lit("42", xsd("integer"))) == 42
    assert literal_value(Lit("0.75", xsd("decimal"))) == 0.75
    assert literal_value(Lit("2025", xsd("gYear"))) == "2025"
    assert literal_value(Lit("2025-01-22", xsd("date"))) == "2025-01-22"
    assert literal_value(Lit("P1Y", xsd("duration"))) == "P1Y"
    assert literal_value(Lit("many", xsd("integer"))) == "many"
    assert literal_value(Lit(str(2**70), xsd("integer"))) == str(2**70)


# ---------------------------------------------------------------------- nodes


def test_nodes_labels_and_properties() -> None:
    projected = project_all(us_algeria())
    usa = node(projected, USA)
    assert usa.labels == ("Resource", "Country")
    assert usa.properties["name"] == "United States"
    assert usa.properties["isoCode"] == "USA"
    assert usa.properties["alias"] == ["U.S.", "Washington"]
    assert usa.properties["wikidata"] == "Q30"
    assert usa.properties["sameAs"] == ["http://www.wikidata.org/entity/Q30"]
    assert usa.properties["sources"] == [A1]
    assert usa.properties["uri"] == USA
    langley = node(projected, str(person("michael-langley")))
    assert langley.labels == ("Resource", "Official", "Person")
    mou = next(n for n in projected.nodes if "MOU" in n.labels)
    assert mou.labels == ("Resource", "Agreement", "MOU")
    assert mou.properties["legallyBinding"] is False
    assert mou.properties["dateSigned"] == "2025-01-22"
    area = node(projected, str(concept("area", "cyber-defence")))
    assert area.labels == ("Resource", "Concept", "CooperationArea")
    assert area.properties["prefLabel"] == "cyber defence"


def test_evidence_and_relation_nodes_are_not_nodes() -> None:
    projected = project_all(us_algeria())
    assert not [n for n in projected.nodes if "/evidence/" in n.uri or "/relation/" in n.uri]
    assert not [r for r in projected.relationships if r.type in {"EVIDENCE", "IN_ARTICLE"}]


def test_every_value_is_a_primitive_or_homogeneous_list() -> None:
    projected = project_all(us_algeria(), algeria_russia())
    records: list[NodeRecord | RelRecord] = [*projected.nodes, *projected.relationships]
    for record in records:
        assert "sources" in record.properties, record
        for key, value in record.properties.items():
            assert value is not None, (record.uri, key)
            if isinstance(value, list):
                assert value, (record, key)
                assert len({type(v) for v in value}) == 1, (record, key)
            else:
                assert isinstance(value, str | int | float | bool), (record, key)


def test_multi_article_values_merge_deterministically() -> None:
    projected = project_all(us_algeria(), algeria_russia())
    dza = node(projected, DZA)
    assert dza.properties["sources"] == sorted([A1, A2])
    assert dza.properties["alias"] == ["Algiers", "People's Democratic Republic of Algeria"]
    assert dza.properties["name"] == "Algeria"


def test_single_valued_property_takes_the_value_most_articles_state() -> None:
    first, second, third = Article("a"), Article("b"), Article("c")
    first.country("DZA", "Algeria")
    second.country("DZA", "Algeria")
    third.country("DZA", "Algérie")
    assert node(project_all(first, second, third), DZA).properties["name"] == "Algeria"
    assert node(project_all(third, first), DZA).properties["name"] == "Algeria"  # tie: lexical
    assert node(project_all(first, third), DZA).properties["name"] == "Algeria"


def test_projection_does_not_depend_on_quad_order() -> None:
    quads = rows(us_algeria(), algeria_russia())
    expected = project(touched_subjects(quads), quads)
    random.Random(7).shuffle(quads)
    assert project(touched_subjects(quads), quads) == expected


def test_a_value_with_several_lexical_forms_does_not_depend_on_quad_order() -> None:
    """Equal values written differently ("1.0" and "1.00") tie-break by their smallest form."""
    score = "https://example.org/score"
    decimal = xsd("decimal")
    quads = [
        QuadRow(DZA, score, Lit("1.00", decimal), A1),
        QuadRow(DZA, score, Lit("1.0", decimal), A2),
        QuadRow(DZA, score, Lit("2.5", decimal), A1),
        QuadRow(DZA, score, Lit("2.5", decimal), A2),
        QuadRow(DZA, str(DG.alias), Lit("10", xsd("integer")), A1),
        QuadRow(DZA, str(DG.alias), Lit("x"), A1),
        QuadRow(DZA, str(DG.alias), Lit("010", xsd("integer")), A2),
    ]
    projections = set()
    for seed in range(10):
        random.Random(seed).shuffle(quads)
        properties = node(project([DZA], quads), DZA).properties
        projections.add((properties["score"], tuple(properties["alias"])))
    assert projections == {(1.0, ("010", "x"))}


# ---------------------------------------------------------------------- relationships


def test_iri_objects_become_relationships_with_sources() -> None:
    projected = project_all(us_algeria(), algeria_russia())
    parties = {(r.start, r.end) for r in rels(projected, "PARTY")}
    assert {end for _, end in parties} == {USA, DZA}
    behalf = rels(projected, "ON_BEHALF_OF")
    assert {r.end for r in behalf} == {USA, DZA}
    assert all(r.uri is None and r.properties == {"sources": [A1]} for r in behalf)
    influencer = rels(projected, "INFLUENCER")
    assert [r.properties["sources"] for r in influencer] == [sorted([A1, A2])]
    assert len(rels(projected, "COVERS_AREA")) == 3


def test_relation_nodes_become_one_typed_relationship() -> None:
    projected = project_all(us_algeria(), algeria_russia())
    (ruled,) = rels(projected, "RULED")
    assert (ruled.start, ruled.end) == (FRA, DZA)
    assert ruled.uri is not None and ruled.uri.startswith(str(ID["relation/"]))
    assert ruled.properties["uri"] == ruled.uri
    assert ruled.properties["kind"] == str(concept("relation-kind", "ruled"))
    assert ruled.properties["endDate"] == "1962"
    assert ruled.properties["quotes"] == ["French rule ended in 1962"]
    assert ruled.properties["sources"] == [A1]
    (close,) = rels(projected, "CLOSE_TO")
    assert (close.start, close.end) == (RUS, DZA)


def test_relation_without_usable_kind_gets_fallback_type() -> None:
    article = Article("x")
    relation = article.relation(country("USA"), country("DZA"), "9-odd", "quote")
    projected = project_all(article)
    (record,) = [r for r in projected.relationships if r.uri == str(relation)]
    assert record.type == FALLBACK_RELATION_TYPE


# ---------------------------------------------------------------------- evidence


def test_evidence_is_folded_onto_the_fact() -> None:
    projected = project_all(us_algeria())
    signatures = [n for n in projected.nodes if "Signature" in n.labels]
    by_quote = {n.properties["quotes"][0]: n.properties for n in signatures}  # type: ignore[index]
    langley = by_quote["Langley signed"]
    assert langley["claimants"] == ["U.S. Africa Command"]
    assert langley["claimedBy"] == [str(organization("africom"))]
    assert langley["sources"] == [A1]
    chanegriha = by_quote["Chanegriha signed"]
    assert chanegriha["claimants"] == ["a U.S. defense official"]
    assert "claimedBy" not in chanegriha


def test_evidence_from_two_articles_is_ordered_by_article_then_quote() -> None:
    projected = project_all(us_algeria(), algeria_russia())
    (influence,) = [n for n in projected.nodes if "Influence" in n.labels]
    assert influence.properties["sources"] == [A2, A1]
    assert influence.properties["quotes"] == [
        "Russia supplies most of Algeria's arms",  # algeria-russia < us-algeria-mou
        "relies on Russian equipment",
    ]


# ---------------------------------------------------------------------- subjects


def test_touched_subjects_include_relation_start_nodes() -> None:
    article = Article("x")
    relation = article.relation(country("FRA"), country("DZA"), "ruled", "quote")
    touched = touched_subjects(rows(article))
    assert {str(relation), FRA} <= touched
    assert DZA not in touched  # DZA is not described in this article


def test_gather_fetches_evidence_and_claimants() -> None:
    quads = rows(us_algeria())
    by_subject: dict[str, list[QuadRow]] = {}
    for quad in quads:
        by_subject.setdefault(str(quad.subject), []).append(quad)
    asked: list[list[str]] = []

    def fetch(subjects: object) -> list[QuadRow]:
        batch = list(subjects)  # type: ignore[call-overload]
        asked.append(batch)
        return [q for s in batch for q in by_subject.get(s, [])]

    signatures = sorted(s for s in by_subject if "/signature/" in s)
    gathered = gather(signatures, fetch)
    assert len(asked) == 3  # the signatures, their evidence, the claimant
    assert str(organization("africom")) in asked[2]
    assert dependencies(gathered) <= {q.subject for q in gathered}
    projected = project(signatures, gathered)
    assert {n.uri for n in projected.nodes} == set(signatures)
    assert {r.type for r in projected.relationships} == {"AGREEMENT", "SIGNATORY", "ON_BEHALF_OF"}
