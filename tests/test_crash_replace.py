"""A replacement killed (SIGKILL) at any moment leaves every article old or new, never less.

A child process (``tests/crash_child.py``, the production wiring, nothing instrumented) replaces
articles; the test kills it after random delays spread over the write (calibrated by one run
that is not killed), then opens the data directory again, as any entry point does, and checks
each article graph holds exactly its old or its new content, and a batch all one or the other.
Both paths: one YAML article (one SPARQL update) and a TriG batch of 160 articles above
``BULK_THRESHOLD`` triples (the bulk loader under the undo journal). With Neo4j, the store
opened again after a kill rebuilds the projection (``/ready`` says "projection stale" until
then) and it then equals the projection of the version the RDF store holds.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from neo4j import Driver
from rdflib import Dataset

from api.app import create_app
from api.ingest import ingest_paths
from api.settings import Settings
from graph.backends import BackendConfig, open_backends
from graph.journal import STALE_FILE, UNDO_FILE
from graph.rdf.store import BULK_THRESHOLD, OxigraphStore
from graph.writer import GraphStore
from tests.conftest import Neo4jConnection
from tests.faultutil import clear_database, write_sheets
from tests.live_server import live_server
from tests.storeutil import PropertyGraphDump, neo4j_dump

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
"""Each child process imports the app (~3 s); at load average 10-18 on 2 cores the three tests
took 10-11 min, hence the longer timeout."""

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "tests" / "crash_child.py"
EXAMPLE = ROOT / "examples" / "us-algeria-mou.yaml"
KILLS = 8
"""Kill points per path (run ``PARALLEL`` at a time)."""
PARALLEL = 4
BULK_ARTICLES = 160

Graphs = dict[str, frozenset[str]]
"""Each article graph's quads (canonical N-Quads lines) by graph IRI."""


def graphs_of(data_dir: Path) -> Graphs:
    """Open the store (which recovers an interrupted write) and read every graph."""
    store = OxigraphStore(data_dir)
    dump = store.dump()
    # the default graph is the set union of the article graphs, whatever the kill interrupted
    stated = {line.rsplit(" <", 1)[0] + " ." for line in dump.decode().splitlines() if line}
    union = {line for line in store.default_graph_dump().decode().splitlines() if line}
    del store
    assert union == stated
    return _by_graph(dump)


@dataclass(frozen=True)
class Scenario:
    """A closed data directory holding the old versions; the files of the new ones."""

    base: Path
    files: list[Path]
    old: Graphs
    new: Graphs

    def version(self, found: Graphs) -> str:
        """ "old" or "new" when every replaced article is that version; fails otherwise."""
        replaced = set(self.new)
        assert {iri: q for iri, q in found.items() if iri not in replaced} == {
            iri: q for iri, q in self.old.items() if iri not in replaced
        }, "an article outside the batch changed"
        versions = set()
        for iri in replaced:
            if found.get(iri) == self.new[iri]:
                versions.add("new")
            elif found.get(iri) == self.old.get(iri):
                versions.add("old")
            else:
                have = len(found.get(iri, ()))
                raise AssertionError(
                    f"<{iri}> is neither version: {have} quads, old {len(self.old.get(iri, ()))},"
                    f" new {len(self.new[iri])}"
                )
        assert len(versions) == 1, f"the batch is half old, half new: {versions}"
        return versions.pop()


def _load(data_dir: Path, files: list[Path], config: BackendConfig | None = None) -> None:
    backends = open_backends(config or BackendConfig(data_dir=data_dir))
    try:
        backends.store.ensure_schema()
        ingest_paths(backends.store, files)
    finally:
        backends.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """The example article, replaced by a changed version of it (one SPARQL update)."""
    root = tmp_path_factory.mktemp("small")
    changed = root / "v2" / EXAMPLE.name
    changed.parent.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    changed.write_text(text.replace("military cooperation", "military cooperation (v2)"), "utf-8")
    _load(root / "base", [EXAMPLE])
    new_dir = root / "new"
    shutil.copytree(root / "base", new_dir)
    _load(new_dir, [changed])
    scenario = Scenario(root / "base", [changed], graphs_of(root / "base"), graphs_of(new_dir))
    assert scenario.old != scenario.new
    return scenario


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """160 synthetic articles, replaced by changed versions given as one TriG file."""
    root = tmp_path_factory.mktemp("bulk")
    v1 = write_sheets(root / "v1", BULK_ARTICLES)
    v2 = write_sheets(root / "v2", BULK_ARTICLES, title_suffix=" (v2)")
    _load(root / "base", v1)
    memory = GraphStore(OxigraphStore())
    ingest_paths(memory, v1)
    ingest_paths(memory, v2)
    trig = root / "v2.trig"
    dataset = Dataset()
    dataset.parse(data=memory.rdf.dump(), format="nquads")
    dataset.serialize(trig, format="trig")
    new_dir = root / "new"
    shutil.copytree(root / "base", new_dir)
    _load(new_dir, [trig])
    scenario = Scenario(root / "base", [trig], graphs_of(root / "base"), graphs_of(new_dir))
    assert sum(len(q) for q in scenario.new.values()) > BULK_THRESHOLD
    assert scenario.old.keys() == scenario.new.keys() and scenario.old != scenario.new
    return scenario


class Child:
    """One run of ``crash_child.py`` on its own copy of the data directory."""

    def __init__(self, scenario: Scenario, data_dir: Path, env: dict[str, str]) -> None:
        shutil.copytree(scenario.base, data_dir)
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir), *map(str, scenario.files)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.went = 0.0

    def wait_ready(self) -> None:
        """Wait until the child has parsed the files and waits to write."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == b"ready\n", f"the child did not get ready: {line!r}"

    def go(self) -> None:
        """Let the child write; delays count from now."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()
        self.went = time.monotonic()

    def kill_at(self, delay: float) -> bool:
        """SIGKILL ``delay`` s after go; whether it was still running then."""
        time.sleep(max(0.0, self.went + delay - time.monotonic()))
        alive = self.process.poll() is None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        return alive


def child_env(connection: Neo4jConnection | None = None) -> dict[str, str]:
    """The environment of a child: this worktree's code, Neo4j or not."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_NEO4J_")}
    # CRASH_TEST_CODE=/path/to/other/checkout runs the killed writer on other code (to check
    # that these tests fail on code that is not atomic)
    env["PYTHONPATH"] = os.environ.get("CRASH_TEST_CODE", str(ROOT))
    if connection is not None:
        env["DIPLOGRAPH_NEO4J_URI"], env["DIPLOGRAPH_NEO4J_USER"] = connection[0], connection[1]
        env["DIPLOGRAPH_NEO4J_PASSWORD"] = connection[2]
    return env


def calibrate(scenario: Scenario, data_dir: Path, env: dict[str, str]) -> float:
    """Seconds from go to the end of an unkilled run (which must give the new version)."""
    child = Child(scenario, data_dir, env)
    child.wait_ready()
    child.go()
    assert child.process.stdout is not None
    assert child.process.stdout.readline() == b"done\n"
    seconds = time.monotonic() - child.went
    assert child.process.wait(120) == 0
    assert scenario.version(graphs_of(data_dir)) == "new"
    return seconds


def kill_delays(window: float, count: int, seed: int) -> list[float]:
    """``count`` delays over ``[0, 2 * window]``, one at random in each slice, the slices
    denser at the start (a small write commits early in the window, which ends when the
    process has printed ``done``); up to twice the window, as a loaded machine runs a killed
    child slower than the calibration."""
    rng = random.Random(seed)
    return [window * 2 * ((i + rng.random()) / count) ** 1.5 for i in range(count)]


def kill_trials(
    scenario: Scenario, root: Path, env: dict[str, str]
) -> Iterator[tuple[float, Path]]:
    """Run the killed children, ``PARALLEL`` at a time; yields (delay, data dir) of each kill
    that landed while the child was still running."""
    window = calibrate(scenario, root / "calibration", env)
    delays = kill_delays(window, KILLS, seed=int(window * 1e6))
    print(f"\nwrite window {window * 1000:.0f} ms; kills at {[round(d * 1000) for d in delays]} ms")
    for start in range(0, len(delays), PARALLEL):
        group = list(enumerate(delays))[start : start + PARALLEL]
        children = [(d, Child(scenario, root / f"kill-{i}", env)) for i, d in group]
        for _, child in children:
            child.wait_ready()
        for delay, child in children:  # one at a time: the others wait to be told to write
            child.go()
            if child.kill_at(delay):
                yield delay, child.data_dir


def assert_all_or_nothing(scenario: Scenario, root: Path) -> dict[str, int]:
    """Kill replacements at many points; each leaves the old or the new version."""
    outcomes = {"old": 0, "new": 0}
    for delay, data_dir in kill_trials(scenario, root, child_env()):
        version = scenario.version(graphs_of(data_dir))  # opening recovers
        outcomes[version] += 1
        assert not (data_dir / UNDO_FILE).exists(), "the undo journal outlived its recovery"
        print(f"killed at {delay * 1000:.0f} ms: {version}")
    assert sum(outcomes.values()) >= KILLS // 3, f"too few kills landed in the write: {outcomes}"
    return outcomes


def test_a_killed_small_replacement_leaves_the_old_or_the_new_article(
    small: Scenario, tmp_path: Path
) -> None:
    assert_all_or_nothing(small, tmp_path)


def test_a_killed_bulk_replacement_leaves_every_article_old_or_every_one_new(
    bulk: Scenario, tmp_path: Path
) -> None:
    outcomes = assert_all_or_nothing(bulk, tmp_path)
    assert outcomes["old"] > 0, "no kill landed before the commit point"


# ------------------------------------------------------------------------------ with Neo4j


def _by_graph(nquads: bytes) -> Graphs:
    by_graph: dict[str, set[str]] = defaultdict(set)
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        by_graph[str(quad.graph_name.value)].add(str(quad))
    return {iri: frozenset(quads) for iri, quads in by_graph.items()}


NEO4J_TRIALS = 3


@pytest.mark.neo4j
def test_after_a_killed_replacement_the_api_rebuilds_the_stale_projection(
    small: Scenario, neo4j_connection: Neo4jConnection, neo4j_driver: Driver, tmp_path: Path
) -> None:
    """Kill the Neo4j-backed writer at several points; the API started on its data directory
    says "projection stale" until its background rebuild ends, then Neo4j equals the projection
    of the RDF store's version (each version's projection loaded from scratch for reference)."""
    uri, user, password = neo4j_connection
    references: dict[str, PropertyGraphDump] = {}
    for version, files in (("old", [EXAMPLE]), ("new", [EXAMPLE, *small.files])):
        clear_database(neo4j_driver)
        data_dir = tmp_path / f"reference-{version}"
        config = BackendConfig(data_dir, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
        for file in files:
            _load(data_dir, [file], config)
        references[version] = neo4j_dump(neo4j_driver, "neo4j")
    assert references["old"] != references["new"]
    rng = random.Random(14)
    stale_trials = 0
    for trial in range(NEO4J_TRIALS):
        clear_database(neo4j_driver)
        base = tmp_path / f"base-{trial}"
        config = BackendConfig(base, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
        _load(base, [EXAMPLE], config)
        assert not (base / STALE_FILE).exists()
        scenario = Scenario(base, small.files, small.old, small.new)
        child = Child(scenario, tmp_path / f"killed-{trial}", child_env(neo4j_connection))
        child.wait_ready()
        child.go()
        child.kill_at(rng.uniform(0.01, 0.3))
        stale = (child.data_dir / STALE_FILE).exists()
        stale_trials += stale
        settings = Settings(
            data_dir=child.data_dir, neo4j_uri=uri, neo4j_user=user, neo4j_password=password
        )
        app = create_app(settings)
        with live_server(app) as url:
            first = httpx.get(f"{url}/ready", timeout=30)
            deadline = time.monotonic() + 120
            while (ready := httpx.get(f"{url}/ready", timeout=30)).status_code != 200:
                assert "projection stale" in ready.text, ready.text
                assert time.monotonic() < deadline, "the projection was not rebuilt"
                time.sleep(0.2)
            version = small.version(_by_graph(app.state.backends.rdf.dump()))
            assert neo4j_dump(neo4j_driver, "neo4j") == references[version]
        assert not (child.data_dir / STALE_FILE).exists()
        assert first.status_code == (503 if stale else 200), first.text
        print(f"trial {trial}: stale marker {stale}, first /ready {first.status_code}, {version}")
    assert stale_trials > 0, "no kill landed between the marker and the end of the write"
