"""The networkx view: rebuilt when the store changes, updated in place from a step delta."""

from __future__ import annotations

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.nx.view import NxView
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from ontology.namespace import DG, ID

KIND = URIRef("https://w3id.org/diplograph/vocab/relation-kind/partner-of")


def article(name: str, pairs: list[tuple[str, str]]) -> Dataset:
    """One article graph with countries joined by partner-of relations."""
    dataset = Dataset()
    iri = ID[f"article/{name}"]
    graph = dataset.graph(iri)
    graph.add((iri, RDF.type, DG.Article))
    for a, b in pairs:
        for code in (a, b):
            graph.add((ID[f"country/{code}"], RDF.type, DG.Country))
            graph.add((ID[f"country/{code}"], DG.name, Literal(code)))
        relation = ID[f"relation/{a}-{b}"]
        graph.add((relation, RDF.type, DG.Relation))
        graph.add((relation, DG.relationSubject, ID[f"country/{a}"]))
        graph.add((relation, DG.relationObject, ID[f"country/{b}"]))
        graph.add((relation, DG.relationKind, KIND))
    return dataset


def test_view_is_rebuilt_when_the_store_changes() -> None:
    rdf = OxigraphStore()
    store = GraphStore(rdf)
    store.load_articles(article("one", [("AAA", "BBB")]))
    view = NxView.of_store(rdf)
    first = view.current()
    assert len(first.steps) == 1
    assert view.current() is first  # unchanged store: same snapshot
    store.load_articles(article("two", [("BBB", "CCC")]))
    second = view.current()
    assert second is not first and len(second.steps) == 2
    assert second.entities[str(ID["country/CCC"])].name == "CCC"
    store.retract_article(str(ID["article/one"]))
    assert len(view.current().steps) == 1


def test_apply_touched_matches_a_full_rebuild() -> None:
    rdf = OxigraphStore()
    store = GraphStore(rdf)
    store.load_articles(article("one", [("AAA", "BBB"), ("BBB", "CCC")]))
    view = NxView.of_store(rdf)
    view.current()
    result = store.load_articles(article("two", [("CCC", "DDD")]))
    assert result.articles
    touched = {str(s) for s, _, _ in article("two", [("CCC", "DDD")]).graph(ID["article/two"])}
    view.apply_touched(touched)
    applied = view.current()
    full = NxView.of_store(rdf).current()
    assert sorted(applied.steps) == sorted(full.steps) != []
    assert applied is view.current()  # stamped with the store's generation: no rebuild
