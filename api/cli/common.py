"""Helpers shared by the CLI commands: opening the backends, printing problems."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from api.deps import backend_config
from api.settings import Settings
from graph.backends import Backends, open_backends
from graph.errors import GraphError
from loaders.errors import LoadError

err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


@contextmanager
def opened(settings: Settings, *, repair: bool = True) -> Iterator[Backends]:
    """The backends for one command, closed at the end.

    Opening the RDF store undoes a bulk load a crash interrupted; with ``repair``, a Neo4j
    projection that an interrupted write left stale is rebuilt first (a Neo4j that does not
    answer is reported, and the command goes on: it may not need Neo4j).
    """
    backends = open_backends(backend_config(settings))
    try:
        if repair and backends.store.projection_stale:
            _repair(backends)
        yield backends
    finally:
        backends.close()


def _repair(backends: Backends) -> None:
    """Rebuild a stale projection, saying so on stderr."""
    err_console.print(
        "[yellow]warning[/yellow]: the Neo4j projection may be stale (a write or sync was "
        "interrupted): rebuilding it from the RDF store"
    )
    try:
        backends.store.repair()
    except GraphError as error:
        err_console.print(f"[yellow]warning[/yellow]: the rebuild failed: {error}", soft_wrap=True)


def report_error(error: Exception) -> int:
    """Print a load or store error the way a compiler would; returns the exit code."""
    if isinstance(error, LoadError):
        for line in str(error).splitlines():
            err_console.print(f"[red]error[/red]: {line}", markup=True, soft_wrap=True)
        err_console.print(
            "nothing was written: fix the files above, or load the others with --keep-going"
        )
        return 2
    if isinstance(error, GraphError):
        err_console.print(f"[red]error[/red]: {error}", soft_wrap=True)
        return 3
    raise error


def is_tty() -> bool:
    """Whether progress bars make sense."""
    return sys.stderr.isatty()
