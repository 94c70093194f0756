"""Loads stay atomic when Neo4j dies, ``diplograph sync`` repairs a projection that fell behind,
and the API says Neo4j is down while it is and recovers by itself when it is back.

These tests SIGKILL a Neo4j server, so they run a PRIVATE one (its own cache dir and port, the
shared jars), started once per session and stopped at the end; the shared server the other tests
use is never touched. Under ``CI=true`` a private server that does not start fails the tests.
"""

from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset

from api.app import create_app
from api.ingest import article_iri, ingest_paths
from api.settings import Settings
from graph.errors import StoreUnavailable
from graph.neo4j import local as neo4j_local
from graph.neo4j.projection import Neo4jProjection
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from tests.conftest import running_in_ci
from tests.faultutil import (
    Background,
    PauseAtCall,
    PauseBeforeRelationships,
    PrivateNeo4j,
    StoresState,
    clear_database,
    write_sheets,
)
from tests.live_server import live_server
from tests.storeutil import PropertyGraphDump, neo4j_dump, nquads_lines

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RETRACTED = article_iri("synthetic-1-000003")
"""An article the Oxigraph-only process retracts."""
BATCH = 300
"""Synthetic sheets in the large load (about 44,000 triples; its Neo4j transaction takes
several seconds)."""
PRELOADED = 40
"""Sheets loaded before it; the batch carries a changed version of each (replaced graphs)."""
LOAD_TIMEOUT = 240.0
PROBLEM = "application/problem+json"
API_KEY = "fault-tests-" + "k" * 32


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def private_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    """A Neo4j of these tests' own, which they may kill; stopped at the end of the session."""
    server = PrivateNeo4j(tmp_path_factory.mktemp("private-neo4j") / "cache")
    server.reuse_jars(Settings().cache_dir)
    try:
        seconds = server.start()
    except (neo4j_local.Neo4jLocalError, OSError) as error:
        message = f"could not start a private Neo4j in {server.cache_dir}: {error}"
        if running_in_ci():
            pytest.fail(message + " — CI=true, so this fails instead of skipping")
        pytest.skip(message)
    print(f"\nprivate Neo4j on {server.connection[0]} started in {seconds:.1f} s")
    try:
        yield server
    finally:
        server.stop()
        if server.restarts:
            print(
                f"\nprivate Neo4j restarts took {', '.join(f'{s:.1f}' for s in server.restarts)} s"
            )


@pytest.fixture
def neo4j_server(private_neo4j: PrivateNeo4j) -> PrivateNeo4j:
    """The private server, running (a failed test may have left it dead) and empty."""
    private_neo4j.ensure_running()
    with private_neo4j.driver() as driver:
        clear_database(driver)
    return private_neo4j


@dataclass(frozen=True)
class Corpus:
    """Synthetic sheets: ``preload`` (first versions) and ``batch`` (changed versions of those
    and many new ones)."""

    preload: list[Path]
    batch: list[Path]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Sheets 0..39 as first written, and sheets 0..299 with changed titles."""
    root = tmp_path_factory.mktemp("corpus")
    preload = write_sheets(root / "v1", PRELOADED)
    batch = write_sheets(root / "v2", BATCH, title_suffix=" (v2)")
    return Corpus(preload, batch)


def _shrink_retries(backends_projection: object, seconds: float) -> Neo4jProjection:
    """The projection, with the driver's transaction retries limited to ``seconds``."""
    assert isinstance(backends_projection, Neo4jProjection)
    backends_projection.max_retry_time = seconds
    return backends_projection


def _same(actual: PropertyGraphDump, expected: PropertyGraphDump) -> bool:
    """Equal dumps; sizes are compared first so a failure says how far apart they are."""
    assert (len(actual.nodes), len(actual.rels)) == (len(expected.nodes), len(expected.rels))
    return actual == expected


# ------------------------------------------------------------------------------ atomic loads


@pytest.mark.neo4j
def test_neo4j_killed_in_the_middle_of_a_load_leaves_both_stores_as_they_were(
    neo4j_server: PrivateNeo4j, corpus: Corpus, tmp_path: Path
) -> None:
    with neo4j_server.backends(tmp_path / "rdf") as backends:
        ingest_paths(backends.store, corpus.preload)
        before = StoresState.of(backends)
        # Neo4j stays down: let the driver give up retrying after 2 s instead of 30.
        projection = _shrink_retries(backends.store.projection, 2.0)
        with PauseBeforeRelationships().installed(projection) as pause:
            load = Background(ingest_paths, backends.store, corpus.batch).start()
            pause.wait_reached(load, LOAD_TIMEOUT)
            # Oxigraph holds the batch; Neo4j holds its nodes in an uncommitted transaction.
            assert len(nquads_lines(backends.rdf.dump())) > len(before.rdf)
            killed = neo4j_server.kill()
        load.join(LOAD_TIMEOUT)

        assert isinstance(load.error, StoreUnavailable), repr(load.error)
        assert "Neo4j" in str(load.error)
        assert nquads_lines(backends.rdf.dump()) == before.rdf  # restored while Neo4j is down

        seconds = neo4j_server.restart()
        assert neo4j_server.pid() not in (None, killed)
        after = StoresState.of(backends)
        assert after.rdf == before.rdf
        assert _same(after.neo4j, before.neo4j), "Neo4j kept part of the failed load"
        print(f"\nload failed after {load.seconds:.1f} s; Neo4j restarted in {seconds:.1f} s")


@pytest.mark.neo4j
def test_neo4j_back_within_the_retry_window_completes_the_load_exactly_once(
    neo4j_server: PrivateNeo4j, corpus: Corpus, tmp_path: Path
) -> None:
    with neo4j_server.backends(tmp_path / "rdf") as backends:
        ingest_paths(backends.store, corpus.preload)
        projection = _shrink_retries(backends.store.projection, LOAD_TIMEOUT)
        with PauseBeforeRelationships().installed(projection) as pause:
            load = Background(ingest_paths, backends.store, corpus.batch).start()
            pause.wait_reached(load, LOAD_TIMEOUT)
            neo4j_server.kill()
        # The transaction fails on the dead connection; the driver retries it while Neo4j starts.
        seconds = neo4j_server.restart()
        load.join(LOAD_TIMEOUT)

        assert load.error is None, repr(load.error)
        assert len(load.result.articles) == BATCH
        loaded = StoresState.of(backends)
        titles = [props for labels, props in loaded.neo4j.nodes.values() if "Article" in labels]
        assert sum(dict(p).get("title", "").endswith(" (v2)") for p in titles) == BATCH
        # What the retried transaction wrote is exactly what a rebuild from Oxigraph writes:
        # nothing of the killed attempt was kept, nothing was written twice.
        backends.store.sync()
        rebuilt = StoresState.of(backends)
        assert rebuilt.rdf == loaded.rdf
        assert _same(loaded.neo4j, rebuilt.neo4j)
        print(f"\nload completed in {load.seconds:.1f} s; Neo4j restarted in {seconds:.1f} s")


# ------------------------------------------------------------------------------ sync


def _release_oxigraph() -> None:
    """Drop unreferenced stores so their directory lock is released for another process."""
    gc.collect()


def _load_rdf_only(data_dir: Path, paths: list[Path], retracted: str) -> None:
    """Write to Oxigraph only, as a process without Neo4j configured would: the projection
    falls behind (new articles missing, a retracted one still there)."""
    rdf = OxigraphStore(data_dir)
    store = GraphStore(rdf)  # same data, no projection
    ingest_paths(store, paths)
    store.retract_article(retracted)
    rdf.flush()


def _run_cli(*args: str, server: PrivateNeo4j, data_dir: Path, cwd: Path) -> str:
    """Run ``diplograph ARGS`` in a fresh process against the private server; its output."""
    uri, user, password = server.connection
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIPLOGRAPH_")}
    env.update(
        DIPLOGRAPH_DATA_DIR=str(data_dir),
        DIPLOGRAPH_NEO4J_URI=uri,
        DIPLOGRAPH_NEO4J_USER=user,
        DIPLOGRAPH_NEO4J_PASSWORD=password,
    )
    command = [shutil.which("diplograph") or sys.executable, *args]
    if command[0] == sys.executable:
        command[1:1] = ["-m", "api.cli.main"]
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _dataset(nquads: list[str]) -> Dataset:
    dataset = Dataset()
    dataset.parse(data="\n".join(nquads), format="nquads")
    return dataset


@pytest.mark.neo4j
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_sync_repairs_a_projection_that_fell_behind(
    neo4j_server: PrivateNeo4j, corpus: Corpus, tmp_path: Path
) -> None:
    data_dir = tmp_path / "rdf"
    with neo4j_server.backends(data_dir) as backends:
        ingest_paths(backends.store, corpus.preload[:20])
        in_step = StoresState.of(backends)
    del backends
    _release_oxigraph()

    _load_rdf_only(data_dir, corpus.preload[20:], retracted=RETRACTED)
    _release_oxigraph()
    with neo4j_server.driver() as driver:
        stale = neo4j_dump(driver, "neo4j")
        assert stale == in_step.neo4j  # Neo4j has not seen the Oxigraph-only writes
        assert RETRACTED in stale.nodes

        started = time.monotonic()
        output = _run_cli("sync", server=neo4j_server, data_dir=data_dir, cwd=tmp_path)
        sync_seconds = time.monotonic() - started
        assert "Neo4j rebuilt" in output
        synced = neo4j_dump(driver, "neo4j")
        assert RETRACTED not in synced.nodes
        assert synced != stale

        rdf = OxigraphStore(data_dir)
        lines = nquads_lines(rdf.dump())
        del rdf
        # A fresh load of the same data on a clean database gives the same projection.
        clear_database(driver)
        with neo4j_server.backends(None) as fresh:
            fresh.store.load_articles(_dataset(lines))
            assert nquads_lines(fresh.rdf.dump()) == lines
        assert _same(neo4j_dump(driver, "neo4j"), synced)
    print(f"\n`diplograph sync` of {len(lines)} quads took {sync_seconds:.1f} s")


@pytest.mark.neo4j
def test_a_sync_cut_short_by_a_crash_is_repaired_by_running_it_again(
    neo4j_server: PrivateNeo4j, corpus: Corpus, tmp_path: Path
) -> None:
    with neo4j_server.backends(tmp_path / "rdf") as backends:
        ingest_paths(backends.store, corpus.preload)
        complete = StoresState.of(backends)
        projection = _shrink_retries(backends.store.projection, 1.0)
        # One transaction per 100 subjects, so the crash lands between committed batches.
        store = GraphStore(backends.rdf, projection, sync_batch=100)
        with PauseAtCall(nth=4).installed(projection, "apply") as pause:
            sync = Background(store.sync).start()
            pause.wait_reached(sync, LOAD_TIMEOUT)
            neo4j_server.kill()
        sync.join(LOAD_TIMEOUT)
        assert isinstance(sync.error, StoreUnavailable), repr(sync.error)

        neo4j_server.restart()
        partial = StoresState.of(backends)
        assert partial.rdf == complete.rdf  # a sync never touches the RDF store
        assert 0 < len(partial.neo4j.nodes) < len(complete.neo4j.nodes)
        store.sync()
        assert _same(StoresState.of(backends).neo4j, complete.neo4j)


# ------------------------------------------------------------------------------ the API


def _wait_until_ready(http: httpx.Client, timeout: float) -> float:
    """Poll ``/ready`` until it answers 200; seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if http.get("/ready").status_code == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"/ready did not recover within {timeout} s")


def _assert_unavailable(response: httpx.Response) -> None:
    """A 503 problem+json that says when to retry."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert int(response.headers["retry-after"]) >= 1
    problem = response.json()
    assert problem["status"] == 503
    assert problem["type"].endswith("/store-unavailable")
    assert "Neo4j" in problem["detail"]


@pytest.mark.neo4j
def test_api_reports_neo4j_down_and_recovers_without_a_restart(
    neo4j_server: PrivateNeo4j, tmp_path: Path
) -> None:
    uri, user, password = neo4j_server.connection
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "rdf",
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=password,
        api_keys=[API_KEY],
    )
    app = create_app(settings, load_examples=True)
    graph_reads = ("/stats", "/entities/country/DZA")
    with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=120) as http:
        assert http.get("/ready").status_code == 200
        answers = {path: http.get(path) for path in graph_reads}
        assert all(r.status_code == 200 for r in answers.values()), answers
        articles = http.get("/articles").json()

        neo4j_server.kill()
        ready = http.get("/ready")
        assert ready.status_code == 503
        assert ready.headers["retry-after"] == "5"
        stores = ready.json()["stores"]
        assert stores["neo4j"]["ready"] is False and stores["neo4j"]["detail"]
        assert stores["rdf"]["ready"] is True
        latency = {}
        for path in graph_reads:
            started = time.monotonic()
            _assert_unavailable(http.get(path))
            latency[path] = time.monotonic() - started
        # Reads of the RDF store go on; a write is refused whole.
        assert http.get("/articles").json() == articles
        sparql = http.get(
            "/sparql",
            params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert sparql.status_code == 200 and sparql.json()["boolean"] is True
        changed = (
            (EXAMPLES / "us-algeria-mou.yaml")
            .read_text()
            .replace('title: "', 'title: "Changed: ', 1)
        )
        write = http.post(
            "/articles",
            content=changed,
            headers={"X-API-Key": API_KEY, "Content-Type": "application/yaml"},
        )
        _assert_unavailable(write)
        assert http.get("/articles").json() == articles

        restart = neo4j_server.restart()
        recovery = _wait_until_ready(http, 60)
        for path, before in answers.items():
            again = http.get(path)
            assert again.status_code == 200, again.text
            assert again.json() == before.json()
    print(
        f"\nNeo4j down: 503 in {', '.join(f'{p} {s:.2f} s' for p, s in latency.items())}; "
        f"restart {restart:.1f} s, /ready 200 again {recovery:.1f} s later"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_graph_reads_fail_within_the_query_timeout_while_neo4j_is_unreachable(
    tmp_path: Path,
) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "rdf",
        neo4j_uri=f"bolt://127.0.0.1:{_free_port()}",  # nothing listens there
        neo4j_password="unused-password",
        query_timeout_s=5,
    )
    with live_server(create_app(settings)) as base_url, httpx.Client(base_url=base_url) as http:
        http.timeout = httpx.Timeout(120)
        assert http.get("/ready").status_code == 503
        started = time.monotonic()
        _assert_unavailable(http.get("/entities/country/DZA"))
        elapsed = time.monotonic() - started
    assert elapsed < settings.query_timeout_s + 1, f"503 after {elapsed:.1f} s"
