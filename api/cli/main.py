"""Entry point of the ``diplograph`` command.

Each subcommand lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler`` to a callable taking ``(args, settings)`` and returning an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from api.cli import export_cmd, identity_cmd, migrate_cmd, neo4j_cmd, serve_cmd, store_cmd
from api.settings import Settings
from graph.errors import GraphError

Handler = Callable[[argparse.Namespace, Settings], int]


COMMANDS: tuple[ModuleType, ...] = (
    serve_cmd,
    neo4j_cmd,
    store_cmd,
    identity_cmd,
    export_cmd,
    migrate_cmd,
)
"""Subcommand modules, in the order ``diplograph --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="diplograph",
        description="A knowledge graph of states, officials and the commitments between them.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except GraphError as error:
        # e.g. the data directory is held by a running `diplograph serve`
        print(f"error: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
