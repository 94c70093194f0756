"""``diplograph export``: a subgraph to a file (GEXF, GraphML, Gephi CSV, Cytoscape JSON, RDF).

No ``--seed`` and no ``--link`` exports the whole graph; ``--seed`` (repeatable) the ego network
to ``--depth``; ``--link A B`` the links between two actors in at most ``--k`` steps. The file is
written to a temporary name beside ``--out`` and renamed at the end, so a failed export leaves
nothing half-written; ``--out -`` writes to standard output. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from api.cli.common import err_console, is_tty, opened, report_error
from api.settings import Settings
from graph.errors import GraphError
from graph.export import DEFAULT_MAX_NODES, FORMATS, Export, Selection


def register(subparsers: Any) -> None:
    """Add ``export``."""
    parser = subparsers.add_parser(
        "export",
        help="export a subgraph for Gephi, network tools or dashboards",
        description="Export the whole graph, the ego network of seeds or the links between two "
        "actors as GEXF (Gephi, dynamic), GraphML, Gephi CSV (zip), Cytoscape.js JSON, or the "
        "underlying RDF with its provenance (Turtle, JSON-LD, N-Quads).",
    )
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="gexf")
    parser.add_argument(
        "--seed", action="append", default=[], metavar="ID", help="ego network seed (repeatable)"
    )
    parser.add_argument("--depth", type=int, default=1, help="ego network depth (default 1)")
    parser.add_argument("--link", nargs=2, metavar=("A", "B"), help="links between two actors")
    parser.add_argument("--k", type=int, default=3, help="longest path for --link (default 3)")
    parser.add_argument("--type", action="append", metavar="TYPE", help="node type (repeatable)")
    parser.add_argument("--relation", action="append", metavar="KIND", help="relation kind")
    parser.add_argument("--since", help="date window start, YYYY[-MM[-DD]]")
    parser.add_argument("--until", help="date window end, YYYY[-MM[-DD]]")
    parser.add_argument(
        "--inferred", action="store_true", help="also export inferred links (with their rule)"
    )
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, help="node cap")
    parser.add_argument("--hub-cap", type=int, help="ego networks: do not expand larger hubs")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="GEXF/CSV: write symmetric relations as undirected edges (Gephi reads mixed graphs)",
    )
    parser.add_argument(
        "--out", "-o", help="output file ('-' for stdout; default: a name from the selection)"
    )
    parser.set_defaults(handler=run_export)


def selection_of(args: argparse.Namespace) -> Selection:
    """The :class:`Selection` of the arguments."""
    return Selection(
        seeds=tuple(args.seed),
        depth=args.depth,
        link=(args.link[0], args.link[1]) if args.link else None,
        k=args.k,
        types=tuple(args.type) if args.type else None,
        relations=tuple(args.relation) if args.relation else None,
        since=args.since,
        until=args.until,
        inferred=args.inferred,
        max_nodes=args.max_nodes,
        hub_cap=args.hub_cap,
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not is_tty(),
        transient=True,
    )


def _copy(result: Export, out: BinaryIO, progress: Progress, task: TaskID) -> int:
    """Write the chunks; returns the byte count."""
    written = 0
    for chunk in result.chunks:
        out.write(chunk)
        written += len(chunk)
        progress.update(task, status=f"{written / 1e6:,.1f} MB")
    return written


def _write(result: Export, target: str, progress: Progress) -> int:
    """Stream the export to ``target`` (atomically) or stdout."""
    task = progress.add_task(f"writing {result.format.name}", total=None, status="")
    if target == "-":
        written = _copy(result, sys.stdout.buffer, progress, task)
        sys.stdout.buffer.flush()
        return written
    path = Path(target)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        with os.fdopen(handle, "wb") as out:
            written = _copy(result, out, progress, task)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return written


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Select, then write; exit 2 on bad arguments, 3 on store errors."""
    if args.link and args.seed:
        err_console.print("error: give either --seed or --link, not both")
        return 2
    with opened(settings) as backends, _progress() as progress:
        stages: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int | None) -> None:
            if stage not in stages:
                stages[stage] = progress.add_task(stage, total=total, status="")
            progress.update(stages[stage], completed=done, total=total, status=f"{done:,}")

        try:
            service = backends.exporter
            result = service.export(
                args.format, selection_of(args), mixed=args.mixed, progress=report
            )
            target = args.out or result.filename
            written = _write(result, target, progress)
        except GraphError as error:
            progress.stop()
            return report_error(error)
    sub = result.subgraph
    where = "stdout" if target == "-" else target
    err_console.print(
        f"exported {len(sub.nodes)} nodes and {len(sub.edges)} edges ({sub.description}) "
        f"as {result.format.name} to {where} ({written:,} bytes)"
        + (f"; paths truncated ({sub.meta['truncated']})" if "truncated" in sub.meta else "")
    )
    return 0
