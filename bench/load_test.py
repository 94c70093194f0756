"""A bounded load test of the HTTP API on 127.0.0.1: mixed reads while articles are loaded. Not
a test of the suite (nothing asserts); it prints a table and exits non-zero on any error.

    python bench/generate.py --articles 500 --out /tmp/lt --seed 3
    python bench/load_test.py --corpus /tmp/lt --seconds 20 --requests 5000 --clients 8

    # the same on a PRIVATE Neo4j (never the shared server on 7687: the test empties it)
    DIPLOGRAPH_CACHE_DIR=/tmp/lt-neo4j diplograph neo4j start --port 0
    eval "$(DIPLOGRAPH_CACHE_DIR=/tmp/lt-neo4j diplograph neo4j env)"
    python bench/load_test.py --corpus /tmp/lt --neo4j
    DIPLOGRAPH_CACHE_DIR=/tmp/lt-neo4j diplograph neo4j stop

The server is ``diplograph serve --load-examples`` in a child process (uvicorn, as deployed) on
a free port of 127.0.0.1, with a fresh data directory and a development API key. ``--clients``
asyncio tasks share one httpx client and send reads drawn from a fixed mix (entity detail,
search, links k=2, agreements, a SPARQL SELECT, ``/stats``) back to back, while one more task
POSTs the corpus' fact sheets to ``/articles`` one after the other (the write path, into both
stores). Everything stops at ``--seconds`` or after ``--requests`` reads, whichever comes
first; the writer stops with the readers. ``--compare`` runs the same reads twice on the same
server, first without the writer, then with it, and prints each route's p99 with the writer
over its p99 without (the issue-16 target: at most 3, and every p99 at most 500 ms).
``--preload DIR`` loads a corpus (``diplograph load``) into the data directory before the
server starts, so that reads run on a store of realistic size. Every request has a client
timeout. An error is a transport failure, a time-out or any status other than the expected
one (200, or 201 for a load); the exit status is 1 when there was any.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from serving import free_port

API_KEY = "load-test-key-0123456789"
ACTORS = ["country/DZA", "country/RUS", "country/USA", "country/FRA", "country/MAR", "country/MLI"]
SEARCHES = ["alg", "russ", "chengriha", "Washington", "africom", "min", "a"]
SPARQL = (
    "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
    "SELECT ?a ?title WHERE { ?a a dg:Agreement ; dg:title ?title } ORDER BY ?title LIMIT 50"
)
ROUTES = {
    "entity detail": 3,
    "search": 3,
    "links k=2": 2,
    "agreements": 2,
    "sparql select": 2,
    "stats": 1,
}
"""Read mix: route → weight."""


def read_request(route: str, rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """(method, path, httpx keyword arguments) of one read of ``route``."""
    actor = rng.choice(ACTORS)
    if route == "entity detail":
        return "GET", f"/entities/{actor}", {}
    if route == "search":
        return "GET", "/entities", {"params": {"q": rng.choice(SEARCHES), "limit": 20}}
    if route == "links k=2":
        other = rng.choice([a for a in ACTORS if a != actor])
        return "GET", "/links", {"params": {"a": actor, "b": other, "k": 2}}
    if route == "agreements":
        return "GET", "/agreements", {"params": {"party": actor, "limit": 20}}
    if route == "sparql select":
        return "GET", "/sparql", {"params": {"query": SPARQL}}
    return "GET", "/stats", {}


@dataclass
class Tally:
    """Latencies and errors of one route."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.examples) < 3:
            self.examples.append(what[:200])


@dataclass
class Run:
    """What one load test measured."""

    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    reads: int = 0
    started: float = 0.0
    ended: float = 0.0
    articles_loaded: int = 0
    writing: bool = False


async def timed(
    client: httpx.AsyncClient, tally: Tally, expect: int, method: str, path: str, **kwargs: Any
) -> None:
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        tally.error(f"{type(error).__name__}: {error}")
        return
    finally:
        tally.latencies.append(time.perf_counter() - started)
    if response.status_code != expect:
        tally.error(f"{method} {path} {response.status_code} {response.text[:150]}")


async def reader(
    client: httpx.AsyncClient, run: Run, rng: random.Random, deadline: float, budget: int
) -> None:
    routes, weights = list(ROUTES), list(ROUTES.values())
    while time.monotonic() < deadline and run.reads < budget:
        run.reads += 1
        route = rng.choices(routes, weights)[0]
        method, path, kwargs = read_request(route, rng)
        await timed(client, run.tallies[route], 200, method, path, **kwargs)


async def writer(
    client: httpx.AsyncClient, run: Run, sheets: list[Path], deadline: float, budget: int
) -> None:
    tally = run.tallies["POST /articles"]
    for sheet in sheets:
        if time.monotonic() >= deadline or run.reads >= budget:
            return
        media_type = "application/json" if sheet.suffix == ".json" else "application/yaml"
        errors = tally.errors
        await timed(
            client,
            tally,
            201,
            "POST",
            "/articles",
            content=sheet.read_bytes(),
            headers={"content-type": media_type, "x-api-key": API_KEY},
        )
        run.articles_loaded += tally.errors == errors


async def load(base_url: str, args: argparse.Namespace, sheets: list[Path]) -> Run:
    run = Run()
    limits = httpx.Limits(
        max_connections=args.clients + 2, max_keepalive_connections=args.clients + 2
    )
    async with httpx.AsyncClient(base_url=base_url, timeout=args.timeout, limits=limits) as client:
        for route in ROUTES:  # warm up every route once (first queries build caches)
            method, path, kwargs = read_request(route, random.Random(0))
            await client.request(method, path, **kwargs)
        run.started = time.monotonic()
        deadline = run.started + args.seconds
        tasks = [
            reader(client, run, random.Random(args.seed * 1000 + i), deadline, args.requests)
            for i in range(args.clients)
        ]
        run.writing = bool(sheets)
        if sheets:
            tasks.append(writer(client, run, sheets, deadline, args.requests))
        await asyncio.gather(*tasks)
        run.ended = time.monotonic()
    return run


# ------------------------------------------------------------------ the server


@contextmanager
def server(args: argparse.Namespace) -> Iterator[str]:
    """``diplograph serve --load-examples`` in a child process; yields its base URL."""
    data_dir = tempfile.mkdtemp(prefix="diplograph-load-")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("DIPLOGRAPH_NEO4J") and not args.neo4j)
    }
    env.update(
        DIPLOGRAPH_DATA_DIR=data_dir,
        DIPLOGRAPH_API_KEYS=json.dumps([API_KEY]),
        DIPLOGRAPH_DEVELOPMENT="true",
        DIPLOGRAPH_QUERY_TIMEOUT_S=str(args.query_timeout),
    )
    command = [
        sys.executable,
        "-m",
        "api.cli.main",
        "serve",
        "--port",
        str(port),
        "--load-examples",
    ]
    if args.preload:
        started = time.monotonic()
        loader = [sys.executable, "-m", "api.cli.main", "load", str(args.preload)]
        subprocess.run(loader, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"preloaded {args.preload} in {time.monotonic() - started:.0f} s", flush=True)
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"the server exited: {(Path(data_dir) / 'server.log').read_text()}"
                )
            try:
                if httpx.get(f"{base_url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not become ready in 120 s")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def empty_private_neo4j(allow_default_port: bool) -> str:
    """Empty the Neo4j of ``DIPLOGRAPH_NEO4J_URI``, which must not be the shared one on 7687."""
    from neo4j import GraphDatabase

    uri = os.environ.get("DIPLOGRAPH_NEO4J_URI")
    if not uri:
        raise SystemExit('--neo4j: set DIPLOGRAPH_NEO4J_* first (eval "$(diplograph neo4j env)")')
    parts = urlsplit(uri)
    if parts.port in (None, 7687) and not allow_default_port:
        raise SystemExit(f"{uri} looks like the shared Neo4j; start a private one (--port 0)")
    auth = (
        os.environ.get("DIPLOGRAPH_NEO4J_USER", "neo4j"),
        os.environ["DIPLOGRAPH_NEO4J_PASSWORD"],
    )
    with GraphDatabase.driver(uri, auth=auth) as driver:
        query = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)"
        while driver.execute_query(query).records[0][0]:
            pass
    return uri


# ------------------------------------------------------------------ the report


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(run: Run, args: argparse.Namespace, backend: str) -> int:
    elapsed = run.ended - run.started
    reads = sum(len(t.latencies) for r, t in run.tallies.items() if r != "POST /articles")
    errors = sum(t.errors for t in run.tallies.values())
    print(
        f"\n{backend}: {args.clients} readers + {'1 writer' if run.writing else 'no writer'}, "
        f"{elapsed:.1f} s, {reads} reads ({reads / elapsed:.0f}/s), "
        f"{run.articles_loaded} articles loaded ({run.articles_loaded / elapsed:.1f}/s), "
        f"{errors} errors"
    )
    columns = ("count", 6), ("req/s", 7), ("p50 ms", 8), ("p99 ms", 8), ("max ms", 8), ("errors", 6)
    header = f"{'route':<16} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print(header)
    print("-" * len(header))
    for route in [*ROUTES, "POST /articles"]:
        tally = run.tallies.get(route)
        if not tally or not tally.latencies:
            continue
        ms = [1000 * v for v in tally.latencies]
        print(
            f"{route:<16} {len(ms):>6} {len(ms) / elapsed:>7.1f} {statistics.median(ms):>8.1f} "
            f"{percentile(ms, 0.99):>8.1f} {max(ms):>8.1f} {tally.errors:>6}"
        )
    for route, tally in run.tallies.items():
        for example in tally.examples:
            print(f"  error on {route}: {example}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="directory of fact sheets to POST meanwhile")
    parser.add_argument("--seconds", type=float, default=20.0, help="stop after (default 20)")
    parser.add_argument("--requests", type=int, default=5000, help="stop after reads (5000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent readers (8)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="server query timeout")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--neo4j", action="store_true", help="serve on DIPLOGRAPH_NEO4J_* (emptied)"
    )
    parser.add_argument("--preload", type=Path, help="corpus loaded before the server starts")
    parser.add_argument(
        "--compare", action="store_true", help="reads without, then with the writer; p99 ratios"
    )
    parser.add_argument("--allow-default-port", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sheets = (
        sorted(p for p in args.corpus.iterdir() if p.suffix in (".json", ".yaml"))
        if args.corpus
        else []
    )
    if args.corpus and not sheets:
        raise SystemExit(f"no fact sheets in {args.corpus}")
    backend = "embedded (Oxigraph + networkx)"
    if args.neo4j:
        backend = f"Neo4j {empty_private_neo4j(args.allow_default_port)} + Oxigraph"
    with server(args) as base_url:
        if not args.compare:
            run = asyncio.run(load(base_url, args, sheets))
            return report(run, args, backend)
        quiet = asyncio.run(load(base_url, args, []))
        busy = asyncio.run(load(base_url, args, sheets))
    status = report(quiet, args, backend + ", reads only") | report(busy, args, backend)
    compare(quiet, busy)
    return status


def compare(quiet: Run, busy: Run) -> None:
    """Each route's p99 with the writer over its p99 without (same server, same reads)."""
    print(f"\n{'route':<16} {'p99 quiet':>9} {'p99 busy':>9} {'ratio':>6}")
    for route in ROUTES:
        before, after = quiet.tallies.get(route), busy.tallies.get(route)
        if not (before and after and before.latencies and after.latencies):
            continue
        p_quiet = 1000 * percentile(before.latencies, 0.99)
        p_busy = 1000 * percentile(after.latencies, 0.99)
        print(f"{route:<16} {p_quiet:>9.1f} {p_busy:>9.1f} {p_busy / p_quiet:>6.2f}")


if __name__ == "__main__":
    sys.exit(main())
