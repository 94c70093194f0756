"""SPARQL endpoint overhead: cookbook queries through ``/sparql`` against the engines directly.

    python bench/sparql_bench.py --articles 1000 --rdflib-articles 0

Loads the synthetic corpus (``bench/generate.py``) into an on-disk Oxigraph store (a temporary
data dir, as in production: ``/sparql`` queries run in worker processes on a checkpoint of it) and
runs a few queries of ``docs/queries.md`` (generalised so they match synthetic data) in one run:
pyoxigraph called directly in this process, ``GET /sparql`` over HTTP (uvicorn on 127.0.0.1,
SPARQL JSON, worker pool; the parser check's verdict cached after the first run), the same with a
new text each time (a comment with a counter: the parser check runs every time), and rdflib's
in-memory engine on the same triples (skipped with ``--rdflib-articles 0``). rdflib is far
slower to load and query, so it may be given a smaller corpus (``--rdflib-articles``); the
table says which size each row used.
Overhead is the HTTP median minus the direct median, as a share of the direct median.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
from rdflib import Dataset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from live_server import live_server  # noqa: E402
from load_bench import corpus  # noqa: E402

from api.app import create_app  # noqa: E402
from api.ingest import ingest_paths  # noqa: E402
from api.settings import Settings  # noqa: E402

PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
# The default graph is the set union of the article graphs (graph.rdf.union): the queries are
# written as an analyst would, without GRAPH patterns or DISTINCT to undo repeated triples.
QUERIES = {
    "small: one country": PREFIX
    + """SELECT ?name WHERE { ?c a dg:Country ; dg:name ?name } LIMIT 1""",
    "signatories of MOUs": PREFIX
    + """SELECT ?agreement ?signatory ?party WHERE {
  ?s a dg:Signature ; dg:agreement ?agreement ; dg:signatory ?signatory ; dg:onBehalfOf ?party .
  ?agreement a dg:MOU
}""",
    "areas per agreement": PREFIX
    + """SELECT ?agreement (COUNT(?area) AS ?areas) WHERE {
  ?agreement dg:coversArea ?area
} GROUP BY ?agreement ORDER BY DESC(?areas) LIMIT 100""",
    "anonymous claims": PREFIX
    + """SELECT ?fact ?quote ?article WHERE {
  ?fact dg:evidence ?e . ?e dg:anonymous true ; dg:quote ?quote ; dg:inArticle ?article
} LIMIT 1000""",
    "influences by kind": PREFIX
    + """SELECT ?kind (COUNT(?i) AS ?n) WHERE {
  ?i a dg:Influence ; dg:influenceKind ?kind
} GROUP BY ?kind ORDER BY DESC(?n)""",
}


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def rdflib_dataset(files: Sequence[Path]) -> Dataset:
    """The same article graphs in an rdflib Dataset (union default graph)."""
    from loaders.batch import load_paths
    from loaders.index import EntityIndex

    dataset = Dataset(default_union=True)
    for article in load_paths(files, EntityIndex(), shacl=False).articles:
        target = dataset.graph(article.iri)
        for triple in article.graph:
            target.add(triple)
    return dataset


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--rdflib-articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="sparql-bench-"))
    settings = Settings(_env_file=None, data_dir=data_dir, neo4j_uri=None, sparql_result_cap=10**6)
    app = create_app(settings)
    rows: list[tuple[str, str, int, float]] = []
    fresh = itertools.count()
    with live_server(app) as url, httpx.Client(base_url=url, timeout=120) as http:
        backends = app.state.backends
        report = ingest_paths(backends.store, [corpus(args.articles, 1)])
        print(f"loaded {report.triples} triples from {args.articles} articles", file=sys.stderr)
        store = backends.rdf.pyoxigraph_store
        accept = {"Accept": "application/sparql-results+json"}
        http.get("/sparql", params={"query": "ASK {}"}).raise_for_status()  # snapshot
        print(f"snapshot (Store.backup): {backends.sparql.stats()}", file=sys.stderr)
        for name, query in QUERIES.items():

            def uncached(q: str = query) -> object:
                text = f"{q}\n# run {next(fresh)}"
                response = http.get("/sparql", params={"query": text}, headers=accept)
                response.raise_for_status()
                return response.content

            def direct(q: str = query) -> object:
                return list(store.query(q))

            def over_http(q: str = query) -> object:
                response = http.get("/sparql", params={"query": q}, headers=accept)
                response.raise_for_status()
                return response.content

            rows.append((name, "pyoxigraph direct", args.articles, median_ms(direct, args.repeat)))
            rows.append(
                (name, "/sparql over HTTP", args.articles, median_ms(over_http, args.repeat))
            )
            rows.append((name, "/sparql, new text", args.articles, median_ms(uncached, 3)))
    shutil.rmtree(data_dir, ignore_errors=True)
    if args.rdflib_articles <= 0:
        return report_rows(rows)
    dataset = rdflib_dataset(sorted(corpus(args.rdflib_articles, 1).glob("*.json")))
    for name, query in QUERIES.items():
        rows.append(
            (
                name,
                "rdflib in-memory",
                args.rdflib_articles,
                median_ms(lambda q=query: list(dataset.query(q)), 3),
            )
        )
    return report_rows(rows)


def report_rows(rows: list[tuple[str, str, int, float]]) -> int:
    """Print the medians and the endpoint overhead per query."""
    print(f"{'query':<22} {'engine':<20} {'articles':>8} {'p50 ms':>9}")
    for name, engine, size, ms in rows:
        print(f"{name:<22} {engine:<20} {size:>8} {ms:>9.1f}")
    for name in QUERIES:
        by = {engine: ms for n, engine, _, ms in rows if n == name}
        direct_ms = by["pyoxigraph direct"]
        for engine in ("/sparql over HTTP", "/sparql, new text"):
            extra = by[engine] - direct_ms
            share = extra / direct_ms * 100
            print(f"{name:<22} {engine:<18} overhead {extra:6.1f} ms = {share:6.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
