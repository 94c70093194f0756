"""Graph API latency and throughput on the synthetic corpus, both backends. Not a test.

    python bench/generate.py --articles 10000 --out bench/out/corpus-10000 --seed 1
    DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j-api diplograph neo4j start --port 0
    eval "$(DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j-api diplograph neo4j env)"
    python bench/api_bench.py --data-dir /tmp/api-bench/data --load bench/out/corpus-10000 \
        --nx-fix --json /tmp/api-bench/results.json
    DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j-api diplograph neo4j stop

``--load`` fills a fresh data dir and EMPTIES the Neo4j it is pointed at (use a private one):
the RDF store through ``ingest_paths``, then the projection with ``GraphStore.sync`` and the
LINK relationships in batches of ``--link-batch`` (one transaction each: a 10,000-article corpus
does not fit the 1 GB server's transaction memory in one). Without ``--load`` the stores are used
as they are.

Measured, on the same seeded samples (``--seed``): links (k = 3, ``--pairs`` pairs of actors
drawn from the ``--top`` best connected), neighbours (depth 2) and entity detail (``--actors``
actors drawn from all actors), as p50/p99 over ``--repeat`` rounds after one warm-up round:

* ``service``: the Python query service called directly (``neo4j_queries`` on a driver of this
  process; ``nx_queries`` over the same RDF store);
* ``convert``: the API's share, building the response model and its JSON from the result;
* ``http``: the same call through HTTP, uvicorn on 127.0.0.1 in a child process (as
  ``diplograph serve`` runs it), one keep-alive httpx client;
* ``overhead``: on Neo4j, each item is asked of the service and then over HTTP in turn, and
  this is the distribution of the paired differences (robust to the load of a shared
  machine); networkx cannot share its store with the server, so it has no such row;
* ``baseline``: networkx ``all_simple_paths(cutoff=3)`` on the same actor multigraph for the
  same pairs, capped at the same number of paths (graph built beforehand);
* ``wrk``: entity detail throughput, ``wrk -t2 -c16 -d10s`` rotating over the sampled ids
  (``bench/wrk/entities.lua``); without ``wrk`` installed (Debian: ``apt-get install wrk``), a
  Python load generator (httpx, 16 connections on asyncio, in this process: it takes CPU
  from the server on a small machine, so it reads lower); ``--loadgen`` picks one, and the
  report says which ran;
* ``ceiling`` (Neo4j): the same throughput against a minimal FastAPI route, defined here and
  not in the product, that runs the entity page's Cypher (``graph.neo4j.source.PAGE``, one
  managed read transaction) and returns its rows as JSON: what this stack (uvicorn, FastAPI,
  the driver, the query) can serve at best, in the same run; entity detail is reported as a
  share of it;
* ``driver`` (Neo4j): the ceiling's query through the driver alone, eight threads in this
  process rotating over the same ids, no HTTP at all: what Neo4j and the driver answer per
  second on this machine, the bound of any web stack in front of them;
* ``first``: the warm-up round (each item asked once before the measured rounds), reported on
  its own: right after a Neo4j restart (``--restart-neo4j``) it is the cold figure, the page
  cache empty; the measured rounds are warm.

``--nx-fix`` runs the networkx backend with ``ENTITY_TYPES``/``ENTITY_LABELS`` of
``graph.nx.entities`` rewritten with a DISTINCT sub-select of the entities (as they stand,
they join every graph stating an entity with every other one: the view does not build in
300 s on 10,000 articles); ``--nx-timeout`` is that backend's query timeout (the view is built
under it).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import gc
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
from serving import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.deps import backend_config  # noqa: E402
from api.graphjson import links_graph, neighbourhood_graph  # noqa: E402
from api.schemas.entities import EntityDetailOut  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.backends import (  # noqa: E402
    neo4j_queries,
    nx_queries,
)
from graph.queries import QueryService, StepFilter  # noqa: E402
from graph.queries.refs import short_id  # noqa: E402

LUA = ROOT / "bench" / "wrk" / "entities.lua"
K, DEPTH = 3, 2
Call = Callable[[Any], Any]


@dataclasses.dataclass
class Row:
    """Latencies (ms) of one query on one backend through one channel."""

    backend: str
    query: str
    channel: str
    ms: list[float]

    def pct(self, q: float) -> float:
        """The ``q``-th percentile (nearest rank)."""
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


# ------------------------------------------------------------------------------- loading


def load(data_dir: Path, corpus: Path, link_batch: int) -> None:
    """Fill the RDF store (when empty) and rebuild the Neo4j projection and LINKs."""
    import neo4j

    from api.ingest import ingest_paths
    from graph.neo4j.links import all_link_records, ensure_link_schema, write_link_rows
    from graph.neo4j.projection import Neo4jProjection
    from graph.rdf.store import OxigraphStore
    from graph.writer import GraphStore

    config = config_of(data_dir)
    rdf = OxigraphStore(data_dir)
    auth = (config.neo4j_user, config.neo4j_password or "")
    try:
        if rdf.counts().triples == 0:
            started = time.perf_counter()
            report = ingest_paths(GraphStore(rdf), [corpus])
            print(f"RDF: {report.triples:,} triples in {time.perf_counter() - started:.0f} s")
        with neo4j.GraphDatabase.driver(config.neo4j_uri, auth=auth) as driver:
            started = time.perf_counter()
            empty(driver, config.neo4j_database)
            GraphStore(rdf, Neo4jProjection(driver, config.neo4j_database)).sync()
            rows = all_link_records(rdf)
            with driver.session(database=config.neo4j_database) as session:
                ensure_link_schema(session)
                for start in range(0, len(rows), link_batch):
                    session.execute_write(write_link_rows, rows[start : start + link_batch])
            seconds = time.perf_counter() - started
            print(f"Neo4j: projection and {len(rows):,} LINKs in {seconds:.0f} s")
    finally:
        rdf.flush()


def empty(driver: Any, database: str) -> None:
    """Delete every relationship, then every node, in small transactions (a ``DETACH DELETE``
    of hub nodes outgrows the transaction memory of the 1 GB server)."""
    for statement in (
        "MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS deleted",
        "MATCH (n) WITH n LIMIT 20000 DELETE n RETURN count(*) AS deleted",
    ):
        while driver.execute_query(statement, database_=database).records[0]["deleted"]:
            pass


def config_of(data_dir: Path, **overrides: Any) -> Any:
    """The backend configuration of the settings from the environment and ``data_dir``."""
    return dataclasses.replace(backend_config(Settings(data_dir=data_dir)), **overrides)


def patch_entity_queries() -> None:
    """Rewrite the entity SPARQL of the networkx backend (see the module docstring)."""
    import graph.nx.entities as entities

    values = f"VALUES ?c {{ {entities._CLASS_VALUES} }}"
    distinct = f"{{ SELECT DISTINCT ?s WHERE {{ {values} GRAPH ?g {{ ?s a ?c }} }} }}"
    for name in ("ENTITY_TYPES", "ENTITY_LABELS"):
        text = getattr(entities, name)
        assert values in text and "GRAPH ?g { ?s a ?c }" in text, name
        text = text.replace(values, "").replace("GRAPH ?g { ?s a ?c }", distinct)
        setattr(entities, name, text)


# ------------------------------------------------------------------------------- samples


def samples(
    edges: list[tuple[str, str]], seed: int, top: int, pairs: int, actors: int
) -> tuple[list[tuple[str, str]], list[str]]:
    """Seeded actor pairs among the ``top`` best connected, and a seeded sample of all actors
    (short ids), from the (source, target) of every step."""
    degree = collections.Counter(n for edge in edges for n in edge)
    best = sorted(degree, key=lambda n: (-degree[n], n))[:top]
    rng = random.Random(seed)
    chosen = rng.sample(sorted(itertools.combinations(best, 2)), pairs)
    some = rng.sample(sorted(degree), actors)
    return [(short_id(a), short_id(b)) for a, b in chosen], [short_id(a) for a in some]


@dataclasses.dataclass(frozen=True)
class Spec:
    """One query: the service call, the API conversion, the HTTP request, the items."""

    query: str
    service: Call
    convert: Call
    request: Callable[[Any], tuple[str, dict[str, Any]]]
    items: list[Any]


def specs(queries: QueryService, pairs: list[Any], actors: list[str]) -> list[Spec]:
    """Links (k = 3) over the pairs, neighbours (depth 2) and detail over the actors."""
    return [
        Spec(
            "links",
            lambda p: queries.links(p[0], p[1], max_hops=K),
            lambda r: links_graph(r).model_dump_json(),
            lambda p: ("/links", {"a": p[0], "b": p[1], "k": K}),
            pairs,
        ),
        Spec(
            "neighbours",
            lambda a: queries.neighbours(a, depth=DEPTH),
            lambda r: neighbourhood_graph(r).model_dump_json(),
            lambda a: (f"/entities/{a}/neighbours", {"depth": DEPTH}),
            actors,
        ),
        Spec(
            "detail",
            lambda a: queries.entity(a),
            lambda r: EntityDetailOut.of(r).model_dump_json(),
            lambda a: (f"/entities/{a}", {}),
            actors,
        ),
    ]


def clock(call: Call, item: Any) -> float:
    """Milliseconds of ``call(item)``."""
    started = time.perf_counter()
    call(item)
    return (time.perf_counter() - started) * 1000


def measure(
    name: str, spec: Spec, repeat: int, client: httpx.Client | None, service: bool = True
) -> list[Row]:
    """``repeat`` rounds after a warm-up round. With both a service and a client, each item is
    asked of both in turn, so that the overhead (the paired difference) is measured under the
    same load."""

    def http(item: Any) -> None:
        assert client is not None
        path, params = spec.request(item)
        client.get(path, params=params).raise_for_status()

    channels: dict[str, Call] = {}
    if service:
        channels["service"] = spec.service
    if client is not None:
        channels["http"] = http
    times: dict[str, list[float]] = {c: [] for c in channels}
    first: dict[str, list[float]] = {c: [] for c in channels}
    for round_ in range(repeat + 1):
        for item in spec.items:
            for channel, call in channels.items():
                elapsed = clock(call, item)
                (times if round_ else first)[channel].append(elapsed)
    rows = [Row(name, spec.query, c, ms) for c, ms in times.items()]
    rows += [Row(name, spec.query, f"{c} first", ms) for c, ms in first.items()]
    if len(channels) == 2:
        paired = [h - t for t, h in zip(times["service"], times["http"], strict=True)]
        rows.append(Row(name, spec.query, "overhead", paired))
    if service:
        results = [spec.service(item) for item in spec.items]
        converted = [clock(spec.convert, r) for _ in range(repeat) for r in results]
        rows.append(Row(name, spec.query, "convert", converted))
    print("  " + "; ".join(f"{r.query} {r.channel} p50 {r.pct(50):.1f} ms" for r in rows))
    return rows


def baseline_row(edges: list[tuple[str, str]], pairs: list[Any], cap: int, repeat: int) -> Row:
    """networkx ``all_simple_paths(cutoff=3)`` capped at ``cap`` paths, same pairs, on the
    actor graph (one edge per pair of actors joined by some step, as actor paths count them;
    built before the clock starts)."""
    base = "https://w3id.org/diplograph/id/"
    graph = nx.Graph()
    graph.add_edges_from(edges)

    def run(pair: tuple[str, str]) -> int:
        paths = nx.all_simple_paths(graph, base + pair[0], base + pair[1], cutoff=K)
        return sum(1 for _ in itertools.islice(paths, cap))

    found = [clock(run, pair) for round_ in range(repeat + 1) for pair in pairs]
    return Row("networkx", "links", "baseline", found[len(pairs) :])


# --------------------------------------------------------------------------------- HTTP


@contextmanager
def server(env: dict[str, str], nx_fix: bool, log: Path, role: str = "--serve") -> Iterator[str]:
    """``--serve`` (or ``--serve-ceiling``) in a child process (uvicorn as ``diplograph serve``
    runs it); the URL."""
    port = free_port()
    command = [sys.executable, __file__, role, str(port)] + (["--nx-fix"] if nx_fix else [])
    with log.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(child, url, log, 120, poll=0.2)
            yield url
        finally:
            child.terminate()
            child.wait(60)


def serve(port: int, nx_fix: bool) -> None:
    """Child process: the app on 127.0.0.1:port (settings from the environment)."""
    import uvicorn

    from api.app import create_app

    if nx_fix:
        patch_entity_queries()
    uvicorn.run(create_app(Settings()), host="127.0.0.1", port=port, log_level="info")


def serve_ceiling(port: int) -> None:
    """Child process: the ceiling app (see the module docstring) on 127.0.0.1:port."""
    import neo4j
    import uvicorn
    from fastapi import FastAPI, Response

    from graph.neo4j.source import PAGE, page_parameters
    from graph.queries.pages import ENTITY_PAGE
    from graph.queries.refs import to_iri

    config = config_of(Path(os.environ["DIPLOGRAPH_DATA_DIR"]))
    auth = (config.neo4j_user, config.neo4j_password or "")
    driver = neo4j.GraphDatabase.driver(config.neo4j_uri, auth=auth, max_connection_pool_size=50)
    app = FastAPI()

    def rows(tx: Any, uri: str) -> list[dict[str, Any]]:
        return [r.data() for r in tx.run(PAGE, page_parameters(uri, ENTITY_PAGE))]

    @app.get("/entities/{entity_id:path}")
    def entity(entity_id: str) -> Response:
        with driver.session(
            database=config.neo4j_database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            found = session.execute_read(rows, to_iri(entity_id))
        return Response(json.dumps(found, default=str), media_type="application/json")

    @app.get("/ready")
    def ready() -> dict[str, bool]:
        return {"ready": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def throughput(url: str, ids: list[str], seconds: int, loadgen: str) -> dict[str, Any]:
    """Entity detail under ``wrk`` or the Python load generator (``loadgen``: wrk, python or
    auto, wrk when installed); nothing when ``seconds`` is 0."""
    if seconds <= 0:
        print("throughput: skipped (--wrk-seconds 0)", flush=True)
        return {}
    if loadgen == "wrk" and shutil.which("wrk") is None:
        sys.exit("--loadgen wrk: wrk is not installed (Debian: apt-get install wrk)")
    use_wrk = loadgen == "wrk" or (loadgen == "auto" and shutil.which("wrk") is not None)
    found = wrk(url, ids, seconds) if use_wrk else python_load(url, ids, seconds)
    print(f"  load generator: {found['generator']}: {found['rps']:.0f} req/s", flush=True)
    return found


def python_load(url: str, ids: list[str], seconds: int, connections: int = 16) -> dict[str, Any]:
    """``wrk``'s measurement in Python: ``connections`` keep-alive connections on asyncio
    (httpx) rotating over ``ids`` for ``seconds``; requests/s and latency percentiles."""
    import asyncio

    latencies: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient, offset: int, deadline: float) -> None:
        nonlocal errors
        position = offset
        while time.monotonic() < deadline:
            position = (position + 1) % len(ids)
            started = time.perf_counter()
            response = await client.get(f"/entities/{ids[position]}")
            latencies.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200

    async def run() -> float:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
            started = time.monotonic()
            deadline = started + seconds
            await asyncio.gather(*(worker(client, i * 7919, deadline) for i in range(connections)))
            return time.monotonic() - started

    elapsed = asyncio.run(run())
    ordered = sorted(latencies)
    return {
        "generator": f"python (httpx, {connections} connections)",
        "rps": len(ordered) / elapsed,
        "p50_ms": ordered[len(ordered) // 2],
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "errors": float(errors),
    }


def driver_rate(
    driver: Any, database: str | None, ids: list[str], seconds: int, threads: int = 8
) -> dict[str, Any]:
    """The entity page's query through the driver alone (``threads`` threads, no HTTP)."""
    import threading

    import neo4j

    from graph.neo4j.source import PAGE, page_parameters
    from graph.queries.pages import ENTITY_PAGE
    from graph.queries.refs import to_iri

    uris = [to_iri(i) for i in ids]
    latencies: list[float] = []

    def rows(tx: Any, uri: str) -> list[dict[str, Any]]:
        return [r.data() for r in tx.run(PAGE, page_parameters(uri, ENTITY_PAGE))]

    def work(offset: int, deadline: float) -> None:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            position = offset
            while time.monotonic() < deadline:
                position = (position + 1) % len(uris)
                started = time.perf_counter()
                session.execute_read(rows, uris[position])
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    workers = [
        threading.Thread(target=work, args=(i * 7919, started + seconds)) for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ordered = sorted(latencies)
    found = {
        "generator": f"driver only, {threads} threads, no HTTP",
        "rps": len(ordered) / (time.monotonic() - started),
        "p50_ms": ordered[len(ordered) // 2],
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "errors": 0.0,
    }
    print(f"  driver alone: {found['rps']:.0f} queries/s", flush=True)
    return found


def wrk(url: str, ids: list[str], seconds: int) -> dict[str, Any]:
    """Requests per second and latency percentiles of entity detail under ``wrk``."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as out:
        out.write("\n".join(ids) + "\n")
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    command += ["-s", str(LUA), url, "--", out.name]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(out.name)
    found: dict[str, Any] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])}  # type: ignore[index]
    found["generator"] = "wrk -t2 -c16"
    for label in ("50%", "99%"):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
        found[f"p{label[:-1]}_ms"] = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    found["errors"] = float(errors[1]) if errors else 0.0
    return found


def restart_neo4j() -> None:
    """Stop and start the local Neo4j on the same port (its page cache starts empty)."""
    from urllib.parse import urlsplit

    port = urlsplit(os.environ["DIPLOGRAPH_NEO4J_URI"]).port
    for action in (["stop"], ["start", "--port", str(port)]):
        subprocess.run(["diplograph", "neo4j", *action], check=True)
    print("Neo4j restarted: the first round is cold", flush=True)


# -------------------------------------------------------------------------------- report


def report(rows: list[Row], rates: dict[str, dict[str, Any]]) -> list[str]:
    """The table of results."""
    lines = [f"{'backend':9} {'query':11} {'channel':13} {'n':>5} {'p50 ms':>9} {'p99 ms':>9}"]
    for r in rows:
        head = f"{r.backend:9} {r.query:11} {r.channel:13} {len(r.ms):5}"
        lines.append(f"{head} {r.pct(50):9.2f} {r.pct(99):9.2f}")
    for backend, found in rates.items():
        if not found:  # skipped
            continue
        lines.append(
            f"{backend:9} detail      throughput    {found['rps']:.0f} req/s, p50 "
            f"{found['p50_ms']:.1f} ms, p99 {found['p99_ms']:.1f} ms, {found['errors']:.0f} "
            f"non-2xx ({found['generator']})"
        )
    detail, ceiling = rates.get("neo4j"), rates.get("ceiling")
    if detail and ceiling and ceiling["errors"]:
        lines.append("ceiling   detail      failed        non-2xx answers: see server-ceiling.log")
    elif detail and ceiling:
        share = 100 * detail["rps"] / ceiling["rps"]
        lines.append(f"neo4j     detail      of ceiling    {share:.0f} %")
    return lines


def neo4j_phase(
    args: argparse.Namespace,
) -> tuple[list[Row], list[Any], list[str], dict[str, dict[str, Any]]]:
    """The samples, then Neo4j through the service (a driver in this process) and through
    HTTP (the server in a child process) side by side, throughput against the ceiling's, and
    the baseline."""
    import neo4j

    config = config_of(args.data_dir)
    auth = (config.neo4j_user, config.neo4j_password or "")
    with neo4j.GraphDatabase.driver(config.neo4j_uri, auth=auth) as driver:
        queries = neo4j_queries(driver, config.neo4j_database, config.limits)
        edges = queries.source.edges(StepFilter())  # type: ignore[attr-defined]
        pairs, actors = samples(edges, args.seed, args.top, args.pairs, args.actors)
        if args.restart_neo4j:  # after the samples (reading every LINK warms the cache)
            restart_neo4j()
        env = {**os.environ, "DIPLOGRAPH_DATA_DIR": str(args.data_dir)}
        log = args.data_dir.parent / "server-neo4j.log"
        with server(env, False, log) as url, httpx.Client(base_url=url, timeout=60) as client:
            rows = [
                row
                for spec in specs(queries, pairs, actors)
                for row in measure("neo4j", spec, args.repeat, client)
            ]
            rates = {"neo4j": throughput(url, actors, args.wrk_seconds, args.loadgen)}
        log = args.data_dir.parent / "server-ceiling.log"
        with server(env, False, log, "--serve-ceiling") as url:
            throughput(url, actors, 2, args.loadgen)  # its warm-up (the product had its own)
            rates["ceiling"] = throughput(url, actors, args.wrk_seconds, args.loadgen)
        rates["driver"] = driver_rate(driver, config.neo4j_database, actors, args.wrk_seconds)
        rows.append(baseline_row(edges, pairs, config.limits.max_paths, args.repeat))
    return rows, pairs, actors, rates


def nx_phase(
    args: argparse.Namespace, pairs: list[Any], actors: list[str]
) -> tuple[list[Row], Any]:
    """networkx through the service (the view built first, then frozen out of the garbage
    collector), then through HTTP (the store is not shared, so one after the other)."""
    from graph.rdf.store import OxigraphStore

    if args.nx_fix:
        patch_entity_queries()
    limits = dataclasses.replace(config_of(args.data_dir).limits, timeout=args.nx_timeout)
    rdf = OxigraphStore(args.data_dir)
    queries = nx_queries(rdf, limits)
    started = time.perf_counter()
    queries.source.edges(StepFilter())  # type: ignore[attr-defined]  # builds the view
    gc.freeze()
    print(f"networkx view built in {time.perf_counter() - started:.1f} s", flush=True)
    rows = [
        row
        for spec in specs(queries, pairs, actors)
        for row in measure("networkx", spec, args.nx_repeat, None)
    ]
    del queries, rdf
    gc.unfreeze()
    gc.collect()  # releases the store's lock for the server
    if args.skip_nx_http:
        return rows, None
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_NEO4J_")}
    env.update(
        DIPLOGRAPH_DATA_DIR=str(args.data_dir), DIPLOGRAPH_QUERY_TIMEOUT_S=str(args.nx_timeout)
    )
    log = args.data_dir.parent / "server-networkx.log"
    with (
        server(env, args.nx_fix, log) as url,
        httpx.Client(base_url=url, timeout=args.nx_timeout) as client,
    ):
        for spec in specs(_NoService(), pairs, actors):
            rows += measure("networkx", spec, args.nx_repeat, client, service=False)
        return rows, throughput(url, actors, args.wrk_seconds, args.loadgen)


class _NoService:
    """Stands for a query service where only the HTTP requests of the specs are used."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"no service here ({name})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/api-bench/data"))
    parser.add_argument("--load", type=Path, metavar="CORPUS", help="load this corpus first")
    parser.add_argument("--link-batch", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=50, help="best connected actors for pairs")
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--actors", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nx-repeat", type=int, default=1)
    parser.add_argument("--nx-fix", action="store_true")
    parser.add_argument("--nx-timeout", type=float, default=600.0)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--skip-nx-http", action="store_true")
    parser.add_argument(
        "--skip-nx", action="store_true", help="no networkx backend rows (baseline kept)"
    )
    parser.add_argument("--json", type=Path, help="write the rows here")
    parser.add_argument(
        "--loadgen", choices=("auto", "wrk", "python"), default="auto", help="throughput by"
    )
    parser.add_argument(
        "--restart-neo4j",
        action="store_true",
        help="restart the local Neo4j (diplograph neo4j, DIPLOGRAPH_CACHE_DIR) first: cold",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-ceiling", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.nx_fix)
        return 0
    if args.serve_ceiling:
        serve_ceiling(args.serve_ceiling)
        return 0
    if not os.environ.get("DIPLOGRAPH_NEO4J_URI"):
        sys.exit('set DIPLOGRAPH_NEO4J_* first: eval "$(diplograph neo4j env)"')
    if args.load:
        load(args.data_dir, args.load, args.link_batch)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    rows, pairs, actors, rates = neo4j_phase(args)
    nx_rows, nx_rate = ([], None) if args.skip_nx else nx_phase(args, pairs, actors)
    rows += nx_rows
    rates |= {"networkx": nx_rate} if nx_rate else {}
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    lines = report(rows, rates)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": [
                        dataclasses.asdict(r) | {"p50": r.pct(50), "p99": r.pct(99)} for r in rows
                    ],
                    "throughput": rates,
                    "pairs": pairs,
                    "actors": actors,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
