"""``diplograph load | validate | retract | articles | stats | sync``."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.common import err_console, is_tty, opened, out_console, report_error
from api.ingest import IngestReport, entity_index, ingest_paths, reresolve, retract
from api.settings import Settings
from graph.errors import GraphError
from loaders.batch import expand_paths, load_paths
from loaders.errors import LoadError
from loaders.identity.judgements import JudgementLog
from ontology.namespace import ID


def register(subparsers: Any) -> None:
    """Add the store subcommands."""
    load = subparsers.add_parser(
        "load",
        help="load fact sheets or RDF files into the stores",
        description="Load fact sheets (YAML/JSON) and RDF (Turtle, JSON-LD, TriG, N-Quads) into "
        "the RDF store and, when configured, Neo4j. All-or-nothing unless --keep-going.",
    )
    load.add_argument("paths", nargs="+", help="files or directories")
    load.add_argument(
        "--keep-going", action="store_true", help="load the valid files, report the others"
    )
    load.set_defaults(handler=run_load)

    validate = subparsers.add_parser(
        "validate", help="check fact sheets or RDF files without writing anything"
    )
    validate.add_argument("paths", nargs="+", help="files or directories")
    validate.set_defaults(handler=run_validate)

    drop = subparsers.add_parser("retract", help="remove an article's facts from both stores")
    drop.add_argument("article", help="article id or IRI")
    drop.set_defaults(handler=run_retract)

    articles = subparsers.add_parser("articles", help="list the loaded articles")
    articles.set_defaults(handler=run_articles)

    stats = subparsers.add_parser("stats", help="sizes of the stores")
    stats.set_defaults(handler=run_stats)

    sync = subparsers.add_parser("sync", help="rebuild the Neo4j projection from the RDF store")
    sync.set_defaults(handler=run_sync)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not is_tty(),
        transient=True,
    )


def _print_failures(failures: Iterable[LoadError]) -> None:
    for failure in failures:
        for line in str(failure).splitlines():
            err_console.print(f"[red]error[/red]: {line}", soft_wrap=True)


def run_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load files; print a summary; exit 2 on bad input (nothing written), 3 on store errors."""
    files = expand_paths(args.paths)
    with opened(settings) as backends, _progress() as progress:
        task = progress.add_task("reading", total=len(files))
        try:
            report = ingest_paths(
                backends.store,
                files,
                keep_going=args.keep_going,
                judged=JudgementLog.for_data_dir(settings.data_dir),
                on_file=lambda _path, done, _total: progress.update(task, completed=done),
            )
        except (LoadError, GraphError) as error:
            progress.stop()
            return report_error(error)
    for warning in report.warnings:
        err_console.print(str(warning), soft_wrap=True, highlight=False)
    _print_failures(report.failed.values())
    _print_merges(report)
    write = report.write
    rate = report.triples / report.seconds if report.seconds else 0.0
    out_console.print(
        f"loaded {len(report.articles)} article(s), {report.triples} triples"
        + (
            f", {write.nodes} nodes and {write.relationships} relationships projected"
            if write and backends.neo4j_enabled
            else ""
        )
        + f" in {report.seconds:.2f} s ({rate:,.0f} triples/s)"
        + (f"; {len(report.failed)} file(s) refused" if report.failed else "")
    )
    return 1 if report.failed else 0


def short_id(iri: str) -> str:
    """``person/x`` for a diplograph IRI (what the API takes), the IRI otherwise."""
    return iri.removeprefix(str(ID))


def _print_merges(report: IngestReport) -> None:
    """Which entities identity resolution made one, and why (and what it re-pointed)."""
    for merge in report.merges:
        former = ", ".join(short_id(x) for x in merge.local_ids if x != merge.iri)
        why = "; ".join(merge.reasons[:3]) + ("; …" if len(merge.reasons) > 3 else "")
        out_console.print(
            f"merged {short_id(merge.iri)} ← {former} ({len(merge.articles)} articles: {why})",
            soft_wrap=True,
        )
    if report.rewritten:
        out_console.print(f"re-pointed the facts of {len(report.rewritten)} stored article(s)")


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check files against the format, the vocabularies and the shapes; write nothing."""
    with opened(settings) as backends:
        index = entity_index(backends.store)
    batch = load_paths(expand_paths(args.paths), index, keep_going=True)
    for warning in batch.warnings:
        err_console.print(str(warning), soft_wrap=True, highlight=False)
    _print_failures(batch.failed.values())
    out_console.print(f"{len(batch.articles)} valid, {len(batch.failed)} invalid")
    return 2 if batch.failed else 0


def run_retract(args: argparse.Namespace, settings: Settings) -> int:
    """Drop one article from both stores."""
    with opened(settings) as backends:
        try:
            result = retract(
                backends.store, args.article, JudgementLog.for_data_dir(settings.data_dir)
            )
        except GraphError as error:
            return report_error(error)
    out_console.print(f"retracted {result.articles[0]}; {result.touched} subjects recomputed")
    return 0


def run_articles(args: argparse.Namespace, settings: Settings) -> int:
    """List the loaded articles with their triple counts."""
    with opened(settings) as backends:
        for article in backends.rdf.articles():
            out_console.print(
                f"{article.iri}\t{article.triples}\t{article.date or ''}\t{article.title or ''}"
            )
    return 0


def run_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print the sizes of both stores."""
    with opened(settings) as backends:
        try:
            stats = backends.store.stats()
        except GraphError as error:
            return report_error(error)
    out_console.print(f"RDF store: {stats.rdf.triples} triples in {stats.rdf.articles} articles")
    if stats.projection is None:
        out_console.print("Neo4j: not configured (set DIPLOGRAPH_NEO4J_URI)")
        return 0
    p = stats.projection
    out_console.print(f"Neo4j: {p.nodes} nodes, {p.relationships} relationships")
    for label, count in sorted(p.labels.items()):
        out_console.print(f"  :{label}\t{count}")
    for rel_type, count in sorted(p.types.items()):
        out_console.print(f"  [:{rel_type}]\t{count}")
    return 0


def run_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild Neo4j from the RDF store."""
    with opened(settings, repair=False) as backends, _progress() as progress:
        if not backends.neo4j_enabled:
            err_console.print("error: no Neo4j configured (set DIPLOGRAPH_NEO4J_URI)")
            return 2
        task = progress.add_task("projecting", total=None)
        try:
            # judgements recorded (or data loaded) since: identity first, then the rebuild
            resolved = reresolve(backends.store, JudgementLog.for_data_dir(settings.data_dir))
            counts = backends.store.sync(
                on_progress=lambda done, total: progress.update(task, completed=done, total=total)
            )
        except GraphError as error:
            progress.stop()
            return report_error(error)
    _print_merges(resolved)
    out_console.print(f"Neo4j rebuilt: {counts.nodes} nodes, {counts.relationships} relationships")
    return 0
