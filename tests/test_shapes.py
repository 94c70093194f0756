"""ontology/shapes.ttl accepts good article graphs and rejects each kind of broken one."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from loaders import EntityIndex, Problem, load_factsheet, shacl_problems
from ontology.namespace import DG, ID

GOOD = Path(__file__).parent / "fixtures" / "loaders" / "good.yaml"
LANGLEY = ID["person/michael-langley"]
DZA = ID["country/DZA"]

Edit = Callable[[Graph], None]


@pytest.fixture(scope="module")
def base() -> Graph:
    return load_factsheet(GOOD, EntityIndex(), shacl=False).graph


def broken(base: Graph, edit: Edit) -> list[Problem]:
    graph = Graph()
    for triple in base:
        graph.add(triple)
    edit(graph)
    return shacl_problems(graph, "t.ttl")


def first(graph: Graph, cls: URIRef) -> URIRef:
    node = URIRef(sorted(str(s) for s in graph.subjects(ns.RDF.type, cls))[0])
    return node


def drop(cls: URIRef, prop: URIRef) -> Edit:
    def edit(graph: Graph) -> None:
        graph.remove((first(graph, cls), prop, None))

    return edit


def put(cls: URIRef, prop: URIRef, value: Literal | URIRef) -> Edit:
    def edit(graph: Graph) -> None:
        node = first(graph, cls)
        graph.remove((node, prop, None))
        graph.add((node, prop, value))

    return edit


def assert_rejected(problems: list[Problem], prop: str, text: str) -> None:
    assert problems, "the broken graph was accepted"
    messages = [p.message for p in problems]
    assert any(m.startswith(f"{prop}:") and text in m for m in messages), messages


def test_good_article_conforms(base: Graph) -> None:
    assert shacl_problems(base, "t.ttl") == []


def test_actors_need_a_name(base: Graph) -> None:
    problems = broken(base, drop(DG.Person, DG.name))
    assert_rejected(problems, "dg:name", "needs exactly one dg:name")
    assert problems[0].path.startswith("id:person/")


def test_actors_have_one_name_only(base: Graph) -> None:
    def edit(graph: Graph) -> None:
        graph.add((DZA, DG.name, Literal("People's Democratic Republic of Algeria")))

    assert_rejected(broken(base, edit), "dg:name", "exactly one dg:name")


def test_country_iso_code_pattern(base: Graph) -> None:
    problems = broken(base, put(DG.Country, DG.isoCode, Literal("dz")))
    assert_rejected(problems, "dg:isoCode", "three capital letters")


def test_country_needs_an_iso_code(base: Graph) -> None:
    assert_rejected(broken(base, drop(DG.Country, DG.isoCode)), "dg:isoCode", "alpha-3")


def test_agreement_needs_a_party(base: Graph) -> None:
    assert_rejected(broken(base, drop(DG.MOU, DG.party)), "dg:party", "at least one party")


@pytest.mark.parametrize(
    ("prop", "text"),
    [(DG.signatory, "exactly one signatory"), (DG.agreement, "exactly one agreement")],
)
def test_signature_needs_signatory_and_agreement(base: Graph, prop: URIRef, text: str) -> None:
    problems = broken(base, drop(DG.Signature, prop))
    assert_rejected(problems, f"dg:{prop.rsplit('#', 1)[1]}", text)


def test_signatory_is_a_person(base: Graph) -> None:
    problems = broken(base, put(DG.Signature, DG.signatory, DZA))
    assert_rejected(problems, "dg:signatory", "a dg:Person")


@pytest.mark.parametrize(
    ("prop", "text"),
    [
        (DG.influencer, "exactly one influencer"),
        (DG.influenced, "exactly one influenced"),
        (DG.influenceKind, "exactly one influence kind"),
    ],
)
def test_influence_needs_influencer_influenced_and_kind(
    base: Graph, prop: URIRef, text: str
) -> None:
    problems = broken(base, drop(DG.Influence, prop))
    assert_rejected(problems, f"dg:{prop.rsplit('#', 1)[1]}", text)


def test_influence_direction_is_one_of_two(base: Graph) -> None:
    problems = broken(base, put(DG.Influence, DG.direction, ID["direction/sideways"]))
    assert problems and problems[0].message.startswith("dg:direction:")


@pytest.mark.parametrize(
    "cls",
    [
        DG.Tenure,
        DG.Agreement,
        DG.Signature,
        DG.Commitment,
        DG.Influence,
        DG.Event,
        DG.Relation,
    ],
)
def test_every_fact_needs_evidence(base: Graph, cls: URIRef) -> None:
    problems = broken(base, drop(cls, DG.evidence))
    assert_rejected(problems, "dg:evidence", "at least one dg:evidence")


@pytest.mark.parametrize(
    ("prop", "text"), [(DG.quote, "exactly one quote"), (DG.inArticle, "dg:inArticle")]
)
def test_evidence_needs_quote_and_article(base: Graph, prop: URIRef, text: str) -> None:
    problems = broken(base, drop(DG.Evidence, prop))
    assert any(text in p.message for p in problems), problems


def test_evidence_of_a_fact_is_checked_even_if_untyped(base: Graph) -> None:
    def edit(graph: Graph) -> None:
        relation = first(graph, DG.Relation)
        evidence = graph.value(relation, DG.evidence)
        graph.remove((evidence, None, None))

    problems = broken(base, edit)
    assert_rejected(problems, "dg:evidence", "evidence needs exactly one quote")


@pytest.mark.parametrize(
    ("cls", "prop"),
    [
        (DG.Tenure, DG.startDate),
        (DG.Event, DG.endDate),
        (DG.MOU, DG.dateSigned),
        (DG.Signature, DG.date),
        (DG.Commitment, DG.dueDate),
        (DG.Article, DG.date),
    ],
)
def test_dates_are_partial_date_literals(base: Graph, cls: URIRef, prop: URIRef) -> None:
    problems = broken(base, put(cls, prop, Literal("January 2025")))
    name = f"dg:{prop.rsplit('#', 1)[1]}"
    assert_rejected(problems, name, "xsd:date, xsd:gYearMonth, xsd:gYear or dg:edtf")


def test_ill_typed_dates_are_rejected(base: Graph) -> None:
    problems = broken(base, put(DG.MOU, DG.dateSigned, Literal("2025-02-30", datatype=ns.XSD.date)))
    assert_rejected(problems, "dg:dateSigned", "xsd:date")


@pytest.mark.parametrize("value", [Decimal("1.5"), Decimal("-0.1")])
def test_confidence_is_between_0_and_1(base: Graph, value: Decimal) -> None:
    problems = broken(base, put(DG.Evidence, DG.confidence, Literal(value)))
    assert_rejected(problems, "dg:confidence", "from 0 to 1")


def test_confidence_edges_are_accepted(base: Graph) -> None:
    for value in (Decimal("0"), Decimal("1"), Literal(0.5)):
        literal = value if isinstance(value, Literal) else Literal(value)
        assert broken(base, put(DG.Evidence, DG.confidence, literal)) == []


@pytest.mark.parametrize(
    ("prop", "text"), [(DG.holder, "exactly one holder"), (DG.post, "exactly one post")]
)
def test_tenure_needs_holder_and_post(base: Graph, prop: URIRef, text: str) -> None:
    problems = broken(base, drop(DG.Tenure, prop))
    assert_rejected(problems, f"dg:{prop.rsplit('#', 1)[1]}", text)


@pytest.mark.parametrize(
    ("prop", "text"),
    [
        (DG.relationSubject, "exactly one subject"),
        (DG.relationObject, "exactly one object"),
        (DG.relationKind, "exactly one relation kind"),
    ],
)
def test_relation_needs_subject_object_and_kind(base: Graph, prop: URIRef, text: str) -> None:
    problems = broken(base, drop(DG.Relation, prop))
    assert_rejected(problems, f"dg:{prop.rsplit('#', 1)[1]}", text)


def test_event_needs_a_kind(base: Graph) -> None:
    assert_rejected(broken(base, drop(DG.Event, DG.eventKind)), "dg:eventKind", "event kind")


def test_commitment_needs_a_kind(base: Graph) -> None:
    problems = broken(base, drop(DG.Commitment, DG.commitmentKind))
    assert_rejected(problems, "dg:commitmentKind", "commitment kind")


def test_meeting_frequency_is_a_duration(base: Graph) -> None:
    def edit(graph: Graph) -> None:
        body = next(graph.subjects(DG.meetingFrequency, None))
        graph.set((body, DG.meetingFrequency, Literal("annually")))

    assert_rejected(broken(base, edit), "dg:meetingFrequency", "xsd:duration")


def test_an_official_is_also_a_person(base: Graph) -> None:
    def edit(graph: Graph) -> None:
        graph.remove((LANGLEY, ns.RDF.type, DG.Person))

    problems = broken(base, edit)
    assert any("also typed dg:Person" in p.message for p in problems), problems


def test_legally_binding_is_a_boolean(base: Graph) -> None:
    problems = broken(base, put(DG.MOU, DG.legallyBinding, Literal("no")))
    assert problems and problems[0].message.startswith("dg:legallyBinding:")


def test_problems_of_sheet_output_point_at_the_sheet() -> None:
    article = load_factsheet(GOOD, EntityIndex(), shacl=False)
    signature = first(article.graph, DG.Signature)
    article.graph.remove((signature, DG.signatory, None))
    (problem,) = shacl_problems(article.graph, article.source, article.origins)
    assert problem.path.startswith("agreements[0].signatories[")
    assert problem.line is not None


@pytest.mark.parametrize(
    ("cls", "prop"), [(DG.Tenure, DG.startDate), (DG.Event, DG.pointInTime), (DG.MOU, DG.asOf)]
)
def test_edtf_dates_conform_and_edtf_typed_garbage_does_not(
    base: Graph, cls: URIRef, prop: URIRef
) -> None:
    assert broken(base, put(cls, prop, Literal("2021-09~/..", datatype=DG.edtf))) == []
    problems = broken(base, put(cls, prop, Literal("late 2020", datatype=DG.edtf)))
    assert_rejected(problems, f"dg:{prop.rsplit('#', 1)[1]}", "or dg:edtf literal")
