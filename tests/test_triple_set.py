"""The fact-sheet load path collects triples without rdflib graphs: a TripleSet with the set
semantics of a Graph, and an rdflib view built only when a reader asks for one."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from loaders.batch import load_paths
from loaders.factsheet import load_factsheet
from loaders.index import EntityIndex
from ontology.namespace import DG
from ontology.triples import TripleSet

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "us-algeria-mou.yaml"
S, P = URIRef("https://example.org/s"), URIRef("https://example.org/p")


def test_a_triple_set_keeps_what_a_graph_keeps_in_the_order_first_added() -> None:
    triples = [
        (S, P, Literal("a")),
        (S, P, Literal("a", lang="en")),
        (S, P, Literal("a", lang="EN")),  # equal to the one before in rdflib: kept once
        (S, P, Literal("1", datatype=XSD.integer)),
        (S, P, Literal("01", datatype=XSD.integer)),  # the same value: rdflib's Literal equality
        (S, P, Literal("a")),
    ]
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    kept = TripleSet(triples)
    assert len(kept) == len(graph) == 3
    assert set(kept) == set(graph)
    assert list(kept) == [triples[0], triples[1], triples[3]]  # each as first added
    assert (S, P, Literal("a", lang="en")) in kept


def test_a_mapped_sheet_holds_no_rdflib_graph_until_asked() -> None:
    article = load_factsheet(EXAMPLE, EntityIndex())
    assert type(article.content) is TripleSet  # the stores read this: no Graph was built
    assert article.rdf is None
    graph = article.graph  # a reader that wants rdflib gets a Graph, built now
    assert set(graph) == set(article.content) and len(graph) == len(article)
    assert article.graph is not None and article.rdf is not None
    assert any(p == DG.signatory for _, p, _ in article.content)
    graph.remove((None, DG.signatory, None))  # changes to the view are the article's
    assert not any(p == DG.signatory for _, p, _ in article.content)


def test_a_batch_freezes_articles_into_tuples() -> None:
    result = load_paths([EXAMPLE], EntityIndex())
    (article,) = result.articles
    assert type(article.content) is tuple and article.rdf is None
    assert set(article.graph) == set(load_factsheet(EXAMPLE, EntityIndex()).content)
