"""The GraphStore facade over a real Oxigraph and an in-memory projection sink.

The same scenarios against a real Neo4j are in ``tests/test_store_contract.py``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from graph.errors import GraphError, InvalidData, NotFound, StoreUnavailable
from graph.model import GraphSnapshot
from graph.rdf.store import OxigraphStore
from graph.rules.records import touched_subjects
from graph.writer import GraphStore, graph_touched
from ontology.namespace import DG
from tests.storeutil import (
    Article,
    MemoryProjection,
    algeria_russia,
    country,
    dataset,
    nquads_lines,
    person,
    us_algeria,
)

A1, A2 = us_algeria(), algeria_russia()
USA, DZA, RUS = (str(country(c)) for c in ("USA", "DZA", "RUS"))


@pytest.fixture(params=["memory", "disk"])
def rdf(request: pytest.FixtureRequest, tmp_path: Path) -> OxigraphStore:
    """An empty Oxigraph store."""
    return OxigraphStore(tmp_path / "rdf" if request.param == "disk" else None)


@pytest.fixture
def projection() -> MemoryProjection:
    """An empty in-memory projection."""
    return MemoryProjection()


@pytest.fixture
def store(rdf: OxigraphStore, projection: MemoryProjection) -> GraphStore:
    """A GraphStore writing both."""
    return GraphStore(rdf, projection)


def assert_in_step(store: GraphStore, projection: MemoryProjection) -> None:
    """The incrementally maintained projection equals a rebuild from scratch."""
    incremental = projection.dump()
    store.sync()
    assert projection.dump() == incremental


def test_load_writes_both_stores(store: GraphStore, projection: MemoryProjection) -> None:
    result = store.load_articles(dataset(A1, A2))
    assert set(result.articles) == {str(A1.iri), str(A2.iri)}
    assert result.triples == len(A1.graph) + len(A2.graph)
    assert result.nodes == 14 and result.relationships == 19
    stats = store.stats()
    assert stats.rdf.triples == result.triples and stats.rdf.articles == 2
    assert stats.projection is not None and stats.projection.nodes == len(projection.nodes)
    assert_in_step(store, projection)


def test_reloading_is_a_no_op(store: GraphStore, projection: MemoryProjection) -> None:
    store.load_articles(dataset(A1, A2))
    rdf_before, graph_before = nquads_lines(store.rdf.dump()), projection.dump()
    store.load_articles(dataset(A2, A1))
    assert nquads_lines(store.rdf.dump()) == rdf_before
    assert projection.dump() == graph_before


def test_shared_entity_is_one_node_with_both_sources(
    store: GraphStore, projection: MemoryProjection
) -> None:
    store.load_articles(dataset(A1))
    store.load_articles(dataset(A2))
    _labels, props = projection.nodes[DZA]
    assert props["sources"] == sorted([str(A1.iri), str(A2.iri)])
    assert props["alias"] == ["Algiers", "People's Democratic Republic of Algeria"]
    assert_in_step(store, projection)


def test_retraction_keeps_what_other_articles_support(
    store: GraphStore, projection: MemoryProjection
) -> None:
    store.load_articles(dataset(A1, A2))
    store.retract_article(str(A1.iri))
    assert [a.iri for a in store.rdf.articles()] == [str(A2.iri)]
    assert projection.nodes[DZA][1]["sources"] == [str(A2.iri)]
    assert projection.nodes[DZA][1]["alias"] == ["People's Democratic Republic of Algeria"]
    assert USA not in projection.nodes
    assert str(person("michael-langley")) not in projection.nodes
    types = {r[1] for r in projection.rels}
    assert "CLOSE_TO" in types and "RULED" not in types and "PARTY" not in types
    (influence,) = [p for labels, p in projection.nodes.values() if "Influence" in labels]
    assert influence["quotes"] == ["Russia supplies most of Algeria's arms"]
    assert_in_step(store, projection)
    store.retract_article(str(A2.iri))
    assert projection.nodes == {} and projection.rels == []


def test_retracting_an_unknown_article_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFound):
        store.retract_article("https://w3id.org/diplograph/id/article/nope")


def test_a_changed_article_replaces_its_facts(
    store: GraphStore, projection: MemoryProjection
) -> None:
    store.load_articles(dataset(A1, A2))
    changed = Article("algeria-russia", "Algeria and Russia", "2025-02-01")
    changed.country("DZA", "Algeria")
    changed.country("RUS", "Russia", "Moscow")
    changed.relation(country("RUS"), country("DZA"), "partner-of", "partners")
    store.load_articles(dataset(changed))
    types = {r[1] for r in projection.rels}
    assert "PARTNER_OF" in types and "CLOSE_TO" not in types
    (influence,) = [p for labels, p in projection.nodes.values() if "Influence" in labels]
    assert influence["sources"] == [str(A1.iri)]
    assert_in_step(store, projection)


@pytest.mark.parametrize("seed", range(5))
def test_random_loads_and_retractions_stay_in_step(seed: int) -> None:
    projection = MemoryProjection()
    store = GraphStore(OxigraphStore(), projection)
    rng = random.Random(seed)
    variants = [us_algeria(), algeria_russia(), *(_variant(rng, n) for n in range(8))]
    for _ in range(30):
        article = rng.choice(variants)
        if store.rdf.has_graph(str(article.iri)) and rng.random() < 0.3:
            store.retract_article(str(article.iri))
        else:
            store.load_articles(dataset(article))
        assert_in_step(store, projection)


def _variant(rng: random.Random, number: int) -> Article:
    """A random article over a small pool of countries (ids collide so graphs get replaced)."""
    article = Article(f"random-{number % 4}", f"Random {number}")
    pool = ["USA", "DZA", "RUS", "FRA", "MLI"]
    for _ in range(rng.randint(1, 4)):
        a, b = rng.sample(pool, 2)
        first, second = article.country(a, a.title()), article.country(b, b.title())
        kind = rng.choice(["close-to", "rival-of", "ruled"])
        article.relation(first, second, kind, f"{a} {kind} {b}")
        if rng.random() < 0.5:
            article.agreement([first, second], "2024-05-01", f"{a}-{b}", ["exercises"], "signed")
    return article


# ---------------------------------------------------------------------- failures


def test_projection_failure_restores_the_rdf_store(rdf: OxigraphStore) -> None:
    projection = MemoryProjection()
    store = GraphStore(rdf, projection)
    store.load_articles(dataset(A1))
    rdf_before, graph_before = nquads_lines(rdf.dump()), projection.dump()
    projection.fail = StoreUnavailable("Neo4j went away")
    changed = Article("us-algeria-mou", "Changed")
    with pytest.raises(StoreUnavailable):
        store.load_articles(dataset(changed, A2))
    with pytest.raises(StoreUnavailable):
        store.retract_article(str(A1.iri))
    assert nquads_lines(rdf.dump()) == rdf_before
    assert projection.dump() == graph_before
    projection.fail = RuntimeError("a bug")
    with pytest.raises(RuntimeError):
        store.load_articles(dataset(A2))
    assert nquads_lines(rdf.dump()) == rdf_before


class _UnrestorableStore(OxigraphStore):
    """An RDF store whose restore fails."""

    def restore(self, snapshot: GraphSnapshot) -> None:
        raise OSError("disk full")


def test_failed_restore_says_the_stores_may_disagree() -> None:
    store = GraphStore(_UnrestorableStore(), MemoryProjection(fail=StoreUnavailable("down")))
    with pytest.raises(GraphError, match="sync"):
        store.load_articles(dataset(A1))


def test_unavailable_projection_is_detected_before_writing(rdf: OxigraphStore) -> None:
    projection = MemoryProjection()
    projection.check = _raise_unavailable  # type: ignore[method-assign]
    store = GraphStore(rdf, projection)
    with pytest.raises(StoreUnavailable):
        store.load_articles(dataset(A1))
    assert rdf.counts().triples == 0


def _raise_unavailable() -> None:
    raise StoreUnavailable("down")


def test_triples_outside_article_graphs_are_refused(store: GraphStore) -> None:
    data = dataset(A1)
    data.default_graph.add((URIRef("https://example.org/x"), DG.name, Literal("stray")))
    with pytest.raises(InvalidData, match="default graph"):
        store.load_articles(data)
    assert store.rdf.counts().triples == 0


# ---------------------------------------------------------------------- no projection, sync


def test_without_projection_only_rdf_is_written(rdf: OxigraphStore) -> None:
    store = GraphStore(rdf)
    result = store.load_articles(dataset(A1))
    assert result.nodes == 0 and rdf.counts().articles == 1
    assert store.stats().projection is None
    with pytest.raises(GraphError):
        store.sync()
    assert store.load_articles(Dataset()).articles == ()


def test_sync_reports_progress(rdf: OxigraphStore, projection: MemoryProjection) -> None:
    store = GraphStore(rdf, projection, sync_batch=7)
    store.load_articles(dataset(A1, A2))
    calls: list[tuple[int, int]] = []
    counts = store.sync(on_progress=lambda done, total: calls.append((done, total)))
    total = len(rdf.subjects())
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert counts.nodes == len(projection.nodes)


def test_load_graphs_by_iri(store: GraphStore, projection: MemoryProjection) -> None:
    graphs: Mapping[str, Graph] = {str(A1.iri): A1.graph, "https://example.org/empty": Graph()}
    result = store.load_graphs(graphs)
    assert result.articles == (str(A1.iri),)
    assert USA in projection.nodes


def test_touched_subjects_of_new_content_come_from_memory(rdf: OxigraphStore) -> None:
    """What a load recomputes for its new graphs equals reading them back from the store."""
    articles = [A1, A2, _variant(random.Random(7), 1)]
    rdf.replace_graphs({str(a.iri): a.graph for a in articles})
    for article in articles:
        read_back = touched_subjects(rdf.graph_quads(str(article.iri)))
        assert graph_touched(article.graph) == read_back
        assert all(type(s) is str for s in graph_touched(article.graph))


def test_touched_subjects_of_former_content_come_from_the_snapshot(rdf: OxigraphStore) -> None:
    articles = [A1, A2, _variant(random.Random(3), 2)]
    rdf.replace_graphs({str(a.iri): a.graph for a in articles})
    before = set().union(*(touched_subjects(rdf.graph_quads(str(a.iri))) for a in articles))
    snapshot = rdf.drop_graphs([str(a.iri) for a in articles] + ["https://example.org/none"])
    assert rdf.touched_subjects(snapshot) == before != set()


def test_bulk_loads_into_an_empty_store_stay_in_step(
    rdf: OxigraphStore, projection: MemoryProjection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads read from the in-memory copy of a bulk load project what a sync reads from disk."""
    monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 0)
    monkeypatch.setattr("graph.writer.LOAD_BATCH", 3)
    store = GraphStore(rdf, projection)
    store.load_articles(dataset(A1, A2))
    assert_in_step(store, projection)
    store.retract_article(str(A2.iri))
    store.load_articles(dataset(A1, A2))  # a reload: the store holds no other graph
    assert_in_step(store, projection)
    store.load_articles(dataset(_variant(random.Random(5), 3)))  # others are there now
    assert_in_step(store, projection)
