"""Concurrent loads of overlapping articles end in the same graph as loading them one after the
other: through ``ingest_paths`` in threads (the CLI's and the app's pipeline) and through
``POST /articles`` on a live server, on the shared Neo4j (``clean_neo4j``).

The subsets share entities (one synthetic world: the same countries, organisations and people
recur) and some articles outright (the same sheet in two subsets).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from api.app import create_app
from api.ingest import ingest_paths
from api.settings import Settings
from graph.backends import BackendConfig, Backends, open_backends
from tests.faultutil import Background, clear_database, write_sheets
from tests.live_server import live_server
from tests.storeutil import PropertyGraphDump, neo4j_dump, nquads_lines

pytestmark = pytest.mark.neo4j

SHEETS = 80
API_KEY = "concurrency-tests-" + "k" * 32
JOIN_TIMEOUT = 240.0


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Synthetic sheets of one world."""
    return write_sheets(tmp_path_factory.mktemp("sheets"), SHEETS)


def overlapping_subsets(paths: Sequence[Path]) -> list[list[Path]]:
    """Four subsets; neighbours share a quarter of their articles, all share entities."""
    n = len(paths)
    return [
        list(paths[0 : n // 3]),
        list(paths[n // 4 : n // 2 + 5]),
        list(paths[n // 2 : 3 * n // 4 + 5]),
        list(paths[2 * n // 3 :]) + list(paths[:5]),
    ]


def _open(connection: tuple[str, str, str]) -> Backends:
    uri, user, password = connection
    backends = open_backends(
        BackendConfig(data_dir=None, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    )
    backends.store.ensure_schema()
    return backends


def _state(
    backends: Backends, driver: Driver, database: str
) -> tuple[list[str], PropertyGraphDump]:
    return nquads_lines(backends.rdf.dump()), neo4j_dump(driver, database)


def _run_together(jobs: Sequence[Callable[[], Any]]) -> list[Background]:
    """Start ``jobs`` in threads released at the same instant; wait for all; fail on errors."""
    barrier = threading.Barrier(len(jobs))

    def released(job: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            barrier.wait(30)
            return job()

        return run

    threads = [Background(released(job)).start() for job in jobs]
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    errors = [t.error for t in threads if t.error is not None]
    assert not errors, errors
    return threads


@pytest.fixture
def sequential_state(
    sheets: list[Path],
    neo4j_connection: tuple[str, str, str],
    neo4j_driver: Driver,
    neo4j_database: str,
) -> Iterator[Callable[[], tuple[list[str], PropertyGraphDump]]]:
    """Load the subsets one after the other on a clean database; their final state."""

    def load() -> tuple[list[str], PropertyGraphDump]:
        clear_database(neo4j_driver, neo4j_database)
        backends = _open(neo4j_connection)
        try:
            for subset in overlapping_subsets(sheets):
                ingest_paths(backends.store, subset)
            return _state(backends, neo4j_driver, neo4j_database)
        finally:
            backends.close()

    yield load


def test_concurrent_ingests_end_in_the_same_graph_as_sequential_ones(
    sheets: list[Path],
    neo4j_connection: tuple[str, str, str],
    clean_neo4j: Driver,
    neo4j_database: str,
    sequential_state: Callable[[], tuple[list[str], PropertyGraphDump]],
) -> None:
    backends = _open(neo4j_connection)
    try:
        subsets = overlapping_subsets(sheets)
        assert set().union(*map(set, subsets)) == set(sheets)
        jobs = [partial(ingest_paths, backends.store, subset) for subset in subsets]
        reports = [t.result for t in _run_together(jobs)]
        assert [len(r.articles) for r in reports] == [len(s) for s in subsets]
        rdf, graph = _state(backends, clean_neo4j, neo4j_database)
    finally:
        backends.close()

    expected_rdf, expected_graph = sequential_state()
    assert rdf == expected_rdf
    assert (len(graph.nodes), len(graph.rels)) == (
        len(expected_graph.nodes),
        len(expected_graph.rels),
    )
    assert graph == expected_graph


def test_concurrent_posts_end_in_the_same_graph_as_sequential_loads(
    sheets: list[Path],
    neo4j_connection: tuple[str, str, str],
    clean_neo4j: Driver,
    neo4j_database: str,
    sequential_state: Callable[[], tuple[list[str], PropertyGraphDump]],
) -> None:
    uri, user, password = neo4j_connection
    settings = Settings(
        _env_file=None,
        data_dir=None,
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=password,
        api_keys=[API_KEY],
    )
    app = create_app(settings)
    headers = {"X-API-Key": API_KEY, "Content-Type": "application/json"}
    with live_server(app) as base_url:

        def post_all(subset: list[Path]) -> list[int]:
            with httpx.Client(base_url=base_url, timeout=JOIN_TIMEOUT) as http:
                return [
                    http.post("/articles", content=path.read_bytes(), headers=headers).status_code
                    for path in subset
                ]

        subsets = overlapping_subsets(sheets)
        results = [t.result for t in _run_together([partial(post_all, s) for s in subsets])]
        assert all(code == 201 for codes in results for code in codes), results
        backends: Backends = app.state.backends
        rdf, graph = _state(backends, clean_neo4j, neo4j_database)

    expected_rdf, expected_graph = sequential_state()
    assert rdf == expected_rdf
    assert graph == expected_graph
