"""The embedded backend keeps decoded descriptions of subjects between reads
(``graph.nx.described``); a write must be visible on the next read all the same.

The random writes of ``test_nxview_incremental`` (articles that disagree on names and types,
share evidence and claimers, are retracted) run through the writer; after each one, every
subject described through the cache must equal a description computed from scratch. Then the
cases one by one: a claimer renamed by another article (a dependency, not the fact, changes),
a read while a write is being committed, a write nobody announced, and over HTTP a hub whose
page was read gaining an influence.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import RDF
from test_nxview_incremental import FUZZ, PEOPLE, Triple, apply_write, article, write

from api.app import create_app
from api.settings import Settings
from graph.nx.source import NxSource
from graph.nx.view import NxView
from graph.queries.source import Described
from graph.rdf.reader import SparqlReader
from graph.rdf.sparql_service import GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from ontology.namespace import DG, ID
from tests.live_server import live_server

API_KEY = "described-cache-key-0123456789"


def followed(rdf: OxigraphStore) -> tuple[GraphStore, NxSource]:
    """A writer and a source whose view (and kept descriptions) follow its writes."""
    view = NxView.of_store(rdf, follows_writes=True)
    return GraphStore(rdf, observers=[view]), NxSource(rdf, view, SparqlReader.of_store(rdf))


def fresh(rdf: OxigraphStore, uris: list[str]) -> dict[str, Described]:
    """Descriptions computed from scratch (a new view keeps nothing yet)."""
    return NxSource(rdf, NxView.of_store(rdf), SparqlReader.of_store(rdf)).describe(uris)


def as_plain(found: dict[str, Described]) -> dict[str, Any]:
    return {u: (d.labels, dict(d.props), dict(d.out)) for u, d in found.items()}


@FUZZ
@given(st.lists(write, min_size=1, max_size=8))
def test_kept_descriptions_equal_fresh_ones_after_every_write(
    writes: list[tuple[bool, int, list[list[Triple]]]],
) -> None:
    rdf = OxigraphStore()
    store, source = followed(rdf)
    kept_any = False
    for retract, no, statements in writes:
        apply_write(store, rdf, retract, no, statements)
        subjects = rdf.subjects()
        described = source.describe(subjects)
        assert as_plain(described) == as_plain(fresh(rdf, subjects))
        kept_any = kept_any or len(source._view.described) > 0
        # the second read is answered from what the first kept: still the same
        assert as_plain(source.describe(subjects)) == as_plain(described)
    assert kept_any or not rdf.subjects()


def test_a_claimer_renamed_elsewhere_changes_the_fact_on_the_next_read() -> None:
    """The fact's quads do not change, its evidence's claimer's name does (another article)."""
    rdf = OxigraphStore()
    store, source = followed(rdf)
    agreement, evidence, claimer = ID["agreement/0"], ID["evidence/0"], PEOPLE[0]
    store.load_articles(
        article(
            0,
            [
                [
                    (agreement, RDF.type, DG.Agreement),
                    (agreement, DG.evidence, evidence),
                    (evidence, RDF.type, DG.Evidence),
                    (evidence, DG.claimedBy, claimer),
                ]
            ],
        )
    )
    before = source.describe([str(agreement)])[str(agreement)]
    assert before.props["claimants"] == [str(claimer)]  # unnamed: known by its IRI
    kept = source._view.described._entries
    store.load_articles(article(2, [[(claimer, RDF.type, DG.Person)]]))
    assert str(agreement) in kept  # the claimer was touched, its names did not change
    store.load_articles(article(1, [[(claimer, DG.name, Literal("Claire Named"))]]))
    after = source.describe([str(agreement)])[str(agreement)]
    assert after.props["claimants"] == ["Claire Named"]
    store.retract_article(str(ID["article/1"]))
    assert source.describe([str(agreement)])[str(agreement)].props["claimants"] == [str(claimer)]


def test_a_read_while_a_write_is_committed_sees_the_store_and_keeps_nothing_stale() -> None:
    """Between the store's change and its announcement, reads bypass what was kept."""
    rdf = OxigraphStore()
    store, source = followed(rdf)
    country = str(ID["country/AAA"])
    store.load_articles(article(0, [[(ID["country/AAA"], DG.name, Literal("Old"))]]))
    assert source.describe([country])[country].props["name"] == "Old"
    entered, release = threading.Event(), threading.Event()

    class Slow:
        def committed(self, touched: frozenset[str], generation: int) -> None:
            entered.set()
            release.wait(10)

    store.observers = (Slow(), *store.observers)  # holds the announcement back
    renamed = article(0, [[(ID["country/AAA"], DG.name, Literal("New"))]])
    writer = threading.Thread(target=store.load_articles, args=(renamed,))
    writer.start()
    try:
        assert entered.wait(10)
        assert source.describe([country])[country].props["name"] == "New"
    finally:
        release.set()
        writer.join(10)
    assert source.describe([country])[country].props["name"] == "New"


def test_a_write_nobody_announced_drops_what_was_kept() -> None:
    """A write straight to the store (no observer told) must not leave old descriptions."""
    rdf = OxigraphStore()
    store, source = followed(rdf)
    country = str(ID["country/AAA"])
    store.load_articles(article(0, [[(ID["country/AAA"], DG.name, Literal("Old"))]]))
    assert source.describe([country])[country].props["name"] == "Old"
    rdf.replace_graphs(
        {
            str(ID["article/0"]): article(
                0, [[(ID["country/AAA"], DG.name, Literal("Direct"))]]
            ).graph(ID["article/0"])
        }
    )
    assert source.describe([country])[country].props["name"] == "Direct"
    # the next announced write resumes keeping, from scratch
    store.load_articles(article(1, [[(ID["country/BBB"], DG.name, Literal("B"))]]))
    assert source.describe([country])[country].props["name"] == "Direct"
    assert len(source._view.described) == 1


def _sheet(article_id: str, influencer: str) -> bytes:
    return json.dumps(
        {
            "article": {
                "id": article_id,
                "title": f"{influencer} and the United States",
                "url": f"https://news.example.org/{article_id}",
                "published": "2024-05-06",
            },
            "entities": [
                {
                    "id": "usa",
                    "type": "country",
                    "name": "United States",
                    "iso": "USA",
                    "aliases": [f"{influencer} country"],
                },
                {"id": influencer, "type": "organization", "name": influencer.title()},
            ],
            "influences": [
                {
                    "influencer": influencer,
                    "influenced": "usa",
                    "kind": "energy",
                    "direction": "weakening",
                    "evidence": {"quote": f"{influencer} weighs on the United States."},
                }
            ],
        }
    ).encode()


def test_a_hub_page_shows_a_new_influence_on_the_next_read_over_http() -> None:
    settings = Settings(_env_file=None, data_dir=None, api_keys=[API_KEY])
    app = create_app(settings, load_examples=True)
    headers = {"X-API-Key": API_KEY, "Content-Type": "application/json"}
    with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:

        def influencers() -> set[str]:
            """The influencers of the hub's page, and its aliases (kept: the hub's own node)."""
            response = http.get("/entities/country/USA", headers=headers)
            assert response.status_code == 200, response.text
            page = response.json()
            return {i["influencer"]["id"] for i in page["influences"]} | {
                f"alias {a}" for a in page["aliases"]
            }

        first = influencers()
        assert influencers() == first  # answered from what the first read kept
        sheet = _sheet("cache-test-1", "acme-grid")
        posted = http.post("/articles", content=sheet, headers=headers)
        assert posted.status_code == 201, posted.text
        second = influencers()
        assert second - first == {"organization/acme-grid", "alias acme-grid country"}
        retracted = http.delete(
            "/articles/https://w3id.org/diplograph/id/article/cache-test-1", headers=headers
        )
        assert retracted.status_code in (200, 204), retracted.text
        assert influencers() == first


def test_the_store_reads_a_subject_afresh_after_every_write() -> None:
    """``OxigraphStore.subject_quads`` keeps decoded subjects until the next write only."""
    rdf = OxigraphStore()
    country, graph = ID["country/AAA"], ID["article/0"]
    rdf.replace_graphs({str(graph): article(0, [[(country, DG.name, Literal("A"))]]).graph(graph)})
    names = [q.object for q in rdf.subject_quads([str(country)]) if q.predicate == str(DG.name)]
    assert [n.value for n in names] == ["A"]  # type: ignore[union-attr]
    rdf.replace_graphs({str(graph): article(0, [[(country, DG.name, Literal("B"))]]).graph(graph)})
    names = [q.object for q in rdf.subject_quads([str(country)]) if q.predicate == str(DG.name)]
    assert [n.value for n in names] == ["B"]  # type: ignore[union-attr]
    rdf.drop_graph(str(graph))
    assert rdf.subject_quads([str(country)]) == []


def test_sparql_workers_open_the_written_store_before_the_next_query(tmp_path: Path) -> None:
    """The SPARQL service follows the writes: after one, its idle workers hold the new
    snapshot without a query having asked, and a query answers from the write."""
    rdf = OxigraphStore(tmp_path / "store")
    sparql = GraphSparqlService(
        rdf.pyoxigraph_store,
        max_concurrent=2,
        data_dir=tmp_path / "store",
        generation=lambda: rdf.generation,
    )
    store = GraphStore(rdf, observers=[sparql])
    sparql.start()  # as the server does; before it, writes start no workers
    query = f"ASK {{ <{ID['country/AAA']}> <{DG.name}> 'New' }}"
    try:
        store.load_articles(article(0, [[(ID["country/AAA"], DG.name, Literal("Old"))]]))
        assert b"false" in sparql.query(query).body
        before = sparql.current_snapshot()
        store.load_articles(article(0, [[(ID["country/AAA"], DG.name, Literal("New"))]]))
        deadline = time.monotonic() + 30
        while sparql.pool.held() != [before + 1, before + 1] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sparql.pool.held() == [before + 1, before + 1]
        assert b"true" in sparql.query(query).body
        assert sparql.current_snapshot() == before + 1
    finally:
        sparql.close()


def test_concurrent_reads_of_a_cold_subject_compute_it_once() -> None:
    """A read missing subjects another read is computing waits for it instead."""
    rdf = OxigraphStore()
    store, source = followed(rdf)
    countries = [ID[f"country/{c}"] for c in ("AAA", "BBB")]
    store.load_articles(article(0, [[(c, DG.name, Literal(str(c)[-3:])) for c in countries]]))
    uris = [str(c) for c in countries]
    cache = source._view.described
    calls: list[list[str]] = []
    entered, release = threading.Event(), threading.Event()

    def compute(wanted: list[str], fetch: Any) -> Any:
        calls.append(list(wanted))
        if len(calls) == 1:
            entered.set()
            release.wait(10)
        return source._described(wanted, fetch)

    results: list[dict[str, Described]] = []
    first = threading.Thread(target=lambda: results.append(cache.describe(uris, compute)))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=lambda: results.append(cache.describe(uris, compute)))
    second.start()
    second.join(0.3)  # it waits for the first...
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert calls == [uris]  # ...and does not compute the same subjects again
    assert len(results) == 2
    assert as_plain(results[0]) == as_plain(results[1]) == as_plain(fresh(rdf, uris))
