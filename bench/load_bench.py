"""Load throughput: triples per second into Oxigraph and into Neo4j, against rdflib-neo4j.

    eval "$(DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j diplograph neo4j env)"
    python bench/load_bench.py --sizes 1000 10000
    python bench/load_bench.py --sizes 1000 --embedded     # no Neo4j: the first two rows only

For each corpus size (synthetic fact sheets from ``bench/generate.py``, generated once into
``bench/out/``) it measures, in one run on the same RDF:

* diplograph load: ``api.ingest.ingest_paths`` into a fresh data directory with the defaults
  of ``diplograph load`` (validation on: fact sheets against their model, RDF input against the
  SHACL shapes; the embedded store, no Neo4j): the path users run, end to end;
* parse: fact sheets → article graphs (loaders, defaults as ``diplograph load``);
* oxigraph: the article graphs into a fresh on-disk Oxigraph store (``replace_graphs``);
* both stores: ``GraphStore.load_graphs`` — Oxigraph, then the Neo4j projection and the LINK
  relationships in one transaction, as ``diplograph load`` does, into empty stores (the first
  load of a corpus: the load reads its own graphs from an in-memory copy, see
  ``OxigraphStore.cached_reads``);
* neo4j sync: ``GraphStore.sync`` — the projection rebuilt from the RDF store;
* both stores (last 10%): the last tenth of the articles loaded into stores holding the other
  nine tenths (untimed): the incremental path, which reads the union of every graph from disk;
* baseline: the same triples written into Neo4j by ``rdflib-neo4j`` (batching on, the
  neosemantics-style mapping it is made for).

The ratio is diplograph's end-to-end load into both stores against rdflib-neo4j's load into
Neo4j alone. ``load`` is the 1-minute load average when the stage ended: on a shared machine
the ratio moves with it (rdflib-neo4j's work is mostly Neo4j's, on every core; diplograph's
mostly one Python thread). WARNING: it empties the Neo4j database it is pointed at; use a
private server.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
from rdflib import XSD, Graph, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.ingest import ingest_paths  # noqa: E402
from graph.backends import BackendConfig, open_backends  # noqa: E402
from graph.neo4j.links import LinkUpkeep  # noqa: E402
from graph.neo4j.projection import Neo4jProjection  # noqa: E402
from graph.rdf.store import OxigraphStore  # noqa: E402
from graph.writer import GraphStore  # noqa: E402
from loaders.batch import load_paths  # noqa: E402
from loaders.index import EntityIndex  # noqa: E402
from ontology.triples import Triples  # noqa: E402


@dataclass
class Row:
    """One measurement."""

    size: int
    stage: str
    triples: int
    seconds: float
    cpu: float | None = None
    """CPU seconds of this process (all its threads), where measured."""
    load: float = field(default_factory=lambda: os.getloadavg()[0])

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


def corpus(size: int, seed: int) -> Path:
    """The synthetic corpus of ``size`` sheets, generated on first use."""
    out = ROOT / "bench" / "out" / f"corpus-{size}-seed{seed}"
    if not out.is_dir() or len(list(out.glob("*.json"))) != size:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", str(size),
             "--seed", str(seed), "--out", str(out)],
            check=True,
        )  # fmt: skip
    return out


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``action`` with the cyclic GC paused (as the store does); result and seconds."""
    result, seconds, _ = timed_cpu(action)
    return result, seconds


def timed_cpu(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """:func:`timed`, and the CPU seconds it took (on a shared machine the wall time moves
    with the load average; the CPU time much less)."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - started, time.process_time() - cpu


def clear_neo4j(driver: neo4j.Driver) -> None:
    """Delete everything, in batches, and drop rdflib-neo4j's constraint if it made one."""
    while True:
        records, _, _ = driver.execute_query(
            "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"
        )
        if records[0]["deleted"] == 0:
            break
    driver.execute_query("DROP CONSTRAINT n10s_unique_uri IF EXISTS")


def neo4j_driver() -> neo4j.Driver:
    """The driver for DIPLOGRAPH_NEO4J_* (exit with a hint when they are not set)."""
    uri = os.environ.get("DIPLOGRAPH_NEO4J_URI")
    if not uri:
        sys.exit('set DIPLOGRAPH_NEO4J_* first: eval "$(diplograph neo4j env)"')
    auth = (
        os.environ.get("DIPLOGRAPH_NEO4J_USER", "neo4j"),
        os.environ["DIPLOGRAPH_NEO4J_PASSWORD"],
    )
    return neo4j.GraphDatabase.driver(uri, auth=auth)


def _plain_duration(term: Any) -> Any:
    if isinstance(term, Literal) and term.datatype == XSD.duration:
        return Literal(str(term))
    return term


def baseline(graphs: dict[str, Graph], driver: neo4j.Driver) -> float:
    """Seconds rdflib-neo4j takes to write the triples of ``graphs`` into Neo4j."""
    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig

    config = Neo4jStoreConfig(
        auth_data={
            "uri": os.environ["DIPLOGRAPH_NEO4J_URI"],
            "database": "neo4j",
            "user": os.environ.get("DIPLOGRAPH_NEO4J_USER", "neo4j"),
            "pwd": os.environ["DIPLOGRAPH_NEO4J_PASSWORD"],
        },
        handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE,
        batching=True,
    )
    clear_neo4j(driver)

    # rdflib-neo4j cannot write xsd:duration values (the driver refuses rdflib's Duration), so
    # those few literals (meeting frequencies) go to it as plain strings.
    triples = [(s, p, _plain_duration(o)) for graph in graphs.values() for s, p, o in graph]

    def load() -> None:
        target = Graph(store=Neo4jStore(config=config))
        for triple in triples:
            target.add(triple)
        target.close(True)

    _, seconds = timed(load)
    return seconds


def user_load(size: int, seed: int) -> Row:
    """``diplograph load`` of the corpus into a fresh data directory, embedded store only."""
    with tempfile.TemporaryDirectory() as tmp:
        backends = open_backends(BackendConfig(data_dir=Path(tmp) / "data"))
        try:
            store = backends.store
            report, seconds, cpu = timed_cpu(lambda: ingest_paths(store, [corpus(size, seed)]))
        finally:
            backends.close()
    assert not report.failed and report.write is not None, report.failed
    return Row(size, "diplograph load (embedded)", report.write.triples, seconds, cpu)


def measure(size: int, seed: int, driver: neo4j.Driver | None, with_baseline: bool) -> list[Row]:
    """Every stage for one corpus size (the Neo4j ones when ``driver`` is given)."""
    rows = [user_load(size, seed)]
    files = sorted(corpus(size, seed).glob("*.json"))
    batch, parse_s, parse_cpu = timed_cpu(lambda: load_paths(files, EntityIndex()))
    contents = {str(a.iri): a.content for a in batch.articles}  # what the stores are given
    triples = sum(len(g) for g in contents.values())
    rows.append(Row(size, "parse (loaders)", triples, parse_s, parse_cpu))
    with tempfile.TemporaryDirectory() as tmp:
        rdf = OxigraphStore(Path(tmp) / "oxigraph")
        _, seconds, cpu = timed_cpu(lambda: rdf.replace_graphs(contents))
        rows.append(Row(size, "oxigraph", triples, seconds, cpu))
    graphs = {str(a.iri): a.graph for a in batch.articles}  # only rdflib-neo4j reads Graphs
    if driver is None:
        return rows
    with tempfile.TemporaryDirectory() as tmp:
        rdf = OxigraphStore(Path(tmp) / "oxigraph")
        projection = Neo4jProjection(driver, links=LinkUpkeep(rdf))
        store = GraphStore(rdf, projection)
        clear_neo4j(driver)
        store.ensure_schema()
        _, seconds = timed(lambda: store.load_graphs(contents))
        rows.append(Row(size, "both stores (load)", triples, seconds))
        _, seconds = timed(store.sync)
        rows.append(Row(size, "neo4j (sync)", triples, seconds))
    rows.append(incremental(size, contents, driver))
    if with_baseline:
        rows.append(Row(size, "rdflib-neo4j (baseline)", triples, baseline(graphs, driver)))
    clear_neo4j(driver)
    return rows


def incremental(size: int, graphs: dict[str, Triples], driver: neo4j.Driver) -> Row:
    """The last tenth of ``graphs`` loaded into stores holding the rest (loaded untimed)."""
    names = list(graphs)
    cut = len(names) - max(1, len(names) // 10)
    first = {iri: graphs[iri] for iri in names[:cut]}
    last = {iri: graphs[iri] for iri in names[cut:]}
    with tempfile.TemporaryDirectory() as tmp:
        rdf = OxigraphStore(Path(tmp) / "oxigraph")
        store = GraphStore(rdf, Neo4jProjection(driver, links=LinkUpkeep(rdf)))
        clear_neo4j(driver)
        store.ensure_schema()
        store.load_graphs(first)
        _, seconds = timed(lambda: store.load_graphs(last))
    return Row(size, "both stores (last 10%)", sum(len(g) for g in last.values()), seconds)


def report(rows: Sequence[Row]) -> None:
    """Print the table and the ratios against the baseline."""
    header = f"{'articles':>9} {'stage':<26} {'triples':>10} {'seconds':>9} {'triples/s':>11}"
    print(f"{header} {'CPU s':>7} {'load':>5}")
    for row in rows:
        print(
            f"{row.size:>9} {row.stage:<26} {row.triples:>10} "
            f"{row.seconds:>9.2f} {row.rate:>11,.0f} "
            f"{'-' if row.cpu is None else f'{row.cpu:.2f}':>7} {row.load:>5.1f}"
        )
    for size in sorted({r.size for r in rows}):
        by = {r.stage: r for r in rows if r.size == size}
        base = by.get("rdflib-neo4j (baseline)")
        if base is None:
            continue
        for stage in ("both stores (load)", "neo4j (sync)"):
            print(f"{size:>9} {stage} vs rdflib-neo4j: {by[stage].rate / base.rate:.1f}x")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baseline-max", type=int, default=10000, help="skip rdflib-neo4j above this size"
    )
    parser.add_argument("--embedded", action="store_true", help="no Neo4j: the first rows only")
    args = parser.parse_args(argv)
    wants_baseline = not args.embedded and min(args.sizes) <= args.baseline_max
    if wants_baseline and importlib.util.find_spec("rdflib_neo4j") is None:
        parser.error(
            "the baseline needs rdflib-neo4j: pip install -e '.[bench]' (or --baseline-max 0)"
        )
    driver = None if args.embedded else neo4j_driver()
    rows: list[Row] = []
    try:
        for size in args.sizes:
            rows += measure(size, args.seed, driver, size <= args.baseline_max)
            report([r for r in rows if r.size == size])
            print()
    finally:
        if driver is not None:
            driver.close()
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
