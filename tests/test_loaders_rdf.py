"""RDF input: Turtle, JSON-LD, TriG, N-Quads become article graphs, checked with SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib import namespace as ns

from loaders import (
    ArticleGraph,
    EntityIndex,
    InvalidInputError,
    ParseError,
    ShapeError,
    load_document,
    load_factsheet,
    load_path,
    load_rdf,
)
from ontology.namespace import DG, ID

pytestmark = pytest.mark.filterwarnings("ignore:Dataset.*is deprecated:DeprecationWarning")

GOOD = Path(__file__).parent / "fixtures" / "loaders" / "good.yaml"
ARTICLE = ID["article/test-us-algeria"]

MINIMAL = """\
@prefix dg: <https://w3id.org/diplograph/ontology#> .
@prefix id: <https://w3id.org/diplograph/id/> .
<https://w3id.org/diplograph/id/article/mini> a dg:Article ; dg:title "Mini" .
<https://w3id.org/diplograph/id/country/DZA> a dg:Country ; dg:name "Algeria" ; dg:isoCode "DZA" .
"""


@pytest.fixture(scope="module")
def sheet_article() -> ArticleGraph:
    return load_factsheet(GOOD, EntityIndex())


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld"), (".ttl", "turtle")],
)
def test_round_trip_of_a_fact_sheet_through_every_format(
    sheet_article: ArticleGraph, tmp_path: Path, suffix: str, fmt: str
) -> None:
    path = tmp_path / f"article{suffix}"
    source = sheet_article.graph if fmt == "turtle" else sheet_article.dataset
    path.write_text(source.serialize(format=fmt))
    (article,) = load_rdf(path)
    assert article.iri == ARTICLE
    assert set(article.graph) == set(sheet_article.graph)
    assert [g.identifier for g in article.dataset.graphs() if len(g)] == [ARTICLE]
    assert article.source == str(path)


def test_entities_of_rdf_input_feed_the_index() -> None:
    (article,) = load_document(MINIMAL, EntityIndex(), file="mini.ttl")
    assert [r.iso for r in article.entities] == ["DZA"]


def test_several_articles_in_one_trig_file(sheet_article: ArticleGraph) -> None:
    dataset = Dataset()
    for triple in sheet_article.graph:
        dataset.graph(ARTICLE).add(triple)
    other = ID["article/mini"]
    for s, p, o in Graph().parse(data=MINIMAL, format="turtle"):
        dataset.graph(other).add((s, p, o))
    articles = load_document(dataset.serialize(format="trig"), EntityIndex(), file="two.trig")
    assert sorted(str(a.iri) for a in articles) == sorted([str(ARTICLE), str(other)])


def test_explicit_format_wins_over_the_extension() -> None:
    (article,) = load_document(MINIMAL, EntityIndex(), file="upload.txt", fmt="ttl")
    assert article.iri == ID["article/mini"]


def test_json_file_with_a_context_is_json_ld(sheet_article: ArticleGraph) -> None:
    text = sheet_article.graph.serialize(format="json-ld", context={"dg": str(DG._NS)})
    (article,) = load_document(text, EntityIndex(), file="article.json")
    assert article.iri == ARTICLE


def test_a_graph_needs_exactly_one_article() -> None:
    text = MINIMAL.replace('a dg:Article ; dg:title "Mini" .', 'dg:title "Mini" .')
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="none.ttl")
    (problem,) = caught.value.problems
    assert problem.message == "a graph must describe exactly one dg:Article (found: none)"


def test_named_graph_must_be_named_after_its_article() -> None:
    text = (
        "@prefix dg: <https://w3id.org/diplograph/ontology#> .\n"
        "<https://example.org/g> { <https://w3id.org/diplograph/id/article/x> a dg:Article . }\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="g.trig")
    (problem,) = caught.value.problems
    assert problem.path == "<https://example.org/g>"
    assert "must be named after its article" in problem.message


def test_triples_outside_named_graphs_are_refused() -> None:
    text = (
        "@prefix dg: <https://w3id.org/diplograph/ontology#> .\n"
        "<https://w3id.org/diplograph/id/article/x> {\n"
        "  <https://w3id.org/diplograph/id/article/x> a dg:Article . }\n"
        "<https://w3id.org/diplograph/id/article/x> dg:title 'stray' .\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="stray.trig")
    assert "outside any named graph" in caught.value.problems[0].message


def test_blank_nodes_are_refused() -> None:
    text = MINIMAL + (
        "<https://w3id.org/diplograph/id/relation/r> a dg:Relation ; dg:evidence "
        "[ a dg:Evidence ; dg:quote 'q' ;\n"
        "  dg:inArticle <https://w3id.org/diplograph/id/article/mini> ] .\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="b.ttl")
    assert "blank nodes" in caught.value.problems[0].message


def test_unknown_ontology_terms_are_refused_with_a_suggestion() -> None:
    text = MINIMAL.replace("dg:isoCode", "dg:isocode")
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="typo.ttl")
    (problem,) = caught.value.problems
    assert problem.message == "dg:isocode is not in the ontology; did you mean 'isoCode'?"


def test_rdf_input_is_checked_with_shacl() -> None:
    text = MINIMAL.replace('dg:isoCode "DZA"', 'dg:isoCode "DZ"')
    with pytest.raises(ShapeError) as caught:
        load_document(text, EntityIndex(), file="shape.ttl")
    (problem,) = caught.value.problems
    assert problem.path == "id:country/DZA"
    assert problem.message.startswith("dg:isoCode: a country needs exactly one ISO 3166")


def test_ill_typed_date_in_rdf_is_a_shape_error() -> None:
    text = MINIMAL.replace(
        'dg:title "Mini" .',
        'dg:title "Mini" ; dg:date "2025-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .',
    )
    with pytest.raises(ShapeError) as caught:
        load_document(text, EntityIndex(), file="date.ttl")
    assert caught.value.problems[0].message.startswith("dg:date:")


@pytest.mark.parametrize(
    ("text", "file", "line"),
    [
        ("<a> <b> .\n", "x.nt", 1),
        ("@prefix dg: <x#> .\n\ndg:a dg:b [ .\n", "x.ttl", 3),
        ('{"@context": {}, ', "x.jsonld", 1),
        ("<http://a> <http://b> <http://c> <http://g> .\n<a> x\n", "x.nq", None),
    ],
)
def test_malformed_rdf(text: str, file: str, line: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        load_document(text, EntityIndex(), file=file)
    (problem,) = caught.value.problems
    assert problem.message.startswith("malformed ")
    if line is not None:
        assert problem.line == line


def test_rdf_type_of_a_node_stays_as_written(sheet_article: ArticleGraph, tmp_path: Path) -> None:
    path = tmp_path / "a.trig"
    path.write_text(sheet_article.dataset.serialize(format="trig"))
    (article,) = load_path(path, EntityIndex())
    assert (URIRef(ID["country/SUN"]), ns.RDF.type, DG.Country) in article.graph
