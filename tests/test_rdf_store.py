"""The Oxigraph RDF store of record, in memory and on disk."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph.errors import InvalidData, QueryError, QueryTimeout, ResultTooLarge, WriteRejected
from graph.model import AskResult, ConstructResult, Lit, QuadRow, SelectResult
from graph.rdf.store import BULK_THRESHOLD, OxigraphStore
from ontology.namespace import DG
from tests.storeutil import (
    Article,
    algeria_russia,
    country,
    nquads_lines,
    person,
    synthetic,
    us_algeria,
)

A1, A2 = us_algeria(), algeria_russia()


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OxigraphStore]:
    """An empty store, in memory or in a temporary directory."""
    yield OxigraphStore(tmp_path / "rdf" if request.param == "disk" else None)


def load(store: OxigraphStore, *articles: Article) -> None:
    """Replace the articles' graphs."""
    store.replace_graphs({str(a.iri): a.graph for a in articles})


def test_replace_and_list_articles(store: OxigraphStore) -> None:
    load(store, A1, A2)
    infos = {info.iri: info for info in store.articles()}
    assert set(infos) == {str(A1.iri), str(A2.iri)}
    assert infos[str(A1.iri)].triples == len(A1.graph)
    assert infos[str(A1.iri)].title == "US, Algeria sign agreement"
    assert infos[str(A2.iri)].date == "2025-02-01"
    assert infos[str(A2.iri)].url == "https://news.example/algeria-russia"
    assert store.counts().triples == len(A1.graph) + len(A2.graph)
    assert store.counts().articles == 2


def test_replacing_the_same_graph_is_a_no_op(store: OxigraphStore) -> None:
    load(store, A1)
    before = nquads_lines(store.dump())
    snapshot = store.replace_graph(str(A1.iri), A1.graph)
    assert nquads_lines(store.dump()) == before
    assert snapshot.graphs[str(A1.iri)] is not None


def test_replace_changes_only_that_graph(store: OxigraphStore) -> None:
    load(store, A1, A2)
    smaller = Article("algeria-russia", "Algeria and Russia, corrected", "2025-02-01")
    smaller.country("DZA", "Algeria")
    store.replace_graph(str(smaller.iri), smaller.graph)
    assert {i.iri: i.triples for i in store.articles()} == {
        str(A1.iri): len(A1.graph),
        str(A2.iri): len(smaller.graph),
    }


def test_drop_and_restore_give_back_exactly_the_same_store(store: OxigraphStore) -> None:
    load(store, A1, A2)
    before = nquads_lines(store.dump())
    snapshot = store.drop_graph(str(A1.iri))
    assert [i.iri for i in store.articles()] == [str(A2.iri)]
    store.restore(snapshot)
    assert nquads_lines(store.dump()) == before
    snapshot = store.replace_graphs({str(A1.iri): A2.graph, "https://example.org/new": A1.graph})
    store.restore(snapshot)
    assert nquads_lines(store.dump()) == before


def test_a_failing_replace_changes_nothing(store: OxigraphStore) -> None:
    load(store, A1)
    before = nquads_lines(store.dump())
    relative = Graph()  # rdflib writes a relative IRI, Oxigraph refuses it
    relative.add((URIRef("https://example.org/a"), DG.partOf, URIRef("relative")))
    with pytest.raises(InvalidData):
        store.replace_graphs({str(A1.iri): A2.graph, str(A2.iri): relative})
    assert nquads_lines(store.dump()) == before
    unwritable = Graph()  # rdflib cannot write this IRI at all
    unwritable.add((URIRef("https://example.org/a b"), DG.name, Literal("space in IRI")))
    with pytest.raises(InvalidData):
        store.replace_graphs({str(A1.iri): A2.graph, str(A2.iri): unwritable})
    assert nquads_lines(store.dump()) == before
    with pytest.raises(InvalidData):
        store.replace_graph("not an iri", A2.graph)


def test_subject_quads_span_every_graph(store: OxigraphStore) -> None:
    load(store, A1, A2)
    quads = store.subject_quads([str(country("DZA")), str(country("DZA"))])
    assert {q.graph for q in quads} == {str(A1.iri), str(A2.iri)}
    assert {q.subject for q in quads} == {str(country("DZA"))}
    names = {q.object for q in quads if q.predicate == str(DG.name)}
    assert names == {Lit("Algeria")}
    assert store.subject_quads(["https://example.org/nothing"]) == []
    assert len(store.graph_quads(str(A2.iri))) == len(A2.graph)
    assert store.graph_quads("https://example.org/none") == []


def test_subject_quads_equal_the_store_quads(store: OxigraphStore) -> None:
    """The hot-path decoding gives the same rows as the generic term conversion."""
    load(store, A1, A2)
    subjects = store.subjects()
    rows = store.subject_quads(subjects)
    assert sorted(rows, key=repr) == sorted(
        (q for g in (A1, A2) for q in store.graph_quads(str(g.iri))), key=repr
    )


def test_cached_reads_serve_one_thread_until_the_next_write(store: OxigraphStore) -> None:
    load(store, A1)
    dza = str(country("DZA"))
    with store.cached_reads():
        first = store.subject_quads([dza])
        assert store.subject_quads([dza]) == first
        seen_elsewhere: list[int] = []
        worker = threading.Thread(
            target=lambda: seen_elsewhere.append(len(store.subject_quads([dza])))
        )
        worker.start()
        worker.join()
        assert seen_elsewhere == [len(first)]
        load(store, A1, A2)  # a write empties the cache
        assert {q.graph for q in store.subject_quads([dza])} == {str(A1.iri), str(A2.iri)}
    with store.cached_reads(), store.cached_reads():  # nested blocks share the outer cache
        assert len(store.subject_quads([dza])) > len(first)
    store.drop_graph(str(A2.iri))
    assert store.subject_quads([dza]) == first


def test_a_bulk_load_into_an_empty_store_is_read_from_memory_in_its_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 0)
    store = OxigraphStore(tmp_path / "rdf")
    other = _variant_article()
    with store.cached_reads():
        load(store, A1, A2)
        assert store._reader() is not store.pyoxigraph_store  # the in-memory copy
        subjects = store.subjects()
        from_memory = store.subject_quads(subjects)
        dza, party = str(country("DZA")), str(DG.party)
        referrers = store.referring_subjects([party], [dza])
        objects = store.subject_objects(subjects, [party])
        seen_elsewhere: list[list[QuadRow]] = []
        worker = threading.Thread(target=lambda: seen_elsewhere.append(store.subject_quads([dza])))
        worker.start()
        worker.join()
        load(store, other)  # a write drops the copy
        assert store._reader() is store.pyoxigraph_store
    on_disk = OxigraphStore(tmp_path / "again")
    load(on_disk, A1, A2)
    assert sorted(from_memory, key=repr) == sorted(on_disk.subject_quads(subjects), key=repr)
    assert referrers == on_disk.referring_subjects([party], [dza]) != set()
    assert objects == on_disk.subject_objects(subjects, [party]) != set()
    assert sorted(seen_elsewhere[0], key=repr) == sorted(on_disk.subject_quads([dza]), key=repr)
    with store.cached_reads():
        load(store, A1)  # the store holds other graphs: no copy
        assert store._reader() is store.pyoxigraph_store


def _variant_article() -> Article:
    article = Article("variant", "Variant")
    article.country("FRA", "France")
    return article


def test_referring_subjects(store: OxigraphStore) -> None:
    load(store, A1, A2)
    party, signatory = str(DG.party), str(DG.signatory)

    def expected(predicates: list[str], objects: list[str]) -> set[str]:
        values = " ".join(f"<{o}>" for o in objects)
        p_values = " ".join(f"<{p}>" for p in predicates)
        result = store.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?p {{ {p_values} }} VALUES ?o {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } }"
        )
        assert isinstance(result, SelectResult)
        return {row[0] for row in result.rows if isinstance(row[0], str)}

    dza, usa = str(country("DZA")), str(country("USA"))
    both = expected([party], [dza, usa])
    assert both
    assert store.referring_subjects([party], [dza, usa, "not an IRI", "https://x.org/n"]) == both
    assert store.referring_subjects([party], []) == set()
    # one object is looked up, many make a scan of the predicate's quads cheaper
    many = [dza, usa, *(f"https://x.org/{n}" for n in range(100))]
    assert store.referring_subjects([party], many) == both
    for one in (dza, usa):
        predicates = [party, signatory]
        assert store.referring_subjects(predicates, [one]) == expected(predicates, [one])


def test_predicate_quads(store: OxigraphStore) -> None:
    load(store, A1, A2)
    predicates = [str(DG.party), str(DG.name), str(DG.party)]
    rows = store.subject_quads(store.subjects())
    expected = [q for q in rows if q.predicate in predicates]
    assert sorted(store.predicate_quads(predicates), key=repr) == sorted(expected, key=repr)
    assert expected and store.predicate_quads([]) == []


def test_subject_objects(store: OxigraphStore) -> None:
    load(store, A1, A2)
    dza, usa = str(country("DZA")), str(country("USA"))
    name, iso = str(DG.name), str(DG.isoCode)
    expected = {q.object for q in store.subject_quads([dza, usa]) if q.predicate in (name, iso)}
    assert store.subject_objects([dza, usa, dza], [name, iso]) == expected != set()
    assert store.subject_objects(["https://x.org/none"], [name]) == set()


def test_subjects_are_sorted_iris(store: OxigraphStore) -> None:
    load(store, A1, A2)
    subjects = store.subjects()
    assert subjects == sorted(set(subjects))
    assert str(country("DZA")) in subjects and str(A2.iri) in subjects
    assert set(subjects) == {q.subject for g in (A1, A2) for q in store.graph_quads(str(g.iri))}


def test_entity_records_merge_all_graphs(store: OxigraphStore) -> None:
    load(store, A1, A2)
    records = {r.iri: r for r in store.entity_records()}
    dza = records[str(country("DZA"))]
    assert dza == (
        str(country("DZA")),
        (str(DG.Country),),
        ("Algeria",),
        ("Algiers", "People's Democratic Republic of Algeria"),
        "DZA",
        None,
        (),
    )
    usa = records[str(country("USA"))]
    assert usa.wikidata == "Q30" and usa.same_as == ("http://www.wikidata.org/entity/Q30",)
    langley = records[str(person("michael-langley"))]
    assert langley.types == (str(DG.Official), str(DG.Person))
    assert all("/evidence/" not in iri and "/agreement/" not in iri for iri in records)


def test_sparql_select_ask_construct(store: OxigraphStore) -> None:
    load(store, A1, A2)
    query = "PREFIX dg: <%s> SELECT ?name WHERE { ?c a dg:Country ; dg:name ?name } ORDER BY ?name"
    result = store.query(query % DG._NS)
    assert isinstance(result, SelectResult)
    assert result.variables == ("name",)
    # the default graph is the set union: DZA is typed and named in two graphs, seen once
    assert [row[0] for row in result.rows].count(Lit("Algeria")) == 1
    distinct = store.query(query.replace("SELECT", "SELECT DISTINCT") % DG._NS)
    assert isinstance(distinct, SelectResult)
    assert [row[0] for row in distinct.rows] == [
        Lit(n) for n in ["Algeria", "France", "Russia", "United States"]
    ]
    assert store.query("ASK { ?s ?p ?o }") == AskResult(True)
    assert store.query("ASK { ?s ?p ?o }", union_default_graph=False) == AskResult(False)
    graph = store.query(f"CONSTRUCT {{ ?s <{DG.name}> ?o }} WHERE {{ ?s <{DG.name}> ?o }}")
    assert isinstance(graph, ConstructResult) and len(graph.triples) == 7  # 4 countries, 3 more


def test_sparql_errors(store: OxigraphStore) -> None:
    load(store, A1)
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT ?x WHERE { ?x }")
    with pytest.raises(WriteRejected):
        store.query("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(WriteRejected):
        store.query("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }")
    with pytest.raises(ResultTooLarge):
        store.query("SELECT * WHERE { ?s ?p ?o }", max_results=10)
    assert store.counts().triples == len(A1.graph)


def test_sparql_timeout_stops_a_long_result_stream(store: OxigraphStore) -> None:
    load(store, A1, A2)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.2)
    assert time.monotonic() - started < 10


def test_on_disk_store_persists(tmp_path: Path) -> None:
    first = OxigraphStore(tmp_path / "rdf")
    load(first, A1, A2)
    first.flush()
    dump = nquads_lines(first.dump())
    del first
    again = OxigraphStore(tmp_path / "rdf")
    assert nquads_lines(again.dump()) == dump


@pytest.mark.slow
def test_a_load_above_the_bulk_threshold_stores_every_triple() -> None:
    """A load of 2,000 synthetic graphs goes through the bulk path and stores every triple
    (its speed is measured by bench/load_bench.py, not here)."""
    data = synthetic(100, 20)
    graphs = {str(g.identifier): g for g in data.graphs() if len(g)}
    triples = sum(len(g) for g in graphs.values())
    assert triples > BULK_THRESHOLD
    store = OxigraphStore()
    store.replace_graphs(graphs)
    assert store.counts().triples == triples
    assert store.counts().articles == len(graphs)


@pytest.mark.parametrize("bulk", [False, True], ids=["transactional", "bulk"])
def test_awkward_literals_are_stored_exactly(
    store: OxigraphStore, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if bulk:
        monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 0)
    iri = "https://w3id.org/diplograph/id/article/awkward"
    subject = URIRef("https://w3id.org/diplograph/id/person/x")
    graph = Graph()
    for text in [
        'a "quoted" word',
        "back\\slash",
        "two\nlines\r\n",
        "“curly” — Saïd Chanegriha, 中文, emoji 🛰",
        "",
    ]:
        graph.add((subject, DG.description, Literal(text)))
    graph.add((subject, DG.name, Literal("Algérie", lang="fr")))
    graph.add((subject, DG.historic, Literal(True)))
    store.replace_graph(iri, graph)
    back = Graph()
    for quad in store.graph_quads(iri):
        obj = quad.object
        assert isinstance(obj, Lit)
        value = (
            Literal(obj.value, lang=obj.language)
            if obj.language
            else Literal(obj.value, datatype=URIRef(obj.datatype) if obj.datatype else None)
        )
        back.add((URIRef(quad.subject), URIRef(quad.predicate), value))
    assert {o.toPython() for o in back.objects()} == {o.toPython() for o in graph.objects()}
    assert len(back) == len(graph)


@pytest.mark.parametrize("bulk", [False, True], ids=["transactional", "bulk"])
def test_an_invalid_iri_is_refused_and_changes_nothing(
    store: OxigraphStore, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if bulk:
        monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 0)
    load(store, A1)
    store.replace_graph("https://w3id.org/diplograph/id/article/a", Graph())
    before = store.dump()
    graph = Graph()
    graph.add((URIRef("https://w3id.org/diplograph/id/x y"), DG.name, Literal("x")))
    with pytest.raises(InvalidData):  # in the second of the bulk loader's parts
        store.replace_graphs(
            {str(A1.iri): A1.graph, "https://w3id.org/diplograph/id/article/a": graph}
        )
    assert nquads_lines(store.dump()) == nquads_lines(before)


@pytest.mark.parametrize(("part", "extras"), [(10, 5), (7, 6)])
def test_a_bulk_load_in_parts_stores_every_graph_and_the_union(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch, part: int, extras: int
) -> None:
    """Several calls of the bulk loader, each a part's named graphs and default graph
    together, store what one transactional write stores: the same named graphs and the same
    default graph."""
    monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 0)
    monkeypatch.setattr("graph.rdf.store.BULK_PART", part)  # as many parts as allowed
    articles = [A1, A2, *(Article(f"extra-{n}", f"Extra {n}") for n in range(extras))]
    load(store, *articles)
    expected = OxigraphStore()
    monkeypatch.setattr("graph.rdf.store.BULK_THRESHOLD", 10**9)
    load(expected, *articles)
    assert nquads_lines(store.dump()) == nquads_lines(expected.dump())
    assert sorted(store.default_graph_dump().splitlines()) == sorted(
        expected.default_graph_dump().splitlines()
    )
    assert store.default_graph_dump().count(b"\n") < store.dump().count(b"\n")
