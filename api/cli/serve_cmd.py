"""``diplograph serve``: run the HTTP API with uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

from api.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the HTTP API (JSON graph API, SPARQL, Cypher, exports)",
        description="Serve the HTTP API with uvicorn on the embedded store by default.",
    )
    parser.add_argument("--host", help="interface to bind (default: DIPLOGRAPH_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: DIPLOGRAPH_PORT or 8000)")
    parser.add_argument(
        "--load-examples",
        action="store_true",
        help="load the bundled example fact sheets before serving (a no-op when already loaded)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start uvicorn with the app built from ``settings``."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from api.app import create_app
    from api.httpserver import uvicorn_config

    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    app = create_app(settings, load_examples=args.load_examples)
    server = uvicorn.Server(uvicorn_config(app, settings))
    server.run()
    # As uvicorn.run: a server that never started (port taken, lifespan failed) is a failure.
    return 0 if server.started else STARTUP_FAILURE
