"""Identity does not depend on load order: the same articles give the same graph however they
are loaded (one batch, one at a time, any order, after retracting and reloading), in both
stores; and a corpus naming shared actors differently gives one node per real-world actor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from storeutil import PropertyGraphDump, neo4j_dump, nquads_lines

from api.ingest import ingest_paths, retract
from graph.backends import BackendConfig, Backends, open_backends
from tests.conftest import Neo4jConnection, fuzz_examples, fuzz_profile, neo4j_backend_config

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "tests" / "fixtures" / "matching").glob("*.yaml"))
FILES = [ROOT / "examples" / "us-algeria-mou.yaml", *CORPUS]
ID = "https://w3id.org/diplograph/id/"


@st.composite
def load_plans(draw: st.DrawFn) -> tuple[list[list[Path]], int | None]:
    """A permutation of the files cut into batches, and maybe one article to retract and
    load again at the end."""
    order = draw(st.permutations(FILES))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=len(order) - 1)))
    bounds = [0, *cuts, len(order)]
    batches = [list(order[a:b]) for a, b in itertools.pairwise(bounds)]
    again = draw(st.none() | st.integers(0, len(order) - 1))
    return batches, again


def _load(backends: Backends, batches: list[list[Path]], again: int | None) -> None:
    for batch in batches:
        ingest_paths(backends.store, batch)
    if again is not None:
        files = [f for batch in batches for f in batch]
        report = ingest_paths(backends.store, [files[again]])  # replaced: same content
        retract(backends.store, report.articles[0])
        ingest_paths(backends.store, [files[again]])


def _reference(config: BackendConfig) -> tuple[list[str], PropertyGraphDump | None]:
    backends = open_backends(config)
    try:
        ingest_paths(backends.store, FILES)
        return nquads_lines(backends.store.rdf.dump()), None
    finally:
        backends.close()


@pytest.fixture(scope="module")
def reference_nquads() -> list[str]:
    return _reference(BackendConfig(data_dir=None))[0]


@fuzz_profile(fuzz_examples(8))
@given(plan=load_plans())
def test_rdf_store_is_the_same_whatever_the_order(
    reference_nquads: list[str], plan: tuple[list[list[Path]], int | None]
) -> None:
    backends = open_backends(BackendConfig(data_dir=None))
    try:
        _load(backends, *plan)
        assert nquads_lines(backends.store.rdf.dump()) == reference_nquads
    finally:
        backends.close()


@pytest.mark.neo4j
def test_neo4j_is_the_same_whatever_the_order(
    neo4j_connection: Neo4jConnection, clean_neo4j: object, neo4j_database: str
) -> None:
    config = neo4j_backend_config(neo4j_connection, neo4j_database)
    dumps: list[PropertyGraphDump] = []
    rdf: list[list[str]] = []

    @fuzz_profile(fuzz_examples(4))
    @given(plan=load_plans())
    def check(plan: tuple[list[list[Path]], int | None]) -> None:
        backends = open_backends(config)
        try:
            backends.store.projection.clear()  # type: ignore[union-attr]
            _load(backends, *plan)
            dump = neo4j_dump(backends.store.projection.driver, neo4j_database)  # type: ignore[union-attr]
            rdf.append(nquads_lines(backends.store.rdf.dump()))
            dumps.append(dump)
        finally:
            backends.close()
        assert dumps[-1] == dumps[0]
        assert rdf[-1] == rdf[0]

    check()
    assert len(dumps) >= 2


@pytest.fixture(scope="module")
def corpus() -> Iterator[Backends]:
    backends = open_backends(BackendConfig(data_dir=None))
    report = ingest_paths(backends.store, CORPUS)
    backends.report = report  # type: ignore[attr-defined]
    yield backends
    backends.close()


def _select(backends: Backends, sparql: str) -> list[tuple[object, ...]]:
    result = backends.store.rdf.query(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n" + sparql
    )
    return [tuple(row) for row in result.rows]  # type: ignore[union-attr]


def test_one_node_per_real_world_actor(corpus: Backends) -> None:
    people = _select(corpus, "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a dg:Person } }")
    assert sorted(p[0] for p in people) == [
        f"{ID}person/michael-langley",
        f"{ID}person/said-chanegriha",
    ]
    armies = _select(
        corpus,
        "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?o a dg:Organization ; dg:alias|dg:name ?n } "
        'FILTER(CONTAINS(?n, "People")) }',
    )
    assert len(armies) == 1
    posts = _select(
        corpus,
        "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a dg:Post ; dg:name ?n } "
        'FILTER(CONTAINS(?n, "Staff")) }',
    )
    assert len(posts) == 1


def test_one_agreement_with_every_article_and_the_most_precise_date(corpus: Backends) -> None:
    rows = _select(
        corpus,
        "SELECT ?a (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a dg:MOU } } GROUP BY ?a",
    )
    assert len(rows) == 1 and int(rows[0][1].value) == 3  # type: ignore[attr-defined]
    signatures = _select(
        corpus, "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a dg:Signature ; dg:signatory ?p } }"
    )
    assert len(signatures) == 2  # Chengriha (three articles) and Langley (one)
    detail = corpus.queries.agreement(str(rows[0][0]))  # type: ignore[attr-defined]
    assert str(detail.summary.date_signed) == "2025-01-22"


def test_the_load_says_what_was_merged_and_why(corpus: Backends) -> None:
    report = corpus.report  # type: ignore[attr-defined]
    merged = {m.iri: m for m in report.merges}
    person = merged[f"{ID}person/said-chanegriha"]
    assert f"{ID}person/said-chengriha" in person.local_ids
    assert any("name" in reason for reason in person.reasons)


def test_retracting_the_bridge_splits_the_person_again(tmp_path: Path) -> None:
    backends = open_backends(BackendConfig(data_dir=None))
    try:
        ingest_paths(backends.store, CORPUS)
        retract(backends.store, "test-defense-wire-2025-01-22-mou")  # its alias joined them
        people = _select(backends, "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a dg:Person } }")
        names = sorted(str(p[0]).rsplit("/", 1)[1] for p in people)
        assert len(names) == 3 and {"said-chanegriha", "said-chengriha"} < set(names)
        fresh = open_backends(BackendConfig(data_dir=None))
        try:
            ingest_paths(fresh.store, [f for f in CORPUS if "a2-" not in f.name])
            assert nquads_lines(fresh.store.rdf.dump()) == nquads_lines(backends.store.rdf.dump())
        finally:
            fresh.close()
    finally:
        backends.close()
